// KuCoin's paged lists: ?currentPage=1&pageSize=50 in, and
// {"currentPage","pageSize","totalNum","totalPage","items":[...]} out.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/system/result.hpp>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"
#include "gateway/call.h"

namespace kc::api {

struct Page {
  int64_t current_page = 1;
  int64_t page_size = 50;
  size_t offset() const { return static_cast<size_t>((current_page - 1) * page_size); }
  size_t limit() const { return static_cast<size_t>(page_size); }
};

// Reads currentPage (default 1; `page_param` names it where KuCoin calls it
// otherwise, e.g. pageNum) and pageSize (default `default_size`, at most
// `max_size`; KuCoin clamps out-of-range sizes rather than refusing them).
// A value that is not a positive integer is 400102.
inline boost::system::result<Page, Error> ReadPage(const gateway::Call& call,
                                                   int64_t default_size = 50,
                                                   int64_t max_size = 500,
                                                   std::string_view page_param = "currentPage") {
  Page page;
  page.page_size = default_size;
  auto read = [](const std::string* text, int64_t* out) {
    if (!text) return true;
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || ptr != text->data() + text->size() || value < 1) return false;
    *out = value;
    return true;
  };
  if (!read(call.QueryParam(page_param), &page.current_page) ||
      !read(call.QueryParam("pageSize"), &page.page_size) || page.current_page > 1'000'000) {
    return Error(ErrorCode::kInvalidParameter);
  }
  if (page.page_size > max_size) page.page_size = max_size;
  if (page.page_size < 10 && default_size >= 10) page.page_size = 10;
  return page;
}

inline boost::json::object PagedList(const Page& page, size_t total, boost::json::array items) {
  const auto total_num = static_cast<int64_t>(total);
  return boost::json::object{
      {"currentPage", page.current_page},
      {"pageSize", page.page_size},
      {"totalNum", total_num},
      {"totalPage", (total_num + page.page_size - 1) / page.page_size},
      {"items", std::move(items)},
  };
}

}  // namespace kc::api
