#include "disburse/domain/roles.hpp"

namespace disburse::domain {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::admin: return "admin";
    case Role::reviewer: return "reviewer";
    case Role::finance: return "finance";
    case Role::auditor: return "auditor";
  }
  return "unknown";
}

std::optional<Role> parse_role(std::string_view text) {
  for (const Role role : {Role::admin, Role::reviewer, Role::finance, Role::auditor}) {
    if (to_string(role) == text) return role;
  }
  return std::nullopt;
}

std::string_view to_string(Permission permission) {
  switch (permission) {
    case Permission::read_program: return "read_program";
    case Permission::manage_program: return "manage_program";
    case Permission::manage_users: return "manage_users";
    case Permission::import_lists: return "import_lists";
    case Permission::review_claims: return "review_claims";
    case Permission::reveal_personal_data: return "reveal_personal_data";
    case Permission::run_allocation: return "run_allocation";
    case Permission::manage_batches: return "manage_batches";
    case Permission::reconcile: return "reconcile";
    case Permission::export_reports: return "export_reports";
    case Permission::read_audit: return "read_audit";
    case Permission::close_program: return "close_program";
  }
  return "unknown";
}

bool role_allows(Role role, Permission permission) {
  switch (role) {
    case Role::admin:
      return true;
    case Role::reviewer:
      // Reviewers work claims, which means seeing the person behind one (audited).
      return permission == Permission::read_program || permission == Permission::import_lists ||
             permission == Permission::review_claims ||
             permission == Permission::reveal_personal_data;
    case Role::finance:
      // Finance moves money and takes exports, but never unmasks a person's data.
      return permission == Permission::read_program || permission == Permission::run_allocation ||
             permission == Permission::manage_batches || permission == Permission::reconcile ||
             permission == Permission::export_reports;
    case Role::auditor:
      // Auditors read everything, masked, and verify the audit chain.
      return permission == Permission::read_program || permission == Permission::read_audit ||
             permission == Permission::export_reports;
  }
  return false;
}

}  // namespace disburse::domain
