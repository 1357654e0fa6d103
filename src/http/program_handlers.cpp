// /api/v1/programs

#include "disburse/app/programs.hpp"
#include "disburse/app/views.hpp"
#include "disburse/domain/errors.hpp"
#include "router.hpp"

namespace disburse::http {

namespace {

// A whole number, whatever its size (its range is the use case's to check): get<int>() would
// wrap a large one silently into range.
std::optional<std::int64_t> optional_int(const nlohmann::json& body, const char* name) {
  if (!body.contains(name)) return std::nullopt;
  if (!body.at(name).is_number_integer()) {
    throw InvalidInput(std::string(name) + " must be a whole number");
  }
  return body.at(name).get<std::int64_t>();
}

// Amounts are accepted as decimal strings ("5800000.00"), never as JSON numbers, which many
// clients would round through a double.
std::string amount_text(const nlohmann::json& body, const char* name, const char* fallback) {
  if (!body.contains(name)) return fallback;
  if (!body.at(name).is_string()) {
    throw InvalidInput(std::string(name) + " must be a decimal string such as \"5800000.00\"");
  }
  return body.at(name).get<std::string>();
}

app::ProgramRequest program_request(const nlohmann::json& body) {
  app::ProgramRequest request;
  request.name = body.value("name", "");
  request.fund = amount_text(body, "fund", "");
  request.reserve = amount_text(body, "reserve", "0");
  request.min_payment = amount_text(body, "min_payment", "0");
  request.currency = body.value("currency", "USD");
  request.paypal_window_days = optional_int(body, "paypal_window_days");
  request.check_window_days = optional_int(body, "check_window_days");
  request.cure_window_days = optional_int(body, "cure_window_days");
  return request;
}

void create(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::manage_program);
  const app::ProgramRequest request = program_request(exchange.json_body());
  run_idempotent(exchange, actor, false, [&](pg::Transaction& transaction) {
    return std::pair{201, app::program_json(app::create_program(transaction, actor, request))};
  });
}

void list(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_program);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& program : app::list_programs(exchange.services.database, actor)) {
    items.push_back(app::program_json(program));
  }
  exchange.send_json(200, {{"items", items}});
}

void show(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_program);
  exchange.send_json(200, app::program_json(app::show_program(exchange.services.database, actor,
                                                              exchange.id_parameter(0))));
}

}  // namespace

void add_program_routes(Router& router) {
  router.post("/api/v1/programs", create);
  router.get("/api/v1/programs", list);
  router.get("/api/v1/programs/{id}", show);
}

}  // namespace disburse::http
