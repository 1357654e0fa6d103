#include "disburse/domain/allocation_inputs.hpp"

namespace disburse::domain {

WeightingRule program_weighting_rule(std::string_view stored_text) {
  if (stored_text.empty()) return default_ring_weighting_rule();
  return parse_weighting_rule(stored_text);
}

ClaimantWeight weigh_claimant(const WeightingRule& rule, const ClaimantWeightSource& source) {
  if (source.imported_weight) {
    if (*source.imported_weight <= 0) return {WeightSourceStatus::ok, {WeightStatus::zero_weight, {}}};
    return {WeightSourceStatus::ok, imported_weight(static_cast<std::uint64_t>(*source.imported_weight))};
  }
  if (!source.device_type || !source.account_months) {
    return {WeightSourceStatus::missing_weight_data, {}};
  }
  return {WeightSourceStatus::ok, compute_weight(rule, *source.device_type, *source.account_months)};
}

void WeighingProblems::add(const ClaimantWeightSource& source, const ClaimantWeight& weight) {
  if (weight.ok()) return;
  total_++;
  if (weight.source == WeightSourceStatus::missing_weight_data) {
    missing_data_++;
    return;
  }
  if (weight.result.status == WeightStatus::unknown_device_type && source.device_type) {
    const auto found = unknown_device_types_.find(*source.device_type);
    if (found != unknown_device_types_.end()) {
      found->second++;
    } else {
      unknown_device_types_.emplace(std::string(*source.device_type), 1);
    }
    return;
  }
  other_statuses_[weight.result.status]++;
}

namespace {

// Device types are named, not people; a long tail of typos is cut short.
constexpr std::size_t max_device_types_named = 10;

std::string describe_unknown_device_types(
    const std::map<std::string, std::uint64_t, std::less<>>& counts) {
  std::uint64_t claimants = 0;
  for (const auto& [device_type, count] : counts) claimants += count;
  std::string text = std::to_string(claimants) + " with a device type the rule does not know (";
  std::size_t named = 0;
  for (const auto& [device_type, count] : counts) {
    if (named == max_device_types_named) {
      text += ", …";
      break;
    }
    text += (named == 0 ? "'" : ", '") + device_type + "' " + std::to_string(count);
    named++;
  }
  return text + ")";
}

}  // namespace

std::string WeighingProblems::describe() const {
  std::string text = std::to_string(total_) + " approved claimant" + (total_ == 1 ? "" : "s") +
                     " cannot be weighed: ";
  std::string parts;
  const auto append = [&parts](const std::string& part) {
    parts += (parts.empty() ? "" : ", ") + part;
  };
  if (!unknown_device_types_.empty()) append(describe_unknown_device_types(unknown_device_types_));
  for (const auto& [status, count] : other_statuses_) {
    append(std::to_string(count) + " where " + std::string(domain::describe(status)));
  }
  if (missing_data_ > 0) {
    append(std::to_string(missing_data_) + " with neither a device type and account age nor an " +
           "imported weight");
  }
  return text + parts;
}

std::uint64_t default_allocation_seed(std::int64_t program_id, int round) {
  // SplitMix64's finaliser: a fixed, well-mixed function of the two numbers.
  constexpr std::uint64_t golden_gamma = 0x9E3779B97F4A7C15U;
  constexpr std::uint64_t first_multiplier = 0xBF58476D1CE4E5B9U;
  constexpr std::uint64_t second_multiplier = 0x94D049BB133111EBU;
  const auto program = static_cast<std::uint64_t>(program_id);
  const auto round_number = static_cast<std::uint64_t>(static_cast<std::uint32_t>(round));
  std::uint64_t mixed = program * golden_gamma + round_number;
  mixed = (mixed ^ (mixed >> 30)) * first_multiplier;
  mixed = (mixed ^ (mixed >> 27)) * second_multiplier;
  mixed ^= mixed >> 31;
  return mixed >> 1;
}

std::uint64_t explanation_weight_total(ShareStatus status, const RunWeightTotals& totals) {
  switch (status) {
    case ShareStatus::paid:
      return totals.uncapped;
    case ShareStatus::paid_at_cap:
      return totals.paid;
    case ShareStatus::below_minimum:
      return totals.at_least_as_heavy;
  }
  return totals.paid;
}

}  // namespace disburse::domain
