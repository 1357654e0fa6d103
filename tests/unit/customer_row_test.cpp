#include "disburse/domain/customer_row.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "disburse/domain/errors.hpp"
#include "disburse/domain/us_postal.hpp"

namespace domain = disburse::domain;
using domain::CustomerField;
using domain::PaymentMethod;
using domain::RowResult;

namespace {

using Values = std::map<std::string, std::string>;

const std::vector<std::string> device_rule_header = {
    "customer_id",    "first_name",  "last_name",      "email",          "phone",
    "address1",       "address2",    "city",           "state",          "postal_code",
    "country",        "device_type", "account_months", "payment_method", "routing_number",
    "account_number", "account_type"};

const std::vector<std::string> weight_header = {
    "customer_id", "first_name", "last_name", "email",       "phone",   "address1",
    "address2",    "city",       "state",     "postal_code", "country", "weight"};

Values valid_values() {
  return {{"customer_id", "C-000001"},
          {"first_name", "Maria"},
          {"last_name", "Lopez"},
          {"email", "maria.lopez@example.com"},
          {"phone", "(415) 555-0134"},
          {"address1", "123 Main St"},
          {"address2", ""},
          {"city", "San Francisco"},
          {"state", "CA"},
          {"postal_code", "94105"},
          {"country", "US"},
          {"device_type", "Indoor Cam"},
          {"account_months", "26"},
          {"payment_method", ""},
          {"routing_number", ""},
          {"account_number", ""},
          {"account_type", ""},
          {"weight", "78"}};
}

Values with(Values values, const Values& overrides) {
  for (const auto& [name, value] : overrides) values[name] = value;
  return values;
}

std::vector<std::string> fields_for(const std::vector<std::string>& header, const Values& values) {
  std::vector<std::string> fields;
  for (const std::string& name : header) fields.push_back(values.at(name));
  return fields;
}

const domain::ValidationContext& ring_context() {
  static const domain::ValidationContext context{domain::make_device_type_resolver(
      {"Indoor Cam", "Stick Up Cam", "Video Doorbell", "Spotlight Cam", "Floodlight Cam"})};
  return context;
}

domain::RowCheck validate(const Values& overrides,
                          const std::vector<std::string>& header = device_rule_header,
                          bool device_rule = true) {
  const domain::HeaderMap map = domain::map_header(header, device_rule);
  return domain::validate_row(map, fields_for(header, with(valid_values(), overrides)),
                              ring_context());
}

struct RejectionCase {
  Values overrides;
  RowResult result;
  std::string_view field;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Header mapping.

TEST_CASE("a header maps names in any order, any case, with spaces and a byte order mark") {
  const std::vector<std::string> names = {
      "\xEF\xBB\xBF"
      "Account_Months",
      " DEVICE_TYPE ",
      "country",
      "postal_code",
      "state",
      "city",
      "address2",
      "address1",
      "phone",
      "Email",
      "last_name",
      "first_name",
      "customer_id",
      "Routing_Number"};
  const domain::HeaderCheck check = domain::check_header(names, true);
  REQUIRE(check.ok());
  CHECK(check.map.column_count == 14);
  CHECK(check.map.column_of(CustomerField::account_months) == 0u);
  CHECK(check.map.column_of(CustomerField::device_type) == 1u);
  CHECK(check.map.column_of(CustomerField::customer_id) == 12u);
  CHECK(check.map.column_of(CustomerField::routing_number) == 13u);
  CHECK_FALSE(check.map.column_of(CustomerField::weight).has_value());
}

TEST_CASE("a header without required columns names every missing one") {
  const std::vector<std::string> names = {"customer_id", "first_name", "last_name", "address1",
                                          "address2",    "city",       "state",     "postal_code",
                                          "country",     "device_type"};
  const domain::HeaderCheck check = domain::check_header(names, true);
  CHECK_FALSE(check.ok());
  CHECK(check.missing_columns == std::vector<std::string>{"email", "phone", "account_months"});
  CHECK(check.message() == "missing required column(s): email, phone, account_months");
}

TEST_CASE("programs without a device rule require weight instead of device type and months") {
  CHECK(domain::check_header(weight_header, false).ok());
  const domain::HeaderCheck with_device_rule = domain::check_header(weight_header, true);
  CHECK(with_device_rule.missing_columns ==
        std::vector<std::string>{"device_type", "account_months"});
  std::vector<std::string> without_weight(weight_header.begin(), weight_header.end() - 1);
  CHECK(domain::check_header(without_weight, false).missing_columns ==
        std::vector<std::string>{"weight"});
  CHECK(domain::check_header(device_rule_header, false).missing_columns ==
        std::vector<std::string>{"weight"});
}

TEST_CASE("duplicate and unknown header columns reject the file with a clear message") {
  std::vector<std::string> names = device_rule_header;
  names.push_back("CUSTOMER_ID");
  names.push_back("acount_type");
  names.push_back("");
  const domain::HeaderCheck check = domain::check_header(names, true);
  CHECK(check.duplicate_columns == std::vector<std::string>{"customer_id"});
  CHECK(check.unknown_columns == std::vector<std::string>{"acount_type", ""});
  CHECK(check.message() ==
        "unknown column(s): \"acount_type\", \"\"; duplicate column(s): customer_id");
  try {
    domain::map_header(names, true);
    FAIL("expected InvalidInput");
  } catch (const disburse::InvalidInput& error) {
    CHECK(std::string(error.what()) ==
          "CSV header: unknown column(s): \"acount_type\", \"\"; duplicate column(s): customer_id");
  }
}

TEST_CASE("a hostile header produces a short, printable message") {
  std::vector<std::string> names = device_rule_header;
  for (int index = 0; index < 1'000; index++) names.push_back("extra" + std::to_string(index));
  names.push_back(std::string(10'000'000, 'x'));
  names.push_back(std::string("bad\x00\xFF", 5));
  const domain::HeaderCheck check = domain::check_header(names, true);
  const std::string message = check.message();
  CHECK(message.size() < 300);
  CHECK(message.find("and 992 more") != std::string::npos);
  CHECK(check.unknown_columns[1'000] == std::string(40, 'x') + "…");
  CHECK(check.unknown_columns[1'001] == "bad??");
}

TEST_CASE("an empty header misses every required column") {
  const domain::HeaderCheck check = domain::check_header(std::vector<std::string>{}, true);
  CHECK(check.missing_columns.size() == 13);
  CHECK_THROWS_AS(domain::map_header(std::vector<std::string>{}, true), disburse::InvalidInput);
}

// ---------------------------------------------------------------------------------------------
// Row validation: every reason code with accepted and rejected examples.

TEST_CASE("a clean row is accepted and normalised") {
  const domain::RowCheck check = validate({{"first_name", "  Mary   Ann "},
                                           {"email", " Maria.Lopez+ring@Example.COM "},
                                           {"address1", "123  Main St\r\nBuilding 2"},
                                           {"state", "ca"},
                                           {"postal_code", "941051234"},
                                           {"country", ""},
                                           {"device_type", "indoor CAM"}});
  REQUIRE(check.accepted());
  CHECK(check.field_name().empty());
  const domain::CustomerRecord& record = check.record;
  CHECK(record.customer_id == "C-000001");
  CHECK(record.first_name == "Mary Ann");
  CHECK(record.email == "Maria.Lopez+ring@example.com");
  CHECK(record.address1 == "123 Main St Building 2");
  CHECK(record.address2.empty());
  CHECK(record.state == "CA");
  CHECK(record.postal_code == "94105-1234");
  CHECK(record.country == "US");
  CHECK(record.device_type == "Indoor Cam");
  CHECK(record.account_months == 26);
  CHECK_FALSE(record.weight.has_value());
  CHECK(record.payment_method == PaymentMethod::paypal);
  CHECK(record.routing_number.empty());
  CHECK_FALSE(record.account_type.has_value());
}

TEST_CASE("a row with fewer or more fields than the header is rejected as a whole") {
  const domain::HeaderMap map = domain::map_header(device_rule_header, true);
  std::vector<std::string> fields = fields_for(device_rule_header, valid_values());
  std::vector<std::string> shorter(fields.begin(), fields.end() - 1);
  std::vector<std::string> longer = fields;
  longer.emplace_back("");
  const domain::RowCheck short_check = domain::validate_row(map, shorter, ring_context());
  CHECK(short_check.result == RowResult::missing_columns);
  CHECK_FALSE(short_check.field.has_value());
  CHECK(domain::validate_row(map, longer, ring_context()).result == RowResult::extra_columns);
  CHECK(domain::validate_row(map, std::vector<std::string>{}, ring_context()).result ==
        RowResult::missing_columns);
  CHECK(domain::validate_row(map, fields, ring_context()).accepted());
}

TEST_CASE("rows are rejected with the reason code and the field at fault") {
  const std::string ten_megabytes(10'000'000, 'a');
  const RejectionCase cases[] = {
      {{{"customer_id", ""}}, RowResult::empty_required_field, "customer_id"},
      {{{"first_name", "   "}}, RowResult::empty_required_field, "first_name"},
      {{{"last_name", ""}}, RowResult::empty_required_field, "last_name"},
      {{{"address1", ""}}, RowResult::empty_required_field, "address1"},
      {{{"city", "\t"}}, RowResult::empty_required_field, "city"},
      {{{"state", ""}}, RowResult::empty_required_field, "state"},
      {{{"postal_code", ""}}, RowResult::empty_required_field, "postal_code"},
      {{{"device_type", ""}}, RowResult::empty_required_field, "device_type"},
      {{{"account_months", ""}}, RowResult::empty_required_field, "account_months"},
      {{{"last_name", "Jos\xE9"}}, RowResult::invalid_utf8, "last_name"},
      {{{"city", "Ol\xC3"}}, RowResult::invalid_utf8, "city"},
      {{{"address2", "\xED\xA0\x80"}}, RowResult::invalid_utf8, "address2"},
      {{{"first_name", std::string("Ma\0ria", 6)}}, RowResult::control_character, "first_name"},
      {{{"address1", "1 Main\x1B[2J"}}, RowResult::control_character, "address1"},
      {{{"city", "Caf\xC2\x85"}}, RowResult::control_character, "city"},
      {{{"phone", "555\x7F"}}, RowResult::control_character, "phone"},
      {{{"first_name", ten_megabytes}}, RowResult::field_too_long, "first_name"},
      {{{"customer_id", std::string(65, '7')}}, RowResult::field_too_long, "customer_id"},
      {{{"email", "maria.example.com"}}, RowResult::invalid_email, "email"},
      {{{"email", "maria@example"}}, RowResult::invalid_email, "email"},
      {{{"email", "maria lopez@example.com"}}, RowResult::invalid_email, "email"},
      {{{"email", "maria@@example.com"}}, RowResult::invalid_email, "email"},
      {{{"email", "a@b@example.com"}}, RowResult::invalid_email, "email"},
      {{{"email", "@example.com"}}, RowResult::invalid_email, "email"},
      {{{"email", ".maria@example.com"}}, RowResult::invalid_email, "email"},
      {{{"email", "maria..lopez@example.com"}}, RowResult::invalid_email, "email"},
      {{{"email", "maria@example..com"}}, RowResult::invalid_email, "email"},
      {{{"email", "maria@-example.com"}}, RowResult::invalid_email, "email"},
      {{{"email", "maria@example.c"}}, RowResult::invalid_email, "email"},
      {{{"email", "maria@1.2.3.4"}}, RowResult::invalid_email, "email"},
      {{{"email", "<script>@example.com"}}, RowResult::invalid_email, "email"},
      {{{"email", std::string(65, 'm') + "@example.com"}}, RowResult::invalid_email, "email"},
      {{{"state", "ZZ"}}, RowResult::invalid_state, "state"},
      {{{"state", "C"}}, RowResult::invalid_state, "state"},
      {{{"state", "Californa"}}, RowResult::invalid_state, "state"},
      {{{"state", "UM"}}, RowResult::invalid_state, "state"},
      {{{"postal_code", "9410"}}, RowResult::invalid_postal_code, "postal_code"},
      {{{"postal_code", "941051"}}, RowResult::invalid_postal_code, "postal_code"},
      {{{"postal_code", "94105-12"}}, RowResult::invalid_postal_code, "postal_code"},
      {{{"postal_code", "9410A"}}, RowResult::invalid_postal_code, "postal_code"},
      {{{"postal_code", "94105_1234"}}, RowResult::invalid_postal_code, "postal_code"},
      {{{"postal_code", "K1A 0B1"}}, RowResult::invalid_postal_code, "postal_code"},
      {{{"country", "Canada"}}, RowResult::invalid_country, "country"},
      {{{"country", "MX"}}, RowResult::invalid_country, "country"},
      {{{"device_type", "Echo Dot"}}, RowResult::unknown_device_type, "device_type"},
      {{{"device_type", "IndoorCam"}}, RowResult::unknown_device_type, "device_type"},
      {{{"account_months", "-3"}}, RowResult::invalid_account_months, "account_months"},
      {{{"account_months", "12.5"}}, RowResult::invalid_account_months, "account_months"},
      {{{"account_months", "twelve"}}, RowResult::invalid_account_months, "account_months"},
      {{{"account_months", "1201"}}, RowResult::invalid_account_months, "account_months"},
      {{{"account_months", "+12"}}, RowResult::invalid_account_months, "account_months"},
      {{{"account_months", "99999999999999"}}, RowResult::invalid_account_months, "account_months"},
      {{{"payment_method", "venmo"}}, RowResult::invalid_payment_method, "payment_method"},
      {{{"payment_method", "pay pal"}}, RowResult::invalid_payment_method, "payment_method"},
      {{{"payment_method", "paypal"}, {"email", ""}}, RowResult::missing_payment_details, "email"},
      {{{"payment_method", "ach"}}, RowResult::missing_payment_details, "routing_number"},
      {{{"payment_method", "ach"}, {"routing_number", "011000015"}},
       RowResult::missing_payment_details,
       "account_number"},
      {{{"payment_method", "ach"}, {"routing_number", "011000015"}, {"account_number", "12345678"}},
       RowResult::missing_payment_details,
       "account_type"},
      {{{"payment_method", "ach"},
        {"routing_number", "011000016"},
        {"account_number", "12345678"},
        {"account_type", "checking"}},
       RowResult::invalid_routing_number,
       "routing_number"},
      {{{"payment_method", "ach"},
        {"routing_number", "01100001"},
        {"account_number", "12345678"},
        {"account_type", "checking"}},
       RowResult::invalid_routing_number,
       "routing_number"},
      {{{"payment_method", "ach"},
        {"routing_number", "011000015"},
        {"account_number", "123"},
        {"account_type", "checking"}},
       RowResult::invalid_account_number,
       "account_number"},
      {{{"payment_method", "ach"},
        {"routing_number", "011000015"},
        {"account_number", "123456789012345678"},
        {"account_type", "checking"}},
       RowResult::invalid_account_number,
       "account_number"},
      {{{"payment_method", "ach"},
        {"routing_number", "011000015"},
        {"account_number", "1234-5678"},
        {"account_type", "checking"}},
       RowResult::invalid_account_number,
       "account_number"},
      {{{"payment_method", "ach"},
        {"routing_number", "011000015"},
        {"account_number", "12345678"},
        {"account_type", "money market"}},
       RowResult::invalid_account_type,
       "account_type"},
  };
  std::set<RowResult> covered;
  for (const RejectionCase& rejection : cases) {
    CAPTURE(domain::to_string(rejection.result));
    CAPTURE(rejection.field);
    const domain::RowCheck check = validate(rejection.overrides);
    CHECK(check.result == rejection.result);
    CHECK(check.field_name() == rejection.field);
    covered.insert(rejection.result);
  }
  // Every field-level code is in the table; the others have tests of their own (row shape,
  // weights) or belong to the importer (duplicate_customer_id).
  const std::set<RowResult> elsewhere = {RowResult::accepted, RowResult::missing_columns,
                                         RowResult::extra_columns, RowResult::invalid_weight,
                                         RowResult::duplicate_customer_id};
  for (int code = 0; code <= static_cast<int>(RowResult::duplicate_customer_id); code++) {
    const auto result = static_cast<RowResult>(code);
    CAPTURE(domain::to_string(result));
    CHECK(covered.contains(result) != elsewhere.contains(result));
  }
}

TEST_CASE("imported weights must be whole numbers from 1 to the limit") {
  for (const std::string_view weight : {"0", "-1", "1.5", "1e3", "1200000001", "x"}) {
    CAPTURE(weight);
    const domain::RowCheck check =
        validate({{"weight", std::string(weight)}}, weight_header, false);
    CHECK(check.result == RowResult::invalid_weight);
    CHECK(check.field == CustomerField::weight);
  }
  CHECK(validate({{"weight", ""}}, weight_header, false).result == RowResult::empty_required_field);
  for (const std::string_view weight : {"1", "0078", "1200000000"}) {
    CAPTURE(weight);
    const domain::RowCheck check =
        validate({{"weight", std::string(weight)}}, weight_header, false);
    REQUIRE(check.accepted());
    CHECK(check.record.weight > 0u);
    CHECK_FALSE(check.record.account_months.has_value());
    CHECK(check.record.device_type.empty());
  }
}

TEST_CASE("valid values of every checked field are accepted") {
  const Values accepted[] = {
      {{"email", "maria+ring@example.com"}},
      {{"email", "o'brien@example.co.uk"}},
      {{"email", "x_y-z.w@sub.example-domain.org"}},
      {{"email", "josé@correo.es"}},
      {{"email", ""}},
      {{"state", "District of Columbia"}},
      {{"state", " ny "}},
      {{"postal_code", "02134"}},
      {{"postal_code", "94105-1234"}},
      {{"postal_code", "94105 1234"}},
      {{"country", "usa"}},
      {{"country", "United States of America"}},
      {{"country", "U.S."}},
      {{"device_type", "FLOODLIGHT CAM"}},
      {{"account_months", "0"}},
      {{"account_months", "1200"}},
      {{"account_months", "007"}},
      {{"payment_method", "PayPal"}},
      {{"payment_method", "CHECK"}, {"email", ""}},
      {{"address2", "Apt 4"}},
      {{"phone", ""}},
  };
  for (const Values& overrides : accepted) {
    CAPTURE(overrides.begin()->second);
    CHECK(validate(overrides).accepted());
  }
}

TEST_CASE("the District of Columbia, territories, freely associated states and APO codes pass") {
  for (const std::string_view state :
       {"DC", "PR", "GU", "VI", "AS", "MP", "FM", "MH", "PW", "AA", "AE", "AP", "pr", "Puerto Rico",
        "guam", "U.S. Virgin Islands"}) {
    CAPTURE(state);
    const domain::RowCheck check = validate({{"state", std::string(state)}});
    REQUIRE(check.accepted());
    CHECK(check.record.state.size() == 2);
  }
  CHECK(domain::us_jurisdictions().size() == 62);
  CHECK(domain::find_us_jurisdiction("ZZ") == nullptr);
  CHECK(domain::find_us_jurisdiction("") == nullptr);
  CHECK(domain::find_us_jurisdiction("District of Columbia")->code == "DC");
}

TEST_CASE("ZIP codes normalise to five digits or ZIP+4") {
  std::string normalized;
  const std::pair<std::string_view, std::string_view> valid[] = {
      {"94105", "94105"},           {"00501", "00501"},           {"941051234", "94105-1234"},
      {"94105-1234", "94105-1234"}, {"94105 1234", "94105-1234"},
  };
  for (const auto& [input, expected] : valid) {
    CAPTURE(input);
    REQUIRE(domain::normalize_us_postal_code(input, normalized));
    CHECK(normalized == expected);
    CHECK(domain::zip5_of(normalized) == expected.substr(0, 5));
  }
  for (const std::string_view input : {"", "9410", "941051", "94105-", "94105-123", "94105--1234",
                                       "9410512345", "ABCDE", "94105+1234", " 94105"}) {
    CAPTURE(input);
    CHECK_FALSE(domain::normalize_us_postal_code(input, normalized));
    CHECK(normalized.empty());
  }
}

TEST_CASE("payment methods default to PayPal with an email and to check without") {
  const domain::RowCheck with_email = validate({});
  CHECK(with_email.record.payment_method == PaymentMethod::paypal);
  const domain::RowCheck without_email = validate({{"email", ""}});
  REQUIRE(without_email.accepted());
  CHECK(without_email.record.payment_method == PaymentMethod::check);
  const domain::RowCheck chosen_check = validate({{"payment_method", "check"}});
  CHECK(chosen_check.record.payment_method == PaymentMethod::check);
  CHECK(chosen_check.record.email == "maria.lopez@example.com");
}

TEST_CASE("ACH rows keep validated bank data and other rows drop it") {
  const Values bank = {{"routing_number", "011000015"},
                       {"account_number", "000123456789"},
                       {"account_type", "Savings"}};
  domain::RowCheck ach = validate(with(bank, {{"payment_method", "ACH"}}));
  REQUIRE(ach.accepted());
  CHECK(ach.record.payment_method == PaymentMethod::ach);
  CHECK(ach.record.routing_number == "011000015");
  CHECK(ach.record.account_number == "000123456789");
  CHECK(ach.record.account_type == domain::BankAccountType::savings);
  const domain::RowCheck paypal = validate(with(bank, {{"routing_number", "123"}}));
  REQUIRE(paypal.accepted());
  CHECK(paypal.record.payment_method == PaymentMethod::paypal);
  CHECK(paypal.record.routing_number.empty());
  CHECK(paypal.record.account_number.empty());
  CHECK_FALSE(paypal.record.account_type.has_value());
}

TEST_CASE("routing numbers need nine digits, a Federal Reserve prefix and the ABA checksum") {
  for (const std::string_view valid : {"011000015", "021000021", "121000358", "026009593",
                                       "322271627", "111000025", "051000017", "800000006"}) {
    CAPTURE(valid);
    CHECK(domain::is_valid_routing_number(valid));
  }
  for (const std::string_view invalid :
       {"011000016", "000000000", "150000002", "130000006", "990000000", "01100001", "0110000150",
        "01100001X", " 11000015", ""}) {
    CAPTURE(invalid);
    CHECK_FALSE(domain::is_valid_routing_number(invalid));
  }
}

TEST_CASE("every single-digit change of a valid routing number breaks its checksum") {
  std::size_t undetected = 0;
  for (const std::string_view valid : {"011000015", "021000021", "121000358", "322271627"}) {
    for (std::size_t position = 0; position < valid.size(); position++) {
      for (char digit = '0'; digit <= '9'; digit++) {
        if (digit == valid[position]) continue;
        std::string changed(valid);
        changed[position] = digit;
        if (domain::is_valid_routing_number(changed)) undetected++;
      }
    }
  }
  CHECK(undetected == 0);
}

TEST_CASE("text that looks like SQL, HTML or a formula is simply data") {
  for (const std::string_view name :
       {"'; DROP TABLE claimants;--", "<script>alert(1)</script>", "=HYPERLINK(\"http://x\")",
        "Robert'); DELETE FROM payments; --", "O'Brien", "\"quoted\""}) {
    CAPTURE(name);
    const domain::RowCheck check =
        validate({{"first_name", std::string(name)}, {"address2", std::string(name)}});
    REQUIRE(check.accepted());
    CHECK(check.record.first_name == name);
    CHECK(check.record.address2 == name);
  }
}

TEST_CASE("length limits are counted in code points after trimming and collapsing") {
  for (std::size_t index = 0; index < domain::customer_field_count; index++) {
    const domain::CustomerFieldSpec& spec = domain::customer_field_specs[index];
    CHECK(spec.max_length_code_points > 0);
    CHECK(domain::to_string(static_cast<CustomerField>(index)) == spec.column_name);
  }
  std::string hundred_enye;
  for (int index = 0; index < 100; index++) hundred_enye += "ñ";
  CHECK(validate({{"first_name", hundred_enye}}).accepted());
  CHECK(validate({{"first_name", hundred_enye + "a"}}).result == RowResult::field_too_long);
  CHECK(validate({{"first_name", "  " + std::string(100, 'a') + "  "}}).accepted());
  CHECK(validate({{"first_name", std::string(50, 'a') + "      " + std::string(49, 'a')}})
            .accepted());
  CHECK(validate({{"customer_id", std::string(64, '7')}}).accepted());
  CHECK(validate({{"address1", std::string(200, 'a')}}).accepted());
  CHECK(validate({{"address1", std::string(201, 'a')}}).result == RowResult::field_too_long);
  CHECK(validate({{"city", std::string(101, 'a')}}).result == RowResult::field_too_long);
  CHECK(validate({{"phone", std::string(33, '5')}}).result == RowResult::field_too_long);
  const std::string local_part(64, 'm');
  const std::string labels = std::string(63, 'e') + "." + std::string(63, 'e') + ".";
  const std::string longest_email = local_part + "@" + labels + std::string(57, 'e') + ".com";
  CHECK(longest_email.size() == 254);
  CHECK(validate({{"email", longest_email}}).accepted());
  CHECK(validate({{"email", local_part + "@" + labels + std::string(58, 'e') + ".com"}}).result ==
        RowResult::field_too_long);
}

TEST_CASE("a reused RowCheck carries nothing over from the previous row") {
  const domain::HeaderMap map = domain::map_header(device_rule_header, true);
  domain::RowCheck reused;
  const Values ach = {{"payment_method", "ach"},
                      {"routing_number", "011000015"},
                      {"account_number", "12345678"},
                      {"account_type", "checking"},
                      {"address2", "Apt 4"}};
  domain::validate_row(map, fields_for(device_rule_header, with(valid_values(), ach)),
                       ring_context(), reused);
  REQUIRE(reused.accepted());
  domain::validate_row(map, fields_for(device_rule_header, with(valid_values(), {{"state", "ZZ"}})),
                       ring_context(), reused);
  CHECK(reused.result == RowResult::invalid_state);
  domain::validate_row(map, fields_for(device_rule_header, valid_values()), ring_context(), reused);
  REQUIRE(reused.accepted());
  const domain::RowCheck fresh = validate({});
  CHECK(domain::record_fingerprint(reused.record) == domain::record_fingerprint(fresh.record));
  CHECK_FALSE(reused.field.has_value());
}

// ---------------------------------------------------------------------------------------------
// Fingerprint.

TEST_CASE("the fingerprint is equal for equal data and differs when any field differs") {
  const domain::CustomerRecord base = validate({}).record;
  CHECK(domain::record_fingerprint(base) == domain::record_fingerprint(validate({}).record));
  CHECK(domain::record_fingerprint(base) ==
        domain::record_fingerprint(validate({{"state", "ca"}, {"first_name", " Maria "}}).record));
  const Values changes[] = {
      {{"customer_id", "C-000002"}},
      {{"first_name", "Mario"}},
      {{"last_name", "Lopes"}},
      {{"email", "maria@example.com"}},
      {{"phone", "555-0199"}},
      {{"address1", "124 Main St"}},
      {{"address2", "Apt 1"}},
      {{"city", "Oakland"}},
      {{"state", "NV"}},
      {{"postal_code", "94105-0001"}},
      {{"device_type", "Video Doorbell"}},
      {{"account_months", "27"}},
      {{"payment_method", "check"}},
  };
  for (const Values& change : changes) {
    CAPTURE(change.begin()->first);
    const domain::RowCheck changed = validate(change);
    REQUIRE(changed.accepted());
    CHECK(domain::record_fingerprint(changed.record) != domain::record_fingerprint(base));
  }
  domain::CustomerRecord shifted = base;
  shifted.first_name = "Mari";
  shifted.last_name = "aLopez";
  CHECK(domain::record_fingerprint(shifted) != domain::record_fingerprint(base));
  domain::CustomerRecord weighted = base;
  weighted.weight = 78;
  CHECK(domain::record_fingerprint(weighted) != domain::record_fingerprint(base));
  domain::CustomerRecord banked = base;
  banked.account_number = "12345678";
  CHECK(domain::record_fingerprint(banked) != domain::record_fingerprint(base));
}

TEST_CASE("the fingerprint is a stable, versioned serialisation") {
  const std::string fingerprint = domain::record_fingerprint(validate({}).record);
  CHECK(
      fingerprint.starts_with("customer_record.v1\ncustomer_id=8:C-000001\nfirst_name=5:Maria\n"));
  CHECK(fingerprint.find("\naccount_months=2:26\nweight=0:\npayment_method=6:paypal\n") !=
        std::string::npos);
  CHECK(fingerprint.ends_with("account_type=0:\n"));
}

// ---------------------------------------------------------------------------------------------
// Duplicate-signal keys.

TEST_CASE("emails normalise to one key per mailbox") {
  const std::pair<std::string_view, std::string_view> examples[] = {
      {"Maria.Lopez@Example.com", "maria.lopez@example.com"},
      {"maria.lopez+ring@example.com", "maria.lopez@example.com"},
      {"M.a.r.i.a+refund@gmail.com", "maria@gmail.com"},
      {"maria@googlemail.com", "maria@gmail.com"},
      {" MARIA@GMAIL.COM ", "maria@gmail.com"},
      {"+tag@example.com", "+tag@example.com"},
      {"no-at-sign", "no-at-sign"},
      {"", ""},
  };
  for (const auto& [input, expected] : examples) {
    CAPTURE(input);
    CHECK(domain::normalize_email(input) == expected);
  }
}

TEST_CASE("addresses normalise with USPS abbreviations and the five-digit ZIP") {
  struct Example {
    std::string_view address1;
    std::string_view address2;
    std::string_view postal_code;
    std::string_view key;
  };
  const Example examples[] = {
      {"123 North Main Street", "Apt. #4", "94105-1234", "123 N MAIN ST APT 4 94105"},
      {"123 N. Main St.", "#4", "94105", "123 N MAIN ST APT 4 94105"},
      {"123 n main st", "Unit 4", "94105", "123 N MAIN ST APT 4 94105"},
      {"123  N Main  St,", "Apartment 4", "941051234", "123 N MAIN ST APT 4 94105"},
      {"1 Fifth Avenue", "", "10003", "1 5TH AVE 10003"},
      {"9 Sunset Boulevard", "Suite 200", "90028", "9 SUNSET BLVD STE 200 90028"},
      {"4 Elm Road", "", "02134", "4 ELM RD 02134"},
      {"77 Oak Drive", "", "73301", "77 OAK DR 73301"},
      {"5 Pine Lane", "", "10001", "5 PINE LN 10001"},
      {"8 Court Court", "", "10001", "8 CT CT 10001"},
      {"200 South West Parkway", "", "10001", "200 S W PKWY 10001"},
      {"P.O. Box 123", "", "99501", "PO BOX 123 99501"},
      {"Post Office Box 123", "", "99501", "PO BOX 123 99501"},
      {"12 P Street NW", "", "20001", "12 P ST NW 20001"},
      {"1 Calle Ñandú", "", "00901", "1 CALLE ÑANDú 00901"},
      {"", "", "94105", ""},
  };
  for (const Example& example : examples) {
    CAPTURE(example.address1);
    CHECK(domain::normalize_address(example.address1, example.address2, example.postal_code) ==
          example.key);
  }
}

TEST_CASE("reason codes and methods have stable snake_case names and sentences") {
  CHECK(domain::to_string(RowResult::accepted) == "accepted");
  CHECK(domain::to_string(RowResult::missing_columns) == "missing_columns");
  CHECK(domain::to_string(RowResult::invalid_routing_number) == "invalid_routing_number");
  CHECK(domain::to_string(RowResult::duplicate_customer_id) == "duplicate_customer_id");
  CHECK(domain::to_string(PaymentMethod::paypal) == "paypal");
  CHECK(domain::to_string(domain::BankAccountType::checking) == "checking");
  for (int code = 0; code <= static_cast<int>(RowResult::duplicate_customer_id); code++) {
    const auto result = static_cast<RowResult>(code);
    const std::string_view name = domain::to_string(result);
    CAPTURE(name);
    CHECK_FALSE(name.empty());
    CHECK(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_0123456789") == std::string::npos);
    CHECK(domain::describe(result).ends_with("."));
  }
}

TEST_CASE("a corrected mailing address is held to the customer-row rules and normalised like one") {
  const domain::AddressCheck good =
      domain::validate_mailing_address({"  12  Oak   Ave ", "", "Austin", "tx", "78701-1234"});
  REQUIRE(good.accepted());
  CHECK(good.address.address1 == "12 Oak Ave");
  CHECK(good.address.state == "TX");
  CHECK(good.address.postal_code == "78701-1234");
  CHECK(
      domain::validate_mailing_address({"12 Oak Ave", "", "Austin", "Texas", "78701"}).accepted());
  const domain::AddressCheck no_street =
      domain::validate_mailing_address({"  ", "", "Austin", "TX", "78701"});
  CHECK(no_street.result == RowResult::empty_required_field);
  CHECK(no_street.field == CustomerField::address1);
  CHECK(domain::validate_mailing_address({"1 A St", "", "Austin", "ZZ", "78701"}).result ==
        RowResult::invalid_state);
  CHECK(domain::validate_mailing_address({"1 A St", "", "Austin", "TX", "7870"}).result ==
        RowResult::invalid_postal_code);
  CHECK(domain::validate_mailing_address({"1 A\x01St", "", "Austin", "TX", "78701"}).result ==
        RowResult::control_character);
  CHECK(domain::validate_mailing_address({std::string(201, 'a'), "", "Austin", "TX", "78701"})
            .result == RowResult::field_too_long);
}
