#include "disburse/domain/allocation_inputs.hpp"

#include <doctest/doctest.h>

#include <set>

#include "disburse/domain/errors.hpp"

using namespace disburse::domain;

namespace {

ClaimantWeightSource device(std::string_view type, std::int64_t months) {
  return {type, months, std::nullopt};
}

}  // namespace

TEST_CASE("an empty stored rule is the Ring default and a stored one is parsed") {
  CHECK(program_weighting_rule("") == default_ring_weighting_rule());
  const WeightingRule custom = program_weighting_rule("months_cap=12\nCar Cam=5\n");
  CHECK(custom.months_cap() == 12);
  CHECK(custom.find("car cam")->points == 5);
  CHECK_THROWS_AS(program_weighting_rule("Car Cam=5\n"), disburse::InvalidInput);
}

TEST_CASE("a claimant is weighed by device and months unless the list imported a weight") {
  const WeightingRule rule = default_ring_weighting_rule();
  const ClaimantWeight by_device = weigh_claimant(rule, device("Indoor Cam", 26));
  REQUIRE(by_device.ok());
  CHECK(by_device.result.breakdown.weight == 78);
  CHECK(by_device.result.breakdown.basis == WeightBasis::device_and_months);

  const ClaimantWeight imported = weigh_claimant(rule, {"Indoor Cam", 26, 500});
  REQUIRE(imported.ok());
  CHECK(imported.result.breakdown.weight == 500);
  CHECK(imported.result.breakdown.basis == WeightBasis::imported);

  CHECK(weigh_claimant(rule, {std::nullopt, 26, std::nullopt}).source ==
        WeightSourceStatus::missing_weight_data);
  CHECK(weigh_claimant(rule, device("Car Cam", 26)).result.status == WeightStatus::unknown_device_type);
  CHECK(weigh_claimant(rule, device("Indoor Cam", 0)).result.status == WeightStatus::zero_weight);
}

TEST_CASE("claimants that cannot be weighed are counted by reason and device type, never named") {
  const WeightingRule rule = default_ring_weighting_rule();
  WeighingProblems problems;
  const ClaimantWeightSource sources[] = {device("Car Cam", 3),    device("Echo Show", 4),
                                          device("Car Cam", 9),    device("Indoor Cam", 0),
                                          device("Indoor Cam", 5), {std::nullopt, std::nullopt, std::nullopt}};
  for (const auto& source : sources) problems.add(source, weigh_claimant(rule, source));
  CHECK(problems.total() == 5);
  CHECK(problems.describe() ==
        "5 approved claimants cannot be weighed: 3 with a device type the rule does not know "
        "('Car Cam' 2, 'Echo Show' 1), 1 where the weight is zero, 1 with neither a device type "
        "and account age nor an imported weight");
  CHECK(WeighingProblems().empty());
}

TEST_CASE("the default seed is fixed per program and round, differs between them, and fits a BIGINT") {
  CHECK(default_allocation_seed(1, 1) == default_allocation_seed(1, 1));
  std::set<std::uint64_t> seeds;
  for (std::int64_t program = 1; program <= 50; program++) {
    for (int round = 1; round <= 3; round++) {
      const std::uint64_t seed = default_allocation_seed(program, round);
      CHECK(seed < (1ULL << 63));
      seeds.insert(seed);
    }
  }
  CHECK(seeds.size() == 150);
}

TEST_CASE("a share is explained over the weight total it was computed with") {
  const RunWeightTotals totals{1000, 900, 400};
  CHECK(explanation_weight_total(ShareStatus::paid, totals) == 900);
  CHECK(explanation_weight_total(ShareStatus::paid_at_cap, totals) == 1000);
  CHECK(explanation_weight_total(ShareStatus::below_minimum, totals) == 400);
}

TEST_CASE("explanations from the stored totals match the engine's own for every share") {
  const WeightingRule rule = default_ring_weighting_rule();
  std::vector<AllocationClaimant> claimants;
  std::vector<WeightBreakdown> breakdowns;
  const char* types[] = {"Indoor Cam", "Video Doorbell", "Floodlight Cam"};
  for (std::int64_t id = 1; id <= 60; id++) {
    const auto weight = compute_weight(rule, types[id % 3], 1 + (id * 37) % 90).breakdown;
    claimants.push_back({id, weight.weight});
    breakdowns.push_back(weight);
  }
  const AllocationParameters parameters{Money::from_cents(300'000), Money::from_cents(1'500),
                                        Money::from_cents(9'000), 7};
  const AllocationResult result = allocate(parameters, claimants);
  REQUIRE(result.claimants_capped > 0);
  REQUIRE(result.claimants_dropped > 0);
  for (std::size_t index = 0; index < result.shares.size(); index++) {
    const ClaimantShare& share = result.shares[index];
    std::uint64_t at_least_as_heavy = 0;
    for (const auto& other : result.shares) {
      if (other.weight >= share.weight) at_least_as_heavy += other.weight;
    }
    const RunWeightTotals totals{result.paid_weight_total, result.uncapped_weight_total, at_least_as_heavy};
    CHECK(explain_share(breakdowns[index], share, explanation_weight_total(share.status, totals),
                        parameters.minimum_payment) == explain_share(breakdowns[index], share, result));
  }
}
