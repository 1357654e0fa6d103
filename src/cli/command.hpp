#pragma once
// The pieces every subcommand shares: its arguments, its context and its registration.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "disburse/app/actor.hpp"
#include "disburse/app/config.hpp"
#include "disburse/pg/database.hpp"
#include "disburse/security/crypto.hpp"

namespace disburse::cli {

// The words after the command: positionals and --options. Every option must be consumed by the
// command; finish() refuses any that were not, so a typo never passes silently.
class Arguments {
 public:
  explicit Arguments(const std::vector<std::string>& words);
  std::string positional(std::size_t index, const std::string& what);
  std::optional<std::string> option(const std::string& name);
  std::string required_option(const std::string& name);
  std::int64_t required_id(const std::string& name);
  std::int64_t positional_id(std::size_t index, const std::string& what);
  bool flag(const std::string& name);
  void finish();

 private:
  std::vector<std::string> positionals_;
  std::vector<bool> positional_used_;
  std::map<std::string, std::optional<std::string>> options_;
  std::map<std::string, bool> option_used_;
};

std::int64_t parse_id(const std::string& text, const std::string& what);

class Context {
 public:
  explicit Context(app::Config config) : config_(std::move(config)) {}
  const app::Config& config() const { return config_; }
  pg::Database& database();
  const security::SecretBox& secrets();
  // The user named by --as, authenticated by DISBURSE_PASSWORD or the first line of stdin.
  // Commands that need an actor refuse without --as.
  app::Actor acting_user(Arguments& arguments);
  // The user named by --as when given, else the operator's own shell.
  app::Actor acting_user_or_operator(Arguments& arguments);
  // A secret read from stdin (first line), never echoed and never logged.
  std::string read_secret_from_stdin(const std::string& what);

 private:
  app::Config config_;
  std::unique_ptr<pg::Database> database_;
  std::unique_ptr<security::SecretBox> secrets_;
  std::optional<std::string> stdin_line_;
};

using Handler = std::function<nlohmann::json(Context&, Arguments&)>;

struct Command {
  std::string path;   // "program create"
  std::string usage;  // "--name N --fund D [--reserve D] …"
  Handler handler;
};

// Each command file adds its commands here; cli.cpp dispatches.
void add_program_commands(std::vector<Command>& commands);
void add_user_commands(std::vector<Command>& commands);
void add_admin_commands(std::vector<Command>& commands);
void add_batch_commands(std::vector<Command>& commands);
void add_allocation_commands(std::vector<Command>& commands);
void add_import_commands(std::vector<Command>& commands);
void add_claim_commands(std::vector<Command>& commands);
void add_reconcile_commands(std::vector<Command>& commands);
void add_payment_commands(std::vector<Command>& commands);
void add_closing_commands(std::vector<Command>& commands);

// The option --NAME as a positive whole number, if given; InvalidInput when it is not one.
std::optional<std::int64_t> optional_count(Arguments& arguments, const std::string& name);

}  // namespace disburse::cli
