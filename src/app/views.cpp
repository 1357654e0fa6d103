#include "disburse/app/views.hpp"

namespace disburse::app {

void put_money(nlohmann::json& object, const std::string& name, domain::Money amount) {
  object[name + "_cents"] = amount.cents();
  object[name] = domain::to_decimal_string(amount);
}

nlohmann::json program_json(const domain::Program& program) {
  const domain::ProgramSettings& settings = program.settings;
  nlohmann::json object = {{"id", program.id},
                           {"name", settings.name},
                           {"currency", settings.currency},
                           {"status", program.status},
                           {"paypal_window_days", settings.paypal_window_days},
                           {"check_window_days", settings.check_window_days},
                           {"cure_window_days", settings.cure_window_days},
                           {"created_at", program.created_at}};
  put_money(object, "fund", settings.fund);
  put_money(object, "reserve", settings.reserve);
  put_money(object, "min_payment", settings.min_payment);
  put_money(object, "distributable", domain::distributable_amount(settings));
  return object;
}

nlohmann::json user_json(const pg::UserRecord& user) {
  return {{"id", user.id},
          {"username", user.username},
          {"role", domain::to_string(user.role)},
          {"disabled", user.disabled},
          {"created_at", user.created_at}};
}

nlohmann::json token_json(const pg::TokenRecord& token) {
  return {{"id", token.id},           {"name", token.name},
          {"created_at", token.created_at}, {"last_used_at", token.last_used_at},
          {"revoked", token.revoked},       {"expires_at", token.expires_at},
          {"expired", token.expired}};
}

nlohmann::json audit_record_json(const domain::AuditRecord& record) {
  nlohmann::json object = {{"id", record.id},
                           {"occurred_at_us", record.occurred_at_us},
                           {"actor", record.actor},
                           {"action", record.action},
                           {"subject_type", record.subject_type},
                           {"subject_id", record.subject_id},
                           {"details", nlohmann::json::parse(record.details, nullptr, false)}};
  if (record.program_id != 0) object["program_id"] = record.program_id;
  return object;
}

}  // namespace disburse::app
