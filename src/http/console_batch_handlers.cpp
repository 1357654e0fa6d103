// The console's batch screens: a program's batches with a create form, and one batch with
// maker-checker visible (who created it, who approved it; no Approve button for its creator),
// Cancel, and its provider files. The use cases check every role and the maker-checker rule.

#include <charconv>

#include "console_page.hpp"
#include "disburse/app/batches.hpp"
#include "disburse/app/reconciliation.hpp"
#include "disburse/domain/errors.hpp"
#include "router.hpp"

namespace disburse::http {

namespace {

nlohmann::json batch_view(const domain::Batch& batch) {
  nlohmann::json view = app::batch_json(batch);
  view["id"] = std::to_string(batch.id);
  view["total_display"] = domain::to_display_string(batch.total);
  view["approved"] = batch.approved_by_user_id != 0;
  view["submitted"] = !batch.submitted_at.empty();
  return view;
}

void batches(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    const std::int64_t program_id = exchange.id_parameter(0);
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& batch : app::list_batches(exchange.services.database, session.actor, program_id, 100)) {
      rows.push_back(batch_view(batch));
    }
    render_console(exchange, 200, "console_batches",
                   {{"title", "Batches"}, {"program_id", std::to_string(program_id)},
                    {"batches", rows}, {"has_batches", !rows.empty()}},
                   &session);
  });
}

void create(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    verify_console_csrf(exchange, session);
    app::BatchRequest request;
    request.program_id = exchange.id_parameter(0);
    request.method = exchange.query("method").value_or("");
    request.max_items = exchange.whole_number_query("max_items", "max items");
    const domain::Batch batch = exchange.services.database.write([&](pg::Transaction& transaction) {
      return app::create_batch(transaction, session.actor, exchange.services.config.payouts, request);
    });
    exchange.redirect("/admin/batches/" + std::to_string(batch.id));
  });
}

// The stored files' parts once the batch is submitted; producing them is a deliberate POST.
nlohmann::json file_parts(Exchange& exchange, const ConsoleSession& session, const domain::Batch& batch) {
  nlohmann::json parts = nlohmann::json::array();
  const bool produced = batch.state == domain::BatchState::submitted ||
                        batch.state == domain::BatchState::reconciled;
  if (!produced || !domain::role_allows(session.actor.role, domain::Permission::manage_batches)) return parts;
  const app::BatchFiles files = app::produce_batch_files(
      exchange.services.database, session.actor, exchange.services.config.payouts,
      exchange.services.secrets, batch.id, {});
  for (const domain::BatchFile& file : files.files) {
    parts.push_back({{"part", std::to_string(file.part)}, {"file_name", file.file_name}, {"sha256", file.sha256}});
  }
  return parts;
}

// The results files imported against the batch, oldest first.
nlohmann::json reconciliations_view(Exchange& exchange, const ConsoleSession& session, std::int64_t batch_id) {
  nlohmann::json rows = nlohmann::json::array();
  for (const app::ReconciliationReport& report :
       app::list_batch_reconciliations(exchange.services.database, session.actor, batch_id)) {
    const nlohmann::json counts = app::reconciliation_json(report);
    rows.push_back({{"id", std::to_string(report.id)},
                    {"kind", report.kind},
                    {"lines", std::to_string(report.lines)},
                    {"applied", counts.at("applied").dump()},
                    {"already_applied", counts.at("already_applied").dump()},
                    {"created_by", report.created_by},
                    {"created_at", report.created_at}});
  }
  return rows;
}

void batch(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    const domain::Batch batch = app::show_batch(exchange.services.database, session.actor, exchange.id_parameter(0));
    const bool manages = domain::role_allows(session.actor.role, domain::Permission::manage_batches);
    const bool draft = batch.state == domain::BatchState::draft;
    nlohmann::json view = batch_view(batch);
    view["title"] = "Batch " + std::to_string(batch.id);
    // Maker-checker is visible: the creator never sees an Approve button for their own batch.
    view["may_approve"] = manages && draft && batch.created_by_user_id != session.actor.user_id;
    view["is_creator"] = batch.created_by_user_id == session.actor.user_id;
    view["may_cancel"] = manages && (draft || batch.state == domain::BatchState::approved);
    view["may_produce"] = manages && batch.state == domain::BatchState::approved;
    view["files"] = file_parts(exchange, session, batch);
    view["has_files"] = !view["files"].empty();
    view["reconciliations"] = reconciliations_view(exchange, session, batch.id);
    view["has_reconciliations"] = !view["reconciliations"].empty();
    view["may_reconcile"] = domain::role_allows(session.actor.role, domain::Permission::reconcile) &&
                            (batch.state == domain::BatchState::submitted ||
                             batch.state == domain::BatchState::reconciled);
    render_console(exchange, 200, "console_batch", view, &session);
  });
}

void change(Exchange& exchange, app::BatchChange (*use_case)(pg::Transaction&, const app::Actor&, std::int64_t)) {
  console_page(exchange, [&](const ConsoleSession& session) {
    verify_console_csrf(exchange, session);
    const std::int64_t batch_id = exchange.id_parameter(0);
    exchange.services.database.write([&](pg::Transaction& transaction) {
      return use_case(transaction, session.actor, batch_id);
    });
    exchange.redirect("/admin/batches/" + std::to_string(batch_id));
  });
}

int part_of(const Exchange& exchange) {
  const std::string text = exchange.query("part").value_or("1");
  int part = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), part);
  if (error != std::errc() || end != text.data() + text.size() || part < 1) {
    throw InvalidInput("part must be a positive whole number");
  }
  return part;
}

// The first call produces the files and submits the batch; later ones return the same bytes.
void file(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    verify_console_csrf(exchange, session);
    const int part = part_of(exchange);
    const app::BatchFiles files = app::produce_batch_files(
        exchange.services.database, session.actor, exchange.services.config.payouts,
        exchange.services.secrets, exchange.id_parameter(0), {});
    for (const domain::BatchFile& batch_file : files.files) {
      if (batch_file.part != part) continue;
      exchange.response.set_header("Content-Disposition",
                                   "attachment; filename=\"" + batch_file.file_name + "\"");
      exchange.send_text(200, batch_file.content_type, batch_file.content);
      return;
    }
    throw NotFound("this batch has no file part " + std::to_string(part));
  });
}

}  // namespace

void add_console_batch_routes(Router& router) {
  router.page_get("/admin/batches", [](Exchange& exchange) { open_program_screen(exchange, "batches", "Batches"); });
  router.page_get("/admin/programs/{id}/batches", batches);
  router.page_post("/admin/programs/{id}/batches", create);
  router.page_get("/admin/batches/{id}", batch);
  router.page_post("/admin/batches/{id}/approve", [](Exchange& exchange) { change(exchange, app::approve_batch); });
  router.page_post("/admin/batches/{id}/cancel", [](Exchange& exchange) { change(exchange, app::cancel_batch); });
  router.page_post("/admin/batches/{id}/file", file);
}

}  // namespace disburse::http
