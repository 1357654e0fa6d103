#include "disburse/domain/weighting.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include "disburse/domain/errors.hpp"

namespace disburse::domain {

namespace {

constexpr std::string_view months_cap_key = "months_cap";

char to_ascii_lower(char character) {
  return character >= 'A' && character <= 'Z' ? static_cast<char>(character - 'A' + 'a')
                                              : character;
}

bool is_space(char character) {
  return character == ' ' || character == '\t' || character == '\r' || character == '\n';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// Three-way comparison ignoring ASCII case, without allocating: lookups run once per imported
// row, so a lower-cased copy per call would cost a heap allocation per claimant.
int compare_ignoring_case(std::string_view left, std::string_view right) {
  const std::size_t common = std::min(left.size(), right.size());
  for (std::size_t index = 0; index < common; index++) {
    const auto left_byte = static_cast<unsigned char>(to_ascii_lower(left[index]));
    const auto right_byte = static_cast<unsigned char>(to_ascii_lower(right[index]));
    if (left_byte != right_byte) return left_byte < right_byte ? -1 : 1;
  }
  if (left.size() == right.size()) return 0;
  return left.size() < right.size() ? -1 : 1;
}

bool less_ignoring_case(const DevicePoints& left, const DevicePoints& right) {
  const int order = compare_ignoring_case(left.device_type, right.device_type);
  return order != 0 ? order < 0 : left.device_type < right.device_type;
}

void validate_device_type(std::string_view name) {
  if (name.empty()) throw InvalidInput("weighting rule: a device type name is empty");
  if (name.size() > weighting_max_device_type_bytes) {
    throw InvalidInput("weighting rule: device type '" + std::string(name.substr(0, 40)) +
                       "…' is longer than " + std::to_string(weighting_max_device_type_bytes) +
                       " bytes");
  }
  for (const char character : name) {
    const auto byte = static_cast<unsigned char>(character);
    if (byte < 0x20 || byte == 0x7f || character == '=') {
      throw InvalidInput("weighting rule: device type '" + std::string(name) +
                         "' contains '=' or a control character");
    }
  }
  if (compare_ignoring_case(name, months_cap_key) == 0) {
    throw InvalidInput("weighting rule: 'months_cap' is reserved and cannot be a device type");
  }
}

void validate_points(std::string_view name, std::uint32_t points) {
  if (points == 0 || points > weighting_max_points) {
    throw InvalidInput("weighting rule: points for '" + std::string(name) +
                       "' must be between 1 and " + std::to_string(weighting_max_points) +
                       ", got " + std::to_string(points));
  }
}

void validate_months_cap(std::uint32_t months_cap) {
  if (months_cap == 0 || months_cap > weighting_max_months_cap) {
    throw InvalidInput("weighting rule: months_cap must be between 1 and " +
                       std::to_string(weighting_max_months_cap) + ", got " +
                       std::to_string(months_cap));
  }
}

// Parses a decimal number of digits only; anything else (signs, spaces, decimals) is refused so
// that the stored text has exactly one spelling for each value.
bool parse_unsigned(std::string_view text, std::uint32_t& value) {
  if (text.empty() || text.size() > 10) return false;
  for (const char character : text) {
    if (character < '0' || character > '9') return false;
  }
  std::uint64_t wide = 0;
  std::from_chars(text.data(), text.data() + text.size(), wide);
  if (wide > std::numeric_limits<std::uint32_t>::max()) return false;
  value = static_cast<std::uint32_t>(wide);
  return true;
}

std::string line_prefix(std::size_t line_number) {
  return "weighting rule line " + std::to_string(line_number) + ": ";
}

}  // namespace

WeightingRule WeightingRule::create(std::vector<DevicePoints> device_points,
                                    std::uint32_t months_cap) {
  validate_months_cap(months_cap);
  if (device_points.empty()) throw InvalidInput("weighting rule: no device types");
  if (device_points.size() > weighting_max_device_types) {
    throw InvalidInput("weighting rule: more than " + std::to_string(weighting_max_device_types) +
                       " device types");
  }
  for (DevicePoints& entry : device_points) {
    entry.device_type = std::string(trim(entry.device_type));
    validate_device_type(entry.device_type);
    validate_points(entry.device_type, entry.points);
  }
  std::sort(device_points.begin(), device_points.end(), less_ignoring_case);
  for (std::size_t index = 1; index < device_points.size(); index++) {
    const std::string& previous = device_points[index - 1].device_type;
    const std::string& current = device_points[index].device_type;
    if (compare_ignoring_case(previous, current) == 0) {
      throw InvalidInput("weighting rule: device type '" + current +
                         "' appears more than once (names are compared ignoring case)");
    }
  }
  return WeightingRule(std::move(device_points), months_cap);
}

const DevicePoints* WeightingRule::find(std::string_view device_type) const {
  const std::string_view wanted = trim(device_type);
  const auto found = std::lower_bound(device_points_.begin(), device_points_.end(), wanted,
                                      [](const DevicePoints& entry, std::string_view name) {
                                        return compare_ignoring_case(entry.device_type, name) < 0;
                                      });
  if (found == device_points_.end() || compare_ignoring_case(found->device_type, wanted) != 0) {
    return nullptr;
  }
  return &*found;
}

WeightingRule default_ring_weighting_rule() {
  return WeightingRule::create(
      {
          {"Indoor Cam", 3},
          {"Stick Up Cam", 3},
          {"Peephole Cam", 2},
          {"Spotlight Cam", 2},
          {"Floodlight Cam", 2},
          {"Video Doorbell Pro", 2},
          {"Doorbell Elite", 2},
          {"Video Doorbell", 1},
      },
      60);
}

std::string to_canonical_text(const WeightingRule& rule) {
  std::string text = std::string(months_cap_key) + "=" + std::to_string(rule.months_cap()) + "\n";
  for (const DevicePoints& entry : rule.device_points()) {
    text += entry.device_type;
    text += '=';
    text += std::to_string(entry.points);
    text += '\n';
  }
  return text;
}

WeightingRule parse_weighting_rule(std::string_view text) {
  std::vector<DevicePoints> device_points;
  std::uint32_t months_cap = 0;
  bool seen_months_cap = false;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    const std::string_view line = trim(text.substr(0, newline));
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    line_number++;
    if (line.empty()) continue;
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) {
      throw InvalidInput(line_prefix(line_number) + "expected 'name=points', got '" +
                         std::string(line.substr(0, 60)) + "'");
    }
    const std::string_view name = trim(line.substr(0, equals));
    const std::string_view value = trim(line.substr(equals + 1));
    std::uint32_t number = 0;
    if (!parse_unsigned(value, number)) {
      throw InvalidInput(line_prefix(line_number) + "'" + std::string(value.substr(0, 20)) +
                         "' is not a whole number");
    }
    if (compare_ignoring_case(name, months_cap_key) == 0) {
      if (seen_months_cap) throw InvalidInput(line_prefix(line_number) + "months_cap repeated");
      seen_months_cap = true;
      months_cap = number;
      continue;
    }
    device_points.push_back({std::string(name), number});
  }
  if (!seen_months_cap) throw InvalidInput("weighting rule: months_cap is missing");
  return WeightingRule::create(std::move(device_points), months_cap);
}

std::string_view describe(WeightStatus status) {
  switch (status) {
    case WeightStatus::ok:
      return "ok";
    case WeightStatus::unknown_device_type:
      return "the device type is not in the weighting rule";
    case WeightStatus::negative_account_months:
      return "the account age in months is negative";
    case WeightStatus::zero_weight:
      return "the weight is zero";
  }
  return "invalid weight";
}

WeightResult compute_weight(const WeightingRule& rule, std::string_view device_type,
                            std::int64_t account_months) {
  WeightResult result;
  result.breakdown.basis = WeightBasis::device_and_months;
  result.breakdown.account_months = account_months;
  result.breakdown.months_cap = rule.months_cap();
  const DevicePoints* entry = rule.find(device_type);
  if (entry == nullptr) {
    result.status = WeightStatus::unknown_device_type;
    return result;
  }
  result.breakdown.device_type = entry->device_type;
  result.breakdown.points = entry->points;
  if (account_months < 0) {
    result.status = WeightStatus::negative_account_months;
    return result;
  }
  result.breakdown.months_counted = static_cast<std::uint32_t>(
      std::min<std::int64_t>(account_months, static_cast<std::int64_t>(rule.months_cap())));
  result.breakdown.weight =
      static_cast<std::uint64_t>(entry->points) * result.breakdown.months_counted;
  if (result.breakdown.weight == 0) result.status = WeightStatus::zero_weight;
  return result;
}

WeightResult imported_weight(std::uint64_t weight) {
  WeightResult result;
  result.breakdown.basis = WeightBasis::imported;
  result.breakdown.weight = weight;
  if (weight == 0) result.status = WeightStatus::zero_weight;
  return result;
}

}  // namespace disburse::domain
