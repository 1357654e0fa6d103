#include <doctest/doctest.h>

#include "disburse/cli/progress.hpp"

using disburse::cli::format_progress;
using disburse::cli::ProgressSnapshot;

TEST_CASE("the progress line shows the bar, rows, rate and time left from the bytes") {
  const ProgressSnapshot half{500000, 50, 100, 4000};
  CHECK(format_progress(half, 10) == "[#####.....]  50%  500,000 rows  125,000 rows/s  ETA 0:04");
}

TEST_CASE("the progress line of a finished file shows a full bar and no time left") {
  CHECK(format_progress({1000, 100, 100, 1000}, 4) == "[####] 100%  1,000 rows  1,000 rows/s  ETA 0:00");
}

TEST_CASE("without a known size the progress line shows only rows and rate") {
  CHECK(format_progress({1234567, 10, 0, 0}) == "1,234,567 rows");
  CHECK(format_progress({3000, 10, 0, 2000}) == "3,000 rows  1,500 rows/s");
}

TEST_CASE("bytes beyond the announced size never overflow the bar") {
  CHECK(format_progress({1, 150, 100, 0}, 2) == "[##] 100%  1 rows");
}

TEST_CASE("thousands separators group digits by three") {
  CHECK(disburse::cli::with_thousands_separators(0) == "0");
  CHECK(disburse::cli::with_thousands_separators(999) == "999");
  CHECK(disburse::cli::with_thousands_separators(1000) == "1,000");
  CHECK(disburse::cli::with_thousands_separators(-1234567) == "-1,234,567");
}
