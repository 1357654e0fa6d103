#pragma once
// Registers routes on httplib with one wrapper that gives every request the same treatment:
// a request id, security headers, error mapping to problem+json, metrics and one log line.

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "disburse/http/server.hpp"
#include "exchange.hpp"

namespace disburse::http {

using Handler = std::function<void(Exchange&)>;
// A handler that reads the request body itself, as it arrives (large uploads).
using StreamingHandler = std::function<void(Exchange&, const httplib::ContentReader&)>;
// Writes an HTML error page for a failed browser request (status 400..599, one-line detail).
using ErrorPage = std::function<void(Exchange&, int status, const std::string& detail)>;

class Router {
 public:
  Router(httplib::Server& server, Services& services) : server_(server), services_(services) {}

  // Patterns are OpenAPI-style ("/api/v1/programs/{id}"); each {name} matches one segment.
  void get(const std::string& pattern, Handler handler);
  void post(const std::string& pattern, Handler handler);
  // A POST whose body is not buffered by httplib: the handler streams it. Same wrapper.
  void post_streaming(const std::string& pattern, StreamingHandler handler);
  // The same for a browser form (a multipart upload): failures become HTML pages.
  void page_post_streaming(const std::string& pattern, StreamingHandler handler);
  // Browser routes: the same treatment, but failures become HTML pages through the error page.
  void page_get(const std::string& pattern, Handler handler);
  void page_post(const std::string& pattern, Handler handler);
  void set_error_page(ErrorPage error_page);
  // Answers 405 with an Allow header for every other method on each registered pattern.
  void add_method_not_allowed_routes();
  // Answers unrouted requests (404, 413 from the body limit) with problem+json.
  void install_error_handler();
  // Logs and counts a request that the connection guard refused before it was parsed.
  void record_refusal(int status);

  std::vector<RouteInfo> routes() const { return routes_; }
  Services& services() { return services_; }

 private:
  enum class Kind { json, html };
  void add(const std::string& method, const std::string& pattern, Handler handler, Kind kind);
  httplib::Server::Handler wrap(const std::string& method, const std::string& pattern, Handler handler,
                                Kind kind);
  void run(const std::string& method, const std::string& pattern, const httplib::Request& request,
           httplib::Response& response, const Handler& handler, Kind kind);
  void send_failure(Exchange& exchange, Kind kind);
  void add_streaming(const std::string& pattern, StreamingHandler handler, Kind kind);

  httplib::Server& server_;
  Services& services_;
  std::vector<RouteInfo> routes_;
  std::map<std::string, std::set<std::string>> methods_by_pattern_;
  ErrorPage error_page_;
};

void apply_security_headers(httplib::Response& response);

// The route files; each registers its resource's routes.
void add_operational_routes(Router& router);
void add_program_routes(Router& router);
void add_batch_routes(Router& router);
void add_allocation_routes(Router& router);
void add_import_routes(Router& router);
void add_console_import_routes(Router& router);
void add_claim_routes(Router& router);
void add_portal_routes(Router& router);
void add_audit_routes(Router& router);
void add_user_routes(Router& router);
void add_console_routes(Router& router);
void add_console_claim_routes(Router& router);
void add_console_batch_routes(Router& router);
void add_console_allocation_routes(Router& router);
void add_reconcile_routes(Router& router);
void add_console_reconcile_routes(Router& router);
void add_console_program_routes(Router& router);

}  // namespace disburse::http
