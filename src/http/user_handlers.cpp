// /api/v1/users and /api/v1/tokens

#include "disburse/app/users.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/app/views.hpp"
#include "router.hpp"

namespace disburse::http {

namespace {

void list_users(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::manage_users);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& user : app::list_users(exchange.services.database, actor)) {
    items.push_back(app::user_json(user));
  }
  exchange.send_json(200, {{"items", items}});
}

void add_user(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::manage_users);
  const nlohmann::json body = exchange.json_body();
  const pg::UserRecord user =
      app::add_user(exchange.services.database, actor, body.value("username", ""),
                    body.value("role", ""), body.value("password", ""));
  exchange.send_json(201, app::user_json(user));
}

// Any signed-in role manages its own tokens: a token never grants more than its user's role.
void list_tokens(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_program);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& token : app::list_tokens(exchange.services.database, actor)) {
    items.push_back(app::token_json(token));
  }
  exchange.send_json(200, {{"items", items}});
}

// The body's "days", if any; its range is the use case's to check.
std::int64_t lifetime_days(const nlohmann::json& body) {
  if (!body.contains("days")) return app::default_token_lifetime_days;
  const nlohmann::json& days = body["days"];
  if (!days.is_number_integer()) throw InvalidInput("days must be a whole number");
  return days.get<std::int64_t>();
}

void create_token(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_program);
  const nlohmann::json body = exchange.json_body();
  const app::CreatedToken created =
      app::create_token(exchange.services.database, actor, body.value("name", "api"),
                        lifetime_days(body));
  exchange.send_json(201, app::created_token_json(created, actor));
}

void revoke_token(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_program);
  const std::int64_t token_id = exchange.id_parameter(0);
  app::revoke_token(exchange.services.database, actor, token_id);
  exchange.send_json(200, {{"id", token_id}, {"revoked", true}});
}

}  // namespace

void add_user_routes(Router& router) {
  router.get("/api/v1/users", list_users);
  router.post("/api/v1/users", add_user);
  router.get("/api/v1/tokens", list_tokens);
  router.post("/api/v1/tokens", create_token);
  router.post("/api/v1/tokens/{id}/revoke", revoke_token);
}

}  // namespace disburse::http
