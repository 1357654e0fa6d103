#pragma once
// A console user agent for integration tests: keeps the sign-in and session cookies, signs in
// through the real form, and reads the CSRF token out of a page.

#include <doctest/doctest.h>
#include <httplib.h>

#include <regex>
#include <string>

#include "support.hpp"

namespace disburse::testing {

inline std::string form_csrf(const std::string& html) {
  std::smatch match;
  REQUIRE(std::regex_search(html, match, std::regex("name=\"csrf\" value=\"([0-9a-f]+)\"")));
  return match[1];
}

// The value of a cookie set by the response, or "".
inline std::string set_cookie(const httplib::Result& response, const std::string& name) {
  for (const auto& [header, value] : response->headers) {
    if (header == "Set-Cookie" && value.starts_with(name + "=")) {
      return value.substr(name.size() + 1, value.find(';') - name.size() - 1);
    }
  }
  return "";
}

inline std::string set_cookie_line(const httplib::Result& response, const std::string& name) {
  for (const auto& [header, value] : response->headers) {
    if (header == "Set-Cookie" && value.starts_with(name + "=")) return value;
  }
  return "";
}

struct Browser {
  httplib::Client client;
  std::string sign_in_cookie;
  std::string session;

  explicit Browser(int port) : client("127.0.0.1", port) {}

  httplib::Headers cookies() const {
    return {{"Cookie", "disburse_sign_in=" + sign_in_cookie + "; disburse_session=" + session}};
  }

  httplib::Result sign_in(const std::string& username, const std::string& password) {
    const auto form = client.Get("/admin/login", cookies());
    if (const std::string cookie = set_cookie(form, "disburse_sign_in"); !cookie.empty()) {
      sign_in_cookie = cookie;
    }
    auto response = client.Post("/admin/login", cookies(),
                                httplib::Params{{"csrf", form_csrf(form->body)},
                                                {"username", username},
                                                {"password", password}});
    if (const std::string cookie = set_cookie(response, "disburse_session"); !cookie.empty()) {
      session = cookie;
    }
    return response;
  }
};

// A new user with the role, signed in through the form.
inline Browser signed_in(const ServerProcess& server, TestDatabase& database, const std::string& name,
                         const std::string& role) {
  add_user(database, name, role);
  Browser browser(server.port());
  REQUIRE(browser.sign_in(name, password_of(name))->status == 303);
  return browser;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Posts a form with the CSRF token of the page at `form_page`, as a browser would.
inline httplib::Result submit(Browser& browser, const std::string& form_page, const std::string& action,
                              httplib::Params fields) {
  const auto page = browser.client.Get(form_page, browser.cookies());
  fields.emplace("csrf", form_csrf(page->body));
  return browser.client.Post(action, browser.cookies(), fields);
}

}  // namespace disburse::testing
