#pragma once
// The weighting rule of a program: how many points each device type earns per month of account
// age, with the months capped. A claimant's weight is points(device) × min(account_months, cap).
// Programs without a device rule import each claimant's weight directly instead.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace disburse::domain {

// Limits that keep every weight and every total weight far inside 64 bits:
// 1,000,000 points × 1,200 months × 100,000,000 claimants < 2^64.
inline constexpr std::uint32_t weighting_max_points = 1'000'000;
inline constexpr std::uint32_t weighting_max_months_cap = 1'200;
inline constexpr std::size_t weighting_max_device_types = 1'000;
inline constexpr std::size_t weighting_max_device_type_bytes = 100;

struct DevicePoints {
  std::string device_type;
  std::uint32_t points = 0;
  friend bool operator==(const DevicePoints&, const DevicePoints&) = default;
};

// A validated rule. It can only be built through `create` or `parse_weighting_rule`, so every
// instance holds positive points, unique non-empty names and a positive months cap. Device types
// are kept sorted case-insensitively, which makes the canonical text deterministic.
class WeightingRule {
 public:
  // Throws InvalidInput naming the offending entry.
  static WeightingRule create(std::vector<DevicePoints> device_points, std::uint32_t months_cap);

  const std::vector<DevicePoints>& device_points() const { return device_points_; }
  std::uint32_t months_cap() const { return months_cap_; }

  // Looks a device type up ignoring ASCII case and surrounding whitespace, as imported lists
  // spell them inconsistently. Returns nullptr for an unknown type.
  const DevicePoints* find(std::string_view device_type) const;

  friend bool operator==(const WeightingRule&, const WeightingRule&) = default;

 private:
  WeightingRule(std::vector<DevicePoints> device_points, std::uint32_t months_cap)
      : device_points_(std::move(device_points)), months_cap_(months_cap) {}

  std::vector<DevicePoints> device_points_;
  std::uint32_t months_cap_ = 0;
};

// The rule used for the FTC v. Ring program: cameras that see inside the home earn the most.
WeightingRule default_ring_weighting_rule();

// "months_cap=60\nDoorbell Elite=4\n…": one `name=points` line per device type, sorted
// case-insensitively, after the cap. Stored on the program and hashed, so it is byte-stable.
std::string to_canonical_text(const WeightingRule& rule);

// Parses the text form. Lines may come in any order, with blank lines and spaces around names
// and numbers; `months_cap` must appear exactly once. Throws InvalidInput with the line number.
WeightingRule parse_weighting_rule(std::string_view text);

enum class WeightStatus : std::uint8_t {
  ok,
  unknown_device_type,
  negative_account_months,
  zero_weight,  // Zero months or an imported weight of zero: nothing to allocate against.
};

std::string_view describe(WeightStatus status);

enum class WeightBasis : std::uint8_t { device_and_months, imported };

// How a weight came about, kept for the explanation sentence. For the device basis
// `device_type` views the rule's own spelling, so it lives as long as the rule.
struct WeightBreakdown {
  WeightBasis basis = WeightBasis::imported;
  std::string_view device_type;
  std::int64_t account_months = 0;
  std::uint32_t months_counted = 0;
  std::uint32_t months_cap = 0;
  std::uint32_t points = 0;
  std::uint64_t weight = 0;

  bool months_were_capped() const {
    return basis == WeightBasis::device_and_months && account_months > months_counted;
  }
};

struct WeightResult {
  WeightStatus status = WeightStatus::ok;
  WeightBreakdown breakdown;
  bool ok() const { return status == WeightStatus::ok; }
};

// points(device_type) × min(account_months, rule.months_cap()).
WeightResult compute_weight(const WeightingRule& rule, std::string_view device_type,
                            std::int64_t account_months);

// A weight taken as given from the imported list.
WeightResult imported_weight(std::uint64_t weight);

}  // namespace disburse::domain
