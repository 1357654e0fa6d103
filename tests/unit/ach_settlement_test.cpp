#include "disburse/domain/ach_settlement.hpp"

#include <doctest/doctest.h>

using namespace disburse::domain;

TEST_CASE("an ACH credit counts as delivered one second after its 60-day return window") {
  constexpr std::int64_t submitted = 1'714'000'000;
  constexpr std::int64_t day = 86'400;
  CHECK_FALSE(is_ach_settled(submitted, submitted));
  CHECK_FALSE(is_ach_settled(submitted, submitted + 59 * day));
  CHECK_FALSE(is_ach_settled(submitted, submitted + 60 * day));
  CHECK(is_ach_settled(submitted, submitted + 60 * day + 1));
  CHECK(is_ach_settled(submitted, submitted + 2 * day + 1, 2));
}
