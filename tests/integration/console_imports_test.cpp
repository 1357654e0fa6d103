// The console's import screens, driven through the real sign-in form: the multipart upload with
// its CSRF token, the import page and its progress answer, the rejected rows, refusals of bad
// files (nothing written) and of roles without the permission.

#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "console_browser.hpp"
#include "disburse/web/render.hpp"
#include "import_support.hpp"

using namespace disburse::testing;
using nlohmann::json;

namespace {

// Posts the upload form as a browser does: the token and the program first, then the file.
httplib::Result upload(Browser& browser, const std::string& csrf, const std::string& program,
                       const std::string& content, const std::string& file_name = "list.csv") {
  const httplib::MultipartFormDataItems items = {{"csrf", csrf, "", ""},
                                                 {"program", program, "", ""},
                                                 {"file", content, file_name, "text/csv"}};
  return browser.client.Post("/admin/imports", browser.cookies(), items);
}

std::string upload_csrf(Browser& browser) {
  const auto page = browser.client.Get("/admin/imports", browser.cookies());
  REQUIRE(page->status == 200);
  return form_csrf(page->body);
}

std::int64_t import_id_of(const httplib::Result& response) {
  std::smatch match;
  const std::string location = response->get_header_value("Location");
  REQUIRE(std::regex_match(location, match, std::regex("/admin/imports/([0-9]+)(\\?.*)?")));
  return std::stoll(match[1]);
}

json wait_for_progress(Browser& browser, std::int64_t import_id) {
  const std::string path = "/admin/imports/" + std::to_string(import_id) + "/progress";
  for (int attempt = 0; attempt < 600; attempt++) {
    const auto response = browser.client.Get(path, browser.cookies());
    REQUIRE(response);
    REQUIRE(response->status == 200);
    CHECK(response->get_header_value("Content-Type") == "application/json");
    const json view = json::parse(response->body);
    if (view["finished"] == true) return view;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  FAIL("the import did not finish");
  return {};
}

std::string nothing_written(TestDatabase& database) {
  return database.scalar(
      "SELECT (SELECT count(*) FROM imports) || ' ' || (SELECT count(*) FROM import_chunks) || ' ' "
      "|| (SELECT count(*) FROM claimants) || ' ' || (SELECT count(*) FROM jobs)");
}

}  // namespace

TEST_CASE("a list uploaded in the console is imported by the job and its page shows the results") {
  TestDatabase database;
  const std::int64_t by_command = create_program(database, "Ring by command");
  const std::int64_t by_console = create_program(database, "Ring by console");
  const auto [path, stats] = sample_list(database, 3000, 12, true);
  const json expected = import_file(database, by_command, path);
  ServerProcess server(database);
  Browser browser = signed_in(server, database, "rita", "reviewer");
  const auto list_page = browser.client.Get("/admin/imports", browser.cookies());
  CHECK(contains(list_page->body, "enctype=\"multipart/form-data\""));
  CHECK(contains(list_page->body, "href=\"/admin/imports\""));  // The console's nav.
  const auto uploaded = upload(browser, form_csrf(list_page->body), std::to_string(by_console),
                               read_whole_file(path));
  REQUIRE(uploaded);
  INFO(uploaded->body);
  REQUIRE(uploaded->status == 303);
  const std::int64_t import_id = import_id_of(uploaded);
  const std::string page_path = "/admin/imports/" + std::to_string(import_id);

  const json done = wait_for_progress(browser, import_id);
  CHECK(done["state"] == "completed");
  CHECK(done["progress_value"] == done["progress_max"]);
  for (const char* key :
       {"rows_total", "rows_accepted", "rows_rejected", "rows_new", "rows_flagged"}) {
    CHECK_MESSAGE(done[key] == expected[key], key);
  }
  CHECK(done["has_rejected"] == true);
  CHECK(done["rejected_url"] == page_path + "/rejected.csv");

  // Finished, the page no longer refreshes itself and shows the results and the download.
  const auto page = browser.client.Get(page_path, browser.cookies());
  CHECK(page->status == 200);
  CHECK_FALSE(contains(page->body, "http-equiv=\"refresh\""));
  CHECK(contains(page->body, "<script src=\"/static/console_import.js\" defer></script>"));
  CHECK(contains(page->body, "<progress id=\"import-progress\" max=\"1000\" value=\"1000\""));
  CHECK(contains(page->body, "id=\"import-results\" aria-labelledby=\"results-heading\">"));
  CHECK(contains(page->body, "Download the rejected rows (CSV)"));
  CHECK(contains(page->body, "Completed: 3,000 rows"));
  const auto script = browser.client.Get("/static/console_import.js");
  CHECK(script->status == 200);
  CHECK(script->get_header_value("Content-Type") == "text/javascript; charset=utf-8");

  // The rejected rows are the API's, byte for byte, and the download is audited.
  const auto rejected = browser.client.Get(page_path + "/rejected.csv", browser.cookies());
  REQUIRE(rejected->status == 200);
  CHECK(rejected->get_header_value("Content-Type").starts_with("text/csv"));
  const std::string token = token_for(database, "rita");
  const auto from_api =
      browser.client.Get("/api/v1/imports/" + std::to_string(import_id) + "/rejected.csv",
                         {{"Authorization", "Bearer " + token}});
  CHECK(rejected->body == from_api->body);
  CHECK(count(database,
              "SELECT count(*) FROM audit_log WHERE action = 'import.rejections.export' "
              "AND actor = 'rita'") == 2);
  CHECK(count(database,
              "SELECT count(*) FROM audit_log WHERE action = 'import.upload' AND actor = 'rita'") ==
        1);

  // The same file again goes to the first import, and says so.
  const auto again =
      upload(browser, upload_csrf(browser), std::to_string(by_console), read_whole_file(path));
  REQUIRE(again->status == 303);
  CHECK(again->get_header_value("Location") == page_path + "?duplicate_file=1");
  const auto duplicate_page =
      browser.client.Get(page_path + "?duplicate_file=1", browser.cookies());
  CHECK(contains(duplicate_page->body, "had already been imported"));
  CHECK(count(database, "SELECT count(*) FROM imports WHERE program_id = " +
                            std::to_string(by_console)) == 1);

  // The list shows both programs' imports, newest first, and filters by program.
  const auto imports = browser.client.Get("/admin/imports", browser.cookies());
  CHECK(contains(imports->body, "Ring by console"));
  CHECK(contains(imports->body, "Ring by command"));
  const auto filtered =
      browser.client.Get("/admin/imports?program=" + std::to_string(by_command), browser.cookies());
  CHECK_FALSE(contains(filtered->body, "<td>Ring by console</td>"));
}

TEST_CASE(
    "a running import's page refreshes itself without JavaScript and its progress is polled") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  // No job workers: the import stays queued, as a busy server's would.
  ServerProcess server(database, {{"DISBURSE_JOB_WORKERS", "0"}});
  Browser browser = signed_in(server, database, "rita", "reviewer");
  const auto uploaded = upload(browser, upload_csrf(browser), std::to_string(program),
                               list_header + list_row("C1") + list_row("C2"));
  REQUIRE(uploaded->status == 303);
  const std::int64_t import_id = import_id_of(uploaded);
  const auto page =
      browser.client.Get("/admin/imports/" + std::to_string(import_id), browser.cookies());
  CHECK(page->status == 200);
  CHECK(contains(page->body, "<noscript><meta http-equiv=\"refresh\" content=\"2\"></noscript>"));
  CHECK(contains(page->body, "data-finished=\"false\""));
  CHECK(contains(page->body, "Waiting for a worker"));
  CHECK(contains(page->body, "id=\"import-results\" aria-labelledby=\"results-heading\" hidden>"));
  const auto progress = browser.client.Get(
      "/admin/imports/" + std::to_string(import_id) + "/progress", browser.cookies());
  REQUIRE(progress->status == 200);
  const json view = json::parse(progress->body);
  CHECK(view["state"] == "queued");
  CHECK(view["finished"] == false);
  CHECK(view["progress_value"] == 0);
  CHECK(view["status_text"] == "Waiting for a worker to start the import.");
  // Without a session the progress is not shown: the caller is sent to sign in.
  httplib::Client stranger("127.0.0.1", server.port());
  const auto unsigned_progress =
      stranger.Get("/admin/imports/" + std::to_string(import_id) + "/progress");
  CHECK(unsigned_progress->status == 303);
  CHECK(unsigned_progress->get_header_value("Location") == "/admin/login");
  CHECK(browser.client.Get("/admin/imports/999/progress", browser.cookies())->status == 404);
  CHECK(browser.client.Get("/admin/imports/999", browser.cookies())->status == 404);
}

TEST_CASE(
    "the upload form is refused without its CSRF token or a session, and nothing is written") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  ServerProcess server(database);
  Browser browser = signed_in(server, database, "rita", "reviewer");
  const std::string file = list_header + list_row("C1");
  const std::string before = nothing_written(database);
  const auto forged = upload(browser, "00", std::to_string(program), file);
  CHECK(forged->status == 403);
  CHECK(contains(forged->body, "the form expired or did not come from this console"));
  const httplib::MultipartFormDataItems without_token = {
      {"program", std::to_string(program), "", ""}, {"file", file, "list.csv", "text/csv"}};
  CHECK(browser.client.Post("/admin/imports", browser.cookies(), without_token)->status == 403);
  // Another session's token is no good either.
  Browser other = signed_in(server, database, "rob", "reviewer");
  CHECK(upload(browser, upload_csrf(other), std::to_string(program), file)->status == 403);
  httplib::Client stranger("127.0.0.1", server.port());
  const auto unsigned_upload =
      stranger.Post("/admin/imports",
                    httplib::MultipartFormDataItems{{"csrf", upload_csrf(browser), "", ""},
                                                    {"program", std::to_string(program), "", ""},
                                                    {"file", file, "list.csv", "text/csv"}});
  CHECK(unsigned_upload->status == 303);
  CHECK(unsigned_upload->get_header_value("Location") == "/admin/login");
  const auto urlencoded =
      browser.client.Post("/admin/imports", browser.cookies(),
                          httplib::Params{{"csrf", upload_csrf(browser)}, {"program", "1"}});
  CHECK(urlencoded->status == 400);
  CHECK(nothing_written(database) == before);
}

TEST_CASE("bad uploads in the console get a clear page and write nothing") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  ServerProcess server(database, {{"DISBURSE_MAX_UPLOAD_BYTES", "100000"}});
  Browser browser = signed_in(server, database, "rita", "reviewer");
  const std::string before = nothing_written(database);
  const std::string utf8 = list_header + list_row("C1");
  std::string utf16 = "\xFF\xFE";
  for (const char character : utf8) {
    utf16.push_back(character);
    utf16.push_back('\0');
  }
  std::string large = list_header;
  for (int row = 0; large.size() < 150000; row++) large += list_row("C" + std::to_string(row));
  struct Case {
    std::string name;
    std::string program;
    std::string content;
    std::string file_name;
    int status;
    std::string message;
  };
  const std::string id = std::to_string(program);
  const std::vector<Case> cases = {
      {"UTF-16", id, utf16, "list.csv", 400, "is not UTF-8"},
      {"Latin-1 header", id, "customer_id,pr\xE9nom\n1,Ana\n", "list.csv", 400,
       "the header is not UTF-8 text"},
      {"spreadsheet", id, std::string("PK\x03\x04\x14\x00\x06\x00", 8) + "xl/workbook.xml",
       "list.xlsx", 400, "not UTF-8 CSV text"},
      {"unusable header", id, "name,email\nAna,a@example.com\n", "list.csv", 400,
       "the header cannot be used"},
      {"malformed header", id, "customer_id,\"first_name\n", "list.csv", 400,
       "the header line cannot be read"},
      {"empty file", id, "", "list.csv", 400, "the file is empty"},
      {"no file chosen", id, "", "", 400, "choose a CSV file to upload"},
      {"unknown program", "999", utf8, "list.csv", 404, "no program 999"},
      {"no program", "", utf8, "list.csv", 400, "choose the program"},
      {"over the upload limit", id, large, "list.csv", 413, "larger than the upload limit"},
  };
  for (const Case& bad : cases) {
    CAPTURE(bad.name);
    const auto response =
        upload(browser, upload_csrf(browser), bad.program, bad.content, bad.file_name);
    REQUIRE(response);
    CHECK(response->status == bad.status);
    CHECK(response->get_header_value("Content-Type") == "text/html; charset=utf-8");
    CHECK(contains(response->body, disburse::web::html_escape(bad.message)));
    CHECK(nothing_written(database) == before);
  }
}

TEST_CASE("roles without the permission see imports but may not upload or download rejected rows") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  const std::string path = write_file("list.csv", list_header + list_row("C1") + "C2,Ana\n");
  const json imported = import_file(database, program, path);
  const std::string import_path =
      "/admin/imports/" + std::to_string(imported["import_id"].get<std::int64_t>());
  ServerProcess server(database);
  for (const auto& [name, role] : {std::pair{"fran", "finance"}, std::pair{"audrey", "auditor"}}) {
    CAPTURE(role);
    Browser browser = signed_in(server, database, name, role);
    const auto list = browser.client.Get("/admin/imports", browser.cookies());
    CHECK(list->status == 200);
    CHECK(contains(list->body, "list.csv"));
    CHECK_FALSE(contains(list->body, "enctype"));
    const auto page = browser.client.Get(import_path, browser.cookies());
    CHECK(page->status == 200);
    CHECK(contains(page->body, "Rejected rows by reason"));
    CHECK_FALSE(contains(page->body, "Download the rejected rows"));
    CHECK(browser.client.Get(import_path + "/progress", browser.cookies())->status == 200);
    CHECK(browser.client.Get(import_path + "/rejected.csv", browser.cookies())->status == 403);
    const std::string csrf = form_csrf(list->body);
    const auto refused =
        upload(browser, csrf, std::to_string(program), list_header + list_row("C9"));
    CHECK(refused->status == 403);
    CHECK(contains(refused->body, "import_lists"));
  }
  CHECK(count(database, "SELECT count(*) FROM imports") == 1);
  CHECK(count(database,
              "SELECT count(*) FROM audit_log WHERE action = 'import.rejections.export'") == 0);
}

TEST_CASE("an upload is not held up by another import of the same program while that one runs") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  const auto [path, stats] = sample_list(database, 120000, 14, false);
  ServerProcess server(database);
  Browser browser = signed_in(server, database, "rita", "reviewer");
  browser.client.set_read_timeout(120);
  const auto large =
      upload(browser, upload_csrf(browser), std::to_string(program), read_whole_file(path));
  REQUIRE(large->status == 303);
  const std::int64_t running_id = import_id_of(large);
  const std::string state_of_running =
      "SELECT state FROM imports WHERE id = " + std::to_string(running_id);
  for (int attempt = 0; attempt < 600 && database.scalar(state_of_running) != "running";
       attempt++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(database.scalar(state_of_running) == "running");
  // The running import holds its program's row lock until it commits; the second upload's
  // imports row refers to that program and must not wait for it.
  const auto small =
      upload(browser, upload_csrf(browser), std::to_string(program), list_header + list_row("C1"));
  REQUIRE(small->status == 303);
  CHECK(database.scalar(state_of_running) == "running");
  const json second = wait_for_progress(browser, import_id_of(small));
  CHECK(second["state"] == "completed");
  CHECK(wait_for_progress(browser, running_id)["state"] == "completed");
}
