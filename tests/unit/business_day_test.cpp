#include <doctest/doctest.h>

#include "disburse/domain/business_day.hpp"

using namespace std::chrono;
using disburse::domain::is_business_day;
using disburse::domain::next_business_day;

TEST_CASE("the next business day skips the weekend and crosses month and year ends") {
  struct Row {
    year_month_day from;
    year_month_day expected;
  };
  const Row rows[] = {
      {2024y / April / 15, 2024y / April / 16},      // Monday → Tuesday
      {2024y / April / 19, 2024y / April / 22},      // Friday → Monday
      {2024y / April / 20, 2024y / April / 22},      // Saturday → Monday
      {2024y / April / 21, 2024y / April / 22},      // Sunday → Monday
      {2024y / February / 28, 2024y / February / 29},  // leap day is a Thursday
      {2021y / December / 31, 2022y / January / 3},  // Friday at the year end
  };
  for (const Row& row : rows) {
    CAPTURE(static_cast<unsigned>(row.from.day()));
    CHECK(next_business_day(row.from) == row.expected);
  }
}

TEST_CASE("every next business day is a weekday after the date, at most three days later") {
  sys_days day = sys_days(2023y / January / 1);
  for (int index = 0; index < 800; index++, day += days(1)) {
    const year_month_day next = next_business_day(year_month_day(day));
    CHECK(is_business_day(next));
    CHECK(sys_days(next) > day);
    CHECK(sys_days(next) - day <= days(3));
  }
}
