#pragma once
// What an import of an eligible-customer list did (DESIGN.md "Import"), as stored and reported.
// Every data row ends in exactly one bucket:
//   rows_total    = rows_accepted + rows_rejected
//   rows_accepted = rows_new + rows_existing + rows_changed
// rows_flagged counts the new rows that start in pending_review because of a duplicate signal.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace disburse::domain {

struct ImportCounts {
  std::int64_t rows_total = 0;
  std::int64_t rows_accepted = 0;
  std::int64_t rows_rejected = 0;
  std::int64_t rows_new = 0;
  std::int64_t rows_existing = 0;
  std::int64_t rows_changed = 0;
  std::int64_t rows_flagged = 0;
};

struct ImportSummary {
  std::int64_t id = 0;
  std::int64_t program_id = 0;
  std::string file_sha256;  // Empty while an upload is being received.
  std::string file_name;
  std::int64_t size_bytes = 0;
  // receiving | queued | running | completed | failed
  std::string state;
  std::string failure;
  std::int64_t bytes_processed = 0;
  ImportCounts counts;
  std::map<std::string, std::int64_t> rejected_by_reason;
  std::string created_by;
  std::string created_at;
  std::string completed_at;
  std::optional<std::int64_t> job_id;
  std::string header_json;  // The file's header as read, a JSON array of names.
};

}  // namespace disburse::domain
