#include "disburse/pg/migrations.hpp"

#include <map>
#include <pqxx/pqxx>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/embedded_files.hpp"
#include "disburse/pg/database.hpp"
#include "disburse/security/crypto.hpp"

namespace disburse::pg {

namespace {

// An arbitrary constant shared by every disburse process: the key of the migration lock.
constexpr long long migration_lock_key = 0x64697362757273;  // "disburs"

const char* const create_table_sql = R"sql(
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
  ))sql";

Migration parse_embedded(const EmbeddedFile& file) {
  const std::string prefix = "migrations/";
  const std::string base = file.path.substr(prefix.size());
  DISBURSE_ASSERT(base.size() > 9 && base[4] == '_' && base.ends_with(".sql"));
  Migration migration;
  migration.version = std::stoi(base.substr(0, 4));
  migration.name = base.substr(5, base.size() - 9);
  migration.sql = file.content;
  migration.sha256 = security::sha256_hex(file.content);
  return migration;
}

std::map<int, std::string> applied_checksums(pqxx::dbtransaction& transaction) {
  std::map<int, std::string> applied;
  for (const auto& row : transaction.exec("SELECT version, sha256 FROM schema_migrations")) {
    applied[row[0].as<int>()] = row[1].as<std::string>();
  }
  return applied;
}

// Refuses to touch a database whose history disagrees with this binary's.
void check_history(const std::map<int, std::string>& applied) {
  const auto& known = known_migrations();
  for (const auto& [version, sha256] : applied) {
    if (version < 1 || version > static_cast<int>(known.size())) {
      throw InvalidInput("the database has migration " + std::to_string(version) +
                         ", which this binary does not know; deploy a newer binary");
    }
    const Migration& migration = known[static_cast<std::size_t>(version - 1)];
    if (migration.sha256 != sha256) {
      throw InvalidInput("migration " + std::to_string(version) + " (" + migration.name +
                         ") was changed after it was applied: its checksum differs");
    }
  }
}

void apply(pqxx::connection& connection, const Migration& migration) {
  pqxx::work transaction(connection);
  transaction.exec(migration.sql);
  transaction.exec_params0("INSERT INTO schema_migrations (version, name, sha256) VALUES ($1, $2, $3)",
                           migration.version, migration.name, migration.sha256);
  transaction.commit();
}

}  // namespace

const std::vector<Migration>& known_migrations() {
  static const std::vector<Migration> migrations = [] {
    std::vector<Migration> result;
    for (const EmbeddedFile& file : embedded_files()) {
      if (file.path.starts_with("migrations/")) result.push_back(parse_embedded(file));
    }
    for (std::size_t index = 0; index < result.size(); index++) {
      DISBURSE_ASSERT(result[index].version == static_cast<int>(index) + 1);
    }
    return result;
  }();
  return migrations;
}

MigrateResult migrate(const std::string& database_url) {
  pqxx::connection connection(database_url);
  // A session-level lock, held across the per-migration transactions below. It is released
  // when this function's connection closes, on success and on any failure alike.
  pqxx::nontransaction(connection).exec_params("SELECT pg_advisory_lock($1)", migration_lock_key);
  pqxx::nontransaction(connection).exec0(create_table_sql);
  std::map<int, std::string> applied;
  {
    pqxx::read_transaction reader(connection);
    applied = applied_checksums(reader);
  }
  check_history(applied);
  MigrateResult result;
  for (const Migration& migration : known_migrations()) {
    if (applied.contains(migration.version)) continue;
    apply(connection, migration);
    result.applied.push_back(migration.version);
  }
  result.current_version = static_cast<int>(known_migrations().size());
  return result;
}

SchemaStatus schema_status(Database& database) {
  SchemaStatus status;
  status.binary_version = static_cast<int>(known_migrations().size());
  try {
    const auto applied = database.read([](Transaction& transaction) {
      if (transaction.sql().exec1("SELECT to_regclass('schema_migrations') IS NULL")[0].as<bool>()) {
        return std::map<int, std::string>();
      }
      return applied_checksums(transaction.sql());
    });
    status.database_version = applied.empty() ? 0 : applied.rbegin()->first;
    try {
      check_history(applied);
    } catch (const InvalidInput&) {
      status.state = status.database_version > status.binary_version ? SchemaState::ahead
                                                                      : SchemaState::drifted;
      return status;
    }
    status.state = static_cast<int>(applied.size()) == status.binary_version ? SchemaState::current
                                                                             : SchemaState::behind;
  } catch (const std::exception&) {
    status.state = SchemaState::unreachable;
  }
  return status;
}

}  // namespace disburse::pg
