#include "command.hpp"

#include <charconv>
#include <iostream>

#include "disburse/app/users.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::cli {

Arguments::Arguments(const std::vector<std::string>& words) {
  for (std::size_t index = 0; index < words.size(); index++) {
    const std::string& word = words[index];
    if (!word.starts_with("--")) {
      positionals_.push_back(word);
      continue;
    }
    std::string name = word.substr(2);
    std::optional<std::string> value;
    if (const std::size_t equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    } else if (index + 1 < words.size() && !words[index + 1].starts_with("--")) {
      value = words[++index];
    }
    if (options_.contains(name)) throw InvalidInput("--" + name + " is given twice");
    options_[name] = value;
  }
  positional_used_.assign(positionals_.size(), false);
}

std::string Arguments::positional(std::size_t index, const std::string& what) {
  if (index >= positionals_.size()) throw InvalidInput("missing " + what);
  positional_used_[index] = true;
  return positionals_[index];
}

std::optional<std::string> Arguments::option(const std::string& name) {
  const auto found = options_.find(name);
  if (found == options_.end()) return std::nullopt;
  option_used_[name] = true;
  if (!found->second) throw InvalidInput("--" + name + " needs a value");
  return found->second;
}

std::string Arguments::required_option(const std::string& name) {
  const auto value = option(name);
  if (!value) throw InvalidInput("--" + name + " is required");
  return *value;
}

std::int64_t Arguments::required_id(const std::string& name) {
  return parse_id(required_option(name), "--" + name);
}

std::int64_t Arguments::positional_id(std::size_t index, const std::string& what) {
  return parse_id(positional(index, what), what);
}

bool Arguments::flag(const std::string& name) {
  const auto found = options_.find(name);
  if (found == options_.end()) return false;
  // A flag takes no value: "--reveal x" would have swallowed x as a value.
  if (found->second) {
    positionals_.push_back(*found->second);
    positional_used_.push_back(false);
  }
  option_used_[name] = true;
  return true;
}

void Arguments::finish() {
  for (const auto& [name, value] : options_) {
    if (!option_used_[name]) throw InvalidInput("unknown option --" + name);
  }
  for (std::size_t index = 0; index < positionals_.size(); index++) {
    if (!positional_used_[index]) throw InvalidInput("unexpected argument '" + positionals_[index] + "'");
  }
}

std::int64_t parse_id(const std::string& text, const std::string& what) {
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) {
    throw InvalidInput(what + " must be a positive whole number");
  }
  return id;
}

pg::Database& Context::database() {
  if (!database_) {
    if (config_.database_url.empty()) {
      throw InvalidInput("DATABASE_URL is not set (ops/dev-db url prints the local one)");
    }
    database_ = std::make_unique<pg::Database>(
        pg::PoolSettings{config_.database_url, 2, config_.pool_acquire_timeout_ms,
                         config_.statement_timeout_ms, 5});
  }
  return *database_;
}

const security::SecretBox& Context::secrets() {
  if (!secrets_) {
    secrets_ = std::make_unique<security::SecretBox>(
        security::load_secret_key(config_.secret_key_file, false));
  }
  return *secrets_;
}

std::string Context::read_secret_from_stdin(const std::string& what) {
  if (!stdin_line_) {
    std::string line;
    if (!std::getline(std::cin, line)) throw InvalidInput(what + " is expected on standard input");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    stdin_line_ = line;
  }
  return *stdin_line_;
}

app::Actor Context::acting_user(Arguments& arguments) {
  const auto username = arguments.option("as");
  if (!username) throw InvalidInput("this command acts on money or personal data: name the user with --as USER");
  const auto environment_password = app::process_environment("DISBURSE_PASSWORD");
  const std::string password = environment_password && !environment_password->empty()
                                   ? *environment_password
                                   : read_secret_from_stdin("the password of " + *username);
  return app::authenticate(database(), *username, password, "cli");
}

app::Actor Context::acting_user_or_operator(Arguments& arguments) {
  if (arguments.option("as").has_value()) {
    // option() marked it used; authenticate through the same path as acting_user.
    return acting_user(arguments);
  }
  return app::Actor::operator_shell();
}

std::optional<std::int64_t> optional_count(Arguments& arguments, const std::string& name) {
  const auto text = arguments.option(name);
  if (!text) return std::nullopt;
  std::int64_t count = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), count);
  if (error != std::errc() || end != text->data() + text->size() || count < 1) {
    throw InvalidInput("--" + name + " must be a positive whole number");
  }
  return count;
}

}  // namespace disburse::cli
