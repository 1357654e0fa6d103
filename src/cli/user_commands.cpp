#include "command.hpp"
#include "disburse/app/users.hpp"
#include "disburse/app/views.hpp"

namespace disburse::cli {

namespace {

nlohmann::json add(Context& context, Arguments& arguments) {
  const std::string username = arguments.positional(0, "the user name");
  const std::string role = arguments.required_option("role");
  // The acting admin's password (with --as) and the new user's password would both come from
  // stdin; the new password is the stdin line, so --as needs DISBURSE_PASSWORD.
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  const std::string password = context.read_secret_from_stdin("the new user's password");
  return app::user_json(app::add_user(context.database(), actor, username, role, password));
}

nlohmann::json list(Context& context, Arguments& arguments) {
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  nlohmann::json items = nlohmann::json::array();
  for (const auto& user : app::list_users(context.database(), actor)) {
    items.push_back(app::user_json(user));
  }
  return {{"items", items}};
}

nlohmann::json create_token(Context& context, Arguments& arguments) {
  const std::string name = arguments.option("name").value_or("api");
  const std::int64_t days =
      optional_count(arguments, "days").value_or(app::default_token_lifetime_days);
  const app::Actor actor = context.acting_user(arguments);
  arguments.finish();
  return app::created_token_json(app::create_token(context.database(), actor, name, days), actor);
}

nlohmann::json revoke_token(Context& context, Arguments& arguments) {
  const std::int64_t token_id = arguments.positional_id(0, "the token id");
  const app::Actor actor = context.acting_user(arguments);
  arguments.finish();
  app::revoke_token(context.database(), actor, token_id);
  return {{"id", token_id}, {"revoked", true}};
}

}  // namespace

void add_user_commands(std::vector<Command>& commands) {
  commands.push_back({"user add", "NAME --role admin|reviewer|finance|auditor (password on stdin)", add});
  commands.push_back({"user list", "", list});
  commands.push_back({"token create", "[--name NAME] [--days 1-365, default 90] --as USER", create_token});
  commands.push_back({"token revoke", "TOKEN_ID --as USER", revoke_token});
}

}  // namespace disburse::cli
