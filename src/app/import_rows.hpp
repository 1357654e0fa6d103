#pragma once
// The streaming part of an import: one pass over the file that hashes it, parses it, validates
// every row and stages it for the set-based statements. Shared by the CLI's import and the job.

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>

#include "disburse/app/imports.hpp"
#include "disburse/domain/program.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::app::detail {

struct FileProcessing {
  const domain::Program& program;
  std::int64_t import_id = 0;
  std::string actor_name;
  const security::SecretBox& secrets;
  const ImportOptions& options;
  std::int64_t size_bytes = 0;  // For progress; 0 when unknown.
};

struct ProcessedFile {
  std::string file_sha256;
  std::int64_t size_bytes = 0;
  std::string header_json;
  domain::ImportCounts counts;
};

// Throws InvalidInput for a file whose header cannot be used or that is over a limit.
ProcessedFile process_file(pg::Transaction& transaction, std::istream& input,
                           const FileProcessing& processing);

// Throws InvalidInput, as process_file would, when the start of a file shows that it cannot be
// imported: not UTF-8 text, or a header that cannot be used. `head` holds at least the header.
void check_file_head(std::string_view head, const ImportLimits& limits);

// Whether lists may still be imported into a program in this status.
bool program_accepts_imports(const std::string& status);

}  // namespace disburse::app::detail
