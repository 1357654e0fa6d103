#include "hostile_program.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "reconcile_support.hpp"

namespace disburse::testing {

namespace {

using Row = std::vector<std::string>;

const Row list_columns = {"customer_id", "first_name",     "last_name",      "email",
                          "phone",       "address1",       "address2",       "city",
                          "state",       "postal_code",    "country",        "device_type",
                          "account_months", "payment_method", "routing_number", "account_number",
                          "account_type"};

std::string csv_line(const Row& fields) {
  std::string line;
  for (const std::string& field : fields) {
    if (!line.empty()) line += ',';
    line += '"';
    for (const char character : field) line += character == '"' ? std::string("\"\"") : std::string(1, character);
    line += '"';
  }
  return line + "\r\n";
}

// Three payable claimants, one per rail, and rejected rows whose hostile text lives on only in
// the rejected-rows download.
std::string hostile_list() {
  const std::vector<Row> rows = {
      {"=1+2 H1", "<script>alert(\"first\")</script>", "\"><img src=x onerror=alert('last')>",
       "h1@example.com", "+1 415 <b>555</b>", "'><svg onload=alert('address1')>", "@SUM(1+1)",
       "-2+3+cmd|' /C calc'!A0", "CA", "94105", "US", "<script>alert('device')</script>", "24",
       "paypal", "", "", ""},
      {"<img src=x onerror=alert('customer')>", "=HYPERLINK(\"http://evil.example\",\"first\")",
       "O'Brien<script>alert('last2')</script>", "", "", "1 Main St <iframe src=javascript:alert(1)>",
       "", "<b>Austin</b>", "TX", "73301", "US", "Indoor Cam", "12", "check", "", "", ""},
      {"+SUM(1;2) H3", "@cmd", "-Ruiz", "h3@example.com", "", "9 Oak Ave", "", "Miami", "FL",
       "33101", "US", "+SUM(1;2)", "40", "ach", "011000015", "123456789", "checking"},
      {"H4", "Ann", "Lee", "h4@example.com", "", "4 Elm St", "", "Reno", "<script>alert('state')</script>",
       "89501", "US", "Indoor Cam", "10", "", "", "", ""},
      {"H5", "Bob", "Ray", "=HYPERLINK(\"http://evil.example\")", "", "5 Elm St", "", "Reno", "NV",
       "89501", "US", "Indoor Cam", "10", "paypal", "", "", ""},
      {"H6", "Cy", "Dee", "h6@example.com", "", "6 Elm St", "", "Reno", "NV", "89501", "US",
       "<img src=x onerror=alert('unknown device')>", "10", "", "", "", ""},
      {"H7", "Di", "Eve", "h7@example.com", "", "7 Elm St", "", "Reno", "NV", "89501", "US",
       "Indoor Cam", "=1+1", "", "", "", ""},
  };
  std::string text = csv_line(list_columns);
  for (const Row& row : rows) text += csv_line(row);
  return text;
}

nlohmann::json succeed(const CommandResult& result) {
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return nlohmann::json::parse(result.out);
}

std::string claim_number_of(TestDatabase& database, const std::string& customer_id) {
  pqxx::connection connection(database.url());
  pqxx::work transaction(connection);
  return transaction.exec_params1("SELECT claim_number FROM claimants WHERE customer_id = $1", customer_id)[0]
      .as<std::string>();
}

}  // namespace

HostileProgram build_hostile_program(TestDatabase& database) {
  HostileProgram hostile;
  add_user(database, "bystander", "auditor");
  token_for(database, "bystander");
  for (const auto& [name, role] : std::vector<std::pair<std::string, std::string>>{
           {"ada", "admin"}, {"rita", "reviewer"}, {"audrey", "auditor"}}) {
    add_user(database, name, role);
  }
  add_reconcile_team(database);
  hostile.program_id = succeed(run_disburse(database, {"program", "create", "--name",
                                                       "=HYPERLINK(\"x\") <script>alert('program')</script>",
                                                       "--fund", "10000.00"}))
                           .at("id");
  const std::string program = std::to_string(hostile.program_id);
  const std::string rule = write_scratch_file(
      "hostile-rule.txt",
      "months_cap=60\nIndoor Cam=3\n<script>alert('device')</script>=4\n+SUM(1;2)=2\n");
  succeed(as_user(database, "ada", {"program", "rule", program, "--set", rule}));

  hostile.list_csv = hostile_list();
  const std::string list = write_scratch_file("hostile-list.csv", hostile.list_csv);
  const nlohmann::json imported = succeed(as_user(database, "ada", {"import", "--program", program, list}));
  REQUIRE(imported.at("rows_accepted") == 3);
  REQUIRE(imported.at("rows_rejected") == 4);
  hostile.import_id = imported.at("import_id");

  hostile.run_id = succeed(as_user(database, "maker", {"allocate", "--program", program})).at("run_id");
  succeed(as_user(database, "checker", {"allocation", "approve", std::to_string(hostile.run_id)}));
  hostile.paypal_batch_id = submitted_batch(database, hostile.program_id, "paypal");
  hostile.check_batch_id = submitted_batch(database, hostile.program_id, "check");
  hostile.ach_batch_id = submitted_batch(database, hostile.program_id, "ach");

  // The PayPal payment comes back; unknown references carry formulas and markup.
  const SubmittedPayment paid = batch_payments(database, hostile.paypal_batch_id).at(0);
  const std::string amount = std::to_string(paid.amount_cents / 100) + "." +
                             std::to_string(paid.amount_cents % 100 / 10) +
                             std::to_string(paid.amount_cents % 10);
  hostile.reconciliation_id =
      reconcile_file(database, hostile.paypal_batch_id,
                     paypal_results({{paid.reference, "RETURNED", amount},
                                     {"=1+2", "SUCCESS", "1.00"},
                                     {"@SUM(1+1)", "SUCCESS", "1.00"},
                                     {"-1+1", "SUCCESS", "1.00"},
                                     {"<script>alert('reference')</script>", "SUCCESS", "1.00"}}))
          .at("reconciliation_id");
  succeed(run_disburse(database, {"token", "create", "--as", "ada", "--name",
                                  "<script>alert('token')</script>"},
                       password_of("ada") + "\n"));

  hostile.claim_number = claim_number_of(database, "=1+2 H1");
  hostile.zip5 = "94105";
  hostile.last_name = "\"><img src=x onerror=alert('last')>";
  hostile.check_claim_number = claim_number_of(database, "<img src=x onerror=alert('customer')>");
  check_books_green(database, hostile.program_id);
  return hostile;
}

std::vector<http::RouteInfo> registered_routes(TestDatabase& database) {
  const app::Config config;
  const security::SecretBox secrets(std::string(32, 'k'));
  return http::HttpServer(config, database.database(), secrets).routes();
}

std::vector<std::pair<std::string, std::int64_t>> table_row_counts(TestDatabase& database) {
  pqxx::connection connection(database.url());
  pqxx::work transaction(connection);
  std::vector<std::pair<std::string, std::int64_t>> counts;
  for (const auto& row : transaction.exec(
           "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND "
           "table_type = 'BASE TABLE' ORDER BY table_name")) {
    const std::string table = row[0].as<std::string>();
    counts.emplace_back(table, transaction.exec1("SELECT count(*) FROM " + transaction.quote_name(table))[0]
                                   .as<std::int64_t>());
  }
  return counts;
}

}  // namespace disburse::testing
