#pragma once
// Roles and what each may do (DESIGN.md "Audit and privacy"). Least privilege: every route and
// every command names the one permission it needs, and this table is the only place that says
// which roles hold it.

#include <optional>
#include <string_view>

namespace disburse::domain {

enum class Role { admin, reviewer, finance, auditor };

enum class Permission {
  read_program,          // See programs, totals and masked lists.
  manage_program,        // Create programs and change their settings.
  manage_users,          // Add users and manage their tokens.
  import_lists,          // Upload eligible-customer lists.
  review_claims,         // Decide claims in the review queue.
  reveal_personal_data,  // Unmask one person's data (always audited).
  run_allocation,        // Create and approve allocation runs.
  manage_batches,        // Create, approve, cancel batches and produce their files.
  reconcile,             // Import provider results, reissue payments.
  export_reports,        // Take finance and regulator exports.
  read_audit,            // Read and verify the audit log.
  close_program,         // Close and purge a program.
};

std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);
std::string_view to_string(Permission permission);

bool role_allows(Role role, Permission permission);

}  // namespace disburse::domain
