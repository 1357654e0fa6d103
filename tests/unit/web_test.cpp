#include <doctest/doctest.h>

#include <regex>

#include "disburse/embedded_files.hpp"
#include "disburse/web/messages.hpp"
#include "disburse/web/render.hpp"

using namespace disburse;
using namespace disburse::web;

TEST_CASE("HTML escaping covers element text and quoted attributes") {
  CHECK(html_escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;&#47;script&gt;");
  CHECK(html_escape("\"a\" & 'b' `c` d=e") == "&quot;a&quot; &amp; &#39;b&#39; &#96;c&#96; d&#61;e");
  CHECK(html_escape("Ñuñez") == "Ñuñez");
}

TEST_CASE("a page renders inside the layout and escapes every value of the view model") {
  nlohmann::json view = {{"lang", "en"},
                         {"t", message_catalog(Language::english)},
                         {"title", "<b>title</b>"},
                         {"csrf_token", "abc"},
                         {"other_language", {{"code", "es"}, {"label", "Español"}, {"href", "/?lang=es"}}},
                         {"language_form", nullptr},
                         {"message", "<img src=x onerror=alert(1)>"}};
  const std::string html = render_page("error", view);
  CHECK(html.starts_with("<!DOCTYPE html>"));
  CHECK(html.find("<html lang=\"en\">") != std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("&lt;img src&#61;x onerror&#61;alert(1)&gt;") != std::string::npos);
  CHECK(html.find("&lt;b&gt;title") != std::string::npos);
  CHECK(html.find("We could not complete your request") != std::string::npos);
}

TEST_CASE("every message a template uses exists in English and Spanish, and no template uses triple mustaches") {
  const std::regex key_pattern(R"(\{\{t\.([a-z0-9_]+)\}\})");
  for (const auto& file : embedded_files()) {
    if (!file.path.ends_with(".mustache")) continue;
    CAPTURE(file.path);
    CHECK(file.content.find("{{{") == std::string::npos);
    CHECK(file.content.find("{{&") == std::string::npos);
    for (auto match = std::sregex_iterator(file.content.begin(), file.content.end(), key_pattern);
         match != std::sregex_iterator(); ++match) {
      const std::string key = (*match)[1];
      CAPTURE(key);
      CHECK(message_catalog(Language::english).contains(key));
      CHECK(message_catalog(Language::spanish).contains(key));
    }
  }
  CHECK(message_catalog(Language::english).size() == message_catalog(Language::spanish).size());
}

TEST_CASE("the language is the explicit choice, then the cookie, then the best Accept-Language") {
  CHECK(choose_language(std::nullopt, std::nullopt, "") == Language::english);
  CHECK(choose_language(std::nullopt, std::nullopt, "es-MX,es;q=0.9,en;q=0.8") == Language::spanish);
  CHECK(choose_language(std::nullopt, std::nullopt, "fr-FR, en;q=0.5, es;q=0.7") == Language::spanish);
  CHECK(choose_language(std::nullopt, std::nullopt, "de, fr;q=0.5") == Language::english);
  CHECK(choose_language(std::nullopt, "en", "es") == Language::english);
  CHECK(choose_language("es", "en", "en") == Language::spanish);
  CHECK(choose_language("xx", std::nullopt, "es") == Language::spanish);
}

TEST_CASE("dates read naturally in each language and placeholders are filled") {
  CHECK(format_date(Language::english, 1'716'336'000) == "May 22, 2024");
  CHECK(format_date(Language::spanish, 1'716'336'000) == "22 de mayo de 2024");
  CHECK(fill("by {date}, {date}; attempt {n}", {{"date", "May 22"}, {"n", "2"}}) ==
        "by May 22, May 22; attempt 2");
}
