// Issue 9, attacks: classic SQL injection (and invalid UTF-8, NUL bytes, very long text, markup)
// in every parameter of every route, signed in as an administrator so that the text reaches the
// use cases. The parameters come from docs/openapi.json for the API and the portal (path, query,
// header, JSON and form fields, text bodies) and from the table below for the console's pages; a
// route in neither fails the test. Every answer is a 2xx/3xx, or a 4xx that is problem+json (API)
// or a page (HTML): never a 5xx, never a database error's text, never markup unescaped, never
// slow. Afterwards every table is there with the rows it had (bar the bookkeeping that requests
// legitimately add), the audit chain verifies and the books tie out.

#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "console_browser.hpp"
#include "hostile_program.hpp"
#include "reconcile_support.hpp"

using namespace disburse;
using namespace disburse::testing;
using nlohmann::json;

namespace {

struct Payload {
  std::string name;
  std::string text;
  bool header_safe = true;  // Can travel in a header value (no NUL, CR or LF).
};

std::vector<Payload> payloads(std::size_t long_length) {
  return {
      {"quote or", "' OR 1=1--"},
      {"quoted tautology", "1' OR '1'='1"},
      {"stacked drop", "1; DROP TABLE claimants"},
      {"closing drop", "1'); DROP TABLE claimants;--"},
      {"union", "' UNION SELECT password_hash FROM users--"},
      {"dollar quote", "$$"},
      {"placeholder", "$1"},
      {"backslash", "\\'\\"},
      {"unicode quotes", "\xE2\x80\x99 OR \xE2\x80\x98" "1\xE2\x80\x99=\xE2\x80\x98" "1"},
      {"modifier apostrophe", "\xCA\xBC OR 1=1--"},
      {"sleep", "1' AND pg_sleep(10) IS NULL--"},
      {"NUL byte", std::string("1\0' OR 1=1--", 12), false},
      {"invalid UTF-8", "\xFF\xFE' OR 1=1"},
      {"overlong UTF-8", "\xC0\xA7 OR 1=1"},
      {"markup", "<script>alert(1)</script>"},
      {"line break", "a\r\nSet-Cookie: x=1", false},
      {"very long", std::string(long_length, 'A') + "'"},
  };
}

// Where a route takes a parameter.
enum class Place { path, query, header, json, form, body };

struct Parameter {
  Place place;
  std::string name;  // For json: a dotted path ("address.city").
};

// The console's pages, which the OpenAPI document does not describe: their query and form fields.
const std::map<std::string, std::vector<std::string>> console_fields = {
    {"GET /admin/login", {"query:username"}},
    {"POST /admin/login", {"form:csrf", "form:username", "form:password"}},
    {"POST /admin/logout", {"form:csrf"}},
    {"GET /admin/", {}},
    {"GET /admin", {}},
    {"GET /admin/audit", {"query:action", "query:subject_type", "query:subject_id"}},
    {"GET /admin/users", {}},
    {"POST /admin/users", {"form:csrf", "form:username", "form:role", "form:password"}},
    {"POST /admin/tokens", {"form:csrf", "form:name"}},
    {"POST /admin/tokens/{id}/revoke", {"form:csrf"}},
    {"GET /admin/claims",
     {"query:program", "query:state", "query:flag", "query:cursor", "query:claim",
      "query:last_name", "query:email", "query:zip"}},
    {"GET /admin/claims/{claim_number}", {}},
    {"POST /admin/claims/{claim_number}/reveal", {"form:csrf"}},
    {"POST /admin/claims/{claim_number}/decisions", {"form:csrf", "form:decision", "form:reason"}},
    {"GET /admin/batches", {}},
    {"GET /admin/programs/{id}/batches", {}},
    {"POST /admin/programs/{id}/batches", {"form:csrf", "form:method", "form:max_items"}},
    {"GET /admin/batches/{id}", {}},
    {"POST /admin/batches/{id}/approve", {"form:csrf"}},
    {"POST /admin/batches/{id}/cancel", {"form:csrf"}},
    {"POST /admin/batches/{id}/file", {"form:csrf", "form:part"}},
    {"GET /admin/allocations/{id}", {}},
    {"POST /admin/allocations/{id}/approve", {"form:csrf"}},
    {"GET /admin/allocations", {}},
    {"GET /admin/programs/{id}/allocations", {}},
    {"POST /admin/programs/{id}/allocations", {"form:csrf", "form:round", "form:seed", "form:cap"}},
    {"GET /admin/allocations/{id}/shares.csv", {}},
    {"POST /admin/batches/{id}/results",
     {"form:csrf", "body:multipart/form-data; boundary=xyz"}},
    {"GET /admin/reconciliations/{id}", {"query:after", "query:show"}},
    {"GET /admin/reconciliations/{id}/report.csv", {}},
    {"GET /admin/exports", {}},
    {"GET /admin/programs/{id}/exports", {}},
    {"GET /admin/programs/{id}/exports/{kind}.csv", {}},
    {"GET /admin/settings", {}},
    {"GET /admin/programs/new", {}},
    {"POST /admin/programs",
     {"form:csrf", "form:name", "form:fund", "form:reserve", "form:min_payment",
      "form:paypal_window_days", "form:check_window_days", "form:cure_window_days"}},
    {"GET /admin/programs/{id}/settings", {"query:saved"}},
    {"POST /admin/programs/{id}/weighting-rule", {"form:csrf", "form:action", "form:text"}},
    {"GET /admin/imports", {"query:program", "query:before"}},
    {"POST /admin/imports",
     {"form:csrf", "form:program", "body:multipart/form-data; boundary=xyz"}},
    {"GET /admin/imports/{id}", {"query:duplicate_file"}},
    {"GET /admin/imports/{id}/progress", {}},
    {"GET /admin/imports/{id}/rejected.csv", {}},
};

// Tables that a legitimate request adds rows to: a token named with the payload, the audit
// records of it, counted failures, sessions, idempotency keys, the server's periodic jobs, and
// the imports of the payloads sent as files (which fail: they have no header line).
const std::set<std::string> bookkeeping_tables = {
    "api_tokens", "audit_log", "idempotency_keys", "import_chunks", "imports", "jobs",
    "portal_rate_limits", "sessions"};

bool is_api(const std::string& pattern) {
  return pattern.starts_with("/api/") || pattern == "/healthz" || pattern == "/readyz" ||
         pattern == "/metrics";
}

Place place_named(const std::string& place) {
  if (place == "path") return Place::path;
  if (place == "query") return Place::query;
  if (place == "header") return Place::header;
  if (place == "form") return Place::form;
  if (place == "json") return Place::json;
  return Place::body;
}

const json& resolve(const json& document, const json& node) {
  if (!node.contains("$ref")) return node;
  // "#/components/schemas/Name" → document["components"]["schemas"]["Name"]
  return document.at(json::json_pointer(node.at("$ref").get<std::string>().substr(1)));
}

void add_properties(const json& document, const json& schema, const std::string& prefix,
                    std::vector<Parameter>& parameters) {
  const json& resolved = resolve(document, schema);
  if (!resolved.contains("properties")) return;
  for (const auto& [name, property] : resolved.at("properties").items()) {
    const json& inner = resolve(document, property);
    if (inner.value("type", "") == "object") {
      add_properties(document, inner, prefix + name + ".", parameters);
    } else {
      parameters.push_back({Place::json, prefix + name});
    }
  }
}

std::vector<Parameter> documented_parameters(const json& document, const std::string& method,
                                             const std::string& pattern) {
  std::vector<Parameter> parameters;
  std::string operation_name = method;
  for (char& letter : operation_name) letter = static_cast<char>(std::tolower(letter));
  const json& operation = document.at("paths").at(pattern).at(operation_name);
  for (const json& reference : operation.value("parameters", json::array())) {
    const json& parameter = resolve(document, reference);
    parameters.push_back({place_named(parameter.at("in")), parameter.at("name")});
  }
  if (!operation.contains("requestBody")) return parameters;
  for (const auto& [content_type, content] : operation.at("requestBody").at("content").items()) {
    if (content_type == "application/json") {
      add_properties(document, content.at("schema"), "", parameters);
    } else if (content_type == "application/x-www-form-urlencoded") {
      for (const auto& [name, property] : content.at("schema").at("properties").items()) {
        parameters.push_back({Place::form, name});
      }
    } else {
      parameters.push_back({Place::body, content_type});
      break;  // text/csv and text/plain are one body.
    }
  }
  return parameters;
}

std::vector<Parameter> console_parameters(const std::string& key) {
  std::vector<Parameter> parameters;
  for (const std::string& field : console_fields.at(key)) {
    const std::size_t colon = field.find(':');
    parameters.push_back({place_named(field.substr(0, colon)), field.substr(colon + 1)});
  }
  return parameters;
}

std::string percent_encoded(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string encoded;
  for (const char character : text) {
    const auto byte = static_cast<unsigned char>(character);
    if (std::isalnum(byte) || byte == '-' || byte == '_' || byte == '.' || byte == '~') {
      encoded += character;
    } else {
      encoded += '%';
      encoded += hex[byte >> 4];
      encoded += hex[byte & 15];
    }
  }
  return encoded;
}

// A JSON string literal that keeps non-ASCII bytes as they are, valid UTF-8 or not, so that the
// server's parser, not the test's, meets them.
std::string json_literal(const std::string& text) {
  std::string literal = "\"";
  for (const char character : text) {
    const auto byte = static_cast<unsigned char>(character);
    if (character == '"' || character == '\\') {
      literal += '\\';
      literal += character;
    } else if (byte < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
      literal += escaped;
    } else {
      literal += character;
    }
  }
  return literal + "\"";
}

// {"a": {"b": VALUE}} for the dotted name "a.b".
std::string json_body_with(const std::string& dotted_name, const std::string& value) {
  std::string opening;
  std::string closing;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = dotted_name.find('.', start);
    opening += "{" + json_literal(dotted_name.substr(start, dot - start)) + ":";
    closing += "}";
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return opening + json_literal(value) + closing;
}

// What the walk needs to make every other parameter of a request valid.
struct Context {
  HostileProgram hostile;
  std::string api_token;
  Browser console;
  std::string console_csrf;
  std::string sign_in_csrf;
  std::string portal_cookie;
  std::string portal_csrf;
  int requests = 0;
};

std::string valid_path_value(const Context& context, const std::string& name) {
  if (name == "claim_number") return context.hostile.claim_number;
  if (name == "kind") return "payments";
  if (name == "name") return "portal.css";
  return "1";
}

std::string valid_csrf(const Context& context, const std::string& pattern) {
  if (pattern == "/admin/login") return context.sign_in_csrf;
  return pattern.starts_with("/admin") ? context.console_csrf : context.portal_csrf;
}

struct Request {
  std::string method;
  std::string target;
  httplib::Headers headers;
  std::string body;
  std::string content_type;
};

Request build_request(Context& context, const std::string& method, const std::string& pattern,
                      const std::vector<Parameter>& parameters, const Parameter& attacked,
                      const std::string& payload) {
  Request request{method, "", {}, "", ""};
  static const std::regex placeholder(R"(\{([a-z_]+)\})");
  std::string path;
  std::size_t last = 0;
  for (auto match = std::sregex_iterator(pattern.begin(), pattern.end(), placeholder);
       match != std::sregex_iterator(); ++match) {
    path += pattern.substr(last, static_cast<std::size_t>(match->position()) - last);
    const std::string name = (*match)[1];
    const bool hit = attacked.place == Place::path && attacked.name == name;
    path += percent_encoded(hit ? payload : valid_path_value(context, name));
    last = static_cast<std::size_t>(match->position() + match->length());
  }
  request.target = path + pattern.substr(last);
  if (attacked.place == Place::query) {
    request.target += "?" + percent_encoded(attacked.name) + "=" + percent_encoded(payload);
  }
  if (is_api(pattern)) {
    request.headers.emplace("Authorization", "Bearer " + context.api_token);
  } else {
    request.headers.emplace("Cookie", "disburse_sign_in=" + context.console.sign_in_cookie +
                                          "; disburse_session=" + context.console.session +
                                          "; " + context.portal_cookie);
  }
  const bool key_attacked = attacked.place == Place::header;
  if (method == "POST") {
    request.headers.emplace("Idempotency-Key",
                            key_attacked ? payload : "injection-" + std::to_string(++context.requests));
  }
  bool has_form = false;
  bool has_json = false;
  bool has_body = false;
  for (const Parameter& parameter : parameters) {
    has_form = has_form || parameter.place == Place::form;
    has_json = has_json || parameter.place == Place::json;
    has_body = has_body || parameter.place == Place::body;
  }
  if (has_form) {
    request.content_type = "application/x-www-form-urlencoded";
    const bool csrf_attacked = attacked.place == Place::form && attacked.name == "csrf";
    request.body = "csrf=" + percent_encoded(csrf_attacked ? payload : valid_csrf(context, pattern));
    if (attacked.place == Place::form && !csrf_attacked) {
      request.body += "&" + percent_encoded(attacked.name) + "=" + percent_encoded(payload);
    }
  } else if (has_json) {
    request.content_type = "application/json";
    request.body = attacked.place == Place::json ? json_body_with(attacked.name, payload) : "{}";
  } else if (has_body) {
    request.content_type = "text/csv";
    // An import is sent the file it already has (a no-op); a results file is sent junk.
    const std::string harmless = pattern.ends_with("/imports") ? context.hostile.list_csv : "not a results file";
    request.body = attacked.place == Place::body ? payload : harmless;
  }
  return request;
}

// Why an answer is wrong, or "" when it is right.
std::string judge(const std::string& pattern, const httplib::Result& response, double seconds) {
  if (!response) return "no answer: " + httplib::to_string(response.error());
  if (seconds > 8) return "took " + std::to_string(seconds) + " s";
  const int status = response->status;
  if (status >= 500) return "answered " + std::to_string(status);
  // What PostgreSQL's and libpqxx's errors look like; none may reach a client.
  for (const char* leak : {"syntax error at", "SQLSTATE", "pqxx", "ERROR:", "invalid byte sequence",
                           "unterminated quoted", "relation \"", "violates"}) {
    if (response->body.find(leak) != std::string::npos) return std::string("leaked '") + leak + "'";
  }
  const std::string content_type = response->get_header_value("Content-Type");
  if (content_type.starts_with("text/html") &&
      response->body.find("<script>alert(1)</script>") != std::string::npos) {
    return "echoed the markup unescaped";
  }
  if (status < 400) return "";
  // The connection guard answers malformed requests itself, as problem+json, on every route.
  const bool problem = content_type == "application/problem+json";
  if (is_api(pattern) && !problem) return "a " + std::to_string(status) + " that is not problem+json";
  if (!is_api(pattern) && !content_type.starts_with("text/html") && !problem) {
    return "a " + std::to_string(status) + " that is not a page";
  }
  return "";
}

httplib::Result send(httplib::Client& client, const Request& request) {
  if (request.method == "GET") return client.Get(request.target, request.headers);
  return client.Post(request.target, request.headers, request.body, request.content_type);
}

void sign_in_everywhere(Context& context, int port) {
  const auto signed_in = context.console.sign_in("ada", password_of("ada"));
  REQUIRE(signed_in->status == 303);
  context.console_csrf =
      form_csrf(context.console.client.Get("/admin/users", context.console.cookies())->body);
  const auto sign_in_form = context.console.client.Get("/admin/login", context.console.cookies());
  context.sign_in_csrf = form_csrf(sign_in_form->body);
  httplib::Client portal("127.0.0.1", port);
  const auto home = portal.Get("/");
  context.portal_cookie = "portal_csrf=" + set_cookie(home, "portal_csrf");
  context.portal_csrf = form_csrf(home->body);
}

}  // namespace

TEST_CASE("SQL injection and malformed text in every parameter of every route are refused as data") {
  TestDatabase database;
  const HostileProgram hostile = build_hostile_program(database);
  const std::string api_token = token_for(database, "ada");
  const auto counts_before = table_row_counts(database);
  ServerProcess server(database);
  Context context{hostile, api_token, Browser(server.port()), "", "", "", "", 0};
  sign_in_everywhere(context, server.port());
  httplib::Client client("127.0.0.1", server.port());
  client.set_url_encode(false);
  client.set_read_timeout(20, 0);

  std::ifstream file(std::string(DISBURSE_SOURCE_DIR) + "/docs/openapi.json");
  const json document = json::parse(file);
  int attacked_parameters = 0;
  for (const auto& route : registered_routes(database)) {
    const std::string key = route.method + " " + route.pattern;
    CAPTURE(key);
    const bool documented = document.at("paths").contains(route.pattern);
    REQUIRE_MESSAGE((documented || console_fields.contains(key)),
                    "add the route's fields to console_fields");
    std::vector<Parameter> parameters = documented
                                            ? documented_parameters(document, route.method, route.pattern)
                                            : console_parameters(key);
    for (const Parameter& parameter : parameters) {
      attacked_parameters++;
      const bool in_url = parameter.place == Place::path || parameter.place == Place::query;
      for (const Payload& payload : payloads(in_url ? 4000 : 100000)) {
        if (parameter.place == Place::header && !payload.header_safe) continue;
        const Request request =
            build_request(context, route.method, route.pattern, parameters, parameter, payload.text);
        const auto started = std::chrono::steady_clock::now();
        const auto response = send(client, request);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        const std::string verdict = judge(route.pattern, response, seconds);
        CHECK_MESSAGE(verdict.empty(), key, " ", parameter.name, " with ", payload.name, ": ",
                      verdict, (response ? " — " + response->body.substr(0, 300) : ""));
      }
    }
  }
  CHECK(attacked_parameters > 100);
  server.stop();
  const std::string log = server.log();
  CHECK_MESSAGE(log.find("internal_error") == std::string::npos, log.substr(log.find("internal_error") == std::string::npos ? 0 : log.find("internal_error"), 1000));

  const auto counts_after = table_row_counts(database);
  REQUIRE(counts_after.size() == counts_before.size());
  for (std::size_t index = 0; index < counts_before.size(); index++) {
    const auto& [table, before] = counts_before[index];
    CAPTURE(table);
    CHECK(counts_after[index].first == table);
    if (bookkeeping_tables.contains(table)) {
      CHECK(counts_after[index].second >= before);
    } else {
      CHECK(counts_after[index].second == before);
    }
  }
  CHECK(database.scalar("SELECT count(*) FROM imports WHERE state <> 'failed'") == "1");
  const CommandResult audit = run_disburse(database, {"audit", "verify"});
  CHECK_MESSAGE(audit.exit_code == 0, (audit.out + audit.err));
  check_books_green(database, context.hostile.program_id);
}
