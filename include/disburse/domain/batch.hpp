#pragma once
// A payout batch and the provider files it became (DESIGN.md "Batch", issue 5): plain data that
// repositories return and use cases pass around.

#include <cstdint>
#include <string>
#include <vector>

#include "disburse/domain/batch_state.hpp"
#include "disburse/domain/money.hpp"
#include "disburse/domain/payment_method.hpp"

namespace disburse::domain {

struct Batch {
  std::int64_t id = 0;
  std::int64_t program_id = 0;
  PaymentMethod method = PaymentMethod::paypal;
  BatchState state = BatchState::draft;
  std::int64_t items = 0;
  Money total;
  std::string currency;
  std::int64_t created_by_user_id = 0;
  std::string created_by;
  std::string created_at;  // ISO 8601, UTC.
  std::int64_t approved_by_user_id = 0;  // 0 until approved.
  std::string approved_by;
  std::string approved_at;
  std::string submitted_at;
};

// One produced provider file. A batch has one or more parts: a PayPal batch above the per-file
// item limit is split, and a check batch has a register and a Positive Pay file.
struct BatchFile {
  int part = 1;  // Counted from 1.
  std::string file_name;
  std::string content_type;
  std::string content;  // The exact bytes handed to the provider.
  std::string sha256;   // Of `content`.
};

}  // namespace disburse::domain
