#pragma once
// A PostgreSQL text[] literal for values that need no quoting: codes, digits, references and hex
// digests, passed as one $n parameter and cast with ::text[] in the SQL. Internal to src/pg.

#include <string>
#include <vector>

#include "disburse/domain/assert.hpp"

namespace disburse::pg {

inline std::string plain_text_array(const std::vector<std::string>& values) {
  std::string literal = "{";
  for (const std::string& value : values) {
    // A comma, brace, quote, backslash or space would change the array: callers never pass one.
    DISBURSE_ASSERT(!value.empty() && value.find_first_of("{},\"\\ ") == std::string::npos);
    if (literal.size() > 1) literal += ',';
    literal += value;
  }
  return literal + "}";
}

}  // namespace disburse::pg
