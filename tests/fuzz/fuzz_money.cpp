// Any text either parses to cents that format back to the same cents, or is refused.
#include <string>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/money.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  using namespace disburse::domain;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const MoneyParse parsed = parse_money(text);
  if (!parsed.ok()) return 0;
  DISBURSE_ASSERT(!parsed.amount.is_negative());
  DISBURSE_ASSERT(parse_money(to_decimal_string(parsed.amount)).amount == parsed.amount);
  DISBURSE_ASSERT(parse_money(to_display_string(parsed.amount)).amount == parsed.amount);
  return 0;
}
