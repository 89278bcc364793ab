// Ranking in memory (search/memory/ranking): the weights and the order of Xapian's own matcher, for
// random queries of every shape the searcher builds, over an index of random wdfs and lengths.
#include "test_support.hpp"

#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

#include "index/index_store.hpp"
#include "search/memory/ranking.hpp"
#include "search/plan/bm25.hpp"
#include "search/plan/text_query.hpp"

namespace aides {
namespace {

using Q = Xapian::Query;
using E = plan::Expr;
using Op = plan::Expr::Op;
using Weights = std::vector<std::pair<Xapian::docid, double>>;

// Words of falling frequency, each in a document with a wdf of 1 to 4 (and some of 250 to 550);
// documents of 1 to 60 filler words, so that lengths vary; a few documents deleted.
struct WeightedIndex {
    test::TempDir dir;
    std::vector<std::string> words;

    WeightedIndex() {
        Xapian::WritableDatabase db(dir.str("db"), Xapian::DB_CREATE_OR_OVERWRITE);
        std::mt19937 random(5);
        for (int w = 0; w < 12; ++w) words.push_back("w" + std::to_string(w));
        for (Xapian::docid did = 1; did <= 3000; ++did) {
            Xapian::Document doc;
            for (std::size_t w = 0; w < words.size(); ++w)
                if (std::bernoulli_distribution(0.6 / (1.0 + static_cast<double>(w)))(random))
                    doc.add_term(words[w], 1 + static_cast<Xapian::termcount>(random() % 4));
            doc.add_term("filler", 1 + static_cast<Xapian::termcount>(random() % 60));
            if (did % 41 == 0) doc.add_term("w1", 250 + did % 300);  // wdfs of a byte and more
            if (did % 3 == 0) doc.add_boolean_term("Kfilter");
            db.add_document(doc);
        }
        for (Xapian::docid did = 11; did <= 3000; did += 97) db.delete_document(did);
        db.commit();
    }
    Xapian::Database open() const { return Xapian::Database(dir.str("db")); }
};

// A random query of the shapes TextQueryBuilder writes (terms, scaled exact forms, synonyms of
// terms, of nested synonyms and of several-word ANDs, with repeated terms, OR-groups, AND,
// AND_NOT) and a few it does not (FILTER, a scale of 0.5).
class QueryDraw {
  public:
    QueryDraw(const std::vector<std::string>& words, unsigned seed) : words_(words), random_(seed) {}

    E any(int depth) {
        switch (depth <= 0 ? 0 : static_cast<int>(random_() % 9)) {
            case 0: return term();
            case 1: {
                E part = any(depth - 1);
                return E::scaled(part, random_() % 2 ? 0.25 : 0.5);
            }
            case 2: return synonym(depth - 1);
            case 3: return exact_or_stem();
            case 4: return branch(Op::or_, depth - 1);
            case 5: return branch(Op::and_, depth - 1);
            case 6: {
                E part = any(depth - 1);
                return E::combine(Op::and_not, {part, term()});
            }
            case 7: return related(depth - 1);
            default: return E::combine(Op::filter, {any(depth - 1), E::term("Kfilter")});
        }
    }

  private:
    E term() { return E::term(words_[random_() % words_.size()]); }
    E exact_or_stem() {
        E first = term();
        return E::combine(Op::or_, {first, E::scaled(term(), 0.25)});
    }
    E branch(Op op, int depth) {
        std::vector<E> parts;
        for (std::size_t n = 2 + random_() % 3; n > 0; --n) parts.push_back(any(depth));
        return E::combine(op, std::move(parts));
    }
    // Related terms as the builder writes them: the best (max) of words, synonyms of forms and
    // several-word ANDs.
    E related(int depth) {
        std::vector<E> parts;
        for (std::size_t n = 2 + random_() % 3; n > 0; --n) {
            switch (random_() % 3) {
                case 0: parts.push_back(term()); break;
                case 1: parts.push_back(synonym(depth)); break;
                default: {
                    E words = synonym(0);
                    parts.push_back(E::combine(Op::and_, {words, term()}));
                    break;
                }
            }
        }
        return E::combine(Op::max, std::move(parts));
    }
    E synonym(int depth) {
        std::vector<E> parts;
        for (std::size_t n = 1 + random_() % 4; n > 0; --n) {
            switch (depth <= 0 ? 0 : random_() % 4) {
                case 0: parts.push_back(term()); break;
                case 1: parts.push_back(synonym(depth - 1)); break;
                case 2: {
                    E either = exact_or_stem();
                    parts.push_back(E::combine(Op::and_, {either, term()}));
                    break;
                }
                default: parts.push_back(parts.empty() ? term() : parts.back()); break;  // a repeated part
            }
        }
        return E::combine(Op::synonym, std::move(parts));
    }
    const std::vector<std::string>& words_;
    std::mt19937 random_;
};

// Xapian's weights for every match, in its order, and its best weight.
std::pair<Weights, double> xapian_ranking(const Xapian::Database& db, const E& query) {
    Xapian::Enquire enquire(db);
    enquire.set_query(query.to_query());
    enquire.set_weighting_scheme(bm25::weight());  // the searcher's parameters
    Xapian::MSet mset = enquire.get_mset(0, db.get_doccount(), db.get_doccount());
    Weights out;
    for (auto it = mset.begin(); it != mset.end(); ++it) out.emplace_back(*it, it.get_weight());
    return {out, mset.get_max_attained()};
}

// Equal weights, but for the last bits of a sum of three or more added in another order.
bool close(double a, double b) { return std::fabs(a - b) <= 1e-12 * std::max(1.0, std::fabs(b)); }

// The in-memory page holds Xapian's documents, in its order, with its weights.
void expect_as_xapian(const Weights& page, const Weights& expected) {
    ASSERT_EQ(page.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(page[i].first, expected[i].first) << "rank " << i;
        EXPECT_TRUE(close(page[i].second, expected[i].second)) << "rank " << i;
    }
}

TEST(Ranking, WeighsAndOrdersAsXapian) {
    WeightedIndex index;
    Xapian::Database db = index.open();
    FilterCache cache;
    std::size_t ranked = 0, compared = 0;
    for (unsigned seed = 0; seed < 400; ++seed) {
        E query = QueryDraw(index.words, seed).any(1 + static_cast<int>(seed % 3));
        SCOPED_TRACE(query.key());
        auto [expected, best] = xapian_ranking(db, query);
        DocSet matched(db.get_lastdocid());
        for (const auto& [did, weight] : expected) matched.add(did);
        auto ranking = rank_in_memory(query, matched, 0, expected.size(), cache, db);
        ASSERT_TRUE(ranking) << "every shape drawn is modelled";
        ++ranked;
        ASSERT_EQ(ranking->page.size(), expected.size());
        EXPECT_TRUE(close(ranking->best, best)) << ranking->best << " != " << best;
        for (std::size_t i = 0; i < expected.size(); ++i) {
            ++compared;
            EXPECT_EQ(ranking->page[i].first, expected[i].first) << "rank " << i;
            EXPECT_TRUE(close(ranking->page[i].second, expected[i].second))
                << "doc " << expected[i].first << ": " << ranking->page[i].second << " != " << expected[i].second;
            if (::testing::Test::HasFailure()) return;  // one query's detail is enough to read
        }
        // A page is that part of the whole order.
        if (expected.size() > 12) {
            auto page = rank_in_memory(query, matched, 7, 5, cache, db);
            ASSERT_TRUE(page);
            ASSERT_EQ(page->page.size(), 5u);
            for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(page->page[i].first, expected[7 + i].first);
        }
    }
    EXPECT_EQ(ranked, 400u);
    EXPECT_GT(compared, 100000u) << "the queries must match many documents";
}

// The queries the searcher builds, with the project's synonyms, over the sample catalogue: every
// text is ranked in memory, as Xapian ranks it; a phrase once the cache holds its documents.
TEST(Ranking, RanksTheBuildersQueriesAsXapian) {
    test::TempDir dir;
    test::build_index(dir.str("db"), {test::corpus("aides.jsonl")});
    Xapian::Database db(dir.str("db"));
    Analyzer analyzer;
    store::Catalogue catalogue = store::load_catalogue(db, dir.str("db"), analyzer);
    TextQueryBuilder builder(analyzer, catalogue.synonyms);
    FilterCache cache;
    std::size_t in_memory = 0, best_related = 0, phrases = 0;
    std::function<bool(const E&)> has_max = [&](const E& e) {
        return e.op() == Op::max || std::any_of(e.parts().begin(), e.parts().end(), has_max);
    };
    for (const char* text : {"rénovation énergétique", "vélo", "centre-bourg, friche", "commerce -artisanat", "eau potable",
                             "habitat logement", "mobilité, transition écologique", "velos", "petites villes de demain",
                             "maison de santé", "éclairage public", "tiers-lieux", "\"rénovation énergétique\"", "déchets",
                             "énergies renouvelables"}) {
        SCOPED_TRACE(text);
        ParsedText parsed = parse_text(text, analyzer);
        std::vector<E> groups;
        for (const auto& group : parsed.groups) groups.push_back(builder.group(group));
        E query = E::combine(Op::or_, std::move(groups));
        auto [expected, best] = xapian_ranking(db, query);
        ASSERT_FALSE(expected.empty());
        DocSet matched(db.get_lastdocid());
        for (const auto& [did, weight] : expected) matched.add(did);
        if (query.has_phrase()) {
            EXPECT_FALSE(rank_in_memory(query, matched, 0, expected.size(), cache, db)) << "a phrase not yet read is Xapian's";
            ASSERT_TRUE(cache.resolve(query, db, /*eager=*/true, /*phrases=*/true)) << query.key();
            ++phrases;
        }
        auto ranking = rank_in_memory(query, matched, 0, expected.size(), cache, db);
        ASSERT_TRUE(ranking) << query.key();
        ++in_memory;
        if (has_max(query)) ++best_related;
        ASSERT_EQ(ranking->page.size(), expected.size());
        EXPECT_TRUE(close(ranking->best, best));
        for (std::size_t i = 0; i < expected.size(); ++i) {
            EXPECT_EQ(ranking->page[i].first, expected[i].first) << "rank " << i;
            EXPECT_TRUE(close(ranking->page[i].second, expected[i].second)) << "rank " << i;
        }
    }
    EXPECT_EQ(in_memory, 15u);
    EXPECT_GE(phrases, 3u);       // quoted, and the dictionary's several-word synonyms
    EXPECT_GE(best_related, 2u);  // related terms (the best of them) ranked in memory as by Xapian
}

// A synonym none of whose words is in the index (the forms of a typo) matches nothing: the rest
// of the query is still ranked in memory.
TEST(Ranking, ASynonymOfAbsentWordsWeighsNothing) {
    WeightedIndex index;
    Xapian::Database db = index.open();
    FilterCache cache;
    const E typo = E::combine(Op::or_, {E::combine(Op::synonym, {E::term("xyzzy"), E::term("xyzzz")}), E::scaled(E::term("xyzzyx"), 0.25)});
    const E query = E::combine(Op::or_, {typo, E::combine(Op::or_, {E::term("w0"), E::scaled(E::term("w1"), 0.25)})});
    auto [expected, best] = xapian_ranking(db, query);
    ASSERT_GT(expected.size(), 100u);
    DocSet matched(db.get_lastdocid());
    for (const auto& [did, weight] : expected) matched.add(did);
    auto ranking = rank_in_memory(query, matched, 0, expected.size(), cache, db);
    ASSERT_TRUE(ranking);
    expect_as_xapian(ranking->page, expected);
}

// Xapian estimates a synonym of rare ANDs (a related term of several words: `nature en ville`)
// at a frequency of 0 and still weighs the documents it matches: found by the equivalence
// harness, where memory had taken that 0 for "matches nothing".
TEST(Ranking, ASynonymXapianEstimatesAtZeroStillWeighs) {
    test::TempDir dir;
    {
        Xapian::WritableDatabase writer(dir.str("db"), Xapian::DB_CREATE_OR_OVERWRITE);
        for (int i = 0; i < 60; ++i) {
            Xapian::Document doc;
            doc.add_term("common", 1 + i % 3);
            if (i == 7) {
                doc.add_term("nature", 2);
                doc.add_term("ville", 1);
            }
            if (i == 9) doc.add_term("nature", 1);
            writer.add_document(doc);
        }
        writer.commit();
    }
    Xapian::Database db(dir.str("db"));
    const E related = E::combine(Op::synonym, {E::combine(Op::and_, {E::term("nature"), E::term("ville")}), E::term("absent")});
    const E query = E::combine(Op::or_, {E::term("common"), E::scaled(related, 0.5)});
    auto [expected, best] = xapian_ranking(db, query);
    ASSERT_EQ(expected.front().first, 8u) << "the document with both words ranks first";
    DocSet matched(db.get_lastdocid());
    for (const auto& [did, weight] : expected) matched.add(did);
    FilterCache cache;
    auto ranking = rank_in_memory(query, matched, 0, expected.size(), cache, db);
    ASSERT_TRUE(ranking);
    expect_as_xapian(ranking->page, expected);
}

TEST(Ranking, APageBeyondTheMatchOrOfNothingIsEmpty) {
    WeightedIndex index;
    Xapian::Database db = index.open();
    FilterCache cache;
    const E query = E::combine(Op::or_, {E::term("w0"), E::scaled(E::term("w1"), 0.25)});
    DocSet matched(db.get_lastdocid());
    auto nothing = rank_in_memory(query, matched, 0, 10, cache, db);
    ASSERT_TRUE(nothing);
    EXPECT_TRUE(nothing->page.empty());
    EXPECT_EQ(nothing->best, 0.0);
    auto [expected, best] = xapian_ranking(db, query);
    for (const auto& [did, weight] : expected) matched.add(did);
    for (std::size_t first : {expected.size(), expected.size() + 5}) {
        auto beyond = rank_in_memory(query, matched, first, 10, cache, db);
        ASSERT_TRUE(beyond);
        EXPECT_TRUE(beyond->page.empty());
        EXPECT_TRUE(close(beyond->best, best)) << "the best weight is the whole match's";
    }
    auto none = rank_in_memory(query, matched, 0, 0, cache, db);
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->page.empty());
}

// Postings, lengths and synonym frequencies held for one revision are not used for the next.
TEST(Ranking, ANewRevisionIsRankedOnItsOwnData) {
    WeightedIndex index;
    FilterCache cache;
    const E query = E::combine(Op::and_, {E::combine(Op::synonym, {E::term("w2"), E::term("w3")}),
                                          E::combine(Op::or_, {E::term("w0"), E::scaled(E::term("w1"), 0.25)})});
    for (int revision = 0; revision < 2; ++revision) {
        Xapian::Database db = index.open();
        auto [expected, best] = xapian_ranking(db, query);
        ASSERT_GT(expected.size(), 20u);
        DocSet matched(db.get_lastdocid());
        for (const auto& [did, weight] : expected) matched.add(did);
        for (int use = 0; use < 2; ++use) {
            auto ranking = rank_in_memory(query, matched, 0, expected.size(), cache, db);
            ASSERT_TRUE(ranking);
            ASSERT_EQ(ranking->page.size(), expected.size());
            for (std::size_t i = 0; i < expected.size(); ++i) {
                EXPECT_EQ(ranking->page[i].first, expected[i].first) << "revision " << revision << ", rank " << i;
                EXPECT_TRUE(close(ranking->page[i].second, expected[i].second)) << "revision " << revision << ", rank " << i;
            }
        }
        // Documents holding every word many times, longer and shorter: new lengths, wdfs and
        // frequencies.
        Xapian::WritableDatabase writer(index.dir.str("db"), Xapian::DB_OPEN);
        for (Xapian::termcount n = 1; n <= 300; ++n) {
            Xapian::Document doc;
            for (const char* word : {"w0", "w1", "w2", "w3"}) doc.add_term(word, n % 7 + 1);
            doc.add_term("filler", n);
            writer.add_document(doc);
        }
        writer.delete_document(static_cast<Xapian::docid>(3 + revision));
        writer.commit();
    }
}

TEST(Ranking, LeavesToXapianWhatItDoesNotModel) {
    WeightedIndex index;
    Xapian::Database db = index.open();
    FilterCache cache;
    DocSet all(db.get_lastdocid());
    all.fill();
    for (const E& query : {E::phrase({E::term("w0"), E::term("w1")}, 2), E::combine(Op::or_, {E::term("w0"), E::all()}),
                           E::combine(Op::and_, {E::term("w0"), E::value_range(0, "a", "b")})}) {
        EXPECT_FALSE(rank_in_memory(query, all, 0, 10, cache, db)) << query.key();
    }
}

}  // namespace
}  // namespace aides
