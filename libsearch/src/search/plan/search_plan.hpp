#pragma once
// A request compiled once into what both executors run: the filter (status, eligibility,
// fields, dates) and the parsed text as expressions of the plan, the order, the page, the
// facets and the execution asked for. Every value of the request is checked here (UsageError).
#include <aides/search.hpp>

#include <xapian.h>

#include <optional>
#include <string>
#include <vector>

#include "index/index_store.hpp"
#include "search/plan/expr.hpp"
#include "search/plan/text_query.hpp"

namespace aides {

struct SearchPlan {
    plan::Expr filter;  ///< boolean: published, open, eligible, the fields asked for, portal exclusions
    ParsedText parsed;  ///< the text's groups of units (the text's expression is built from them, relaxed if need be)
    bool text_given = false;  ///< the request had text, even if only stopwords
    std::string like;         ///< an aid id: aids similar to it
    bool strict = false;      ///< no partial matches (SearchRequest::strict)
    Order order = Order::relevance;
    std::size_t offset = 0;  ///< the first hit of the page, from 0
    std::size_t size = 20;   ///< hits per page
    bool facets = false;
    Execution execution = Execution::automatic;

    std::vector<std::string> exclude_ids;      ///< the portal's excluded aids
    std::vector<std::string> highlighted_ids;  ///< the portal's highlighted aids, ranked first
    std::string commune;                       ///< resolved INSEE code
    std::optional<CommuneResolution> commune_read;  ///< how the request's commune was read
    std::optional<Perimeter> perimeter;
    std::vector<Perimeter> eligible;           ///< perimeters accepted for the commune or perimeter
    std::vector<std::string> filters_passed;   ///< for explanations
    std::string today;
    std::vector<std::string> warnings;  ///< a filter that matches no aid, an --apply-before already past
};

/** Compiles `request` against an index (`db` tells which programs and backers exist; `dir` names
 *  it in errors). @throws UsageError for a bad value, IndexError when a commune is asked of an
 *  index without geography. */
SearchPlan make_plan(const SearchRequest& request, const store::Catalogue& catalogue, const Xapian::Database& db,
                     const Analyzer& analyzer, const std::string& dir);

}  // namespace aides
