// batch create|approve|cancel|show|list|file and check: payouts and the books.

#include <sys/stat.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "command.hpp"
#include "disburse/app/batches.hpp"
#include "disburse/app/books.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::cli {

namespace {

// Writes the bytes under a temporary name and renames it into place, so that PATH never holds
// a partial file, even when the process is killed mid-write. Mode 0600: personal data.
void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string temporary = path + ".partial";
  {
    std::ofstream output(temporary, std::ios::binary | std::ios::trunc);
    if (!output) throw InvalidInput("cannot write " + path);
    chmod(temporary.c_str(), S_IRUSR | S_IWUSR);
    output.write(content.data(), static_cast<std::streamsize>(content.size()));
    output.flush();
    if (!output) throw InvalidInput("cannot write " + path);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) throw InvalidInput("cannot write " + path);
}

nlohmann::json create(Context& context, Arguments& arguments) {
  app::BatchRequest request;
  request.program_id = arguments.required_id("program");
  request.method = arguments.required_option("method");
  request.max_items = optional_count(arguments, "max-items");
  const app::Actor actor = context.acting_user(arguments);
  arguments.finish();
  return app::batch_json(context.database().write([&](pg::Transaction& transaction) {
    return app::create_batch(transaction, actor, context.config().payouts, request);
  }));
}

nlohmann::json change_output(const app::BatchChange& change) {
  nlohmann::json output = app::batch_json(change.batch);
  output["changed"] = change.changed;
  return output;
}

nlohmann::json approve(Context& context, Arguments& arguments) {
  const std::int64_t batch_id = arguments.positional_id(0, "the batch id");
  const app::Actor actor = context.acting_user(arguments);
  arguments.finish();
  return change_output(context.database().write([&](pg::Transaction& transaction) {
    return app::approve_batch(transaction, actor, batch_id);
  }));
}

nlohmann::json cancel(Context& context, Arguments& arguments) {
  const std::int64_t batch_id = arguments.positional_id(0, "the batch id");
  const app::Actor actor = context.acting_user(arguments);
  arguments.finish();
  return change_output(context.database().write([&](pg::Transaction& transaction) {
    return app::cancel_batch(transaction, actor, batch_id);
  }));
}

nlohmann::json show(Context& context, Arguments& arguments) {
  const std::int64_t batch_id = arguments.positional_id(0, "the batch id");
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  return app::batch_json(app::show_batch(context.database(), actor, batch_id));
}

nlohmann::json list(Context& context, Arguments& arguments) {
  const std::int64_t program_id = arguments.required_id("program");
  const auto limit = optional_count(arguments, "limit").value_or(100);
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  nlohmann::json items = nlohmann::json::array();
  for (const auto& batch : app::list_batches(context.database(), actor, program_id,
                                             static_cast<int>(std::min<std::int64_t>(limit, 1000)))) {
    items.push_back(app::batch_json(batch));
  }
  return {{"items", items}};
}

app::FileOptions file_options(Arguments& arguments) {
  app::FileOptions options;
  if (const auto text = arguments.option("effective-date")) {
    options.effective_date = app::parse_date(*text, "--effective-date");
  }
  if (const auto text = arguments.option("issue-date")) {
    options.issue_date = app::parse_date(*text, "--issue-date");
  }
  return options;
}

// --out PATH writes one part (--part N, default 1); --out-dir DIR writes every part under its
// own file name. The files are written after the commit: a crash before that loses nothing,
// since the next call returns the same stored bytes.
nlohmann::json file(Context& context, Arguments& arguments) {
  const std::int64_t batch_id = arguments.positional_id(0, "the batch id");
  const auto out = arguments.option("out");
  const auto out_dir = arguments.option("out-dir");
  const std::int64_t part = optional_count(arguments, "part").value_or(1);
  const app::FileOptions options = file_options(arguments);
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  if (out.has_value() == out_dir.has_value()) throw InvalidInput("give either --out or --out-dir");
  const app::BatchFiles files = app::produce_batch_files(
      context.database(), actor, context.config().payouts, context.secrets(), batch_id, options);
  nlohmann::json output = app::batch_files_json(files);
  nlohmann::json written = nlohmann::json::array();
  for (const domain::BatchFile& batch_file : files.files) {
    if (out && batch_file.part != part) continue;
    const std::string path = out ? *out : (std::filesystem::path(*out_dir) / batch_file.file_name).string();
    write_file_atomically(path, batch_file.content);
    written.push_back({{"part", batch_file.part}, {"path", path}});
  }
  if (written.empty()) {
    throw InvalidInput("batch " + std::to_string(batch_id) + " has " +
                       std::to_string(files.files.size()) + " file part(s); --part " +
                       std::to_string(part) + " is not one of them");
  }
  output["written"] = written;
  return output;
}

nlohmann::json check(Context& context, Arguments& arguments) {
  const std::int64_t program_id = arguments.required_id("program");
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  return app::books_json(app::check_books(context.database(), actor, program_id));
}

}  // namespace

void add_batch_commands(std::vector<Command>& commands) {
  commands.push_back({"batch create",
                      "--program ID --method paypal|check|ach [--max-items N] --as USER", create});
  commands.push_back({"batch approve", "BATCH --as USER", approve});
  commands.push_back({"batch cancel", "BATCH --as USER", cancel});
  commands.push_back({"batch show", "BATCH", show});
  commands.push_back({"batch list", "--program ID [--limit N]", list});
  commands.push_back({"batch file",
                      "BATCH (--out PATH [--part N] | --out-dir DIR) [--effective-date YYYY-MM-DD] "
                      "[--issue-date YYYY-MM-DD] [--as USER]",
                      file});
  commands.push_back({"check", "--program ID [--as USER]", check});
}

}  // namespace disburse::cli
