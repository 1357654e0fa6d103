#pragma once
// Expiry (issue 6, DESIGN.md "Payment"): a PayPal payment not accepted within the program's
// paypal_window_days of its submission, and a check not cashed within check_window_days, expire;
// their money moves from in flight to the returned pool. The same time-driven step takes an ACH
// credit without a return within its return window as paid (domain/ach_settlement.hpp). The clock
// is a parameter: the periodic job passes the real one, operators and tests pass any instant.

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "disburse/app/actor.hpp"
#include "disburse/domain/money.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::app {

inline constexpr const char* expiry_job_kind = "payments.expire";
inline constexpr int expiry_job_interval_seconds = 3600;

struct ExpiryReport {
  std::int64_t program_id = 0;
  std::chrono::sys_seconds now{};
  std::int64_t expired = 0;
  std::int64_t expired_paypal = 0;
  std::int64_t expired_check = 0;
  domain::Money expired_total;
  // ACH credits with no return within domain::ach_return_window_days: taken as paid.
  std::int64_t settled_ach = 0;
  domain::Money settled_ach_total;
};

// One transaction per program. Conflict for a closed program; NotFound for an unknown one.
ExpiryReport expire_payments(pg::Database& database, const Actor& actor, std::int64_t program_id,
                             std::chrono::sys_seconds now);
// The same in the caller's transaction: the HTTP route commits it with its Idempotency-Key.
ExpiryReport expire_payments(pg::Transaction& transaction, const Actor& actor,
                             std::int64_t program_id, std::chrono::sys_seconds now);

// Every distributing program, as the periodic job does it.
std::vector<ExpiryReport> expire_all_programs(pg::Database& database, const Actor& actor,
                                              std::chrono::sys_seconds now);

// "2026-06-01T00:00:00Z" (UTC, seconds), or InvalidInput naming `what`.
std::chrono::sys_seconds parse_instant(const std::string& text, const std::string& what);
std::string format_instant(std::chrono::sys_seconds instant);

// {"program_id", "now", "expired", "expired_paypal", "expired_check", "expired_cents",
// "expired_amount"}
nlohmann::json expiry_json(const ExpiryReport& report);

}  // namespace disburse::app
