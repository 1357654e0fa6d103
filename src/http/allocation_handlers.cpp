// /api/v1/programs/{id}/weighting-rule, /api/v1/programs/{id}/allocations, /api/v1/allocations

#include "disburse/app/allocation_views.hpp"
#include "disburse/app/allocations.hpp"
#include "disburse/domain/errors.hpp"
#include "router.hpp"

namespace disburse::http {

namespace {

// Seeds are 63-bit numbers, which some JSON clients round through a double: accept a string.
std::optional<std::string> seed_text(const nlohmann::json& body) {
  if (!body.contains("seed")) return std::nullopt;
  const nlohmann::json& seed = body.at("seed");
  if (seed.is_string()) return seed.get<std::string>();
  if (seed.is_number_unsigned()) return std::to_string(seed.get<std::uint64_t>());
  throw InvalidInput("seed must be a whole number, preferably as a string");
}

app::AllocationRequest allocation_request(std::int64_t program_id, const nlohmann::json& body) {
  app::AllocationRequest request;
  request.program_id = program_id;
  request.round = body.value("round", 1);
  request.seed = seed_text(body);
  if (body.contains("cap")) {
    if (!body.at("cap").is_string())
      throw InvalidInput("cap must be a decimal string such as \"150.00\"");
    request.cap = body.at("cap").get<std::string>();
  }
  return request;
}

void show_rule(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_program);
  exchange.send_json(200, app::weighting_rule_json(app::show_weighting_rule(
                              exchange.services.database, actor, exchange.id_parameter(0))));
}

void set_rule(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::manage_program);
  const nlohmann::json body = exchange.json_body();
  if (!body.contains("text") || !body.at("text").is_string()) {
    throw InvalidInput(
        "send the rule as {\"text\": \"months_cap=60\\nIndoor Cam=3\\n…\"}; an "
        "empty text returns to the default rule");
  }
  const std::string text = body.at("text").get<std::string>();
  const std::int64_t program_id = exchange.id_parameter(0);
  run_idempotent(exchange, actor, false, [&](pg::Transaction& transaction) {
    return std::pair{200, app::weighting_rule_json(
                              app::set_weighting_rule(transaction, actor, program_id, text))};
  });
}

void create(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::run_allocation);
  // Every field has a default, so an empty body asks for a run with the defaults.
  const nlohmann::json body =
      exchange.request.body.empty() ? nlohmann::json::object() : exchange.json_body();
  const app::AllocationRequest request = allocation_request(exchange.id_parameter(0), body);
  run_idempotent(exchange, actor, false, [&](pg::Transaction& transaction) {
    return std::pair{
        201, app::allocation_run_json(app::create_allocation_run(transaction, actor, request))};
  });
}

void list(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_program);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& run : app::list_allocation_runs(exchange.services.database, actor,
                                                   exchange.id_parameter(0), exchange.page_limit(100))) {
    items.push_back(app::allocation_run_json(run));
  }
  exchange.send_json(200, {{"items", items}});
}

void show(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_program);
  exchange.send_json(200, app::allocation_run_json(app::show_allocation_run(
                              exchange.services.database, actor, exchange.id_parameter(0))));
}

void approve(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::run_allocation);
  const std::int64_t run_id = exchange.id_parameter(0);
  run_idempotent(exchange, actor, true, [&](pg::Transaction& transaction) {
    return std::pair{200,
                     app::approval_json(app::approve_allocation_run(transaction, actor, run_id))};
  });
}

void explain(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_program);
  const auto claim_number = exchange.query("claim");
  if (!claim_number) throw InvalidInput("name the claim: ?claim=CLAIM_NUMBER");
  exchange.send_json(
      200, app::explanation_json(app::explain_allocation_share(
               exchange.services.database, actor, exchange.id_parameter(0), *claim_number)));
}

// Streams the rows straight from a database cursor into the chunked response, so that a run
// of 1,000,000 shares is never held in memory. Failures before the first byte are answered as
// problems; after it, the connection is cut, which a client sees as a truncated download.
void shares_csv(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_program);
  const std::int64_t run_id = exchange.id_parameter(0);
  pg::Database& database = exchange.services.database;
  app::require_readable_run(database, actor, run_id);
  exchange.stream_csv(
      "allocation-" + std::to_string(run_id) + "-shares.csv", [&database, actor, run_id](std::ostream& out) {
        app::write_shares_csv(database, actor, run_id, [&out](std::string_view chunk) {
          out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
          if (!out) throw Unavailable("the client stopped reading");
        });
      });
}

}  // namespace

void add_allocation_routes(Router& router) {
  router.get("/api/v1/programs/{id}/weighting-rule", show_rule);
  router.post("/api/v1/programs/{id}/weighting-rule", set_rule);
  router.post("/api/v1/programs/{id}/allocations", create);
  router.get("/api/v1/programs/{id}/allocations", list);
  router.get("/api/v1/allocations/{id}", show);
  router.post("/api/v1/allocations/{id}/approve", approve);
  router.get("/api/v1/allocations/{id}/explain", explain);
  router.get("/api/v1/allocations/{id}/shares.csv", shares_csv);
}

}  // namespace disburse::http
