#pragma once
// Reconciliation tests (issue 6): submitted batches from the payouts fixture, and result files
// as the providers send them.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "payout_fixture.hpp"

namespace disburse::testing {

// Users "maker" and "checker" (finance) for maker-checker, "clerk" (finance) who reconciles.
void add_reconcile_team(const TestDatabase& database);

CommandResult as_user(const TestDatabase& database, const std::string& user,
                      std::vector<std::string> arguments);

// Creates, approves and files a batch of every payment of `method`; returns its id.
std::int64_t submitted_batch(TestDatabase& database, std::int64_t program_id,
                             const std::string& method);

// The batch's payments in id order: reference, amount, trace number and check number.
struct SubmittedPayment {
  std::int64_t id = 0;
  std::string reference;
  std::int64_t amount_cents = 0;
  std::string trace_number;
  std::string check_number;
};
std::vector<SubmittedPayment> batch_payments(TestDatabase& database, std::int64_t batch_id);

std::string write_scratch_file(const std::string& stem, const std::string& content);

// `disburse reconcile --batch ID FILE --as clerk`; REQUIREs success and returns its JSON.
nlohmann::json reconcile_file(TestDatabase& database, std::int64_t batch_id,
                              const std::string& content);

// `disburse check` is green for the program.
void check_books_green(TestDatabase& database, std::int64_t program_id);

std::string state_of(TestDatabase& database, std::int64_t payment_id);

// A PayPal item results file with the given rows (sender_item_id, status, amount, currency,
// time); the payout_item_id is derived from the reference.
struct PaypalResult {
  std::string reference;
  std::string status;
  std::string amount;
  std::string currency = "USD";
  std::string time = "2024-04-20T10:00:00Z";
};
std::string paypal_results(const std::vector<PaypalResult>& rows);

// A NACHA returns file as the ODFI forwards it: a PPD batch of returned credits (addenda 99)
// and a COR batch of notifications of change (addenda 98), with correct controls.
struct AchReturn {
  std::string reference;
  std::string original_trace;
  std::string code;  // R01…
  std::int64_t amount_cents = 0;
};
struct AchChange {
  std::string reference;
  std::string original_trace;
  std::string code;       // C01…
  std::string corrected;  // The corrected data field, at most 29 characters.
};
std::string nacha_returns(const std::vector<AchReturn>& returns,
                          const std::vector<AchChange>& changes);

}  // namespace disburse::testing
