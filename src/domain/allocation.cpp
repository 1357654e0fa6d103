#include "disburse/domain/allocation.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <utility>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::domain {

namespace {

// T·w needs up to 127 bits: T < 2^63 cents and w < 2^64.
using Wide = unsigned __int128;

// A well-mixed 64-bit hash (Steele, Lea and Flood's SplitMix64 finaliser). It only has to
// scatter claimant ids so that ties do not systematically favour low ids; it is not a secret.
std::uint64_t splitmix64(std::uint64_t value) {
  value += 0x9e3779b97f4a7c15ULL;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

// One claimant in weight order, heaviest first. Kept to 16 bytes because the sort moves it.
struct RankedClaimant {
  std::uint64_t weight = 0;
  std::uint32_t share_index = 0;  // Where the claimant sits in the result, which is by id.
};

// Claimants of equal weight have equal quotas, so they are dropped or capped together.
struct WeightGroup {
  std::uint32_t end = 0;             // One past the group's last claimant in weight order.
  std::uint64_t weight = 0;          // The weight every member has.
  std::uint64_t weight_through = 0;  // The total weight of this group and all heavier ones.
};

// A stable least-significant-digit radix sort on a 64-bit key, 11 bits per pass. One reading
// pass counts every digit; passes in which all keys share the digit are skipped, so rule-sized
// weights take one pass and ids below 2^22 two. Comparison sorts took three quarters of the time
// of a 1,000,000-claimant run.
template <typename Item, typename KeyOf>
void radix_sort(std::vector<Item>& items, KeyOf key_of) {
  constexpr unsigned digit_bits = 11;
  constexpr std::size_t digit_values = std::size_t{1} << digit_bits;
  constexpr unsigned passes = (64 + digit_bits - 1) / digit_bits;
  if (items.size() < 2) return;
  std::vector<std::size_t> offsets(passes * digit_values);
  for (const Item& item : items) {
    const std::uint64_t key = key_of(item);
    for (unsigned pass = 0; pass < passes; pass++) {
      offsets[pass * digit_values + ((key >> (pass * digit_bits)) & (digit_values - 1))]++;
    }
  }
  std::vector<Item> buffer;
  for (unsigned pass = 0; pass < passes; pass++) {
    const auto pass_offsets = offsets.begin() + static_cast<std::ptrdiff_t>(pass * digit_values);
    const auto pass_end = pass_offsets + static_cast<std::ptrdiff_t>(digit_values);
    if (std::find(pass_offsets, pass_end, items.size()) != pass_end) continue;
    std::size_t next = 0;
    for (auto offset = pass_offsets; offset != pass_end; ++offset) {
      next += std::exchange(*offset, next);
    }
    if (buffer.empty()) buffer.resize(items.size());
    const unsigned shift = pass * digit_bits;
    for (const Item& item : items) {
      buffer[pass_offsets[static_cast<std::ptrdiff_t>((key_of(item) >> shift) &
                                                      (digit_values - 1))]++] = item;
    }
    items.swap(buffer);
  }
}

void validate(const AllocationParameters& parameters, std::size_t claimant_count) {
  if (parameters.distributable.is_negative()) {
    throw InvalidInput("allocation: the distributable amount is negative");
  }
  if (parameters.minimum_payment.is_negative()) {
    throw InvalidInput("allocation: the minimum payment is negative");
  }
  if (parameters.cap_per_claimant.is_negative()) {
    throw InvalidInput("allocation: the per-claimant cap is negative");
  }
  if (!parameters.cap_per_claimant.is_zero() &&
      parameters.cap_per_claimant < parameters.minimum_payment) {
    throw InvalidInput(
        "allocation: the per-claimant cap " + to_display_string(parameters.cap_per_claimant) +
        " is below the minimum payment " + to_display_string(parameters.minimum_payment));
  }
  if (claimant_count > allocation_max_claimants) {
    throw InvalidInput("allocation: more than " + std::to_string(allocation_max_claimants) +
                       " claimants");
  }
}

std::uint64_t id_order_key(const AllocationClaimant& claimant) {
  // Flipping the sign bit orders signed ids correctly as unsigned keys.
  return static_cast<std::uint64_t>(claimant.claimant_id) ^ (std::uint64_t{1} << 63);
}

// Copies the claimants into the result's id order, refusing zero weights and duplicate ids.
std::vector<ClaimantShare> shares_by_id(std::span<const AllocationClaimant> claimants) {
  std::vector<AllocationClaimant> sorted;
  std::span<const AllocationClaimant> in_id_order = claimants;
  // Adapters usually read claimants in id order already, which spares the copy and the sort.
  const auto id_less = [](const AllocationClaimant& left, const AllocationClaimant& right) {
    return left.claimant_id < right.claimant_id;
  };
  if (!std::is_sorted(claimants.begin(), claimants.end(), id_less)) {
    sorted.assign(claimants.begin(), claimants.end());
    radix_sort(sorted, id_order_key);
    in_id_order = sorted;
  }
  std::vector<ClaimantShare> shares;
  shares.reserve(in_id_order.size());
  for (const AllocationClaimant& claimant : in_id_order) {
    if (claimant.weight == 0) {
      throw InvalidInput("allocation: claimant " + std::to_string(claimant.claimant_id) +
                         " has a weight of zero; weights must be positive");
    }
    if (!shares.empty() && shares.back().claimant_id == claimant.claimant_id) {
      throw InvalidInput("allocation: claimant " + std::to_string(claimant.claimant_id) +
                         " appears more than once");
    }
    shares.push_back({claimant.claimant_id, claimant.weight, Money(), ShareStatus::paid});
  }
  return shares;
}

std::vector<RankedClaimant> rank_by_weight(const std::vector<ClaimantShare>& shares) {
  std::vector<RankedClaimant> ranked;
  ranked.reserve(shares.size());
  for (std::size_t index = 0; index < shares.size(); index++) {
    ranked.push_back({shares[index].weight, static_cast<std::uint32_t>(index)});
  }
  // The sort is stable and `shares` is in id order, so equal weights stay in id order.
  radix_sort(ranked, [](const RankedClaimant& claimant) { return ~claimant.weight; });
  return ranked;
}

std::vector<WeightGroup> group_by_weight(const std::vector<RankedClaimant>& ranked) {
  std::vector<WeightGroup> groups;
  std::uint64_t weight_through = 0;
  for (std::size_t index = 0; index < ranked.size(); index++) {
    if (__builtin_add_overflow(weight_through, ranked[index].weight, &weight_through)) {
      throw InvalidInput("allocation: the total weight exceeds 2^64 - 1");
    }
    const bool last_of_group =
        index + 1 == ranked.size() || ranked[index + 1].weight != ranked[index].weight;
    if (last_of_group) {
      groups.push_back(
          {static_cast<std::uint32_t>(index + 1), ranked[index].weight, weight_through});
    }
  }
  return groups;
}

// Finds the stable state that repeated drop-and-reallocate and cap-and-reallocate reach, without
// looping over the rounds. The paid claimants are always the heaviest `paid` groups and the
// capped ones the heaviest `capped` groups among those. Both tests below are monotone in the
// group index (dropping or capping a group only raises everyone else's rate), so each boundary
// is a binary search, and the whole search costs O(log² groups) exact comparisons.
class StableStateSearch {
 public:
  StableStateSearch(const std::vector<WeightGroup>& groups, const AllocationParameters& parameters)
      : groups_(groups),
        distributable_cents_(static_cast<std::uint64_t>(parameters.distributable.cents())),
        minimum_cents_(static_cast<std::uint64_t>(parameters.minimum_payment.cents())),
        cap_cents_(static_cast<std::uint64_t>(parameters.cap_per_claimant.cents())) {}

  std::size_t claimants_through(std::size_t group_count) const {
    return group_count == 0 ? 0 : groups_[group_count - 1].end;
  }

  std::uint64_t weight_through(std::size_t group_count) const {
    return group_count == 0 ? 0 : groups_[group_count - 1].weight_through;
  }

  // What the uncapped claimants share once `capped` groups take the cap; zero if nothing is left.
  std::uint64_t pool_after_cap(std::size_t capped) const {
    const Wide capped_total = static_cast<Wide>(claimants_through(capped)) * cap_cents_;
    if (capped_total >= distributable_cents_) return 0;
    return distributable_cents_ - static_cast<std::uint64_t>(capped_total);
  }

  // How many of the heaviest `paid` groups end up at the cap.
  std::size_t capped_groups(std::size_t paid) const {
    if (cap_cents_ == 0) return 0;
    std::size_t low = 0;
    std::size_t high = paid;
    while (low < high) {
      const std::size_t middle = low + (high - low) / 2;
      if (exceeds_cap(middle, paid)) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }

  // How many of the heaviest groups stay paid: the most for which the lightest clears the
  // minimum.
  std::size_t paid_groups() const {
    if (minimum_cents_ == 0) return groups_.size();
    std::size_t low = 0;
    std::size_t high = groups_.size();
    while (low < high) {
      const std::size_t middle = low + (high - low + 1) / 2;
      if (lightest_clears_minimum(middle)) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }

 private:
  // Whether group `group`'s quota exceeds the cap when the heavier groups are capped and the
  // lighter ones down to group `paid - 1` share the rest: pool·w > cap·W, exactly.
  bool exceeds_cap(std::size_t group, std::size_t paid) const {
    const std::uint64_t pool_cents = pool_after_cap(group);
    if (pool_cents == 0) return false;
    const std::uint64_t uncapped_weight = weight_through(paid) - weight_through(group);
    return static_cast<Wide>(pool_cents) * groups_[group].weight >
           static_cast<Wide>(cap_cents_) * uncapped_weight;
  }

  bool lightest_clears_minimum(std::size_t paid) const {
    const std::size_t capped = capped_groups(paid);
    if (capped == paid) return true;  // Everyone is at the cap, which is at least the minimum.
    const std::uint64_t uncapped_weight = weight_through(paid) - weight_through(capped);
    return static_cast<Wide>(pool_after_cap(capped)) * groups_[paid - 1].weight >=
           static_cast<Wide>(minimum_cents_) * uncapped_weight;
  }

  const std::vector<WeightGroup>& groups_;
  std::uint64_t distributable_cents_;
  std::uint64_t minimum_cents_;
  std::uint64_t cap_cents_;
};

// The quota pool·w / W of every claimant in one weight group, as a floor and a remainder.
struct GroupQuota {
  std::size_t group = 0;
  std::uint64_t floor_cents = 0;
  std::uint64_t remainder = 0;  // pool·w mod W: the fractional part of the quota, times W.
};

GroupQuota quota_of(std::size_t group, std::uint64_t weight, std::uint64_t pool_cents,
                    std::uint64_t weight_total) {
  std::uint64_t product = 0;
  // Most products fit in 64 bits, and a 64-bit division is several times cheaper.
  if (!__builtin_mul_overflow(pool_cents, weight, &product)) {
    return {group, product / weight_total, product % weight_total};
  }
  const Wide wide_product = static_cast<Wide>(pool_cents) * weight;
  return {group, static_cast<std::uint64_t>(wide_product / weight_total),
          static_cast<std::uint64_t>(wide_product % weight_total)};
}

// A claimant competing for a leftover cent against others with exactly the same remainder.
struct TiedClaimant {
  std::uint64_t hash = 0;
  std::int64_t claimant_id = 0;
  std::uint32_t share_index = 0;

  // The larger seeded hash first, then the smaller id, which makes the order total.
  friend bool operator<(const TiedClaimant& left, const TiedClaimant& right) {
    if (left.hash != right.hash) return left.hash > right.hash;
    return left.claimant_id < right.claimant_id;
  }
};

class LeftoverHandout {
 public:
  LeftoverHandout(const std::vector<WeightGroup>& groups, const std::vector<RankedClaimant>& ranked,
                  std::uint64_t seed, std::vector<ClaimantShare>& shares)
      : groups_(groups), ranked_(ranked), seed_(seed), shares_(shares) {}

  // Gives one cent each to the `leftover_cents` claimants with the largest remainders. The
  // remainders share the denominator W, so the numerators compare exactly. All members of a
  // weight group share a remainder, so whole groups get their cents at once; only the claimants
  // tied at the remainder where the cents run out are ranked, by the seeded hash of their id.
  void hand_out(std::vector<GroupQuota>& quotas, std::uint64_t leftover_cents) {
    std::sort(quotas.begin(), quotas.end(), [](const GroupQuota& left, const GroupQuota& right) {
      if (left.remainder != right.remainder) return left.remainder > right.remainder;
      return left.group < right.group;
    });
    std::size_t tie_begin = 0;
    while (leftover_cents > 0) {
      DISBURSE_ASSERT(tie_begin < quotas.size() && quotas[tie_begin].remainder > 0);
      std::size_t tie_end = tie_begin;
      std::uint64_t tied_count = 0;
      while (tie_end < quotas.size() && quotas[tie_end].remainder == quotas[tie_begin].remainder) {
        tied_count += group_size(quotas[tie_end].group);
        tie_end++;
      }
      if (tied_count <= leftover_cents) {
        for (std::size_t index = tie_begin; index < tie_end; index++) {
          add_cent_to_group(quotas[index].group);
        }
        leftover_cents -= tied_count;
      } else {
        add_cent_to_first_tied(quotas, tie_begin, tie_end, leftover_cents);
        leftover_cents = 0;
      }
      tie_begin = tie_end;
    }
  }

 private:
  std::size_t group_begin(std::size_t group) const {
    return group == 0 ? 0 : groups_[group - 1].end;
  }
  std::size_t group_size(std::size_t group) const {
    return groups_[group].end - group_begin(group);
  }

  void add_cent_to_group(std::size_t group) {
    for (std::size_t index = group_begin(group); index < groups_[group].end; index++) {
      shares_[ranked_[index].share_index].share += Money::from_cents(1);
    }
  }

  void add_cent_to_first_tied(const std::vector<GroupQuota>& quotas, std::size_t tie_begin,
                              std::size_t tie_end, std::uint64_t count) {
    std::vector<TiedClaimant> tied;
    for (std::size_t index = tie_begin; index < tie_end; index++) {
      const std::size_t group = quotas[index].group;
      for (std::size_t member = group_begin(group); member < groups_[group].end; member++) {
        const std::uint32_t share_index = ranked_[member].share_index;
        const std::int64_t claimant_id = shares_[share_index].claimant_id;
        tied.push_back({splitmix64(seed_ ^ static_cast<std::uint64_t>(claimant_id)), claimant_id,
                        share_index});
      }
    }
    const auto boundary = tied.begin() + static_cast<std::ptrdiff_t>(count);
    std::nth_element(tied.begin(), boundary, tied.end());
    for (auto claimant = tied.begin(); claimant != boundary; ++claimant) {
      shares_[claimant->share_index].share += Money::from_cents(1);
    }
  }

  const std::vector<WeightGroup>& groups_;
  const std::vector<RankedClaimant>& ranked_;
  std::uint64_t seed_;
  std::vector<ClaimantShare>& shares_;
};

// Largest remainder over the groups [first_group, end_group): everyone gets the floor of the
// quota, then the leftover cents (fewer than the claimants) go to the largest remainders.
void divide_pool(const std::vector<WeightGroup>& groups, const std::vector<RankedClaimant>& ranked,
                 std::size_t first_group, std::size_t end_group, std::uint64_t pool_cents,
                 std::uint64_t weight_total, std::uint64_t seed,
                 std::vector<ClaimantShare>& shares) {
  DISBURSE_ASSERT(first_group < end_group && weight_total > 0);
  std::vector<GroupQuota> quotas;
  quotas.reserve(end_group - first_group);
  std::uint64_t floors_total = 0;
  const std::size_t member_begin = first_group == 0 ? 0 : groups[first_group - 1].end;
  const std::size_t member_end = groups[end_group - 1].end;
  std::size_t member = member_begin;
  for (std::size_t group = first_group; group < end_group; group++) {
    const GroupQuota quota = quota_of(group, groups[group].weight, pool_cents, weight_total);
    const Money floor = Money::from_cents(static_cast<std::int64_t>(quota.floor_cents));
    for (; member < groups[group].end; member++) {
      shares[ranked[member].share_index].share = floor;
      floors_total += quota.floor_cents;
    }
    quotas.push_back(quota);
  }
  DISBURSE_ASSERT(floors_total <= pool_cents);
  const std::uint64_t leftover_cents = pool_cents - floors_total;
  DISBURSE_ASSERT(leftover_cents < member_end - member_begin);
  LeftoverHandout(groups, ranked, seed, shares).hand_out(quotas, leftover_cents);
}

void mark_range(const std::vector<RankedClaimant>& ranked, std::size_t begin, std::size_t end,
                Money share, ShareStatus status, std::vector<ClaimantShare>& shares) {
  for (std::size_t index = begin; index < end; index++) {
    shares[ranked[index].share_index].share = share;
    shares[ranked[index].share_index].status = status;
  }
}

AllocationOutcome outcome_of(std::size_t claimant_count, std::size_t paid_groups,
                             std::size_t capped_groups) {
  if (claimant_count == 0) return AllocationOutcome::no_claimants;
  if (paid_groups == 0) return AllocationOutcome::everyone_below_minimum;
  if (capped_groups == paid_groups) return AllocationOutcome::everyone_capped;
  return AllocationOutcome::allocated;
}

}  // namespace

std::string_view to_string(ShareStatus status) {
  switch (status) {
    case ShareStatus::paid:
      return "paid";
    case ShareStatus::paid_at_cap:
      return "paid_at_cap";
    case ShareStatus::below_minimum:
      return "below_minimum";
  }
  return "unknown";
}

std::string_view to_string(AllocationOutcome outcome) {
  switch (outcome) {
    case AllocationOutcome::allocated:
      return "allocated";
    case AllocationOutcome::everyone_capped:
      return "everyone_capped";
    case AllocationOutcome::everyone_below_minimum:
      return "everyone_below_minimum";
    case AllocationOutcome::no_claimants:
      return "no_claimants";
  }
  return "unknown";
}

AllocationResult allocate(const AllocationParameters& parameters,
                          std::span<const AllocationClaimant> claimants) {
  validate(parameters, claimants.size());
  AllocationResult result;
  result.parameters = parameters;
  result.shares = shares_by_id(claimants);
  std::vector<RankedClaimant> ranked = rank_by_weight(result.shares);
  const std::vector<WeightGroup> groups = group_by_weight(ranked);

  const StableStateSearch search(groups, parameters);
  const std::size_t paid_groups = search.paid_groups();
  const std::size_t capped_groups = search.capped_groups(paid_groups);
  const std::size_t capped_end = search.claimants_through(capped_groups);
  const std::size_t paid_end = search.claimants_through(paid_groups);

  result.outcome = outcome_of(ranked.size(), paid_groups, capped_groups);
  result.paid_weight_total = search.weight_through(paid_groups);
  result.uncapped_weight_total = result.paid_weight_total - search.weight_through(capped_groups);
  result.uncapped_pool = Money::from_cents(
      capped_end == paid_end ? 0 : static_cast<std::int64_t>(search.pool_after_cap(capped_groups)));
  result.claimants_capped = capped_end;
  result.claimants_paid = paid_end;
  result.claimants_dropped = ranked.size() - paid_end;
  result.reallocation_rounds = (groups.size() - paid_groups) + capped_groups;

  mark_range(ranked, 0, capped_end, parameters.cap_per_claimant, ShareStatus::paid_at_cap,
             result.shares);
  mark_range(ranked, paid_end, ranked.size(), Money(), ShareStatus::below_minimum, result.shares);
  if (capped_end < paid_end) {
    divide_pool(groups, ranked, capped_groups, paid_groups,
                static_cast<std::uint64_t>(result.uncapped_pool.cents()),
                result.uncapped_weight_total, parameters.seed, result.shares);
  }
  for (const ClaimantShare& share : result.shares) result.allocated += share.share;
  result.unallocated = parameters.distributable - result.allocated;
  DISBURSE_ASSERT(!result.unallocated.is_negative());
  DISBURSE_ASSERT(result.outcome != AllocationOutcome::allocated || result.unallocated.is_zero());
  return result;
}

namespace {

// Collects text into 64 KiB chunks before handing them on, so that a sink that hashes or writes
// sees few, large calls.
class ChunkWriter {
 public:
  explicit ChunkWriter(const TextSink& sink) : sink_(sink) { buffer_.reserve(chunk_bytes); }
  ~ChunkWriter() { flush(); }
  ChunkWriter(const ChunkWriter&) = delete;
  ChunkWriter& operator=(const ChunkWriter&) = delete;

  void text(std::string_view value) {
    buffer_ += value;
    if (buffer_.size() >= chunk_bytes) flush();
  }

  template <typename Integer>
  void number(Integer value) {
    char digits[24];
    const auto converted = std::to_chars(digits, digits + sizeof(digits), value);
    text(std::string_view(digits, static_cast<std::size_t>(converted.ptr - digits)));
  }

  template <typename Integer>
  void field(std::string_view key, Integer value) {
    text(key);
    text("=");
    number(value);
    text("\n");
  }

  void flush() {
    if (buffer_.empty()) return;
    sink_(buffer_);
    buffer_.clear();
  }

 private:
  static constexpr std::size_t chunk_bytes = 64 * 1024;
  const TextSink& sink_;
  std::string buffer_;
};

std::string collect(const std::function<void(const TextSink&)>& write) {
  std::string text;
  write([&text](std::string_view chunk) { text += chunk; });
  return text;
}

}  // namespace

void write_canonical_input(const AllocationParameters& parameters,
                           std::span<const AllocationClaimant> claimants, const TextSink& sink) {
  const auto id_then_weight_less = [](const AllocationClaimant& left,
                                      const AllocationClaimant& right) {
    if (left.claimant_id != right.claimant_id) return left.claimant_id < right.claimant_id;
    return left.weight < right.weight;
  };
  std::vector<AllocationClaimant> sorted(claimants.begin(), claimants.end());
  if (!std::is_sorted(sorted.begin(), sorted.end(), id_then_weight_less)) {
    std::sort(sorted.begin(), sorted.end(), id_then_weight_less);
  }
  ChunkWriter writer(sink);
  writer.text("disburse allocation input v1\n");
  writer.field("distributable_cents", parameters.distributable.cents());
  writer.field("minimum_payment_cents", parameters.minimum_payment.cents());
  writer.field("cap_cents", parameters.cap_per_claimant.cents());
  writer.field("seed", parameters.seed);
  writer.field("claimants", sorted.size());
  writer.text("claimant_id,weight\n");
  for (const AllocationClaimant& claimant : sorted) {
    writer.number(claimant.claimant_id);
    writer.text(",");
    writer.number(claimant.weight);
    writer.text("\n");
  }
}

std::string canonical_input_text(const AllocationParameters& parameters,
                                 std::span<const AllocationClaimant> claimants) {
  return collect([&](const TextSink& sink) { write_canonical_input(parameters, claimants, sink); });
}

void write_canonical_output(const AllocationResult& result, const TextSink& sink) {
  ChunkWriter writer(sink);
  writer.text("disburse allocation output v1\noutcome=");
  writer.text(to_string(result.outcome));
  writer.text("\n");
  writer.field("distributable_cents", result.parameters.distributable.cents());
  writer.field("allocated_cents", result.allocated.cents());
  writer.field("unallocated_cents", result.unallocated.cents());
  writer.field("claimants_paid", result.claimants_paid);
  writer.field("claimants_capped", result.claimants_capped);
  writer.field("claimants_dropped", result.claimants_dropped);
  writer.field("paid_weight_total", result.paid_weight_total);
  writer.text("claimant_id,share_cents,status\n");
  for (const ClaimantShare& share : result.shares) {
    writer.number(share.claimant_id);
    writer.text(",");
    writer.number(share.share.cents());
    writer.text(",");
    writer.text(to_string(share.status));
    writer.text("\n");
  }
}

std::string canonical_output_text(const AllocationResult& result) {
  return collect([&](const TextSink& sink) { write_canonical_output(result, sink); });
}

ShareStatistics share_statistics(const AllocationResult& result) {
  std::vector<std::int64_t> paid_cents;
  paid_cents.reserve(result.claimants_paid);
  for (const ClaimantShare& share : result.shares) {
    if (share.status != ShareStatus::below_minimum) paid_cents.push_back(share.share.cents());
  }
  ShareStatistics statistics;
  if (paid_cents.empty()) return statistics;
  statistics.claimants_paid = paid_cents.size();
  const auto [smallest, largest] = std::minmax_element(paid_cents.begin(), paid_cents.end());
  statistics.minimum = Money::from_cents(*smallest);
  statistics.maximum = Money::from_cents(*largest);
  for (const std::int64_t cents : paid_cents) statistics.total += Money::from_cents(cents);
  const auto count = static_cast<std::int64_t>(paid_cents.size());
  statistics.mean = Money::from_cents(statistics.total.cents() / count);
  const auto upper_middle = paid_cents.begin() + count / 2;
  std::nth_element(paid_cents.begin(), upper_middle, paid_cents.end());
  std::int64_t median_cents = *upper_middle;
  if (count % 2 == 0) {
    // The lower middle is the largest value before the upper middle after nth_element.
    const std::int64_t lower_cents = *std::max_element(paid_cents.begin(), upper_middle);
    median_cents = lower_cents + (median_cents - lower_cents) / 2;
  }
  statistics.median = Money::from_cents(median_cents);
  return statistics;
}

std::vector<DeviceTypeStatistics> statistics_by_device_type(
    const AllocationResult& result,
    const std::function<std::string_view(std::int64_t claimant_id)>& device_type_of) {
  std::map<std::string, DeviceTypeStatistics, std::less<>> by_type;
  for (const ClaimantShare& share : result.shares) {
    const std::string_view device_type = device_type_of(share.claimant_id);
    auto found = by_type.find(device_type);
    if (found == by_type.end()) {
      found = by_type.emplace(std::string(device_type), DeviceTypeStatistics{}).first;
      found->second.device_type = std::string(device_type);
    }
    DeviceTypeStatistics& statistics = found->second;
    if (share.status == ShareStatus::below_minimum) {
      statistics.claimants_dropped++;
    } else {
      statistics.claimants_paid++;
      statistics.total += share.share;
    }
  }
  std::vector<DeviceTypeStatistics> sorted;
  sorted.reserve(by_type.size());
  for (auto& [device_type, statistics] : by_type) {
    if (statistics.claimants_paid > 0) {
      statistics.mean = Money::from_cents(statistics.total.cents() /
                                          static_cast<std::int64_t>(statistics.claimants_paid));
    }
    sorted.push_back(std::move(statistics));
  }
  return sorted;
}

namespace {

// "9,120,000": thousands separated by commas, as in to_display_string.
std::string group_thousands(std::uint64_t value) {
  const std::string digits = std::to_string(value);
  std::string grouped;
  for (std::size_t index = 0; index < digits.size(); index++) {
    if (index > 0 && (digits.size() - index) % 3 == 0) grouped += ',';
    grouped += digits[index];
  }
  return grouped;
}

std::string count_of(std::uint64_t count, std::string_view noun) {
  return group_thousands(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

std::string describe_weight(const WeightBreakdown& weight, std::uint64_t weight_total) {
  std::string text;
  if (weight.basis == WeightBasis::device_and_months) {
    text = std::string(weight.device_type) + ", " +
           count_of(static_cast<std::uint64_t>(std::max<std::int64_t>(weight.account_months, 0)),
                    "month");
    if (weight.months_were_capped()) {
      text += " (capped at " + std::to_string(weight.months_cap) + ")";
    }
    text += " × " + count_of(weight.points, "point") + " = " + group_thousands(weight.weight);
  } else {
    text = "weight " + group_thousands(weight.weight);
  }
  return text + " of " + count_of(weight_total, "point");
}

}  // namespace

std::string explain_share(const WeightBreakdown& weight, const ClaimantShare& share,
                          std::uint64_t weight_total, Money minimum_payment) {
  const std::string reasoning = describe_weight(weight, weight_total) + " → ";
  switch (share.status) {
    case ShareStatus::paid:
      return reasoning + to_display_string(share.share);
    case ShareStatus::paid_at_cap:
      return reasoning + to_display_string(share.share) + ", the per-claimant cap";
    case ShareStatus::below_minimum:
      return reasoning + "below the " + to_display_string(minimum_payment) + " minimum, not paid";
  }
  return reasoning + to_display_string(share.share);
}

std::string explain_share(const WeightBreakdown& weight, const ClaimantShare& share,
                          const AllocationResult& result) {
  std::uint64_t weight_total = result.paid_weight_total;
  if (share.status == ShareStatus::paid) weight_total = result.uncapped_weight_total;
  if (share.status == ShareStatus::below_minimum) {
    // A dropped claimant's quota was last computed when its weight group was the lightest left,
    // that is over everyone at least as heavy. One pass over the run; explanations are rare.
    weight_total = 0;
    for (const ClaimantShare& other : result.shares) {
      if (other.weight >= share.weight) weight_total += other.weight;
    }
  }
  return explain_share(weight, share, weight_total, result.parameters.minimum_payment);
}

}  // namespace disburse::domain
