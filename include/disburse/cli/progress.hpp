#pragma once
// The progress line `disburse import` draws on a terminal: a bar by bytes read, the rows so far,
// the rate and the time left, estimated from the bytes (rows vary in length, bytes are known).

#include <cstdint>
#include <string>

namespace disburse::cli {

struct ProgressSnapshot {
  std::int64_t rows = 0;
  std::int64_t bytes_done = 0;
  std::int64_t bytes_total = 0;  // 0 when unknown: no bar and no estimate.
  std::int64_t elapsed_ms = 0;
};

// "[##########··········]  50%  500,000 rows  125,000 rows/s  ETA 0:04", without a line break.
std::string format_progress(const ProgressSnapshot& snapshot, int bar_width = 24);

// 1234567 → "1,234,567".
std::string with_thousands_separators(std::int64_t value);

}  // namespace disburse::cli
