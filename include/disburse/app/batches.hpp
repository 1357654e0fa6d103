#pragma once
// Payout batches (issue 5): create (the maker), approve (a second user), cancel, and produce
// the provider files exactly once. Each use case is one transaction; the CLI and the HTTP API
// both call these.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "disburse/app/actor.hpp"
#include "disburse/app/config.hpp"
#include "disburse/domain/batch.hpp"
#include "disburse/pg/database.hpp"
#include "disburse/security/crypto.hpp"

namespace disburse::app {

struct BatchRequest {
  std::int64_t program_id = 0;
  std::string method;                    // "paypal", "check" or "ach"
  std::optional<std::int64_t> max_items;  // Defaults to, and may not exceed, batch_max_items.
};

// Runs in the caller's transaction, so that the API stores its idempotent response with it.
// Throws Conflict when no allocated payment of the method is ready for its rail: that
// refusal writes nothing.
domain::Batch create_batch(pg::Transaction& transaction, const Actor& actor,
                           const PayoutSettings& settings, const BatchRequest& request);

// The batch after the call, and whether the call changed it (false for a repeat).
struct BatchChange {
  domain::Batch batch;
  bool changed = false;
};

// Maker-checker: the creator may not approve (Forbidden). Conflict unless the batch is a draft
// (or already approved, which changes nothing).
BatchChange approve_batch(pg::Transaction& transaction, const Actor& actor, std::int64_t batch_id);

// A draft or approved batch is cancelled and its payments return to allocated.
BatchChange cancel_batch(pg::Transaction& transaction, const Actor& actor, std::int64_t batch_id);

domain::Batch show_batch(pg::Database& database, const Actor& actor, std::int64_t batch_id);
std::vector<domain::Batch> list_batches(pg::Database& database, const Actor& actor,
                                        std::int64_t program_id, int limit);

struct FileOptions {
  std::optional<std::chrono::year_month_day> effective_date;  // ACH; default next business day
  std::optional<std::chrono::year_month_day> issue_date;      // checks; default today (UTC)
};

struct BatchFiles {
  domain::Batch batch;
  std::vector<domain::BatchFile> files;  // Plain bytes, in part order.
  bool produced = false;  // True for the call that produced them, false for a repeat.
};

// The first call on an approved batch writes its provider files, stores them, marks the batch
// and its payments submitted and books one ledger entry, all in one transaction. Later calls
// return the stored bytes and change nothing. Options only matter on the first call.
BatchFiles produce_batch_files(pg::Database& database, const Actor& actor,
                               const PayoutSettings& settings, const security::SecretBox& secrets,
                               std::int64_t batch_id, const FileOptions& options);

// "2024-04-15", or InvalidInput naming `what`.
std::chrono::year_month_day parse_date(const std::string& text, const std::string& what);

nlohmann::json batch_json(const domain::Batch& batch);
// The batch and its files' metadata (part, name, type, sha256, size), without the bytes.
nlohmann::json batch_files_json(const BatchFiles& files);

}  // namespace disburse::app
