// import, import rejected, import list, sample-list: getting eligible-customer lists in.

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "command.hpp"
#include "disburse/app/imports.hpp"
#include "disburse/cli/progress.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/domain/sample_list.hpp"
#include "disburse/formats/csv.hpp"

namespace disburse::cli {

namespace {

std::int64_t regular_file_size(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw InvalidInput("'" + path + "' is not a readable file");
  }
  return static_cast<std::int64_t>(std::filesystem::file_size(path, error));
}

// Draws the progress line on stderr, at most a few times a second.
class ProgressPrinter {
 public:
  void operator()(const app::ImportProgress& progress) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_drawn_ < std::chrono::milliseconds(200) && !progress.rows_staged) return;
    last_drawn_ = now;
    const auto elapsed_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now - started_).count();
    std::cerr << "\r"
              << format_progress(
                     {progress.rows_read, progress.bytes_read, progress.size_bytes, elapsed_ms})
              << (progress.rows_staged ? "  (saving in the database)" : "") << "\x1b[K"
              << std::flush;
    drawn_ = true;
  }
  ~ProgressPrinter() {
    if (drawn_) std::cerr << "\n";
  }

 private:
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_drawn_{};
  bool drawn_ = false;
};

nlohmann::json import_file(Context& context, Arguments& arguments) {
  const std::int64_t program_id = arguments.required_id("program");
  const std::string path = arguments.positional(0, "the file to import");
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  app::ImportSource source{std::filesystem::path(path).filename().string(), regular_file_size(path),
                           [path]() -> std::unique_ptr<std::istream> {
                             auto input = std::make_unique<std::ifstream>(path, std::ios::binary);
                             if (!*input) throw InvalidInput("'" + path + "' cannot be read");
                             return input;
                           }};
  app::ImportOptions options;
  options.limits.max_file_bytes = context.config().limits.max_upload_bytes;
  // A terminal gets a progress line; a pipe or a file gets only the JSON result.
  auto printer = std::make_shared<ProgressPrinter>();
  if (isatty(STDERR_FILENO) == 1) {
    options.progress = [printer](const app::ImportProgress& progress) { (*printer)(progress); };
  }
  const app::ImportOutcome outcome =
      app::import_list(context.database(), context.secrets(), actor, program_id, source, options);
  printer.reset();
  return app::import_json(outcome.summary, outcome.duplicate_file);
}

nlohmann::json export_rejected(Context& context, Arguments& arguments) {
  const std::int64_t import_id = arguments.positional_id(0, "the import id");
  const std::string path = arguments.required_option("out");
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  std::ofstream output(path, std::ios::binary | std::ios::trunc);
  if (!output) throw InvalidInput("'" + path + "' cannot be written");
  app::export_rejections(context.database(), actor, import_id, output);
  const domain::ImportSummary import = app::show_import(context.database(), actor, import_id);
  return {{"import_id", import_id}, {"out", path}, {"rows", import.counts.rows_rejected}};
}

std::int64_t whole_number(const std::string& text, const std::string& what) {
  std::size_t used = 0;
  std::int64_t value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || value < 0) {
    throw InvalidInput(what + " must be a whole number, 0 or more");
  }
  return value;
}

nlohmann::json list_imports(Context& context, Arguments& arguments) {
  app::ImportListRequest request;
  if (arguments.option("program")) request.program_id = arguments.required_id("program");
  if (arguments.option("before")) request.before_id = arguments.required_id("before");
  if (const auto limit = arguments.option("limit")) {
    // Out of range is refused by the use case; the cap only keeps the number an int.
    request.limit = static_cast<int>(std::min<std::int64_t>(whole_number(*limit, "--limit"), 1000));
  }
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  return app::import_page_json(app::list_imports(context.database(), actor, request));
}

nlohmann::json sample_stats_json(const domain::SampleStats& stats) {
  nlohmann::json invalid = nlohmann::json::object();
  for (std::size_t index = 0; index < domain::sample_defect_count; index++) {
    const auto defect = static_cast<domain::SampleDefect>(index);
    invalid[std::string(domain::to_string(defect))] = stats.rows_invalid(defect);
  }
  return {{"rows_total", stats.rows_total},
          {"rows_intended_valid", stats.rows_intended_valid},
          {"rows_intended_invalid", stats.rows_intended_invalid()},
          {"rows_invalid_by_defect", invalid},
          {"duplicate_email_pairs", stats.duplicate_email_pairs},
          {"duplicate_address_pairs", stats.duplicate_address_pairs},
          {"rows_with_duplicate_signal", stats.rows_with_duplicate_signal()},
          {"paypal_payees", stats.paypal_payees},
          {"check_payees", stats.check_payees},
          {"ach_payees", stats.ach_payees}};
}

nlohmann::json sample_list(Context&, Arguments& arguments) {
  const std::int64_t customers =
      whole_number(arguments.required_option("customers"), "--customers");
  const auto seed =
      static_cast<std::uint64_t>(whole_number(arguments.option("seed").value_or("1"), "--seed"));
  const bool dirty = arguments.flag("dirty");
  const std::string path = arguments.required_option("out");
  arguments.finish();
  std::ofstream output(path, std::ios::binary | std::ios::trunc);
  if (!output) throw InvalidInput("'" + path + "' cannot be written");
  domain::SampleListGenerator generator({customers, seed, dirty});
  formats::CsvWriter writer(output);
  writer.write_plain_record(domain::sample_list_columns);
  std::vector<std::string> fields;
  while (generator.next_row(fields)) writer.write_plain_record(fields);
  writer.flush();
  nlohmann::json result = sample_stats_json(generator.stats());
  result["out"] = path;
  result["seed"] = seed;
  result["dirty"] = dirty;
  return result;
}

}  // namespace

void add_import_commands(std::vector<Command>& commands) {
  commands.push_back({"import", "--program ID FILE [--as USER]", import_file});
  commands.push_back({"import rejected", "IMPORT_ID --out FILE [--as USER]", export_rejected});
  commands.push_back({"import list", "[--program ID] [--before IMPORT_ID] [--limit N] [--as USER]",
                      list_imports});
  commands.push_back({"sample-list", "--customers N [--seed S] [--dirty] --out FILE", sample_list});
}

}  // namespace disburse::cli
