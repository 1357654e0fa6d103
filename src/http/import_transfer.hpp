#pragma once
// Moving list files over HTTP, shared by the API and the console: an upload is stored as it
// arrives (hashed and kept in chunks in the database, never held whole in memory), and an
// import's rejected rows are streamed out as CSV.

#include <cstdint>
#include <string>
#include <string_view>

#include "disburse/app/actor.hpp"
#include "disburse/pg/database.hpp"
#include "disburse/security/crypto.hpp"
#include "exchange.hpp"

namespace disburse::http {

class UploadWriter {
 public:
  UploadWriter(pg::Database& database, std::int64_t import_id, long long max_bytes);

  // False, and nothing more is stored, once the upload passes `max_bytes`.
  bool add(std::string_view data);
  // Stores what is still buffered.
  void finish();

  std::string sha256_hex() { return hasher_.final_hex(); }
  std::int64_t size_bytes() const { return size_bytes_; }
  bool too_large() const { return too_large_; }

 private:
  void store();

  pg::Database& database_;
  std::int64_t import_id_;
  long long max_bytes_;
  std::string buffer_;
  security::Sha256 hasher_;
  std::int64_t size_bytes_ = 0;
  int next_sequence_ = 0;
  bool too_large_ = false;
};

// Sends the import's rejected rows as a CSV download (app::export_rejections, which checks the
// permission and audits the export). An unknown import is refused before the download starts.
void stream_rejected_rows(Exchange& exchange, const app::Actor& actor, std::int64_t import_id);

}  // namespace disburse::http
