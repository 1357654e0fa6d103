// /api/v1/claims: the review queue, one claim with its history, and review decisions.

#include "disburse/app/claim_views.hpp"
#include "disburse/app/claims.hpp"
#include "disburse/domain/errors.hpp"
#include "router.hpp"

namespace disburse::http {

namespace {

bool reveal_requested(const Exchange& exchange) {
  const auto reveal = exchange.query("reveal");
  return reveal && (*reveal == "true" || *reveal == "1");
}

void list(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_program);
  app::ClaimListRequest request;
  const auto program = exchange.query("program_id");
  if (!program) throw InvalidInput("program_id is required");
  try {
    request.program_id = std::stoll(*program);
  } catch (const std::exception&) {
    throw InvalidInput("program_id must be a whole number");
  }
  request.state = exchange.query("state");
  request.review_flag = exchange.query("flag");
  request.limit = exchange.page_limit(100);
  request.cursor = exchange.query("cursor");
  request.reveal = reveal_requested(exchange);
  request.claim_number = exchange.query("claim_number");
  request.last_name = exchange.query("last_name");
  request.email = exchange.query("email");
  request.zip = exchange.query("zip");
  const app::ClaimPage page =
      app::list_claims(exchange.services.database, exchange.services.secrets, actor, request);
  exchange.send_json(200, app::claim_page_json(page));
}

void show(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_program);
  exchange.send_json(200, app::claim_detail_json(app::show_claim(
                              exchange.services.database, exchange.services.secrets, actor,
                              exchange.text_parameter(0), reveal_requested(exchange))));
}

void decide(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::review_claims);
  const nlohmann::json body = exchange.json_body();
  const std::string decision = body.value("decision", "");
  const std::string reason = body.value("reason", "");
  const std::string claim_number = exchange.text_parameter(0);
  run_idempotent(exchange, actor, false, [&](pg::Transaction& transaction) {
    return std::pair{200, app::decision_json(app::decide_claim(transaction, actor, claim_number,
                                                               decision, reason,
                                                               app::current_epoch_seconds()))};
  });
}

}  // namespace

void add_claim_routes(Router& router) {
  router.get("/api/v1/claims", list);
  router.get("/api/v1/claims/{claim_number}", show);
  router.post("/api/v1/claims/{claim_number}/decisions", decide);
}

}  // namespace disburse::http
