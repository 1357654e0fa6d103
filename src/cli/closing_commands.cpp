// program close ID and purge --program ID.

#include "command.hpp"
#include "disburse/app/closing.hpp"

namespace disburse::cli {

namespace {

nlohmann::json close(Context& context, Arguments& arguments) {
  const std::int64_t program_id = arguments.positional_id(0, "the program id");
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  return app::close_json(app::close_program(context.database(), actor, program_id));
}

nlohmann::json purge(Context& context, Arguments& arguments) {
  const std::int64_t program_id = arguments.required_id("program");
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  return app::purge_json(app::purge_program(context.database(), actor, program_id));
}

}  // namespace

void add_closing_commands(std::vector<Command>& commands) {
  commands.push_back({"program close", "ID [--as USER]", close});
  commands.push_back({"purge", "--program ID [--as USER]", purge});
}

}  // namespace disburse::cli
