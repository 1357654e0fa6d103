#pragma once
// Finance exports (issue 6; docs/reconciliation.md lists the columns): payments, ledger,
// rollforward, regulator and discrepancies, as CSV. Each is read in one snapshot and written
// page by page, so that an export of a million rows never sits in memory, and its totals tie
// out with `disburse check` taken at the same moment. Text that came from outside is neutralised
// against spreadsheet formulas.

#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "disburse/app/actor.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::app {

struct ExportKind {
  std::string_view name;         // The kind as the CLI, the API and the console name it.
  std::string_view description;  // What one row is, for people choosing a download.
};

// Every export kind, in the order people look for them.
std::span<const ExportKind> export_kinds();

// Throws InvalidInput for an unknown kind (before anything is written).
void check_export_kind(const std::string& kind);

// NotFound for an unknown program. Writes the CSV to `output` and returns the data rows written.
std::int64_t write_export(pg::Database& database, const Actor& actor, std::int64_t program_id,
                          const std::string& kind, std::ostream& output);

}  // namespace disburse::app
