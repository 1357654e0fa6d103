// The console's allocation run page: totals, share statistics and the maker-checker approval
// (no Approve button for the run's creator). The use cases check the roles and the rule.

#include "console_page.hpp"
#include "disburse/app/allocations.hpp"
#include "router.hpp"

namespace disburse::http {

namespace {

std::string money(const domain::Money& amount) { return domain::to_display_string(amount); }

nlohmann::json statistics_view(const pg::AllocationRunRecord& run) {
  nlohmann::json by_device_type = nlohmann::json::array();
  for (const auto& group : run.by_device_type) {
    by_device_type.push_back({{"device_type", group.device_type},
                              {"claimants_paid", std::to_string(group.claimants_paid)},
                              {"claimants_dropped", std::to_string(group.claimants_dropped)},
                              {"total", money(group.total)},
                              {"mean", money(group.mean)}});
  }
  return {{"minimum", money(run.statistics.minimum)}, {"median", money(run.statistics.median)},
          {"mean", money(run.statistics.mean)},       {"maximum", money(run.statistics.maximum)},
          {"by_device_type", by_device_type}};
}

nlohmann::json run_view(const pg::AllocationRunRecord& run, const ConsoleSession& session) {
  const bool created = run.state == "created";
  return {{"title", "Allocation run " + std::to_string(run.id)},
          {"id", std::to_string(run.id)},
          {"program_id", std::to_string(run.program_id)},
          {"round", std::to_string(run.round)},
          {"state", run.state},
          {"distributable", money(run.distributable)},
          {"allocated", money(run.allocated)},
          {"unallocated", money(run.unallocated)},
          {"min_payment", money(run.min_payment)},
          {"claimants_paid", std::to_string(run.claimants_paid)},
          {"claimants_dropped", std::to_string(run.claimants_dropped)},
          {"claimants_capped", std::to_string(run.claimants_capped)},
          {"output_sha256", run.output_sha256},
          {"statistics", statistics_view(run)},
          {"created_by", run.created_by},
          {"created_at", run.created_at},
          {"approved", !run.approved_by.empty()},
          {"approved_by", run.approved_by},
          {"approved_at", run.approved_at},
          // Maker-checker is visible: the creator never sees an Approve button for their run.
          {"may_approve", created && run.created_by_user_id != session.actor.user_id &&
                              domain::role_allows(session.actor.role, domain::Permission::run_allocation)},
          {"is_creator", run.created_by_user_id == session.actor.user_id}};
}

void run(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    const auto record = app::show_allocation_run(exchange.services.database, session.actor, exchange.id_parameter(0));
    render_console(exchange, 200, "console_allocation", run_view(record, session), &session);
  });
}

void approve(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    verify_console_csrf(exchange, session);
    const std::int64_t run_id = exchange.id_parameter(0);
    exchange.services.database.write([&](pg::Transaction& transaction) {
      return app::approve_allocation_run(transaction, session.actor, run_id);
    });
    exchange.redirect("/admin/allocations/" + std::to_string(run_id));
  });
}

}  // namespace

void add_console_allocation_routes(Router& router) {
  router.page_get("/admin/allocations/{id}", run);
  router.page_post("/admin/allocations/{id}/approve", approve);
}

}  // namespace disburse::http
