// The CSV reader never crashes, always terminates, and every record it accepts is valid UTF-8
// within the limits.
#include <sstream>

#include "disburse/domain/assert.hpp"
#include "disburse/formats/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  std::istringstream input(std::string(reinterpret_cast<const char*>(data), size));
  disburse::formats::CsvLimits limits;
  limits.max_field_size_bytes = 64;
  limits.max_fields_per_record = 8;
  limits.max_record_size_bytes = 256;
  limits.block_size_bytes = 4096;
  disburse::formats::CsvReader reader(input, limits);
  disburse::formats::CsvRecord record;
  std::size_t records = 0;
  while (reader.next(record)) {
    DISBURSE_ASSERT(++records <= size + 1);
    if (!record.ok()) continue;
    DISBURSE_ASSERT(record.size() <= limits.max_fields_per_record);
    for (const auto& field : record.fields()) {
      DISBURSE_ASSERT(field.size() <= limits.max_field_size_bytes);
      DISBURSE_ASSERT(disburse::formats::is_valid_utf8(field));
    }
  }
  return 0;
}
