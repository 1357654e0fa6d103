#include "disburse/web/console_views.hpp"

#include <algorithm>

#include "disburse/domain/roles.hpp"

namespace disburse::web {

namespace {

std::string readable(std::string_view snake_case) {
  std::string text(snake_case);
  std::replace(text.begin(), text.end(), '_', ' ');
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

nlohmann::json roll_forward_view(const domain::ledger::RollForward& roll_forward) {
  std::vector<std::pair<std::string, std::int64_t>> rows;
  std::vector<std::string> texts;
  for (const auto& row : roll_forward.rows) {
    rows.emplace_back(std::string(row.label), row.amount.cents());
    texts.push_back(domain::to_display_string(row.amount));
  }
  return {{"rows", bar_rows(rows, texts)},
          {"total", domain::to_display_string(roll_forward.total)},
          {"ties", roll_forward.ties()}};
}

nlohmann::json state_view(const std::vector<pg::StateTotal>& totals, bool with_amounts) {
  std::vector<std::pair<std::string, std::int64_t>> rows;
  std::vector<std::string> texts;
  for (const auto& total : totals) {
    rows.emplace_back(readable(total.state), total.count);
    texts.push_back(with_amounts ? count_text(total.count) + " · " +
                                       domain::to_display_string(total.amount)
                                 : count_text(total.count));
  }
  return bar_rows(rows, texts);
}

// Paid payments over those that reached the payee's hands or could have: the share of sent
// money that customers actually took.
std::string redemption_rate(const std::vector<pg::StateTotal>& payments) {
  std::int64_t paid = 0;
  std::int64_t sent = 0;
  for (const auto& total : payments) {
    if (total.state == "paid") paid += total.count;
    if (total.state == "paid" || total.state == "submitted" || total.state == "unclaimed" ||
        total.state == "expired" || total.state == "returned" || total.state == "failed") {
      sent += total.count;
    }
  }
  if (sent == 0) return "no payments sent yet";
  return std::to_string(paid * 100 / sent) + "% of " + count_text(sent) + " sent payments";
}

}  // namespace

std::string count_text(std::int64_t count) {
  std::string digits = std::to_string(count);
  for (int position = static_cast<int>(digits.size()) - 3; position > 0; position -= 3) {
    digits.insert(static_cast<std::size_t>(position), ",");
  }
  return digits;
}

nlohmann::json bar_rows(const std::vector<std::pair<std::string, std::int64_t>>& rows,
                        const std::vector<std::string>& value_texts) {
  std::int64_t largest = 1;
  for (const auto& [label, value] : rows) largest = std::max(largest, value);
  nlohmann::json bars = nlohmann::json::array();
  for (std::size_t index = 0; index < rows.size(); index++) {
    const std::int64_t value = std::max<std::int64_t>(0, rows[index].second);
    // Integer percent of the largest, with a visible sliver for any non-zero value.
    const std::int64_t percent = value == 0 ? 0 : std::max<std::int64_t>(1, value * 100 / largest);
    bars.push_back({{"label", rows[index].first},
                    {"value", value_texts[index]},
                    {"percent", std::to_string(percent)}});
  }
  return bars;
}

nlohmann::json dashboard_view(const std::vector<app::ProgramDashboard>& dashboards) {
  nlohmann::json programs = nlohmann::json::array();
  for (const auto& dashboard : dashboards) {
    const domain::ProgramSettings& settings = dashboard.program.settings;
    programs.push_back({{"id", std::to_string(dashboard.program.id)},
                        {"name", settings.name},
                        {"status", readable(dashboard.program.status)},
                        {"fund", domain::to_display_string(settings.fund)},
                        {"roll_forward", roll_forward_view(dashboard.roll_forward)},
                        {"claims", state_view(dashboard.claims, false)},
                        {"payments", state_view(dashboard.payments, true)},
                        {"redemption_rate", redemption_rate(dashboard.payments)}});
  }
  return {{"programs", programs}, {"has_programs", !programs.empty()}};
}

nlohmann::json audit_view(const std::vector<domain::AuditRecord>& records,
                          const pg::AuditVerification& verification) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& record : records) {
    rows.push_back({{"id", std::to_string(record.id)},
                    {"occurred_at_us", std::to_string(record.occurred_at_us)},
                    {"actor", record.actor},
                    {"action", record.action},
                    {"subject", record.subject_type + " " + record.subject_id},
                    {"details", record.details}});
  }
  return {{"records", rows},
          {"chain_ok", verification.ok},
          {"chain_records", count_text(verification.records)},
          {"chain_problem", verification.problem}};
}

nlohmann::json users_view(const std::vector<pg::UserRecord>& users,
                          const std::vector<pg::TokenRecord>& tokens) {
  nlohmann::json user_rows = nlohmann::json::array();
  for (const auto& user : users) {
    user_rows.push_back({{"username", user.username},
                         {"role", std::string(domain::to_string(user.role))},
                         {"created_at", user.created_at},
                         {"disabled", user.disabled}});
  }
  nlohmann::json token_rows = nlohmann::json::array();
  for (const auto& token : tokens) {
    token_rows.push_back({{"id", std::to_string(token.id)},
                          {"name", token.name},
                          {"created_at", token.created_at},
                          {"last_used_at", token.last_used_at.empty() ? "never" : token.last_used_at},
                          {"revoked", token.revoked}});
  }
  return {{"users", user_rows}, {"tokens", token_rows}};
}

}  // namespace disburse::web
