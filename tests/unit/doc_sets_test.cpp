// Filters in memory (search/memory/doc_sets): every answer is checked against a brute force over the
// documents the test wrote, or against Xapian's own evaluation of the same query.
#include "test_support.hpp"

#include <xapian.h>

#include <random>
#include <set>

#include "search/memory/doc_sets.hpp"

namespace aides {
namespace {

using Q = Xapian::Query;
using E = plan::Expr;
using Op = plan::Expr::Op;
using Docids = std::set<Xapian::docid>;

Docids members(const DocSet& set) {
    Docids out;
    set.for_each([&](Xapian::docid did) { out.insert(did); });
    return out;
}

Docids xapian_matches(const Xapian::Database& db, const Q& query) {
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    try {
        Xapian::MSet mset = enquire.get_mset(0, db.get_doccount() + 1);
        return Docids(mset.begin(), mset.end());
    } catch (const Xapian::Error& e) {
        ADD_FAILURE() << query.get_description() << ": " << e.get_description();
        return {};
    }
}

TEST(DocSet, AgreesWithAnOrderedSetThroughEveryOperation) {
    std::mt19937 random(7);
    for (Xapian::docid last : {1u, 63u, 64u, 65u, 127u, 128u, 1000u}) {
        auto draw = [&](double density) {
            DocSet set(last);
            Docids oracle;
            std::bernoulli_distribution in(density);
            for (Xapian::docid did = 1; did <= last; ++did)
                if (in(random)) {
                    set.add(did);
                    oracle.insert(did);
                }
            return std::pair{set, oracle};
        };
        for (double density : {0.0, 0.01, 0.5, 1.0}) {
            auto [a, in_a] = draw(density);
            auto [b, in_b] = draw(0.3);
            ASSERT_EQ(members(a), in_a);
            EXPECT_EQ(a.count(), in_a.size());
            for (Xapian::docid did = 0; did <= last + 2; ++did) {
                EXPECT_EQ(a.contains(did), in_a.count(did) > 0) << did;
                auto next = in_a.lower_bound(did);
                EXPECT_EQ(a.next(did), next == in_a.end() ? last + 1 : *next) << "next(" << did << ") of " << last;
            }
            DocSet both = a, either = a, only = a;
            both.intersect(b);
            either.unite(b);
            only.subtract(b);
            Docids expect_both, expect_either = in_a, expect_only;
            for (auto did : in_a) (in_b.count(did) ? expect_both : expect_only).insert(did);
            expect_either.insert(in_b.begin(), in_b.end());
            EXPECT_EQ(members(both), expect_both);
            EXPECT_EQ(members(either), expect_either);
            EXPECT_EQ(members(only), expect_only);
            EXPECT_EQ(either.count(), expect_either.size());
            EXPECT_EQ(a.count_common(b), expect_both.size());
            EXPECT_EQ(b.count_common(a), expect_both.size());
            DocSet all(last);
            all.fill();
            EXPECT_EQ(all.count(), last) << "docids 1.." << last;
            EXPECT_FALSE(all.contains(0));
            if (!in_a.empty()) {
                Xapian::docid gone = *in_a.begin();
                a.remove(gone);
                a.remove(gone);
                EXPECT_EQ(a.count(), in_a.size() - 1);
                EXPECT_FALSE(a.contains(gone));
            }
        }
    }
}

// An index of `count` documents with boolean terms A, B, C at known densities, a value slot of
// dates (many equal) and a few documents deleted, and the brute-force answer for each term.
struct SmallIndex {
    test::TempDir dir;
    std::map<std::string, Docids> postings;
    std::map<Xapian::docid, std::string> dates;
    Xapian::docid last = 0;

    explicit SmallIndex(Xapian::docid count) {
        Xapian::WritableDatabase db(dir.str("db"), Xapian::DB_CREATE_OR_OVERWRITE);
        std::mt19937 random(11);
        const std::vector<std::pair<std::string, double>> terms = {{"A", 0.9}, {"B", 0.3}, {"C", 0.02}};
        for (Xapian::docid did = 1; did <= count; ++did) {
            Xapian::Document doc;
            // Not in every document: Xapian 1.4.22 fails ("Unexpected end of posting list") on a
            // bare term that indexes every document of an index with deletions, BoolWeight, all
            // matches asked for; the library never runs such a query.
            if (did % 50 != 0) doc.add_term("word", 1);
            if (did % 4 == 0) doc.add_term("extra", 1 + did % 3);
            if (did % 5 == 0) {  // words in both orders, for phrases
                doc.add_posting("first", 1);
                doc.add_posting("second", 2);
            }
            if (did % 7 == 0) {
                doc.add_posting("second", 4);
                doc.add_posting("first", 5);
            }
            for (const auto& [term, density] : terms)
                if (std::bernoulli_distribution(density)(random)) doc.add_boolean_term(term);
            if (did % 3 != 0) {  // a third without a date
                std::string date = "2026-0" + std::to_string(1 + random() % 3) + "-1" + std::to_string(random() % 3);
                doc.add_value(0, date);
            }
            db.add_document(doc);
        }
        for (Xapian::docid did = 5; did <= count; did += 37) db.delete_document(did);
        db.commit();
        last = db.get_lastdocid();
        for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
            Xapian::Document doc = db.get_document(*it);
            for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) postings[*t].insert(*it);
            if (!doc.get_value(0).empty()) dates[*it] = doc.get_value(0);
            postings[""].insert(*it);
        }
    }
    Xapian::Database open() const { return Xapian::Database(dir.str("db")); }
};

TEST(DocSetSource, MatchesAsTheTermsItStandsFor) {
    SmallIndex index(700);
    Xapian::Database db = index.open();
    auto set_of = [&](const std::string& term) { return std::make_shared<const DocSet>(DocSet::of_term(db, term)); };
    for (std::string term : {"A", "B", "C"}) ASSERT_EQ(members(*set_of(term)), index.postings[term]) << term;
    // Each way Xapian moves through a posting list: driving (next), skipped to (skip_to), probed (check).
    for (std::string left : {"A", "B", "C"})
        for (std::string right : {"A", "B", "C"}) {
            auto source = DocSetSource::query(set_of(right));
            EXPECT_EQ(xapian_matches(db, Q(Q::OP_FILTER, Q(left), source)), xapian_matches(db, Q(Q::OP_FILTER, Q(left), Q(right))));
            EXPECT_EQ(xapian_matches(db, Q(Q::OP_AND_NOT, Q(left), source)), xapian_matches(db, Q(Q::OP_AND_NOT, Q(left), Q(right))));
            EXPECT_EQ(xapian_matches(db, Q(Q::OP_OR, Q(left), source)), xapian_matches(db, Q(Q::OP_OR, Q(left), Q(right))));
            auto all_three = [&](const Q& third) {
                std::vector<Q> parts = {Q(left), Q("word"), third};
                return xapian_matches(db, Q(Q::OP_AND, parts.begin(), parts.end()));
            };
            EXPECT_EQ(all_three(source), all_three(Q(right)));
        }
    EXPECT_TRUE(xapian_matches(db, DocSetSource::query(std::make_shared<const DocSet>(index.last))).empty());
}

// Queries of every shape the searcher builds: filters (terms, OR, AND, AND_NOT, match-all, value
// ranges) and texts (synonyms, scaled weights, optional parts, phrases).
E t(const std::string& term) { return E::term(term); }
E op(Op op, std::vector<E> parts) { return E::combine(op, std::move(parts)); }

std::vector<E> sample_filters() {
    E before = E::value_range(0, "", "2026-02-11");
    E after = E::value_range(0, "2026-02-12", "");
    E phrase = E::phrase({t("first"), t("second")}, 2);
    return {
        op(Op::synonym, {t("B"), t("C")}),
        op(Op::or_, {t("extra"), E::scaled(t("C"), 0.25)}),
        phrase,
        op(Op::and_, {op(Op::synonym, {t("word"), t("C")}), op(Op::or_, {phrase, E::scaled(t("extra"), 0.5)})}),
        t("A"),
        t("C"),
        op(Op::or_, {t("B"), t("C")}),
        op(Op::and_, {t("A"), op(Op::or_, {t("B"), t("C")})}),
        op(Op::and_not, {E::all(), op(Op::or_, {t("C"), op(Op::and_not, {before, t("B")})})}),
        op(Op::and_not, {op(Op::and_, {t("A"), after}), t("C")}),
        op(Op::filter, {t("A"), t("B")}),
        op(Op::and_, {t("A"), E()}),
        op(Op::or_, {t("nothing-has-this"), t("C")}),
        E::value_range(0, "2026-02-01", "2026-02-12"),
    };
}

TEST(FilterCache, ResolvesOnTheSecondUseAndAnswersAsXapian) {
    SmallIndex index(2000);
    Xapian::Database db = index.open();
    FilterCache cache;
    for (const E& filter : sample_filters()) {
        const Docids expected = xapian_matches(db, filter.to_query());
        for (int use = 1; use <= 3; ++use) {
            SCOPED_TRACE(filter.key() + ", use " + std::to_string(use));
            FilterCache::Prepared prepared = cache.prepare(filter, db);
            EXPECT_EQ(xapian_matches(db, prepared.expr.to_query()), expected);
            if (prepared.whole) {
                EXPECT_EQ(members(*prepared.whole), expected);
            }
            if (use >= 2) {
                EXPECT_EQ(prepared.whole != nullptr, !filter.has_phrase()) << "every leaf but a phrase is read by its second use";
            }
            EXPECT_EQ(xapian_matches(db, Q(Q::OP_FILTER, Q("word"), prepared.expr.to_query())),
                      xapian_matches(db, Q(Q::OP_FILTER, Q("word"), filter.to_query())));
        }
    }
    // The first use of a long posting list leaves it to Xapian.
    FilterCache fresh;
    EXPECT_FALSE(fresh.prepare(t("A"), db).whole);
    // Unless memory was asked for: then every list is read at its first use.
    FilterCache eager;
    for (const E& filter : sample_filters()) {
        FilterCache::Prepared prepared = eager.prepare(filter, db, true);
        EXPECT_EQ(prepared.whole != nullptr, !filter.has_phrase()) << filter.key();
        if (prepared.whole) {
            EXPECT_EQ(members(*prepared.whole), xapian_matches(db, filter.to_query())) << filter.key();
        }
    }
}

TEST(FilterCache, ResolvesWholeQueriesOnlyAndAsXapian) {
    SmallIndex index(2000);
    Xapian::Database db = index.open();
    // Without `phrases` a phrase is Xapian's; with it, read by its second use as the rest.
    for (bool phrases : {false, true}) {
        FilterCache cache;
        for (const E& query : sample_filters()) {
            const Docids expected = xapian_matches(db, query.to_query());
            for (int use = 1; use <= 3; ++use) {
                SCOPED_TRACE(query.key() + ", use " + std::to_string(use) + (phrases ? ", phrases" : ""));
                std::shared_ptr<const DocSet> set = cache.resolve(query, db, false, phrases);
                if (set) {
                    EXPECT_EQ(members(*set), expected);
                }
                if (use >= 2) {
                    EXPECT_EQ(set != nullptr, phrases || !query.has_phrase()) << "every query is read by its second use";
                }
            }
        }
        if (!phrases) continue;
        // The phrases kept for one caller leave the others' answers as they were.
        const E phrase = E::phrase({t("first"), t("second")}, 2);
        ASSERT_FALSE(xapian_matches(db, phrase.to_query()).empty()) << "the fixture has the phrase";
        EXPECT_FALSE(cache.resolve(phrase, db)) << "without `phrases`, still Xapian's";
        EXPECT_FALSE(cache.prepare(phrase, db).whole);
    }
    // A part left to Xapian leaves the whole to it, and every part counts its use all the same:
    // the second search has them all.
    FilterCache fresh;
    const E both = op(Op::or_, {t("A"), t("C")});
    EXPECT_FALSE(fresh.resolve(both, db)) << "A and C, long lists, at their first use";
    std::shared_ptr<const DocSet> second = fresh.resolve(both, db);
    ASSERT_TRUE(second);
    EXPECT_EQ(members(*second), xapian_matches(db, both.to_query()));
}

TEST(FilterCache, ForgetsWhatItHeldWhenTheIndexChanges) {
    SmallIndex index(1000);
    FilterCache cache;
    {
        Xapian::Database db = index.open();
        for (int use = 0; use < 2; ++use) ASSERT_TRUE(cache.prepare(t("A"), db).whole || use == 0);
    }
    Xapian::docid added;
    {
        Xapian::WritableDatabase writer(index.dir.str("db"), Xapian::DB_OPEN);
        Xapian::Document doc;
        doc.add_boolean_term("A");
        added = writer.add_document(doc);
        writer.delete_document(*index.postings["A"].begin());
        writer.commit();
    }
    Xapian::Database db = index.open();
    const Docids expected = xapian_matches(db, Q("A"));
    ASSERT_TRUE(expected.count(added));
    for (int use = 0; use < 3; ++use) {
        FilterCache::Prepared prepared = cache.prepare(t("A"), db);
        EXPECT_EQ(xapian_matches(db, prepared.expr.to_query()), expected);
        if (prepared.whole) {
            EXPECT_EQ(members(*prepared.whole), expected);
        }
    }
}

TEST(FilterCache, KeepsWithinItsMemoryBudget) {
    SmallIndex index(5000);
    Xapian::Database db = index.open();
    FilterCache cache(DocSet(db.get_lastdocid()).bytes());  // room for one set
    for (int round = 0; round < 3; ++round)
        for (std::string term : {"A", "B"}) {
            FilterCache::Prepared prepared = cache.prepare(t(term), db);
            EXPECT_EQ(xapian_matches(db, prepared.expr.to_query()), index.postings[term]);
        }
}

// The searcher's scores are weights: a filter in memory must leave every weight as the same
// filter in terms does (it filters, it does not rank).
TEST(FilterCache, AResolvedFilterLeavesTheWeightsAlone) {
    SmallIndex index(500);
    Xapian::Database db = index.open();
    FilterCache cache;
    Q ranked(Q::OP_OR, Q("word"), Q("extra"));
    const E filter = op(Op::and_not, {t("A"), t("C")});
    for (int use = 0; use < 2; ++use) cache.prepare(filter, db);
    FilterCache::Prepared prepared = cache.prepare(filter, db);
    ASSERT_TRUE(prepared.whole);
    auto weights = [&](const Q& query) {
        Xapian::Enquire enquire(db);
        enquire.set_query(query);
        std::vector<std::pair<Xapian::docid, double>> out;
        Xapian::MSet mset = enquire.get_mset(0, db.get_doccount(), db.get_doccount());
        for (auto it = mset.begin(); it != mset.end(); ++it) out.emplace_back(*it, it.get_weight());
        out.emplace_back(0, mset.get_max_attained());
        return out;
    };
    auto expected = weights(Q(Q::OP_FILTER, ranked, filter.to_query()));
    ASSERT_GT(expected.size(), 10u);
    EXPECT_EQ(weights(Q(Q::OP_FILTER, ranked, prepared.expr.to_query())), expected);
}

TEST(SortColumn, OrdersAsXapiansSortByValue) {
    SmallIndex index(1500);
    Xapian::Database db = index.open();
    auto column = SortColumn::build(db, 0);
    ASSERT_TRUE(column);
    for (bool reverse : {false, true}) {
        Xapian::Enquire enquire(db);
        enquire.set_query(Q(std::string()));
        enquire.set_weighting_scheme(Xapian::BoolWeight());
        enquire.set_sort_by_value_then_relevance(0, reverse);
        Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
        std::vector<Xapian::docid> xapian(mset.begin(), mset.end());
        std::vector<Xapian::docid> ours(index.postings[""].begin(), index.postings[""].end());
        std::stable_sort(ours.begin(), ours.end(), [&](Xapian::docid a, Xapian::docid b) {
            return reverse ? column->key(a) > column->key(b) : column->key(a) < column->key(b);
        });
        EXPECT_EQ(ours, xapian) << (reverse ? "descending" : "ascending");
    }
}

TEST(SortColumn, TheFirstInOrderAreThoseOfAFullSort) {
    SmallIndex index(1500);
    Xapian::Database db = index.open();
    auto column = SortColumn::build(db, 0);
    ASSERT_TRUE(column);
    DocSet set = DocSet::of_term(db, "B");
    for (bool descending : {false, true}) {
        std::vector<Xapian::docid> all(index.postings["B"].begin(), index.postings["B"].end());
        std::stable_sort(all.begin(), all.end(), [&](Xapian::docid a, Xapian::docid b) {
            return descending ? column->key(a) > column->key(b) : column->key(a) < column->key(b);
        });
        for (std::size_t wanted : {std::size_t{0}, std::size_t{1}, std::size_t{7}, all.size() - 1, all.size(), all.size() + 5}) {
            std::vector<Xapian::docid> expected(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(std::min(wanted, all.size())));
            EXPECT_EQ(first_in_order(set, *column, descending, wanted), expected) << wanted << (descending ? " descending" : "");
        }
    }
}

TEST(SortColumn, RefusesValuesOfDifferentShapes) {
    test::TempDir dir;
    Xapian::WritableDatabase db(dir.str("db"), Xapian::DB_CREATE_OR_OVERWRITE);
    for (const char* value : {"2026-01-01", "2026-1-01"}) {
        Xapian::Document doc;
        doc.add_value(0, value);
        db.add_document(doc);
    }
    db.commit();
    EXPECT_FALSE(SortColumn::build(db, 0));
}

}  // namespace
}  // namespace aides
