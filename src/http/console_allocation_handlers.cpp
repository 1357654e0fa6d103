// The console's allocation screens: a program's runs with the form that starts a new one (the
// maker's step), and one run's page with its totals, share statistics, the explanation of one
// claim's share, the shares download and the maker-checker approval (no Approve button for the
// run's creator). The use cases check the roles and the rule.

#include <charconv>
#include <limits>

#include "console_page.hpp"
#include "disburse/app/allocations.hpp"
#include "disburse/domain/errors.hpp"
#include "router.hpp"

namespace disburse::http {

namespace {

constexpr int runs_shown = 100;

std::string money(const domain::Money& amount) {
  return domain::to_display_string(amount);
}

nlohmann::json statistics_view(const pg::AllocationRunRecord& run) {
  nlohmann::json by_device_type = nlohmann::json::array();
  for (const auto& group : run.by_device_type) {
    by_device_type.push_back({{"device_type", group.device_type},
                              {"claimants_paid", std::to_string(group.claimants_paid)},
                              {"claimants_dropped", std::to_string(group.claimants_dropped)},
                              {"total", money(group.total)},
                              {"mean", money(group.mean)}});
  }
  return {{"minimum", money(run.statistics.minimum)},
          {"median", money(run.statistics.median)},
          {"mean", money(run.statistics.mean)},
          {"maximum", money(run.statistics.maximum)},
          {"by_device_type", by_device_type}};
}

// What the list and the run page both show of a run.
nlohmann::json totals_view(const pg::AllocationRunRecord& run) {
  return {{"id", std::to_string(run.id)},
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
          {"created_by", run.created_by},
          {"created_at", run.created_at},
          {"approved", !run.approved_by.empty()},
          {"approved_by", run.approved_by},
          {"approved_at", run.approved_at}};
}

nlohmann::json run_view(const pg::AllocationRunRecord& run, const ConsoleSession& session) {
  nlohmann::json view = totals_view(run);
  view["title"] = "Allocation run " + std::to_string(run.id);
  view["output_sha256"] = run.output_sha256;
  view["statistics"] = statistics_view(run);
  // Maker-checker is visible: the creator never sees an Approve button for their run.
  view["may_approve"] = run.state == "created" && run.created_by_user_id != session.actor.user_id &&
                        domain::role_allows(session.actor.role, domain::Permission::run_allocation);
  view["is_creator"] = run.created_by_user_id == session.actor.user_id;
  return view;
}

// The explanation of one claim's share, asked for with ?claim=; a claim without a share is
// answered on the page itself, beside the form.
nlohmann::json explanation_view(Exchange& exchange, const ConsoleSession& session,
                                std::int64_t run_id) {
  const std::string claim = exchange.query("claim").value_or("");
  if (claim.empty()) return nullptr;
  try {
    const app::ShareExplanation explanation =
        app::explain_allocation_share(exchange.services.database, session.actor, run_id, claim);
    return {{"claim_number", explanation.claim_number},
            {"share", money(explanation.share)},
            {"status", std::string(domain::to_string(explanation.status))},
            {"sentence", explanation.sentence}};
  } catch (const NotFound& error) {
    return {{"claim_number", claim}, {"problem", error.what()}};
  } catch (const InvalidInput& error) {
    return {{"claim_number", claim}, {"problem", error.what()}};
  }
}

void run(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    const std::int64_t run_id = exchange.id_parameter(0);
    const auto record = app::show_allocation_run(exchange.services.database, session.actor, run_id);
    nlohmann::json view = run_view(record, session);
    view["explanation"] = explanation_view(exchange, session, run_id);
    view["claim"] = exchange.query("claim").value_or("");
    render_console(exchange, 200, "console_allocation", view, &session);
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

void runs(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    const std::int64_t program_id = exchange.id_parameter(0);
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& record : app::list_allocation_runs(exchange.services.database, session.actor,
                                                        program_id, runs_shown)) {
      rows.push_back(totals_view(record));
    }
    render_console(exchange, 200, "console_allocations",
                   {{"title", "Allocation runs"},
                    {"program_id", std::to_string(program_id)},
                    {"runs", rows},
                    {"has_runs", !rows.empty()}},
                   &session);
  });
}

int round_of(const Exchange& exchange) {
  const std::int64_t round = exchange.whole_number_query("round", "the round").value_or(1);
  if (round < 1 || round > std::numeric_limits<int>::max()) {
    throw InvalidInput("the round must be a positive whole number");
  }
  return static_cast<int>(round);
}

// The same use case as POST /api/v1/programs/{id}/allocations; blank fields take its defaults.
void create(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    verify_console_csrf(exchange, session);
    // The role before the form's contents: a role that may not allocate learns nothing more.
    app::require(session.actor, domain::Permission::run_allocation);
    app::AllocationRequest request;
    request.program_id = exchange.id_parameter(0);
    request.round = round_of(exchange);
    if (const std::string seed = exchange.query("seed").value_or(""); !seed.empty())
      request.seed = seed;
    if (const std::string cap = exchange.query("cap").value_or(""); !cap.empty()) request.cap = cap;
    const pg::AllocationRunRecord created =
        exchange.services.database.write([&](pg::Transaction& transaction) {
          return app::create_allocation_run(transaction, session.actor, request);
        });
    exchange.redirect("/admin/allocations/" + std::to_string(created.id));
  });
}

void shares_csv(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    const std::int64_t run_id = exchange.id_parameter(0);
    pg::Database& database = exchange.services.database;
    const app::Actor actor = session.actor;
    // Refused here, as a page, before the streamed body starts.
    app::require_readable_run(database, actor, run_id);
    exchange.stream_csv("allocation-" + std::to_string(run_id) + "-shares.csv",
                        [&database, actor, run_id](std::ostream& out) {
                          app::write_shares_csv(
                              database, actor, run_id, [&out](std::string_view chunk) {
                                out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
                                if (!out) throw Unavailable("the client stopped reading");
                              });
                        });
  });
}

}  // namespace

void add_console_allocation_routes(Router& router) {
  router.page_get("/admin/allocations",
                  [](Exchange& exchange) { open_program_screen(exchange, "allocations", "Allocation runs"); });
  router.page_get("/admin/programs/{id}/allocations", runs);
  router.page_post("/admin/programs/{id}/allocations", create);
  router.page_get("/admin/allocations/{id}", run);
  router.page_post("/admin/allocations/{id}/approve", approve);
  router.page_get("/admin/allocations/{id}/shares.csv", shares_csv);
}

}  // namespace disburse::http
