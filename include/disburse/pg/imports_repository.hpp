#pragma once
// Imports of eligible-customer lists: the imports table, the uploaded chunks, the bulk staging of
// rows through COPY, and the set-based statements that turn staged rows into claimants.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "disburse/domain/customer_row.hpp"
#include "disburse/domain/import_summary.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::pg {

struct NewImport {
  std::int64_t program_id = 0;
  std::string file_name;
  std::int64_t size_bytes = 0;
  std::string state;  // receiving | running
  std::string created_by;
};

std::int64_t insert_import(Transaction& transaction, const NewImport& import);
// The import with its rejection counts; a failed job shows through as a failed import.
std::optional<domain::ImportSummary> find_import(Transaction& transaction, std::int64_t import_id);
// Imports newest first, of one program or of all (program_id 0), older than before_id unless 0;
// without rejected_by_reason.
std::vector<domain::ImportSummary> list_imports(Transaction& transaction, std::int64_t program_id,
                                                std::int64_t before_id, int limit);
// The import of the same file in the same program that did not fail, other than `except_id`.
std::optional<std::int64_t> find_import_of_file(Transaction& transaction, std::int64_t program_id,
                                                const std::string& file_sha256,
                                                std::int64_t except_id);

// Serialises the end of uploads into one program for the rest of the transaction, so that two
// uploads of one file cannot both be queued. It does not wait for a running import of the
// program, which holds the program's row lock for as long as it runs.
void lock_program_uploads(Transaction& transaction, std::int64_t program_id);

// Records the outcome of a completed import and deletes its uploaded chunks.
void complete_import(Transaction& transaction, std::int64_t import_id,
                     const std::string& file_sha256, std::int64_t size_bytes,
                     const std::string& header_json, const domain::ImportCounts& counts);
void set_import_state(Transaction& transaction, std::int64_t import_id, const std::string& state);
void queue_import(Transaction& transaction, std::int64_t import_id, const std::string& file_sha256,
                  std::int64_t size_bytes, std::int64_t job_id);
// Marks the import failed, keeps the reason and drops its uploaded chunks. A completed import
// stays completed.
void fail_import(Transaction& transaction, std::int64_t import_id, const std::string& failure);
// Fails every upload still `receiving` that started, and last received a chunk, more than
// `idle_seconds` ago, and deletes its chunks; returns how many.
std::int64_t fail_idle_uploads(Transaction& transaction, std::int64_t idle_seconds,
                               const std::string& failure);
void delete_import(Transaction& transaction, std::int64_t import_id);
void record_import_progress(Transaction& transaction, std::int64_t import_id,
                            std::int64_t bytes_processed, std::int64_t rows_total);

void append_import_chunk(Transaction& transaction, std::int64_t import_id, int sequence,
                         std::string_view data);
// Chunk `sequence` of the upload, or nothing past the last one.
std::optional<std::string> read_import_chunk(Transaction& transaction, std::int64_t import_id,
                                             int sequence);

struct Rejection {
  std::int64_t line_number = 0;
  std::string reason;
  std::string field;
  std::string raw_record_json;  // A JSON array of the record's fields as read; may be empty.
};

// The import's rejected rows in line order, `batch_size` at a time, so that memory stays bounded.
void for_each_rejection(Transaction& transaction, std::int64_t import_id, int batch_size,
                        const std::function<void(const Rejection&)>& visit);

// One row of the file on its way to the staging table. A rejected row carries its reason, field
// and raw record; an accepted one its normalised record and derived values, and its raw record
// only when its customer_id may repeat an earlier row's.
struct StagedRow {
  std::int64_t line_number = 0;
  std::string_view reason;  // Empty for an accepted row.
  std::string_view field;
  std::string_view raw_record_json;  // Empty for none.
  const domain::CustomerRecord* record = nullptr;
  std::string_view claim_number;
  std::string_view email_key;  // Empty for none.
  std::string_view address_key;
  std::string_view record_fingerprint;
  std::string_view bank_routing_sealed;  // Empty unless ACH.
  std::string_view bank_account_sealed;
  std::string_view portal_zip5;
};

// A temporary table of the file's rows, filled through one COPY stream. It lives until the end of
// the transaction. While it is open, the transaction's connection serves only the COPY.
class ImportStaging {
 public:
  explicit ImportStaging(Transaction& transaction);
  ~ImportStaging();
  ImportStaging(const ImportStaging&) = delete;
  ImportStaging& operator=(const ImportStaging&) = delete;

  void add(const StagedRow& row);
  // Ends the COPY. The table is not analysed: the planner estimates a never-analysed table from
  // its actual size, which is all the hash joins here need, and ANALYZE costs a second a million.
  void finish();

 private:
  struct Stream;
  Transaction& transaction_;
  std::unique_ptr<Stream> stream_;
  std::string line_;
};

// What the set-based part of an import needs from the use case.
struct ResolveCallbacks {
  // False when the importer knows no accepted row repeats another's customer_id (its filter
  // never said "maybe"): the search for repeats is then skipped.
  bool may_repeat_customer_ids = true;
  // Seals a proposed record (JSON text) for claimant_changes.
  std::function<std::string(std::string_view)> seal;
  // Draws a fresh claim number, for the rare row whose number was already taken.
  std::function<std::string()> new_claim_number;
};

// Turns the staged rows into the import's outcome, in the caller's transaction: rejects repeated
// customer_ids (the first accepted row wins), records rejections, holds changed records for
// review, raises duplicate-signal flags, inserts the new claimants with their first claim events,
// and returns the counts. `rows_total` and `rows_rejected` come in as read by the caller.
domain::ImportCounts resolve_import(Transaction& transaction, std::int64_t program_id,
                                    std::int64_t import_id, const std::string& actor,
                                    domain::ImportCounts counts, const ResolveCallbacks& callbacks);

// Session settings for one bulk import transaction: a statement timeout sized for millions of
// rows and enough sort memory for the set-based statements.
void prepare_bulk_transaction(Transaction& transaction, int statement_timeout_ms);

}  // namespace disburse::pg
