#pragma once
/** @file portal.hpp
 *  @brief A portal: a saved selection of aids (base filters, aids shown first, aids never shown)
 *  that a site built on the engine applies to every search it runs.
 */
#include <string>
#include <string_view>
#include <vector>

namespace aides {

/** @brief A portal, read once from its JSON file and then shared by every search that names it
 *  (SearchRequest::portal).
 *
 *  The file is an object: `{"name": "…", "filters": {"programs": [...], "themes": [...], …,
 *  "perimeter": "SCALE:CODE"}, "highlighted": [ids], "excluded": [ids]}`; every member is
 *  optional, unknown members are ignored. The filter lists take the values of the request fields
 *  of the same name (SearchRequest), machine values, `-` spellings or French labels.
 */
struct Portal {
    std::string name;  ///< the portal's title; empty when the file has none
    /// Base filters: each list is OR-ed within itself and AND-ed with the request's own filters
    /// (a request filter of the same kind narrows the portal, it does not replace it).
    std::vector<std::string> programs, themes, categories, audiences, aid_types, steps, destinations, backers, recurrences;
    /// `SCALE:CODE` searched when the request gives neither a commune nor a perimeter; empty: none
    std::string perimeter;
    std::vector<std::string> highlighted;  ///< aid ids shown before the other results, when they match
    std::vector<std::string> excluded;     ///< aid ids never shown (integers are read as their digits)

    /** @brief Reads a portal file.
     *  @param path the portal JSON file, e.g. `corpus/portals/petites-villes-de-demain.json`.
     *  @throws UsageError naming `path` when the file cannot be read, is not JSON, or a member
     *  has the wrong type (the portal is part of the caller's request: the CLIs exit 2). */
    static Portal load(const std::string& path);
    /** @brief Reads a portal from its JSON text.
     *  @param json the file's content; @param source what to call it in errors (a path).
     *  @throws UsageError as load(). */
    static Portal parse(std::string_view json, const std::string& source);
    bool operator==(const Portal&) const = default;  ///< member by member
};

}  // namespace aides
