// Whatever people type, the checker answers without crashing; an accepted number's canonical
// form is accepted again unchanged.
#include <string>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/claim_number.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  using namespace disburse::domain;
  std::string canonical;
  const std::string input(reinterpret_cast<const char*>(data), size);
  if (check_claim_number(input, canonical) != ClaimNumberCheck::ok) return 0;
  std::string again;
  DISBURSE_ASSERT(check_claim_number(canonical, again) == ClaimNumberCheck::ok);
  DISBURSE_ASSERT(again == canonical);
  return 0;
}
