#include "console_page.hpp"

#include "disburse/app/programs.hpp"
#include "disburse/app/sessions.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/web/render.hpp"

namespace disburse::http {

namespace {

bool may(const ConsoleSession& session, domain::Permission permission) {
  return domain::role_allows(session.actor.role, permission);
}

// httplib keeps a multipart form's fields with its files, not with the urlencoded parameters.
std::string submitted_csrf(const Exchange& exchange) {
  if (const auto field = exchange.query("csrf")) return *field;
  if (exchange.request.has_file("csrf")) return exchange.request.get_file_value("csrf").content;
  return "";
}

}  // namespace

void render_console(Exchange& exchange, int status, const std::string& page, nlohmann::json view,
                    const ConsoleSession* session) {
  if (session != nullptr) {
    // The layout shows only the screens the role may use; the use cases still check each one.
    view["user"] = {{"name", session->actor.name},
                    {"role", std::string(domain::to_string(session->actor.role))},
                    {"csrf", session->csrf},
                    {"may_read_audit", may(*session, domain::Permission::read_audit)},
                    {"may_manage_users", may(*session, domain::Permission::manage_users)},
                    {"may_read_program", may(*session, domain::Permission::read_program)},
                    {"may_review_claims", may(*session, domain::Permission::review_claims)},
                    {"may_reveal", may(*session, domain::Permission::reveal_personal_data)},
                    {"may_manage_batches", may(*session, domain::Permission::manage_batches)},
                    {"may_run_allocation", may(*session, domain::Permission::run_allocation)},
                    {"may_reconcile", may(*session, domain::Permission::reconcile)},
                    {"may_export_reports", may(*session, domain::Permission::export_reports)},
                    {"may_manage_program", may(*session, domain::Permission::manage_program)},
                    {"may_import_lists", may(*session, domain::Permission::import_lists)}};
  }
  exchange.send_html(status, web::render_page_in("console_layout", page, view));
}

std::optional<ConsoleSession> console_signed_in(Exchange& exchange) {
  const std::string id = exchange.cookie(console_session_cookie).value_or("");
  try {
    app::Actor actor = app::resume_session(exchange.services.database, id);
    return ConsoleSession{actor, id, app::csrf_token(exchange.services.secrets, id)};
  } catch (const Unauthenticated&) {
    exchange.redirect("/admin/login");
    return std::nullopt;
  }
}

void verify_console_csrf(const Exchange& exchange, const ConsoleSession& session) {
  verify_console_csrf_token(exchange, session, submitted_csrf(exchange));
}

void verify_console_csrf_token(const Exchange& exchange, const ConsoleSession& session,
                               const std::string& token) {
  if (!app::csrf_token_matches(exchange.services.secrets, session.id, token)) {
    throw Forbidden("the form expired or did not come from this console; reload and try again");
  }
}

void console_page(Exchange& exchange, const std::function<void(const ConsoleSession&)>& body) {
  const auto session = console_signed_in(exchange);
  if (!session) return;
  try {
    body(*session);
  } catch (const Forbidden& error) {
    render_console(exchange, 403, "console_error", {{"title", "Not allowed"}, {"message", error.what()}}, &*session);
  } catch (const InvalidInput& error) {
    render_console(exchange, 400, "console_error", {{"title", "Not accepted"}, {"message", error.what()}}, &*session);
  } catch (const Conflict& error) {
    render_console(exchange, 409, "console_error", {{"title", "Not possible now"}, {"message", error.what()}}, &*session);
  } catch (const NotFound& error) {
    render_console(exchange, 404, "console_error", {{"title", "Not found"}, {"message", error.what()}}, &*session);
  }
}

void open_program_screen(Exchange& exchange, const std::string& screen,
                         const std::string& screen_title) {
  console_page(exchange, [&](const ConsoleSession& session) {
    const auto programs = app::list_programs(exchange.services.database, session.actor);
    if (programs.empty()) throw NotFound("there is no program yet");
    if (programs.size() == 1) {
      exchange.redirect("/admin/programs/" + std::to_string(programs.front().id) + "/" + screen);
      return;
    }
    nlohmann::json choices = nlohmann::json::array();
    for (const domain::Program& program : programs) {
      choices.push_back({{"id", program.id}, {"name", program.settings.name}, {"status", program.status}});
    }
    render_console(exchange, 200, "console_pick_program",
                   {{"title", screen_title}, {"screen", screen}, {"programs", choices}}, &session);
  });
}

}  // namespace disburse::http
