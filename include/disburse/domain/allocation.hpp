#pragma once
// The pro-rata allocation engine (DESIGN.md "Allocation run"): divides a distributable amount
// among weighted claimants to the cent with the largest-remainder method, in exact integer
// arithmetic, with a minimum payment and an optional per-claimant cap.
//
// Pure: the same parameters, claimants and seed give the same result byte for byte, whatever
// the order of the claimants. Hashing the canonical texts is left to the adapter.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "disburse/domain/money.hpp"
#include "disburse/domain/weighting.hpp"

namespace disburse::domain {

// More claimants than this belong to a sharded deployment, not to one allocation call.
inline constexpr std::size_t allocation_max_claimants = 100'000'000;

struct AllocationParameters {
  Money distributable;     // T: the fund less the reserve, or a later round's pool. Not negative.
  Money minimum_payment;   // A claimant whose exact quota is below it is dropped. Zero for none.
  Money cap_per_claimant;  // Zero for no cap; otherwise at least the minimum payment.
  std::uint64_t seed = 0;  // Breaks ties between equal remainders; stored on the run.
};

struct AllocationClaimant {
  std::int64_t claimant_id = 0;  // Unique within one allocation.
  std::uint64_t weight = 0;      // Positive.
};

enum class ShareStatus : std::uint8_t {
  paid,           // The floor or the ceiling of the claimant's quota.
  paid_at_cap,    // The quota exceeded the cap; the claimant gets exactly the cap.
  below_minimum,  // Dropped: the quota was below the minimum payment. The share is zero.
};

std::string_view to_string(ShareStatus status);

enum class AllocationOutcome : std::uint8_t {
  allocated,               // The shares sum to the distributable amount exactly.
  everyone_capped,         // Every paid claimant is at the cap; the rest stays unallocated.
  everyone_below_minimum,  // No quota clears the minimum, even after reallocating; nothing paid.
  no_claimants,
};

std::string_view to_string(AllocationOutcome outcome);

struct ClaimantShare {
  std::int64_t claimant_id = 0;
  std::uint64_t weight = 0;
  Money share;
  ShareStatus status = ShareStatus::paid;
};

struct AllocationResult {
  AllocationParameters parameters;
  AllocationOutcome outcome = AllocationOutcome::no_claimants;
  std::vector<ClaimantShare> shares;  // One per claimant, sorted by claimant id.
  Money allocated;                    // The sum of all shares.
  Money unallocated;                  // distributable − allocated; non-zero only when capped.
  std::uint64_t claimants_paid = 0;   // Including those at the cap.
  std::uint64_t claimants_capped = 0;
  std::uint64_t claimants_dropped = 0;
  std::uint64_t paid_weight_total = 0;      // W over everyone paid.
  std::uint64_t uncapped_weight_total = 0;  // W over the paid claimants below the cap.
  Money uncapped_pool;  // What the uncapped claimants share: T less the capped shares.
  // How many times the drop-or-cap-then-reallocate loop would have run: the number of
  // distinct-weight groups dropped below the minimum plus those capped. The engine finds the
  // stable state by binary search instead of looping, which gives the same result.
  std::uint64_t reallocation_rounds = 0;
};

// Allocates `parameters.distributable` among `claimants`.
//
// The minimum payment drops the lightest claimants first, one group of equal weight at a time,
// reallocating the whole amount after each drop, until the lightest remaining claimant clears
// it. Dropping everyone below the minimum at once would be simpler, but could drop a claimant
// whose quota would clear the minimum once the even lighter claimants were gone; dropping the
// smallest first pays everyone the rule allows. Equal weights are always dropped together, so
// the result cannot depend on which of two identical claimants is looked at first.
//
// The cap works the same way from the heavy end: claimants whose quota exceeds it get exactly
// the cap and the excess is reallocated among the rest until no one else exceeds it.
//
// Throws InvalidInput for a negative amount, a cap below the minimum, a zero weight, a
// duplicate claimant id, more than allocation_max_claimants claimants, or a total weight over
// 2^64 − 1.
AllocationResult allocate(const AllocationParameters& parameters,
                          std::span<const AllocationClaimant> claimants);

// Receives the canonical texts in chunks, so that a 1,000,000-line text can be hashed or
// written without holding all of it.
using TextSink = std::function<void(std::string_view chunk)>;

// The canonical input text, hashed into the run's input SHA-256:
//   disburse allocation input v1
//   distributable_cents=…  minimum_payment_cents=…  cap_cents=…  seed=…  claimants=…
//   (one key=value per line), then "claimant_id,weight" and one line per claimant by id.
void write_canonical_input(const AllocationParameters& parameters,
                           std::span<const AllocationClaimant> claimants, const TextSink& sink);
std::string canonical_input_text(const AllocationParameters& parameters,
                                 std::span<const AllocationClaimant> claimants);

// The canonical output text, hashed into the run's output SHA-256: a header of key=value
// lines with the outcome and the totals, then "claimant_id,share_cents,status" and one line per
// claimant by id.
void write_canonical_output(const AllocationResult& result, const TextSink& sink);
std::string canonical_output_text(const AllocationResult& result);

// The distribution of the paid shares (those at the cap included). Zero everywhere when no one
// is paid.
struct ShareStatistics {
  std::uint64_t claimants_paid = 0;
  Money minimum;
  Money median;  // The floor of the mean of the two middle shares when the count is even.
  Money mean;    // Floored to the cent.
  Money maximum;
  Money total;
};

ShareStatistics share_statistics(const AllocationResult& result);

struct DeviceTypeStatistics {
  std::string device_type;
  std::uint64_t claimants_paid = 0;
  std::uint64_t claimants_dropped = 0;
  Money total;
  Money mean;  // Over the paid claimants of this type, floored to the cent.
};

// Groups the shares by the label `device_type_of` gives each claimant id, sorted by label.
std::vector<DeviceTypeStatistics> statistics_by_device_type(
    const AllocationResult& result,
    const std::function<std::string_view(std::int64_t claimant_id)>& device_type_of);

// One sentence explaining a share, for example
//   "Indoor Cam, 26 months × 3 points = 78 of 9,120,000 points → $49.61"
//   "Indoor Cam, 80 months (capped at 60) × 3 points = 180 of 9,120,000 points → $114.47"
//   "weight 78 of 9,120,000 points → $49.61"
//   "Video Doorbell, 2 months × 1 point = 2 of 9,120,000 points → below the $10.00 minimum,
//    not paid"
// `weight_total` is the denominator the share was computed over.
std::string explain_share(const WeightBreakdown& weight, const ClaimantShare& share,
                          std::uint64_t weight_total, Money minimum_payment);

// The same, taking the denominator and the minimum from the run: the uncapped weight total for
// a claimant below the cap, the paid weight total otherwise.
std::string explain_share(const WeightBreakdown& weight, const ClaimantShare& share,
                          const AllocationResult& result);

}  // namespace disburse::domain
