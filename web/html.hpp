#pragma once
// Text into HTML: every value a page shows goes through html_escape(), in element content and
// in quoted attribute values alike.
#include <string>
#include <string_view>

namespace kkt::web {

// & < > " ' as character references; everything else (UTF-8 included) as it is.
std::string html_escape(std::string_view text);

}  // namespace kkt::web
