#pragma once
// The HTTP server: JSON API under /api/v1, the console under /admin, the portal at /, and the
// operational endpoints /healthz, /readyz and /metrics.

#include <memory>
#include <string>
#include <vector>

#include "disburse/app/config.hpp"
#include "disburse/pg/database.hpp"
#include "disburse/security/crypto.hpp"

namespace disburse::http {

struct RouteInfo {
  std::string method;
  std::string pattern;  // OpenAPI style: "/api/v1/programs/{id}".
};

class HttpServer {
 public:
  HttpServer(const app::Config& config, pg::Database& database, const security::SecretBox& secrets);
  ~HttpServer();

  // Binds the listen address (port 0 picks a free one) and returns the bound port.
  int bind();
  // Serves until stop(); returns after in-flight requests have finished.
  void serve();
  // Safe to call from a signal handler's thread.
  void stop();

  std::vector<RouteInfo> routes() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace disburse::http
