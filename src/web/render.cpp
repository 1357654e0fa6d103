#include "disburse/web/render.hpp"

#include <mstch/mstch.hpp>
#include <mutex>

#include "disburse/domain/errors.hpp"
#include "disburse/embedded_files.hpp"

namespace disburse::web {

namespace {

mstch::node to_node(const nlohmann::json& value);

mstch::node object_node(const nlohmann::json& value) {
  mstch::map map;
  for (const auto& [key, item] : value.items()) map.emplace(key, to_node(item));
  return map;
}

mstch::node array_node(const nlohmann::json& value) {
  mstch::array array;
  array.reserve(value.size());
  for (const auto& item : value) array.push_back(to_node(item));
  return array;
}

// Numbers become text, so that 64-bit ids and amounts print exactly; null is false, so that an
// absent value hides its section.
mstch::node to_node(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object: return object_node(value);
    case nlohmann::json::value_t::array: return array_node(value);
    case nlohmann::json::value_t::string: return value.get<std::string>();
    case nlohmann::json::value_t::boolean: return value.get<bool>();
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded: return false;
    default: return value.dump();
  }
}

std::string template_source(std::string_view name) {
  const std::string path = "templates/" + std::string(name) + ".mustache";
  const auto content = find_embedded_file(path);
  if (!content) throw std::logic_error("no embedded template " + path);
  return std::string(*content);
}

// mstch's escaping is a process-wide setting; ours covers attribute contexts too.
void install_escape() {
  static std::once_flag once;
  std::call_once(once, [] { mstch::config::escape = [](const std::string& text) { return html_escape(text); }; });
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char character : text) {
    switch (character) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '`': out += "&#96;"; break;
      case '=': out += "&#61;"; break;
      case '/': out += "&#47;"; break;
      default: out.push_back(character);
    }
  }
  return out;
}

std::string render_template(std::string_view name, const nlohmann::json& view) {
  install_escape();
  return mstch::render(template_source(name), to_node(view));
}

std::string render_page(std::string_view name, const nlohmann::json& view) {
  return render_page_in("layout", name, view);
}

std::string render_page_in(std::string_view layout, std::string_view name,
                           const nlohmann::json& view) {
  install_escape();
  return mstch::render(template_source(layout), to_node(view),
                       {{"content", template_source(name)}});
}

std::optional<std::string_view> find_static_asset(std::string_view name) {
  // Only stylesheets and scripts are assets; templates stay server-side.
  if (static_asset_content_type(name).empty() || name.find('/') != std::string_view::npos) {
    return std::nullopt;
  }
  return find_embedded_file("templates/" + std::string(name));
}

std::string_view static_asset_content_type(std::string_view name) {
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  return "";
}

}  // namespace disburse::web
