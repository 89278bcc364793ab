#pragma once
// Small text helpers shared by the analysis, the record reader and the output.
#include <string>
#include <string_view>
#include <vector>

namespace aides::text {

/** Removes HTML tags (block tags become spaces) and decodes entities. */
std::string strip_html(std::string_view html);
/** Escapes & < > " for HTML output. */
std::string html_escape(std::string_view text);
/** True when `text` is well-formed UTF-8 without NUL bytes. */
bool valid_utf8(std::string_view text);
std::string_view trim(std::string_view text);
/** ASCII lower case (machine values). */
std::string ascii_lower(std::string_view text);
/** Splits on a separator, trimming each piece and dropping empty ones. */
std::vector<std::string> split(std::string_view text, char separator);

}  // namespace aides::text
