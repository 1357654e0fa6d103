#include "disburse/http/server.hpp"

#include "disburse/app/portal.hpp"

#include "disburse/domain/errors.hpp"
#include "guarded_server.hpp"
#include "router.hpp"

namespace disburse::http {

namespace {

ConnectionLimits connection_limits(const app::Limits& limits) {
  ConnectionLimits connection;
  connection.request_workers = limits.http_threads;
  connection.max_connections = limits.http_max_connections;
  connection.header_timeout = std::chrono::milliseconds(limits.header_timeout_ms);
  return connection;
}

}  // namespace

struct HttpServer::State {
  State(const app::Config& config, pg::Database& database, const security::SecretBox& secrets)
      : config(config),
        portal_lookups(database, app::load_rate_limit_settings(app::process_environment),
                       config.portal_lookup_threads),
        services{config, database, secrets, metrics, portal_lookups},
        server(connection_limits(config.limits), [this](int status) { router.record_refusal(status); }),
        router(server, services) {}

  const app::Config& config;
  Metrics metrics;
  // Before the server, so that it is destroyed after the server has stopped taking requests.
  pg::PortalLookups portal_lookups;
  Services services;
  GuardedServer server;
  Router router;
};

HttpServer::HttpServer(const app::Config& config, pg::Database& database,
                       const security::SecretBox& secrets)
    : state_(std::make_unique<State>(config, database, secrets)) {
  httplib::Server& server = state_->server;
  const app::Limits& limits = config.limits;
  // Debian ships httplib compiled, so its compile-time knobs are fixed: set everything here (the
  // worker and connection limits are GuardedServer's).
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(static_cast<size_t>(limits.keep_alive_max_requests));
  server.set_keep_alive_timeout(5);
  server.set_read_timeout(std::chrono::milliseconds(limits.read_timeout_ms));
  server.set_write_timeout(std::chrono::milliseconds(limits.write_timeout_ms));
  server.set_payload_max_length(static_cast<size_t>(limits.max_upload_bytes));
  Router& router = state_->router;
  add_operational_routes(router);
  add_program_routes(router);
  add_batch_routes(router);
  add_allocation_routes(router);
  add_import_routes(router);
  add_claim_routes(router);
  add_portal_routes(router);
  add_audit_routes(router);
  add_user_routes(router);
  add_console_routes(router);
  add_console_claim_routes(router);
  add_console_batch_routes(router);
  add_console_allocation_routes(router);
  add_console_import_routes(router);
  add_reconcile_routes(router);
  add_console_reconcile_routes(router);
  add_console_program_routes(router);
  router.add_method_not_allowed_routes();
  router.install_error_handler();
}

HttpServer::~HttpServer() = default;

int HttpServer::bind() {
  const app::Config& config = state_->config;
  int port = config.listen_port;
  if (port == 0) {
    port = state_->server.bind_to_any_port(config.listen_host);
  } else if (!state_->server.bind_to_port(config.listen_host, port)) {
    throw InvalidInput("cannot listen on " + config.listen_host + ":" + std::to_string(port) +
                       " (in use, or not an address here)");
  }
  state_->server.widen_listen_backlog();
  return port;
}

void HttpServer::serve() { state_->server.listen_after_bind(); }

void HttpServer::stop() { state_->server.stop(); }

std::vector<RouteInfo> HttpServer::routes() const { return state_->router.routes(); }

}  // namespace disburse::http
