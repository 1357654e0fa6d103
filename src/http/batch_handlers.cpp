// /api/v1/programs/{id}/batches, /api/v1/batches/{id}[/approve|/cancel|/file] and
// /api/v1/programs/{id}/check

#include <charconv>

#include "disburse/app/batches.hpp"
#include "disburse/app/books.hpp"
#include "disburse/domain/errors.hpp"
#include "router.hpp"

namespace disburse::http {

namespace {

app::BatchRequest batch_request(std::int64_t program_id, const nlohmann::json& body) {
  app::BatchRequest request;
  request.program_id = program_id;
  if (!body.contains("method") || !body.at("method").is_string()) {
    throw InvalidInput("method is required: paypal, check or ach");
  }
  request.method = body.at("method").get<std::string>();
  if (body.contains("max_items")) {
    if (!body.at("max_items").is_number_integer()) {
      throw InvalidInput("max_items must be a whole number");
    }
    request.max_items = body.at("max_items").get<std::int64_t>();
  }
  return request;
}

void create(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::manage_batches);
  const app::BatchRequest request =
      batch_request(exchange.id_parameter(0), exchange.json_body());
  run_idempotent(exchange, actor, true, [&](pg::Transaction& transaction) {
    return std::pair{201, app::batch_json(app::create_batch(
                              transaction, actor, exchange.services.config.payouts, request))};
  });
}

nlohmann::json change_json(const app::BatchChange& change) {
  nlohmann::json body = app::batch_json(change.batch);
  body["changed"] = change.changed;
  return body;
}

void approve(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::manage_batches);
  const std::int64_t batch_id = exchange.id_parameter(0);
  run_idempotent(exchange, actor, false, [&](pg::Transaction& transaction) {
    return std::pair{200, change_json(app::approve_batch(transaction, actor, batch_id))};
  });
}

void cancel(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::manage_batches);
  const std::int64_t batch_id = exchange.id_parameter(0);
  run_idempotent(exchange, actor, false, [&](pg::Transaction& transaction) {
    return std::pair{200, change_json(app::cancel_batch(transaction, actor, batch_id))};
  });
}

void show(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_program);
  exchange.send_json(200, app::batch_json(app::show_batch(exchange.services.database, actor,
                                                          exchange.id_parameter(0))));
}

void list(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_program);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& batch : app::list_batches(exchange.services.database, actor,
                                             exchange.id_parameter(0), exchange.page_limit(100))) {
    items.push_back(app::batch_json(batch));
  }
  exchange.send_json(200, {{"items", items}});
}

int part_of(const Exchange& exchange) {
  const auto text = exchange.query("part");
  if (!text) return 1;
  int part = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), part);
  if (error != std::errc() || end != text->data() + text->size() || part < 1) {
    throw InvalidInput("part must be a positive whole number");
  }
  return part;
}

app::FileOptions file_options(const Exchange& exchange) {
  app::FileOptions options;
  if (const auto text = exchange.query("effective_date")) {
    options.effective_date = app::parse_date(*text, "effective_date");
  }
  if (const auto text = exchange.query("issue_date")) {
    options.issue_date = app::parse_date(*text, "issue_date");
  }
  return options;
}

// The first request produces the files and submits the batch; every later one returns the
// same stored bytes. X-File-Parts tells a client how many parts to fetch with ?part=N.
void file(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::manage_batches);
  const int part = part_of(exchange);
  const app::BatchFiles files = app::produce_batch_files(
      exchange.services.database, actor, exchange.services.config.payouts,
      exchange.services.secrets, exchange.id_parameter(0), file_options(exchange));
  for (const domain::BatchFile& batch_file : files.files) {
    if (batch_file.part != part) continue;
    exchange.response.set_header("Content-Disposition",
                                 "attachment; filename=\"" + batch_file.file_name + "\"");
    exchange.response.set_header("X-File-Part", std::to_string(part));
    exchange.response.set_header("X-File-Parts", std::to_string(files.files.size()));
    exchange.response.set_header("X-Content-SHA256", batch_file.sha256);
    exchange.response.set_header("X-File-Produced", files.produced ? "true" : "false");
    exchange.send_text(200, batch_file.content_type, batch_file.content);
    return;
  }
  throw NotFound("batch " + std::to_string(files.batch.id) + " has " +
                 std::to_string(files.files.size()) + " file part(s), not part " +
                 std::to_string(part));
}

void check(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_program);
  exchange.send_json(200, app::books_json(app::check_books(exchange.services.database, actor,
                                                           exchange.id_parameter(0))));
}

}  // namespace

void add_batch_routes(Router& router) {
  router.post("/api/v1/programs/{id}/batches", create);
  router.get("/api/v1/programs/{id}/batches", list);
  router.get("/api/v1/programs/{id}/check", check);
  router.get("/api/v1/batches/{id}", show);
  router.post("/api/v1/batches/{id}/approve", approve);
  router.post("/api/v1/batches/{id}/cancel", cancel);
  router.get("/api/v1/batches/{id}/file", file);
}

}  // namespace disburse::http
