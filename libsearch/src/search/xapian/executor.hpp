#pragma once
// The plan run by Xapian's matcher: one pass over the posting lists that counts the matches
// exactly, shows each to the facet spy, and ranks the page (by weight, or by a sort key).
#include <aides/search.hpp>

#include <xapian.h>

#include <string>
#include <utility>
#include <vector>

#include "search/plan/expr.hpp"

namespace aides {

/** How Xapian orders the matches. */
struct XapianOrdering {
    Order order = Order::relevance;
    bool weighted = false;  ///< the text or `like` weighs the matches; otherwise relevance is the place order
    /// the order's key when it is not the slot's value as stored (stale deadlines sort as none); null: the value
    Xapian::KeyMaker* key = nullptr;
};

/** A page of matches and their number. */
struct XapianHits {
    std::size_t count = 0;  ///< every match (exact)
    std::vector<std::pair<Xapian::docid, double>> page;  ///< document, score in [0, 1] (0 unweighted)
};

/** The page [offset, offset + size) of `query`'s matches and their exact count; every match is
 *  shown to `spy` when given. The documents whose id is in `highlighted` come first, each part
 *  ranked on its own (a portal's highlights). */
XapianHits xapian_search(const Xapian::Database& db, const plan::Expr& query, const XapianOrdering& ordering, std::size_t offset,
                         std::size_t size, Xapian::MatchSpy* spy, const std::vector<std::string>& highlighted = {});

/** The page [offset, offset + size) of matches already counted: Xapian may skip what cannot
 *  reach the page. */
std::vector<std::pair<Xapian::docid, double>> xapian_rank(const Xapian::Database& db, const plan::Expr& query,
                                                          const XapianOrdering& ordering, std::size_t offset, std::size_t size);

/** Whether any document matches `query` (weights aside). */
bool xapian_matches_any(const Xapian::Database& db, const plan::Expr& query);

}  // namespace aides
