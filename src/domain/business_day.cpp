#include "disburse/domain/business_day.hpp"

#include "disburse/domain/assert.hpp"

namespace disburse::domain {

bool is_business_day(std::chrono::year_month_day date) {
  DISBURSE_ASSERT(date.ok());
  const std::chrono::weekday day{std::chrono::sys_days(date)};
  return day != std::chrono::Saturday && day != std::chrono::Sunday;
}

std::chrono::year_month_day next_business_day(std::chrono::year_month_day date) {
  DISBURSE_ASSERT(date.ok());
  std::chrono::sys_days day = std::chrono::sys_days(date) + std::chrono::days(1);
  while (!is_business_day(std::chrono::year_month_day(day))) day += std::chrono::days(1);
  return std::chrono::year_month_day(day);
}

}  // namespace disburse::domain
