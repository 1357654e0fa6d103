#include "disburse/domain/customer_row.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/domain/text.hpp"
#include "disburse/domain/us_postal.hpp"

namespace disburse::domain {

namespace {

constexpr std::size_t index_of(CustomerField field) {
  return static_cast<std::size_t>(field);
}
constexpr CustomerField field_at(std::size_t index) {
  return static_cast<CustomerField>(index);
}

static_assert(customer_field_specs.size() == index_of(CustomerField::account_type) + 1);

// The trimmed text of each field of a row, viewing the caller's strings, and whether its inner
// whitespace still needs collapsing. Most fields need none, and are then copied in one go.
struct RowFields {
  std::array<std::string_view, customer_field_count> text;
  std::array<bool, customer_field_count> needs_collapsing{};

  std::string_view operator[](CustomerField field) const { return text[index_of(field)]; }

  void copy_normalized(CustomerField field, std::string& out) const {
    if (needs_collapsing[index_of(field)]) {
      collapse_whitespace_into(text[index_of(field)], out);
    } else {
      out.assign(text[index_of(field)]);
    }
  }
};

// A row rejection found while normalising; the caller copies it into the RowCheck.
struct Rejection {
  RowResult result;
  std::optional<CustomerField> field;
};
using Outcome = std::optional<Rejection>;

Rejection reject(RowResult result, CustomerField field) {
  return {result, field};
}

// ---------------------------------------------------------------------------------------------
// Header mapping.

constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";
// Names in messages are cut to this many code points, and lists to this many names.
constexpr std::size_t max_name_code_points_in_message = 40;
constexpr std::size_t max_names_in_message = 10;

bool is_required_column(CustomerField field, bool program_uses_device_rule) {
  switch (field) {
    case CustomerField::device_type:
    case CustomerField::account_months:
      return program_uses_device_rule;
    case CustomerField::weight:
      return !program_uses_device_rule;
    case CustomerField::payment_method:
    case CustomerField::routing_number:
    case CustomerField::account_number:
    case CustomerField::account_type:
      return false;
    default:
      return true;
  }
}

std::optional<CustomerField> field_named(std::string_view name) {
  for (std::size_t index = 0; index < customer_field_specs.size(); index++) {
    if (equals_ignoring_ascii_case(customer_field_specs[index].column_name, name)) {
      return field_at(index);
    }
  }
  return std::nullopt;
}

// A header name made safe to show: cut to a few code points, with invalid bytes and controls
// replaced by '?', so that the message stays short, valid UTF-8 and printable in JSON and logs.
std::string printable_name(std::string_view name) {
  std::string out;
  std::size_t offset = 0;
  std::size_t code_points = 0;
  while (offset < name.size() && code_points < max_name_code_points_in_message) {
    const std::size_t length = utf8_sequence_length(name, offset);
    if (length == 0 || is_control_character_at(name, offset)) {
      out.push_back('?');
      offset += length == 0 ? 1 : length;
    } else {
      out.append(name.substr(offset, length));
      offset += length;
    }
    code_points++;
  }
  if (offset < name.size()) out.append("…");
  return out;
}

void append_name_list(std::string& out, std::string_view label,
                      const std::vector<std::string>& names, bool quoted) {
  if (names.empty()) return;
  if (!out.empty()) out.append("; ");
  out.append(label);
  const std::size_t shown = std::min(names.size(), max_names_in_message);
  for (std::size_t index = 0; index < shown; index++) {
    out.append(index == 0 ? " " : ", ");
    if (quoted) out.push_back('"');
    out.append(names[index]);
    if (quoted) out.push_back('"');
  }
  if (names.size() > shown) {
    out.append(" and ").append(std::to_string(names.size() - shown)).append(" more");
  }
}

// ---------------------------------------------------------------------------------------------
// Field scanning.

struct FieldScan {
  RowResult result = RowResult::accepted;
  bool needs_collapsing = false;
};

// Checks one trimmed field in a single pass: valid UTF-8, no control character other than
// whitespace, and at most `max_length_code_points` once inner whitespace runs are collapsed.
// Collapsing only ever shortens a run of ASCII whitespace to one space, so the normalised length
// grows monotonically while scanning and an oversized field is refused as soon as it is seen.
// ASCII is tested inline because this loop sees every byte of a million-row file.
FieldScan scan_field(std::string_view text, std::size_t max_length_code_points) {
  FieldScan scan;
  std::size_t normalized_code_points = 0;
  bool previous_was_whitespace = false;
  std::size_t offset = 0;
  while (offset < text.size()) {
    const auto byte = static_cast<unsigned char>(text[offset]);
    if (byte > 0x20U && byte < 0x7FU) {
      normalized_code_points++;
      previous_was_whitespace = false;
      offset++;
    } else if (byte < 0x80U) {
      const bool whitespace = is_ascii_whitespace(text[offset]);
      if (!whitespace && (byte < 0x20U || byte == 0x7FU)) return {RowResult::control_character};
      if (whitespace && (previous_was_whitespace || byte != ' ')) scan.needs_collapsing = true;
      if (!(whitespace && previous_was_whitespace)) normalized_code_points++;
      previous_was_whitespace = whitespace;
      offset++;
    } else {
      const std::size_t length = utf8_sequence_length(text, offset);
      if (length == 0) return {RowResult::invalid_utf8};
      if (is_control_character_at(text, offset)) return {RowResult::control_character};
      normalized_code_points++;
      previous_was_whitespace = false;
      offset += length;
    }
    if (normalized_code_points > max_length_code_points) return {RowResult::field_too_long};
  }
  return scan;
}

Outcome first_empty_required_field(const HeaderMap& header, const RowFields& row) {
  constexpr std::array always_required = {CustomerField::customer_id, CustomerField::first_name,
                                          CustomerField::last_name,   CustomerField::address1,
                                          CustomerField::city,        CustomerField::state,
                                          CustomerField::postal_code};
  for (const CustomerField field : always_required) {
    if (row[field].empty()) return reject(RowResult::empty_required_field, field);
  }
  const std::array device_rule_fields = {CustomerField::device_type, CustomerField::account_months};
  const std::array imported_weight_fields = {CustomerField::weight};
  const std::span<const CustomerField> weighting_fields =
      header.program_uses_device_rule ? std::span<const CustomerField>(device_rule_fields)
                                      : std::span<const CustomerField>(imported_weight_fields);
  for (const CustomerField field : weighting_fields) {
    if (row[field].empty()) return reject(RowResult::empty_required_field, field);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Normalisation of the fields, in the order of the table.

// Parses digits only (no sign, no decimals, no spaces) up to `max_value`.
std::optional<std::uint64_t> parse_bounded_integer(std::string_view text, std::uint64_t max_value) {
  if (!is_ascii_digits(text)) return std::nullopt;
  std::uint64_t value = 0;
  for (const char digit : text) {
    value = value * 10 + static_cast<std::uint64_t>(digit - '0');
    if (value > max_value) return std::nullopt;
  }
  return value;
}

void copy_free_text_fields(const RowFields& row, CustomerRecord& record) {
  constexpr std::array<std::pair<CustomerField, std::string CustomerRecord::*>, 8> free_text = {{
      {CustomerField::customer_id, &CustomerRecord::customer_id},
      {CustomerField::first_name, &CustomerRecord::first_name},
      {CustomerField::last_name, &CustomerRecord::last_name},
      {CustomerField::email, &CustomerRecord::email},
      {CustomerField::phone, &CustomerRecord::phone},
      {CustomerField::address1, &CustomerRecord::address1},
      {CustomerField::address2, &CustomerRecord::address2},
      {CustomerField::city, &CustomerRecord::city},
  }};
  for (const auto& [field, member] : free_text) {
    row.copy_normalized(field, record.*member);
  }
}

Outcome normalize_email_field(CustomerRecord& record) {
  if (record.email.empty()) return std::nullopt;
  if (!is_valid_email(record.email)) return reject(RowResult::invalid_email, CustomerField::email);
  // Domains are case-insensitive; local parts are, strictly, the mailbox provider's business.
  const std::size_t at = record.email.find('@');
  std::transform(record.email.begin() + static_cast<std::ptrdiff_t>(at), record.email.end(),
                 record.email.begin() + static_cast<std::ptrdiff_t>(at),
                 [](char character) { return to_ascii_lower(character); });
  return std::nullopt;
}

bool is_united_states(std::string_view country) {
  constexpr std::array<std::string_view, 6> names = {
      "US", "USA", "U.S.", "U.S.A.", "United States", "United States of America"};
  return std::any_of(names.begin(), names.end(), [country](std::string_view name) {
    return equals_ignoring_ascii_case(name, country);
  });
}

Outcome normalize_location(const RowFields& row, CustomerRecord& record) {
  row.copy_normalized(CustomerField::state, record.state);
  const UsJurisdiction* jurisdiction = find_us_jurisdiction(record.state);
  if (jurisdiction == nullptr) return reject(RowResult::invalid_state, CustomerField::state);
  record.state.assign(jurisdiction->code);
  if (!normalize_us_postal_code(row[CustomerField::postal_code], record.postal_code)) {
    return reject(RowResult::invalid_postal_code, CustomerField::postal_code);
  }
  row.copy_normalized(CustomerField::country, record.country);
  if (!record.country.empty() && !is_united_states(record.country)) {
    return reject(RowResult::invalid_country, CustomerField::country);
  }
  record.country.assign("US");
  return std::nullopt;
}

Outcome normalize_weighting(const HeaderMap& header, const RowFields& row,
                            const ValidationContext& context, CustomerRecord& record) {
  DISBURSE_ASSERT(!header.program_uses_device_rule || context.resolve_device_type);
  row.copy_normalized(CustomerField::device_type, record.device_type);
  if (!record.device_type.empty() && context.resolve_device_type) {
    const std::optional<std::string_view> resolved =
        context.resolve_device_type(record.device_type);
    if (!resolved) return reject(RowResult::unknown_device_type, CustomerField::device_type);
    if (*resolved != record.device_type) record.device_type.assign(*resolved);
  }
  record.account_months.reset();
  if (const std::string_view months = row[CustomerField::account_months]; !months.empty()) {
    const auto parsed = parse_bounded_integer(months, max_account_months);
    if (!parsed) return reject(RowResult::invalid_account_months, CustomerField::account_months);
    record.account_months = static_cast<std::int32_t>(*parsed);
  }
  record.weight.reset();
  if (const std::string_view weight = row[CustomerField::weight]; !weight.empty()) {
    const auto parsed = parse_bounded_integer(weight, max_imported_weight);
    if (!parsed || *parsed == 0) return reject(RowResult::invalid_weight, CustomerField::weight);
    record.weight = *parsed;
  }
  return std::nullopt;
}

std::optional<PaymentMethod> payment_method_named(std::string_view name) {
  for (const PaymentMethod method : all_payment_methods) {
    if (equals_ignoring_ascii_case(to_string(method), name)) return method;
  }
  return std::nullopt;
}

std::optional<BankAccountType> account_type_named(std::string_view name) {
  for (const BankAccountType type : {BankAccountType::checking, BankAccountType::savings}) {
    if (equals_ignoring_ascii_case(to_string(type), name)) return type;
  }
  return std::nullopt;
}

Outcome normalize_bank_account(const RowFields& row, CustomerRecord& record) {
  for (const CustomerField field : {CustomerField::routing_number, CustomerField::account_number,
                                    CustomerField::account_type}) {
    if (row[field].empty()) return reject(RowResult::missing_payment_details, field);
  }
  const std::string_view routing_number = row[CustomerField::routing_number];
  if (!is_valid_routing_number(routing_number)) {
    return reject(RowResult::invalid_routing_number, CustomerField::routing_number);
  }
  const std::string_view account_number = row[CustomerField::account_number];
  if (account_number.size() < 4 || account_number.size() > 17 || !is_ascii_digits(account_number)) {
    return reject(RowResult::invalid_account_number, CustomerField::account_number);
  }
  const auto account_type = account_type_named(row[CustomerField::account_type]);
  if (!account_type) return reject(RowResult::invalid_account_type, CustomerField::account_type);
  record.routing_number.assign(routing_number);
  record.account_number.assign(account_number);
  record.account_type = account_type;
  return std::nullopt;
}

Outcome normalize_payment(const RowFields& row, CustomerRecord& record) {
  record.routing_number.clear();
  record.account_number.clear();
  record.account_type.reset();
  const std::string_view method_name = row[CustomerField::payment_method];
  if (method_name.empty()) {
    record.payment_method = record.email.empty() ? PaymentMethod::check : PaymentMethod::paypal;
  } else {
    const std::optional<PaymentMethod> method = payment_method_named(method_name);
    if (!method) return reject(RowResult::invalid_payment_method, CustomerField::payment_method);
    record.payment_method = *method;
  }
  if (record.payment_method == PaymentMethod::paypal && record.email.empty()) {
    return reject(RowResult::missing_payment_details, CustomerField::email);
  }
  if (record.payment_method == PaymentMethod::ach) return normalize_bank_account(row, record);
  return std::nullopt;
}

Outcome fill_record(const HeaderMap& header, const RowFields& row, const ValidationContext& context,
                    CustomerRecord& record) {
  copy_free_text_fields(row, record);
  if (Outcome outcome = normalize_email_field(record)) return outcome;
  if (Outcome outcome = normalize_location(row, record)) return outcome;
  if (Outcome outcome = normalize_weighting(header, row, context, record)) return outcome;
  return normalize_payment(row, record);
}

// ---------------------------------------------------------------------------------------------
// Email checks.

bool is_local_part_character(char character) {
  constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~.";
  return is_ascii_letter(character) || is_ascii_digit(character) ||
         static_cast<unsigned char>(character) >= 0x80U ||
         specials.find(character) != std::string_view::npos;
}

bool is_domain_label(std::string_view label) {
  constexpr std::size_t max_label_bytes = 63;
  if (label.empty() || label.size() > max_label_bytes) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char character) {
    return is_ascii_letter(character) || is_ascii_digit(character) || character == '-' ||
           static_cast<unsigned char>(character) >= 0x80U;
  });
}

bool is_email_domain(std::string_view domain) {
  constexpr std::size_t max_domain_bytes = 253;
  if (domain.size() > max_domain_bytes) return false;
  const std::size_t last_dot = domain.rfind('.');
  if (last_dot == std::string_view::npos) return false;
  std::size_t label_start = 0;
  while (label_start <= domain.size()) {
    const std::size_t dot = std::min(domain.find('.', label_start), domain.size());
    if (!is_domain_label(domain.substr(label_start, dot - label_start))) return false;
    label_start = dot + 1;
  }
  const std::string_view top_level_domain = domain.substr(last_dot + 1);
  return top_level_domain.size() >= 2 && !is_ascii_digits(top_level_domain);
}

// ---------------------------------------------------------------------------------------------
// Fingerprint.

void append_fingerprint_entry(std::string& out, std::string_view name, std::string_view value) {
  std::array<char, 24> length_digits{};
  const auto length_end =
      std::to_chars(length_digits.data(), length_digits.data() + length_digits.size(), value.size())
          .ptr;
  out.append(name);
  out.push_back('=');
  out.append(length_digits.data(), length_end);
  out.push_back(':');
  out.append(value);
  out.push_back('\n');
}

template <typename Integer>
void append_fingerprint_number(std::string& out, std::string_view name,
                               const std::optional<Integer>& value) {
  std::array<char, 24> digits{};
  std::string_view text;
  if (value) {
    const auto result = std::to_chars(digits.data(), digits.data() + digits.size(), *value);
    text = std::string_view(digits.data(), static_cast<std::size_t>(result.ptr - digits.data()));
  }
  append_fingerprint_entry(out, name, text);
}

// ---------------------------------------------------------------------------------------------
// Duplicate-signal keys.

struct Abbreviation {
  std::string_view word;
  std::string_view abbreviation;
};

// USPS Publication 28 abbreviations for the words that vary most in customer lists, ordered by
// word for binary search. Unit designators all become APT, so "Unit 4", "#4" and "Apartment 4"
// meet.
constexpr std::array<Abbreviation, 58> abbreviations = {{
    {"ALLEY", "ALY"},     {"APARTMENT", "APT"}, {"AV", "AVE"},         {"AVENUE", "AVE"},
    {"AVN", "AVE"},       {"BOUL", "BLVD"},     {"BOULEVARD", "BLVD"}, {"BOULV", "BLVD"},
    {"BUILDING", "BLDG"}, {"CENTER", "CTR"},    {"CIRC", "CIR"},       {"CIRCLE", "CIR"},
    {"COURT", "CT"},      {"CRESCENT", "CRES"}, {"CRT", "CT"},         {"DRIVE", "DR"},
    {"DRV", "DR"},        {"EAST", "E"},        {"EIGHTH", "8TH"},     {"EXPRESSWAY", "EXPY"},
    {"FIFTH", "5TH"},     {"FIRST", "1ST"},     {"FLOOR", "FL"},       {"FOURTH", "4TH"},
    {"FREEWAY", "FWY"},   {"HEIGHTS", "HTS"},   {"HIGHWAY", "HWY"},    {"HIWAY", "HWY"},
    {"LANE", "LN"},       {"NINTH", "9TH"},     {"NORTH", "N"},        {"NORTHEAST", "NE"},
    {"NORTHWEST", "NW"},  {"PARKWAY", "PKWY"},  {"PKY", "PKWY"},       {"PLACE", "PL"},
    {"PLAZA", "PLZ"},     {"POINT", "PT"},      {"ROAD", "RD"},        {"ROOM", "RM"},
    {"ROUTE", "RTE"},     {"SECOND", "2ND"},    {"SEVENTH", "7TH"},    {"SIXTH", "6TH"},
    {"SOUTH", "S"},       {"SOUTHEAST", "SE"},  {"SOUTHWEST", "SW"},   {"SQUARE", "SQ"},
    {"STR", "ST"},        {"STREET", "ST"},     {"SUITE", "STE"},      {"TENTH", "10TH"},
    {"TERRACE", "TER"},   {"THIRD", "3RD"},     {"TRAIL", "TRL"},      {"UNIT", "APT"},
    {"WEST", "W"},        {"WY", "WAY"},
}};

constexpr bool abbreviations_are_sorted() {
  for (std::size_t index = 1; index < abbreviations.size(); index++) {
    if (!(abbreviations[index - 1].word < abbreviations[index].word)) return false;
  }
  return true;
}
static_assert(abbreviations_are_sorted(), "binary search needs the table ordered by word");

std::string_view abbreviate(std::string_view upper_case_word) {
  const auto* found = std::lower_bound(
      abbreviations.begin(), abbreviations.end(), upper_case_word,
      [](const Abbreviation& entry, std::string_view word) { return entry.word < word; });
  if (found != abbreviations.end() && found->word == upper_case_word) return found->abbreviation;
  return upper_case_word;
}

// Splits address text into upper-case words: runs of ASCII letters, digits and non-ASCII text.
// '#' is a word of its own (a unit designator); all other punctuation separates words.
void append_address_words(std::string_view text, std::vector<std::string>& words) {
  std::size_t offset = 0;
  while (offset < text.size()) {
    const char character = text[offset];
    if (character == '#') {
      words.emplace_back("#");
      offset++;
      continue;
    }
    const auto is_word_character = [](char byte) {
      return is_ascii_letter(byte) || is_ascii_digit(byte) ||
             static_cast<unsigned char>(byte) >= 0x80U;
    };
    if (!is_word_character(character)) {
      offset++;
      continue;
    }
    const std::size_t start = offset;
    while (offset < text.size() && is_word_character(text[offset])) offset++;
    words.push_back(to_ascii_upper(text.substr(start, offset - start)));
  }
}

// Joins "P O" and "POST OFFICE" before "BOX" into "PO", as USPS writes "PO BOX".
bool starts_post_office_box(const std::vector<std::string>& words, std::size_t index,
                            std::size_t& consumed) {
  const auto word_is = [&words](std::size_t at, std::string_view expected) {
    return at < words.size() && words[at] == expected;
  };
  if ((word_is(index, "P") && word_is(index + 1, "O")) ||
      (word_is(index, "POST") && word_is(index + 1, "OFFICE"))) {
    consumed = word_is(index + 2, "BOX") ? 2 : 0;
    return consumed > 0;
  }
  return false;
}

}  // namespace

std::string_view to_string(CustomerField field) {
  return customer_field_specs[index_of(field)].column_name;
}

std::string HeaderCheck::message() const {
  std::string out;
  append_name_list(out, "unknown column(s):", unknown_columns, true);
  append_name_list(out, "duplicate column(s):", duplicate_columns, false);
  append_name_list(out, "missing required column(s):", missing_columns, false);
  return out;
}

HeaderCheck check_header(std::span<const std::string> names, bool program_uses_device_rule) {
  HeaderCheck check;
  check.map.column_count = names.size();
  check.map.program_uses_device_rule = program_uses_device_rule;
  for (std::size_t column = 0; column < names.size(); column++) {
    std::string_view name = names[column];
    if (column == 0 && name.starts_with(byte_order_mark))
      name.remove_prefix(byte_order_mark.size());
    name = trim_ascii_whitespace(name);
    const std::optional<CustomerField> field = field_named(name);
    if (!field) {
      check.unknown_columns.push_back(printable_name(name));
      continue;
    }
    std::optional<std::size_t>& slot = check.map.column_index[index_of(*field)];
    if (slot) {
      const std::string canonical(to_string(*field));
      const auto& duplicates = check.duplicate_columns;
      if (std::find(duplicates.begin(), duplicates.end(), canonical) == duplicates.end()) {
        check.duplicate_columns.push_back(canonical);
      }
      continue;
    }
    slot = column;
  }
  for (std::size_t index = 0; index < customer_field_count; index++) {
    const CustomerField field = field_at(index);
    if (is_required_column(field, program_uses_device_rule) && !check.map.column_index[index]) {
      check.missing_columns.emplace_back(to_string(field));
    }
  }
  return check;
}

HeaderMap map_header(std::span<const std::string> names, bool program_uses_device_rule) {
  HeaderCheck check = check_header(names, program_uses_device_rule);
  if (!check.ok()) throw InvalidInput("CSV header: " + check.message());
  return check.map;
}

std::string_view to_string(BankAccountType type) {
  switch (type) {
    case BankAccountType::checking:
      return "checking";
    case BankAccountType::savings:
      return "savings";
  }
  DISBURSE_ASSERT(false);
  return {};
}

std::string_view to_string(RowResult result) {
  switch (result) {
    case RowResult::accepted:
      return "accepted";
    case RowResult::missing_columns:
      return "missing_columns";
    case RowResult::extra_columns:
      return "extra_columns";
    case RowResult::empty_required_field:
      return "empty_required_field";
    case RowResult::invalid_utf8:
      return "invalid_utf8";
    case RowResult::control_character:
      return "control_character";
    case RowResult::field_too_long:
      return "field_too_long";
    case RowResult::invalid_email:
      return "invalid_email";
    case RowResult::invalid_state:
      return "invalid_state";
    case RowResult::invalid_postal_code:
      return "invalid_postal_code";
    case RowResult::invalid_country:
      return "invalid_country";
    case RowResult::unknown_device_type:
      return "unknown_device_type";
    case RowResult::invalid_account_months:
      return "invalid_account_months";
    case RowResult::invalid_weight:
      return "invalid_weight";
    case RowResult::invalid_payment_method:
      return "invalid_payment_method";
    case RowResult::invalid_routing_number:
      return "invalid_routing_number";
    case RowResult::invalid_account_number:
      return "invalid_account_number";
    case RowResult::invalid_account_type:
      return "invalid_account_type";
    case RowResult::missing_payment_details:
      return "missing_payment_details";
    case RowResult::duplicate_customer_id:
      return "duplicate_customer_id";
  }
  DISBURSE_ASSERT(false);
  return {};
}

std::string_view describe(RowResult result) {
  switch (result) {
    case RowResult::accepted:
      return "The row was accepted.";
    case RowResult::missing_columns:
      return "The row has fewer fields than the header.";
    case RowResult::extra_columns:
      return "The row has more fields than the header.";
    case RowResult::empty_required_field:
      return "A required field is empty.";
    case RowResult::invalid_utf8:
      return "A field is not valid UTF-8 text.";
    case RowResult::control_character:
      return "A field contains a control character.";
    case RowResult::field_too_long:
      return "A field is longer than its limit.";
    case RowResult::invalid_email:
      return "The email address is not valid.";
    case RowResult::invalid_state:
      return "The state is not a US state, territory or APO code.";
    case RowResult::invalid_postal_code:
      return "The ZIP code must be 5 digits or ZIP+4 (12345-6789).";
    case RowResult::invalid_country:
      return "Only addresses in the United States are accepted.";
    case RowResult::unknown_device_type:
      return "The device type is not in the program's rule.";
    case RowResult::invalid_account_months:
      return "The account age must be a whole number of months from 0 to 1,200.";
    case RowResult::invalid_weight:
      return "The weight must be a whole number from 1 to 1,200,000,000.";
    case RowResult::invalid_payment_method:
      return "The payment method must be paypal, check or ach.";
    case RowResult::invalid_routing_number:
      return "The routing number is not a valid 9-digit ABA routing number.";
    case RowResult::invalid_account_number:
      return "The account number must be 4 to 17 digits.";
    case RowResult::invalid_account_type:
      return "The account type must be checking or savings.";
    case RowResult::missing_payment_details:
      return "The payment method needs details the row lacks: an email for PayPal, "
             "bank details for ACH.";
    case RowResult::duplicate_customer_id:
      return "The customer id appears earlier in the file.";
  }
  DISBURSE_ASSERT(false);
  return {};
}

DeviceTypeResolver make_device_type_resolver(std::vector<std::string> canonical_names) {
  return [names = std::move(canonical_names)](
             std::string_view device_type) -> std::optional<std::string_view> {
    for (const std::string& name : names) {
      if (equals_ignoring_ascii_case(name, device_type)) return std::string_view(name);
    }
    return std::nullopt;
  };
}

std::string_view RowCheck::field_name() const {
  return field ? to_string(*field) : std::string_view();
}

RowCheck validate_row(const HeaderMap& header, std::span<const std::string> fields,
                      const ValidationContext& context) {
  RowCheck check;
  validate_row(header, fields, context, check);
  return check;
}

void validate_row(const HeaderMap& header, std::span<const std::string> fields,
                  const ValidationContext& context, RowCheck& out) {
  out.result = RowResult::accepted;
  out.field.reset();
  if (fields.size() != header.column_count) {
    out.result =
        fields.size() < header.column_count ? RowResult::missing_columns : RowResult::extra_columns;
    return;
  }
  RowFields row;
  for (std::size_t index = 0; index < customer_field_count; index++) {
    const std::optional<std::size_t> column = header.column_index[index];
    if (!column) continue;
    row.text[index] = trim_ascii_whitespace(fields[*column]);
    const FieldScan scan =
        scan_field(row.text[index], customer_field_specs[index].max_length_code_points);
    if (scan.result != RowResult::accepted) {
      out.result = scan.result;
      out.field = field_at(index);
      return;
    }
    row.needs_collapsing[index] = scan.needs_collapsing;
  }
  Outcome outcome = first_empty_required_field(header, row);
  if (!outcome) outcome = fill_record(header, row, context, out.record);
  if (outcome) {
    out.result = outcome->result;
    out.field = outcome->field;
  }
}

AddressCheck validate_mailing_address(const MailingAddress& input) {
  const std::array<std::pair<CustomerField, const std::string*>, 5> given = {{
      {CustomerField::address1, &input.address1},
      {CustomerField::address2, &input.address2},
      {CustomerField::city, &input.city},
      {CustomerField::state, &input.state},
      {CustomerField::postal_code, &input.postal_code},
  }};
  AddressCheck check;
  RowFields row;
  for (const auto& [field, text] : given) {
    const std::size_t index = index_of(field);
    row.text[index] = trim_ascii_whitespace(*text);
    const FieldScan scan =
        scan_field(row.text[index], customer_field_specs[index].max_length_code_points);
    if (scan.result == RowResult::accepted && row.text[index].empty() &&
        field != CustomerField::address2) {
      check.result = RowResult::empty_required_field;
    } else {
      check.result = scan.result;
    }
    if (!check.accepted()) {
      check.field = field;
      return check;
    }
    row.needs_collapsing[index] = scan.needs_collapsing;
  }
  CustomerRecord record;
  copy_free_text_fields(row, record);
  if (const Outcome outcome = normalize_location(row, record)) {
    check.result = outcome->result;
    check.field = outcome->field;
    return check;
  }
  check.address = {record.address1, record.address2, record.city, record.state, record.postal_code};
  return check;
}

bool is_valid_email(std::string_view email) {
  constexpr std::size_t max_email_bytes = 254;
  constexpr std::size_t max_local_part_bytes = 64;
  if (email.size() > max_email_bytes || !is_valid_utf8(email)) return false;
  const std::size_t at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view local_part = email.substr(0, at);
  if (local_part.empty() || local_part.size() > max_local_part_bytes) return false;
  if (local_part.front() == '.' || local_part.back() == '.') return false;
  if (local_part.find("..") != std::string_view::npos) return false;
  if (!std::all_of(local_part.begin(), local_part.end(), is_local_part_character)) return false;
  return is_email_domain(email.substr(at + 1));
}

bool is_valid_routing_number(std::string_view routing_number) {
  if (routing_number.size() != 9 || !is_ascii_digits(routing_number)) return false;
  if (routing_number == "000000000") return false;
  const int prefix = (routing_number[0] - '0') * 10 + (routing_number[1] - '0');
  const bool federal_reserve_prefix = prefix <= 12 || (prefix >= 21 && prefix <= 32) ||
                                      (prefix >= 61 && prefix <= 72) || prefix == 80;
  if (!federal_reserve_prefix) return false;
  constexpr std::array<int, 9> weights = {3, 7, 1, 3, 7, 1, 3, 7, 1};
  int checksum = 0;
  for (std::size_t index = 0; index < weights.size(); index++) {
    checksum += weights[index] * (routing_number[index] - '0');
  }
  return checksum % 10 == 0;
}

std::string record_fingerprint(const CustomerRecord& record) {
  std::string out;
  append_record_fingerprint(record, out);
  return out;
}

void append_record_fingerprint(const CustomerRecord& record, std::string& out) {
  // Every value is length-prefixed, so no value can imitate a field boundary. The version line
  // lets a future change of the layout be told apart from a change of the data.
  out.append("customer_record.v1\n");
  append_fingerprint_entry(out, "customer_id", record.customer_id);
  append_fingerprint_entry(out, "first_name", record.first_name);
  append_fingerprint_entry(out, "last_name", record.last_name);
  append_fingerprint_entry(out, "email", record.email);
  append_fingerprint_entry(out, "phone", record.phone);
  append_fingerprint_entry(out, "address1", record.address1);
  append_fingerprint_entry(out, "address2", record.address2);
  append_fingerprint_entry(out, "city", record.city);
  append_fingerprint_entry(out, "state", record.state);
  append_fingerprint_entry(out, "postal_code", record.postal_code);
  append_fingerprint_entry(out, "country", record.country);
  append_fingerprint_entry(out, "device_type", record.device_type);
  append_fingerprint_number(out, "account_months", record.account_months);
  append_fingerprint_number(out, "weight", record.weight);
  append_fingerprint_entry(out, "payment_method", to_string(record.payment_method));
  append_fingerprint_entry(out, "routing_number", record.routing_number);
  append_fingerprint_entry(out, "account_number", record.account_number);
  append_fingerprint_entry(out, "account_type",
                           record.account_type ? to_string(*record.account_type) : "");
}

std::string normalize_email(std::string_view email) {
  std::string normalized = to_ascii_lower(trim_ascii_whitespace(email));
  const std::size_t at = normalized.rfind('@');
  if (at == std::string::npos) return normalized;
  std::string local_part = normalized.substr(0, at);
  std::string domain = normalized.substr(at + 1);
  if (domain == "googlemail.com") domain = "gmail.com";
  if (domain == "gmail.com") std::erase(local_part, '.');
  // "+tag" addressing delivers to the same mailbox; a bare "+tag" has no mailbox name to keep.
  const std::size_t plus = local_part.find('+');
  if (plus != std::string::npos && plus > 0) local_part.resize(plus);
  return local_part + "@" + domain;
}

std::string normalize_address(std::string_view address1, std::string_view address2,
                              std::string_view postal_code) {
  std::vector<std::string> words;
  append_address_words(address1, words);
  append_address_words(address2, words);
  if (words.empty()) return {};
  std::string out;
  bool previous_is_unit_designator = false;
  for (std::size_t index = 0; index < words.size(); index++) {
    std::size_t consumed = 0;
    std::string_view word = words[index];
    if (starts_post_office_box(words, index, consumed)) {
      word = "PO";
      index += consumed - 1;
    } else if (word == "#") {
      // "Apt #4" is "APT 4", not "APT APT 4".
      if (previous_is_unit_designator) continue;
      word = "APT";
    } else {
      word = abbreviate(word);
    }
    if (!out.empty()) out.push_back(' ');
    out.append(word);
    previous_is_unit_designator = word == "APT" || word == "STE";
  }
  std::string zip5;
  for (const char character : postal_code) {
    if (is_ascii_digit(character) && zip5.size() < 5) zip5.push_back(character);
  }
  if (!zip5.empty()) out.append(" ").append(zip5);
  return out;
}

}  // namespace disburse::domain
