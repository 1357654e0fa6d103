#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "disburse/domain/program.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::pg {

// Throws Conflict when a program with the same name (case-insensitive) exists.
domain::Program insert_program(Transaction& transaction, const domain::ProgramSettings& settings);
std::optional<domain::Program> find_program(Transaction& transaction, std::int64_t program_id);
// Locks the program row for the rest of the transaction: money-moving use cases take this
// lock first, so that they see a stable status and run one at a time per program.
std::optional<domain::Program> lock_program(Transaction& transaction, std::int64_t program_id);
std::vector<domain::Program> list_programs(Transaction& transaction);
// The caller has locked the program and decided the change is allowed.
void update_weighting_rule(Transaction& transaction, std::int64_t program_id,
                           const std::string& canonical_text);
void update_program_status(Transaction& transaction, std::int64_t program_id,
                           const std::string& status);

}  // namespace disburse::pg
