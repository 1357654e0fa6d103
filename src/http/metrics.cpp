#include "metrics.hpp"

#include <cstdio>

namespace disburse::http {

namespace {

std::string escape_label(const std::string& value) {
  std::string escaped;
  for (const char character : value) {
    if (character == '\\' || character == '"') escaped += '\\';
    if (character == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped += character;
  }
  return escaped;
}

std::string format_seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", seconds);
  return text;
}

}  // namespace

void Metrics::record_request(const std::string& method, const std::string& route, int status,
                             std::int64_t duration_us) {
  const std::string route_labels =
      "method=\"" + escape_label(method) + "\",route=\"" + escape_label(route) + "\"";
  const std::string labels = route_labels + ",status=\"" + std::to_string(status) + "\"";
  std::lock_guard lock(mutex_);
  requests_[labels]++;
  Histogram& histogram = durations_[route_labels];
  for (std::size_t index = 0; index < bucket_bounds_seconds.size(); index++) {
    if (static_cast<double>(duration_us) <= bucket_bounds_seconds[index] * 1e6) histogram.buckets[index]++;
  }
  histogram.count++;
  histogram.sum_us += duration_us;
}

void Metrics::render(std::string& text) const {
  std::lock_guard lock(mutex_);
  text += "# HELP disburse_http_requests_total HTTP requests by route and status.\n";
  text += "# TYPE disburse_http_requests_total counter\n";
  for (const auto& [labels, count] : requests_) {
    text += "disburse_http_requests_total{" + labels + "} " + std::to_string(count) + "\n";
  }
  text += "# HELP disburse_http_request_duration_seconds HTTP request latency.\n";
  text += "# TYPE disburse_http_request_duration_seconds histogram\n";
  for (const auto& [labels, histogram] : durations_) {
    const std::string name = "disburse_http_request_duration_seconds";
    for (std::size_t index = 0; index < bucket_bounds_seconds.size(); index++) {
      text += name + "_bucket{" + labels + ",le=\"" + format_seconds(bucket_bounds_seconds[index]) +
              "\"} " + std::to_string(histogram.buckets[index]) + "\n";
    }
    text += name + "_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(histogram.count) + "\n";
    text += name + "_sum{" + labels + "} " +
            format_seconds(static_cast<double>(histogram.sum_us) / 1e6) + "\n";
    text += name + "_count{" + labels + "} " + std::to_string(histogram.count) + "\n";
  }
}

}  // namespace disburse::http
