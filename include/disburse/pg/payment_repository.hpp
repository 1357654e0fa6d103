#pragma once
// One payment at a time, for reissues (issue 6).

#include <cstdint>
#include <optional>
#include <string>

#include "disburse/domain/money.hpp"
#include "disburse/domain/payment_method.hpp"
#include "disburse/domain/payment_state.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::pg {

struct PaymentRecord {
  std::int64_t id = 0;
  std::int64_t program_id = 0;
  std::int64_t claimant_id = 0;
  int round = 0;
  int attempt = 0;
  std::int64_t run_id = 0;
  domain::PaymentMethod method = domain::PaymentMethod::paypal;
  domain::Money amount;
  std::string currency;
  domain::PaymentState state = domain::PaymentState::allocated;
  std::string reference;
  std::int64_t batch_id = 0;
  std::int64_t previous_payment_id = 0;
};

std::optional<PaymentRecord> find_payment(Transaction& transaction, std::int64_t payment_id);
std::optional<PaymentRecord> lock_payment(Transaction& transaction, std::int64_t payment_id);

// Inserts attempt N+1 in `allocated` with its creation event; returns its id. The unique
// partial index refuses it (an exception) if the claimant already has a live payment.
std::int64_t insert_next_attempt(Transaction& transaction, const PaymentRecord& next,
                                 const std::string& actor, const std::string& reason);

}  // namespace disburse::pg
