#pragma once
// Batches and the payments in them (issue 5). Payment states move set-based: the use case asks
// the pure transition function for the move and passes both states here, and every statement
// only touches payments still in the `from` state. A move of all of a batch's payments is
// recorded as one payment_events row naming the batch (the view payment_history gives each
// payment its share of it), so that batching a million payments writes a million rows once.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "disburse/domain/batch.hpp"
#include "disburse/domain/payment_state.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::pg {

// What batch creation needs to know about the program, read under the program's row lock:
// its status cannot change meanwhile, and batch creations of one program run one at a time, so
// that two of them never take the same payment without a lock on every payment row.
struct ProgramForBatching {
  std::string status;
  std::string currency;
};
std::optional<ProgramForBatching> lock_program_for_batching(Transaction& transaction,
                                                            std::int64_t program_id);

struct NewBatch {
  std::int64_t program_id = 0;
  domain::PaymentMethod method = domain::PaymentMethod::paypal;
  std::int64_t max_items = 0;
  std::string currency;
  std::int64_t created_by_user_id = 0;
  std::string created_by;
};

// In one statement, under lock_program_for_batching's lock: picks up to max_items payments of
// the method in `from` whose claimant has what the rail needs, creates the draft batch with
// their count, total and id range, moves them to `to` and records the batch's event. Nothing
// is written when no payment qualifies.
std::optional<domain::Batch> create_batch_with_payments(Transaction& transaction,
                                                        const NewBatch& batch,
                                                        domain::PaymentState from,
                                                        domain::PaymentState to);

std::optional<domain::Batch> find_batch(Transaction& transaction, std::int64_t batch_id);
// Locks the batch row for the rest of the transaction: approve, cancel and file production
// take this lock, so they run one at a time per batch.
std::optional<domain::Batch> lock_batch(Transaction& transaction, std::int64_t batch_id);
std::vector<domain::Batch> list_batches(Transaction& transaction, std::int64_t program_id,
                                        int limit);

void record_batch_approval(Transaction& transaction, std::int64_t batch_id,
                           domain::BatchState from, domain::BatchState to,
                           std::int64_t approver_user_id, const std::string& approver);
void record_batch_state(Transaction& transaction, std::int64_t batch_id, domain::BatchState from,
                        domain::BatchState to);

// A transition that all of a batch's payments make together.
struct BatchMove {
  domain::PaymentState from = domain::PaymentState::batched;
  domain::PaymentState to = domain::PaymentState::batched;
  std::string actor;
  std::string reason;
};

struct MovedPayments {
  std::int64_t count = 0;
  domain::Money total;
};

// Moves the batch's payments that are in move.from to move.to and out of the batch (a cancelled
// batch): each keeps a copy of the batch's events, its own history now.
MovedPayments release_batch_payments(Transaction& transaction, std::int64_t batch_id,
                                     const BatchMove& move);

// A payment with what its rail needs, for writing the provider file. Bank data stays sealed.
struct PayablePayment {
  std::int64_t id = 0;
  std::string reference;
  domain::Money amount;
  std::string first_name;
  std::string last_name;
  std::string email;
  std::string address1;
  std::string address2;
  std::string city;
  std::string state;
  std::string postal_code;
  std::string bank_routing_sealed;
  std::string bank_account_sealed;
  std::string bank_account_type;
  std::int64_t check_number = 0;  // 0 when none was assigned.
};

// Moves the batch's payments that are in move.from to move.to, setting submitted_at, and
// returns them in payment id order (the order of every file): one pass over the rows for both.
std::vector<PayablePayment> submit_batch_payments(Transaction& transaction,
                                                  std::int64_t batch_id, const BatchMove& move);

void assign_check_numbers(Transaction& transaction, std::int64_t batch_id);

// Stores the trace number the NACHA writer gave each reference.
void store_trace_numbers(Transaction& transaction, std::int64_t batch_id,
                         const std::vector<std::string>& references,
                         const std::vector<std::string>& trace_numbers);

// The database's clock, so that every file of one transaction shares one date and time.
struct DatabaseClock {
  std::chrono::year_month_day date_utc{};
  std::chrono::minutes time_of_day_utc{0};
};
DatabaseClock database_clock(Transaction& transaction);

// ACH files produced on a UTC date, by every program: they share the originator's file id
// modifiers and trace sequences. Takes a transaction-scoped lock so that two file productions
// never pick the same modifier.
struct AchDay {
  std::int64_t files = 0;
  std::int64_t entries = 0;
};
AchDay lock_ach_day(Transaction& transaction, std::chrono::year_month_day date_utc);

// `content` is stored as given: the caller seals it first when sealed is true.
void insert_batch_file(Transaction& transaction, std::int64_t batch_id,
                       const domain::BatchFile& file, const std::string& stored_content,
                       bool sealed);

struct StoredBatchFile {
  domain::BatchFile file;  // content as stored: sealed hex when `sealed`.
  bool sealed = false;
};
std::vector<StoredBatchFile> batch_files(Transaction& transaction, std::int64_t batch_id);

}  // namespace disburse::pg
