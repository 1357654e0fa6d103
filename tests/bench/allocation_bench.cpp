// The allocation engine in memory, for ops/bench/allocate: weighs N synthetic claimants with the
// Ring rule, then times allocate() and the two canonical hashes, each the median of several
// runs. Prints one JSON object, like the disburse commands.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "disburse/domain/allocation.hpp"
#include "disburse/domain/allocation_inputs.hpp"
#include "disburse/security/crypto.hpp"

using namespace disburse::domain;

namespace {

constexpr const char* device_types[] = {"Video Doorbell", "Video Doorbell", "Video Doorbell",
                                        "Video Doorbell Pro", "Indoor Cam", "Indoor Cam",
                                        "Stick Up Cam", "Floodlight Cam", "Spotlight Cam",
                                        "Peephole Cam", "Doorbell Elite"};

std::vector<AllocationClaimant> synthetic_claimants(std::size_t count) {
  const WeightingRule rule = default_ring_weighting_rule();
  std::mt19937_64 random(20261128);
  std::vector<AllocationClaimant> claimants;
  claimants.reserve(count);
  for (std::size_t index = 0; index < count; index++) {
    const char* device = device_types[random() % std::size(device_types)];
    const auto months = static_cast<std::int64_t>(1 + random() % 96);
    const WeightResult weight = compute_weight(rule, device, months);
    claimants.push_back({static_cast<std::int64_t>(index + 1), weight.breakdown.weight});
  }
  // The claims arrive from the database in any order; the engine must not care.
  std::shuffle(claimants.begin(), claimants.end(), random);
  return claimants;
}

template <typename Work>
double median_ms(int repeats, Work&& work) {
  std::vector<double> times;
  for (int repeat = 0; repeat < repeats; repeat++) {
    const auto started = std::chrono::steady_clock::now();
    work();
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  disburse::security::initialize();
  const std::size_t count = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  const std::vector<AllocationClaimant> claimants = synthetic_claimants(count);
  const AllocationParameters parameters{Money::from_cents(4'800'000'000), Money::from_cents(1'000),
                                        Money(), default_allocation_seed(1, 1)};
  AllocationResult result;
  const double allocate_ms = median_ms(repeats, [&] { result = allocate(parameters, claimants); });
  std::string inputs_sha256;
  const double inputs_hash_ms = median_ms(repeats, [&] {
    disburse::security::Sha256 hash;
    write_canonical_input(parameters, claimants, [&](std::string_view chunk) { hash.update(chunk); });
    inputs_sha256 = hash.final_hex();
  });
  std::string output_sha256;
  const double output_hash_ms = median_ms(repeats, [&] {
    disburse::security::Sha256 hash;
    write_canonical_output(result, [&](std::string_view chunk) { hash.update(chunk); });
    output_sha256 = hash.final_hex();
  });
  const nlohmann::json report = {{"claimants", count},
                                 {"repeats", repeats},
                                 {"allocate_ms", allocate_ms},
                                 {"inputs_hash_ms", inputs_hash_ms},
                                 {"output_hash_ms", output_hash_ms},
                                 {"claimants_paid", result.claimants_paid},
                                 {"claimants_dropped", result.claimants_dropped},
                                 {"allocated_cents", result.allocated.cents()},
                                 {"output_sha256", output_sha256}};
  std::cout << report.dump() << "\n";
  return 0;
}
