#pragma once
// The message catalogs of the web pages, in English and Spanish (settlement notices are
// routinely bilingual), and the choice of language: an explicit ?lang= link wins, then the
// language cookie, then Accept-Language, then English.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace disburse::web {

enum class Language { english, spanish };

// "en" or "es".
std::string_view language_code(Language language);
std::optional<Language> parse_language_code(std::string_view code);

// Picks the language from an explicit choice (a ?lang= or form value, then a cookie) and the
// Accept-Language header, honouring its q-values.
Language choose_language(std::optional<std::string_view> explicit_choice,
                         std::optional<std::string_view> cookie_choice,
                         std::string_view accept_language);

// One message. Asserts that the key exists, so that a typo in a key fails every test that
// renders the page.
const std::string& message(Language language, std::string_view key);

// Every message of the language, as the "t" object of a view model.
const nlohmann::json& message_catalog(Language language);

// Replaces each {name} in `text` with its value.
std::string fill(std::string text, const std::map<std::string, std::string>& values);

// "May 22, 2024" or "22 de mayo de 2024" (UTC).
std::string format_date(Language language, std::int64_t epoch_seconds);

}  // namespace disburse::web
