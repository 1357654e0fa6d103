#pragma once
// The JSON shape of each domain object, shared by the CLI and the HTTP API so that both print
// the same keys (a contract: finance teams script against them).

#include <nlohmann/json.hpp>

#include "disburse/domain/audit.hpp"
#include "disburse/domain/money.hpp"
#include "disburse/domain/program.hpp"
#include "disburse/pg/users_repository.hpp"

namespace disburse::app {

// {"<name>_cents": 4961, "<name>": "49.61"}: exact cents for machines, decimal for people.
void put_money(nlohmann::json& object, const std::string& name, domain::Money amount);

nlohmann::json program_json(const domain::Program& program);
nlohmann::json user_json(const pg::UserRecord& user);
nlohmann::json token_json(const pg::TokenRecord& token);
nlohmann::json audit_record_json(const domain::AuditRecord& record);

}  // namespace disburse::app
