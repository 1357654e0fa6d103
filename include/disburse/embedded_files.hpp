#pragma once
// Files compiled into the binary at build time (migrations, templates, the OpenAPI document),
// so that a deployed server needs no source tree.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace disburse {

struct EmbeddedFile {
  std::string path;  // Relative to the source root, e.g. "migrations/0001_init.sql".
  std::string content;
};

// All embedded files, sorted by path.
const std::vector<EmbeddedFile>& embedded_files();

// The content of one embedded file, or nothing when the path is unknown.
std::optional<std::string_view> find_embedded_file(std::string_view path);

}  // namespace disburse
