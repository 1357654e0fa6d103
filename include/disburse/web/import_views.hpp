#pragma once
// View models of the console's import screens. The import's page and its progress answer
// (JSON, polled by /static/console_import.js) are the same view, so that the page rendered by
// the server and the page updated by the script always say the same thing.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "disburse/domain/import_summary.hpp"
#include "disburse/domain/program.hpp"

namespace disburse::web {

// One import: its state, a progress value out of a maximum, a sentence saying where it is, and
// its counts (as numbers and as display text).
nlohmann::json import_progress_view(const domain::ImportSummary& import);

// The rows of the imports list, with each import's program name.
nlohmann::json import_rows_view(const std::vector<domain::ImportSummary>& imports,
                                const std::vector<domain::Program>& programs);

}  // namespace disburse::web
