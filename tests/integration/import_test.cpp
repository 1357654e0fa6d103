#include <doctest/doctest.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "disburse/app/imports.hpp"
#include "disburse/domain/claim_number.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/security/crypto.hpp"
#include "import_support.hpp"

using namespace disburse;
using namespace disburse::testing;
using nlohmann::json;

namespace {

security::SecretBox test_secrets() {
  security::initialize();
  return security::SecretBox(security::load_secret_key(test_secret_key_file(), false));
}

app::ImportSource source_of(const std::string& path) {
  return {"list.csv", 0, [path]() -> std::unique_ptr<std::istream> {
            return std::make_unique<std::ifstream>(path, std::ios::binary);
          }};
}

}  // namespace

TEST_CASE("a clean sample list imports every row as a new approved claimant") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  const auto [path, stats] = sample_list(database, 3000, 11, false);
  const json result = import_file(database, program, path);
  CHECK(result["duplicate_file"] == false);
  CHECK(result["state"] == "completed");
  CHECK(result["rows_total"] == 3000);
  CHECK(result["rows_accepted"] == stats["rows_intended_valid"]);
  CHECK(result["rows_rejected"] == 0);
  CHECK(result["rows_new"] == 3000);
  CHECK(result["rows_flagged"] == 0);
  CHECK(count(database, "SELECT count(*) FROM claimants WHERE claim_state = 'approved'") == 3000);
  CHECK(count(database, "SELECT count(*) FROM claim_events WHERE to_state = 'approved' "
                        "AND from_state IS NULL AND reason = 'imported'") == 3000);
  CHECK(count(database, "SELECT count(*) FROM claimants WHERE payment_method = 'ach'") ==
        stats["ach_payees"].get<std::int64_t>());
  CHECK(count(database, "SELECT count(*) FROM claimants WHERE payment_method = 'check'") ==
        stats["check_payees"].get<std::int64_t>());
  CHECK(count(database, "SELECT count(DISTINCT claim_number) FROM claimants") == 3000);
  CHECK(count(database, "SELECT count(*) FROM claimants WHERE portal_zip5 !~ '^[0-9]{5}$'") == 0);
  std::string canonical;
  CHECK(domain::check_claim_number(database.scalar("SELECT claim_number FROM claimants LIMIT 1"),
                                   canonical) == domain::ClaimNumberCheck::ok);
  CHECK(database.scalar("SELECT count(*) FROM audit_log WHERE action = 'import.complete'") == "1");
}

TEST_CASE("bank account numbers are stored sealed and open to the service key only") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  const std::string path = write_file(
      "ach.csv", "customer_id,first_name,last_name,email,phone,address1,address2,city,state,"
                 "postal_code,country,device_type,account_months,payment_method,routing_number,"
                 "account_number,account_type\n"
                 "A1,Ana,Lopez,,,1 Main St,,Austin,TX,73301,US,Indoor Cam,12,ach,011000015,"
                 "123456789012,checking\n");
  const json result = import_file(database, program, path);
  CHECK(result["rows_new"] == 1);
  const std::string sealed = database.scalar("SELECT bank_account_sealed FROM claimants");
  CHECK(sealed.find("123456789012") == std::string::npos);
  CHECK(test_secrets().open_hex(sealed) == "123456789012");
  CHECK(test_secrets().open_hex(database.scalar("SELECT bank_routing_sealed FROM claimants")) ==
        "011000015");
  CHECK(count(database, "SELECT count(*) FROM claimants WHERE record_fingerprint LIKE '%1234%' "
                        "AND length(record_fingerprint) <> 32") == 0);
}

TEST_CASE("a dirty sample list's counts match what the generator intended, reason by reason") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  const auto [path, stats] = sample_list(database, 12000, 5, true);
  REQUIRE(stats["rows_intended_invalid"].get<int>() > 100);
  REQUIRE(stats["rows_with_duplicate_signal"].get<int>() > 50);
  const json result = import_file(database, program, path);
  CHECK(result["rows_total"] == 12000);
  CHECK(result["rows_accepted"] == stats["rows_intended_valid"]);
  CHECK(result["rows_rejected"] == stats["rows_intended_invalid"]);
  CHECK(result["rejected_by_reason"] == expected_rejections(stats));
  CHECK(result["rows_flagged"] == stats["rows_with_duplicate_signal"]);
  CHECK(count(database, "SELECT count(*) FROM claimants") == stats["rows_intended_valid"].get<std::int64_t>());
  CHECK(count(database, "SELECT count(*) FROM claimants WHERE claim_state = 'pending_review'") ==
        stats["rows_with_duplicate_signal"].get<std::int64_t>());
  CHECK(count(database, "SELECT count(*) FROM claimants WHERE 'duplicate_email' = ANY (review_flags)") ==
        2 * stats["duplicate_email_pairs"].get<std::int64_t>());
  CHECK(count(database, "SELECT count(*) FROM claimants WHERE 'duplicate_address' = ANY (review_flags)") ==
        2 * stats["duplicate_address_pairs"].get<std::int64_t>());
  CHECK(count(database, "SELECT count(*) FROM import_rejections") ==
        stats["rows_intended_invalid"].get<std::int64_t>());
  CHECK(count(database, "SELECT count(*) FROM claim_events WHERE to_state = 'pending_review'") ==
        stats["rows_with_duplicate_signal"].get<std::int64_t>());
}

TEST_CASE("importing the same file again changes nothing and returns the first import") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  const auto [path, stats] = sample_list(database, 500, 3, true);
  const json first = import_file(database, program, path);
  const std::string claimants_before = database.scalar("SELECT count(*) FROM claimants");
  const std::string audit_before = database.scalar("SELECT count(*) FROM audit_log");
  const json again = import_file(database, program, path);
  CHECK(again["duplicate_file"] == true);
  CHECK(again["import_id"] == first["import_id"]);
  CHECK(again["rows_accepted"] == first["rows_accepted"]);
  CHECK(database.scalar("SELECT count(*) FROM claimants") == claimants_before);
  CHECK(database.scalar("SELECT count(*) FROM imports") == "1");
  CHECK(database.scalar("SELECT count(*) FROM audit_log") == audit_before);
  // The same file in another program is another import.
  const std::int64_t other = create_program(database, "Other");
  CHECK(import_file(database, other, path)["duplicate_file"] == false);
}

TEST_CASE("a re-imported list holds changed customers for review and overwrites nothing") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  import_file(database, program,
              write_file("first.csv", list_header + list_row("C1") + list_row("C2") +
                                          list_row("C3") + list_row("C4")));
  const json second = import_file(
      database, program,
      write_file("second.csv", list_header + list_row("C1") + list_row("C2") +
                                   list_row("C3", "", "9 New Address Rd") + list_row("C5")));
  CHECK(second["rows_total"] == 4);
  CHECK(second["rows_accepted"] == 4);
  CHECK(second["rows_existing"] == 2);
  CHECK(second["rows_changed"] == 1);
  CHECK(second["rows_new"] == 1);
  CHECK(database.scalar("SELECT address1 FROM claimants WHERE customer_id = 'C3'") == "1 C3 Main St");
  CHECK(database.scalar("SELECT claim_state || ' ' || array_to_string(review_flags, ',') FROM "
                        "claimants WHERE customer_id = 'C3'") == "approved changed_on_reimport");
  CHECK(database.scalar("SELECT count(*) FROM claimant_changes WHERE state = 'pending' AND "
                        "line_number = 4") == "1");
  const json proposed = json::parse(
      test_secrets().open_hex(database.scalar("SELECT proposed_sealed FROM claimant_changes")));
  CHECK(proposed["address1"] == "9 New Address Rd");
  CHECK(database.scalar("SELECT count(*) FROM claimants") == "5");
}

TEST_CASE("a new customer sharing an email with a known one is flagged, and so is the known one") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  import_file(database, program, write_file("first.csv", list_header + list_row("C1", "Ana.Lopez@Example.com")));
  const json second = import_file(
      database, program,
      write_file("second.csv", list_header + list_row("C2", "ana.lopez+refund@example.com")));
  CHECK(second["rows_flagged"] == 1);
  CHECK(database.scalar("SELECT claim_state || ' ' || array_to_string(review_flags, ',') FROM "
                        "claimants WHERE customer_id = 'C2'") == "pending_review duplicate_email");
  CHECK(database.scalar("SELECT claim_state || ' ' || array_to_string(review_flags, ',') FROM "
                        "claimants WHERE customer_id = 'C1'") == "approved duplicate_email");
}

TEST_CASE("rows repeating a customer_id are rejected and the first one wins") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  const json result = import_file(
      database, program,
      write_file("repeat.csv", list_header + list_row("C1") + list_row("C2") +
                                   list_row("C1", "other@example.com") + list_row("C1")));
  CHECK(result["rows_accepted"] == 2);
  CHECK(result["rejected_by_reason"] == json{{"duplicate_customer_id", 2}});
  CHECK(database.scalar("SELECT email FROM claimants WHERE customer_id = 'C1'") == "C1@example.com");
  CHECK(database.scalar("SELECT string_agg(line_number::text, ',' ORDER BY line_number) FROM "
                        "import_rejections") == "4,5");
}

TEST_CASE("a claim number that is already taken is drawn again and the import completes") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  const security::SecretBox secrets = test_secrets();
  std::atomic<int> calls = 0;
  app::ImportOptions options;
  // The first three numbers are the same one; the rest are fresh.
  options.claim_numbers = [&calls] {
    const int call = calls++;
    const std::uint64_t seed = call < 3 ? 7 : static_cast<std::uint64_t>(call) * 7919;
    std::array<std::uint8_t, 8> bytes{};
    for (std::size_t index = 0; index < bytes.size(); index++) {
      bytes[index] = static_cast<std::uint8_t>(seed >> (8 * index));
    }
    return domain::make_claim_number(bytes);
  };
  const std::string path =
      write_file("three.csv", list_header + list_row("C1") + list_row("C2") + list_row("C3"));
  const app::ImportOutcome outcome = app::import_list(
      database.database(), secrets, app::Actor::operator_shell(), program, source_of(path), options);
  CHECK(outcome.summary.counts.rows_new == 3);
  CHECK(database.scalar("SELECT count(DISTINCT claim_number) FROM claimants") == "3");
  CHECK(calls.load() > 3);
}

TEST_CASE("an import that fails midway leaves nothing of itself behind") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  const auto [path, stats] = sample_list(database, 10000, 2, true);
  app::ImportOptions options;
  options.progress = [](const app::ImportProgress& progress) {
    if (progress.rows_read >= 8192) throw Unavailable("the machine lost power");
  };
  CHECK_THROWS_AS(app::import_list(database.database(), test_secrets(), app::Actor::operator_shell(),
                                   program, source_of(path), options),
                  Unavailable);
  for (const char* table : {"imports", "claimants", "import_rejections", "claim_events"}) {
    CHECK(database.scalar(std::string("SELECT count(*) FROM ") + table) == "0");
  }
  // The same file goes in cleanly afterwards.
  CHECK(import_file(database, program, path)["rows_accepted"] == stats["rows_intended_valid"]);
}

TEST_CASE("only users allowed to import lists may import, and closed programs take no lists") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  add_user(database, "audra", "auditor");
  add_user(database, "rita", "reviewer");
  const std::string path = write_file("one.csv", list_header + list_row("C1"));
  const CommandResult refused = run_disburse(
      database, {"import", "--program", std::to_string(program), path, "--as", "audra"},
      password_of("audra") + "\n");
  CHECK(refused.exit_code == 5);
  CHECK(database.scalar("SELECT count(*) FROM imports") == "0");
  const CommandResult allowed = run_disburse(
      database, {"import", "--program", std::to_string(program), path, "--as", "rita"},
      password_of("rita") + "\n");
  CHECK(allowed.exit_code == 0);
  CHECK(database.scalar("SELECT created_by FROM imports") == "rita");
  database.execute("UPDATE programs SET status = 'closed'");
  const CommandResult closed = run_disburse(
      database, {"import", "--program", std::to_string(program),
                 write_file("two.csv", list_header + list_row("C2"))});
  CHECK(closed.exit_code == 4);
  CHECK(run_disburse(database, {"import", "--program", "999", path}).exit_code == 3);
}

TEST_CASE("rejected rows export as CSV with line, reason, field and neutralised cells") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  const std::string csv = list_header + list_row("C1") +
                          "C2,\"" + "=HYPERLINK(\"\"http://evil.example/\"\",\"\"Click\"\")" +
                          "\",Lopez,c2@example.com,,1 Main St,,Austin,XX,73301,US,Indoor Cam,3\n" +
                          "+C3,@Ana,-Lopez,c3@example.com,,2 Main St,,Austin,TX,7330,US,Indoor Cam,3\n";
  const json result = import_file(database, program, write_file("formula.csv", csv));
  CHECK(result["rows_rejected"] == 2);
  const std::string out = scratch_path("rejected.csv");
  const json exported = run_json(database, {"import", "rejected", std::to_string(result["import_id"].get<std::int64_t>()),
                                            "--out", out});
  CHECK(exported["rows"] == 2);
  const std::string text = read_whole_file(out);
  CHECK(text.starts_with("line_number,reason,field,customer_id,first_name,last_name,email"));
  CHECK(text.find("3,invalid_state,state,C2,\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"Click\"\")\"") !=
        std::string::npos);
  CHECK(text.find("4,invalid_postal_code,postal_code,'+C3,'@Ana,'-Lopez,") != std::string::npos);
  CHECK(text.find(",=") == std::string::npos);
  CHECK(text.find(",\"=") == std::string::npos);
  CHECK(text.find("\n=") == std::string::npos);
  CHECK(database.scalar("SELECT count(*) FROM audit_log WHERE action = 'import.rejections.export'") == "1");
}
