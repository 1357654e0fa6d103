#include "disburse/formats/nacha.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "disburse/domain/errors.hpp"

using disburse::domain::Money;
namespace nacha = disburse::formats::nacha;
using namespace std::chrono_literals;

namespace {

nacha::FileSettings sample_settings() {
  nacha::FileSettings settings;
  settings.immediate_destination_routing = "021000021";
  settings.immediate_destination_name = "JPMorgan Chase";
  settings.immediate_origin = "1123456789";
  settings.immediate_origin_name = "FTC Ring Refund";
  settings.file_creation_date = std::chrono::year(2024) / 4 / 15;
  settings.file_creation_time = 9h + 30min;
  settings.reference_code = "B42";
  settings.company_name = "FTC Ring Refund";
  settings.company_identification = "1123456789";
  settings.company_entry_description = "REFUND";
  settings.effective_entry_date = std::chrono::year(2024) / 4 / 16;
  settings.originating_dfi_identification = "02100002";
  return settings;
}

std::vector<nacha::CreditEntry> sample_entries() {
  return {
      {"P1-R1-12345-A1", Money::from_cents(4785), "José Muñoz", "011000015", "123456789",
       nacha::AccountType::checking},
      {"P1-R1-67890-A1", Money::from_cents(15000), "mary o'brien-smith", "026009593",
       "00012345678901234", nacha::AccountType::savings},
  };
}

std::string write(const nacha::FileSettings& settings,
                  const std::vector<nacha::CreditEntry>& entries,
                  nacha::WriteSummary* summary = nullptr) {
  std::ostringstream output;
  const nacha::WriteSummary written = nacha::write_ppd_credit_file(output, settings, entries);
  if (summary != nullptr) *summary = written;
  return output.str();
}

nacha::ParsedFile read(const std::string& text, std::size_t max_records = 1'000'000) {
  std::istringstream input(text);
  return nacha::read_file(input, max_records);
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream input(text);
  for (std::string line; std::getline(input, line);) lines.push_back(line);
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

bool has_problem(const nacha::ParsedFile& file, nacha::RecordProblem problem) {
  return std::any_of(file.problems.begin(), file.problems.end(),
                     [&](const nacha::Problem& found) { return found.problem == problem; });
}

std::string pad(std::string_view text, std::size_t width) {
  std::string field(text);
  field.resize(width, ' ');
  return field;
}

// Builds a record from its fields and insists it is 94 characters, so the test's own
// fixtures cannot be off by one.
std::string record(std::initializer_list<std::string_view> fields) {
  std::string text;
  for (const std::string_view field : fields) text += field;
  REQUIRE(text.size() == 94);
  return text;
}

}  // namespace

TEST_CASE("routing numbers are accepted only with a valid ABA check digit") {
  for (const char* valid : {"021000021", "011000015", "026009593", "122105278", "091000019"}) {
    CAPTURE(valid);
    CHECK(nacha::is_valid_routing_number(valid));
  }
  for (const char* invalid :
       {"021000022", "02100002", "0210000211", "02100002X", "", "12345678 ", "000000001"}) {
    CAPTURE(invalid);
    CHECK_FALSE(nacha::is_valid_routing_number(invalid));
  }
  CHECK(nacha::routing_check_digit("02100002") == '1');
  CHECK(nacha::routing_check_digit("01100001") == '5');
}

TEST_CASE("a two-entry PPD credit file matches the NACHA layout byte for byte") {
  nacha::WriteSummary summary;
  const std::string file = write(sample_settings(), sample_entries(), &summary);
  // One string per record, one literal per field, so that each field can be checked by eye.
  // clang-format off
  const std::vector<std::string> expected = {
      "1" "01" " 021000021" "1123456789" "240415" "0930" "A" "094" "10" "1"
      "JPMORGAN CHASE         " "FTC RING REFUND        " "B42     ",
      "5" "220" "FTC RING REFUND " "                    " "1123456789" "PPD" "REFUND    "
      "      " "240416" "   " "1" "02100002" "0000001",
      "6" "22" "01100001" "5" "123456789        " "0000004785" "P1-R1-12345-A1 "
      "JOSE MUNOZ            " "  " "0" "021000020000001",
      "6" "32" "02600959" "3" "00012345678901234" "0000015000" "P1-R1-67890-A1 "
      "MARY O'BRIEN-SMITH    " "  " "0" "021000020000002",
      "8" "220" "000002" "0003700960" "000000000000" "000000019785" "1123456789"
      "                   " "      " "02100002" "0000001",
      "9" "000001" "000001" "00000002" "0003700960" "000000000000" "000000019785"
      "                                       ",
      std::string(94, '9'), std::string(94, '9'), std::string(94, '9'), std::string(94, '9'),
  };
  // clang-format on
  const std::vector<std::string> lines = split_lines(file);
  REQUIRE(lines.size() == expected.size());
  for (std::size_t index = 0; index < expected.size(); index++) {
    CAPTURE(index);
    CHECK(expected[index].size() == 94);
    CHECK(lines[index] == expected[index]);
  }
  CHECK(file == join_lines(expected));
  CHECK(summary.entry_count == 2);
  CHECK(summary.total_credit.cents() == 19785);
  CHECK(summary.entry_hash == 3700960);
  CHECK(summary.block_count == 1);
  CHECK(summary.record_count == 10);
  REQUIRE(summary.traces.size() == 2);
  CHECK(summary.traces[0].reference == "P1-R1-12345-A1");
  CHECK(summary.traces[0].trace_number == "021000020000001");
  CHECK(summary.traces[1].trace_number == "021000020000002");
}

TEST_CASE("entry fields sit at the positions the NACHA rules give them") {
  const std::vector<std::string> lines = split_lines(write(sample_settings(), sample_entries()));
  const std::string& entry = lines[2];
  struct Field {
    std::size_t first;
    std::size_t last;
    const char* value;
  };
  const Field fields[] = {
      {1, 1, "6"},
      {2, 3, "22"},
      {4, 11, "01100001"},
      {12, 12, "5"},
      {13, 29, "123456789        "},
      {30, 39, "0000004785"},
      {40, 54, "P1-R1-12345-A1 "},
      {55, 76, "JOSE MUNOZ            "},
      {77, 78, "  "},
      {79, 79, "0"},
      {80, 94, "021000020000001"},
  };
  for (const Field& field : fields) {
    CAPTURE(field.first);
    CHECK(entry.substr(field.first - 1, field.last - field.first + 1) == field.value);
  }
  CHECK(lines[1].substr(50, 3) == "PPD");
  CHECK(lines[1].substr(69, 6) == "240416");
  CHECK(lines[4].substr(10, 10) == "0003700960");
}

TEST_CASE("a file grows by whole blocks of ten records filled with nines") {
  for (const std::size_t count : {1u, 6u, 7u, 16u, 17u}) {
    CAPTURE(count);
    std::vector<nacha::CreditEntry> entries;
    for (std::size_t index = 0; index < count; index++) {
      entries.push_back({"REF-" + std::to_string(index), Money::from_cents(100), "A B", "011000015",
                         "1", nacha::AccountType::checking});
    }
    nacha::WriteSummary summary;
    const std::vector<std::string> lines = split_lines(write(sample_settings(), entries, &summary));
    const std::size_t records = count + 4;
    CHECK(lines.size() % 10 == 0);
    CHECK(lines.size() == (records + 9) / 10 * 10);
    CHECK(summary.block_count == lines.size() / 10);
    CHECK(std::stoul(lines[records - 1].substr(7, 6)) == summary.block_count);
    for (std::size_t index = records; index < lines.size(); index++) {
      CHECK(lines[index] == std::string(94, '9'));
    }
  }
}

TEST_CASE("the entry hash keeps only the rightmost ten digits") {
  std::vector<nacha::CreditEntry> entries;
  for (int index = 0; index < 120; index++) {
    entries.push_back({"R" + std::to_string(index), Money::from_cents(1), "NAME", "991000012", "1",
                       nacha::AccountType::checking});
  }
  REQUIRE(nacha::is_valid_routing_number("991000012"));
  nacha::WriteSummary summary;
  const std::string file = write(sample_settings(), entries, &summary);
  CHECK(summary.entry_hash == (120ull * 99100001ull) % 10'000'000'000ull);
  CHECK(read(file).ok());
}

TEST_CASE("names are mapped to upper-case bank characters and cut to 22") {
  std::vector<nacha::CreditEntry> entries = sample_entries();
  entries[0].payee_name = "  Zoë  Ångström\t<script>\xE4\xB8\xAD  Ørsted-Þórsdóttir Extra";
  const std::vector<std::string> lines = split_lines(write(sample_settings(), entries));
  CHECK(lines[2].substr(54, 22) == "ZOE ANGSTROM SCRIPT OR");
  entries[0].payee_name = "\xE4\xB8\xAD\xE6\x96\x87";
  CHECK(nacha::validate_entries(entries).front().problem == nacha::EntryProblem::payee_name_empty);
}

TEST_CASE("every kind of invalid entry is reported and no file is written") {
  struct Case {
    const char* name;
    void (*spoil)(nacha::CreditEntry&);
    nacha::EntryProblem problem;
  };
  const Case cases[] = {
      {"empty reference", [](nacha::CreditEntry& entry) { entry.reference.clear(); },
       nacha::EntryProblem::reference_empty},
      {"16-character reference",
       [](nacha::CreditEntry& entry) { entry.reference = "ABCDEFGHIJKLMNOP"; },
       nacha::EntryProblem::reference_too_long},
      {"lower-case reference", [](nacha::CreditEntry& entry) { entry.reference = "p1-r1"; },
       nacha::EntryProblem::reference_bad_character},
      {"duplicate reference", [](nacha::CreditEntry& entry) { entry.reference = "P1-R1-12345-A1"; },
       nacha::EntryProblem::reference_duplicate},
      {"zero amount", [](nacha::CreditEntry& entry) { entry.amount = Money(); },
       nacha::EntryProblem::amount_not_positive},
      {"huge amount",
       [](nacha::CreditEntry& entry) { entry.amount = Money::from_cents(10'000'000'000); },
       nacha::EntryProblem::amount_too_large},
      {"bad check digit", [](nacha::CreditEntry& entry) { entry.routing_number = "026009594"; },
       nacha::EntryProblem::routing_number_invalid},
      {"letters in account", [](nacha::CreditEntry& entry) { entry.account_number = "12AB"; },
       nacha::EntryProblem::account_number_invalid},
      {"18-digit account",
       [](nacha::CreditEntry& entry) { entry.account_number = std::string(18, '1'); },
       nacha::EntryProblem::account_number_invalid},
      {"empty account", [](nacha::CreditEntry& entry) { entry.account_number.clear(); },
       nacha::EntryProblem::account_number_invalid},
      {"no name", [](nacha::CreditEntry& entry) { entry.payee_name = " \t "; },
       nacha::EntryProblem::payee_name_empty},
  };
  for (const Case& test : cases) {
    CAPTURE(test.name);
    std::vector<nacha::CreditEntry> entries = sample_entries();
    test.spoil(entries[1]);
    const std::vector<nacha::EntryIssue> issues = nacha::validate_entries(entries);
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].entry_index == 1);
    CHECK(issues[0].problem == test.problem);
    CHECK_FALSE(nacha::describe(test.problem).empty());
    std::ostringstream output;
    CHECK_THROWS_AS(nacha::write_ppd_credit_file(output, sample_settings(), entries),
                    disburse::InvalidInput);
    CHECK(output.str().empty());
  }
}

TEST_CASE("only the later occurrences of a repeated reference are duplicates") {
  std::mt19937 random(31);
  for (int round = 0; round < 50; round++) {
    std::vector<nacha::CreditEntry> entries;
    const int pool = std::uniform_int_distribution<int>(1, 30)(random);
    for (int index = 0; index < 200; index++) {
      const int key = std::uniform_int_distribution<int>(0, pool - 1)(random);
      entries.push_back({"K" + std::to_string(key), Money::from_cents(1), "NAME", "011000015", "1",
                         nacha::AccountType::checking});
    }
    std::vector<std::size_t> expected;
    std::set<std::string> seen;
    for (std::size_t index = 0; index < entries.size(); index++) {
      if (!seen.insert(entries[index].reference).second) expected.push_back(index);
    }
    std::vector<std::size_t> found;
    for (const nacha::EntryIssue& issue : nacha::validate_entries(entries)) {
      CHECK(issue.problem == nacha::EntryProblem::reference_duplicate);
      found.push_back(issue.entry_index);
    }
    CHECK(found == expected);
  }
  const std::vector<nacha::CreditEntry> same(100'000, sample_entries()[0]);
  CHECK(nacha::validate_entries(same).size() == 99'999);
}

TEST_CASE("settings that cannot be written are refused") {
  const std::vector<nacha::CreditEntry> entries = sample_entries();
  std::vector<void (*)(nacha::FileSettings&)> spoilers = {
      [](nacha::FileSettings& settings) { settings.immediate_destination_routing = "021000022"; },
      [](nacha::FileSettings& settings) { settings.immediate_origin = "12345"; },
      [](nacha::FileSettings& settings) { settings.company_name = std::string(17, 'C'); },
      [](nacha::FileSettings& settings) { settings.company_name.clear(); },
      [](nacha::FileSettings& settings) { settings.company_identification.clear(); },
      [](nacha::FileSettings& settings) { settings.company_entry_description = "REFUND MONEY"; },
      [](nacha::FileSettings& settings) { settings.immediate_origin_name = "Caf\xC3\xA9"; },
      [](nacha::FileSettings& settings) { settings.file_id_modifier = 'a'; },
      [](nacha::FileSettings& settings) {
        settings.effective_entry_date = std::chrono::year(2023) / 2 / 29;
      },
      [](nacha::FileSettings& settings) { settings.file_creation_time = 24h; },
      [](nacha::FileSettings& settings) { settings.originating_dfi_identification = "0210000"; },
      [](nacha::FileSettings& settings) { settings.batch_number = 0; },
      [](nacha::FileSettings& settings) { settings.first_trace_sequence = 9'999'999; },
      [](nacha::FileSettings& settings) { settings.batch_entry_limit = 0; },
      [](nacha::FileSettings& settings) { settings.batch_entry_limit = 1'000'000; },
      [](nacha::FileSettings& settings) {
        settings.batch_entry_limit = 1;
        settings.batch_number = 9'999'999;
      },
  };
  for (std::size_t index = 0; index < spoilers.size(); index++) {
    CAPTURE(index);
    nacha::FileSettings settings = sample_settings();
    spoilers[index](settings);
    std::ostringstream output;
    CHECK_THROWS_AS(nacha::write_ppd_credit_file(output, settings, entries),
                    disburse::InvalidInput);
    CHECK(output.str().empty());
  }
  std::ostringstream output;
  CHECK_THROWS_AS(nacha::write_ppd_credit_file(output, sample_settings(), {}),
                  disburse::InvalidInput);
}

TEST_CASE("entries beyond the batch limit go into consecutive batches with their own controls") {
  nacha::FileSettings settings = sample_settings();
  settings.batch_entry_limit = 3;
  settings.batch_number = 5;
  std::vector<nacha::CreditEntry> entries;
  for (int index = 0; index < 7; index++) {
    entries.push_back({"R" + std::to_string(index), Money::from_cents(100 + index), "NAME",
                       index % 2 == 0 ? "011000015" : "026009593", "42",
                       nacha::AccountType::checking});
  }
  nacha::WriteSummary summary;
  const std::string text = write(settings, entries, &summary);
  CHECK(summary.batch_count == 3);
  CHECK(summary.entry_count == 7);
  CHECK(summary.total_credit.cents() == 721);
  CHECK(summary.entry_hash == 4u * 1100001u + 3u * 2600959u);
  CHECK(summary.record_count == 20);
  CHECK(summary.traces.back().trace_number == "021000020000007");
  const nacha::ParsedFile file = read(text);
  CHECK(file.ok());
  REQUIRE(file.batches.size() == 3);
  const std::size_t expected_sizes[] = {3, 3, 1};
  for (std::size_t index = 0; index < 3; index++) {
    CAPTURE(index);
    CHECK(file.batches[index].header.batch_number == static_cast<std::int64_t>(5 + index));
    CHECK(file.batches[index].entries.size() == expected_sizes[index]);
    REQUIRE(file.batches[index].control);
    CHECK(file.batches[index].control->batch_number == static_cast<std::int64_t>(5 + index));
  }
  CHECK(file.batches[2].entries[0].trace_number == "021000020000007");
  REQUIRE(file.control);
  CHECK(file.control->batch_count == 3);
  CHECK(file.control->entry_hash == summary.entry_hash);
}

TEST_CASE("a nine-digit immediate origin is written after a space") {
  nacha::FileSettings settings = sample_settings();
  settings.immediate_origin = "123456789";
  CHECK(split_lines(write(settings, sample_entries()))[0].substr(13, 10) == " 123456789");
}

TEST_CASE("our own file reads back with every field and clean controls") {
  const nacha::ParsedFile file = read(write(sample_settings(), sample_entries()));
  CHECK(file.ok());
  REQUIRE(file.header);
  CHECK(file.header->immediate_destination == " 021000021");
  CHECK(file.header->immediate_origin_name == "FTC RING REFUND");
  CHECK(file.header->file_creation_date == "240415");
  REQUIRE(file.batches.size() == 1);
  const nacha::Batch& batch = file.batches[0];
  CHECK(batch.header.service_class_code == 220);
  CHECK(batch.header.standard_entry_class == "PPD");
  CHECK(batch.header.effective_entry_date == "240416");
  REQUIRE(batch.entries.size() == 2);
  CHECK(batch.entries[1].transaction_code == 32);
  CHECK(batch.entries[1].routing_number() == "026009593");
  CHECK(batch.entries[1].dfi_account_number == "00012345678901234");
  CHECK(batch.entries[1].individual_name == "MARY O'BRIEN-SMITH");
  CHECK(batch.entries[1].is_credit());
  REQUIRE(batch.control);
  CHECK(batch.control->total_credit.cents() == 19785);
  REQUIRE(file.control);
  CHECK(file.control->entry_hash == 3700960);
  CHECK(file.record_count == 10);
  CHECK(nacha::collect_returns(file).empty());
  CHECK(nacha::collect_changes(file).empty());
}

TEST_CASE("random batches survive a write and read round trip unchanged") {
  std::mt19937_64 random(20240416);
  const auto uniform = [&](std::uint64_t low, std::uint64_t high) {
    return std::uniform_int_distribution<std::uint64_t>(low, high)(random);
  };
  const char* const name_parts[] = {"ANNA", "BO", "Çelik", "O'NEIL", "SMITH-JONES", "LI", "Ng"};
  for (int round = 0; round < 60; round++) {
    CAPTURE(round);
    std::vector<nacha::CreditEntry> entries;
    const std::size_t count = uniform(1, 40);
    for (std::size_t index = 0; index < count; index++) {
      std::string routing = std::to_string(uniform(10'000'000, 99'999'999));
      routing += nacha::routing_check_digit(routing);
      std::string account = std::to_string(uniform(1, 99'999'999'999'999'999));
      std::string name = std::string(name_parts[uniform(0, 6)]) + " " + name_parts[uniform(0, 6)];
      entries.push_back(
          {"P" + std::to_string(round) + "-R1-" + std::to_string(index) + "-A1",
           Money::from_cents(static_cast<std::int64_t>(uniform(1, 9'999'999'999))), name, routing,
           account,
           uniform(0, 1) == 0 ? nacha::AccountType::checking : nacha::AccountType::savings});
    }
    nacha::FileSettings settings = sample_settings();
    settings.first_trace_sequence = static_cast<std::int64_t>(uniform(1, 9'000'000));
    nacha::WriteSummary summary;
    const nacha::ParsedFile file = read(write(settings, entries, &summary));
    CHECK(file.ok());
    REQUIRE(file.batches.size() == 1);
    const std::vector<nacha::EntryDetail>& read_entries = file.batches[0].entries;
    REQUIRE(read_entries.size() == entries.size());
    Money total;
    for (std::size_t index = 0; index < entries.size(); index++) {
      const nacha::CreditEntry& sent = entries[index];
      const nacha::EntryDetail& received = read_entries[index];
      CHECK(received.individual_identification == sent.reference);
      CHECK(received.amount == sent.amount);
      CHECK(received.routing_number() == sent.routing_number);
      CHECK(received.dfi_account_number == sent.account_number);
      CHECK(received.transaction_code ==
            (sent.account_type == nacha::AccountType::checking ? 22 : 32));
      CHECK(received.trace_number == summary.traces[index].trace_number);
      CHECK_FALSE(received.individual_name.empty());
      total += sent.amount;
    }
    REQUIRE(file.control);
    CHECK(file.control->total_credit == total);
    CHECK(file.control->entry_hash == summary.entry_hash);
    CHECK(file.control->block_count == summary.block_count);
    CHECK(file.record_count == summary.record_count);
  }
}

namespace {

// A returns file as the ODFI forwards it: a PPD batch of three returned credits (R01, R03,
// R04) and a COR batch with one notification of change (C01).
std::string returns_file() {
  const std::string blanks(44, ' ');
  const std::vector<std::string> records = {
      record({"1", "01", " 021000021", " 011000015", "240422", "0815", "A", "094", "10", "1",
              pad("JPMORGAN CHASE", 23), pad("FED", 23), pad("", 8)}),
      record({"5", "200", pad("FTC RING REFUND", 16), pad("", 20), "1123456789", "PPD",
              pad("REFUND", 10), pad("", 6), "240416", "113", "1", "01100001", "0000001"}),
      record({"6", "21", "01100001", "5", pad("123456789", 17), "0000004785",
              pad("P1-R1-12345-A1", 15), pad("JOSE MUNOZ", 22), "  ", "1", "011000010000001"}),
      record(
          {"7", "99", "R01", "021000020000001", pad("", 6), "01100001", blanks, "011000010000001"}),
      record({"6", "31", "02600959", "3", "00012345678901234", "0000015000",
              pad("P1-R1-67890-A1", 15), pad("MARY O'BRIEN-SMITH", 22), "  ", "1",
              "011000010000002"}),
      record({"7", "99", "R03", "021000020000002", pad("", 6), "02600959", pad("NO ACCOUNT", 44),
              "011000010000002"}),
      record({"6", "21", "01100001", "5", pad("555", 17), "0000002500", pad("P1-R1-11111-A1", 15),
              pad("ANNA LI", 22), "  ", "1", "011000010000003"}),
      record(
          {"7", "99", "R04", "021000020000003", pad("", 6), "01100001", blanks, "011000010000003"}),
      record({"8", "200", "000006", "0004800961", "000000000000", "000000022285", "1123456789",
              pad("", 19), pad("", 6), "01100001", "0000001"}),
      record({"5", "220", pad("FTC RING REFUND", 16), pad("", 20), "1123456789", "COR",
              pad("REFUND", 10), pad("", 6), "240416", "113", "1", "01100001", "0000002"}),
      record({"6", "21", "01100001", "5", pad("123456789", 17), "0000000000",
              pad("P1-R1-22222-A1", 15), pad("BO NG", 22), "  ", "1", "011000010000004"}),
      record({"7", "98", "C01", "021000020000004", pad("", 6), "01100001", pad("987654321", 29),
              pad("", 15), "011000010000004"}),
      record({"8", "220", "000002", "0001100001", "000000000000", "000000000000", "1123456789",
              pad("", 19), pad("", 6), "01100001", "0000002"}),
      record({"9", "000002", "000002", "00000008", "0005900962", "000000000000", "000000022285",
              pad("", 39)}),
  };
  std::string text = join_lines(records);
  for (int fill = 0; fill < 6; fill++) text += std::string(94, '9') + "\n";
  return text;
}

}  // namespace

TEST_CASE("a returns file yields R01, R03 and R04 returns and a C01 change") {
  const nacha::ParsedFile file = read(returns_file());
  CHECK(file.ok());
  for (const nacha::Problem& problem : file.problems) {
    CAPTURE(problem.record_number);
    CAPTURE(nacha::describe(problem.problem));
  }
  const std::vector<nacha::ReturnNotice> returns = nacha::collect_returns(file);
  REQUIRE(returns.size() == 3);
  CHECK(returns[0].return_reason_code == "R01");
  CHECK(returns[0].original_trace_number == "021000020000001");
  CHECK(returns[0].original_receiving_dfi == "01100001");
  CHECK(returns[0].individual_identification == "P1-R1-12345-A1");
  CHECK(returns[0].amount.cents() == 4785);
  CHECK(returns[0].transaction_code == 21);
  CHECK(returns[0].record_number == 3);
  CHECK(returns[1].return_reason_code == "R03");
  CHECK(returns[1].addenda_information == "NO ACCOUNT");
  CHECK(returns[1].transaction_code == 31);
  CHECK(returns[2].return_reason_code == "R04");
  CHECK(returns[2].original_trace_number == "021000020000003");
  CHECK(returns[2].amount.cents() == 2500);
  const std::vector<nacha::ChangeNotice> changes = nacha::collect_changes(file);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].change_code == "C01");
  CHECK(changes[0].original_trace_number == "021000020000004");
  CHECK(changes[0].individual_identification == "P1-R1-22222-A1");
  CHECK(changes[0].corrected_data == "987654321");
  CHECK(changes[0].corrected.account_number == "987654321");
  CHECK(changes[0].corrected.routing_number.empty());
}

TEST_CASE("corrected data is decoded per change code") {
  const std::string routing_and_account = pad("026009593   12345678901234567", 29);
  CHECK(nacha::decode_corrected_data("C02", "026009593").routing_number == "026009593");
  const nacha::CorrectedFields both = nacha::decode_corrected_data("C03", routing_and_account);
  CHECK(both.routing_number == "026009593");
  CHECK(both.account_number == "12345678901234567");
  CHECK(nacha::decode_corrected_data("C04", "JANE DOE").individual_name == "JANE DOE");
  CHECK(nacha::decode_corrected_data("C05", "32").transaction_code == 32);
  const nacha::CorrectedFields account_and_code =
      nacha::decode_corrected_data("C06", pad("4444", 17) + "   32");
  CHECK(account_and_code.account_number == "4444");
  CHECK(account_and_code.transaction_code == 32);
  const nacha::CorrectedFields all =
      nacha::decode_corrected_data("C07", "026009593" + pad("777", 17) + "22");
  CHECK(all.routing_number == "026009593");
  CHECK(all.account_number == "777");
  CHECK(all.transaction_code == 22);
  CHECK(nacha::decode_corrected_data("C09", "NEW-ID").individual_identification == "NEW-ID");
  CHECK(nacha::decode_corrected_data("C05", "XX").transaction_code == std::nullopt);
  CHECK(nacha::decode_corrected_data("C02", "12345").routing_number.empty());
}

TEST_CASE("line endings of CRLF, and records without line breaks, read the same") {
  const std::string file = write(sample_settings(), sample_entries());
  std::string crlf;
  std::string unbroken;
  for (const std::string& line : split_lines(file)) {
    crlf += line + "\r\n";
    unbroken += line;
  }
  for (const std::string& variant : {crlf, unbroken, unbroken + "\n"}) {
    const nacha::ParsedFile parsed = read(variant);
    CHECK(parsed.ok());
    REQUIRE(parsed.batches.size() == 1);
    CHECK(parsed.batches[0].entries.size() == 2);
  }
}

TEST_CASE("each kind of damage to a file is reported with its record number") {
  struct Case {
    const char* name;
    void (*spoil)(std::vector<std::string>&);
    nacha::RecordProblem problem;
    std::size_t record_number;
  };
  const Case cases[] = {
      {"short record", [](auto& lines) { lines[2].pop_back(); }, nacha::RecordProblem::wrong_length,
       3},
      {"non-ASCII byte", [](auto& lines) { lines[3][60] = '\xC3'; },
       nacha::RecordProblem::non_ascii_character, 4},
      {"unknown type", [](auto& lines) { lines[2][0] = '3'; },
       nacha::RecordProblem::unknown_record_type, 3},
      {"letters in the amount", [](auto& lines) { lines[2][35] = 'X'; },
       nacha::RecordProblem::bad_field, 3},
      {"bad addenda indicator", [](auto& lines) { lines[2][78] = '2'; },
       nacha::RecordProblem::bad_field, 3},
      {"bad transaction code", [](auto& lines) { lines[2].replace(1, 2, "99"); },
       nacha::RecordProblem::bad_transaction_code, 3},
      {"no file header", [](auto& lines) { lines.erase(lines.begin()); },
       nacha::RecordProblem::missing_file_header, 1},
      {"second file header", [](auto& lines) { lines.insert(lines.begin() + 1, lines[0]); },
       nacha::RecordProblem::record_out_of_order, 2},
      {"entry before the batch", [](auto& lines) { std::swap(lines[1], lines[2]); },
       nacha::RecordProblem::record_out_of_order, 2},
      {"addenda after a control",
       [](auto& lines) {
         lines.insert(lines.begin() + 5, "799R01021000020000001      01100001" +
                                             std::string(44, ' ') + "021000020000001");
       },
       nacha::RecordProblem::addenda_without_entry, 6},
      {"unannounced addenda",
       [](auto& lines) {
         lines.insert(lines.begin() + 3, "799R01021000020000001      01100001" +
                                             std::string(44, ' ') + "021000020000001");
       },
       nacha::RecordProblem::addenda_not_announced, 4},
      {"changed amount", [](auto& lines) { lines[2][38] = '6'; },
       nacha::RecordProblem::batch_credit_total_mismatch, 5},
      {"changed routing", [](auto& lines) { lines[2][10] = '2'; },
       nacha::RecordProblem::batch_entry_hash_mismatch, 5},
      {"changed debit total", [](auto& lines) { lines[4][31] = '1'; },
       nacha::RecordProblem::batch_debit_total_mismatch, 5},
      {"changed batch count", [](auto& lines) { lines[4][9] = '3'; },
       nacha::RecordProblem::batch_entry_count_mismatch, 5},
      {"changed service class", [](auto& lines) { lines[4].replace(1, 3, "200"); },
       nacha::RecordProblem::batch_service_class_mismatch, 5},
      {"changed batch number", [](auto& lines) { lines[4][93] = '2'; },
       nacha::RecordProblem::batch_number_mismatch, 5},
      {"no batch control", [](auto& lines) { lines.erase(lines.begin() + 4); },
       nacha::RecordProblem::unclosed_batch, 5},
      {"no file control", [](auto& lines) { lines.resize(5); },
       nacha::RecordProblem::missing_file_control, 5},
      {"record after the control", [](auto& lines) { lines[7] = lines[2]; },
       nacha::RecordProblem::record_after_file_control, 8},
      {"fill before the control", [](auto& lines) { std::swap(lines[5], lines[6]); },
       nacha::RecordProblem::record_out_of_order, 6},
      {"wrong batch count", [](auto& lines) { lines[5][6] = '2'; },
       nacha::RecordProblem::file_batch_count_mismatch, 6},
      {"wrong block count", [](auto& lines) { lines[5][12] = '2'; },
       nacha::RecordProblem::file_block_count_mismatch, 6},
      {"wrong file entry count", [](auto& lines) { lines[5][20] = '3'; },
       nacha::RecordProblem::file_entry_count_mismatch, 6},
      {"wrong file hash", [](auto& lines) { lines[5][30] = '1'; },
       nacha::RecordProblem::file_entry_hash_mismatch, 6},
      {"wrong file debit", [](auto& lines) { lines[5][42] = '1'; },
       nacha::RecordProblem::file_debit_total_mismatch, 6},
      {"wrong file credit", [](auto& lines) { lines[5][54] = '1'; },
       nacha::RecordProblem::file_credit_total_mismatch, 6},
      {"missing fill", [](auto& lines) { lines.pop_back(); },
       nacha::RecordProblem::incomplete_block, 9},
      {"huge line", [](auto& lines) { lines[3] = std::string(100'000, '6'); },
       nacha::RecordProblem::line_too_long, 4},
  };
  for (const Case& test : cases) {
    CAPTURE(test.name);
    std::vector<std::string> lines = split_lines(write(sample_settings(), sample_entries()));
    test.spoil(lines);
    const nacha::ParsedFile file = read(join_lines(lines));
    CHECK_FALSE(file.ok());
    const auto found = std::find_if(
        file.problems.begin(), file.problems.end(),
        [&](const nacha::Problem& problem) { return problem.problem == test.problem; });
    REQUIRE(found != file.problems.end());
    CHECK(found->record_number == test.record_number);
    CHECK_FALSE(nacha::describe(test.problem).empty());
  }
}

TEST_CASE("unknown return and change codes are reported but their entries are kept") {
  std::string text = returns_file();
  text.replace(text.find("799R01"), 6, "799R99");
  text.replace(text.find("798C01"), 6, "798C55");
  const nacha::ParsedFile file = read(text);
  CHECK(has_problem(file, nacha::RecordProblem::unknown_return_code));
  CHECK(has_problem(file, nacha::RecordProblem::unknown_change_code));
  CHECK(nacha::collect_returns(file).size() == 3);
  CHECK(nacha::collect_changes(file).size() == 1);
  std::string other = returns_file();
  other.replace(other.find("799R04"), 3, "702");
  CHECK(has_problem(read(other), nacha::RecordProblem::unsupported_addenda_type));
}

TEST_CASE("an empty input lacks both the file header and the file control") {
  const nacha::ParsedFile file = read("");
  CHECK(has_problem(file, nacha::RecordProblem::missing_file_header));
  CHECK(has_problem(file, nacha::RecordProblem::missing_file_control));
  CHECK(file.record_count == 0);
}

TEST_CASE("reading stops with a problem past the record limit") {
  const nacha::ParsedFile file = read(write(sample_settings(), sample_entries()), 4);
  CHECK(file.record_count == 4);
  REQUIRE_FALSE(file.problems.empty());
  CHECK(file.problems.back().problem == nacha::RecordProblem::too_many_records);
}

TEST_CASE("every truncation of a valid file is read without crashing and is never clean") {
  const std::string file = returns_file();
  for (std::size_t length = 0; length < file.size(); length++) {
    const nacha::ParsedFile parsed = read(file.substr(0, length));
    // Cutting only the final line break leaves a complete file.
    if (length == file.size() - 1) {
      CHECK(parsed.ok());
    } else {
      CHECK_FALSE(parsed.ok());
    }
  }
}

TEST_CASE("random bytes and random damage never crash the reader") {
  std::mt19937_64 random(94);
  const auto uniform = [&](std::size_t low, std::size_t high) {
    return std::uniform_int_distribution<std::size_t>(low, high)(random);
  };
  const std::string valid = returns_file();
  const char alphabet[] = "0123456789 ABCRZ\n\r\xC3\xFF\x00";
  for (int round = 0; round < 1500; round++) {
    std::string text;
    if (round % 3 == 0) {
      text.resize(uniform(0, 3000));
      for (char& character : text) character = static_cast<char>(uniform(0, 255));
    } else if (round % 3 == 1) {
      const std::size_t records = uniform(0, 30);
      for (std::size_t index = 0; index < records; index++) {
        std::string line(uniform(90, 96), ' ');
        for (char& character : line) character = alphabet[uniform(0, sizeof(alphabet) - 2)];
        line[0] = "156789"[uniform(0, 5)];
        text += line + "\n";
      }
    } else {
      text = valid;
      const std::size_t changes = uniform(1, 8);
      for (std::size_t index = 0; index < changes; index++) {
        text[uniform(0, text.size() - 1)] = alphabet[uniform(0, sizeof(alphabet) - 2)];
      }
    }
    const nacha::ParsedFile parsed = read(text);
    CHECK(parsed.record_count <= text.size());
    for (const nacha::Problem& problem : parsed.problems) {
      CHECK(problem.record_number <= parsed.record_count);
    }
    CHECK(nacha::collect_returns(parsed).size() <= parsed.record_count);
    CHECK(nacha::collect_changes(parsed).size() <= parsed.record_count);
  }
}
