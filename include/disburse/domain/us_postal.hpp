#pragma once
// US postal geography: the state and territory codes that the USPS delivers to, and the checks
// of ZIP codes.
//
// The table covers the 50 states, the District of Columbia, the five inhabited territories
// (AS, GU, MP, PR, VI), the freely associated states served by the USPS (FM, MH, PW) and the
// Armed Forces codes of military mail (AA, AE, AP). Customers at all of them are US customers of
// an eligible-customer list, so all of them are accepted.
//
// ZIP codes are checked for form only, not against the state. A ZIP-prefix table would catch a
// swapped field, but it must track USPS changes to avoid rejecting real customers, and a
// rejected eligible customer costs more than an unflagged typo, which the address update step
// of the program (step 4) corrects anyway.

#include <span>
#include <string>
#include <string_view>

namespace disburse::domain {

enum class UsJurisdictionKind {
  state,
  federal_district,
  territory,
  freely_associated_state,
  armed_forces
};

struct UsJurisdiction {
  std::string_view code;  // The two-letter USPS code, upper case: "CA".
  std::string_view name;  // "California".
  UsJurisdictionKind kind;
};

// Every jurisdiction, ordered by code.
std::span<const UsJurisdiction> us_jurisdictions();

// Finds a jurisdiction by its USPS code or its full name, ignoring ASCII case ("ca",
// "California", "district of columbia"). Returns nullptr when there is none.
const UsJurisdiction* find_us_jurisdiction(std::string_view code_or_name);

// Normalises a ZIP code to "12345" or "12345-6789". Accepts five digits, nine digits, and five
// plus four digits separated by a hyphen or a space. Returns false (and clears `out`) for anything
// else, including four-digit codes that lost a leading zero in a spreadsheet: guessing the zero
// back would be right for New England and wrong for a typo.
bool normalize_us_postal_code(std::string_view text, std::string& out);

// The five-digit part of a normalised ZIP code.
std::string_view zip5_of(std::string_view normalized_postal_code);

}  // namespace disburse::domain
