#pragma once
// Keyset paging for exports and reports of any size: one page at a time, never the whole result
// in memory, and no OFFSET rescanning what was already read.

#include <functional>
#include <pqxx/pqxx>

namespace disburse::pg {

// Calls `fetch_page` for the rows after the last key seen and hands each row to `visit_row`,
// which notes its key, until a page comes back shorter than `page_size`.
inline void for_each_keyset_page(int page_size, const std::function<pqxx::result()>& fetch_page,
                                 const std::function<void(const pqxx::row&)>& visit_row) {
  for (;;) {
    const pqxx::result rows = fetch_page();
    for (const auto& row : rows) visit_row(row);
    if (static_cast<int>(rows.size()) < page_size) return;
  }
}

}  // namespace disburse::pg
