#pragma once
// UTC calendar dates from Unix time, for deadlines shown to people ("May 22, 2024") and for
// ISO 8601 timestamps in JSON. Pure: proleptic Gregorian arithmetic, no locale, no time zone
// database. Deadlines are shown as UTC dates, the same day the deadline computation uses.

#include <cstdint>
#include <string>

namespace disburse::domain {

struct CivilDate {
  std::int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

CivilDate civil_date_utc(std::int64_t epoch_seconds);

// "2024-05-22T13:04:05Z".
std::string to_iso8601_utc(std::int64_t epoch_seconds);

// "2024-05-22".
std::string to_iso_date_utc(std::int64_t epoch_seconds);

}  // namespace disburse::domain
