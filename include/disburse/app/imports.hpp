#pragma once
// Importing eligible-customer lists (DESIGN.md "Import", issue 3). The file streams once: it is
// hashed, parsed, validated and copied into a staging table as it is read, and set-based SQL turns
// the staged rows into claimants, all in one transaction, so that a failure leaves nothing of
// the import behind. The CLI runs an import directly; the API stores the upload and a durable job
// runs the same code.
//
// Decisions:
// - A header that cannot be used (missing, unknown or repeated columns, an empty file) refuses
//   the whole file with InvalidInput before anything is written on the CLI; through the API the
//   upload is accepted and the import ends `failed` with the same message.
// - The same file again in the same program (by SHA-256) changes nothing and returns the first
//   import with duplicate_file = true. A failed import does not count.
// - Repeated customer_ids inside a file: the first accepted row wins, later ones are rejected as
//   duplicate_customer_id. Memory stays fixed: a Bloom filter marks the rows that may repeat, and
//   the database settles them exactly.
// - A re-imported customer with different data is held in claimant_changes (sealed) with the
//   review flag changed_on_reimport; the stored record and the claim state are not touched
//   (approved is final in the claim state machine).

#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "disburse/app/actor.hpp"
#include "disburse/domain/import_summary.hpp"
#include "disburse/domain/program.hpp"
#include "disburse/formats/csv.hpp"
#include "disburse/pg/database.hpp"
#include "disburse/security/crypto.hpp"

namespace disburse::app {

struct ImportLimits {
  std::int64_t max_rows = 10'000'000;
  std::int64_t max_file_bytes = 512LL * 1024 * 1024;
  // Statements over a million staged rows take seconds; the pool's default would cut them off.
  int statement_timeout_ms = 30 * 60 * 1000;
  // The Bloom filter of customer_ids: fixed memory, and at a million distinct ids a false "maybe"
  // about once in 17 million rows, so that a clean file skips the search for repeats.
  std::size_t seen_filter_bytes = 32 * 1024 * 1024;
  formats::CsvLimits csv;
};

struct ImportProgress {
  // True once every row is read and staged, while the database turns them into claimants.
  bool rows_staged = false;
  std::int64_t rows_read = 0;
  std::int64_t bytes_read = 0;
  std::int64_t size_bytes = 0;  // 0 when unknown.
};

// Opens the file's bytes from the start. The import's transaction may run again after a
// serialization failure, and then reads the file again from the start.
using OpenInput = std::function<std::unique_ptr<std::istream>()>;

struct ImportSource {
  std::string file_name;
  std::int64_t size_bytes = 0;
  OpenInput open;
};

struct ImportOptions {
  std::function<void(const ImportProgress&)> progress;  // Called every few thousand rows.
  std::function<std::string()> claim_numbers;           // Empty: random numbers.
  ImportLimits limits;
};

struct ImportOutcome {
  domain::ImportSummary summary;
  bool duplicate_file = false;
};

// Permission::import_lists. Throws NotFound for an unknown program, Conflict for a closed one,
// InvalidInput for an unusable file.
ImportOutcome import_list(pg::Database& database, const security::SecretBox& secrets,
                          const Actor& actor, std::int64_t program_id, const ImportSource& source,
                          const ImportOptions& options = {});

// Whether lists may still be imported into the program (setup or distributing).
bool accepts_imports(const domain::Program& program);

// Throws InvalidInput when the start of a file already shows that it cannot be imported: not
// UTF-8 text, or a header that cannot be used (the messages are the import's own). The console
// checks an upload's head this way before storing anything. `head` is the file's first
// import_head_bytes(limits) bytes, or the whole file when it is shorter.
void check_import_head(std::string_view head, const ImportLimits& limits = {});
// One byte more than the longest header: a longer first record is refused anyway.
inline std::size_t import_head_bytes(const ImportLimits& limits = {}) {
  return limits.csv.max_record_size_bytes + 1;
}

struct ImportListRequest {
  std::int64_t program_id = 0;  // 0: every program.
  std::int64_t before_id = 0;   // Paging backwards: imports older than this one; 0 = newest.
  int limit = 50;
};

struct ImportPage {
  std::vector<domain::ImportSummary> items;  // Newest first, without rejected_by_reason.
  std::optional<std::int64_t> next_before_id;  // None on the last page.
};

// Permission::read_program.
ImportPage list_imports(pg::Database& database, const Actor& actor,
                        const ImportListRequest& request);

// Permission::read_program.
domain::ImportSummary show_import(pg::Database& database, const Actor& actor,
                                  std::int64_t import_id);

// The rejected rows as CSV: line_number, reason, field, then the record's fields under the file's
// own header, every cell neutralised for spreadsheets. The records are personal data: the export
// is audited. Permission::import_lists.
void export_rejections(pg::Database& database, const Actor& actor, std::int64_t import_id,
                       std::ostream& output);

// The API's upload: begin (state receiving), append chunks, then finish. finish runs in the
// caller's transaction so that the API can store its idempotent response with it; it either
// queues the durable job or, for a file already imported, drops the upload and returns the
// first import.
std::int64_t begin_upload(pg::Database& database, const Actor& actor, std::int64_t program_id,
                          const std::string& file_name);
void append_upload_chunk(pg::Database& database, std::int64_t import_id, int sequence,
                         std::string_view data);
ImportOutcome finish_upload(pg::Transaction& transaction, const Actor& actor,
                            std::int64_t import_id, const std::string& file_sha256,
                            std::int64_t size_bytes);
// An upload replaced by an earlier request's stored response (same Idempotency-Key): it goes.
void discard_upload(pg::Transaction& transaction, std::int64_t import_id);
// An upload that broke off: the import fails and its chunks go.
void abandon_upload(pg::Database& database, std::int64_t import_id, const std::string& reason);

inline constexpr const char* import_job_kind = "import";

struct ImportJobHooks {
  // On the last attempt an operational failure also fails the import for good.
  bool last_attempt = false;
};

// Runs a queued upload's import, recording its progress twice a second in a separate short
// transaction (the import's own is invisible until it commits). An unusable file ends the import
// `failed` (not retried); an operational failure is thrown for the job to retry, and on the last
// attempt also fails the import.
domain::ImportSummary run_import_job(pg::Database& database, const security::SecretBox& secrets,
                                     std::int64_t import_id, const ImportJobHooks& hooks,
                                     const ImportLimits& limits = {});

// Uploads whose server stopped mid-transfer stay `receiving` with their chunks: those that have
// received nothing for `idle_seconds` fail (a retry of the upload is a new import); returns how
// many.
inline constexpr std::int64_t upload_idle_limit_seconds = 3600;
std::int64_t fail_idle_uploads(pg::Database& database,
                               std::int64_t idle_seconds = upload_idle_limit_seconds);

// The import's job was interrupted on every attempt (its runner died each time): unless the
// import completed meanwhile, it fails, so that the same file can be uploaded again.
void fail_interrupted_import(pg::Transaction& transaction, std::int64_t import_id);

nlohmann::json import_json(const domain::ImportSummary& summary, bool duplicate_file);
// {"items": [...], "next_before_id"} for the API and the CLI.
nlohmann::json import_page_json(const ImportPage& page);

}  // namespace disburse::app
