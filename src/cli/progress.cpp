#include "disburse/cli/progress.hpp"

#include <algorithm>

namespace disburse::cli {

namespace {

std::string minutes_and_seconds(std::int64_t seconds) {
  const std::int64_t minutes = seconds / 60;
  const std::int64_t rest = seconds % 60;
  return std::to_string(minutes) + ":" + (rest < 10 ? "0" : "") + std::to_string(rest);
}

}  // namespace

std::string with_thousands_separators(std::int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  for (int position = static_cast<int>(digits.size()) - 3; position > 0; position -= 3) {
    digits.insert(static_cast<std::size_t>(position), ",");
  }
  return value < 0 ? "-" + digits : digits;
}

std::string format_progress(const ProgressSnapshot& snapshot, int bar_width) {
  std::string line;
  const bool known_size = snapshot.bytes_total > 0;
  const std::int64_t done = std::clamp<std::int64_t>(snapshot.bytes_done, 0,
                                                     known_size ? snapshot.bytes_total : 0);
  if (known_size) {
    const std::int64_t filled = done * bar_width / snapshot.bytes_total;
    line += "[" + std::string(static_cast<std::size_t>(filled), '#') +
            std::string(static_cast<std::size_t>(bar_width - filled), '.') + "] ";
    const std::int64_t percent = done * 100 / snapshot.bytes_total;
    line += (percent < 10 ? "  " : percent < 100 ? " " : "") + std::to_string(percent) + "%  ";
  }
  line += with_thousands_separators(snapshot.rows) + " rows";
  if (snapshot.elapsed_ms <= 0) return line;
  line += "  " + with_thousands_separators(snapshot.rows * 1000 / snapshot.elapsed_ms) + " rows/s";
  if (known_size && done > 0) {
    const std::int64_t remaining_ms =
        (snapshot.bytes_total - done) * snapshot.elapsed_ms / done;
    line += "  ETA " + minutes_and_seconds((remaining_ms + 999) / 1000);
  }
  return line;
}

}  // namespace disburse::cli
