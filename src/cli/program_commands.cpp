#include <charconv>

#include "command.hpp"
#include "disburse/app/programs.hpp"
#include "disburse/app/views.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::cli {

namespace {

std::optional<int> optional_days(Arguments& arguments, const std::string& name) {
  const auto text = arguments.option(name);
  if (!text) return std::nullopt;
  int days = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), days);
  if (error != std::errc() || end != text->data() + text->size()) {
    throw InvalidInput("--" + name + " must be a whole number of days");
  }
  return days;
}

nlohmann::json create(Context& context, Arguments& arguments) {
  app::ProgramRequest request;
  request.name = arguments.required_option("name");
  request.fund = arguments.required_option("fund");
  request.reserve = arguments.option("reserve").value_or("0");
  request.min_payment = arguments.option("min-payment").value_or("0");
  request.currency = arguments.option("currency").value_or("USD");
  request.paypal_window_days = optional_days(arguments, "paypal-window-days");
  request.check_window_days = optional_days(arguments, "check-window-days");
  request.cure_window_days = optional_days(arguments, "cure-window-days");
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  return app::program_json(context.database().write(
      [&](pg::Transaction& transaction) { return app::create_program(transaction, actor, request); }));
}

nlohmann::json list(Context& context, Arguments& arguments) {
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  nlohmann::json items = nlohmann::json::array();
  for (const auto& program : app::list_programs(context.database(), actor)) {
    items.push_back(app::program_json(program));
  }
  return {{"items", items}};
}

nlohmann::json show(Context& context, Arguments& arguments) {
  const std::int64_t program_id = arguments.positional_id(0, "the program id");
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  return app::program_json(app::show_program(context.database(), actor, program_id));
}

}  // namespace

void add_program_commands(std::vector<Command>& commands) {
  commands.push_back({"program create",
                      "--name NAME --fund 5800000.00 [--reserve D] [--min-payment D] [--currency USD] "
                      "[--paypal-window-days N] [--check-window-days N] [--cure-window-days N]",
                      create});
  commands.push_back({"program list", "", list});
  commands.push_back({"program show", "ID", show});
}

}  // namespace disburse::cli
