#pragma once
// Small text helpers shared by the analysis, the record reader and the output.
#include <string>
#include <string_view>
#include <vector>

namespace aides::text {

/** Removes HTML tags and decodes entities: block tags become spaces, inline formatting tags
 *  (`strong`, `em`, `sup`...) vanish, comments and `script`/`style` contents are dropped. */
std::string strip_html(std::string_view html);
/** Joins the groups of a number written with French thousands separators (space, no-break
 *  space, narrow or thin space): `10 000 €` -> `10000 €`. Used at index and query time. */
std::string join_digit_groups(std::string_view text);
/** Escapes & < > " for HTML output. */
std::string html_escape(std::string_view text);
/** True when `text` is well-formed UTF-8 without NUL bytes. */
bool valid_utf8(std::string_view text);
std::string_view trim(std::string_view text);
/** ASCII lower case (machine values). */
std::string ascii_lower(std::string_view text);
/** Splits on a separator, trimming each piece and dropping empty ones. */
std::vector<std::string> split(std::string_view text, char separator);

/** Levenshtein distance of two byte strings, or `limit + 1` as soon as it exceeds `limit`. */
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit);
/** Up to `max` of `known` that a mistyped `value` may have meant (compared in ASCII lower case,
 *  `-`, `_` and spaces alike): those it is the acronym of (`pvd`: petites-villes-de-demain,
 *  words of one or two letters skipped) or a word-prefix of, then the nearest by edit distance. */
std::vector<std::string> closest(std::string_view value, const std::vector<std::string>& known, std::size_t max = 3);

}  // namespace aides::text
