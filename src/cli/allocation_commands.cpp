// disburse program rule, allocate, allocation show|approve|explain|shares (issue 4).

#include <charconv>
#include <fstream>
#include <sstream>

#include "command.hpp"
#include "disburse/app/allocation_views.hpp"
#include "disburse/app/allocations.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::cli {

namespace {

std::string read_text_file(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  if (!input) throw InvalidInput("cannot read " + path);
  std::ostringstream text;
  text << input.rdbuf();
  return text.str();
}

int parse_round(const std::optional<std::string>& text) {
  if (!text) return 1;
  int round = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), round);
  if (error != std::errc() || end != text->data() + text->size() || round < 1) {
    throw InvalidInput("--round must be a positive whole number");
  }
  return round;
}

nlohmann::json weighting_rule(Context& context, Arguments& arguments) {
  const std::int64_t program_id = arguments.positional_id(0, "the program id");
  const auto file = arguments.option("set");
  const bool reset = arguments.flag("default");
  // Showing is what the command does without --set or --default; --show says so explicitly.
  const bool show_only = arguments.flag("show");
  if (show_only && (file || reset))
    throw InvalidInput("--show does not combine with --set or --default");
  if (file && reset) throw InvalidInput("give either --set FILE or --default, not both");
  if (!file && !reset) {
    const app::Actor actor = context.acting_user_or_operator(arguments);
    arguments.finish();
    return app::weighting_rule_json(
        app::show_weighting_rule(context.database(), actor, program_id));
  }
  const std::string text = file ? read_text_file(*file) : "";
  const app::Actor actor = context.acting_user(arguments);
  arguments.finish();
  return app::weighting_rule_json(context.database().write([&](pg::Transaction& transaction) {
    return app::set_weighting_rule(transaction, actor, program_id, text);
  }));
}

nlohmann::json allocate(Context& context, Arguments& arguments) {
  app::AllocationRequest request;
  request.program_id = arguments.required_id("program");
  request.round = parse_round(arguments.option("round"));
  request.seed = arguments.option("seed");
  request.cap = arguments.option("cap").value_or("0");
  const app::Actor actor = context.acting_user(arguments);
  arguments.finish();
  return app::allocation_run_json(context.database().write([&](pg::Transaction& transaction) {
    return app::create_allocation_run(transaction, actor, request);
  }));
}

nlohmann::json list(Context& context, Arguments& arguments) {
  const std::int64_t program_id = arguments.required_id("program");
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  nlohmann::json items = nlohmann::json::array();
  for (const auto& run : app::list_allocation_runs(context.database(), actor, program_id, 1000)) {
    items.push_back(app::allocation_run_json(run));
  }
  return {{"items", items}};
}

nlohmann::json show(Context& context, Arguments& arguments) {
  const std::int64_t run_id = arguments.positional_id(0, "the allocation run id");
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  return app::allocation_run_json(app::show_allocation_run(context.database(), actor, run_id));
}

nlohmann::json approve(Context& context, Arguments& arguments) {
  const std::int64_t run_id = arguments.positional_id(0, "the allocation run id");
  const app::Actor actor = context.acting_user(arguments);
  arguments.finish();
  return app::approval_json(context.database().write([&](pg::Transaction& transaction) {
    return app::approve_allocation_run(transaction, actor, run_id);
  }));
}

nlohmann::json explain(Context& context, Arguments& arguments) {
  const std::int64_t run_id = arguments.positional_id(0, "the allocation run id");
  const std::string claim_number = arguments.positional(1, "the claim number");
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  return app::explanation_json(
      app::explain_allocation_share(context.database(), actor, run_id, claim_number));
}

nlohmann::json shares(Context& context, Arguments& arguments) {
  const std::int64_t run_id = arguments.positional_id(0, "the allocation run id");
  const std::string path = arguments.required_option("out");
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  std::ofstream output(path, std::ios::binary | std::ios::trunc);
  if (!output) throw InvalidInput("cannot write " + path);
  const std::uint64_t rows =
      app::write_shares_csv(context.database(), actor, run_id, [&](std::string_view chunk) {
        output.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      });
  output.close();
  if (!output) throw Unavailable("writing " + path + " failed");
  return {{"run_id", run_id}, {"rows", rows}, {"path", path}};
}

}  // namespace

void add_allocation_commands(std::vector<Command>& commands) {
  commands.push_back(
      {"program rule", "ID [--show | --set FILE --as USER | --default --as USER]", weighting_rule});
  commands.push_back(
      {"allocate", "--program ID [--round 1] [--seed S] [--cap D] --as USER", allocate});
  commands.push_back({"allocation list", "--program ID", list});
  commands.push_back({"allocation show", "RUN", show});
  commands.push_back({"allocation approve", "RUN --as USER", approve});
  commands.push_back({"allocation explain", "RUN CLAIM_NUMBER", explain});
  commands.push_back({"allocation shares", "RUN --out FILE", shares});
}

}  // namespace disburse::cli
