// The customer portal: / (HTML), /status and /status/change (HTML forms), /static/{name} and
// GET /api/v1/status (JSON).

#include "disburse/app/portal.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/domain/text.hpp"
#include "disburse/domain/us_postal.hpp"
#include "disburse/web/portal_views.hpp"
#include "disburse/web/render.hpp"
#include "router.hpp"

namespace disburse::http {

namespace {

constexpr const char* csrf_cookie_name = "portal_csrf";
constexpr const char* language_cookie_name = "lang";

web::Language request_language(Exchange& exchange) {
  const auto chosen = exchange.query("lang");
  const auto cookie = exchange.cookie(language_cookie_name);
  const web::Language language =
      web::choose_language(chosen ? std::optional<std::string_view>(*chosen) : std::nullopt,
                           cookie ? std::optional<std::string_view>(*cookie) : std::nullopt,
                           exchange.request.get_header_value("Accept-Language"));
  // A link or button choice is remembered for the next visit.
  if (chosen && web::parse_language_code(*chosen) && chosen != cookie) {
    exchange.set_cookie(language_cookie_name, std::string(web::language_code(language)),
               "; Max-Age=31536000; SameSite=Lax");
  }
  return language;
}

bool is_token_text(const std::string& text) {
  return text.size() >= 32 && text.size() <= 64 &&
         text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
             std::string::npos;
}

std::string csrf_token_of(const Exchange& exchange, const std::string& cookie) {
  return security::keyed_hash_hex(exchange.services.secrets.derive_key("portal csrf"), cookie);
}

// A signed double-submit cookie: the form carries a MAC of the cookie's random value, which a
// page on another site can neither read nor compute. The portal has no sessions to tie it to.
std::string issue_csrf_token(Exchange& exchange) {
  std::optional<std::string> cookie = exchange.cookie(csrf_cookie_name);
  if (!cookie || !is_token_text(*cookie)) {
    cookie = security::random_token();
    exchange.set_cookie(csrf_cookie_name, *cookie, "; HttpOnly; SameSite=Strict");
  }
  return csrf_token_of(exchange, *cookie);
}

void verify_csrf_token(Exchange& exchange, web::Language language) {
  const auto cookie = exchange.cookie(csrf_cookie_name);
  const std::string sent = exchange.query("csrf").value_or("");
  const bool valid = cookie && is_token_text(*cookie) &&
                     security::sha256_hex(sent) == security::sha256_hex(csrf_token_of(exchange, *cookie));
  if (!valid) throw Forbidden(web::message(language, "session_expired"));
}

void send_html(Exchange& exchange, int status, std::string_view template_name,
               const nlohmann::json& view) {
  exchange.send_text(status, "text/html; charset=utf-8", web::render_page(template_name, view));
}

std::string typed(const Exchange& exchange, const std::string& name) {
  return exchange.query(name).value_or("").substr(0, 200);
}

app::StatusQuery status_query(const Exchange& exchange) {
  return {typed(exchange, "claim"), typed(exchange, "zip"), exchange.request.remote_addr};
}

std::string zip5_of_input(const std::string& zip) {
  std::string normalized;
  if (!domain::normalize_us_postal_code(domain::trim_ascii_whitespace(zip), normalized)) return "";
  return std::string(domain::zip5_of(normalized));
}

// 410 for a purged program: the claim existed, and its data is gone for good.
int failure_status(app::LookupOutcome outcome) {
  if (outcome == app::LookupOutcome::not_found) return 404;
  if (outcome == app::LookupOutcome::program_purged) return 410;
  return 400;
}

app::StatusResult look_up_status(Exchange& exchange) {
  return app::look_up_status(exchange.services.database, exchange.services.portal_lookups,
                             exchange.services.secrets, status_query(exchange));
}

struct Portal {
  void home(Exchange& exchange) const {
    const web::Language language = request_language(exchange);
    const std::string csrf = issue_csrf_token(exchange);
    send_html(exchange, 200, "portal_home",
              web::home_view(language, csrf, app::open_program_names(exchange.services.database)));
  }

  // The lookup form again, with the reason it failed. The typed claim number is shown again only
  // for a typo, so that both kinds of not-found page are byte-for-byte the same.
  void lookup_failed(Exchange& exchange, web::Language language, const std::string& csrf,
                     const app::StatusResult& result, const std::string& detail) const {
    nlohmann::json view = web::home_view(language, csrf, {});
    view["error"] = detail;
    const bool typo = result.outcome == app::LookupOutcome::invalid_claim_number ||
                      result.outcome == app::LookupOutcome::invalid_zip;
    if (typo) {
      view["claim_input"] = typed(exchange, "claim");
      view["zip_input"] = typed(exchange, "zip");
    }
    send_html(exchange, failure_status(result.outcome), "portal_home", view);
  }

  void status(Exchange& exchange) const {
    const web::Language language = request_language(exchange);
    verify_csrf_token(exchange, language);
    const std::string csrf = issue_csrf_token(exchange);
    const app::StatusResult result = look_up_status(exchange);
    if (result.outcome != app::LookupOutcome::found) {
      lookup_failed(exchange, language, csrf, result, web::lookup_failure_text(language, result));
      return;
    }
    send_html(exchange, 200, "portal_status",
              web::status_view(language, csrf, result, zip5_of_input(typed(exchange, "zip"))));
  }

  void change(Exchange& exchange) const {
    const web::Language language = request_language(exchange);
    verify_csrf_token(exchange, language);
    const std::string csrf = issue_csrf_token(exchange);
    const app::ChangeRequestInput input{status_query(exchange), typed(exchange, "last_name"),
                                        typed(exchange, "kind"), typed(exchange, "paypal_email"),
                                        typed(exchange, "address1"), typed(exchange, "address2"),
                                        typed(exchange, "city"), typed(exchange, "state"),
                                        typed(exchange, "postal_code")};
    const app::ChangeResult result =
        app::request_change(exchange.services.database, exchange.services.portal_lookups,
                            exchange.services.secrets, input);
    if (result.outcome == app::ChangeOutcome::not_verified) {
      app::StatusResult unverified;
      lookup_failed(exchange, language, csrf, unverified, web::message(language, "not_verified"));
      return;
    }
    if (result.status.outcome != app::LookupOutcome::found) {
      lookup_failed(exchange, language, csrf, result.status,
                    web::lookup_failure_text(language, result.status));
      return;
    }
    const bool recorded = result.outcome == app::ChangeOutcome::recorded;
    nlohmann::json view =
        web::status_view(language, csrf, result.status, zip5_of_input(input.who.zip));
    view["notice"] = web::message(language, recorded ? "change_recorded" : "change_not_allowed");
    view["notice_kind"] = recorded ? "success" : "warning";
    send_html(exchange, recorded ? 200 : 409, "portal_status", view);
  }

  void api_status(Exchange& exchange) const {
    const web::Language language = request_language(exchange);
    if (!exchange.query("claim") || !exchange.query("zip")) {
      throw InvalidInput("send claim and zip as query parameters");
    }
    const app::StatusResult result = look_up_status(exchange);
    if (result.outcome == app::LookupOutcome::not_found) {
      throw NotFound(web::lookup_failure_text(language, result));
    }
    if (result.outcome == app::LookupOutcome::program_purged) {
      send_problem(exchange.response, 410, web::lookup_failure_text(language, result),
                   exchange.request_id);
      return;
    }
    if (result.outcome != app::LookupOutcome::found) {
      throw InvalidInput(web::lookup_failure_text(language, result));
    }
    exchange.send_json(200, web::status_json(language, result));
  }
};

void static_asset(Exchange& exchange) {
  const std::string name = exchange.text_parameter(0);
  const auto asset = web::find_static_asset(name);
  if (!asset) throw NotFound("no such file");
  exchange.response.set_header("Cache-Control", "public, max-age=3600");
  exchange.send_text(200, std::string(web::static_asset_content_type(name)), std::string(*asset));
}

// Failures on browser routes: a page in the customer's language, never a stack of JSON.
void error_page(Exchange& exchange, int status, const std::string& detail) {
  const web::Language language = request_language(exchange);
  std::string text = detail;
  if (status == 429) {
    const std::string retry_after = exchange.response.get_header_value("Retry-After");
    const int seconds = retry_after.empty() ? 60 : std::stoi(retry_after);
    text = web::fill(web::message(language, "rate_limited"),
                     {{"minutes", std::to_string(std::max(1, (seconds + 59) / 60))}});
  } else if (status == 404) {
    text = web::message(language, "not_found_page");
  } else if (status >= 500) {
    text = web::message(language, "error_text");
  }
  nlohmann::json view = web::base_view(language, "", web::message(language, "error_heading"));
  view["message"] = text;
  exchange.send_text(status, "text/html; charset=utf-8", web::render_page("error", view));
}

}  // namespace

void add_portal_routes(Router& router) {
  const auto portal = std::make_shared<Portal>();
  router.set_error_page(error_page);
  router.page_get("/", [portal](Exchange& exchange) { portal->home(exchange); });
  router.page_post("/status", [portal](Exchange& exchange) { portal->status(exchange); });
  router.page_post("/status/change", [portal](Exchange& exchange) { portal->change(exchange); });
  router.page_get("/static/{name}", static_asset);
  router.get("/api/v1/status", [portal](Exchange& exchange) { portal->api_status(exchange); });
}

}  // namespace disburse::http
