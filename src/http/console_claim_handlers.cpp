// The console's claimant screens: /admin/claims (a program's claims, masked), one claim with its
// history, an audited one-time reveal, and review decisions. The use cases check every role.

#include "console_page.hpp"
#include "disburse/app/claim_views.hpp"
#include "disburse/app/claims.hpp"
#include "disburse/app/programs.hpp"
#include "disburse/domain/errors.hpp"
#include "router.hpp"

namespace disburse::http {

namespace {

std::optional<std::string> non_empty_query(const Exchange& exchange, const std::string& name) {
  auto value = exchange.query(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

// The programs for the filter's select, with the shown one selected. Without a program in the
// query the first program is shown, so the screen is useful from its nav link.
nlohmann::json program_options(const std::vector<domain::Program>& programs,
                               std::int64_t& program_id) {
  if (program_id == 0 && !programs.empty()) program_id = programs.front().id;
  nlohmann::json options = nlohmann::json::array();
  for (const auto& program : programs) {
    options.push_back({{"id", std::to_string(program.id)},
                       {"name", program.settings.name},
                       {"selected", program.id == program_id}});
  }
  return options;
}

// The list's address with its current filter and search, for the next-page link.
std::string list_path(const app::ClaimListRequest& request) {
  httplib::Params params = {{"program", std::to_string(request.program_id)}};
  const std::pair<const char*, const std::optional<std::string>*> fields[] = {
      {"state", &request.state},        {"flag", &request.review_flag},
      {"claim", &request.claim_number}, {"last_name", &request.last_name},
      {"email", &request.email},        {"zip", &request.zip}};
  for (const auto& [name, value] : fields) {
    if (*value) params.emplace(name, **value);
  }
  return httplib::append_query_params("/admin/claims", params);
}

void claims(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    app::ClaimListRequest request;
    request.program_id = exchange.id_query("program");
    const nlohmann::json programs = program_options(
        app::list_programs(exchange.services.database, session.actor), request.program_id);
    request.state = non_empty_query(exchange, "state");
    request.review_flag = non_empty_query(exchange, "flag");
    request.claim_number = non_empty_query(exchange, "claim");
    request.last_name = non_empty_query(exchange, "last_name");
    request.email = non_empty_query(exchange, "email");
    request.zip = non_empty_query(exchange, "zip");
    request.cursor = non_empty_query(exchange, "cursor");
    request.limit = 100;
    nlohmann::json view = {{"title", "Claimants"}, {"programs", programs},
                           {"filter", {{"program", std::to_string(request.program_id)},
                                       {"state", request.state.value_or("")},
                                       {"flag", request.review_flag.value_or("")},
                                       {"claim", request.claim_number.value_or("")},
                                       {"last_name", request.last_name.value_or("")},
                                       {"email", request.email.value_or("")},
                                       {"zip", request.zip.value_or("")}}},
                           {"list_path", list_path(request)}};
    view["searching_personal_data"] = request.last_name || request.email || request.zip;
    for (const char* state : {"pending_review", "approved", "deficient", "denied"}) {
      view[std::string("filter_") + state] = request.state == state;
    }
    int status = 200;
    try {
      if (request.program_id != 0) {
        view.update(app::claim_page_json(app::list_claims(
            exchange.services.database, exchange.services.secrets, session.actor, request)));
      }
    } catch (const InvalidInput& error) {
      // A mistyped search is answered on the search page itself, with the form as it was sent.
      status = 400;
      view["error"] = error.what();
    }
    view["has_claims"] = view.contains("items") && !view["items"].empty();
    render_console(exchange, status, "console_claims", view, &session);
  });
}

void show_claim_page(Exchange& exchange, const ConsoleSession& session, bool reveal) {
  const app::ClaimDetail detail = app::show_claim(exchange.services.database, exchange.services.secrets,
                                                  session.actor, exchange.text_parameter(0), reveal);
  nlohmann::json view = app::claim_detail_json(detail);
  // The JSON's "state" is the address's state once revealed, so the claim's state travels apart.
  view["claim_state"] = std::string(domain::to_string(detail.claim.state));
  view["title"] = "Claim " + view["claim_number"].get<std::string>();
  render_console(exchange, 200, "console_claim", view, &session);
}

void claim(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) { show_claim_page(exchange, session, false); });
}

// A POST, so that a reveal is a deliberate act with a CSRF token; the unmasked page is sent once
// with no-store and is never a URL that a history or a referrer could replay.
void reveal(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    verify_console_csrf(exchange, session);
    show_claim_page(exchange, session, true);
  });
}

void decide(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    verify_console_csrf(exchange, session);
    const std::string claim_number = exchange.text_parameter(0);
    const app::DecisionResult result = exchange.services.database.write([&](pg::Transaction& transaction) {
      return app::decide_claim(transaction, session.actor, claim_number,
                               exchange.query("decision").value_or(""),
                               exchange.query("reason").value_or(""), app::current_epoch_seconds());
    });
    exchange.redirect("/admin/claims/" + result.claim.claim_number);
  });
}

}  // namespace

void add_console_claim_routes(Router& router) {
  router.page_get("/admin/claims", claims);
  router.page_get("/admin/claims/{claim_number}", claim);
  router.page_post("/admin/claims/{claim_number}/reveal", reveal);
  router.page_post("/admin/claims/{claim_number}/decisions", decide);
}

}  // namespace disburse::http
