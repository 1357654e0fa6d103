// The administrator console: /admin/login, /admin/logout, /admin/ (dashboard), /admin/audit and
// /admin/users. Server-rendered, no JavaScript; every form carries a CSRF token bound to the
// session (or, for the sign-in form, to a signed double-submit cookie).

#include "disburse/app/audit.hpp"
#include "disburse/app/dashboard.hpp"
#include "disburse/app/sessions.hpp"
#include "disburse/app/users.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/web/console_views.hpp"
#include "disburse/web/render.hpp"
#include "console_page.hpp"
#include "router.hpp"

namespace disburse::http {

namespace {

constexpr const char* session_cookie = console_session_cookie;
constexpr const char* sign_in_cookie = "disburse_sign_in";

std::string sign_in_csrf(Exchange& exchange) {
  std::string cookie = exchange.cookie(sign_in_cookie).value_or("");
  if (cookie.size() < 32) {
    cookie = security::random_token();
    exchange.set_cookie(sign_in_cookie, cookie, "; HttpOnly; SameSite=Strict");
  }
  return app::csrf_token(exchange.services.secrets, "sign-in " + cookie);
}

void show_sign_in(Exchange& exchange, int status, const std::string& message) {
  render_console(exchange, status, "console_login",
         {{"title", "Sign in"}, {"csrf", sign_in_csrf(exchange)}, {"message", message},
          {"username", exchange.query("username").value_or("")}},
         nullptr);
}

void sign_in_form(Exchange& exchange) { show_sign_in(exchange, 200, ""); }

void sign_in(Exchange& exchange) {
  const std::string cookie = exchange.cookie(sign_in_cookie).value_or("");
  if (cookie.empty() || !app::csrf_token_matches(exchange.services.secrets, "sign-in " + cookie,
                                                 exchange.query("csrf").value_or(""))) {
    return show_sign_in(exchange, 403, "The sign-in form expired. Please try again.");
  }
  try {
    const app::SignedIn signed_in_user = app::sign_in(
        exchange.services.database, exchange.services.secrets, exchange.query("username").value_or(""),
        exchange.query("password").value_or(""), exchange.client_address());
    // A new random id at every sign-in: a session id planted before sign-in is worthless.
    exchange.set_cookie(session_cookie, signed_in_user.session_id,
                        "; HttpOnly; SameSite=Strict; Max-Age=" +
                            std::to_string(app::session_absolute_timeout_seconds));
    exchange.redirect("/admin/");
  } catch (const Unauthenticated&) {
    show_sign_in(exchange, 401, "Wrong user name or password.");
  } catch (const RateLimited& error) {
    exchange.response.set_header("Retry-After", std::to_string(error.retry_after_seconds));
    show_sign_in(exchange, 429, "Too many failed sign-ins. Please wait and try again later.");
  }
}

void sign_out(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    verify_console_csrf(exchange, session);
    app::sign_out(exchange.services.database, session.id);
    exchange.set_cookie(session_cookie, "", "; HttpOnly; SameSite=Strict; Max-Age=0");
    exchange.redirect("/admin/login");
  });
}

void dashboard(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    nlohmann::json view =
        web::dashboard_view(app::load_dashboard(exchange.services.database, session.actor));
    view["title"] = "Dashboard";
    render_console(exchange, 200, "console_dashboard", view, &session);
  });
}

void audit(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    pg::AuditFilter filter;
    filter.action_prefix = exchange.query("action").value_or("");
    filter.subject_type = exchange.query("subject_type").value_or("");
    filter.subject_id = exchange.query("subject_id").value_or("");
    filter.limit = 200;
    const auto records = app::list_audit(exchange.services.database, session.actor, filter);
    nlohmann::json view = web::audit_view(records, app::verify_audit(exchange.services.database, session.actor));
    view["title"] = "Audit log";
    view["filter"] = {{"action", filter.action_prefix}, {"subject_type", filter.subject_type},
                      {"subject_id", filter.subject_id}};
    render_console(exchange, 200, "console_audit", view, &session);
  });
}

void show_users(Exchange& exchange, const ConsoleSession& session, nlohmann::json extra) {
  nlohmann::json view = web::users_view(app::list_users(exchange.services.database, session.actor),
                                        app::list_tokens(exchange.services.database, session.actor));
  view["title"] = "Users and tokens";
  view.update(extra);
  render_console(exchange, 200, "console_users", view, &session);
}

void users(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    show_users(exchange, session, nlohmann::json::object());
  });
}

void add_user(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    verify_console_csrf(exchange, session);
    const pg::UserRecord user = app::add_user(
        exchange.services.database, session.actor, exchange.query("username").value_or(""),
        exchange.query("role").value_or(""), exchange.query("password").value_or(""));
    show_users(exchange, session, {{"notice", "Added " + user.username + "."}});
  });
}

void create_token(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    verify_console_csrf(exchange, session);
    app::require(session.actor, domain::Permission::manage_users);
    const app::CreatedToken created = app::create_token(
        exchange.services.database, session.actor, exchange.query("name").value_or("api"));
    show_users(exchange, session, {{"new_token", created.token}});
  });
}

void revoke_token(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    verify_console_csrf(exchange, session);
    app::revoke_token(exchange.services.database, session.actor, exchange.id_parameter(0));
    exchange.redirect("/admin/users");
  });
}

}  // namespace

void add_console_routes(Router& router) {
  router.page_get("/admin/login", sign_in_form);
  router.page_post("/admin/login", sign_in);
  router.page_post("/admin/logout", sign_out);
  router.page_get("/admin/", dashboard);
  router.page_get("/admin", [](Exchange& exchange) { exchange.redirect("/admin/"); });
  router.page_get("/admin/audit", audit);
  router.page_get("/admin/users", users);
  router.page_post("/admin/users", add_user);
  router.page_post("/admin/tokens", create_token);
  router.page_post("/admin/tokens/{id}/revoke", revoke_token);
}

}  // namespace disburse::http
