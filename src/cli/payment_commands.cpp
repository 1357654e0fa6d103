// expire --program ID [--now T], payment reissue PAYMENT --method M [address options] and
// export --program ID --kind K --out FILE.

#include <sys/stat.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>

#include "command.hpp"
#include "disburse/app/expiry.hpp"
#include "disburse/app/exports.hpp"
#include "disburse/app/reissue.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::cli {

namespace {

// --now makes the clock injectable for operators (a catch-up run) and tests; without it the
// real clock decides, as in the periodic job.
nlohmann::json expire(Context& context, Arguments& arguments) {
  const std::int64_t program_id = arguments.required_id("program");
  const auto now_text = arguments.option("now");
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  const std::chrono::sys_seconds now =
      now_text ? app::parse_instant(*now_text, "--now")
               : std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return app::expiry_json(app::expire_payments(context.database(), actor, program_id, now));
}

// Separate options rather than one delimited string: a street may hold any character, and a
// forgotten field is then named in the error.
std::optional<domain::MailingAddress> address_options(Arguments& arguments) {
  domain::MailingAddress address;
  const std::array<std::pair<const char*, std::string*>, 5> options = {{
      {"address1", &address.address1},
      {"address2", &address.address2},
      {"city", &address.city},
      {"state", &address.state},
      {"postal-code", &address.postal_code},
  }};
  bool given = false;
  for (const auto& [name, field] : options) {
    if (const auto value = arguments.option(name)) {
      *field = *value;
      given = true;
    }
  }
  if (!given) return std::nullopt;
  return address;
}

nlohmann::json reissue(Context& context, Arguments& arguments) {
  app::ReissueRequest request;
  request.payment_id = arguments.positional_id(0, "the payment id");
  request.method = arguments.required_option("method");
  request.address = address_options(arguments);
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  return app::reissue_json(context.database().write([&](pg::Transaction& transaction) {
    return app::reissue_payment(transaction, context.secrets(), actor, request);
  }));
}

// Streams into FILE.partial (mode 0600) and renames it into place, so FILE is never partial.
nlohmann::json export_csv(Context& context, Arguments& arguments) {
  const std::int64_t program_id = arguments.required_id("program");
  const std::string kind = arguments.required_option("kind");
  const std::string path = arguments.required_option("out");
  const app::Actor actor = context.acting_user_or_operator(arguments);
  arguments.finish();
  app::check_export_kind(kind);
  const std::string temporary = path + ".partial";
  std::int64_t rows = 0;
  {
    std::ofstream output(temporary, std::ios::binary | std::ios::trunc);
    if (!output) throw InvalidInput("cannot write " + path);
    chmod(temporary.c_str(), S_IRUSR | S_IWUSR);
    rows = app::write_export(context.database(), actor, program_id, kind, output);
    output.flush();
    if (!output) throw InvalidInput("cannot write " + path);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) throw InvalidInput("cannot write " + path);
  return {{"program_id", program_id}, {"kind", kind}, {"rows", rows}, {"path", path}};
}

}  // namespace

void add_payment_commands(std::vector<Command>& commands) {
  commands.push_back({"expire", "--program ID [--now 2026-06-01T00:00:00Z] [--as USER]", expire});
  commands.push_back({"export",
                      "--program ID --kind payments|ledger|rollforward|regulator|discrepancies "
                      "--out FILE [--as USER]",
                      export_csv});
  commands.push_back({"payment reissue",
                      "PAYMENT --method paypal|check|ach [--address1 STREET [--address2 APT] "
                      "--city CITY --state ST --postal-code ZIP] [--as USER]",
                      reissue});
}

}  // namespace disburse::cli
