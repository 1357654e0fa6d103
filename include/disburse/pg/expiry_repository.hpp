#pragma once
// The expiry job's reads and writes (issue 6): payments whose acceptance window may have passed,
// the set-based move that expires them, and the one queued run of the periodic job.

#include <cstdint>
#include <string>
#include <vector>

#include "disburse/domain/money.hpp"
#include "disburse/domain/payment_method.hpp"
#include "disburse/domain/payment_state.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::pg {

struct ExpiryCandidate {
  std::int64_t id = 0;
  domain::PaymentMethod method = domain::PaymentMethod::paypal;
  domain::PaymentState state = domain::PaymentState::submitted;
  domain::Money amount;
  std::int64_t submitted_at_epoch_seconds = 0;
};

// The program's PayPal payments submitted or unclaimed and checks and ACH credits submitted,
// submitted before `submitted_before_epoch_seconds`, locked FOR UPDATE, in id order.
std::vector<ExpiryCandidate> lock_expiry_candidates(Transaction& transaction,
                                                    std::int64_t program_id,
                                                    std::int64_t submitted_before_epoch_seconds);

// Moves the listed payments still in `from` to `to` with one event each; returns how many moved.
std::int64_t move_payments(Transaction& transaction, const std::vector<std::int64_t>& payment_ids,
                           domain::PaymentState from, domain::PaymentState to,
                           const std::string& actor, const std::string& reason);

// The programs that are distributing: those whose payments may expire.
std::vector<std::int64_t> distributing_program_ids(Transaction& transaction);

}  // namespace disburse::pg
