// The console's reconciliation screens: uploading a provider's results file from a submitted
// batch's page (the same use case as POST /api/v1/batches/{id}/results), and one
// reconciliation's report: counts and amounts by outcome, grouped into matched, unmatched and
// discrepancies, its lines page by page, and the report CSV. Replaying a file is harmless (its
// lines' fingerprints were applied already) and the report says so.

#include <charconv>

#include "console_page.hpp"
#include "disburse/app/reconciliation.hpp"
#include "disburse/domain/errors.hpp"
#include "router.hpp"

namespace disburse::http {

namespace {

constexpr int lines_per_page = 100;

// How a person reads an outcome: the line found its payment (whether or not it changed it),
// found none, or needs a person to look at it.
std::string outcome_group(const std::string& outcome) {
  if (outcome == "unknown_reference") return "unmatched";
  if (outcome == "amount_mismatch" || outcome == "currency_mismatch" || outcome == "duplicate" ||
      outcome == "contradicting" || outcome == "malformed") {
    return "discrepancies";
  }
  return "matched";
}

std::string readable(std::string text) {
  for (char& character : text) {
    if (character == '_') character = ' ';
  }
  return text;
}

void upload_results(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    verify_console_csrf(exchange, session);
    // The role before the form's contents: a role that may not reconcile learns nothing more.
    app::require(session.actor, domain::Permission::reconcile);
    const std::int64_t batch_id = exchange.id_parameter(0);
    const std::string content =
        exchange.request.has_file("file") ? exchange.request.get_file_value("file").content : "";
    if (content.empty()) throw InvalidInput("choose the provider's results file to upload");
    const app::ReconciliationReport report =
        exchange.services.database.write([&](pg::Transaction& transaction) {
          return app::reconcile(transaction, session.actor, exchange.services.secrets, batch_id,
                                content);
        });
    exchange.redirect("/admin/reconciliations/" + std::to_string(report.id));
  });
}

nlohmann::json groups_view(const std::vector<pg::OutcomeTotal>& totals) {
  nlohmann::json groups = nlohmann::json::array();
  const std::pair<std::string, std::string> group_labels[] = {{"matched", "Matched a payment"},
                                                              {"unmatched", "Matched no payment"},
                                                              {"discrepancies", "Discrepancies"}};
  for (const auto& [group, label] : group_labels) {
    std::int64_t lines = 0;
    domain::Money amount;
    nlohmann::json outcomes = nlohmann::json::array();
    for (const pg::OutcomeTotal& total : totals) {
      if (outcome_group(total.outcome) != group) continue;
      lines += total.lines;
      amount += total.amount;
      outcomes.push_back({{"outcome", readable(total.outcome)},
                          {"lines", std::to_string(total.lines)},
                          {"amount", domain::to_display_string(total.amount)}});
    }
    groups.push_back({{"group", group},
                      {"label", label},
                      {"lines", std::to_string(lines)},
                      {"amount", domain::to_display_string(amount)},
                      {"outcomes", outcomes}});
  }
  return groups;
}

nlohmann::json lines_view(const std::vector<pg::ReconciliationLine>& lines) {
  nlohmann::json rows = nlohmann::json::array();
  for (const pg::ReconciliationLine& line : lines) {
    rows.push_back(
        {{"line_number", std::to_string(line.line_number)},
         {"reference", line.reference},
         {"reported_status", line.reported_status},
         {"amount", line.amount ? domain::to_display_string(*line.amount) : ""},
         {"currency", line.currency},
         {"outcome", readable(line.outcome)},
         {"group", outcome_group(line.outcome)},
         {"change", line.from_state.empty() ? "" : line.from_state + " → " + line.to_state},
         {"detail", line.detail}});
  }
  return rows;
}

std::int64_t after_of(const Exchange& exchange) {
  const std::string text = exchange.query("after").value_or("0");
  std::int64_t after = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), after);
  if (error != std::errc() || end != text.data() + text.size() || after < 0) {
    throw InvalidInput("after must be a line number");
  }
  return after;
}

// Nothing moved: every line that found its payment had been applied by an earlier upload.
bool replay(const nlohmann::json& counts) {
  return counts.at("applied") == 0 && counts.at("changes_applied") == 0 &&
         counts.at("already_applied") > 0;
}

nlohmann::json report_view(const app::ReconciliationLinesPage& page, bool discrepancies_only,
                           std::int64_t after) {
  const app::ReconciliationReport& report = page.report;
  const nlohmann::json counts = app::reconciliation_json(report);
  nlohmann::json earlier = nlohmann::json::array();
  for (const std::int64_t id : page.same_file_reconciliation_ids)
    earlier.push_back({{"id", std::to_string(id)}});
  const std::string show = discrepancies_only ? "&show=discrepancies" : "";
  return {{"title", "Reconciliation " + std::to_string(report.id)},
          {"id", std::to_string(report.id)},
          {"batch_id", std::to_string(report.batch_id)},
          {"kind", report.kind},
          {"file_sha256", report.file_sha256},
          {"lines", std::to_string(report.lines)},
          {"applied", counts.at("applied").dump()},
          {"already_applied", counts.at("already_applied").dump()},
          {"changes_applied", counts.at("changes_applied").dump()},
          {"created_by", report.created_by},
          {"created_at", report.created_at},
          {"replay", replay(counts)},
          {"same_file", earlier},
          {"has_same_file", !earlier.empty()},
          {"groups", groups_view(page.totals)},
          {"line_rows", lines_view(page.lines)},
          {"has_lines", !page.lines.empty()},
          {"discrepancies_only", discrepancies_only},
          {"paged", after > 0},
          {"first_page", "/admin/reconciliations/" + std::to_string(report.id) +
                             (discrepancies_only ? "?show=discrepancies" : "")},
          {"next_page",
           page.next_after_line_number == 0
               ? nlohmann::json(nullptr)
               : nlohmann::json("/admin/reconciliations/" + std::to_string(report.id) +
                                "?after=" + std::to_string(page.next_after_line_number) + show)}};
}

void report(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    const bool discrepancies_only = exchange.query("show").value_or("") == "discrepancies";
    const std::int64_t after = after_of(exchange);
    const app::ReconciliationLinesPage page = app::show_reconciliation_lines(
        exchange.services.database, session.actor, exchange.id_parameter(0), after, lines_per_page,
        discrepancies_only);
    render_console(exchange, 200, "console_reconciliation",
                   report_view(page, discrepancies_only, after), &session);
  });
}

void report_csv(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    const std::int64_t reconciliation_id = exchange.id_parameter(0);
    pg::Database& database = exchange.services.database;
    const app::Actor actor = session.actor;
    app::require(actor, domain::Permission::export_reports);
    // Refused here, as a page, before the streamed body starts.
    app::show_reconciliation(database, actor, reconciliation_id);
    exchange.stream_csv("reconciliation-" + std::to_string(reconciliation_id) + "-report.csv",
                        [&database, actor, reconciliation_id](std::ostream& out) {
                          app::export_reconciliation_report(database, actor, reconciliation_id,
                                                            out);
                        });
  });
}

}  // namespace

void add_console_reconcile_routes(Router& router) {
  router.page_post("/admin/batches/{id}/results", upload_results);
  router.page_get("/admin/reconciliations/{id}", report);
  router.page_get("/admin/reconciliations/{id}/report.csv", report_csv);
}

}  // namespace disburse::http
