#include "import_rows.hpp"

#include <sstream>
#include <streambuf>
#include <vector>

#include "claimant_keys.hpp"
#include "disburse/domain/claim_number.hpp"
#include "disburse/domain/customer_row.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/domain/seen_filter.hpp"
#include "disburse/domain/weighting.hpp"
#include "disburse/pg/imports_repository.hpp"

namespace disburse::app::detail {

namespace {

constexpr std::int64_t progress_every_rows = 4096;
// Echoed records keep this much of each field: enough to find the row, never a 10 MB blob.
constexpr std::size_t max_echoed_field_bytes = 1000;

// Hashes the bytes as the CSV reader pulls them, so that the file is read only once.
class HashingBuffer : public std::streambuf {
 public:
  explicit HashingBuffer(std::istream& source) : source_(source), buffer_(64 * 1024) {}
  std::string sha256_hex() { return hasher_.final_hex(); }
  std::int64_t bytes_read() const { return bytes_read_; }

 protected:
  int_type underflow() override {
    const std::streamsize count =
        pull(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    if (count == 0) return traits_type::eof();
    setg(buffer_.data(), buffer_.data(), buffer_.data() + count);
    return traits_type::to_int_type(buffer_[0]);
  }

  std::streamsize xsgetn(char* destination, std::streamsize count) override {
    std::streamsize copied = 0;
    if (gptr() < egptr()) {
      copied = std::min<std::streamsize>(count, egptr() - gptr());
      std::copy(gptr(), gptr() + copied, destination);
      gbump(static_cast<int>(copied));
    }
    while (copied < count) {
      const std::streamsize pulled = pull(destination + copied, count - copied);
      if (pulled == 0) break;
      copied += pulled;
    }
    return copied;
  }

 private:
  std::streamsize pull(char* destination, std::streamsize count) {
    source_.read(destination, count);
    if (source_.bad()) throw std::ios_base::failure("reading the import file failed");
    const std::streamsize pulled = source_.gcount();
    hasher_.update(std::string_view(destination, static_cast<std::size_t>(pulled)));
    bytes_read_ += pulled;
    return pulled;
  }

  std::istream& source_;
  std::vector<char> buffer_;
  security::Sha256 hasher_;
  std::int64_t bytes_read_ = 0;
};

class RandomClaimNumbers {
 public:
  std::string next() {
    constexpr std::size_t numbers_per_draw = 4096;
    if (offset_ + domain::claim_number_random_bytes > bytes_.size()) {
      bytes_ = security::random_bytes(numbers_per_draw * domain::claim_number_random_bytes);
      offset_ = 0;
    }
    std::string number = domain::make_claim_number(
        std::span(bytes_.data() + offset_, domain::claim_number_random_bytes));
    offset_ += domain::claim_number_random_bytes;
    return number;
  }

 private:
  std::vector<std::uint8_t> bytes_;
  std::size_t offset_ = 0;
};

std::string_view reason_for(formats::CsvError error) {
  switch (error) {
    case formats::CsvError::too_many_fields:
      return domain::to_string(domain::RowResult::extra_columns);
    case formats::CsvError::nul_byte:
      return domain::to_string(domain::RowResult::control_character);
    case formats::CsvError::garbage_after_closing_quote:
      return "malformed_quotes";
    default:
      return formats::to_string(error);
  }
}

std::string mask_account_number(std::string_view number) {
  if (number.size() <= 4) return std::string(number.empty() ? "" : "****");
  return "****" + std::string(number.substr(number.size() - 4));
}

// The record's fields as read, as a JSON array: invalid UTF-8 becomes U+FFFD, long fields are
// cut, and the bank account number keeps only its last four digits, since it is never stored
// in plain text.
std::string raw_record_json(std::span<const std::string> fields, const domain::HeaderMap& header) {
  const auto account_column = header.column_of(domain::CustomerField::account_number);
  nlohmann::json array = nlohmann::json::array();
  for (std::size_t index = 0; index < fields.size(); index++) {
    std::string_view field = fields[index];
    if (account_column && *account_column == index) {
      array.push_back(mask_account_number(field));
      continue;
    }
    array.push_back(std::string(field.substr(0, max_echoed_field_bytes)));
  }
  return array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string header_json(std::span<const std::string> names) {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& name : names) array.push_back(name.substr(0, max_echoed_field_bytes));
  return array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

domain::WeightingRule rule_of(const domain::Program& program) {
  if (program.weighting_rule.empty()) return domain::default_ring_weighting_rule();
  return domain::parse_weighting_rule(program.weighting_rule);
}

domain::HeaderMap read_header(formats::CsvReader& reader, formats::CsvRecord& record,
                              std::string& names_json) {
  if (!reader.next(record)) {
    throw InvalidInput(
        "the file is empty: its first line must be the header "
        "(see docs/import-format.md)");
  }
  if (record.error() == formats::CsvError::too_many_fields) {
    throw InvalidInput("the header has more columns than the limit of " +
                       std::to_string(record.size()));
  }
  if (record.error() == formats::CsvError::nul_byte) {
    // UTF-16 text and spreadsheet files (.xlsx, .xls) hold NUL bytes; UTF-8 CSV never does.
    throw InvalidInput(
        "the file is not UTF-8 CSV text (its first line holds NUL bytes, as UTF-16 text and "
        "spreadsheet files do): save it as \"CSV UTF-8\"");
  }
  if (record.error() == formats::CsvError::invalid_utf8) {
    throw InvalidInput(
        "the header is not UTF-8 text (the file may be UTF-16, Latin-1 or Windows-1252): save it "
        "as \"CSV UTF-8\"");
  }
  if (!record.ok()) {
    throw InvalidInput("the header line cannot be read: " +
                       std::string(formats::to_string(record.error())));
  }
  names_json = header_json(record.fields());
  const domain::HeaderCheck check = domain::check_header(record.fields(), true);
  if (!check.ok()) throw InvalidInput("the header cannot be used: " + check.message());
  return check.map;
}

// Validates each row and stages it, with everything the set-based statements need.
class RowStager {
 public:
  RowStager(pg::ImportStaging& staging, const domain::HeaderMap& header,
            const domain::WeightingRule& rule, const FileProcessing& processing)
      : staging_(staging),
        header_(header),
        secrets_(processing.secrets),
        email_key_secret_(email_key_secret(secrets_)),
        address_key_secret_(secrets_.derive_key("claimants.address_key.v1")),
        fingerprint_secret_(secrets_.derive_key("claimants.record_fingerprint.v1")),
        seen_customer_ids_(processing.options.limits.seen_filter_bytes),
        claim_numbers_(processing.options.claim_numbers) {
    context_.resolve_device_type =
        [&rule](std::string_view name) -> std::optional<std::string_view> {
      const domain::DevicePoints* points = rule.find(name);
      if (points == nullptr) return std::nullopt;
      return std::string_view(points->device_type);
    };
  }

  // Whether any accepted row's customer_id may repeat an earlier one's.
  bool saw_possible_repeats() const { return may_repeat_rows_ > 0; }

  // Stages one data record; returns whether it was rejected.
  bool stage(const formats::CsvRecord& record) {
    if (!record.ok()) {
      reject(record, reason_for(record.error()), field_name_at(record.error_field_index()));
      return true;
    }
    domain::validate_row(header_, record.fields(), context_, check_);
    if (!check_.accepted()) {
      reject(record, domain::to_string(check_.result), check_.field_name());
      return true;
    }
    accept(record);
    return false;
  }

 private:
  std::string_view field_name_at(std::size_t column) const {
    for (std::size_t index = 0; index < domain::customer_field_count; index++) {
      const auto field = static_cast<domain::CustomerField>(index);
      if (header_.column_of(field) == column) return domain::to_string(field);
    }
    return "";
  }

  void reject(const formats::CsvRecord& record, std::string_view reason, std::string_view field) {
    raw_json_ = raw_record_json(record.fields(), header_);
    pg::StagedRow row;
    row.line_number = static_cast<std::int64_t>(record.line_number());
    row.reason = reason;
    row.field = field;
    row.raw_record_json = raw_json_;
    staging_.add(row);
  }

  std::string keyed(const std::string& secret, std::string_view data) const {
    return keyed_claimant_hash(secret, data);
  }

  void accept(const formats::CsvRecord& record) {
    const domain::CustomerRecord& customer = check_.record;
    const bool ach = customer.payment_method == domain::PaymentMethod::ach;
    fingerprint_text_.clear();
    domain::append_record_fingerprint(customer, fingerprint_text_);
    const std::string claim_number = claim_numbers_ ? claim_numbers_() : random_numbers_.next();
    const std::string email_key =
        customer.email.empty() ? "" : claimant_email_key(email_key_secret_, customer.email);
    const std::string address_key = keyed(
        address_key_secret_,
        domain::normalize_address(customer.address1, customer.address2, customer.postal_code));
    const std::string fingerprint = keyed(fingerprint_secret_, fingerprint_text_);
    const std::string routing_sealed = ach ? secrets_.seal_hex(customer.routing_number) : "";
    const std::string account_sealed = ach ? secrets_.seal_hex(customer.account_number) : "";
    // Only a row whose customer_id may repeat an earlier one carries its raw record, for the
    // rejection the database may turn it into.
    const bool may_repeat = seen_customer_ids_.test_and_add(customer.customer_id);
    if (may_repeat) may_repeat_rows_++;
    raw_json_ = may_repeat ? raw_record_json(record.fields(), header_) : "";
    pg::StagedRow row;
    row.line_number = static_cast<std::int64_t>(record.line_number());
    row.raw_record_json = raw_json_;
    row.record = &customer;
    row.claim_number = claim_number;
    row.email_key = email_key;
    row.address_key = address_key;
    row.record_fingerprint = fingerprint;
    row.bank_routing_sealed = routing_sealed;
    row.bank_account_sealed = account_sealed;
    row.portal_zip5 = std::string_view(customer.postal_code).substr(0, 5);
    staging_.add(row);
  }

  pg::ImportStaging& staging_;
  const domain::HeaderMap& header_;
  const security::SecretBox& secrets_;
  const std::string email_key_secret_;
  const std::string address_key_secret_;
  const std::string fingerprint_secret_;
  domain::SeenFilter seen_customer_ids_;
  std::function<std::string()> claim_numbers_;
  RandomClaimNumbers random_numbers_;
  domain::ValidationContext context_;
  domain::RowCheck check_;
  std::string fingerprint_text_;
  std::string raw_json_;
  std::int64_t may_repeat_rows_ = 0;
};

void report_progress(const FileProcessing& processing, std::int64_t rows, std::int64_t bytes,
                     bool rows_staged = false) {
  if (processing.options.progress) {
    processing.options.progress({rows_staged, rows, bytes, processing.size_bytes});
  }
}

}  // namespace

ProcessedFile process_file(pg::Transaction& transaction, std::istream& input,
                           const FileProcessing& processing) {
  const ImportLimits& limits = processing.options.limits;
  HashingBuffer hashing(input);
  std::istream hashed_input(&hashing);
  // Let the source's own failure (a lost database connection, say) through, not a generic one.
  hashed_input.exceptions(std::ios::badbit);
  formats::CsvReader reader(hashed_input, limits.csv);
  formats::CsvRecord record;
  ProcessedFile file;
  const domain::HeaderMap header = read_header(reader, record, file.header_json);
  const domain::WeightingRule rule = rule_of(processing.program);
  pg::ImportStaging staging(transaction);
  RowStager stager(staging, header, rule, processing);
  domain::ImportCounts& counts = file.counts;
  while (reader.next(record)) {
    if (++counts.rows_total > limits.max_rows) {
      throw InvalidInput("the file has more than " + std::to_string(limits.max_rows) +
                         " rows; split it into several imports");
    }
    if (static_cast<std::int64_t>(reader.bytes_consumed()) > limits.max_file_bytes) {
      throw InvalidInput("the file is larger than the limit of " +
                         std::to_string(limits.max_file_bytes) + " bytes");
    }
    if (stager.stage(record)) counts.rows_rejected++;
    if (counts.rows_total % progress_every_rows == 0) {
      report_progress(processing, counts.rows_total,
                      static_cast<std::int64_t>(reader.bytes_consumed()));
    }
  }
  staging.finish();
  file.size_bytes = hashing.bytes_read();
  file.file_sha256 = hashing.sha256_hex();
  report_progress(processing, counts.rows_total, file.size_bytes, true);
  pg::ResolveCallbacks callbacks;
  callbacks.may_repeat_customer_ids = stager.saw_possible_repeats();
  callbacks.seal = [&](std::string_view text) { return processing.secrets.seal_hex(text); };
  callbacks.new_claim_number = [&] {
    return processing.options.claim_numbers ? processing.options.claim_numbers()
                                            : RandomClaimNumbers().next();
  };
  file.counts = pg::resolve_import(transaction, processing.program.id, processing.import_id,
                                   processing.actor_name, counts, callbacks);
  return file;
}

void check_file_head(std::string_view head, const ImportLimits& limits) {
  const std::string copy(head);
  std::istringstream input(copy);
  formats::CsvReader reader(input, limits.csv);
  formats::CsvRecord record;
  std::string names_json;
  read_header(reader, record, names_json);
}

bool program_accepts_imports(const std::string& status) {
  return status == "setup" || status == "distributing";
}

}  // namespace disburse::app::detail
