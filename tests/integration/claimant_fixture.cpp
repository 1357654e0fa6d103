#include "claimant_fixture.hpp"

#include <array>
#include <pqxx/pqxx>
#include <random>
#include <tuple>

#include "disburse/domain/claim_number.hpp"

namespace disburse::testing {

namespace {

constexpr std::array<const char*, 8> device_types = {
    "Indoor Cam",     "Stick Up Cam",       "Peephole Cam",   "Spotlight Cam",
    "Floodlight Cam", "Video Doorbell Pro", "Doorbell Elite", "Video Doorbell"};

std::string random_claim_number(std::mt19937_64& random) {
  std::array<std::uint8_t, disburse::domain::claim_number_random_bytes> bytes{};
  for (auto& byte : bytes) byte = static_cast<std::uint8_t>(random());
  return disburse::domain::make_claim_number(bytes);
}

std::string payment_method_of(std::mt19937_64& random) {
  const auto roll = random() % 100;
  if (roll < 80) return "paypal";
  return roll < 95 ? "check" : "ach";
}

std::vector<FixtureClaimant> stored_claimants(TestDatabase& database, std::int64_t program_id,
                                              const std::string& customer_prefix) {
  pqxx::connection connection(database.url());
  pqxx::work transaction(connection);
  std::vector<FixtureClaimant> claimants;
  for (const auto& row : transaction.exec_params(
           "SELECT id, claim_number, device_type, account_months, payment_method FROM claimants "
           "WHERE program_id = $1 AND customer_id LIKE $2 || '%' ORDER BY id",
           program_id, customer_prefix)) {
    claimants.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(),
                         row[2].as<std::string>(), row[3].as<int>(), row[4].as<std::string>()});
  }
  return claimants;
}

}  // namespace

std::vector<FixtureClaimant> insert_claimants(TestDatabase& database, std::int64_t program_id,
                                              int count, std::uint64_t seed) {
  std::mt19937_64 random(seed * 1'000'003 + static_cast<std::uint64_t>(program_id));
  const std::string prefix = "fixture-" + std::to_string(seed) + "-";
  pqxx::connection connection(database.url());
  pqxx::work transaction(connection);
  pqxx::stream_to stream(transaction, "claimants",
                         std::vector<std::string>{"program_id", "customer_id", "claim_number",
                                                  "claim_state", "device_type", "account_months",
                                                  "payment_method", "record_fingerprint"});
  for (int index = 0; index < count; index++) {
    const std::string customer_id = prefix + std::to_string(index);
    stream << std::make_tuple(program_id, customer_id, random_claim_number(random),
                              std::string("approved"), std::string(device_types[random() % 8]),
                              static_cast<int>(1 + random() % 96), payment_method_of(random),
                              "fingerprint-" + customer_id);
  }
  stream.complete();
  transaction.commit();
  return stored_claimants(database, program_id, prefix);
}

FixtureClaimant insert_claimant(TestDatabase& database, std::int64_t program_id,
                                const std::string& device_type, int account_months) {
  static std::mt19937_64 random(20261128);
  const std::string customer_id = "single-" + std::to_string(random());
  pqxx::connection connection(database.url());
  pqxx::work transaction(connection);
  transaction.exec_params0(
      "INSERT INTO claimants (program_id, customer_id, claim_number, device_type, account_months, "
      "payment_method, record_fingerprint) VALUES ($1, $2, $3, $4, $5, 'paypal', $2)",
      program_id, customer_id, random_claim_number(random), device_type, account_months);
  transaction.commit();
  return stored_claimants(database, program_id, customer_id).at(0);
}

}  // namespace disburse::testing
