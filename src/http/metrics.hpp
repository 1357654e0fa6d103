#pragma once
// Prometheus text-format metrics: requests by route and status, a latency histogram, and
// gauges the caller supplies at scrape time (pool, jobs).

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace disburse::http {

class Metrics {
 public:
  void record_request(const std::string& method, const std::string& route, int status,
                      std::int64_t duration_us);
  // Appends the request counters and the histogram to `text`.
  void render(std::string& text) const;

 private:
  static constexpr std::array<double, 12> bucket_bounds_seconds = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
  struct Histogram {
    std::array<std::uint64_t, bucket_bounds_seconds.size()> buckets{};
    std::uint64_t count = 0;
    std::int64_t sum_us = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> requests_;   // Key: the label set.
  std::map<std::string, Histogram> durations_;      // Key: the route's label set.
};

}  // namespace disburse::http
