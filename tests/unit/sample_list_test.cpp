#include "disburse/domain/sample_list.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "disburse/domain/errors.hpp"
#include "disburse/formats/csv.hpp"

using disburse::domain::ring_device_types;
using disburse::domain::sample_defect_count;
using disburse::domain::sample_list_columns;
using disburse::domain::SampleDefect;
using disburse::domain::SampleListGenerator;
using disburse::domain::SampleListOptions;
using disburse::domain::SampleStats;
using disburse::domain::SplitMix64;
using disburse::formats::CsvError;
using disburse::formats::CsvReader;
using disburse::formats::CsvRecord;
using disburse::formats::CsvWriter;

namespace {

struct Generated {
  std::string text;
  SampleStats stats;
};

// Writes the list the way `disburse sample-list` does.
Generated generate(std::int64_t customers, std::uint64_t seed, bool dirty) {
  SampleListGenerator generator({customers, seed, dirty});
  std::ostringstream output;
  CsvWriter writer(output);
  writer.write_plain_record(sample_list_columns);
  std::vector<std::string> fields;
  while (generator.next_row(fields)) writer.write_plain_record(fields);
  writer.flush();
  return {output.str(), generator.stats()};
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 0xCBF29CE484222325ULL;
  for (const char byte : text) {
    hash ^= static_cast<unsigned char>(byte);
    hash *= 0x100000001B3ULL;
  }
  return hash;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char character) {
    return character >= '0' && character <= '9';
  });
}

bool passes_aba_checksum(std::string_view routing) {
  if (routing.size() != 9 || !all_digits(routing)) return false;
  const int weights[] = {3, 7, 1, 3, 7, 1, 3, 7, 1};
  int sum = 0;
  for (std::size_t index = 0; index < 9; index++) sum += weights[index] * (routing[index] - '0');
  return sum % 10 == 0;
}

bool is_plausible_email(std::string_view email) {
  const std::size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == email.size()) return false;
  if (email.find('@', at + 1) != std::string_view::npos) return false;
  if (email.find(' ') != std::string_view::npos) return false;
  return email.find('.', at) != std::string_view::npos;
}

const std::set<std::string> us_states = {
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID",
    "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO",
    "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA",
    "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY"};

enum Column : std::size_t {
  customer_id,
  first_name,
  last_name,
  email,
  phone,
  address1,
  address2,
  city,
  state,
  postal_code,
  country,
  device_type,
  account_months,
  payment_method,
  routing_number,
  account_number,
  account_type,
};

// A reference classification of one data row, written independently of the generator: the
// defect an importer must find, or nothing for a valid row.
std::optional<SampleDefect> classify(const CsvRecord& record, std::set<std::string>& seen_ids) {
  if (record.error() == CsvError::field_too_long) return SampleDefect::overlong_field;
  if (record.error() == CsvError::invalid_utf8) return SampleDefect::invalid_utf8;
  REQUIRE(record.ok());
  if (record.size() < sample_list_columns.size()) return SampleDefect::missing_columns;
  if (record.size() > sample_list_columns.size()) return SampleDefect::extra_columns;
  if (!seen_ids.insert(record[customer_id]).second) return SampleDefect::duplicate_customer_id;
  for (const Column column : {first_name, last_name, address1, city}) {
    if (record[column].empty()) return SampleDefect::empty_required_field;
  }
  if (!record[email].empty() && !is_plausible_email(record[email])) {
    return SampleDefect::invalid_email;
  }
  if (us_states.count(record[state]) == 0) return SampleDefect::invalid_state;
  if (record[postal_code].size() != 5 || !all_digits(record[postal_code])) {
    return SampleDefect::invalid_postal_code;
  }
  if (std::find(ring_device_types.begin(), ring_device_types.end(), record[device_type]) ==
      ring_device_types.end()) {
    return SampleDefect::unknown_device_type;
  }
  const std::string& months = record[account_months];
  if (months.starts_with('-') && all_digits(std::string_view(months).substr(1))) {
    return SampleDefect::negative_months;
  }
  if (!all_digits(months)) return SampleDefect::non_integer_months;
  return std::nullopt;
}

// The checks every valid row must pass beyond what classify() looks at.
void check_valid_row(const CsvRecord& record) {
  CHECK(record[customer_id].size() == 12);
  CHECK(record[customer_id].starts_with("RING-"));
  CHECK(all_digits(std::string_view(record[customer_id]).substr(5)));
  CHECK(record[country] == "US");
  CHECK(record[phone].size() == 12);
  CHECK(record[phone].substr(3, 7) == "-555-01");
  const int months = std::stoi(record[account_months]);
  CHECK(months >= 1);
  CHECK(months <= 96);
  const std::string& method = record[payment_method];
  CHECK((method.empty() || method == "paypal" || method == "check" || method == "ach"));
  if (method == "ach") {
    CHECK(passes_aba_checksum(record[routing_number]));
    CHECK(all_digits(record[account_number]));
    CHECK(record[account_number].size() >= 6);
    CHECK(record[account_number].size() <= 12);
    CHECK((record[account_type] == "checking" || record[account_type] == "savings"));
  } else {
    CHECK(record[routing_number].empty());
    CHECK(record[account_number].empty());
    CHECK(record[account_type].empty());
  }
  if (method == "paypal") CHECK_FALSE(record[email].empty());
}

std::string lowercase(std::string text) {
  for (char& character : text) {
    if (character >= 'A' && character <= 'Z') character = static_cast<char>(character - 'A' + 'a');
  }
  return text;
}

struct Audit {
  std::int64_t rows = 0;
  std::int64_t valid_rows = 0;
  std::array<std::int64_t, sample_defect_count> invalid_by_defect{};
  std::int64_t shared_email_pairs = 0;
  std::int64_t shared_address_pairs = 0;
  std::int64_t check_payees = 0;
  std::int64_t ach_payees = 0;
};

// Reads a generated list back and recounts everything the stats claim.
Audit audit(const std::string& text) {
  std::istringstream input(text);
  CsvReader reader(input);
  CsvRecord record;
  REQUIRE(reader.next(record));
  CHECK(std::equal(record.fields().begin(), record.fields().end(), sample_list_columns.begin(),
                   sample_list_columns.end()));
  Audit result;
  std::set<std::string> seen_ids;
  std::map<std::string, int> email_uses;
  std::map<std::string, int> address_uses;
  while (reader.next(record)) {
    result.rows++;
    CHECK(record.line_number() == static_cast<std::uint64_t>(result.rows + 1));
    const std::optional<SampleDefect> defect = classify(record, seen_ids);
    if (defect) {
      result.invalid_by_defect[static_cast<std::size_t>(*defect)]++;
      continue;
    }
    result.valid_rows++;
    check_valid_row(record);
    const std::string& method = record[payment_method];
    if (method == "ach") result.ach_payees++;
    if (method == "check" || (method.empty() && record[email].empty())) result.check_payees++;
    if (!record[email].empty()) email_uses[lowercase(record[email])]++;
    address_uses[record[address1] + "|" + record[address2] + "|" + record[city] + "|" +
                 record[state] + "|" + record[postal_code]]++;
  }
  for (const auto& [email_address, uses] : email_uses) {
    CHECK(uses <= 2);
    if (uses == 2) result.shared_email_pairs++;
  }
  for (const auto& [address, uses] : address_uses) {
    CHECK(uses <= 2);
    if (uses == 2) result.shared_address_pairs++;
  }
  return result;
}

}  // namespace

TEST_CASE("splitmix64 produces the published reference sequence") {
  SplitMix64 random(0);
  CHECK(random.next() == 0xE220A8397B1DCDAFULL);
  CHECK(random.next() == 0x6E789E6AA1B965F4ULL);
  CHECK(random.next() == 0x06C45D188009454FULL);
}

TEST_CASE("bounded draws stay in range and cover every value") {
  SplitMix64 random(99);
  std::array<int, 7> counts{};
  for (int draw = 0; draw < 70'000; draw++) counts[random.below(7)]++;
  for (const int count : counts) {
    CHECK(count > 9'000);
    CHECK(count < 11'000);
  }
  int hits = 0;
  for (int draw = 0; draw < 100'000; draw++) hits += random.chance(20'000) ? 1 : 0;
  CHECK(hits > 1'600);
  CHECK(hits < 2'400);
}

TEST_CASE("the same seed gives the same bytes and another seed gives other bytes") {
  for (const bool dirty : {false, true}) {
    CAPTURE(dirty);
    const Generated first = generate(3000, 42, dirty);
    const Generated again = generate(3000, 42, dirty);
    const Generated other = generate(3000, 43, dirty);
    CHECK(first.text == again.text);
    CHECK(first.text != other.text);
  }
}

TEST_CASE("the output is pinned, so that no library or platform change alters it silently") {
  // If a deliberate change to the generator moves these, update them in the same commit.
  CHECK(fnv1a(generate(1000, 1, false).text) == 14061033752963423874ULL);
  CHECK(fnv1a(generate(1000, 1, true).text) == 3483302951376958007ULL);
}

TEST_CASE("a list has exactly the requested rows after its header") {
  for (const std::int64_t customers : {0, 1, 2, 999}) {
    CAPTURE(customers);
    const Generated generated = generate(customers, 7, false);
    CHECK(std::count(generated.text.begin(), generated.text.end(), '\n') == customers + 1);
    CHECK(generated.stats.rows_total == customers);
    CHECK(audit(generated.text).rows == customers);
  }
}

TEST_CASE("a negative number of customers is refused") {
  CHECK_THROWS_AS(SampleListGenerator({-1, 1, false}), disburse::InvalidInput);
}

TEST_CASE("every row of a clean list is valid, unique and realistic") {
  const Generated generated = generate(20'000, 2024, false);
  const Audit result = audit(generated.text);
  CHECK(result.rows == 20'000);
  CHECK(result.valid_rows == 20'000);
  CHECK(result.shared_email_pairs == 0);
  CHECK(result.shared_address_pairs == 0);
  CHECK(generated.stats.rows_intended_valid == 20'000);
  CHECK(generated.stats.rows_intended_invalid() == 0);
  CHECK(generated.stats.check_payees == result.check_payees);
  CHECK(generated.stats.ach_payees == result.ach_payees);
  CHECK(generated.stats.paypal_payees + generated.stats.check_payees + generated.stats.ach_payees ==
        20'000);
  // About 5% check and 2% ACH payees.
  CHECK(result.check_payees > 800);
  CHECK(result.check_payees < 1'200);
  CHECK(result.ach_payees > 300);
  CHECK(result.ach_payees < 500);
}

TEST_CASE(
    "a clean list uses every device type, skews months to one to four years and has "
    "names with apostrophes and accents") {
  const Generated generated = generate(20'000, 5, false);
  std::istringstream input(generated.text);
  CsvReader reader(input);
  CsvRecord record;
  REQUIRE(reader.next(record));
  std::set<std::string> devices;
  int one_to_four_years = 0;
  int apostrophes = 0;
  int non_ascii = 0;
  while (reader.next(record)) {
    devices.insert(record[device_type]);
    const int months = std::stoi(record[account_months]);
    if (months >= 12 && months <= 48) one_to_four_years++;
    const std::string name = record[first_name] + record[last_name];
    if (name.find('\'') != std::string::npos) apostrophes++;
    if (std::any_of(name.begin(), name.end(), [](char c) { return (c & 0x80) != 0; })) {
      non_ascii++;
    }
  }
  CHECK(devices.size() == ring_device_types.size());
  CHECK(one_to_four_years > 12'000);
  CHECK(apostrophes > 50);
  CHECK(non_ascii > 50);
}

TEST_CASE("a dirty list's stats match an independent recount of the file") {
  const Generated generated = generate(100'000, 77, true);
  const SampleStats& stats = generated.stats;
  const Audit result = audit(generated.text);
  CHECK(stats.rows_total == 100'000);
  CHECK(stats.rows_intended_valid + stats.rows_intended_invalid() == stats.rows_total);
  CHECK(result.valid_rows == stats.rows_intended_valid);
  for (std::size_t defect = 0; defect < sample_defect_count; defect++) {
    CAPTURE(disburse::domain::to_string(static_cast<SampleDefect>(defect)));
    CHECK(result.invalid_by_defect[defect] == stats.rows_invalid_by_defect[defect]);
    CHECK(stats.rows_invalid_by_defect[defect] > 60);
  }
  CHECK(result.shared_email_pairs == stats.duplicate_email_pairs);
  CHECK(result.shared_address_pairs == stats.duplicate_address_pairs);
  CHECK(stats.rows_with_duplicate_signal() ==
        2 * (stats.duplicate_email_pairs + stats.duplicate_address_pairs));
  CHECK(result.check_payees == stats.check_payees);
  CHECK(result.ach_payees == stats.ach_payees);
  // About 1.5% bad rows and 0.5% of each kind of sharing pair.
  CHECK(stats.rows_intended_invalid() > 1'200);
  CHECK(stats.rows_intended_invalid() < 1'800);
  CHECK(stats.duplicate_email_pairs > 350);
  CHECK(stats.duplicate_address_pairs > 350);
}

TEST_CASE("defect names are stable reason codes") {
  CHECK(disburse::domain::to_string(SampleDefect::missing_columns) == "missing_columns");
  CHECK(disburse::domain::to_string(SampleDefect::duplicate_customer_id) ==
        "duplicate_customer_id");
  CHECK(disburse::domain::to_string(SampleDefect::invalid_utf8) == "invalid_utf8");
}
