#include "search/xapian/executor.hpp"

#include "index/schema.hpp"
#include "search/plan/bm25.hpp"

namespace aides {

namespace {

using Page = std::vector<std::pair<Xapian::docid, double>>;

void configure(Xapian::Enquire& enquire, const XapianOrdering& ordering) {
    if (!ordering.weighted) enquire.set_weighting_scheme(Xapian::BoolWeight());
    else enquire.set_weighting_scheme(bm25::weight());
    switch (ordering.order) {
        case Order::relevance:
            if (!ordering.weighted && ordering.key) enquire.set_sort_by_key(ordering.key, false);
            else if (!ordering.weighted) enquire.set_sort_by_value(schema::place_order, false);
            break;
        case Order::deadline:
            if (ordering.key) enquire.set_sort_by_key_then_relevance(ordering.key, false);
            else enquire.set_sort_by_value_then_relevance(schema::deadline_order, false);
            break;
        case Order::published: enquire.set_sort_by_value_then_relevance(schema::published, true); break;
    }
}

// Adds the matches [first, first + count) to `page`; returns Xapian's count of every match
// (exact when check_at_least covers every document).
Xapian::doccount collect(Xapian::Enquire& enquire, bool weighted, std::size_t first, std::size_t count, Xapian::doccount check_at_least,
                         Page& page) {
    Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(first), static_cast<Xapian::doccount>(count), check_at_least);
    // The score is the weight relative to the best match of the whole result, not Xapian's
    // percentage: Xapian counts a posting source (a filter in memory) as a matching
    // subquery, which would lift every percentage of a filtered search.
    double best = mset.get_max_attained();
    for (auto it = mset.begin(); it != mset.end(); ++it) page.emplace_back(*it, weighted && best > 0 ? it.get_weight() / best : 0.0);
    return mset.get_matches_estimated();
}

}  // namespace

XapianHits xapian_search(const Xapian::Database& db, const plan::Expr& query, const XapianOrdering& ordering, std::size_t offset,
                         std::size_t size, Xapian::MatchSpy* spy, const std::vector<std::string>& highlighted) {
    XapianHits hits;
    const Xapian::doccount all = db.get_doccount();
    if (highlighted.empty()) {
        Xapian::Enquire enquire(db);
        enquire.set_query(query.to_query());
        configure(enquire, ordering);
        if (spy) enquire.add_matchspy(spy);
        hits.count = collect(enquire, ordering.weighted, offset, size, all, hits.page);
        return hits;
    }
    // Portal highlights first, then the rest, one ranking each.
    using Op = plan::Expr::Op;
    const plan::Expr on_top = plan::Expr::any_term(schema::id, highlighted);
    Xapian::Enquire first(db), rest(db);
    first.set_query(plan::Expr::combine(Op::filter, {query, on_top}).to_query());
    rest.set_query(plan::Expr::combine(Op::and_not, {query, on_top}).to_query());
    configure(first, ordering);
    configure(rest, ordering);
    if (spy) {
        first.add_matchspy(spy);
        rest.add_matchspy(spy);
    }
    std::size_t highlighted_count = first.get_mset(0, 0, all).get_matches_estimated();  // feeds the spy once
    first.clear_matchspies();
    std::size_t others = 0;
    if (offset < highlighted_count) {
        collect(first, ordering.weighted, offset, size, all, hits.page);
        others = collect(rest, ordering.weighted, 0, size - hits.page.size(), all, hits.page);
    } else {
        others = collect(rest, ordering.weighted, offset - highlighted_count, size, all, hits.page);
    }
    hits.count = highlighted_count + others;
    return hits;
}

Page xapian_rank(const Xapian::Database& db, const plan::Expr& query, const XapianOrdering& ordering, std::size_t offset,
                 std::size_t size) {
    Page page;
    Xapian::Enquire enquire(db);
    enquire.set_query(query.to_query());
    configure(enquire, ordering);
    collect(enquire, ordering.weighted, offset, size, 0, page);
    return page;
}

bool xapian_matches_any(const Xapian::Database& db, const plan::Expr& query) {
    Xapian::Enquire enquire(db);
    enquire.set_query(query.to_query());
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    return enquire.get_mset(0, 1).size() > 0;
}

}  // namespace aides
