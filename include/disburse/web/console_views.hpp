#pragma once
// View models (JSON for the templates) of the console's pages. Amounts are formatted here, once;
// templates only place text, and mstch escapes every value.

#include <nlohmann/json.hpp>
#include <vector>

#include "disburse/app/dashboard.hpp"
#include "disburse/domain/audit.hpp"
#include "disburse/pg/audit_repository.hpp"
#include "disburse/pg/users_repository.hpp"

namespace disburse::web {

// A count with thousands separators: 117,044.
std::string count_text(std::int64_t count);

// One horizontal bar per row, scaled to the largest value, for the inline SVG charts.
nlohmann::json bar_rows(const std::vector<std::pair<std::string, std::int64_t>>& rows,
                        const std::vector<std::string>& value_texts);

nlohmann::json dashboard_view(const std::vector<app::ProgramDashboard>& dashboards);
nlohmann::json audit_view(const std::vector<domain::AuditRecord>& records,
                          const pg::AuditVerification& verification);
nlohmann::json users_view(const std::vector<pg::UserRecord>& users,
                          const std::vector<pg::TokenRecord>& tokens);

}  // namespace disburse::web
