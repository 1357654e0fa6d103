#pragma once
// A deterministic generator of realistic eligible-customer lists, for demos, tests and
// benchmarks (`disburse sample-list`). It is pure: it produces rows as field vectors, one at a
// time, and the caller writes them (formats::CsvWriter::write_plain_record), so that a million
// rows stream in constant memory.
//
// The same options give the same rows on every machine: the generator draws from its own
// SplitMix64 with its own bounded-integer rule, never from <random> distributions, whose output
// the standard leaves to each library.
//
// Clean rows are valid by construction and unique where the import looks for duplicates:
// - the email's local part ends with the row number (names hold no digits), so no two rows share
//   an email by accident;
// - the house number and street are an injective function of the row number, so no two rows share
//   a street address by accident.
//
// With `dirty`, about 1.5% of rows carry exactly one defect each (SampleDefect), and about 0.5% of
// rows each share an email or an address with one earlier clean row of a different customer_id.
// Those sharing pairs are disjoint: a row takes part in at most one pair. The importer is expected
// to accept sharing rows (they are valid) and flag both rows of each pair for review.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace disburse::domain {

// The Ring device types, spelled exactly as the customer lists and the weighting rule spell them.
inline constexpr std::array<std::string_view, 8> ring_device_types = {
    "Indoor Cam",    "Stick Up Cam",   "Video Doorbell", "Video Doorbell Pro",
    "Spotlight Cam", "Floodlight Cam", "Peephole Cam",   "Doorbell Elite",
};

// The header of a generated list, in column order.
inline constexpr std::array<std::string_view, 17> sample_list_columns = {
    "customer_id",    "first_name",   "last_name",      "email",          "phone",
    "address1",       "address2",     "city",           "state",          "postal_code",
    "country",        "device_type",  "account_months", "payment_method", "routing_number",
    "account_number", "account_type",
};

// A small, fast, well-mixed 64-bit generator (Steele, Lea and Flood, 2014), fully specified so
// that a seed means the same sequence everywhere.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  // A uniform integer in [0, bound), without modulo bias. `bound` must be positive.
  std::uint64_t below(std::uint64_t bound);
  // True with probability parts_per_million / 1,000,000.
  bool chance(std::uint64_t parts_per_million);

 private:
  std::uint64_t state_;
};

// The one defect a dirty row carries, and what an importer should reject it for.
// - missing_columns: 1 to 5 trailing fields are left out.
// - extra_columns: 1 or 2 fields are added after the last column.
// - empty_required_field: first_name, last_name, address1 or city is empty.
// - invalid_email: no '@', two '@', an empty local part or domain, or a space.
// - invalid_state: not a US state code ("XX", "ZZ", "AB", ...).
// - invalid_postal_code: not five digits ("123456", "ABCDE", "9021O", ...).
// - unknown_device_type: a product outside ring_device_types ("Car Cam", "Echo Show", ...).
// - negative_months: "-1" to "-48".
// - non_integer_months: "12.5", "twelve", "3 months", ...
// - duplicate_customer_id: the customer_id of an earlier clean row, with different data. The
//   earlier row stays valid; this later one is the invalid one.
// - overlong_field: address1 is 5,000 bytes, beyond the CSV reader's default field limit.
// - invalid_utf8: last_name in Latin-1 ("M\xFCller").
enum class SampleDefect {
  missing_columns,
  extra_columns,
  empty_required_field,
  invalid_email,
  invalid_state,
  invalid_postal_code,
  unknown_device_type,
  negative_months,
  non_integer_months,
  duplicate_customer_id,
  overlong_field,
  invalid_utf8,
};
inline constexpr std::size_t sample_defect_count = 12;

std::string_view to_string(SampleDefect defect);

struct SampleListOptions {
  std::int64_t customers = 0;
  std::uint64_t seed = 0;
  bool dirty = false;
};

// What was generated, so that tests of the import can assert exact counts.
struct SampleStats {
  std::int64_t rows_total = 0;
  std::int64_t rows_intended_valid = 0;
  std::array<std::int64_t, sample_defect_count> rows_invalid_by_defect{};
  // Valid rows that share their email (in any letter case) with one earlier valid row.
  std::int64_t duplicate_email_pairs = 0;
  // Valid rows that share address1, address2, city, state and postal_code with one earlier
  // valid row.
  std::int64_t duplicate_address_pairs = 0;
  // How the valid rows are to be paid. Check payees have payment_method "check", or no email and
  // no payment_method; PayPal payees have payment_method "paypal", or an email and none.
  std::int64_t paypal_payees = 0;
  std::int64_t check_payees = 0;
  std::int64_t ach_payees = 0;

  std::int64_t rows_intended_invalid() const;
  std::int64_t rows_invalid(SampleDefect defect) const;
  // Each pair flags both of its rows, and no row is in two pairs.
  std::int64_t rows_with_duplicate_signal() const;
};

class SampleListGenerator {
 public:
  // Throws InvalidInput when customers is negative.
  explicit SampleListGenerator(SampleListOptions options);

  // Fills `fields` with the next row (reusing its strings); false once `customers` rows are out.
  bool next_row(std::vector<std::string>& fields);

  const SampleStats& stats() const { return stats_; }

 private:
  // The last clean row that no pair uses yet: the source of the next sharing row.
  struct SharingSource {
    bool available = false;
    std::string email;
    std::array<std::string, 5> address;  // address1, address2, city, state, postal_code
  };

  void fill_clean_row(std::vector<std::string>& fields);
  void fill_identity(std::vector<std::string>& fields);
  void fill_address(std::vector<std::string>& fields);
  void assign_street_address(std::string& line);
  void shuffle_streets();
  void fill_payment(std::vector<std::string>& fields);
  bool try_share_email(std::vector<std::string>& fields);
  bool try_share_address(std::vector<std::string>& fields);
  bool try_inject_defect(std::vector<std::string>& fields);
  void inject_defect(std::vector<std::string>& fields, SampleDefect defect);
  void count_payee(const std::vector<std::string>& fields);
  void remember_clean_row(const std::vector<std::string>& fields);

  SampleListOptions options_;
  SplitMix64 random_;
  SampleStats stats_;
  std::int64_t row_number_ = 0;
  // Every street once, reshuffled for each block of rows; see assign_street_address.
  std::vector<std::uint32_t> street_order_;
  std::uint64_t street_seed_ = 0;
  std::string last_clean_customer_id_;
  SharingSource sharing_source_;
};

}  // namespace disburse::domain
