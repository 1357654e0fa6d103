// POST /api/v1/batches/{id}/results, GET /api/v1/reconciliations/{id} and
// GET /api/v1/reconciliations/{id}/report.csv, POST /api/v1/payments/{id}/reissue and
// GET /api/v1/programs/{id}/exports/{kind}.csv, and the operator steps POST
// /api/v1/programs/{id}/expire, /close and /purge.

#include <chrono>

#include "disburse/app/closing.hpp"
#include "disburse/app/expiry.hpp"
#include "disburse/app/exports.hpp"
#include "disburse/app/programs.hpp"
#include "disburse/app/reconciliation.hpp"
#include "disburse/app/reissue.hpp"
#include "disburse/domain/errors.hpp"
#include "export_download.hpp"
#include "router.hpp"

namespace disburse::http {

namespace {

// The body is the provider's file as is. Results move money, so the Idempotency-Key is required;
// the file's own fingerprints make a replay under a new key harmless too (0 applied).
void post_results(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::reconcile);
  const std::int64_t batch_id = exchange.id_parameter(0);
  if (exchange.request.body.empty()) throw InvalidInput("send the results file as the body");
  run_idempotent(exchange, actor, true, [&](pg::Transaction& transaction) {
    return std::pair{
        201, app::reconciliation_json(app::reconcile(transaction, actor, exchange.services.secrets,
                                                     batch_id, exchange.request.body))};
  });
}

void show(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_program);
  exchange.send_json(200, app::reconciliation_json(app::show_reconciliation(
                              exchange.services.database, actor, exchange.id_parameter(0))));
}

void report_csv(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::export_reports);
  const std::int64_t reconciliation_id = exchange.id_parameter(0);
  pg::Database& database = exchange.services.database;
  // Refuse an unknown reconciliation with a proper status before the streamed body starts.
  app::show_reconciliation(database, actor, reconciliation_id);
  exchange.stream_csv("reconciliation-" + std::to_string(reconciliation_id) + "-report.csv",
                      [&database, actor, reconciliation_id](std::ostream& out) {
                        app::export_reconciliation_report(database, actor, reconciliation_id, out);
                      });
}

// The optional "address" object: {"address1", "address2", "city", "state", "postal_code"}, all
// strings; the use case validates the values.
std::optional<domain::MailingAddress> address_of(const nlohmann::json& body) {
  if (!body.contains("address") || body.at("address").is_null()) return std::nullopt;
  const nlohmann::json& given = body.at("address");
  if (!given.is_object()) throw InvalidInput("address must be an object");
  const auto text = [&](const char* name) {
    if (!given.contains(name)) return std::string();
    if (!given.at(name).is_string()) {
      throw InvalidInput(std::string("address.") + name + " must be a string");
    }
    return given.at(name).get<std::string>();
  };
  return domain::MailingAddress{text("address1"), text("address2"), text("city"), text("state"),
                                text("postal_code")};
}

// {"method": "check", "address": {...}}: voids the attempt if it is still live and creates
// attempt N+1.
void reissue(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::reconcile);
  app::ReissueRequest request;
  request.payment_id = exchange.id_parameter(0);
  const nlohmann::json body = exchange.json_body();
  if (!body.contains("method") || !body.at("method").is_string()) {
    throw InvalidInput("method is required: paypal, check or ach");
  }
  request.method = body.at("method").get<std::string>();
  request.address = address_of(body);
  run_idempotent(exchange, actor, true, [&](pg::Transaction& transaction) {
    return std::pair{201, app::reissue_json(app::reissue_payment(
                              transaction, exchange.services.secrets, actor, request))};
  });
}

// {"now": "2026-06-01T00:00:00Z"} optionally injects the clock (tests, a catch-up run); an empty
// body uses the real clock, like the periodic job.
void expire(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::reconcile);
  const std::int64_t program_id = exchange.id_parameter(0);
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  if (!exchange.request.body.empty()) {
    const nlohmann::json body = exchange.json_body();
    if (body.contains("now")) {
      if (!body.at("now").is_string()) throw InvalidInput("now must be a string");
      now = app::parse_instant(body.at("now").get<std::string>(), "now");
    }
  }
  run_idempotent(exchange, actor, true, [&](pg::Transaction& transaction) {
    return std::pair{200,
                     app::expiry_json(app::expire_payments(transaction, actor, program_id, now))};
  });
}

void close_program(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::close_program);
  const std::int64_t program_id = exchange.id_parameter(0);
  run_idempotent(exchange, actor, true, [&](pg::Transaction& transaction) {
    return std::pair{200, app::close_json(app::close_program(transaction, actor, program_id))};
  });
}

void purge_program(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::close_program);
  const std::int64_t program_id = exchange.id_parameter(0);
  run_idempotent(exchange, actor, true, [&](pg::Transaction& transaction) {
    return std::pair{200, app::purge_json(app::purge_program(transaction, actor, program_id))};
  });
}

void export_csv(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::export_reports);
  stream_program_export(exchange, actor, exchange.id_parameter(0), exchange.text_parameter(1));
}

}  // namespace

void add_reconcile_routes(Router& router) {
  router.post("/api/v1/batches/{id}/results", post_results);
  router.get("/api/v1/reconciliations/{id}", show);
  router.get("/api/v1/reconciliations/{id}/report.csv", report_csv);
  router.post("/api/v1/payments/{id}/reissue", reissue);
  router.get("/api/v1/programs/{id}/exports/{kind}.csv", export_csv);
  router.post("/api/v1/programs/{id}/expire", expire);
  router.post("/api/v1/programs/{id}/close", close_program);
  router.post("/api/v1/programs/{id}/purge", purge_program);
}

}  // namespace disburse::http
