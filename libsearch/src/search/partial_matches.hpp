#pragma once
// Partial matches (contract, "Partial matches"): when the aids having every word of a group do
// not fill the page, the aids having part of its words follow, by how much of the query they
// cover (each word weighs its idf: a rare word counts more than a common one), then by score.
// Words that mean nothing alone (lone numbers) are never the only reason an aid is shown;
// stopwords and markup never reach here (the parser drops them).
#include <xapian.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "search/memory/doc_sets.hpp"
#include "search/plan/text_query.hpp"

namespace aides {

struct PartialHit {
    Xapian::docid did = 0;
    double coverage = 0;   ///< idf-weighted share of the group's units it has, in (0, 1)
    double weight = 0;     ///< Xapian's weight of the units it has
    std::vector<std::string> missing;  ///< the units it lacks, as typed
};

struct PartialMatches {
    std::size_t count = 0;          ///< every partial match (within the filter, outside the full match)
    std::vector<PartialHit> page;   ///< the best `wanted` from `skip`, in order
    std::vector<std::string> best_missing;  ///< the units the best partial matches lack
};

/** Whether a unit can be the reason an aid is shown: not a number alone (`1`, `2023`). */
bool meaningful_unit(const QueryUnit& unit);

/**
 * @param docs_of   the documents of a unit's query within the search's filter (the same set
 *                  whichever path computes it)
 * @param full      the documents of the full match (left out), and any excluded ones
 * @param skip      partial matches before the page; @param wanted how many to return
 */
PartialMatches find_partial_matches(const Xapian::Database& db, const std::vector<QueryGroup>& groups,
                                    const TextQueryBuilder& builder,
                                    const std::function<std::shared_ptr<const DocSet>(const plan::Expr&)>& docs_of,
                                    const DocSet& full, std::size_t skip, std::size_t wanted);

}  // namespace aides
