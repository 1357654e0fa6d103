// /api/v1/audit

#include "disburse/app/audit.hpp"
#include "disburse/app/views.hpp"
#include "router.hpp"

namespace disburse::http {

namespace {

pg::AuditFilter audit_filter(const Exchange& exchange) {
  pg::AuditFilter filter;
  filter.action_prefix = exchange.query("action").value_or("");
  filter.subject_type = exchange.query("subject_type").value_or("");
  filter.subject_id = exchange.query("subject_id").value_or("");
  filter.program_id = exchange.id_query("program_id");
  filter.before_id = exchange.id_query("before_id");
  filter.limit = exchange.page_limit(100);
  return filter;
}

void list(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_audit);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& record : app::list_audit(exchange.services.database, actor, audit_filter(exchange))) {
    items.push_back(app::audit_record_json(record));
  }
  exchange.send_json(200, {{"items", items}});
}

void verify(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_audit);
  const pg::AuditVerification verification = app::verify_audit(exchange.services.database, actor);
  nlohmann::json body = {{"ok", verification.ok}, {"records", verification.records}};
  if (!verification.ok) {
    body["first_broken_id"] = verification.first_broken_id;
    body["problem"] = verification.problem;
  }
  exchange.send_json(200, body);
}

}  // namespace

void add_audit_routes(Router& router) {
  router.get("/api/v1/audit", list);
  router.get("/api/v1/audit/verification", verify);
}

}  // namespace disburse::http
