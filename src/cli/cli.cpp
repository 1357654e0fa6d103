#include "disburse/cli/cli.hpp"

#include <iostream>

#include "command.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/security/crypto.hpp"

namespace disburse::cli {

namespace {

// Exit codes by kind of failure, so that scripts can tell them apart.
enum ExitCode : int {
  exit_ok = 0,
  exit_check_failed = 1,
  exit_invalid_input = 2,
  exit_not_found = 3,
  exit_conflict = 4,
  exit_not_allowed = 5,
  exit_unavailable = 6,
  exit_internal = 70,
};

std::vector<Command> all_commands() {
  std::vector<Command> commands;
  add_admin_commands(commands);
  add_allocation_commands(commands);
  add_claim_commands(commands);
  add_program_commands(commands);
  add_user_commands(commands);
  add_batch_commands(commands);
  add_import_commands(commands);
  add_reconcile_commands(commands);
  add_payment_commands(commands);
  add_closing_commands(commands);
  return commands;
}

std::string usage_text(const std::vector<Command>& commands) {
  std::string text = "usage: disburse COMMAND [ARGUMENTS]\n";
  for (const Command& command : commands) text += "  disburse " + command.path + " " + command.usage + "\n";
  return text;
}

// Finds the command whose words are the longest prefix of the given words.
const Command* find_command(const std::vector<Command>& commands,
                            const std::vector<std::string>& words, std::size_t& consumed) {
  const Command* best = nullptr;
  for (const Command& command : commands) {
    std::string path;
    for (std::size_t count = 1; count <= words.size(); count++) {
      path += (count > 1 ? " " : "") + words[count - 1];
      if (path == command.path && (best == nullptr || count > consumed)) {
        best = &command;
        consumed = count;
      }
    }
  }
  return best;
}

int fail(int code, const std::string& message) {
  std::string line = message;
  for (char& character : line) {
    if (character == '\n' || character == '\r') character = ' ';
  }
  std::cerr << "disburse: " << line << "\n";
  return code;
}

int run_command(const Command& command, const std::vector<std::string>& words) {
  Context context(app::load_config(app::process_environment));
  Arguments arguments(words);
  nlohmann::json output = command.handler(context, arguments);
  std::cout << output.dump() << "\n";
  // A command that verifies something reports failure with exit 1 after printing its findings.
  if (output.contains("ok") && output["ok"].is_boolean() && !output["ok"].get<bool>()) {
    return exit_check_failed;
  }
  return exit_ok;
}

}  // namespace

int run(int argc, char** argv) {
  security::initialize();
  const std::vector<Command> commands = all_commands();
  const std::vector<std::string> words(argv + 1, argv + argc);
  std::size_t consumed = 0;
  const Command* command = find_command(commands, words, consumed);
  if (command == nullptr) {
    std::cerr << usage_text(commands);
    return words.empty() || words[0] == "help" || words[0] == "--help" ? exit_ok : exit_invalid_input;
  }
  try {
    return run_command(*command, std::vector<std::string>(words.begin() + static_cast<long>(consumed), words.end()));
  } catch (const InvalidInput& error) {
    const std::string usage = command->usage.empty() ? "" : " (usage: disburse " + command->path + " " + command->usage + ")";
    return fail(exit_invalid_input, std::string(error.what()) + usage);
  } catch (const NotFound& error) {
    return fail(exit_not_found, error.what());
  } catch (const Conflict& error) {
    return fail(exit_conflict, error.what());
  } catch (const Unauthenticated& error) {
    return fail(exit_not_allowed, error.what());
  } catch (const Forbidden& error) {
    return fail(exit_not_allowed, error.what());
  } catch (const Unavailable& error) {
    return fail(exit_unavailable, error.what());
  } catch (const std::exception& error) {
    return fail(exit_internal, std::string("internal error: ") + error.what());
  }
}

}  // namespace disburse::cli
