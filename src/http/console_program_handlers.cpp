// The console's program screens: the finance exports (every kind of
// GET /api/v1/programs/{id}/exports/{kind}.csv, downloaded with the console session, and the
// program's reconciliation reports), and the program's settings with the one setting that has a
// use case to change it, the weighting rule (the same use case as
// POST /api/v1/programs/{id}/weighting-rule: manage_program, audited, fixed once a first-round run
// is approved).

#include "console_page.hpp"
#include "export_download.hpp"
#include "disburse/app/allocations.hpp"
#include "disburse/app/exports.hpp"
#include "disburse/app/programs.hpp"
#include "disburse/app/reconciliation.hpp"
#include "disburse/domain/errors.hpp"
#include "router.hpp"

namespace disburse::http {

namespace {

constexpr int reconciliations_shown = 50;

std::string money(const domain::Money& amount) {
  return domain::to_display_string(amount);
}

std::string days(int count) {
  return std::to_string(count) + (count == 1 ? " day" : " days");
}

nlohmann::json reconciliation_rows(const std::vector<app::ReconciliationReport>& reports) {
  nlohmann::json rows = nlohmann::json::array();
  for (const app::ReconciliationReport& report : reports) {
    rows.push_back({{"id", std::to_string(report.id)},
                    {"batch_id", std::to_string(report.batch_id)},
                    {"kind", report.kind},
                    {"lines", std::to_string(report.lines)},
                    {"created_at", report.created_at}});
  }
  return rows;
}

void exports(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    app::require(session.actor, domain::Permission::export_reports);
    const domain::Program program =
        app::show_program(exchange.services.database, session.actor, exchange.id_parameter(0));
    const std::string base = "/admin/programs/" + std::to_string(program.id) + "/exports/";
    nlohmann::json kinds = nlohmann::json::array();
    for (const app::ExportKind& kind : app::export_kinds()) {
      kinds.push_back({{"name", std::string(kind.name)},
                       {"description", std::string(kind.description)},
                       {"href", base + std::string(kind.name) + ".csv"}});
    }
    const nlohmann::json reconciliations = reconciliation_rows(app::list_program_reconciliations(
        exchange.services.database, session.actor, program.id, reconciliations_shown));
    render_console(exchange, 200, "console_exports",
                   {{"title", "Exports"},
                    {"program_id", std::to_string(program.id)},
                    {"program_name", program.settings.name},
                    {"kinds", kinds},
                    {"reconciliations", reconciliations},
                    {"has_reconciliations", !reconciliations.empty()}},
                   &session);
  });
}

// An unknown kind is a page that does not exist, as in the API.
void export_csv(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    const app::Actor actor = session.actor;
    app::require(actor, domain::Permission::export_reports);
    stream_program_export(exchange, actor, exchange.id_parameter(0), exchange.text_parameter(1));
  });
}

nlohmann::json program_settings_view(const domain::Program& program) {
  const domain::ProgramSettings& settings = program.settings;
  return {{"name", settings.name},
          {"status", program.status},
          {"currency", settings.currency},
          {"fund", money(settings.fund)},
          {"reserve", money(settings.reserve)},
          {"distributable", money(domain::distributable_amount(settings))},
          {"min_payment", money(settings.min_payment)},
          {"paypal_window", days(settings.paypal_window_days)},
          {"check_window", days(settings.check_window_days)},
          {"cure_window", days(settings.cure_window_days)},
          {"created_at", program.created_at}};
}

nlohmann::json rule_view(const app::WeightingRuleView& rule) {
  nlohmann::json points = nlohmann::json::array();
  for (const domain::DevicePoints& entry : rule.rule.device_points()) {
    points.push_back(
        {{"device_type", entry.device_type}, {"points", std::to_string(entry.points)}});
  }
  return {{"is_default", rule.is_default},
          {"editable", rule.editable},
          {"months_cap", std::to_string(rule.rule.months_cap())},
          {"device_points", points},
          {"text", domain::to_canonical_text(rule.rule)}};
}

void settings(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    const std::int64_t program_id = exchange.id_parameter(0);
    const domain::Program program =
        app::show_program(exchange.services.database, session.actor, program_id);
    const app::WeightingRuleView rule =
        app::show_weighting_rule(exchange.services.database, session.actor, program_id);
    nlohmann::json view = {
        {"title", "Program settings"},
        {"program_id", std::to_string(program_id)},
        {"program", program_settings_view(program)},
        {"rule", rule_view(rule)},
        {"may_edit_rule", rule.editable && domain::role_allows(session.actor.role,
                                                               domain::Permission::manage_program)},
        {"saved", exchange.query("saved").has_value()}};
    render_console(exchange, 200, "console_settings", view, &session);
  });
}

// Two buttons: save the text as the rule, or return to the default rule. A blank text is refused
// rather than read as "the default", so that an emptied box never resets the rule by accident.
void set_rule(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    verify_console_csrf(exchange, session);
    // The role before the form's contents: a role that may not change settings learns nothing more.
    app::require(session.actor, domain::Permission::manage_program);
    const std::int64_t program_id = exchange.id_parameter(0);
    const bool to_default = exchange.query("action").value_or("") == "default";
    const std::string text = to_default ? "" : exchange.query("text").value_or("");
    if (!to_default && text.find_first_not_of(" \t\r\n") == std::string::npos) {
      throw InvalidInput(
          "the rule is empty; to use the default rule, choose \"Return to the default rule\"");
    }
    exchange.services.database.write([&](pg::Transaction& transaction) {
      return app::set_weighting_rule(transaction, session.actor, program_id, text);
    });
    exchange.redirect("/admin/programs/" + std::to_string(program_id) + "/settings?saved=1");
  });
}

void new_program(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    app::require(session.actor, domain::Permission::manage_program);
    render_console(exchange, 200, "console_program_new", {{"title", "New program"}}, &session);
  });
}

// The same use case as POST /api/v1/programs. A replayed form finds the name taken (names are
// unique) and is refused, so it never makes a second program.
void create_program(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    verify_console_csrf(exchange, session);
    // The role before the form's contents: a role that may not create programs learns nothing more.
    app::require(session.actor, domain::Permission::manage_program);
    app::ProgramRequest request;
    request.name = exchange.query("name").value_or("");
    request.fund = exchange.query("fund").value_or("");
    request.reserve = exchange.query("reserve").value_or("0");
    request.min_payment = exchange.query("min_payment").value_or("0");
    request.paypal_window_days = exchange.whole_number_query("paypal_window_days", "The PayPal window in days");
    request.check_window_days = exchange.whole_number_query("check_window_days", "The check window in days");
    request.cure_window_days = exchange.whole_number_query("cure_window_days", "The cure window in days");
    const domain::Program program = exchange.services.database.write(
        [&](pg::Transaction& transaction) { return app::create_program(transaction, session.actor, request); });
    exchange.redirect("/admin/programs/" + std::to_string(program.id) + "/settings");
  });
}

}  // namespace

void add_console_program_routes(Router& router) {
  router.page_get("/admin/programs/new", new_program);
  router.page_post("/admin/programs", create_program);
  router.page_get("/admin/exports",
                  [](Exchange& exchange) { open_program_screen(exchange, "exports", "Exports"); });
  router.page_get("/admin/programs/{id}/exports", exports);
  router.page_get("/admin/programs/{id}/exports/{kind}.csv", export_csv);
  router.page_get("/admin/settings",
                  [](Exchange& exchange) { open_program_screen(exchange, "settings", "Program settings"); });
  router.page_get("/admin/programs/{id}/settings", settings);
  router.page_post("/admin/programs/{id}/weighting-rule", set_rule);
}

}  // namespace disburse::http
