#include "exchange.hpp"

#include <charconv>
#include <iostream>

#include "disburse/app/users.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/pg/idempotency_repository.hpp"

namespace disburse::http {

namespace {

std::string problem_title(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "Error";
  }
}

// libpq cuts a text value short at a NUL, so a string holding one would be stored shorter than
// it was sent: refuse it instead. (The JSON parser already refuses text that is not UTF-8.)
bool holds_nul(const nlohmann::json& value) {
  if (value.is_string()) return value.get_ref<const std::string&>().find('\0') != std::string::npos;
  if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      if (key.find('\0') != std::string::npos || holds_nul(member)) return true;
    }
  }
  if (value.is_array()) {
    for (const auto& element : value) {
      if (holds_nul(element)) return true;
    }
  }
  return false;
}

}  // namespace

std::int64_t Exchange::id_parameter(std::size_t index) const {
  const std::string text = text_parameter(index);
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) {
    throw NotFound("no such resource");
  }
  return id;
}

std::string Exchange::text_parameter(std::size_t index) const {
  // matches[0] is the whole path; the route's parameters follow in order.
  if (index + 1 >= request.matches.size()) throw NotFound("no such resource");
  return request.matches[index + 1].str();
}

std::optional<std::string> Exchange::query(const std::string& name) const {
  if (!request.has_param(name.c_str())) return std::nullopt;
  return request.get_param_value(name.c_str());
}

int Exchange::page_limit(int default_limit) const {
  const auto text = query("limit");
  if (!text) return default_limit;
  int limit = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), limit);
  const int maximum = services.config.limits.page_size_max;
  if (error != std::errc() || end != text->data() + text->size() || limit < 1 || limit > maximum) {
    throw InvalidInput("limit must be a whole number from 1 to " + std::to_string(maximum));
  }
  return limit;
}

std::int64_t Exchange::id_query(const std::string& name) const {
  const auto text = query(name);
  if (!text) return 0;
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), id);
  if (error != std::errc() || end != text->data() + text->size() || id <= 0) {
    throw InvalidInput(name + " must be a positive whole number");
  }
  return id;
}

std::optional<std::int64_t> Exchange::whole_number_query(const std::string& name,
                                                         const std::string& what) const {
  const std::string text = query(name).value_or("");
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw InvalidInput(what + " must be a whole number");
  }
  return value;
}

nlohmann::json Exchange::json_body() const {
  if (static_cast<long long>(request.body.size()) > services.config.limits.max_json_bytes) {
    throw InvalidInput("the JSON body is larger than the limit");
  }
  // A depth limit keeps a deeply nested body from exhausting the stack.
  int depth = 0;
  bool too_deep = false;
  nlohmann::json body = nlohmann::json::parse(
      request.body,
      [&](int parse_depth, nlohmann::json::parse_event_t, nlohmann::json&) {
        depth = parse_depth;
        if (depth > 32) too_deep = true;
        return !too_deep;
      });
  if (too_deep) throw InvalidInput("the JSON body is nested too deeply");
  if (!body.is_object()) throw InvalidInput("the body must be a JSON object");
  if (holds_nul(body)) throw InvalidInput("the JSON body holds a NUL character (\\u0000)");
  return body;
}

app::Actor Exchange::api_actor(domain::Permission permission) const {
  const std::string authorization = request.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  if (!authorization.starts_with(prefix)) {
    throw Unauthenticated("send an API token as 'Authorization: Bearer <token>'");
  }
  app::Actor actor =
      app::authenticate_token(services.database, authorization.substr(prefix.size()));
  app::require(actor, permission);
  return actor;
}

std::optional<std::string> Exchange::cookie(const std::string& name) const {
  const std::string header = request.get_header_value("Cookie");
  std::size_t start = 0;
  while (start < header.size()) {
    const std::size_t end = std::min(header.find(';', start), header.size());
    std::string_view pair = std::string_view(header).substr(start, end - start);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.starts_with(name + "=")) return std::string(pair.substr(name.size() + 1));
    start = end + 1;
  }
  return std::nullopt;
}

void Exchange::set_cookie(const std::string& name, const std::string& value,
                          const std::string& attributes) {
  const std::string secure = services.config.cookie_secure ? "; Secure" : "";
  response.headers.emplace("Set-Cookie", name + "=" + value + "; Path=/" + attributes + secure);
}

void Exchange::redirect(const std::string& location) {
  response.status = 303;
  response.set_header("Location", location);
}

void Exchange::send_html(int status, std::string body) {
  send_text(status, "text/html; charset=utf-8", std::move(body));
}

void Exchange::stream_csv(const std::string& file_name, std::function<void(std::ostream&)> write) {
  response.status = 200;
  response.set_header("Content-Disposition", "attachment; filename=\"" + file_name + "\"");
  response.set_chunked_content_provider(
      "text/csv; charset=utf-8",
      [write = std::move(write), file_name](std::size_t, httplib::DataSink& sink) {
        try {
          write(sink.os);
        } catch (const std::exception& error) {
          std::cerr << "download=" << file_name << " stream_failed=\"" << error.what() << "\"\n";
          return false;
        }
        sink.done();
        return true;
      });
}

void Exchange::send_json(int status, const nlohmann::json& body) {
  send_text(status, "application/json", body.dump());
}

void Exchange::send_text(int status, const std::string& content_type, std::string body) {
  response.status = status;
  response.set_content(std::move(body), content_type.c_str());
}

void send_problem(httplib::Response& response, int status, const std::string& detail,
                  const std::string& request_id) {
  const nlohmann::json problem = {{"type", "about:blank"},
                                  {"title", problem_title(status)},
                                  {"status", status},
                                  {"detail", detail},
                                  {"instance", "urn:disburse:request:" + request_id}};
  response.status = status;
  // A detail may quote the request's own bytes (a JSON parser's "last read"): bytes that are not
  // UTF-8 become U+FFFD rather than a failure to answer at all.
  response.set_content(problem.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       "application/problem+json");
}

std::string idempotency_key(const Exchange& exchange) {
  const std::string key = exchange.request.get_header_value("Idempotency-Key");
  if (key.size() > 200) throw InvalidInput("the Idempotency-Key is longer than 200 characters");
  // The key is stored: printable ASCII only, as RFC 9110 field values should be.
  for (const char character : key) {
    if (character < 0x20 || character > 0x7e) {
      throw InvalidInput("the Idempotency-Key may hold printable ASCII characters only");
    }
  }
  return key;
}

void run_idempotent(Exchange& exchange, const app::Actor& actor, bool key_required,
                    const std::function<std::pair<int, nlohmann::json>(pg::Transaction&)>& work) {
  const std::string key = idempotency_key(exchange);
  if (key.empty() && key_required) {
    throw InvalidInput("this request moves money: send an Idempotency-Key header");
  }
  const std::string scope = std::to_string(actor.user_id) + " " + exchange.request.method + " " +
                            exchange.request.path;
  const std::string request_sha256 = security::sha256_hex(exchange.request.body);
  struct Outcome {
    int status;
    std::string content_type;
    std::string body;
    bool replayed;
  };
  const Outcome outcome = exchange.services.database.write([&](pg::Transaction& transaction) {
    if (!key.empty()) {
      if (auto stored = pg::claim_idempotency_key(transaction, scope, key, request_sha256)) {
        if (stored->request_sha256 != request_sha256) {
          throw Unprocessable("this Idempotency-Key was already used with a different body");
        }
        return Outcome{stored->status_code, stored->content_type, stored->body, true};
      }
    }
    const auto [status, body] = work(transaction);
    const std::string text = body.dump();
    if (!key.empty()) {
      pg::store_idempotent_response(transaction, scope, key, status, "application/json", text);
    }
    return Outcome{status, "application/json", text, false};
  });
  if (outcome.replayed) exchange.response.set_header("Idempotent-Replayed", "true");
  exchange.send_text(outcome.status, outcome.content_type, outcome.body);
}

}  // namespace disburse::http
