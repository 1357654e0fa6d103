#pragma once
// A program taken through every step by the real command line (import, allocation, batches for
// each rail, files, reconciliation) with hostile text wherever outside text gets in: the
// program's name, the weighting rule's device types, every free-text column of the imported
// list, rejected rows, a results file's references and a token's name. The attack tests walk
// every route against it; every entity they name exists with id 1 (program, import, allocation
// run, PayPal batch, reconciliation, payment), and API token 1 belongs to a bystander.

#include <cstdint>
#include <string>
#include <vector>

#include "disburse/http/server.hpp"
#include "support.hpp"

namespace disburse::testing {

// Markup that must never reach a page unescaped.
inline const std::vector<std::string> hostile_markup = {
    "<script>alert(\"first\")</script>",       "\"><img src=x onerror=alert('last')>",
    "'><svg onload=alert('address1')>",        "<img src=x onerror=alert('customer')>",
    "<script>alert('last2')</script>",         "<iframe src=javascript:alert(1)>",
    "<script>alert('device')</script>",        "<script>alert('program')</script>",
    "<script>alert('reference')</script>",     "<script>alert('token')</script>",
    "<b>Austin</b>"};

struct HostileProgram {
  std::int64_t program_id = 0;
  std::int64_t import_id = 0;
  std::int64_t run_id = 0;
  std::int64_t paypal_batch_id = 0;
  std::int64_t check_batch_id = 0;
  std::int64_t ach_batch_id = 0;
  std::int64_t reconciliation_id = 0;
  std::string list_csv;  // The imported file, byte for byte.
  // The PayPal claimant (hostile names and address), whose payment came back: the portal lets
  // them ask for a change.
  std::string claim_number;
  std::string zip5;
  std::string last_name;
  // The check claimant, with other hostile fields.
  std::string check_claim_number;
};

// Users: ada (admin), rita (reviewer), audrey (auditor), maker, checker and clerk (finance),
// and bystander (auditor, the owner of API token 1). Passwords are password_of(name).
HostileProgram build_hostile_program(TestDatabase& database);

// The server's routes, as registered (the walks over them fail on a route they do not cover).
std::vector<http::RouteInfo> registered_routes(TestDatabase& database);

// Every table of the public schema with its row count.
std::vector<std::pair<std::string, std::int64_t>> table_row_counts(TestDatabase& database);

}  // namespace disburse::testing
