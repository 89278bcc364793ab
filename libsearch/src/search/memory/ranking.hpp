#pragma once
// Ranking in memory. When a text search's match is a bitmap (search/memory/doc_sets.hpp), Xapian's
// matcher would still read every candidate's posting lists from the B-trees to weigh it. Here
// the same weights are computed from the words' posting lists held in memory with their wdfs
// and the documents' lengths: BM25 with Xapian's default parameters, each word, synonym and
// scale factor weighed as Xapian 1.4 weighs it, so that a search ranks alike on both paths
// (a sum of three weights or more may differ in its last bit, added in another order; two
// documents whose weights are equal in exact arithmetic could then be ordered otherwise).
#include <xapian.h>

#include <optional>
#include <vector>

#include "search/memory/doc_sets.hpp"
#include "search/plan/expr.hpp"

namespace aides {

struct Ranking {
    std::vector<std::pair<Xapian::docid, double>> page;  ///< documents first..first+count, with their weights
    double best = 0;                                      ///< the greatest weight of the whole match
};

/** The documents of `matched` ranked by `text`'s weights, as Xapian orders them (weight
 *  descending, then docid): the page [first, first + count) and the best weight. Null when the
 *  query holds what is not modelled here (phrases, match-all, a synonym Xapian gives no weight),
 *  which stays Xapian's. */
std::optional<Ranking> rank_in_memory(const plan::Expr& text, const DocSet& matched, std::size_t first, std::size_t count,
                                      FilterCache& cache, const Xapian::Database& db);

}  // namespace aides
