#include "import_transfer.hpp"

#include "disburse/app/imports.hpp"

namespace disburse::http {

namespace {

// Uploads are stored in chunks of this size: small enough that no database value is huge, large
// enough that a 95 MB file is a hundred short transactions.
constexpr std::size_t upload_chunk_bytes = 1024 * 1024;

}  // namespace

UploadWriter::UploadWriter(pg::Database& database, std::int64_t import_id, long long max_bytes)
    : database_(database), import_id_(import_id), max_bytes_(max_bytes) {
  buffer_.reserve(upload_chunk_bytes);
}

bool UploadWriter::add(std::string_view data) {
  size_bytes_ += static_cast<std::int64_t>(data.size());
  if (size_bytes_ > max_bytes_) {
    too_large_ = true;
    return false;
  }
  hasher_.update(data);
  buffer_.append(data);
  if (buffer_.size() >= upload_chunk_bytes) store();
  return true;
}

void UploadWriter::finish() {
  if (!buffer_.empty()) store();
}

void UploadWriter::store() {
  app::append_upload_chunk(database_, import_id_, next_sequence_++, buffer_);
  buffer_.clear();
}

void stream_rejected_rows(Exchange& exchange, const app::Actor& actor, std::int64_t import_id) {
  app::require(actor, domain::Permission::import_lists);
  app::show_import(exchange.services.database, actor, import_id);
  pg::Database& database = exchange.services.database;
  exchange.stream_csv("import-" + std::to_string(import_id) + "-rejected.csv",
                      [&database, actor, import_id](std::ostream& out) {
                        app::export_rejections(database, actor, import_id, out);
                      });
}

}  // namespace disburse::http
