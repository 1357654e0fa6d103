// claims list | show | decide: the review queue from the command line.

#include <charconv>

#include "command.hpp"
#include "disburse/app/claim_views.hpp"
#include "disburse/app/claims.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::cli {

namespace {

int limit_option(Arguments& arguments) {
  const auto text = arguments.option("limit");
  if (!text) return 100;
  int limit = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (error != std::errc() || end != text->data() + text->size()) {
    throw InvalidInput("--limit must be a whole number");
  }
  return limit;
}

nlohmann::json list(Context& context, Arguments& arguments) {
  app::ClaimListRequest request;
  request.program_id = arguments.required_id("program");
  request.state = arguments.option("state");
  request.review_flag = arguments.option("flag");
  request.limit = limit_option(arguments);
  request.cursor = arguments.option("cursor");
  request.reveal = arguments.flag("reveal");
  request.claim_number = arguments.option("claim-number");
  request.last_name = arguments.option("last-name");
  request.email = arguments.option("email");
  request.zip = arguments.option("zip");
  const app::Actor actor = context.acting_user(arguments);
  arguments.finish();
  return app::claim_page_json(
      app::list_claims(context.database(), context.secrets(), actor, request));
}

nlohmann::json show(Context& context, Arguments& arguments) {
  const std::string claim_number = arguments.positional(0, "the claim number");
  const bool reveal = arguments.flag("reveal");
  const app::Actor actor = context.acting_user(arguments);
  arguments.finish();
  return app::claim_detail_json(
      app::show_claim(context.database(), context.secrets(), actor, claim_number, reveal));
}

nlohmann::json decide(Context& context, Arguments& arguments) {
  const std::string claim_number = arguments.positional(0, "the claim number");
  const std::string decision = arguments.positional(1, "the decision (approve|deny|deficient|cure)");
  const std::string reason = arguments.required_option("reason");
  const app::Actor actor = context.acting_user(arguments);
  arguments.finish();
  return app::decision_json(context.database().write([&](pg::Transaction& transaction) {
    return app::decide_claim(transaction, actor, claim_number, decision, reason,
                             app::current_epoch_seconds());
  }));
}

}  // namespace

void add_claim_commands(std::vector<Command>& commands) {
  commands.push_back({"claims list",
                      "--program ID [--state S] [--flag F] [--claim-number N] [--last-name PREFIX] "
                      "[--email E] [--zip Z] [--limit N] [--cursor C] [--reveal] --as USER",
                      list});
  commands.push_back({"claims show", "CLAIM_NUMBER [--reveal] --as USER", show});
  commands.push_back({"claims decide",
                      "CLAIM_NUMBER approve|deny|deficient|cure --reason CODE --as USER", decide});
}

}  // namespace disburse::cli
