#include <doctest/doctest.h>

#include "disburse/domain/roles.hpp"

using namespace disburse::domain;

TEST_CASE("every role name round-trips through its text form") {
  for (const Role role : {Role::admin, Role::reviewer, Role::finance, Role::auditor}) {
    CHECK(parse_role(to_string(role)) == role);
  }
  CHECK_FALSE(parse_role("root").has_value());
  CHECK_FALSE(parse_role("Admin").has_value());
}

TEST_CASE("the role table grants least privilege") {
  CHECK(role_allows(Role::admin, Permission::manage_users));
  CHECK(role_allows(Role::admin, Permission::close_program));

  CHECK(role_allows(Role::reviewer, Permission::review_claims));
  CHECK(role_allows(Role::reviewer, Permission::reveal_personal_data));
  CHECK_FALSE(role_allows(Role::reviewer, Permission::manage_batches));
  CHECK_FALSE(role_allows(Role::reviewer, Permission::run_allocation));

  CHECK(role_allows(Role::finance, Permission::manage_batches));
  CHECK(role_allows(Role::finance, Permission::reconcile));
  CHECK_FALSE(role_allows(Role::finance, Permission::reveal_personal_data));
  CHECK_FALSE(role_allows(Role::finance, Permission::review_claims));
  CHECK_FALSE(role_allows(Role::finance, Permission::manage_users));

  CHECK(role_allows(Role::auditor, Permission::read_audit));
  CHECK_FALSE(role_allows(Role::auditor, Permission::reveal_personal_data));
  CHECK_FALSE(role_allows(Role::auditor, Permission::manage_program));
}
