// /api/v1/programs/{id}/imports and /api/v1/imports/{id}: uploading eligible-customer lists,
// listing a program's imports and following one.

#include <iostream>

#include "disburse/app/imports.hpp"
#include "disburse/app/programs.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/pg/idempotency_repository.hpp"
#include "router.hpp"
#include "import_transfer.hpp"

namespace disburse::http {

namespace {

constexpr std::size_t max_file_name_bytes = 200;

nlohmann::json with_links(nlohmann::json body) {
  const std::string self =
      "/api/v1/imports/" + std::to_string(body.at("import_id").get<std::int64_t>());
  body["links"] = {{"self", self}, {"rejected", self + "/rejected.csv"}};
  return body;
}

// Finishes the upload at most once per Idempotency-Key, like run_idempotent, with the file's
// SHA-256 standing for the request body (which was streamed, never held).
void finish(Exchange& exchange, const app::Actor& actor, const std::string& key,
            std::int64_t import_id, const std::string& file_sha256, std::int64_t size_bytes) {
  const std::string scope = std::to_string(actor.user_id) + " POST " + exchange.request.path;
  struct Answer {
    int status;
    std::string body;
    bool replayed;
  };
  const Answer answer = exchange.services.database.write([&](pg::Transaction& transaction) {
    if (!key.empty()) {
      if (auto stored = pg::claim_idempotency_key(transaction, scope, key, file_sha256)) {
        if (stored->request_sha256 != file_sha256) {
          throw Unprocessable("this Idempotency-Key was already used with a different file");
        }
        app::discard_upload(transaction, import_id);
        return Answer{stored->status_code, stored->body, true};
      }
    }
    const app::ImportOutcome outcome =
        app::finish_upload(transaction, actor, import_id, file_sha256, size_bytes);
    const int status = outcome.duplicate_file ? 200 : 202;
    const std::string body =
        with_links(app::import_json(outcome.summary, outcome.duplicate_file)).dump();
    if (!key.empty()) {
      pg::store_idempotent_response(transaction, scope, key, status, "application/json", body);
    }
    return Answer{status, body, false};
  });
  if (answer.replayed) exchange.response.set_header("Idempotent-Replayed", "true");
  exchange.send_text(answer.status, "application/json", answer.body);
}

void upload(Exchange& exchange, const httplib::ContentReader& read_content) {
  const app::Actor actor = exchange.api_actor(domain::Permission::import_lists);
  const std::int64_t program_id = exchange.id_parameter(0);
  // Checked before the file is read: a bad key should not cost an upload.
  const std::string key = idempotency_key(exchange);
  const std::string file_name = exchange.query("file_name").value_or("upload.csv");
  if (file_name.size() > max_file_name_bytes) throw InvalidInput("file_name is too long");
  pg::Database& database = exchange.services.database;
  const long long max_bytes = exchange.services.config.limits.max_upload_bytes;
  const std::int64_t import_id = app::begin_upload(database, actor, program_id, file_name);
  UploadWriter writer(database, import_id, max_bytes);
  try {
    const bool received = read_content(
        [&](const char* data, std::size_t length) {
          return writer.add(std::string_view(data, length));
        });
    if (writer.too_large() || exchange.response.status == 413) {
      app::abandon_upload(database, import_id, "the file is larger than the upload limit");
      send_problem(exchange.response, 413,
                   "the file is larger than the limit of " + std::to_string(max_bytes) + " bytes",
                   exchange.request_id);
      return;
    }
    if (!received) throw InvalidInput("the upload broke off before the end of the file");
    writer.finish();
    finish(exchange, actor, key, import_id, writer.sha256_hex(), writer.size_bytes());
  } catch (...) {
    app::abandon_upload(database, import_id, "the upload was not completed");
    throw;
  }
}

void list(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_program);
  app::ImportListRequest request;
  request.program_id = exchange.id_parameter(0);
  request.before_id = exchange.id_query("before_id");
  request.limit = exchange.page_limit(50);
  // An unknown program is a 404, not an empty list.
  app::show_program(exchange.services.database, actor, request.program_id);
  exchange.send_json(200, app::import_page_json(
                              app::list_imports(exchange.services.database, actor, request)));
}

void show(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::read_program);
  const domain::ImportSummary import =
      app::show_import(exchange.services.database, actor, exchange.id_parameter(0));
  nlohmann::json body = with_links(app::import_json(import, false));
  body.erase("duplicate_file");
  body["progress"] = {{"bytes_processed", import.bytes_processed},
                      {"size_bytes", import.size_bytes},
                      {"rows_processed", import.counts.rows_total}};
  exchange.send_json(200, body);
}

void rejected_csv(Exchange& exchange) {
  const app::Actor actor = exchange.api_actor(domain::Permission::import_lists);
  stream_rejected_rows(exchange, actor, exchange.id_parameter(0));
}

}  // namespace

void add_import_routes(Router& router) {
  router.post_streaming("/api/v1/programs/{id}/imports", upload);
  router.get("/api/v1/programs/{id}/imports", list);
  router.get("/api/v1/imports/{id}", show);
  router.get("/api/v1/imports/{id}/rejected.csv", rejected_csv);
}

}  // namespace disburse::http
