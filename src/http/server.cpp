#include "disburse/http/server.hpp"

#include "disburse/domain/errors.hpp"
#include "router.hpp"

namespace disburse::http {

struct HttpServer::State {
  State(const app::Config& config, pg::Database& database, const security::SecretBox& secrets)
      : config(config), services{config, database, secrets, metrics}, router(server, services) {}

  const app::Config& config;
  Metrics metrics;
  Services services;
  httplib::Server server;
  Router router;
};

HttpServer::HttpServer(const app::Config& config, pg::Database& database,
                       const security::SecretBox& secrets)
    : state_(std::make_unique<State>(config, database, secrets)) {
  httplib::Server& server = state_->server;
  const app::Limits& limits = config.limits;
  // Debian ships httplib compiled, so its compile-time knobs are fixed: set everything here.
  const int threads = limits.http_threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
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
  router.add_method_not_allowed_routes();
  router.install_error_handler();
}

HttpServer::~HttpServer() = default;

int HttpServer::bind() {
  const app::Config& config = state_->config;
  if (config.listen_port == 0) return state_->server.bind_to_any_port(config.listen_host);
  if (!state_->server.bind_to_port(config.listen_host, config.listen_port)) {
    throw InvalidInput("cannot listen on " + config.listen_host + ":" +
                       std::to_string(config.listen_port) + " (in use, or not an address here)");
  }
  return config.listen_port;
}

void HttpServer::serve() { state_->server.listen_after_bind(); }

void HttpServer::stop() { state_->server.stop(); }

std::vector<RouteInfo> HttpServer::routes() const { return state_->router.routes(); }

}  // namespace disburse::http
