// Claimant search by claim number, last name, email and ZIP through the console, the API and the
// CLI: masked results, LIKE wildcards and injection payloads taken as plain text, the audit
// record of searches by personal data (without the terms), and the indexes that serve them.

#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "console_browser.hpp"
#include "disburse/web/render.hpp"
#include "import_support.hpp"
#include "portal_fixture.hpp"

using namespace disburse::testing;
using nlohmann::json;

namespace {

std::string row(const std::string& customer_id, const std::string& first_name,
                const std::string& last_name, const std::string& email, const std::string& city,
                const std::string& state, const std::string& postal_code) {
  return customer_id + "," + first_name + "," + last_name + "," + email + ",," + "1 " +
         customer_id + " Main St,," + city + "," + state + "," + postal_code +
         ",US,Indoor Cam,24\n";
}

struct SearchFixture {
  TestDatabase database;
  std::int64_t program = 0;
  std::int64_t other_program = 0;

  SearchFixture() {
    program = create_program(database, "Ring");
    other_program = create_program(database, "Other");
    const std::string list =
        list_header +
        row("C1", "Maria", "Lopez", "maria.lopez@example.com", "San Francisco", "CA", "94105") +
        row("C2", "Mario", "LOPEZ-DIAZ", "mario@example.com", "Oakland", "CA", "94607") +
        row("C3", "James", "O'Brien", "James.OBrien+ring@gmail.com", "Austin", "TX", "73301-1234") +
        row("C4", "Ana", "Lo_pez", "ana@example.com", "New York", "NY", "10001") +
        row("C5", "Eva", "Lo%ez", "eva@example.com", "Miami", "FL", "33101") +
        row("C6", "Zoë", "Ñuñez", "zoe@example.com", "Miami", "FL", "33101");
    import_file(database, program, write_file("search.csv", list));
    import_file(
        database, other_program,
        write_file("other.csv", list_header + row("D1", "Luz", "Lopez", "maria.lopez@example.com",
                                                  "San Francisco", "CA", "94105")));
    add_user(database, "rita", "reviewer");
  }

  std::string claim_number(const std::string& customer_id) {
    return database.scalar("SELECT claim_number FROM claimants WHERE customer_id = '" +
                           customer_id + "'");
  }
};

// The claim numbers of a page of the API's or the CLI's claims list, in order.
std::vector<std::string> claim_numbers(const json& page) {
  std::vector<std::string> numbers;
  for (const auto& item : page["items"]) numbers.push_back(item["claim_number"]);
  return numbers;
}

std::string search_query(const std::string& field, const std::string& term) {
  return httplib::append_query_params("", {{field, term}}).substr(1);
}

}  // namespace

TEST_CASE(
    "the API finds claimants by claim number, last name prefix in any case, email and ZIP, "
    "masked") {
  SearchFixture fixture;
  const std::string token = token_for(fixture.database, "rita");
  ServerProcess server(fixture.database);
  httplib::Client client("127.0.0.1", server.port());
  const auto search = [&](const std::string& field, const std::string& term) {
    const auto response =
        client.Get("/api/v1/claims?program_id=" + std::to_string(fixture.program) + "&" +
                       search_query(field, term),
                   {{"Authorization", "Bearer " + token}});
    REQUIRE(response);
    INFO(response->body);
    REQUIRE(response->status == 200);
    return json::parse(response->body);
  };
  using Numbers = std::vector<std::string>;
  const std::string c1 = fixture.claim_number("C1");
  CHECK(claim_numbers(search("claim_number", c1)) == Numbers{c1});
  CHECK(claim_numbers(search("claim_number", " " + c1 + " ")) == Numbers{c1});
  CHECK(claim_numbers(search("last_name", "lop")) == Numbers{c1, fixture.claim_number("C2")});
  CHECK(claim_numbers(search("last_name", "LOPEZ")) == Numbers{c1, fixture.claim_number("C2")});
  CHECK(claim_numbers(search("last_name", "o'b")) == Numbers{fixture.claim_number("C3")});
  CHECK(claim_numbers(search("last_name", "ñu")) == Numbers{fixture.claim_number("C6")});
  CHECK(claim_numbers(search("last_name", "ÑU")) == Numbers{fixture.claim_number("C6")});
  // LIKE's wildcards and its escape character are plain text.
  CHECK(claim_numbers(search("last_name", "lo_")) == Numbers{fixture.claim_number("C4")});
  CHECK(claim_numbers(search("last_name", "lo%")) == Numbers{fixture.claim_number("C5")});
  CHECK(claim_numbers(search("last_name", "%%")).empty());
  CHECK(claim_numbers(search("last_name", "lo\\")).empty());
  // An email is matched whole, ignoring case, +tags and Gmail dots, as the import keyed it.
  CHECK(claim_numbers(search("email", "MARIA.LOPEZ@example.com")) == Numbers{c1});
  CHECK(claim_numbers(search("email", "jamesobrien@gmail.com")) ==
        Numbers{fixture.claim_number("C3")});
  CHECK(claim_numbers(search("email", "maria.lopez@example.co")).empty());
  CHECK(claim_numbers(search("zip", "94105")) == Numbers{c1});
  CHECK(claim_numbers(search("zip", "73301")) == Numbers{fixture.claim_number("C3")});
  CHECK(claim_numbers(search("zip", "33101-0000")) ==
        Numbers{fixture.claim_number("C5"), fixture.claim_number("C6")});
  // The fields combine, and the results stay masked.
  const json both = search("last_name", "lo");
  CHECK(both["items"].size() == 4);
  const auto combined = client.Get(
      "/api/v1/claims?program_id=" + std::to_string(fixture.program) + "&last_name=lo&zip=94607",
      {{"Authorization", "Bearer " + token}});
  CHECK(claim_numbers(json::parse(combined->body)) == Numbers{fixture.claim_number("C2")});
  CHECK_FALSE(contains(both.dump(), "Lopez"));
  // A search pages like the list: the cursor carries on with the same search.
  const auto first_page = client.Get(
      "/api/v1/claims?program_id=" + std::to_string(fixture.program) + "&last_name=lo&limit=3",
      {{"Authorization", "Bearer " + token}});
  const json page_one = json::parse(first_page->body);
  REQUIRE(page_one.contains("next_cursor"));
  const auto second_page =
      client.Get("/api/v1/claims?program_id=" + std::to_string(fixture.program) +
                     "&last_name=lo&limit=3&cursor=" + page_one["next_cursor"].get<std::string>(),
                 {{"Authorization", "Bearer " + token}});
  CHECK(claim_numbers(json::parse(second_page->body)) == Numbers{fixture.claim_number("C5")});
  CHECK_FALSE(contains(both.dump(), "maria.lopez"));
  // Bad terms are refused with the reason.
  for (const auto& [field, term] :
       {std::pair{"last_name", "L"}, std::pair{"zip", "9410"}, std::pair{"email", "maria"},
        std::pair{"claim_number", "ABCD"}}) {
    CAPTURE(field);
    const auto refused = client.Get("/api/v1/claims?program_id=" + std::to_string(fixture.program) +
                                        "&" + search_query(field, term),
                                    {{"Authorization", "Bearer " + token}});
    CHECK(refused->status == 400);
    CHECK(refused->get_header_value("Content-Type") == "application/problem+json");
  }
}

TEST_CASE(
    "injection payloads in a claimant search are plain text: nothing found, nothing changed") {
  SearchFixture fixture;
  ServerProcess server(fixture.database);
  Browser browser(server.port());
  REQUIRE(browser.sign_in("rita", password_of("rita"))->status == 303);
  const std::string claimants_before = fixture.database.scalar("SELECT count(*) FROM claimants");
  const std::string base = "/admin/claims?program=" + std::to_string(fixture.program) + "&";
  const std::vector<std::pair<std::string, std::string>> payloads = {
      {"last_name", "' OR '1'='1"},
      {"last_name", "lo'; DROP TABLE claimants; --"},
      {"last_name", "<script>alert(1)</script>"},
      {"last_name", "\\' OR 1=1 --"},
      {"email", "x' OR 1=1 --@example.com"},
      {"email", "\"><img src=x onerror=alert(1)>@example.com"},
  };
  for (const auto& [field, term] : payloads) {
    CAPTURE(term);
    const auto page = browser.client.Get(base + search_query(field, term), browser.cookies());
    REQUIRE(page->status == 200);
    CHECK(contains(page->body, "No claims match."));
    CHECK_FALSE(contains(page->body, "<script>alert(1)"));
    CHECK_FALSE(contains(page->body, "<img src=x"));
    // The term is shown back in its field, escaped.
    CHECK(contains(page->body, "value=\"" + disburse::web::html_escape(term) + "\""));
  }
  for (const auto& [field, term] :
       {std::pair{"zip", "94105' OR '1'='1"}, std::pair{"claim", "'; DROP TABLE claimants; --"}}) {
    CAPTURE(term);
    const auto page = browser.client.Get(base + search_query(field, term), browser.cookies());
    CHECK(page->status == 400);
  }
  CHECK(fixture.database.scalar("SELECT count(*) FROM claimants") == claimants_before);
}

TEST_CASE("the console's claimant search finds by each field, masked, and pages with its search") {
  SearchFixture fixture;
  ServerProcess server(fixture.database);
  add_user(fixture.database, "audrey", "auditor");
  Browser browser(server.port());
  REQUIRE(browser.sign_in("audrey", password_of("audrey"))->status == 303);
  const std::string base = "/admin/claims?program=" + std::to_string(fixture.program) + "&";
  const auto by_name = browser.client.Get(base + "last_name=lopez", browser.cookies());
  REQUIRE(by_name->status == 200);
  CHECK(contains(by_name->body, fixture.claim_number("C1")));
  CHECK(contains(by_name->body, fixture.claim_number("C2")));
  CHECK_FALSE(contains(by_name->body, fixture.claim_number("C3")));
  CHECK_FALSE(contains(by_name->body, ">Lopez<"));
  CHECK(contains(by_name->body, "M**** L****"));
  CHECK(contains(by_name->body, "Searches by name, email or ZIP are recorded in the audit log"));
  const auto by_email =
      browser.client.Get(base + "email=maria.lopez%40example.com", browser.cookies());
  CHECK(contains(by_email->body, fixture.claim_number("C1")));
  CHECK_FALSE(contains(by_email->body, fixture.claim_number("C2")));
  // The other program's Luz Lopez, with the same email, is not in this program's list.
  CHECK_FALSE(contains(by_email->body, fixture.claim_number("D1")));
  const auto by_zip = browser.client.Get(base + "zip=33101", browser.cookies());
  CHECK(contains(by_zip->body, fixture.claim_number("C5")));
  CHECK(contains(by_zip->body, fixture.claim_number("C6")));
  const auto by_claim =
      browser.client.Get(base + "claim=" + fixture.claim_number("C4"), browser.cookies());
  CHECK(contains(by_claim->body, fixture.claim_number("C4")));
  CHECK_FALSE(contains(by_claim->body, fixture.claim_number("C1")));
  // A mistyped search is answered on the search page, with the reason and the form as sent.
  const std::string mistyped = with_typo(fixture.claim_number("C4"));
  const auto typo = browser.client.Get(base + "claim=" + mistyped, browser.cookies());
  CHECK(typo->status == 400);
  CHECK(contains(typo->body, "id=\"search-error\""));
  CHECK(contains(typo->body, "value=\"" + disburse::web::html_escape(mistyped) + "\""));
  const auto too_short = browser.client.Get(base + "last_name=L", browser.cookies());
  CHECK(too_short->status == 400);
  CHECK(contains(too_short->body, "at least its first 2 letters"));
}

TEST_CASE(
    "searches by name, email or ZIP are audited without the terms; by claim number they are not") {
  SearchFixture fixture;
  const auto cli_search = [&](const std::vector<std::string>& search) {
    std::vector<std::string> arguments = {"claims", "list", "--program",
                                          std::to_string(fixture.program)};
    arguments.insert(arguments.end(), search.begin(), search.end());
    arguments.insert(arguments.end(), {"--as", "rita"});
    const CommandResult result = run_disburse(fixture.database, arguments, password_of("rita"));
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    return json::parse(result.out);
  };
  CHECK(cli_search({"--claim-number", fixture.claim_number("C1")})["items"].size() == 1);
  CHECK(count(fixture.database,
              "SELECT count(*) FROM audit_log WHERE action = 'claimant.search'") == 0);
  CHECK(cli_search({"--last-name", "lopez"})["items"].size() == 2);
  CHECK(cli_search({"--email", "maria.lopez@example.com", "--zip", "94105"})["items"].size() == 1);
  CHECK(cli_search({"--zip", "10001"})["items"].size() == 1);
  CHECK(count(fixture.database,
              "SELECT count(*) FROM audit_log WHERE action = 'claimant.search' "
              "AND actor = 'rita' AND subject_type = 'program' AND program_id = " +
                  std::to_string(fixture.program)) == 3);
  CHECK(fixture.database.scalar("SELECT details::json->>'fields' FROM audit_log "
                                "WHERE action = 'claimant.search' ORDER BY id LIMIT 1") ==
        "[\"last_name\"]");
  CHECK(fixture.database.scalar("SELECT details::json->>'claims_found' FROM audit_log "
                                "WHERE action = 'claimant.search' ORDER BY id LIMIT 1") == "2");
  CHECK(fixture.database.scalar("SELECT details::json->>'fields' FROM audit_log "
                                "WHERE action = 'claimant.search' ORDER BY id OFFSET 1 LIMIT 1") ==
        "[\"email\",\"zip\"]");
  CHECK(count(fixture.database,
              "SELECT count(*) FROM audit_log WHERE action = 'claimant.search' AND "
              "(details ILIKE '%lopez%' OR details LIKE '%94105%' OR details LIKE '%10001%' "
              "OR details ILIKE '%example.com%')") == 0);
  // The same terms give the same keyed hash, so that an operator holding the key can check a term.
  cli_search({"--zip", "10001"});
  CHECK(fixture.database.scalar("SELECT count(DISTINCT details::json->>'terms_key') FROM audit_log "
                                "WHERE action = 'claimant.search' AND details LIKE '%\"zip\"]%' "
                                "AND details NOT LIKE '%email%'") == "1");
  CHECK(run_disburse(fixture.database, {"audit", "verify"}).exit_code == 0);
}

TEST_CASE("claimant searches use their indexes in a program of 120,000 claimants") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  const auto [path, stats] = sample_list(database, 120000, 3, false);
  import_file(database, program, path);
  add_user(database, "rita", "reviewer");
  // Autovacuum analyses a freshly imported table within a minute; the test does not wait.
  database.execute("ANALYZE claimants");
  const std::string someone = "FROM claimants WHERE program_id = " + std::to_string(program) +
                              " AND coalesce(email, '') <> '' AND last_name ~ '^[A-Za-z]{4}' ORDER "
                              "BY id OFFSET 5000 LIMIT 1";
  const std::string last_name = database.scalar("SELECT last_name " + someone);
  const std::string email = database.scalar("SELECT email " + someone);
  const std::string zip = database.scalar("SELECT portal_zip5 " + someone);
  const std::string claim = database.scalar("SELECT claim_number " + someone);
  const auto index_scans = [&](const std::string& index) {
    return count(
        database,
        "SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_user_indexes WHERE indexrelname = '" +
            index + "'");
  };
  const std::vector<std::pair<std::vector<std::string>, std::string>> searches = {
      {{"--claim-number", claim}, "claimants_claim_number"},
      {{"--last-name", last_name.substr(0, 4)}, "claimants_last_name_search"},
      {{"--email", email}, "claimants_email_key"},
      {{"--zip", zip}, "claimants_zip5"},
  };
  for (const auto& [search, index] : searches) {
    CAPTURE(index);
    const std::int64_t before = index_scans(index);
    std::vector<std::string> arguments = {"claims", "list", "--program", std::to_string(program)};
    arguments.insert(arguments.end(), search.begin(), search.end());
    arguments.insert(arguments.end(), {"--as", "rita"});
    const auto started = std::chrono::steady_clock::now();
    const CommandResult result = run_disburse(database, arguments, password_of("rita"));
    const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count();
    REQUIRE(result.exit_code == 0);
    CHECK_FALSE(json::parse(result.out)["items"].empty());
    MESSAGE(index << ": the search command took " << elapsed_ms << " ms");
    // A backend reports its statistics when it ends; the command's connection has just closed.
    bool used = false;
    for (int attempt = 0; attempt < 100 && !used; attempt++) {
      used = index_scans(index) > before;
      if (!used) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(used);
  }
}
