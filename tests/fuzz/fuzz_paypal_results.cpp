// The PayPal results parser reports every line as a result or a problem, and never crashes.
#include <sstream>

#include "disburse/domain/assert.hpp"
#include "disburse/formats/paypal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  std::istringstream input(std::string(reinterpret_cast<const char*>(data), size));
  const auto file = disburse::formats::paypal::read_results(input, 1000);
  for (const auto& line : file.lines) DISBURSE_ASSERT(!line.reference.empty());
  return 0;
}
