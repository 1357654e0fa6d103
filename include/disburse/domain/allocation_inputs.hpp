#pragma once
// What an allocation run is computed from, before the engine sees it: each claimant's weight
// under the program's rule, the reasons a claimant cannot be weighed, and the default seed.
// Pure, like the engine: the adapters read the claims and hand them over one at a time.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "disburse/domain/allocation.hpp"
#include "disburse/domain/weighting.hpp"

namespace disburse::domain {

// The program's rule from its stored canonical text; an empty text means the Ring default.
// Throws InvalidInput when the stored text does not parse (it was validated when stored).
WeightingRule program_weighting_rule(std::string_view stored_text);

// The weight columns of one claimant, as imported.
struct ClaimantWeightSource {
  std::optional<std::string_view> device_type;
  std::optional<std::int64_t> account_months;
  std::optional<std::int64_t> imported_weight;
};

// An imported weight wins: a list that carries weights was weighed by whoever produced it, and
// the device rule is for lists that do not. Without either, the claimant cannot be weighed.
enum class WeightSourceStatus : std::uint8_t { ok, missing_weight_data };

struct ClaimantWeight {
  WeightSourceStatus source = WeightSourceStatus::ok;
  WeightResult result;  // Meaningful when source is ok.
  bool ok() const { return source == WeightSourceStatus::ok && result.ok(); }
};

ClaimantWeight weigh_claimant(const WeightingRule& rule, const ClaimantWeightSource& source);

// Counts the claimants that could not be weighed, by reason and by unknown device type, so
// that a refusal names what to fix without naming any person.
class WeighingProblems {
 public:
  void add(const ClaimantWeightSource& source, const ClaimantWeight& weight);
  bool empty() const { return total_ == 0; }
  std::uint64_t total() const { return total_; }
  // "3 approved claimants cannot be weighed: 2 with a device type the rule does not know
  //  ('Car Cam' 2), 1 with zero weight"
  std::string describe() const;

 private:
  std::uint64_t total_ = 0;
  std::uint64_t missing_data_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> unknown_device_types_;
  std::map<WeightStatus, std::uint64_t> other_statuses_;
};

// The seed a run gets when the maker names none: a fixed mix of the program and the round, so
// that allocating the same claims again reproduces the run byte for byte. Below 2^63, so that
// it fits the database's BIGINT unchanged.
std::uint64_t default_allocation_seed(std::int64_t program_id, int round);

// The weight total a share was computed over, for its explanation: the uncapped total for a
// claimant below the cap, the paid total for one at the cap, and for a dropped claimant the
// total over everyone at least as heavy (when its weight group was the lightest left).
struct RunWeightTotals {
  std::uint64_t paid = 0;
  std::uint64_t uncapped = 0;
  std::uint64_t at_least_as_heavy = 0;  // Over the whole run, for the share's own weight.
};

std::uint64_t explanation_weight_total(ShareStatus status, const RunWeightTotals& totals);

}  // namespace disburse::domain
