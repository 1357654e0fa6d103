// Issue 9, attacks: brute force of the status portal and the console's sign-in from many client
// addresses. The connections really come from different loopback addresses (127.0.0.2, …), so
// the server sees different clients, as it would behind no proxy; a forwarded-for header changes
// nothing, since the server never trusts one.

#include <doctest/doctest.h>

#include <regex>

#include "portal_fixture.hpp"
#include "raw_http.hpp"

using namespace disburse::testing;

namespace {

std::string address(int number) { return "127.0.0." + std::to_string(number); }

std::string status_request(const std::string& claim, const std::string& zip,
                           const std::string& extra_headers = "") {
  return "GET /api/v1/status?claim=" + claim + "&zip=" + zip + " HTTP/1.1\r\nHost: x\r\n" +
         extra_headers + "Connection: close\r\n\r\n";
}

std::string cookie_value(const std::string& response, const std::string& name) {
  std::smatch match;
  if (!std::regex_search(response, match, std::regex("Set-Cookie: " + name + "=([^;]+)"))) return "";
  return match[1];
}

// Signs in through the real form from `source`: the form's cookie and token, then the POST.
int sign_in_from(int port, const std::string& source, const std::string& username,
                 const std::string& password) {
  const std::string form = raw_request(port, "GET /admin/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", source);
  std::smatch token;
  REQUIRE(std::regex_search(form, token, std::regex("name=\"csrf\" value=\"([0-9a-f]+)\"")));
  const std::string body = "csrf=" + token[1].str() + "&username=" + username + "&password=" +
                           std::regex_replace(password, std::regex(" "), "+");
  const std::string answer = raw_request(
      port,
      "POST /admin/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: disburse_sign_in=" +
          cookie_value(form, "disburse_sign_in") +
          "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
          std::to_string(body.size()) + "\r\n\r\n" + body,
      source);
  if (status_of(answer) == 429) CHECK_FALSE(header_of(answer, "Retry-After").empty());
  return status_of(answer);
}

}  // namespace

TEST_CASE("guessing one claim's ZIP code from many addresses is throttled for every address") {
  TestDatabase database;
  const auto program = seed_program(database);
  const auto claimant = seed_claimant(database, program);
  ServerProcess server(database);
  for (int guess = 0; guess < 10; guess++) {
    const std::string zip = std::to_string(10000 + guess);
    CHECK(status_of(raw_request(server.port(), status_request(claimant.claim_number, zip), address(2 + guess))) == 404);
  }
  // A fresh address with the right ZIP code is refused too: the claim itself is locked.
  const std::string locked = raw_request(server.port(), status_request(claimant.claim_number, claimant.zip5), address(40));
  CHECK(status_of(locked) == 429);
  const int retry_after = std::stoi(header_of(locked, "Retry-After"));
  CHECK(retry_after > 0);
  CHECK(retry_after <= 900);
  CHECK(header_of(locked, "Content-Type") == "application/problem+json");
  // Another claim from that fresh address still answers.
  const auto other = seed_claimant(database, program);
  CHECK(status_of(raw_request(server.port(), status_request(other.claim_number, other.zip5), address(40))) == 200);
}

TEST_CASE("an address that guessed too often is throttled whatever forwarded-for header it sends") {
  TestDatabase database;
  const auto program = seed_program(database);
  const auto claimant = seed_claimant(database, program);
  ServerProcess server(database);
  for (int guess = 0; guess < 10; guess++) {
    CHECK(status_of(raw_request(server.port(), status_request(unused_claim_number(), "94105"), address(7))) == 404);
  }
  for (const std::string& forwarded :
       {std::string("X-Forwarded-For: 203.0.113.7\r\n"), std::string("X-Real-IP: 203.0.113.8\r\n"),
        std::string("Forwarded: for=203.0.113.9\r\n")}) {
    CAPTURE(forwarded);
    CHECK(status_of(raw_request(server.port(), status_request(claimant.claim_number, claimant.zip5, forwarded),
                                address(7))) == 429);
  }
  CHECK(status_of(raw_request(server.port(), status_request(claimant.claim_number, claimant.zip5), address(8))) == 200);
}

TEST_CASE("console sign-in is throttled per user across addresses and per address across users") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  add_user(database, "bob", "admin");
  ServerProcess server(database);
  // Five wrong passwords for alice, each from another address: alice is locked everywhere.
  for (int attempt = 0; attempt < 5; attempt++) {
    CHECK(sign_in_from(server.port(), address(20 + attempt), "alice", "wrong guess " + std::to_string(attempt)) == 401);
  }
  CHECK(sign_in_from(server.port(), address(30), "alice", password_of("alice")) == 429);
  // Five user names tried from one address: that address is locked, even for bob's password.
  for (int attempt = 0; attempt < 5; attempt++) {
    CHECK(sign_in_from(server.port(), address(31), "user" + std::to_string(attempt), "wrong guess") == 401);
  }
  CHECK(sign_in_from(server.port(), address(31), "bob", password_of("bob")) == 429);
  // Bob from elsewhere is not affected by either.
  CHECK(sign_in_from(server.port(), address(32), "bob", password_of("bob")) == 303);
}
