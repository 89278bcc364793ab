#pragma once
// The index schema: term prefixes, value slots and metadata keys. The indexer writes what this
// file says and the searcher reads it; nothing else names a prefix or a slot.
#include <xapian.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace aides::schema {

// Free text: unprefixed accent-free words with positions, and stems without positions.
inline constexpr std::string_view stem = "Z";

// Boolean terms (values are lower-case machine values, so prefixes cannot collide).
inline constexpr std::string_view id = "Q";              // Q<id>
inline constexpr std::string_view perimeter = "XP";      // XPdepartment:29 - the aid's perimeter
inline constexpr std::string_view inside = "XI";         // XIregion:53 - a perimeter containing it
inline constexpr std::string_view audience = "XA";
inline constexpr std::string_view category = "XC";
inline constexpr std::string_view theme = "XT";
inline constexpr std::string_view aid_type = "XY";
inline constexpr std::string_view step = "XS";
inline constexpr std::string_view destination = "XD";
inline constexpr std::string_view program = "XG";
inline constexpr std::string_view backer = "XB";         // folded backer name
inline constexpr std::string_view recurrence = "XR";
inline constexpr std::string_view status = "XU";
inline constexpr std::string_view flag = "XF";           // XFcall, XFcharged, XFnodeadline, XFvariant
inline constexpr std::string_view generic = "XV";        // XV<generic id> on its local variants

inline constexpr std::string_view flag_call = "XFcall";
inline constexpr std::string_view flag_charged = "XFcharged";
inline constexpr std::string_view flag_no_deadline = "XFnodeadline";
inline constexpr std::string_view flag_variant = "XFvariant";

// Xapian refuses terms over 245 bytes (a backer name can be longer): such a value keeps its
// head and a hash of the whole, the same at index and at query time.
inline constexpr std::size_t max_term_bytes = 240;
// The longest word of free text that is indexed (longer runs of letters are no words).
inline constexpr std::size_t max_word_bytes = 100;
inline std::string term(std::string_view prefix, std::string_view value) {
    std::string out(prefix);
    if (prefix.size() + value.size() <= max_term_bytes) {
        out += value;
        return out;
    }
    std::uint64_t hash = 14695981039346656037ull;  // FNV-1a
    for (unsigned char c : value) hash = (hash ^ c) * 1099511628211ull;
    static constexpr char digits[] = "0123456789abcdef";
    out += value.substr(0, max_term_bytes - prefix.size() - 17);
    out += '#';
    for (int shift = 60; shift >= 0; shift -= 4) out += digits[(hash >> shift) & 0xF];
    return out;
}

// Value slots.
enum Slot : Xapian::valueno {
    deadline = 0,        // YYYY-MM-DD, absent without deadline
    deadline_order = 1,  // deadline, or 9999-12-31 without one (sorts last)
    published = 2,       // YYYY-MM-DD, 0000-00-00 when unknown
    place_order = 3,     // the order without text: a digit, narrowest perimeter first, then
                         // deadline_order (one value to read per match, not two)
    facets = 4,          // facet values that no term holds as they are shown, see below
};

// Facets, each value "<facet letter><value>". Themes, categories, aid types and audiences are
// read from their boolean terms; programs (as written) and backers (by name, not folded) from
// the facet slot, joined by '\n'.
inline constexpr char facet_theme = 't', facet_category = 'c', facet_aid_type = 'y', facet_audience = 'a',
                      facet_program = 'g', facet_backer = 'b';
inline constexpr std::pair<char, std::string_view> facets_from_terms[] = {
    {facet_theme, theme}, {facet_category, category}, {facet_aid_type, aid_type}, {facet_audience, audience}};

// Calls `entry("<facet letter><value>")` for each entry of a facet slot.
template <class Entry>
void for_each_facet_entry(std::string_view slot, Entry&& entry) {
    while (!slot.empty()) {
        std::size_t end = slot.find('\n');
        std::string_view one = slot.substr(0, end);
        slot.remove_prefix(end == std::string_view::npos ? slot.size() : end + 1);
        if (one.size() >= 2) entry(one);
    }
}

// Metadata keys.
inline constexpr const char* meta_format = "aides:format";
inline constexpr const char* meta_geography = "aides:geography";
inline constexpr const char* meta_taxonomy = "aides:taxonomy";
inline constexpr const char* meta_synonyms = "aides:synonyms";
/// A librarian's additions to the shipped dictionary (`aides-index --synonyms FILE`), read over it.
inline constexpr const char* meta_synonyms_local = "aides:synonyms-local";
inline constexpr const char* meta_adhoc_prefix = "aides:adhoc:";

// Gap between fields in the position space, so phrases never span two fields.
inline constexpr Xapian::termpos field_gap = 100;

}  // namespace aides::schema
