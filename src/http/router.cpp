#include "router.hpp"

#include <chrono>
#include <iostream>
#include <regex>
#include <unistd.h>

#include "disburse/domain/errors.hpp"
#include "disburse/domain/text.hpp"

namespace disburse::http {

namespace {

std::string pattern_to_regex(const std::string& pattern) {
  static const std::regex parameter(R"(\{[a-z_]+\})");
  return std::regex_replace(pattern, parameter, "([^/]+)");
}

std::string new_request_id() { return security::random_token(9); }

void log_request(const std::string& request_id, const std::string& method,
                 const std::string& route, int status, std::int64_t duration_us) {
  // The route pattern, never the path or the query: those can hold claim numbers or ZIPs.
  const std::string line = "request_id=" + request_id + " method=" + method + " route=" + route +
                           " status=" + std::to_string(status) +
                           " duration_ms=" + std::to_string(duration_us / 1000) + "\n";
  // One write of the whole line (std::cerr's locking and formatting cost more than the line):
  // lines of concurrent requests never interleave. A full or closed log loses the line, never
  // the request.
  [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
}

// An operational failure mapped to its status, once, for every handler; the caller writes it
// as problem+json or, on browser routes, as an HTML page.
struct Failure {
  int status = 500;
  std::string detail;
};

Failure classify_failure(httplib::Response& response, const std::string& request_id) {
  try {
    throw;
  } catch (const InvalidInput& error) {
    return {400, error.what()};
  } catch (const nlohmann::json::exception& error) {
    // "[json.exception.parse_error.101] parse error at …": the bracketed tag helps nobody.
    std::string what = error.what();
    if (const std::size_t tag_end = what.find("] "); what.starts_with("[json.") && tag_end != std::string::npos) {
      what.erase(0, tag_end + 2);
    }
    return {400, "malformed JSON: " + what};
  } catch (const Unauthenticated& error) {
    response.set_header("WWW-Authenticate", "Bearer");
    return {401, error.what()};
  } catch (const Forbidden& error) {
    return {403, error.what()};
  } catch (const NotFound& error) {
    return {404, error.what()};
  } catch (const Conflict& error) {
    return {409, error.what()};
  } catch (const Unprocessable& error) {
    return {422, error.what()};
  } catch (const RateLimited& error) {
    response.set_header("Retry-After", std::to_string(error.retry_after_seconds));
    return {429, error.what()};
  } catch (const Unavailable& error) {
    response.set_header("Retry-After", "5");
    return {503, error.what()};
  } catch (const std::exception& error) {
    std::cerr << "request_id=" << request_id << " internal_error=\"" << error.what() << "\"\n";
    return {500, "internal error; quote the request id to support"};
  }
}

bool is_acceptable_text(const std::string& text) {
  return text.find('\0') == std::string::npos && domain::is_valid_utf8(text);
}

// Every text a handler can read from the path, the query or a form must be UTF-8 without NUL:
// PostgreSQL refuses invalid UTF-8 (which would surface as a 500) and libpq cuts a value short
// at a NUL, silently storing less than was sent.
void check_request_text(const httplib::Request& request) {
  if (!is_acceptable_text(request.path)) {
    throw InvalidInput("the request path is not UTF-8 text (or holds a NUL character)");
  }
  for (const auto& [name, value] : request.params) {
    if (!is_acceptable_text(name)) {
      throw InvalidInput("a parameter name is not UTF-8 text (or holds a NUL character)");
    }
    if (!is_acceptable_text(value)) {
      throw InvalidInput("the parameter '" + name + "' is not UTF-8 text (or holds a NUL character)");
    }
  }
}

}  // namespace

void apply_security_headers(httplib::Response& response) {
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("Referrer-Policy", "no-referrer");
  response.set_header("X-Frame-Options", "DENY");
  response.set_header("Content-Security-Policy",
                      "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                      "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                      "form-action 'self'");
  if (!response.has_header("Cache-Control")) response.set_header("Cache-Control", "no-store");
}

void Router::get(const std::string& pattern, Handler handler) { add("GET", pattern, std::move(handler), Kind::json); }
void Router::post(const std::string& pattern, Handler handler) { add("POST", pattern, std::move(handler), Kind::json); }
void Router::page_get(const std::string& pattern, Handler handler) { add("GET", pattern, std::move(handler), Kind::html); }
void Router::page_post(const std::string& pattern, Handler handler) { add("POST", pattern, std::move(handler), Kind::html); }

void Router::set_error_page(ErrorPage error_page) { error_page_ = std::move(error_page); }

void Router::send_failure(Exchange& exchange, Kind kind) {
  const Failure failure = classify_failure(exchange.response, exchange.request_id);
  if (kind == Kind::html && error_page_) {
    try {
      error_page_(exchange, failure.status, failure.detail);
      return;
    } catch (const std::exception& error) {
      std::cerr << "request_id=" << exchange.request_id << " error_page_failed=\"" << error.what() << "\"\n";
    }
  }
  send_problem(exchange.response, failure.status, failure.detail, exchange.request_id);
}

void Router::add(const std::string& method, const std::string& pattern, Handler handler, Kind kind) {
  routes_.push_back({method, pattern});
  methods_by_pattern_[pattern].insert(method);
  const std::string regex = pattern_to_regex(pattern);
  auto wrapped = wrap(method, pattern, std::move(handler), kind);
  if (method == "GET") server_.Get(regex, wrapped);
  if (method == "POST") server_.Post(regex, wrapped);
}

httplib::Server::Handler Router::wrap(const std::string& method, const std::string& pattern,
                                      Handler handler, Kind kind) {
  return [this, method, pattern, handler, kind](const httplib::Request& request,
                                                httplib::Response& response) {
    run(method, pattern, request, response, handler, kind);
  };
}

void Router::post_streaming(const std::string& pattern, StreamingHandler handler) {
  add_streaming(pattern, std::move(handler), Kind::json);
}

void Router::page_post_streaming(const std::string& pattern, StreamingHandler handler) {
  add_streaming(pattern, std::move(handler), Kind::html);
}

void Router::add_streaming(const std::string& pattern, StreamingHandler handler, Kind kind) {
  routes_.push_back({"POST", pattern});
  methods_by_pattern_[pattern].insert("POST");
  server_.Post(pattern_to_regex(pattern),
               [this, pattern, handler, kind](const httplib::Request& request,
                                              httplib::Response& response,
                                              const httplib::ContentReader& reader) {
                 run("POST", pattern, request, response,
                     [&](Exchange& exchange) { handler(exchange, reader); }, kind);
               });
}

void Router::run(const std::string& method, const std::string& pattern,
                 const httplib::Request& request, httplib::Response& response,
                 const Handler& handler, Kind kind) {
  const auto started = std::chrono::steady_clock::now();
  const std::string request_id = new_request_id();
  Exchange exchange(services_, request, response, request_id);
  try {
    check_request_text(request);
    handler(exchange);
  } catch (...) {
    send_failure(exchange, kind);
  }
  response.set_header("X-Request-Id", request_id);
  apply_security_headers(response);
  const auto duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - started).count();
  services_.metrics.record_request(method, pattern, response.status, duration_us);
  log_request(request_id, method, pattern, response.status, duration_us);
}

void Router::add_method_not_allowed_routes() {
  for (const auto& [pattern, methods] : methods_by_pattern_) {
    std::string allow;
    for (const auto& method : methods) allow += (allow.empty() ? "" : ", ") + method;
    const std::string regex = pattern_to_regex(pattern);
    for (const std::string method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
      if (methods.contains(method)) continue;
      auto refuse = wrap(method, pattern, [allow, method](Exchange& exchange) {
        exchange.response.set_header("Allow", allow);
        send_problem(exchange.response, 405, method + " is not allowed here; use " + allow,
                     exchange.request_id);
      }, Kind::json);
      if (method == "GET") server_.Get(regex, refuse);
      if (method == "POST") server_.Post(regex, refuse);
      if (method == "PUT") server_.Put(regex, refuse);
      if (method == "PATCH") server_.Patch(regex, refuse);
      if (method == "DELETE") server_.Delete(regex, refuse);
    }
  }
}

void Router::record_refusal(int status) {
  services_.metrics.record_request("-", "(unparsed)", status, 0);
  log_request(new_request_id(), "-", "(unparsed)", status, 0);
}

void Router::install_error_handler() {
  const httplib::Server::HandlerWithResponse handler = [this](const httplib::Request& request,
                                                               httplib::Response& response) {
    // Routed responses already carry their problem body; only httplib's own refusals are empty.
    if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const std::string request_id = new_request_id();
    const std::string detail = response.status == 413 ? "the request body is larger than the limit"
                               : response.status == 404 ? "no such resource"
                                                        : "the request was refused";
    // People reach unknown pages from a browser: they get a page, API clients problem+json.
    bool rendered = false;
    if (error_page_ && !request.path.starts_with("/api/")) {
      Exchange exchange(services_, request, response, request_id);
      try {
        error_page_(exchange, response.status, detail);
        rendered = true;
      } catch (const std::exception& error) {
        std::cerr << "request_id=" << request_id << " error_page_failed=\"" << error.what() << "\"\n";
      }
    }
    if (!rendered) send_problem(response, response.status, detail, request_id);
    response.set_header("X-Request-Id", request_id);
    apply_security_headers(response);
    services_.metrics.record_request(request.method, "(unmatched)", response.status, 0);
    log_request(request_id, request.method, "(unmatched)", response.status, 0);
    return httplib::Server::HandlerResponse::Handled;
  };
  server_.set_error_handler(handler);
}

}  // namespace disburse::http
