#pragma once
// `disburse check` (issue 5): loads the figures of one program's books in one snapshot and
// asks the pure books check (domain/books_check.hpp) where they disagree.

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "disburse/app/actor.hpp"
#include "disburse/domain/books_check.hpp"
#include "disburse/domain/ledger.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::app {

struct BooksReport {
  std::int64_t program_id = 0;
  std::vector<domain::Break> breaks;  // Empty when the books tie out.
  domain::ledger::RollForward roll_forward;
  std::size_t claimants = 0;

  bool ok() const { return breaks.empty(); }
};

// Throws NotFound for an unknown program.
BooksReport check_books(pg::Database& database, const Actor& actor, std::int64_t program_id);

// {"ok", "breaks": [{"code", "subject", "expected_cents", "actual_cents", "message"}], ...}
nlohmann::json books_json(const BooksReport& report);

}  // namespace disburse::app
