#include "reconcile_support.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace disburse::testing {

namespace {

std::string pad(const std::string& text, std::size_t width) {
  std::string field = text;
  field.resize(width, ' ');
  return field;
}

std::string zeros(std::int64_t number, std::size_t width) {
  std::string digits = std::to_string(number);
  return std::string(width - digits.size(), '0') + digits;
}

std::string record(const std::vector<std::string>& fields) {
  std::string text;
  for (const std::string& field : fields) text += field;
  REQUIRE(text.size() == 94);
  return text + "\n";
}

// The receiving bank of every fixture account: 011000015.
const std::string receiving_dfi = "01100001";

struct NachaBatch {
  std::string records;
  std::int64_t entry_addenda_count = 0;
  std::int64_t entry_hash = 0;
  std::int64_t credit_cents = 0;
};

std::string entry(const std::string& reference, std::int64_t amount_cents, std::int64_t sequence) {
  return record({"6", "21", receiving_dfi, "5", pad("900000001", 17), zeros(amount_cents, 10),
                 pad(reference, 15), pad("PAT RIVERA", 22), "  ", "1",
                 "02100002" + zeros(sequence, 7)});
}

void add_entry(NachaBatch& batch, const std::string& entry_record, const std::string& addenda,
               std::int64_t amount_cents) {
  batch.records += entry_record + addenda;
  batch.entry_addenda_count += 2;
  batch.entry_hash += std::stoll(receiving_dfi);
  batch.credit_cents += amount_cents;
}

std::string batch_header(const std::string& service_class, const std::string& sec,
                         std::int64_t number) {
  return record({"5", service_class, pad("FTC RING REFUND", 16), pad("", 20), "1123456789", sec,
                 pad("REFUND", 10), pad("", 6), "240416", "113", "1", "02100002",
                 zeros(number, 7)});
}

std::string batch_control(const std::string& service_class, const NachaBatch& batch,
                          std::int64_t number) {
  return record({"8", service_class, zeros(batch.entry_addenda_count, 6),
                 zeros(batch.entry_hash % 10'000'000'000, 10), zeros(0, 12),
                 zeros(batch.credit_cents, 12), "1123456789", pad("", 19), pad("", 6), "02100002",
                 zeros(number, 7)});
}

}  // namespace

void add_reconcile_team(const TestDatabase& database) {
  add_user(database, "maker", "finance");
  add_user(database, "checker", "finance");
  add_user(database, "clerk", "finance");
}

CommandResult as_user(const TestDatabase& database, const std::string& user,
                      std::vector<std::string> arguments) {
  arguments.push_back("--as");
  arguments.push_back(user);
  return run_disburse(database, arguments, password_of(user) + "\n");
}

std::int64_t submitted_batch(TestDatabase& database, std::int64_t program_id,
                             const std::string& method) {
  const CommandResult created =
      as_user(database, "maker",
              {"batch", "create", "--program", std::to_string(program_id), "--method", method});
  REQUIRE_MESSAGE(created.exit_code == 0, created.err);
  const std::int64_t batch_id = nlohmann::json::parse(created.out)["batch_id"];
  const std::string id = std::to_string(batch_id);
  const CommandResult approved = as_user(database, "checker", {"batch", "approve", id});
  REQUIRE_MESSAGE(approved.exit_code == 0, approved.err);
  const std::string dir = "/tmp/disburse-reconcile-" + std::to_string(getpid()) + "-" + id;
  std::filesystem::create_directories(dir);
  const CommandResult filed =
      run_disburse(database, {"batch", "file", id, "--out-dir", dir, "--issue-date", "2024-04-15"});
  REQUIRE_MESSAGE(filed.exit_code == 0, filed.err);
  std::filesystem::remove_all(dir);
  return batch_id;
}

std::vector<SubmittedPayment> batch_payments(TestDatabase& database, std::int64_t batch_id) {
  const std::string rows = database.scalar(
      "SELECT string_agg(id || ' ' || reference || ' ' || amount_cents || ' ' || "
      "coalesce(trace_number, '-') || ' ' || coalesce(check_number::text, '-'), ';' ORDER BY id) "
      "FROM payments WHERE batch_id = " +
      std::to_string(batch_id));
  std::vector<SubmittedPayment> payments;
  std::istringstream list(rows);
  for (std::string item; std::getline(list, item, ';');) {
    std::istringstream fields(item);
    SubmittedPayment payment;
    fields >> payment.id >> payment.reference >> payment.amount_cents >> payment.trace_number >>
        payment.check_number;
    payments.push_back(payment);
  }
  return payments;
}

std::string write_scratch_file(const std::string& stem, const std::string& content) {
  const std::string path = "/tmp/disburse-reconcile-" + std::to_string(getpid()) + "-" + stem;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

nlohmann::json reconcile_file(TestDatabase& database, std::int64_t batch_id,
                              const std::string& content) {
  const std::string path = write_scratch_file("results-" + std::to_string(batch_id), content);
  const CommandResult result =
      as_user(database, "clerk", {"reconcile", "--batch", std::to_string(batch_id), path});
  std::filesystem::remove(path);
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  return nlohmann::json::parse(result.out);
}

void check_books_green(TestDatabase& database, std::int64_t program_id) {
  const CommandResult result =
      run_disburse(database, {"check", "--program", std::to_string(program_id)});
  CHECK_MESSAGE(result.exit_code == 0, (result.out + result.err));
}

std::string state_of(TestDatabase& database, std::int64_t payment_id) {
  return database.scalar("SELECT state FROM payments WHERE id = " + std::to_string(payment_id));
}

std::string paypal_results(const std::vector<PaypalResult>& rows) {
  std::string text = "sender_item_id,payout_item_id,transaction_status,amount,currency,time\r\n";
  for (const PaypalResult& row : rows) {
    text += row.reference + ",PPI-" + row.reference + "," + row.status + "," + row.amount + "," +
            row.currency + "," + row.time + "\r\n";
  }
  return text;
}

std::string nacha_returns(const std::vector<AchReturn>& returns,
                          const std::vector<AchChange>& changes) {
  NachaBatch returned;
  std::int64_t sequence = 1;
  for (const AchReturn& item : returns) {
    const std::string trace = "02100002" + zeros(sequence, 7);
    add_entry(returned, entry(item.reference, item.amount_cents, sequence++),
              record({"7", "99", item.code, item.original_trace, pad("", 6), receiving_dfi,
                      pad("", 44), trace}),
              item.amount_cents);
  }
  NachaBatch changed;
  for (const AchChange& item : changes) {
    const std::string trace = "02100002" + zeros(sequence, 7);
    add_entry(changed, entry(item.reference, 0, sequence++),
              record({"7", "98", item.code, item.original_trace, pad("", 6), receiving_dfi,
                      pad(item.corrected, 29), pad("", 15), trace}),
              0);
  }
  std::string text =
      record({"1", "01", " 011000015", " 021000021", "240422", "0815", "A", "094", "10", "1",
              pad("DEMO BANK", 23), pad("DISBURSE DEMO FUND", 23), pad("", 8)});
  std::int64_t records = 2;  // The file header and control.
  std::int64_t batches = 0;
  if (!returns.empty()) {
    batches++;
    text += batch_header("200", "PPD", batches) + returned.records +
            batch_control("200", returned, batches);
    records += 2 + returned.entry_addenda_count;
  }
  if (!changes.empty()) {
    batches++;
    text += batch_header("220", "COR", batches) + changed.records +
            batch_control("220", changed, batches);
    records += 2 + changed.entry_addenda_count;
  }
  const std::int64_t blocks = (records + 9) / 10;
  text += record({"9", zeros(batches, 6), zeros(blocks, 6),
                  zeros(returned.entry_addenda_count + changed.entry_addenda_count, 8),
                  zeros((returned.entry_hash + changed.entry_hash) % 10'000'000'000, 10),
                  zeros(0, 12), zeros(returned.credit_cents, 12), pad("", 39)});
  for (std::int64_t fill = records; fill < blocks * 10; fill++) text += std::string(94, '9') + "\n";
  return text;
}

}  // namespace disburse::testing
