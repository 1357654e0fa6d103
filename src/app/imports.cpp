#include "disburse/app/imports.hpp"

#include <chrono>
#include <streambuf>

#include "disburse/domain/errors.hpp"
#include "disburse/pg/audit_repository.hpp"
#include "disburse/pg/imports_repository.hpp"
#include "disburse/pg/jobs_repository.hpp"
#include "disburse/pg/programs_repository.hpp"
#include "import_rows.hpp"

namespace disburse::app {

namespace {

// Thrown inside the import's transaction when the file turns out to be one already imported: the
// only way to roll back everything the pass wrote. Caught right outside the transaction.
struct FileAlreadyImported {
  std::int64_t first_import_id;
};

// Often enough for a smooth progress bar in the console; each record is one short UPDATE.
constexpr int progress_interval_ms = 500;

domain::Program lock_importable_program(pg::Transaction& transaction, std::int64_t program_id) {
  const auto program = pg::lock_program(transaction, program_id);
  if (!program) throw NotFound("no program " + std::to_string(program_id));
  if (!detail::program_accepts_imports(program->status)) {
    throw Conflict("program " + std::to_string(program_id) + " is " + program->status +
                   ": no more lists can be imported");
  }
  return *program;
}

domain::ImportSummary load_import(pg::Transaction& transaction, std::int64_t import_id) {
  auto import = pg::find_import(transaction, import_id);
  if (!import) throw NotFound("no import " + std::to_string(import_id));
  return *import;
}

std::string counts_details(const domain::ImportCounts& counts, const std::string& file_sha256) {
  return nlohmann::json{{"file_sha256", file_sha256},
                        {"rows_total", counts.rows_total},
                        {"rows_accepted", counts.rows_accepted},
                        {"rows_rejected", counts.rows_rejected},
                        {"rows_new", counts.rows_new},
                        {"rows_existing", counts.rows_existing},
                        {"rows_changed", counts.rows_changed},
                        {"rows_flagged", counts.rows_flagged}}
      .dump();
}

// Processes the file and completes the import, in the caller's transaction.
void process_and_complete(pg::Transaction& transaction, const domain::Program& program,
                          std::int64_t import_id, const std::string& actor_name,
                          std::istream& input, const security::SecretBox& secrets,
                          const ImportOptions& options, std::int64_t size_bytes,
                          const std::string& expected_sha256) {
  const detail::FileProcessing processing{program, import_id, actor_name,
                                          secrets, options,   size_bytes};
  const detail::ProcessedFile file = detail::process_file(transaction, input, processing);
  if (!expected_sha256.empty() && file.file_sha256 != expected_sha256) {
    // Operational, not the client's fault: the job is retried and, in the end, fails.
    throw std::runtime_error("the stored upload of import " + std::to_string(import_id) +
                             " does not match the SHA-256 it was received with");
  }
  if (auto first = pg::find_import_of_file(transaction, program.id, file.file_sha256, import_id)) {
    throw FileAlreadyImported{*first};
  }
  pg::complete_import(transaction, import_id, file.file_sha256, file.size_bytes, file.header_json,
                      file.counts);
  pg::append_audit(transaction, {actor_name, "import.complete", "import", std::to_string(import_id),
                                 program.id, counts_details(file.counts, file.file_sha256)});
}

// Reads an upload's chunks one at a time, each in its own short read transaction: the import's
// own transaction is busy with the COPY stream while the file is read.
class ChunkBuffer : public std::streambuf {
 public:
  ChunkBuffer(pg::Database& database, std::int64_t import_id)
      : database_(database), import_id_(import_id) {}

 protected:
  int_type underflow() override {
    auto chunk = database_.read([&](pg::Transaction& transaction) {
      return pg::read_import_chunk(transaction, import_id_, next_sequence_);
    });
    if (!chunk || chunk->empty()) return traits_type::eof();
    next_sequence_++;
    chunk_ = std::move(*chunk);
    setg(chunk_.data(), chunk_.data(), chunk_.data() + chunk_.size());
    return traits_type::to_int_type(chunk_[0]);
  }

 private:
  pg::Database& database_;
  std::int64_t import_id_;
  int next_sequence_ = 0;
  std::string chunk_;
};

class ChunkInput : public std::istream {
 public:
  ChunkInput(pg::Database& database, std::int64_t import_id)
      : std::istream(nullptr), buffer_(database, import_id) {
    rdbuf(&buffer_);
    exceptions(std::ios::badbit);
  }

 private:
  ChunkBuffer buffer_;
};

}  // namespace

ImportOutcome import_list(pg::Database& database, const security::SecretBox& secrets,
                          const Actor& actor, std::int64_t program_id, const ImportSource& source,
                          const ImportOptions& options) {
  require(actor, domain::Permission::import_lists);
  if (source.size_bytes > options.limits.max_file_bytes) {
    throw InvalidInput("the file is larger than the limit of " +
                       std::to_string(options.limits.max_file_bytes) + " bytes");
  }
  try {
    const std::int64_t import_id = database.write([&](pg::Transaction& transaction) {
      pg::prepare_bulk_transaction(transaction, options.limits.statement_timeout_ms);
      const domain::Program program = lock_importable_program(transaction, program_id);
      const std::int64_t id = pg::insert_import(
          transaction, {program_id, source.file_name, source.size_bytes, "running", actor.name});
      const std::unique_ptr<std::istream> input = source.open();
      process_and_complete(transaction, program, id, actor.name, *input, secrets, options,
                           source.size_bytes, "");
      return id;
    });
    return {database.read(
                [&](pg::Transaction& transaction) { return load_import(transaction, import_id); }),
            false};
  } catch (const FileAlreadyImported& duplicate) {
    return {database.read([&](pg::Transaction& transaction) {
              return load_import(transaction, duplicate.first_import_id);
            }),
            true};
  }
}

bool accepts_imports(const domain::Program& program) {
  return detail::program_accepts_imports(program.status);
}

void check_import_head(std::string_view head, const ImportLimits& limits) {
  detail::check_file_head(head, limits);
}

ImportPage list_imports(pg::Database& database, const Actor& actor,
                        const ImportListRequest& request) {
  require(actor, domain::Permission::read_program);
  if (request.limit < 1 || request.limit > 500) {
    throw InvalidInput("limit must be a whole number from 1 to 500");
  }
  ImportPage page;
  // One more than asked tells whether another page follows.
  page.items = database.read([&](pg::Transaction& transaction) {
    return pg::list_imports(transaction, request.program_id, request.before_id, request.limit + 1);
  });
  if (static_cast<int>(page.items.size()) > request.limit) {
    page.items.pop_back();
    page.next_before_id = page.items.back().id;
  }
  return page;
}

domain::ImportSummary show_import(pg::Database& database, const Actor& actor,
                                  std::int64_t import_id) {
  require(actor, domain::Permission::read_program);
  return database.read(
      [&](pg::Transaction& transaction) { return load_import(transaction, import_id); });
}

std::int64_t begin_upload(pg::Database& database, const Actor& actor, std::int64_t program_id,
                          const std::string& file_name) {
  require(actor, domain::Permission::import_lists);
  return database.write([&](pg::Transaction& transaction) {
    const auto program = pg::find_program(transaction, program_id);
    if (!program) throw NotFound("no program " + std::to_string(program_id));
    if (!detail::program_accepts_imports(program->status)) {
      throw Conflict("program " + std::to_string(program_id) + " is " + program->status +
                     ": no more lists can be imported");
    }
    return pg::insert_import(transaction, {program_id, file_name, 0, "receiving", actor.name});
  });
}

void append_upload_chunk(pg::Database& database, std::int64_t import_id, int sequence,
                         std::string_view data) {
  database.write([&](pg::Transaction& transaction) {
    pg::append_import_chunk(transaction, import_id, sequence, data);
  });
}

ImportOutcome finish_upload(pg::Transaction& transaction, const Actor& actor,
                            std::int64_t import_id, const std::string& file_sha256,
                            std::int64_t size_bytes) {
  const domain::ImportSummary upload = load_import(transaction, import_id);
  pg::lock_program_uploads(transaction, upload.program_id);
  const auto program = pg::find_program(transaction, upload.program_id);
  if (!program || !detail::program_accepts_imports(program->status)) {
    throw Conflict("program " + std::to_string(upload.program_id) + " takes no more lists");
  }
  if (auto first =
          pg::find_import_of_file(transaction, upload.program_id, file_sha256, import_id)) {
    pg::delete_import(transaction, import_id);
    return {load_import(transaction, *first), true};
  }
  const std::int64_t job_id = pg::enqueue_job(transaction, import_job_kind,
                                              nlohmann::json{{"import_id", import_id}}.dump());
  pg::queue_import(transaction, import_id, file_sha256, size_bytes, job_id);
  pg::append_audit(
      transaction,
      {actor.name, "import.upload", "import", std::to_string(import_id), upload.program_id,
       nlohmann::json{{"file_sha256", file_sha256}, {"size_bytes", size_bytes}}.dump()});
  return {load_import(transaction, import_id), false};
}

void discard_upload(pg::Transaction& transaction, std::int64_t import_id) {
  pg::delete_import(transaction, import_id);
}

void abandon_upload(pg::Database& database, std::int64_t import_id, const std::string& reason) {
  database.write(
      [&](pg::Transaction& transaction) { pg::fail_import(transaction, import_id, reason); });
}

domain::ImportSummary run_import_job(pg::Database& database, const security::SecretBox& secrets,
                                     std::int64_t import_id, const ImportJobHooks& hooks,
                                     const ImportLimits& limits) {
  const domain::ImportSummary queued = database.write([&](pg::Transaction& transaction) {
    domain::ImportSummary import = load_import(transaction, import_id);
    if (import.state == "queued" || import.state == "running") {
      pg::set_import_state(transaction, import_id, "running");
    }
    return import;
  });
  if (queued.state != "queued" && queued.state != "running") return queued;
  ImportOptions options;
  options.limits = limits;
  auto last_recorded = std::chrono::steady_clock::now();
  options.progress = [&](const ImportProgress& progress) {
    const auto now = std::chrono::steady_clock::now();
    const bool due = now - last_recorded >= std::chrono::milliseconds(progress_interval_ms);
    // The moment every row is read is always recorded: the database work that follows is long.
    if (!due && !progress.rows_staged) return;
    last_recorded = now;
    database.write([&](pg::Transaction& transaction) {
      pg::record_import_progress(transaction, import_id, progress.bytes_read, progress.rows_read);
    });
  };
  try {
    database.write([&](pg::Transaction& transaction) {
      pg::prepare_bulk_transaction(transaction, limits.statement_timeout_ms);
      const domain::Program program = lock_importable_program(transaction, queued.program_id);
      // A runner whose lease lapsed may have finished it meanwhile; the program lock orders us.
      if (load_import(transaction, import_id).state == "completed") return;
      ChunkInput input(database, import_id);
      // The uploader answers for the import, as on the command line.
      process_and_complete(transaction, program, import_id, queued.created_by, input, secrets,
                           options, queued.size_bytes, queued.file_sha256);
    });
  } catch (const FileAlreadyImported&) {
    abandon_upload(database, import_id, "the same file was imported meanwhile");
  } catch (const InvalidInput& error) {
    abandon_upload(database, import_id, error.what());
  } catch (const Conflict& error) {
    abandon_upload(database, import_id, error.what());
  } catch (const std::exception&) {
    if (hooks.last_attempt)
      abandon_upload(database, import_id, "the import failed; see the server log");
    throw;
  }
  return database.read(
      [&](pg::Transaction& transaction) { return load_import(transaction, import_id); });
}

void fail_interrupted_import(pg::Transaction& transaction, std::int64_t import_id) {
  pg::fail_import(transaction, import_id,
                  "the import was interrupted on each of its attempts (the server stopped); "
                  "upload the file again");
}

std::int64_t fail_idle_uploads(pg::Database& database, std::int64_t idle_seconds) {
  return database.write([&](pg::Transaction& transaction) {
    return pg::fail_idle_uploads(
        transaction, idle_seconds,
        "the upload stopped before the whole file arrived (the connection or the server went "
        "away); upload the file again");
  });
}

void export_rejections(pg::Database& database, const Actor& actor, std::int64_t import_id,
                       std::ostream& output) {
  require(actor, domain::Permission::import_lists);
  // Recorded first, in its own transaction: the export shows personal data, and output written
  // by a transaction that ran twice would repeat itself.
  const domain::ImportSummary import = database.write([&](pg::Transaction& transaction) {
    domain::ImportSummary found = load_import(transaction, import_id);
    pg::append_audit(transaction, {actor.name, "import.rejections.export", "import",
                                   std::to_string(import_id), found.program_id, "{}"});
    return found;
  });
  formats::CsvWriter writer(output);
  writer.write_plain("line_number");
  writer.write_plain("reason");
  writer.write_plain("field");
  for (const auto& name : nlohmann::json::parse(import.header_json)) {
    writer.write_text(name.get<std::string>());
  }
  writer.end_record();
  database.read([&](pg::Transaction& transaction) {
    pg::for_each_rejection(transaction, import_id, 1000, [&](const pg::Rejection& rejection) {
      writer.write_plain(std::to_string(rejection.line_number));
      writer.write_plain(rejection.reason);
      writer.write_plain(rejection.field);
      if (!rejection.raw_record_json.empty()) {
        for (const auto& field : nlohmann::json::parse(rejection.raw_record_json)) {
          writer.write_text(field.get<std::string>());
        }
      }
      writer.end_record();
    });
    return true;
  });
  writer.flush();
}

nlohmann::json import_json(const domain::ImportSummary& summary, bool duplicate_file) {
  const domain::ImportCounts& counts = summary.counts;
  nlohmann::json json = {{"import_id", summary.id},
                         {"program_id", summary.program_id},
                         {"state", summary.state},
                         {"duplicate_file", duplicate_file},
                         {"file_name", summary.file_name},
                         {"file_sha256", summary.file_sha256},
                         {"size_bytes", summary.size_bytes},
                         {"bytes_processed", summary.bytes_processed},
                         {"rows_total", counts.rows_total},
                         {"rows_accepted", counts.rows_accepted},
                         {"rows_rejected", counts.rows_rejected},
                         {"rows_new", counts.rows_new},
                         {"rows_existing", counts.rows_existing},
                         {"rows_changed", counts.rows_changed},
                         {"rows_flagged", counts.rows_flagged},
                         {"rejected_by_reason", summary.rejected_by_reason},
                         {"created_by", summary.created_by},
                         {"created_at", summary.created_at}};
  if (!summary.completed_at.empty()) json["completed_at"] = summary.completed_at;
  if (!summary.failure.empty()) json["failure"] = summary.failure;
  return json;
}

nlohmann::json import_page_json(const ImportPage& page) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& import : page.items) {
    nlohmann::json item = import_json(import, false);
    item.erase("duplicate_file");
    item.erase("rejected_by_reason");
    items.push_back(std::move(item));
  }
  nlohmann::json json = {{"items", items}};
  if (page.next_before_id) json["next_before_id"] = *page.next_before_id;
  return json;
}

}  // namespace disburse::app
