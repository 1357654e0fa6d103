#pragma once
// Forward-only schema migrations, embedded in the binary, each applied in its own transaction
// and recorded with its SHA-256 in schema_migrations.

#include <string>
#include <vector>

namespace disburse::pg {

struct Migration {
  int version = 0;
  std::string name;
  std::string sql;
  std::string sha256;
};

// The migrations compiled into this binary, in version order. Asserts that the embedded file
// names are well-formed (NNNN_name.sql) and the versions contiguous from 1.
const std::vector<Migration>& known_migrations();

struct MigrateResult {
  int current_version = 0;
  std::vector<int> applied;
};

// Applies every pending migration under an advisory lock, so that two processes started at
// once apply each migration once. Throws InvalidInput (with a clear message) when an applied
// migration's checksum differs from the embedded file or the database holds a version this
// binary does not know.
MigrateResult migrate(const std::string& database_url);

enum class SchemaState { current, behind, ahead, drifted, unreachable };

struct SchemaStatus {
  SchemaState state = SchemaState::unreachable;
  int database_version = 0;
  int binary_version = 0;
};

class Database;
SchemaStatus schema_status(Database& database);

}  // namespace disburse::pg
