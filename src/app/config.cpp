#include "disburse/app/config.hpp"

#include <charconv>
#include <cstdlib>

#include "disburse/domain/errors.hpp"
#include "disburse/formats/nacha.hpp"

namespace disburse::app {

namespace {

template <typename Integer>
Integer read_integer(const EnvironmentLookup& lookup, std::string_view name, Integer fallback,
                     Integer minimum, Integer maximum) {
  const std::optional<std::string> text = lookup(name);
  if (!text || text->empty()) return fallback;
  Integer value{};
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value < minimum ||
      value > maximum) {
    throw InvalidInput(std::string(name) + "='" + text->substr(0, 40) +
                       "' must be a whole number from " + std::to_string(minimum) + " to " +
                       std::to_string(maximum));
  }
  return value;
}

bool read_flag(const EnvironmentLookup& lookup, std::string_view name) {
  const std::optional<std::string> text = lookup(name);
  if (!text || text->empty() || *text == "0" || *text == "false") return false;
  if (*text == "1" || *text == "true") return true;
  throw InvalidInput(std::string(name) + " must be 0, 1, true or false");
}

// Splits "host:port"; the port is required so that no one is surprised by a default.
void read_listen(const EnvironmentLookup& lookup, Config& config) {
  const std::optional<std::string> text = lookup("DISBURSE_LISTEN");
  if (!text || text->empty()) return;
  const std::size_t colon = text->rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw InvalidInput("DISBURSE_LISTEN='" + *text + "' must be host:port, e.g. 127.0.0.1:8080");
  }
  config.listen_host = text->substr(0, colon);
  const std::string port = text->substr(colon + 1);
  config.listen_port = read_integer<int>(
      [&](std::string_view) { return std::optional<std::string>(port); }, "DISBURSE_LISTEN port",
      0, 0, 65535);
}

// A text setting: printable ASCII within `max_length` characters, and not empty.
std::string read_text(const EnvironmentLookup& lookup, std::string_view name,
                      const std::string& fallback, std::size_t max_length) {
  const std::optional<std::string> text = lookup(name);
  if (!text || text->empty()) return fallback;
  bool printable = text->size() <= max_length;
  for (const char character : *text) printable = printable && character >= ' ' && character <= '~';
  if (!printable) {
    throw InvalidInput(std::string(name) + " must be 1 to " + std::to_string(max_length) +
                       " printable ASCII characters");
  }
  return *text;
}

std::string read_digits(const EnvironmentLookup& lookup, std::string_view name,
                        const std::string& fallback, std::size_t min_length,
                        std::size_t max_length) {
  const std::string text = read_text(lookup, name, fallback, max_length);
  if (text.size() < min_length || text.find_first_not_of("0123456789") != std::string::npos) {
    throw InvalidInput(std::string(name) + " must be " + std::to_string(min_length) + " to " +
                       std::to_string(max_length) + " digits");
  }
  return text;
}

std::string read_routing(const EnvironmentLookup& lookup, std::string_view name,
                         const std::string& fallback) {
  const std::string text = read_digits(lookup, name, fallback, 9, 9);
  if (!formats::nacha::is_valid_routing_number(text)) {
    throw InvalidInput(std::string(name) + " is not a routing number: its check digit is wrong");
  }
  return text;
}

void read_payouts(const EnvironmentLookup& lookup, PayoutSettings& payouts) {
  payouts.batch_max_items = read_integer<std::int64_t>(lookup, "DISBURSE_BATCH_MAX_ITEMS",
                                                       payouts.batch_max_items, 1, 9'999'999);
  payouts.paypal_items_per_file = read_integer(lookup, "DISBURSE_PAYPAL_ITEMS_PER_FILE",
                                               payouts.paypal_items_per_file, 1, 15'000);
  payouts.paypal_note = read_text(lookup, "DISBURSE_PAYPAL_NOTE", payouts.paypal_note, 1000);
  payouts.positive_pay_account =
      read_digits(lookup, "DISBURSE_CHECK_ACCOUNT", payouts.positive_pay_account, 1, 10);
  payouts.ach_destination_routing = read_routing(lookup, "DISBURSE_ACH_DESTINATION_ROUTING",
                                                 payouts.ach_destination_routing);
  payouts.ach_destination_name =
      read_text(lookup, "DISBURSE_ACH_DESTINATION_NAME", payouts.ach_destination_name, 23);
  payouts.ach_origin = read_text(lookup, "DISBURSE_ACH_ORIGIN", payouts.ach_origin, 10);
  if (payouts.ach_origin.size() < 9) {
    throw InvalidInput("DISBURSE_ACH_ORIGIN must be 10 characters or 9 digits");
  }
  payouts.ach_origin_name =
      read_text(lookup, "DISBURSE_ACH_ORIGIN_NAME", payouts.ach_origin_name, 23);
  payouts.ach_company_name =
      read_text(lookup, "DISBURSE_ACH_COMPANY_NAME", payouts.ach_company_name, 16);
  payouts.ach_company_id = read_text(lookup, "DISBURSE_ACH_COMPANY_ID", payouts.ach_company_id, 10);
  payouts.ach_odfi_routing =
      read_routing(lookup, "DISBURSE_ACH_ODFI_ROUTING", payouts.ach_odfi_routing);
  payouts.ach_entry_description = read_text(lookup, "DISBURSE_ACH_ENTRY_DESCRIPTION",
                                            payouts.ach_entry_description, 10);
}

}  // namespace

Config load_config(const EnvironmentLookup& lookup) {
  Config config;
  config.database_url = lookup("DATABASE_URL").value_or("");
  read_listen(lookup, config);
  if (auto file = lookup("DISBURSE_SECRET_KEY_FILE"); file && !file->empty()) {
    config.secret_key_file = *file;
  }
  config.pool_size = read_integer(lookup, "DISBURSE_POOL_SIZE", config.pool_size, 1, 512);
  config.portal_lookup_threads = read_integer(lookup, "DISBURSE_PORTAL_LOOKUP_THREADS",
                                              config.portal_lookup_threads, 1, 64);
  config.pool_acquire_timeout_ms = read_integer(lookup, "DISBURSE_POOL_ACQUIRE_TIMEOUT_MS",
                                                config.pool_acquire_timeout_ms, 10, 60000);
  config.statement_timeout_ms = read_integer(lookup, "DISBURSE_STATEMENT_TIMEOUT_MS",
                                             config.statement_timeout_ms, 100, 3600000);
  config.cookie_secure = read_flag(lookup, "DISBURSE_COOKIE_SECURE");
  Limits& limits = config.limits;
  limits.max_upload_bytes = read_integer<long long>(lookup, "DISBURSE_MAX_UPLOAD_BYTES",
                                                    limits.max_upload_bytes, 1024, 4LL << 30);
  limits.max_json_bytes = read_integer<long long>(lookup, "DISBURSE_MAX_JSON_BYTES",
                                                  limits.max_json_bytes, 1024, 64LL << 20);
  limits.read_timeout_ms =
      read_integer(lookup, "DISBURSE_READ_TIMEOUT_MS", limits.read_timeout_ms, 100, 600000);
  limits.write_timeout_ms =
      read_integer(lookup, "DISBURSE_WRITE_TIMEOUT_MS", limits.write_timeout_ms, 100, 600000);
  limits.http_threads = read_integer(lookup, "DISBURSE_HTTP_THREADS", limits.http_threads, 2, 4096);
  // Debian's httplib selects on descriptors, so connections stay well under FD_SETSIZE (1024).
  limits.http_max_connections = read_integer(lookup, "DISBURSE_HTTP_MAX_CONNECTIONS",
                                             limits.http_max_connections, 8, 900);
  limits.header_timeout_ms =
      read_integer(lookup, "DISBURSE_HEADER_TIMEOUT_MS", limits.header_timeout_ms, 100, 600000);
  limits.page_size_max =
      read_integer(lookup, "DISBURSE_PAGE_SIZE_MAX", limits.page_size_max, 10, 10000);
  JobSettings& jobs = config.jobs;
  jobs.workers = read_integer(lookup, "DISBURSE_JOB_WORKERS", jobs.workers, 0, 64);
  jobs.poll_interval_ms =
      read_integer(lookup, "DISBURSE_JOB_POLL_MS", jobs.poll_interval_ms, 10, 60000);
  jobs.lease_seconds = read_integer(lookup, "DISBURSE_JOB_LEASE_SECONDS", jobs.lease_seconds, 5, 86400);
  read_payouts(lookup, config.payouts);
  if (config.pool_size < jobs.workers + 1) {
    throw InvalidInput("DISBURSE_POOL_SIZE must exceed DISBURSE_JOB_WORKERS, so that requests "
                       "still get a connection while every job worker holds one");
  }
  return config;
}

std::optional<std::string> process_environment(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

}  // namespace disburse::app
