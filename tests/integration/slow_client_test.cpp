// Issue 9, attacks: slow clients and malformed HTTP. Slowloris-style clients (many connections
// sending their headers a byte at a time) must not keep a normal client waiting; a request whose
// headers do not arrive in time is answered 408 and closed; oversized headers get 431, oversized
// bodies 413 and overlong URIs 414, each as problem+json; malformed requests get a 4xx or a clean
// close and the server carries on; text that is not UTF-8, or holds a NUL, in a query, a JSON
// body, a form or a header is refused with a clear 400 and writes nothing, while an uploaded
// list's rows that are not UTF-8 are rejected one by one, as the import format says.

#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "console_browser.hpp"
#include "portal_fixture.hpp"
#include "raw_http.hpp"

using namespace disburse::testing;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point started) {
  return std::chrono::duration<double>(Clock::now() - started).count();
}


std::string detail_of(const std::string& body) { return json::parse(body).value("detail", ""); }

}  // namespace

TEST_CASE("two hundred clients sending headers a byte at a time do not keep a normal client waiting") {
  TestDatabase database;
  const auto program = seed_program(database);
  const auto claimant = seed_claimant(database, program);
  // The default limits: 64 request workers, 512 connections, a 10-second header timeout.
  ServerProcess server(database);
  std::vector<std::unique_ptr<RawConnection>> slow;
  const auto connecting = Clock::now();
  for (int index = 0; index < 200; index++) {
    slow.push_back(std::make_unique<RawConnection>(server.port()));
    slow.back()->send("GET /healthz HTTP/1.1\r\nHost: x\r\n");
  }
  // The listen backlog takes a burst of connections: with httplib's 5, SYNs beyond it were
  // dropped and each such client waited a second for its retry.
  CHECK(seconds_since(connecting) < 0.9);
  std::atomic<bool> done = false;
  std::thread trickle([&] {
    while (!done) {
      for (auto& connection : slow) connection->send("X");
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(5, 0);
  double slowest = 0;
  for (int request = 0; request < 20; request++) {
    const auto started = Clock::now();
    const auto answer = client.Get("/api/v1/status?claim=" + claimant.claim_number + "&zip=" + claimant.zip5);
    slowest = std::max(slowest, seconds_since(started));
    REQUIRE(answer);
    CHECK(answer->status == 200);
  }
  done = true;
  trickle.join();
  CHECK(slowest < 1.0);
  // The slow clients are still connected, none of them answered yet.
  for (auto& connection : slow) CHECK(connection->received.empty());
}

TEST_CASE("headers late past the header timeout get 408, and a trickled body is cut off") {
  TestDatabase database;
  ServerProcess server(database, {{"DISBURSE_HEADER_TIMEOUT_MS", "1000"}});
  RawConnection slow(server.port());
  slow.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
  const auto started = Clock::now();
  std::string sent;
  // A byte every 200 ms keeps the connection busy, but the whole head is late.
  while (seconds_since(started) < 3 && slow.send("x")) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (!slow.received.empty()) break;
  }
  CHECK(slow.closed_by_server(3000));
  CHECK(status_of(slow.received) == 408);
  CHECK(header_of(slow.received, "Content-Type") == "application/problem+json");
  CHECK(seconds_since(started) < 2.5);
  // A connection that sends nothing at all is closed after the same timeout, without an answer.
  RawConnection idle(server.port());
  CHECK(idle.closed_by_server(3000));
  CHECK(idle.received.empty());
  // A body trickled in a byte at a time is cut off once the header timeout has passed, too.
  RawConnection slow_body(server.port());
  slow_body.send("POST /api/v1/programs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 "Content-Length: 1000\r\n\r\n{");
  const auto body_started = Clock::now();
  while (seconds_since(body_started) < 4 && slow_body.send(" ")) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (!slow_body.received.empty()) break;
  }
  CHECK(slow_body.closed_by_server(3000));
  CHECK(seconds_since(body_started) < 4);
  // A keep-alive connection serves request after request as long as each comes in time.
  RawConnection kept(server.port());
  for (int request = 0; request < 3; request++) {
    kept.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(status_of(kept.read_response(3000)) == 200);
  }
}

TEST_CASE("oversized headers get 431, an overlong URI 414 and an oversized body 413, as problem+json") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  const std::string token = token_for(database, "alice");
  ServerProcess server(database, {{"DISBURSE_MAX_UPLOAD_BYTES", "4096"}});
  const std::string one_long_header =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: " + std::string(20000, 'a') + "\r\n\r\n";
  const std::string many_headers = [] {
    std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    for (int index = 0; index < 400; index++) request += "X-Header-" + std::to_string(index) + ": " + std::string(60, 'b') + "\r\n";
    return request + "\r\n";
  }();
  for (const std::string& request : {one_long_header, many_headers}) {
    RawConnection connection(server.port());
    connection.send(request);
    const std::string answer = connection.read_response(5000);
    CHECK(status_of(answer) == 431);
    CHECK(header_of(answer, "Content-Type") == "application/problem+json");
    CHECK(connection.closed_by_server(3000));
  }
  const std::string long_uri = "GET /api/v1/status?claim=" + std::string(9000, 'A') + " HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string uri_answer = raw_request(server.port(), long_uri);
  CHECK(status_of(uri_answer) == 414);
  // A declared length over the limit is refused before a byte of the body is sent.
  const std::string declared = raw_request(
      server.port(), "POST /api/v1/programs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                         "\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n");
  CHECK(status_of(declared) == 413);
  CHECK(header_of(declared, "Content-Type") == "application/problem+json");
  // A chunked upload that grows past the limit is cut off with 413 too.
  run_disburse(database, {"program", "create", "--name", "Ring", "--fund", "100.00"});
  RawConnection upload(server.port());
  upload.send("POST /api/v1/programs/1/imports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
              "\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n");
  for (int chunk = 0; chunk < 4 && upload.received.empty(); chunk++) {
    upload.send("800\r\n" + std::string(2048, 'c') + "\r\n");
  }
  upload.send("0\r\n\r\n");
  CHECK(status_of(upload.read_response(5000)) == 413);
  CHECK(database.scalar("SELECT count(*) FROM claimants") == "0");
  // Through all of it the server kept answering.
  httplib::Client client("127.0.0.1", server.port());
  CHECK(client.Get("/healthz")->status == 200);
}

TEST_CASE("malformed requests get a 4xx or a clean close and the server carries on") {
  TestDatabase database;
  ServerProcess server(database);
  for (const std::string& junk :
       {std::string("GARBAGE\r\n\r\n"), std::string("GET\r\n\r\n"), std::string("GET / HTTP/1.1\r\nNo colon here\r\n\r\n"),
        std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 18), std::string("\r\n\r\n"),
        std::string("POST /api/v1/programs HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"),
        std::string("POST /api/v1/programs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n")}) {
    CAPTURE(junk);
    RawConnection connection(server.port());
    connection.send(junk);
    const std::string answer = connection.read_response(5000);
    // httplib lets some oddities pass (a header line without a colon is skipped); what matters
    // is an answer that is not a 5xx, or a clean close, within seconds.
    const int status = status_of(answer);
    CHECK(((status > 0 && status < 500) || (answer.empty() && connection.closed_by_server(3000))));
  }
  httplib::Client client("127.0.0.1", server.port());
  CHECK(client.Get("/healthz")->status == 200);
  server.stop();
  CHECK(server.log().find("internal_error") == std::string::npos);
}

TEST_CASE("text that is not UTF-8 or holds a NUL gets a clear 400 and writes nothing, and such list rows are rejected") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  const std::string token = token_for(database, "alice");
  run_disburse(database, {"program", "create", "--name", "Ring", "--fund", "100.00"});
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  client.set_url_encode(false);
  const auto tokens_before = database.scalar("SELECT count(*) FROM api_tokens");
  const auto imports_before = database.scalar("SELECT count(*) FROM imports");

  const auto query = client.Get("/api/v1/audit?action=%FF%FE", bearer(token));
  CHECK(query->status == 400);
  CHECK(query->get_header_value("Content-Type") == "application/problem+json");
  CHECK(detail_of(query->body) == "the parameter 'action' is not UTF-8 text (or holds a NUL character)");
  CHECK(client.Get("/api/v1/claims/%C3%28", bearer(token))->status == 400);
  const auto file_name = client.Post("/api/v1/programs/1/imports?file_name=%C0%AF.csv", bearer(token),
                                     "customer_id\n", "text/csv");
  CHECK(file_name->status == 400);
  CHECK(detail_of(file_name->body) == "the parameter 'file_name' is not UTF-8 text (or holds a NUL character)");
  const auto bad_json = client.Post("/api/v1/tokens", bearer(token), "{\"name\":\"\xff\xfe\"}", "application/json");
  CHECK(bad_json->status == 400);
  CHECK(detail_of(bad_json->body).find("UTF-8") != std::string::npos);
  const auto nul_json = client.Post("/api/v1/tokens", bearer(token), R"({"name":"a\u0000b"})", "application/json");
  CHECK(nul_json->status == 400);
  CHECK(detail_of(nul_json->body) == "the JSON body holds a NUL character (\\u0000)");
  httplib::Headers keyed = bearer(token);
  keyed.emplace("Idempotency-Key", "key-\xff");
  const auto bad_key = client.Post("/api/v1/programs", keyed, R"({"name":"X","fund":"1.00"})", "application/json");
  CHECK(bad_key->status == 400);
  CHECK(detail_of(bad_key->body) == "the Idempotency-Key may hold printable ASCII characters only");

  // An uploaded list is read row by row (docs/import-format.md): a row that is not UTF-8 is
  // rejected with its reason and the others are imported; the file is never half-written.
  const std::string list =
      "customer_id,first_name,last_name,email,phone,address1,address2,city,state,postal_code,"
      "country,device_type,account_months\n"
      "U1,Ana,Lopez,u1@example.com,,1 Main St,,Reno,NV,89501,US,Indoor Cam,10\n"
      "U2,J\xfcrgen,M\xfcller,u2@example.com,,2 Main St,,Reno,NV,89501,US,Indoor Cam,10\n";
  const auto uploaded = client.Post("/api/v1/programs/1/imports", bearer(token), list, "text/csv");
  REQUIRE(uploaded->status == 202);
  const std::string import_path = "/api/v1/imports/" + json::parse(uploaded->body)["import_id"].dump();
  json import;
  for (int poll = 0; poll < 200; poll++) {
    import = json::parse(client.Get(import_path, bearer(token))->body);
    if (import["state"] == "completed" || import["state"] == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(import["state"] == "completed");
  CHECK(import["rows_accepted"] == 1);
  CHECK(import["rejected_by_reason"] == json{{"invalid_utf8", 1}});
  CHECK(database.scalar("SELECT string_agg(customer_id, ',') FROM claimants") == "U1");

  Browser console(server.port());
  REQUIRE(console.sign_in("alice", password_of("alice"))->status == 303);
  const std::string csrf = form_csrf(console.client.Get("/admin/users", console.cookies())->body);
  for (const std::string& name : {std::string("%FF%FE"), std::string("a%00b")}) {
    CAPTURE(name);
    httplib::Headers headers = console.cookies();
    const auto form = console.client.Post("/admin/tokens", headers, "csrf=" + csrf + "&name=" + name,
                                          "application/x-www-form-urlencoded");
    CHECK(form->status == 400);
    CHECK(form->get_header_value("Content-Type").starts_with("text/html"));
    CHECK(form->body.find("not UTF-8 text") != std::string::npos);
  }
  CHECK(database.scalar("SELECT count(*) FROM api_tokens") == tokens_before);
  CHECK(database.scalar("SELECT count(*) FROM imports") == std::to_string(std::stoi(imports_before) + 1));
  CHECK(database.scalar("SELECT count(*) FROM programs") == "1");
  server.stop();
  CHECK(server.log().find("internal_error") == std::string::npos);
}
