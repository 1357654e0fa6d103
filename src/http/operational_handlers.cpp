// /healthz, /readyz, /metrics and the OpenAPI document.

#include "disburse/embedded_files.hpp"
#include "disburse/pg/jobs_repository.hpp"
#include "disburse/pg/migrations.hpp"
#include "router.hpp"

namespace disburse::http {

namespace {

void healthz(Exchange& exchange) { exchange.send_json(200, {{"status", "up"}}); }

// Ready only when the database answers and its schema is exactly what this binary expects, so
// that a load balancer keeps traffic away from a server that would fail every request.
void readyz(Exchange& exchange) {
  const pg::SchemaStatus status = pg::schema_status(exchange.services.database);
  const char* state = status.state == pg::SchemaState::current     ? "ready"
                      : status.state == pg::SchemaState::behind      ? "migrations_pending"
                      : status.state == pg::SchemaState::ahead       ? "database_newer_than_binary"
                      : status.state == pg::SchemaState::drifted     ? "migration_checksum_mismatch"
                                                                     : "database_unreachable";
  exchange.send_json(status.state == pg::SchemaState::current ? 200 : 503,
                     {{"status", state},
                      {"database_version", status.database_version},
                      {"binary_version", status.binary_version}});
}

void append_gauge(std::string& text, const std::string& name, const std::string& help,
                  const std::string& labels, std::int64_t value) {
  text += "# HELP " + name + " " + help + "\n# TYPE " + name + " gauge\n";
  text += name + labels + " " + std::to_string(value) + "\n";
}

void append_counter(std::string& text, const std::string& name, const std::string& help,
                    std::int64_t value) {
  text += "# HELP " + name + " " + help + "\n# TYPE " + name + " counter\n";
  text += name + " " + std::to_string(value) + "\n";
}

void metrics(Exchange& exchange) {
  std::string text;
  exchange.services.metrics.render(text);
  const pg::PoolStats pool = exchange.services.database.pool().stats();
  append_gauge(text, "disburse_db_pool_size", "Connections the pool may open.", "", pool.size);
  append_gauge(text, "disburse_db_pool_in_use", "Connections lent out.", "", pool.in_use);
  append_gauge(text, "disburse_db_pool_idle", "Open idle connections.", "", pool.idle);
  append_gauge(text, "disburse_db_pool_waiting", "Requests waiting for a connection.", "", pool.waiting);
  // Their ratio is the portal's average batch (pg/portal_lookups.hpp).
  const pg::PortalLookups::Counts lookups = exchange.services.portal_lookups.counts();
  append_counter(text, "disburse_portal_lookups_total", "Portal status lookups answered.",
                 lookups.lookups);
  append_counter(text, "disburse_portal_lookup_statements_total",
                 "Statements that answered them, a batch each.", lookups.statements);
  try {
    const auto counts = exchange.services.database.read(
        [](pg::Transaction& transaction) { return pg::count_jobs_by_state(transaction); });
    text += "# HELP disburse_jobs Jobs by state.\n# TYPE disburse_jobs gauge\n";
    for (const auto& [state, count] : counts) {
      text += "disburse_jobs{state=\"" + state + "\"} " + std::to_string(count) + "\n";
    }
  } catch (const std::exception&) {
    // The database is down: the pool gauges above still tell the story.
  }
  exchange.send_text(200, "text/plain; version=0.0.4", std::move(text));
}

void openapi(Exchange& exchange) {
  const auto document = find_embedded_file("docs/openapi.json");
  exchange.send_text(200, "application/json", std::string(document.value_or("{}")));
}

}  // namespace

void add_operational_routes(Router& router) {
  router.get("/healthz", healthz);
  router.get("/readyz", readyz);
  router.get("/metrics", metrics);
  router.get("/api/v1/openapi.json", openapi);
}

}  // namespace disburse::http
