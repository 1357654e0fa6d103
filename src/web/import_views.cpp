#include "disburse/web/import_views.hpp"

#include <map>

#include "disburse/web/console_views.hpp"

namespace disburse::web {

namespace {

// The bar counts in thousandths. Reading the file is measured (bytes read of its size) and fills
// the first 90%; saving the rows as claimants is one set of database statements whose progress
// cannot be measured, so it shows as 95% until the import completes.
constexpr std::int64_t progress_max = 1000;
constexpr std::int64_t reading_share = 900;
constexpr std::int64_t saving_value = 950;

bool reading_done(const domain::ImportSummary& import) {
  return import.size_bytes > 0 && import.bytes_processed >= import.size_bytes;
}

std::int64_t progress_value(const domain::ImportSummary& import) {
  if (import.state == "completed") return progress_max;
  if (import.state != "running") return 0;
  if (reading_done(import)) return saving_value;
  if (import.size_bytes <= 0) return 0;
  // No overflow: 900 times a file size of a few GiB fits easily in 64 bits.
  return reading_share * import.bytes_processed / import.size_bytes;
}

std::string status_text(const domain::ImportSummary& import) {
  const domain::ImportCounts& counts = import.counts;
  if (import.state == "receiving") return "The file is still being received.";
  if (import.state == "queued") return "Waiting for a worker to start the import.";
  if (import.state == "failed") return "The import failed: " + import.failure;
  if (import.state == "completed") {
    return "Completed: " + count_text(counts.rows_total) + " rows, " +
           count_text(counts.rows_accepted) + " accepted and " + count_text(counts.rows_rejected) +
           " rejected.";
  }
  if (reading_done(import)) {
    return "All " + count_text(counts.rows_total) + " rows read; saving them as claimants.";
  }
  return "Reading the file: " + count_text(counts.rows_total) + " rows so far.";
}

nlohmann::json reasons_view(const std::map<std::string, std::int64_t>& rejected_by_reason) {
  nlohmann::json reasons = nlohmann::json::array();
  for (const auto& [reason, count] : rejected_by_reason) {
    reasons.push_back({{"reason", reason}, {"count", count_text(count)}});
  }
  return reasons;
}

}  // namespace

nlohmann::json import_progress_view(const domain::ImportSummary& import) {
  const domain::ImportCounts& counts = import.counts;
  const bool completed = import.state == "completed";
  const bool failed = import.state == "failed";
  const std::int64_t value = progress_value(import);
  nlohmann::json view = {
      {"import_id", import.id},
      {"program_id", import.program_id},
      {"file_name", import.file_name},
      {"file_sha256", import.file_sha256},
      {"state", import.state},
      {"created_by", import.created_by},
      {"created_at", import.created_at},
      {"completed_at", import.completed_at},
      {"finished", completed || failed},
      {"completed", completed},
      {"failed", failed},
      {"failure", import.failure},
      {"progress_value", value},
      {"progress_max", progress_max},
      {"percent", value * 100 / progress_max},
      {"status_text", status_text(import)},
      {"has_rejected", completed && counts.rows_rejected > 0},
      {"rejected_url", "/admin/imports/" + std::to_string(import.id) + "/rejected.csv"},
      {"rejected_by_reason", reasons_view(import.rejected_by_reason)},
  };
  const std::pair<const char*, std::int64_t> numbers[] = {
      {"rows_total", counts.rows_total},       {"rows_accepted", counts.rows_accepted},
      {"rows_rejected", counts.rows_rejected}, {"rows_new", counts.rows_new},
      {"rows_existing", counts.rows_existing}, {"rows_changed", counts.rows_changed},
      {"rows_flagged", counts.rows_flagged}};
  for (const auto& [name, number] : numbers) {
    view[name] = number;
    view["counts"][name] = count_text(number);
  }
  return view;
}

nlohmann::json import_rows_view(const std::vector<domain::ImportSummary>& imports,
                                const std::vector<domain::Program>& programs) {
  std::map<std::int64_t, std::string> names;
  for (const auto& program : programs) names[program.id] = program.settings.name;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& import : imports) {
    nlohmann::json row = import_progress_view(import);
    row["program_name"] = names[import.program_id];
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace disburse::web
