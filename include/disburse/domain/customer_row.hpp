#pragma once
// One row of an eligible-customer list (DESIGN.md "Import", issue 3): the header mapping, the
// validation and normalisation of a row, the fingerprint that tells `exists` from
// `exists_with_different_data`, and the normalised keys behind the duplicate signals.
//
// Decisions worth knowing:
// - Unknown header columns reject the whole file. A misspelt optional column ("acount_type")
//   would otherwise be dropped silently and every row would fall back to a default.
// - Text fields are trimmed and inner runs of whitespace (tabs and line breaks included) become
//   one space. Other control characters, C1 controls included, reject the row: PostgreSQL cannot
//   store NUL, and C1 controls mean the file was decoded with the wrong charset.
// - Lengths are counted in code points after that normalisation, as PostgreSQL's char_length.
// - An address (address1, city, state, postal_code) is required for every payment method: the
//   portal verifies customers by ZIP code, and an expired PayPal payment is reissued as a check.
//   `missing_payment_details` therefore covers PayPal without an email and ACH without bank data.
// - Bank fields are validated and kept only for ACH rows. On other rows they are dropped, so that
//   bank data which will never be used is never stored (least privilege).
// - Values such as "'; DROP TABLE claimants;--" or "<script>" are data. SQL uses parameters and
//   views escape, so the validator has no reason to refuse them.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "disburse/domain/payment_method.hpp"

namespace disburse::domain {

enum class CustomerField : std::uint8_t {
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
  weight,
  payment_method,
  routing_number,
  account_number,
  account_type,
};
inline constexpr std::size_t customer_field_count = 18;

struct CustomerFieldSpec {
  std::string_view column_name;
  std::size_t max_length_code_points;
};

// The one table of column names and length limits, indexed by CustomerField. Structured fields
// (ZIP, numbers) get generous limits, so that a slightly wrong value is reported by its own reason
// code rather than as too long.
inline constexpr std::array<CustomerFieldSpec, customer_field_count> customer_field_specs = {{
    {"customer_id", 64},
    {"first_name", 100},
    {"last_name", 100},
    {"email", 254},
    {"phone", 32},
    {"address1", 200},
    {"address2", 200},
    {"city", 100},
    {"state", 32},
    {"postal_code", 16},
    {"country", 64},
    {"device_type", 100},
    {"account_months", 16},
    {"weight", 32},
    {"payment_method", 16},
    {"routing_number", 32},
    {"account_number", 32},
    {"account_type", 16},
}};

// The column name, such as "postal_code".
std::string_view to_string(CustomerField field);

// The largest account age accepted: a hundred years. Anything above is a unit mix-up (days).
inline constexpr std::int32_t max_account_months = 1'200;
// The largest imported weight: the largest weight a device rule can produce (1,000,000 points ×
// 1,200 months), so that 100,000,000 claimants' weights still sum inside 64 bits.
inline constexpr std::uint64_t max_imported_weight = 1'200'000'000;

// Where each known field sits in the file. Built only by check_header or map_header.
struct HeaderMap {
  std::array<std::optional<std::size_t>, customer_field_count> column_index;
  std::size_t column_count = 0;
  bool program_uses_device_rule = true;

  std::optional<std::size_t> column_of(CustomerField field) const {
    return column_index[static_cast<std::size_t>(field)];
  }
};

struct HeaderCheck {
  HeaderMap map;
  std::vector<std::string> missing_columns;    // Required names that are absent.
  std::vector<std::string> duplicate_columns;  // Known names given more than once.
  std::vector<std::string> unknown_columns;    // Names that are not fields, as written.

  bool ok() const {
    return missing_columns.empty() && duplicate_columns.empty() && unknown_columns.empty();
  }
  // "unknown column(s): \"acount_type\"; missing required column(s): email". Long lists and
  // long names are shortened, so that a hostile header cannot produce a huge message.
  std::string message() const;
};

// Names are matched trimmed and ignoring ASCII case, in any order; a byte order mark before the
// first name is ignored. Required: customer_id, first_name, last_name, email, phone, address1,
// address2, city, state, postal_code, country, plus device_type and account_months when the
// program has a device rule, or weight when it does not. Every other known field is optional.
HeaderCheck check_header(std::span<const std::string> names, bool program_uses_device_rule);

// check_header for callers that reject the file on any problem: throws InvalidInput with the
// message.
HeaderMap map_header(std::span<const std::string> names, bool program_uses_device_rule);

enum class BankAccountType : std::uint8_t { checking, savings };
std::string_view to_string(BankAccountType type);

// A validated, normalised row. Empty strings stand for absent optional values.
struct CustomerRecord {
  std::string customer_id;
  std::string first_name;
  std::string last_name;
  std::string email;  // The domain in lower case; the local part as given.
  std::string phone;
  std::string address1;
  std::string address2;
  std::string city;
  std::string state;        // The USPS code, upper case: "CA", "DC", "PR".
  std::string postal_code;  // "12345" or "12345-6789".
  std::string country;      // Always "US".
  std::string device_type;  // The spelling of the program's rule when one resolves it.
  std::optional<std::int32_t> account_months;
  std::optional<std::uint64_t> weight;
  PaymentMethod payment_method = PaymentMethod::paypal;
  // Set only for ACH. The account number is secret: encrypt it before storing, never log it.
  std::string routing_number;
  std::string account_number;
  std::optional<BankAccountType> account_type;
};

// The outcome of one row. Every code has a stable snake_case name (to_string) used in rejected-row
// files and the API.
enum class RowResult : std::uint8_t {
  accepted,
  missing_columns,  // Fewer fields than the header.
  extra_columns,    // More fields than the header.
  empty_required_field,
  invalid_utf8,
  control_character,  // A control character other than whitespace.
  field_too_long,
  invalid_email,
  invalid_state,
  invalid_postal_code,
  invalid_country,  // A country other than the United States.
  unknown_device_type,
  invalid_account_months,  // Not an integer from 0 to max_account_months.
  invalid_weight,          // Not an integer from 1 to max_imported_weight.
  invalid_payment_method,
  invalid_routing_number,  // Not nine digits with a valid ABA checksum and Federal Reserve prefix.
  invalid_account_number,  // Not 4 to 17 digits.
  invalid_account_type,
  missing_payment_details,  // PayPal without an email, ACH without its bank fields.
  duplicate_customer_id,    // Decided by the importer, which sees the whole file.
};

std::string_view to_string(RowResult result);
// One sentence for people, such as "The account age must be a whole number of months from 0 to
// 1,200."
std::string_view describe(RowResult result);

// Resolves a device type as written in a list to the program rule's spelling, or nullopt when the
// rule does not know it. It must ignore ASCII case. The view it returns must outlive the call.
using DeviceTypeResolver = std::function<std::optional<std::string_view>(std::string_view)>;

// A resolver over a fixed list of names, matched ignoring ASCII case: for tests and for callers
// that hold the names rather than the rule.
DeviceTypeResolver make_device_type_resolver(std::vector<std::string> canonical_names);

struct ValidationContext {
  // Required when the program has a device rule. Without a rule, a device type is kept as written
  // unless a resolver is given.
  DeviceTypeResolver resolve_device_type;
};

struct RowCheck {
  RowResult result = RowResult::accepted;
  std::optional<CustomerField> field;  // The field at fault; none for row-level problems.
  CustomerRecord record;               // Meaningful only when accepted.

  bool accepted() const { return result == RowResult::accepted; }
  // The column name of the field at fault, or "" for row-level problems.
  std::string_view field_name() const;
};

RowCheck validate_row(const HeaderMap& header, std::span<const std::string> fields,
                      const ValidationContext& context);

// The same, reusing `out`: its strings keep their capacity from row to row, so validating a
// million rows does not allocate per row.
void validate_row(const HeaderMap& header, std::span<const std::string> fields,
                  const ValidationContext& context, RowCheck& out);

// A mailing address given after the import (a reissue as a check to a corrected address).
struct MailingAddress {
  std::string address1;
  std::string address2;
  std::string city;
  std::string state;
  std::string postal_code;
};

struct AddressCheck {
  RowResult result = RowResult::accepted;
  std::optional<CustomerField> field;  // The field at fault.
  MailingAddress address;              // Normalised; meaningful only when accepted.

  bool accepted() const { return result == RowResult::accepted; }
};

// The customer-row rules for the address fields alone, so that a corrected address meets the
// same standard as an imported one: trimmed and collapsed, length limits, no controls, a USPS
// state code and a ZIP or ZIP+4.
AddressCheck validate_mailing_address(const MailingAddress& input);

// Pragmatic email check: one '@'; a local part of 1 to 64 bytes made of letters, digits,
// non-ASCII text and !#$%&'*+-/=?^_`{|}~ with dots only between characters (plus-addressing is
// fine); a domain of dot-separated labels of letters, digits, hyphens and non-ASCII text, with a
// top-level domain of at least two characters that is not all digits. No spaces or controls.
bool is_valid_email(std::string_view email);

// Whether a routing number is nine digits with a Federal Reserve routing symbol prefix (01-12,
// 21-32, 61-72 or 80) and a valid ABA checksum: 3(d1+d4+d7) + 7(d2+d5+d8) + (d3+d6+d9) ≡ 0
// (mod 10).
bool is_valid_routing_number(std::string_view routing_number);

// A canonical serialisation of every data field of a record: equal records give equal strings and
// different records different strings. The importer hashes it to tell `exists` from
// `exists_with_different_data` on re-import. It holds the bank account number, so it must be
// hashed with a keyed hash (libsodium crypto_generichash with the secret key), never a plain
// SHA-256: an unkeyed hash of otherwise known fields would let anyone who reads the table
// brute-force the account number. Never log it.
std::string record_fingerprint(const CustomerRecord& record);
void append_record_fingerprint(const CustomerRecord& record, std::string& out);

// Duplicate-signal keys. They are deliberately aggressive: they only raise review flags, never
// merge customers. Callers skip empty keys.

// Lower case; "+tag" dropped from the local part; for gmail.com and googlemail.com (one mailbox
// service) dots dropped as well and the domain read as gmail.com.
std::string normalize_email(std::string_view email);

// Upper case, punctuation removed, whitespace collapsed, USPS abbreviations (STREET → ST,
// APARTMENT/UNIT/# → APT, NORTH → N, …), followed by the five-digit ZIP:
// "123 North Main Street, Apt. #4" + "94105-1234" → "123 N MAIN ST APT 4 94105".
// Returns "" when both address lines are empty.
std::string normalize_address(std::string_view address1, std::string_view address2,
                              std::string_view postal_code);

}  // namespace disburse::domain
