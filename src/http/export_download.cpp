#include "export_download.hpp"

#include "disburse/app/exports.hpp"
#include "disburse/app/programs.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::http {

void stream_program_export(Exchange& exchange, const app::Actor& actor, std::int64_t program_id,
                           const std::string& kind) {
  try {
    app::check_export_kind(kind);
  } catch (const InvalidInput& error) {
    throw NotFound(error.what());
  }
  pg::Database& database = exchange.services.database;
  app::show_program(database, actor, program_id);
  exchange.stream_csv("program-" + std::to_string(program_id) + "-" + kind + ".csv",
                      [&database, actor, program_id, kind](std::ostream& out) {
                        app::write_export(database, actor, program_id, kind, out);
                      });
}

}  // namespace disburse::http
