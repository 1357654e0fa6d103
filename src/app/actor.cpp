#include "disburse/app/actor.hpp"

#include "disburse/domain/errors.hpp"

namespace disburse::app {

Actor Actor::operator_shell() { return Actor{0, "operator", domain::Role::admin, "cli"}; }

Actor Actor::system(const std::string& job_name) {
  return Actor{0, "system:" + job_name, domain::Role::admin, "job"};
}

void require(const Actor& actor, domain::Permission permission) {
  if (!domain::role_allows(actor.role, permission)) {
    throw Forbidden("the " + std::string(domain::to_string(actor.role)) + " role may not " +
                    std::string(domain::to_string(permission)));
  }
}

}  // namespace disburse::app
