#include <doctest/doctest.h>

#include <random>

#include "disburse/domain/payment_reference.hpp"

using namespace disburse::domain;

TEST_CASE("a payment reference is short, readable and derived from its key") {
  CHECK(payment_reference({1, 1, 117044, 1}) == "D1-1-3J9M-1");
  CHECK(payment_reference({1, 2, 117044, 3}) == "D1-2-3J9M-3");
  CHECK(payment_reference({32767, 31, (1 << 30) - 1, 31}) == "DZZZ-Z-ZZZZZZ-Z");
}

TEST_CASE("every reference parses back to its key and no two keys share one") {
  std::mt19937_64 random(7);
  for (int trial = 0; trial < 20000; trial++) {
    const PaymentKey key{static_cast<std::int64_t>(random() % 32767) + 1,
                         static_cast<int>(random() % 31) + 1,
                         static_cast<std::int64_t>(random() % ((1 << 30) - 1)) + 1,
                         static_cast<int>(random() % 31) + 1};
    const auto parsed = parse_payment_reference(payment_reference(key));
    REQUIRE(parsed.has_value());
    CHECK(*parsed == key);
  }
}

TEST_CASE("text that is not a reference is refused") {
  for (const char* text : {"", "D", "D1-1-1", "X1-1-1-1", "D1-1-1-1-1", "D0-1-1-1", "D01-1-1-1",
                           "D1-1-1-I", "d1-1-1-1", "D1--1-1", "D1-1-1-1 ", "D1-1-1234567-1"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_payment_reference(text).has_value());
  }
}
