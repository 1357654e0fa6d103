// Issue 9, attacks: stored XSS and CSV injection. Hostile text that came in through every
// imported field (and the program's name, the rule's device types, a token's name, a results
// file's references and a customer's change request) is shown escaped on every console screen and
// portal page, and no cell of any CSV download can run as a spreadsheet formula. Both walks
// enumerate the registered routes, so a new screen or download fails here until it is covered.

#include <doctest/doctest.h>
#include <httplib.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "console_browser.hpp"
#include "hostile_program.hpp"

using namespace disburse;
using namespace disburse::testing;

namespace {

// The hostile markup that a page shows raw, or "".
std::string raw_markup_in(const std::string& page) {
  for (const std::string& markup : hostile_markup) {
    if (contains(page, markup)) return markup;
  }
  for (const char* fragment : {"<script>alert", "<img src=x", "<svg onload", "<iframe", "onerror=alert"}) {
    if (contains(page, fragment)) return fragment;
  }
  return "";
}

// RFC 4180 records, quoted line breaks and doubled quotes included.
std::vector<std::vector<std::string>> csv_records(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record(1);
  bool quoted = false;
  for (std::size_t index = 0; index < text.size(); index++) {
    const char character = text[index];
    if (quoted) {
      if (character == '"' && index + 1 < text.size() && text[index + 1] == '"') {
        record.back() += '"';
        index++;
      } else if (character == '"') {
        quoted = false;
      } else {
        record.back() += character;
      }
    } else if (character == '"') {
      quoted = true;
    } else if (character == ',') {
      record.emplace_back();
    } else if (character == '\n') {
      records.push_back(record);
      record.assign(1, "");
    } else if (character != '\r') {
      record.back() += character;
    }
  }
  if (record.size() > 1 || !record.front().empty()) records.push_back(record);
  return records;
}

// A cell a spreadsheet would evaluate: it starts with = + @ or a tab or carriage return, or with
// '-' without being a plain negative number.
bool runs_as_formula(const std::string& cell) {
  if (cell.empty()) return false;
  static const std::regex negative_number(R"(-[0-9]+(\.[0-9]+)?)");
  switch (cell.front()) {
    case '=':
    case '+':
    case '@':
    case '\t':
    case '\r':
      return true;
    case '-':
      return !std::regex_match(cell, negative_number);
    default:
      return false;
  }
}

void check_no_formula(const std::string& what, const std::string& csv) {
  CAPTURE(what);
  const auto records = csv_records(csv);
  CHECK(records.size() > 1);
  for (const auto& record : records) {
    for (const std::string& cell : record) {
      CHECK_MESSAGE(!runs_as_formula(cell), "the cell '", cell, "' would run as a formula");
    }
  }
}

}  // namespace

TEST_CASE("hostile text from every imported field is escaped on every console screen and portal page") {
  TestDatabase database;
  const HostileProgram hostile = build_hostile_program(database);
  ServerProcess server(database);

  // The returned PayPal customer asks, from the portal, to be paid at a hostile address.
  httplib::Client portal("127.0.0.1", server.port());
  const auto home = portal.Get("/");
  const httplib::Headers portal_cookie = {{"Cookie", "portal_csrf=" + set_cookie(home, "portal_csrf")}};
  const auto changed = portal.Post(
      "/status/change", portal_cookie,
      httplib::Params{{"csrf", form_csrf(home->body)}, {"claim", hostile.claim_number},
                      {"zip", hostile.zip5}, {"last_name", hostile.last_name},
                      {"kind", "mailing_address"}, {"address1", "<script>alert('change')</script>"},
                      {"address2", "\"><img src=x onerror=alert('change2')>"},
                      {"city", "<b>Reno</b>"}, {"state", "NV"}, {"postal_code", "89501"}});
  REQUIRE(changed->status == 200);
  std::map<std::string, std::string> pages = {{"portal /", portal.Get("/")->body},
                                              {"portal change", changed->body}};
  for (const std::string& claim : {hostile.claim_number, hostile.check_claim_number}) {
    const auto status = portal.Post("/status", portal_cookie,
                                    httplib::Params{{"csrf", form_csrf(home->body)},
                                                    {"claim", claim},
                                                    {"zip", claim == hostile.claim_number ? "94105" : "73301"}});
    REQUIRE(status->status == 200);
    pages["portal status " + claim] = status->body;
  }

  Browser admin(server.port());
  REQUIRE(admin.sign_in("ada", password_of("ada"))->status == 303);
  const std::string csrf = form_csrf(admin.client.Get("/admin/users", admin.cookies())->body);
  const std::string program = std::to_string(hostile.program_id);
  // Every console screen, with each of the hostile program's entities it can show.
  const std::map<std::string, std::vector<std::string>> screens = {
      {"/admin/login", {"/admin/login"}},
      {"/admin/", {"/admin/"}},
      {"/admin", {"/admin"}},
      {"/admin/audit", {"/admin/audit", "/admin/audit?subject_type=claimant"}},
      {"/admin/users", {"/admin/users"}},
      {"/admin/claims",
       {"/admin/claims?program=" + program, "/admin/claims?program=" + program + "&state=approved",
        "/admin/claims?program=" + program + "&zip=" + hostile.zip5}},
      {"/admin/claims/{claim_number}",
       {"/admin/claims/" + hostile.claim_number, "/admin/claims/" + hostile.check_claim_number}},
      {"/admin/batches", {"/admin/batches"}},
      {"/admin/programs/{id}/batches", {"/admin/programs/" + program + "/batches"}},
      {"/admin/batches/{id}",
       {"/admin/batches/" + std::to_string(hostile.paypal_batch_id),
        "/admin/batches/" + std::to_string(hostile.check_batch_id),
        "/admin/batches/" + std::to_string(hostile.ach_batch_id)}},
      {"/admin/allocations/{id}", {"/admin/allocations/" + std::to_string(hostile.run_id)}},
      {"/admin/allocations", {"/admin/allocations"}},
      {"/admin/programs/{id}/allocations", {"/admin/programs/" + program + "/allocations"}},
      {"/admin/allocations/{id}/shares.csv",
       {"/admin/allocations/" + std::to_string(hostile.run_id) + "/shares.csv"}},
      {"/admin/reconciliations/{id}",
       {"/admin/reconciliations/" + std::to_string(hostile.reconciliation_id)}},
      {"/admin/reconciliations/{id}/report.csv",
       {"/admin/reconciliations/" + std::to_string(hostile.reconciliation_id) + "/report.csv"}},
      {"/admin/exports", {"/admin/exports"}},
      {"/admin/programs/{id}/exports", {"/admin/programs/" + program + "/exports"}},
      {"/admin/programs/{id}/exports/{kind}.csv",
       {"/admin/programs/" + program + "/exports/payments.csv"}},
      {"/admin/settings", {"/admin/settings"}},
      {"/admin/programs/new", {"/admin/programs/new"}},
      {"/admin/programs/{id}/settings", {"/admin/programs/" + program + "/settings"}},
      {"/admin/imports", {"/admin/imports", "/admin/imports?program=" + program}},
      {"/admin/imports/{id}", {"/admin/imports/" + std::to_string(hostile.import_id)}},
      {"/admin/imports/{id}/progress",
       {"/admin/imports/" + std::to_string(hostile.import_id) + "/progress"}},
      {"/admin/imports/{id}/rejected.csv",
       {"/admin/imports/" + std::to_string(hostile.import_id) + "/rejected.csv"}},
  };
  std::set<std::string> covered;
  for (const auto& route : registered_routes(database)) {
    if (route.method != "GET" || !route.pattern.starts_with("/admin")) continue;
    CAPTURE(route.pattern);
    REQUIRE_MESSAGE(screens.contains(route.pattern), "add the new screen to this walk");
    for (const std::string& path : screens.at(route.pattern)) {
      const auto page = admin.client.Get(path, admin.cookies());
      REQUIRE(page);
      CHECK(page->status < 400);
      if (path.ends_with(".csv")) {
        // Downloads are data, never rendered: the formula test covers their cells.
        CHECK(page->get_header_value("Content-Type").starts_with("text/csv"));
        CHECK(page->get_header_value("X-Content-Type-Options") == "nosniff");
        continue;
      }
      pages["console " + path] = page->body;
    }
    covered.insert(route.pattern);
  }
  CHECK(covered.size() == screens.size());
  // The one-time reveals show every field unmasked, the change request's address too.
  for (const std::string& claim : {hostile.claim_number, hostile.check_claim_number}) {
    const auto revealed = admin.client.Post("/admin/claims/" + claim + "/reveal", admin.cookies(),
                                            httplib::Params{{"csrf", csrf}});
    REQUIRE(revealed->status == 200);
    pages["console reveal " + claim] = revealed->body;
  }

  for (const auto& [name, body] : pages) {
    CAPTURE(name);
    CHECK(raw_markup_in(body) == "");
  }
  // The hostile text is there, escaped: the walk saw it.
  const std::string& revealed = pages.at("console reveal " + hostile.claim_number);
  CHECK(contains(revealed, "&lt;script&gt;alert("));
  CHECK(contains(revealed, "&lt;svg onload"));
  CHECK(contains(pages.at("console reveal " + hostile.check_claim_number), "&lt;iframe"));
  CHECK(contains(pages.at("console /admin/"), "&lt;script&gt;alert("));
  CHECK(contains(pages.at("console /admin/allocations/" + std::to_string(hostile.run_id)), "&lt;script&gt;alert("));
  CHECK(contains(pages.at("console /admin/users"), "&lt;script&gt;alert("));
  CHECK(contains(pages.at("portal /"), "&lt;script&gt;alert("));
}

TEST_CASE("no cell of any CSV download can run as a spreadsheet formula") {
  TestDatabase database;
  const HostileProgram hostile = build_hostile_program(database);
  const std::string token = token_for(database, "ada");
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  const httplib::Headers bearer = {{"Authorization", "Bearer " + token}};
  const std::string program = "/api/v1/programs/" + std::to_string(hostile.program_id);
  std::map<std::string, std::vector<std::string>> downloads = {
      {"/api/v1/imports/{id}/rejected.csv",
       {"/api/v1/imports/" + std::to_string(hostile.import_id) + "/rejected.csv"}},
      {"/api/v1/allocations/{id}/shares.csv",
       {"/api/v1/allocations/" + std::to_string(hostile.run_id) + "/shares.csv"}},
      {"/api/v1/reconciliations/{id}/report.csv",
       {"/api/v1/reconciliations/" + std::to_string(hostile.reconciliation_id) + "/report.csv"}},
      {"/api/v1/programs/{id}/exports/{kind}.csv",
       {program + "/exports/payments.csv", program + "/exports/ledger.csv",
        program + "/exports/rollforward.csv", program + "/exports/regulator.csv",
        program + "/exports/discrepancies.csv"}},
      {"/api/v1/batches/{id}/file", {}},
  };
  for (const std::int64_t batch : {hostile.paypal_batch_id, hostile.check_batch_id, hostile.ach_batch_id}) {
    const std::string base = "/api/v1/batches/" + std::to_string(batch) + "/file";
    const int parts = std::stoi(client.Get(base, bearer)->get_header_value("X-File-Parts"));
    for (int part = 1; part <= parts; part++) {
      downloads["/api/v1/batches/{id}/file"].push_back(base + "?part=" + std::to_string(part));
    }
  }
  // The console's downloads, fetched with a session.
  const std::string console_program = "/admin/programs/" + std::to_string(hostile.program_id);
  const std::map<std::string, std::vector<std::string>> console_downloads = {
      {"/admin/imports/{id}/rejected.csv",
       {"/admin/imports/" + std::to_string(hostile.import_id) + "/rejected.csv"}},
      {"/admin/allocations/{id}/shares.csv",
       {"/admin/allocations/" + std::to_string(hostile.run_id) + "/shares.csv"}},
      {"/admin/reconciliations/{id}/report.csv",
       {"/admin/reconciliations/" + std::to_string(hostile.reconciliation_id) + "/report.csv"}},
      {"/admin/programs/{id}/exports/{kind}.csv",
       {console_program + "/exports/payments.csv", console_program + "/exports/regulator.csv"}},
  };
  // The console's batch file serves the API's stored bytes: the checks below cover it.
  const std::string console_download = "/admin/batches/{id}/file";
  for (const auto& route : registered_routes(database)) {
    const bool download = route.pattern.ends_with(".csv") || route.pattern.ends_with("/file");
    if (!download || route.pattern == console_download) continue;
    CAPTURE(route.pattern);
    REQUIRE_MESSAGE((downloads.contains(route.pattern) || console_downloads.contains(route.pattern)),
                    "add the new download to this walk");
  }
  Browser admin(server.port());
  REQUIRE(admin.sign_in("ada", password_of("ada"))->status == 303);
  for (const auto& [pattern, paths] : console_downloads) {
    for (const std::string& path : paths) {
      CAPTURE(path);
      const auto response = admin.client.Get(path, admin.cookies());
      REQUIRE(response);
      REQUIRE(response->status == 200);
      CHECK(response->get_header_value("Content-Type").starts_with("text/csv"));
      check_no_formula(path, response->body);
    }
  }
  const std::string csrf = form_csrf(admin.client.Get("/admin/users", admin.cookies())->body);
  const std::string batch = std::to_string(hostile.check_batch_id);
  const auto from_console = admin.client.Post("/admin/batches/" + batch + "/file", admin.cookies(),
                                              httplib::Params{{"csrf", csrf}, {"part", "1"}});
  REQUIRE(from_console->status == 200);
  CHECK(from_console->body == client.Get("/api/v1/batches/" + batch + "/file?part=1", bearer)->body);
  std::string everything;
  int csv_files = 0;
  for (const auto& [pattern, paths] : downloads) {
    for (const std::string& path : paths) {
      CAPTURE(path);
      const auto response = client.Get(path, bearer);
      REQUIRE(response);
      REQUIRE(response->status == 200);
      // NACHA and Positive Pay files are fixed-width text for banks, not spreadsheets.
      if (!response->get_header_value("Content-Type").starts_with("text/csv")) continue;
      csv_files++;
      check_no_formula(path, response->body);
      everything += response->body;
    }
  }
  CHECK(csv_files >= 10);
  // The hostile text that reaches a download (rejected rows, the check register's payee, the
  // results file's references) is there, neutralised with a leading apostrophe.
  for (const char* neutralised : {"'=HYPERLINK", "'=1+2", "'@SUM(1+1)", "'-1+1"}) {
    CAPTURE(std::string(neutralised));
    CHECK(contains(everything, neutralised));
  }
}
