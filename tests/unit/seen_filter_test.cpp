#include <doctest/doctest.h>

#include <string>

#include "disburse/domain/seen_filter.hpp"

using disburse::domain::SeenFilter;

TEST_CASE("a seen filter never says no to a key it was given") {
  SeenFilter filter(4096);
  for (int index = 0; index < 2000; index++) {
    filter.test_and_add("C" + std::to_string(index));
  }
  for (int index = 0; index < 2000; index++) {
    CHECK(filter.may_contain("C" + std::to_string(index)));
    CHECK(filter.test_and_add("C" + std::to_string(index)));
  }
}

TEST_CASE("a seen filter of a few megabytes rarely mistakes a new key for a seen one") {
  SeenFilter filter(1 << 20);
  int false_positives = 0;
  for (int index = 0; index < 100000; index++) {
    if (filter.test_and_add("customer-" + std::to_string(index))) false_positives++;
  }
  // 100,000 keys in 8 Mbit with four probes: about 1 in 100,000 expected.
  CHECK(false_positives < 10);
}

TEST_CASE("a seen filter's memory is fixed when it is built") {
  CHECK(SeenFilter(1000).size_bytes() == 1024);
  CHECK(SeenFilter(0).size_bytes() == 64);
  SeenFilter filter(1 << 16);
  for (int index = 0; index < 50000; index++) filter.test_and_add(std::to_string(index));
  CHECK(filter.size_bytes() == (1 << 16));
}

TEST_CASE("the 64-bit byte hash is fixed by its definition, not by the platform") {
  // FNV-1a of "" is its offset basis; the finaliser is SplitMix64's.
  CHECK(disburse::domain::hash_bytes_64("") == disburse::domain::hash_bytes_64(std::string()));
  CHECK(disburse::domain::hash_bytes_64("a") != disburse::domain::hash_bytes_64("b"));
}
