#pragma once
// One request and its response, with the helpers every handler uses. Handlers stay thin: they
// read the request through these helpers, call one use case and write its view.

#include <httplib.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "disburse/app/actor.hpp"
#include "disburse/app/config.hpp"
#include "disburse/domain/roles.hpp"
#include "disburse/pg/database.hpp"
#include "disburse/pg/portal_lookups.hpp"
#include "disburse/security/crypto.hpp"
#include "metrics.hpp"

namespace disburse::http {

struct Services {
  const app::Config& config;
  pg::Database& database;
  const security::SecretBox& secrets;
  Metrics& metrics;
  pg::PortalLookups& portal_lookups;
};

class Exchange {
 public:
  Exchange(Services& services, const httplib::Request& request, httplib::Response& response,
           std::string request_id)
      : services(services), request(request), response(response), request_id(std::move(request_id)) {}

  Services& services;
  const httplib::Request& request;
  httplib::Response& response;
  const std::string request_id;

  // The n-th {parameter} of the route, as a positive id; NotFound when it is not one.
  std::int64_t id_parameter(std::size_t index) const;
  std::string text_parameter(std::size_t index) const;
  std::optional<std::string> query(const std::string& name) const;
  int page_limit(int default_limit) const;
  // A positive id from the query string, or 0 when absent; InvalidInput when malformed.
  std::int64_t id_query(const std::string& name) const;
  // A whole number from the query or form, or nothing when absent or blank; InvalidInput naming
  // `what` when it is anything else. Ranges are the use case's to check.
  std::optional<std::int64_t> whole_number_query(const std::string& name,
                                                 const std::string& what) const;

  // The request body as a JSON object, within the configured size limit.
  nlohmann::json json_body() const;

  // The caller's bearer token's user, or Unauthenticated; then the permission, or Forbidden.
  app::Actor api_actor(domain::Permission permission) const;

  // A cookie sent with the request.
  std::optional<std::string> cookie(const std::string& name) const;
  // Adds a Set-Cookie header (several may be set); `Secure` is added when configured for TLS.
  void set_cookie(const std::string& name, const std::string& value, const std::string& attributes);
  // The client's address, for throttling only (never logged).
  std::string client_address() const { return request.remote_addr; }
  void redirect(const std::string& location);
  void send_html(int status, std::string body);

  // Sends a CSV download written by `write` as it is produced (chunked), so that a million rows
  // are never held in memory. Check everything that can be refused before calling: once the
  // status line is out, a failure can only cut the download short, which chunked encoding
  // reports to the client as incomplete.
  void stream_csv(const std::string& file_name, std::function<void(std::ostream&)> write);

  void send_json(int status, const nlohmann::json& body);
  void send_text(int status, const std::string& content_type, std::string body);
};

// RFC 7807 problem+json.
void send_problem(httplib::Response& response, int status, const std::string& detail,
                  const std::string& request_id);

// The request's Idempotency-Key header ("" when absent); InvalidInput when it is longer than
// 200 characters or holds anything but printable ASCII.
std::string idempotency_key(const Exchange& exchange);

// Runs a money-moving use case at most once per Idempotency-Key (DESIGN.md "HTTP"). The key's
// stored response is written in the same transaction as the effect; a replay returns it with
// `Idempotent-Replayed: true`; the same key with a different body is refused with 422; two
// concurrent requests with one key wait on the key's row, so only one runs the work.
void run_idempotent(Exchange& exchange, const app::Actor& actor, bool key_required,
                    const std::function<std::pair<int, nlohmann::json>(pg::Transaction&)>& work);

}  // namespace disburse::http
