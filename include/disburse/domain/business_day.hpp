#pragma once
// Banking days for ACH effective entry dates. A banking day here is Monday to Friday; Federal
// Reserve holidays are not modelled, so an operator who files the day before a holiday passes
// the effective date explicitly (the ACH operator also rolls a holiday forward by itself).

#include <chrono>

namespace disburse::domain {

bool is_business_day(std::chrono::year_month_day date);

// The first business day strictly after `date`: Friday → Monday, Saturday → Monday.
std::chrono::year_month_day next_business_day(std::chrono::year_month_day date);

}  // namespace disburse::domain
