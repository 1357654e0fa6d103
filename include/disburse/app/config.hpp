#pragma once
// Service configuration, read from the environment once at startup. Every limit is explicit and
// range-checked here, so that a bad value stops the process with a clear message before it
// serves anything.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace disburse::app {

struct Limits {
  long long max_upload_bytes = 512LL * 1024 * 1024;  // One import file (1M rows is ~95 MB).
  long long max_json_bytes = 1024 * 1024;            // Any JSON request body.
  int read_timeout_ms = 30000;
  int write_timeout_ms = 30000;
  int http_threads = 64;             // Requests processed at once.
  int http_max_connections = 512;    // Open connections, each waiting on a thread of its own.
  int header_timeout_ms = 10000;     // A request's line and headers, from its first byte.
  int keep_alive_max_requests = 1000;
  int page_size_max = 500;
};

struct JobSettings {
  int workers = 2;
  int poll_interval_ms = 500;
  int lease_seconds = 60;
};

// Payout batches and provider files (issue 5; docs/payouts.md lists the variables). The
// defaults are demo values that pass every format check; a real deployment sets the values its
// bank and PayPal account gave it.
struct PayoutSettings {
  std::int64_t batch_max_items = 1'000'000;    // DISBURSE_BATCH_MAX_ITEMS: --max-items' ceiling
  int paypal_items_per_file = 15'000;          // DISBURSE_PAYPAL_ITEMS_PER_FILE, 1–15,000
  std::string paypal_note = "Your settlement refund";  // DISBURSE_PAYPAL_NOTE
  std::string positive_pay_account = "1234567890";    // DISBURSE_CHECK_ACCOUNT: 1–10 digits
  std::string ach_destination_routing = "021000021";  // DISBURSE_ACH_DESTINATION_ROUTING
  std::string ach_destination_name = "DEMO BANK";     // DISBURSE_ACH_DESTINATION_NAME, ≤ 23
  std::string ach_origin = "1123456789";              // DISBURSE_ACH_ORIGIN: 10 chars or 9 digits
  std::string ach_origin_name = "DISBURSE DEMO FUND"; // DISBURSE_ACH_ORIGIN_NAME, ≤ 23
  std::string ach_company_name = "SETTLEMENT FUND";   // DISBURSE_ACH_COMPANY_NAME, ≤ 16
  std::string ach_company_id = "1123456789";          // DISBURSE_ACH_COMPANY_ID, 1–10
  std::string ach_odfi_routing = "011000015";         // DISBURSE_ACH_ODFI_ROUTING: our bank
  std::string ach_entry_description = "REFUND";       // DISBURSE_ACH_ENTRY_DESCRIPTION, ≤ 10
};

struct Config {
  std::string database_url;
  std::string listen_host = "127.0.0.1";
  int listen_port = 8080;
  std::string secret_key_file = "var/secret.key";
  int pool_size = 16;
  // Threads answering the portal's status lookups a batch at a time, each with one pooled
  // connection while a batch runs (pg/portal_lookups.hpp). One makes the largest batches, which
  // measured best on two cores; more suit a server with many.
  int portal_lookup_threads = 1;
  int pool_acquire_timeout_ms = 2000;
  int statement_timeout_ms = 30000;
  bool cookie_secure = false;
  Limits limits;
  JobSettings jobs;
  PayoutSettings payouts;
};

using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Reads and validates every setting. Throws InvalidInput naming the variable, the bad value and
// the accepted range. DATABASE_URL may be absent here; commands that need it check for it.
Config load_config(const EnvironmentLookup& lookup);

// The process environment, for load_config.
std::optional<std::string> process_environment(std::string_view name);

}  // namespace disburse::app
