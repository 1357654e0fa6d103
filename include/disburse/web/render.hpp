#pragma once
// Server-side HTML for the customer portal and the console: a view model (JSON) and a template
// name become a page. Templates are the embedded templates/*.mustache files; every value is
// HTML-escaped (templates never use triple mustaches), and pages share templates/layout.mustache,
// which includes the page's own template as the partial "content".

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace disburse::web {

// Escapes & < > " ' ` = and /, which makes a value safe in element text and in quoted
// attribute values alike.
std::string html_escape(std::string_view text);

// Renders templates/<name>.mustache alone.
std::string render_template(std::string_view name, const nlohmann::json& view);

// Renders templates/<name>.mustache inside the shared layout.
std::string render_page(std::string_view name, const nlohmann::json& view);

// Renders templates/<name>.mustache inside templates/<layout>.mustache (the console has its own).
std::string render_page_in(std::string_view layout, std::string_view name,
                           const nlohmann::json& view);

// An embedded static asset (templates/<name>, for example "portal.css"), or none.
std::optional<std::string_view> find_static_asset(std::string_view name);
// The Content-Type of a static asset by its extension (.css, .js), or "" for anything else.
std::string_view static_asset_content_type(std::string_view name);

}  // namespace disburse::web
