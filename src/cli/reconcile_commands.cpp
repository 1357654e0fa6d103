// reconcile --batch ID FILE, reconcile show ID and reconcile report ID --out FILE.

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "command.hpp"
#include "disburse/app/reconciliation.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::cli {

namespace {

std::string read_result_file(const std::string& path, long long max_bytes) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error || !std::filesystem::is_regular_file(path)) {
    throw InvalidInput("'" + path + "' is not a readable file");
  }
  if (static_cast<long long>(size) > max_bytes) {
    throw InvalidInput("'" + path + "' is larger than the upload limit of " +
                       std::to_string(max_bytes) + " bytes");
  }
  std::ifstream input(path, std::ios::binary);
  if (!input) throw InvalidInput("'" + path + "' is not a readable file");
  std::ostringstream content;
  content << input.rdbuf();
  return content.str();
}

nlohmann::json reconcile(Context& context, Arguments& arguments) {
  const std::int64_t batch_id = arguments.required_id("batch");
  const std::string path = arguments.positional(0, "the results file");
  const app::Actor actor = context.acting_user(arguments);
  arguments.finish();
  const std::string content = read_result_file(path, context.config().limits.max_upload_bytes);
  return app::reconciliation_json(context.database().write([&](pg::Transaction& transaction) {
    return app::reconcile(transaction, actor, context.secrets(), batch_id, content);
  }));
}

nlohmann::json show(Context& context, Arguments& arguments) {
  const std::int64_t reconciliation_id = arguments.positional_id(0, "the reconciliation id");
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  return app::reconciliation_json(
      app::show_reconciliation(context.database(), actor, reconciliation_id));
}

// Written under a temporary name and renamed into place, so that FILE is never partial.
nlohmann::json report(Context& context, Arguments& arguments) {
  const std::int64_t reconciliation_id = arguments.positional_id(0, "the reconciliation id");
  const std::string path = arguments.required_option("out");
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  const std::string temporary = path + ".partial";
  {
    std::ofstream output(temporary, std::ios::binary | std::ios::trunc);
    if (!output) throw InvalidInput("cannot write " + path);
    chmod(temporary.c_str(), S_IRUSR | S_IWUSR);
    app::export_reconciliation_report(context.database(), actor, reconciliation_id, output);
    output.flush();
    if (!output) throw InvalidInput("cannot write " + path);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) throw InvalidInput("cannot write " + path);
  nlohmann::json output = app::reconciliation_json(
      app::show_reconciliation(context.database(), actor, reconciliation_id));
  output["path"] = path;
  return output;
}

}  // namespace

void add_reconcile_commands(std::vector<Command>& commands) {
  commands.push_back({"reconcile", "--batch ID FILE --as USER", reconcile});
  commands.push_back({"reconcile show", "RECONCILIATION [--as USER]", show});
  commands.push_back({"reconcile report", "RECONCILIATION --out FILE [--as USER]", report});
}

}  // namespace disburse::cli
