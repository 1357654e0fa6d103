#pragma once
// Allocation runs, their shares, and the payments an approved run creates (issue 4).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "disburse/domain/allocation.hpp"
#include "disburse/domain/allocation_inputs.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::pg {

// Raises the statement timeout for the rest of the transaction only, for the bulk statements of
// a run or an approval over up to 1,000,000 claimants.
void extend_statement_timeout(Transaction& transaction, int timeout_ms);

// Calls `each` for every approved claim of the program, in claimant id order, reading through a
// cursor so that 1,000,000 claims never sit in one result. The source's device type views the
// row and is valid only during the call.
void for_each_approved_claim(
    Transaction& transaction, std::int64_t program_id,
    const std::function<void(std::int64_t claimant_id, const domain::ClaimantWeightSource&)>& each);

struct NewAllocationRun {
  std::int64_t program_id = 0;
  int round = 1;
  std::string weighting_rule;  // Canonical text of the rule the weights came from.
  std::string inputs_sha256;
  std::string output_sha256;
  domain::ShareStatistics statistics;
  std::vector<domain::DeviceTypeStatistics> by_device_type;
  std::int64_t created_by_user_id = 0;
  std::string created_by;
};

// Stores the run's row and its statistics; returns the run id.
std::int64_t insert_allocation_run(Transaction& transaction, const NewAllocationRun& run,
                                   const domain::AllocationResult& result);

// Stores one allocation_shares row per claimant with COPY.
void copy_allocation_shares(Transaction& transaction, std::int64_t run_id,
                            const domain::AllocationResult& result);

struct AllocationRunRecord {
  std::int64_t id = 0;
  std::int64_t program_id = 0;
  int round = 1;
  std::string state;
  std::string outcome;
  std::uint64_t seed = 0;
  domain::Money distributable;
  domain::Money min_payment;
  domain::Money cap;
  domain::Money allocated;
  domain::Money unallocated;
  std::string weighting_rule;
  std::uint64_t claimants_paid = 0;
  std::uint64_t claimants_dropped = 0;
  std::uint64_t claimants_capped = 0;
  std::uint64_t reallocation_rounds = 0;
  std::uint64_t paid_weight_total = 0;
  std::uint64_t uncapped_weight_total = 0;
  domain::ShareStatistics statistics;
  std::vector<domain::DeviceTypeStatistics> by_device_type;
  std::string inputs_sha256;
  std::string output_sha256;
  std::int64_t created_by_user_id = 0;
  std::string created_by;
  std::string created_at;
  std::string approved_by;  // Empty until approved.
  std::string approved_at;
};

// `lock` takes the run's row lock for the rest of the transaction.
std::optional<AllocationRunRecord> find_allocation_run(Transaction& transaction,
                                                       std::int64_t run_id, bool lock = false);

// The program's runs, newest first, without their per-device statistics (a list needs totals).
std::vector<AllocationRunRecord> list_allocation_runs(Transaction& transaction,
                                                      std::int64_t program_id, int limit);

std::optional<std::int64_t> approved_run_id(Transaction& transaction, std::int64_t program_id,
                                            int round);

// Records the approval with the state the caller's transition gave.
void mark_run_approved(Transaction& transaction, std::int64_t run_id, const std::string& state,
                       std::int64_t user_id, const std::string& user_name);

// Moves the program's other runs of the round from `from_state` to `to_state` (the caller's
// supersede transition); returns how many.
std::int64_t supersede_other_runs(Transaction& transaction, std::int64_t program_id, int round,
                                  std::int64_t approved_run_id, const std::string& from_state,
                                  const std::string& to_state);

struct RunPayments {
  std::int64_t run_id = 0;
  std::int64_t program_id = 0;
  int round = 1;
  int attempt = 1;
  std::string currency;
  std::string state;  // The payments' first state, from the payment state machine.
  std::string actor;
  std::string reason;
};

struct PaymentReference {
  std::int64_t claimant_id = 0;
  std::string reference;
};

// One payment per paid share of the run, set-based, with its first payment_events row. The
// references are computed by the domain and travel through a COPY into a temporary table, so
// that the payments themselves are one INSERT … SELECT. Returns the payments created.
std::int64_t create_run_payments(Transaction& transaction, const RunPayments& payments,
                                 const std::vector<PaymentReference>& references);

struct ShareOfClaim {
  std::int64_t claimant_id = 0;
  std::string claim_number;
  std::uint64_t weight = 0;
  domain::Money share;
  domain::ShareStatus status = domain::ShareStatus::paid;
  // The claimant's weight columns as they are now (the run keeps only the weight).
  std::optional<std::string> device_type;
  std::optional<std::int64_t> account_months;
  std::optional<std::int64_t> imported_weight;
};

std::optional<ShareOfClaim> find_share_by_claim_number(Transaction& transaction,
                                                       std::int64_t run_id,
                                                       const std::string& claim_number);

// The run's total weight over the shares at least as heavy as `weight`.
std::uint64_t weight_total_at_least(Transaction& transaction, std::int64_t run_id,
                                    std::uint64_t weight);

struct ShareLine {
  std::string_view claim_number;
  std::int64_t share_cents = 0;
  std::uint64_t weight = 0;
  std::string_view status;
};

// Calls `each` for every share of the run in claimant id order, through a cursor; returns the
// number of shares. The views are valid only during the call.
std::uint64_t for_each_share(Transaction& transaction, std::int64_t run_id,
                             const std::function<void(const ShareLine&)>& each);

}  // namespace disburse::pg
