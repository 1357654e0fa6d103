#include "disburse/domain/calendar.hpp"

#include <doctest/doctest.h>

#include <ctime>

using namespace disburse::domain;

TEST_CASE("UTC dates and ISO timestamps come from Unix time exactly") {
  CHECK(to_iso8601_utc(0) == "1970-01-01T00:00:00Z");
  CHECK(to_iso8601_utc(1'716'382'799) == "2024-05-22T12:59:59Z");
  CHECK(to_iso_date_utc(951'782'400) == "2000-02-29");
  CHECK(to_iso8601_utc(-1) == "1969-12-31T23:59:59Z");
}

TEST_CASE("civil dates agree with the C library for every day over two centuries") {
  for (std::int64_t day = -20'000; day < 60'000; day += 7) {
    const std::int64_t seconds = day * 86'400 + 43'210;
    const std::time_t time = static_cast<std::time_t>(seconds);
    std::tm parts{};
    gmtime_r(&time, &parts);
    const CivilDate date = civil_date_utc(seconds);
    CAPTURE(seconds);
    CHECK(date.year == parts.tm_year + 1900);
    CHECK(date.month == parts.tm_mon + 1);
    CHECK(date.day == parts.tm_mday);
  }
}
