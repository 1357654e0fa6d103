#pragma once
// Claim numbers: what a customer reads off a notice and types into the status portal, for
// example "K7QM-3XHD-9PB".
//
// Design:
// - Alphabet of 31 symbols: Crockford's base32 ("0-9" and the letters without I, L, O, U) minus
//   the letter S. Every group of characters people confuse has exactly one member in it:
//   0 = O, 1 = I = L, 5 = S, V = U. Typed input is mapped onto it, case-insensitively, so either
//   reading of a printed character is correct.
// - Ten random body symbols: 31^10 ≈ 2^49.5 numbers. With 117,044 claimants a guess hits some
//   claim about once in 7 billion tries, and the portal also needs the ZIP code and rate-limits.
//   The body is random, never sequential, so one number tells nothing about another.
// - One check symbol, a weighted sum modulo the prime 31 with weights 11..1 (the check symbol
//   has weight 1): sum(weight × value) ≡ 0 (mod 31). Because 31 is prime and the eleven weights
//   are distinct and non-zero modulo 31, every single substitution and every transposition of two
//   symbols, adjacent or not, changes the sum, so the portal catches those typos before any
//   database lookup.
// - The canonical form groups the 11 symbols 4-4-3 with hyphens and is what is stored.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace disburse::domain {

inline constexpr std::string_view claim_number_alphabet = "0123456789ABCDEFGHJKMNPQRTVWXYZ";
inline constexpr std::size_t claim_number_body_symbols = 10;
inline constexpr std::size_t claim_number_symbols = claim_number_body_symbols + 1;
// "XXXX-XXXX-XXX".
inline constexpr std::size_t claim_number_canonical_length = claim_number_symbols + 2;
// The caller passes this many bytes from a cryptographic source (libsodium randombytes_buf).
inline constexpr std::size_t claim_number_random_bytes = 8;

// Builds a claim number from the first claim_number_random_bytes bytes, read as a big-endian
// integer reduced modulo 31^10. The reduction makes some bodies more likely than others by at
// most 31^10 / 2^64 < 0.005%, which gives a guesser nothing. Asserts that enough bytes are given.
// Uniqueness is the caller's job: the database's unique index rejects the rare collision and the
// caller draws again.
std::string make_claim_number(std::span<const std::uint8_t> random_bytes);

enum class ClaimNumberCheck { ok, wrong_length, invalid_character, check_failed };

// "ok", "wrong_length", "invalid_character", "check_failed".
std::string_view to_string(ClaimNumberCheck result);

// Checks what a person typed. Letters are case-insensitive; ASCII spaces, tabs, hyphens, no-break
// spaces and the Unicode dashes that word processors put in notices are ignored; O, I, L, S and U
// are read as 0, 1, 1, 5 and V. On `ok`, `canonical_out` receives the canonical form; otherwise
// it is cleared. An invalid character is reported before a wrong length.
ClaimNumberCheck check_claim_number(std::string_view input, std::string& canonical_out);

enum class MessageLanguage { english, spanish };

// One plain sentence for the portal, telling the customer what to do. Empty for `ok`.
std::string_view claim_number_message(ClaimNumberCheck result, MessageLanguage language);

}  // namespace disburse::domain
