#include "disburse/domain/calendar.hpp"

#include <cstdio>

namespace disburse::domain {

namespace {

std::int64_t floor_divide(std::int64_t numerator, std::int64_t denominator) {
  const std::int64_t quotient = numerator / denominator;
  return (numerator % denominator != 0 && (numerator < 0) != (denominator < 0)) ? quotient - 1
                                                                               : quotient;
}

}  // namespace

// Howard Hinnant's days-to-civil algorithm: exact for every day of the proleptic Gregorian
// calendar, with eras of 400 years so that no table is needed.
CivilDate civil_date_utc(std::int64_t epoch_seconds) {
  const std::int64_t days = floor_divide(epoch_seconds, 86'400) + 719'468;
  const std::int64_t era = floor_divide(days, 146'097);
  const std::int64_t day_of_era = days - era * 146'097;
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36'524 - day_of_era / 146'096) / 365;
  const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t shifted_month = (5 * day_of_year + 2) / 153;
  const auto day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  const auto month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  const std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

std::string to_iso8601_utc(std::int64_t epoch_seconds) {
  const CivilDate date = civil_date_utc(epoch_seconds);
  const std::int64_t second_of_day = epoch_seconds - floor_divide(epoch_seconds, 86'400) * 86'400;
  char text[40];
  std::snprintf(text, sizeof(text), "%04lld-%02d-%02dT%02lld:%02lld:%02lldZ",
                static_cast<long long>(date.year), date.month, date.day,
                static_cast<long long>(second_of_day / 3600),
                static_cast<long long>(second_of_day / 60 % 60),
                static_cast<long long>(second_of_day % 60));
  return text;
}

std::string to_iso_date_utc(std::int64_t epoch_seconds) {
  return to_iso8601_utc(epoch_seconds).substr(0, 10);
}

}  // namespace disburse::domain
