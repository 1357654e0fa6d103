#pragma once
// Who is acting: an authenticated user through a channel, or the system itself.

#include <cstdint>
#include <string>

#include "disburse/domain/roles.hpp"

namespace disburse::app {

struct Actor {
  std::int64_t user_id = 0;  // 0 for the system and the operator's own shell.
  std::string name;          // The user name, or "system:<job>", or "operator".
  domain::Role role = domain::Role::auditor;
  std::string channel;  // "cli", "api", "console", "job".

  // The operator holds DATABASE_URL on the server itself, which is full control anyway: the
  // commands that bootstrap the first users run as this actor.
  static Actor operator_shell();
  static Actor system(const std::string& job_name);
  bool is_user() const { return user_id != 0; }
};

// Throws Forbidden naming the missing permission.
void require(const Actor& actor, domain::Permission permission);

}  // namespace disburse::app
