#include "disburse/embedded_files.hpp"

#include <algorithm>

namespace disburse {

std::optional<std::string_view> find_embedded_file(std::string_view path) {
  const auto& files = embedded_files();
  const auto found = std::find_if(files.begin(), files.end(),
                                  [&](const EmbeddedFile& file) { return file.path == path; });
  if (found == files.end()) return std::nullopt;
  return std::string_view(found->content);
}

}  // namespace disburse
