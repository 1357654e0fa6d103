#include "disburse/domain/us_postal.hpp"

#include <array>
#include <cstdint>

#include "disburse/domain/text.hpp"

namespace disburse::domain {

namespace {

using Kind = UsJurisdictionKind;

constexpr std::array<UsJurisdiction, 62> jurisdictions = {{
    {"AA", "Armed Forces Americas", Kind::armed_forces},
    {"AE", "Armed Forces Europe", Kind::armed_forces},
    {"AK", "Alaska", Kind::state},
    {"AL", "Alabama", Kind::state},
    {"AP", "Armed Forces Pacific", Kind::armed_forces},
    {"AR", "Arkansas", Kind::state},
    {"AS", "American Samoa", Kind::territory},
    {"AZ", "Arizona", Kind::state},
    {"CA", "California", Kind::state},
    {"CO", "Colorado", Kind::state},
    {"CT", "Connecticut", Kind::state},
    {"DC", "District of Columbia", Kind::federal_district},
    {"DE", "Delaware", Kind::state},
    {"FL", "Florida", Kind::state},
    {"FM", "Federated States of Micronesia", Kind::freely_associated_state},
    {"GA", "Georgia", Kind::state},
    {"GU", "Guam", Kind::territory},
    {"HI", "Hawaii", Kind::state},
    {"IA", "Iowa", Kind::state},
    {"ID", "Idaho", Kind::state},
    {"IL", "Illinois", Kind::state},
    {"IN", "Indiana", Kind::state},
    {"KS", "Kansas", Kind::state},
    {"KY", "Kentucky", Kind::state},
    {"LA", "Louisiana", Kind::state},
    {"MA", "Massachusetts", Kind::state},
    {"MD", "Maryland", Kind::state},
    {"ME", "Maine", Kind::state},
    {"MH", "Marshall Islands", Kind::freely_associated_state},
    {"MI", "Michigan", Kind::state},
    {"MN", "Minnesota", Kind::state},
    {"MO", "Missouri", Kind::state},
    {"MP", "Northern Mariana Islands", Kind::territory},
    {"MS", "Mississippi", Kind::state},
    {"MT", "Montana", Kind::state},
    {"NC", "North Carolina", Kind::state},
    {"ND", "North Dakota", Kind::state},
    {"NE", "Nebraska", Kind::state},
    {"NH", "New Hampshire", Kind::state},
    {"NJ", "New Jersey", Kind::state},
    {"NM", "New Mexico", Kind::state},
    {"NV", "Nevada", Kind::state},
    {"NY", "New York", Kind::state},
    {"OH", "Ohio", Kind::state},
    {"OK", "Oklahoma", Kind::state},
    {"OR", "Oregon", Kind::state},
    {"PA", "Pennsylvania", Kind::state},
    {"PR", "Puerto Rico", Kind::territory},
    {"PW", "Palau", Kind::freely_associated_state},
    {"RI", "Rhode Island", Kind::state},
    {"SC", "South Carolina", Kind::state},
    {"SD", "South Dakota", Kind::state},
    {"TN", "Tennessee", Kind::state},
    {"TX", "Texas", Kind::state},
    {"UT", "Utah", Kind::state},
    {"VA", "Virginia", Kind::state},
    {"VI", "U.S. Virgin Islands", Kind::territory},
    {"VT", "Vermont", Kind::state},
    {"WA", "Washington", Kind::state},
    {"WI", "Wisconsin", Kind::state},
    {"WV", "West Virginia", Kind::state},
    {"WY", "Wyoming", Kind::state},
}};

constexpr bool is_sorted_by_code() {
  for (std::size_t index = 1; index < jurisdictions.size(); index++) {
    if (!(jurisdictions[index - 1].code < jurisdictions[index].code)) return false;
  }
  return true;
}
static_assert(is_sorted_by_code(), "keep the table ordered by code: us_jurisdictions() says so");

// Index of each two-letter code in the table (26 × 26 slots), so that the lookup that runs on
// every imported row is one array access instead of a scan.
constexpr std::uint8_t no_jurisdiction = 0xFF;
constexpr std::size_t letter_count = 26;

constexpr std::size_t slot_of(char first_upper, char second_upper) {
  return static_cast<std::size_t>(first_upper - 'A') * letter_count +
         static_cast<std::size_t>(second_upper - 'A');
}

constexpr std::array<std::uint8_t, letter_count * letter_count> build_code_slots() {
  std::array<std::uint8_t, letter_count * letter_count> slots{};
  for (auto& slot : slots) slot = no_jurisdiction;
  for (std::size_t index = 0; index < jurisdictions.size(); index++) {
    const std::string_view code = jurisdictions[index].code;
    slots[slot_of(code[0], code[1])] = static_cast<std::uint8_t>(index);
  }
  return slots;
}

constexpr std::array<std::uint8_t, letter_count* letter_count> code_slots = build_code_slots();

constexpr std::size_t zip5_length = 5;
constexpr std::size_t zip_plus_4_length = 10;

}  // namespace

std::span<const UsJurisdiction> us_jurisdictions() {
  return jurisdictions;
}

const UsJurisdiction* find_us_jurisdiction(std::string_view code_or_name) {
  if (code_or_name.size() == 2) {
    const char first = to_ascii_upper(code_or_name[0]);
    const char second = to_ascii_upper(code_or_name[1]);
    if (first < 'A' || first > 'Z' || second < 'A' || second > 'Z') return nullptr;
    const std::uint8_t index = code_slots[slot_of(first, second)];
    return index == no_jurisdiction ? nullptr : &jurisdictions[index];
  }
  for (const UsJurisdiction& jurisdiction : jurisdictions) {
    if (equals_ignoring_ascii_case(jurisdiction.name, code_or_name)) return &jurisdiction;
  }
  return nullptr;
}

bool normalize_us_postal_code(std::string_view text, std::string& out) {
  out.clear();
  const bool is_zip5 = text.size() == zip5_length && is_ascii_digits(text);
  const bool is_nine_digits = text.size() == 9 && is_ascii_digits(text);
  const bool is_separated_plus_4 =
      text.size() == zip_plus_4_length && (text[zip5_length] == '-' || text[zip5_length] == ' ') &&
      is_ascii_digits(text.substr(0, zip5_length)) && is_ascii_digits(text.substr(zip5_length + 1));
  if (is_zip5) {
    out.assign(text);
    return true;
  }
  if (!is_nine_digits && !is_separated_plus_4) return false;
  const std::size_t plus_4_start = is_nine_digits ? zip5_length : zip5_length + 1;
  out.assign(text.substr(0, zip5_length));
  out.push_back('-');
  out.append(text.substr(plus_4_start));
  return true;
}

std::string_view zip5_of(std::string_view normalized_postal_code) {
  return normalized_postal_code.substr(0, zip5_length);
}

}  // namespace disburse::domain
