#include "search/memory/ranking.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "search/plan/bm25.hpp"

namespace aides {

namespace {

// The search's BM25 parameters (k2 = 0: no document-length extra).
using bm25::k1, bm25::k3, bm25::b, bm25::min_normlen;

// A walk through one term's postings, for docids that never decrease.
struct Cursor {
    std::shared_ptr<const TermPostings> postings;
    std::size_t at = 0;

    // Whether the term indexes `did`, with its wdf.
    bool find(Xapian::docid did, Xapian::termcount& wdf) {
        const auto& ids = postings->docids;
        if (at < ids.size() && ids[at] < did) {  // gallop, then search the last stride
            std::size_t stride = 1;
            while (at + stride < ids.size() && ids[at + stride] < did) stride *= 2;
            auto from = ids.begin() + static_cast<std::ptrdiff_t>(at + stride / 2);
            auto to = ids.begin() + static_cast<std::ptrdiff_t>(std::min(at + stride + 1, ids.size()));
            at = static_cast<std::size_t>(std::lower_bound(from, to, did) - ids.begin());
        }
        if (at >= ids.size() || ids[at] != did) return false;
        wdf = postings->wdf(at);
        return true;
    }
};

// A weighting scheme that weighs nothing and records the term frequency of each weighted part.
class FrequencyProbe : public Xapian::Weight {
  public:
    explicit FrequencyProbe(std::shared_ptr<std::vector<Xapian::doccount>> seen) : seen_(std::move(seen)) { need_stat(TERMFREQ); }
    FrequencyProbe* clone() const override { return new FrequencyProbe(seen_); }
    void init(double factor) override {
        if (factor != 0) seen_->push_back(get_termfreq());  // factor 0: Xapian's own extra weight object
    }
    std::string name() const override { return "aides::FrequencyProbe"; }
    double get_sumpart(Xapian::termcount, Xapian::termcount, Xapian::termcount) const override { return 0; }
    double get_maxpart() const override { return 0; }
    double get_sumextra(Xapian::termcount, Xapian::termcount) const override { return 0; }
    double get_maxextra() const override { return 0; }

  private:
    std::shared_ptr<std::vector<Xapian::doccount>> seen_;
};

class Scorer {
  public:
    Scorer(FilterCache& cache, const Xapian::Database& db) : cache_(cache), db_(db), documents_(db.get_doccount()) {
        double average = documents_ ? static_cast<double>(db.get_total_length()) / documents_ : 0;
        len_factor_ = average != 0 ? 1 / average : 0;
    }

    /** The root node, or nothing when the query is not modelled. */
    std::optional<std::size_t> compile(const plan::Expr& expr, double factor) {
        using Op = plan::Expr::Op;
        switch (expr.op()) {
            case Op::term: {
                Node node{Kind::term};
                node.parts.push_back(cursor(expr.text()));
                node.factor = factor;  // weighed once its postings are read: their count is its frequency
                return add(std::move(node));
            }
            case Op::nothing: return add(Node{Kind::nothing});
            case Op::scale: return compile(expr.parts().front(), factor * expr.factor());
            case Op::synonym: {
                // Weighed as one term: the sum of its parts' wdfs, with the frequency Xapian
                // estimates for it (asked of Xapian once per revision).
                Node node{Kind::synonym};
                for (const plan::Expr& part : expr.parts()) {
                    auto compiled = compile(part, 0.0);
                    if (!compiled) return std::nullopt;
                    node.parts.push_back(*compiled);
                }
                if (factor == 0) return add(std::move(node));  // inside a synonym or only matched: no weight
                auto frequency = synonym_frequency(expr);
                if (!frequency) return std::nullopt;
                if (*frequency == absent_synonym) return add(Node{Kind::nothing});
                node.termweight = termweight(static_cast<Xapian::doccount>(*frequency), factor);
                return add(std::move(node));
            }
            case Op::and_:
            case Op::or_:
            case Op::max:
            case Op::and_not:
            case Op::filter: {
                const Op op = expr.op();
                Node node{op == Op::or_ ? Kind::any : op == Op::max ? Kind::max : op == Op::and_not ? Kind::but : Kind::all};
                for (std::size_t i = 0; i < expr.parts().size(); ++i) {
                    // What an AND_NOT excludes and what a FILTER requires only match: no weight.
                    bool weighs = i == 0 || op == Op::and_ || op == Op::or_ || op == Op::max;
                    auto compiled = compile(expr.parts()[i], weighs ? factor : 0.0);
                    if (!compiled) return std::nullopt;
                    node.parts.push_back(*compiled);
                }
                return add(std::move(node));
            }
            case Op::phrase: {
                // Xapian 1.4 weighs a phrase as the AND of its words, for the documents where
                // they stand together: the set the filter cache read (null: left to Xapian).
                Node node{Kind::phrase};
                node.set = cache_.resolve(expr, db_, false, /*phrases=*/true);
                if (!node.set) return std::nullopt;
                for (const plan::Expr& part : expr.parts()) {
                    auto compiled = compile(part, factor);
                    if (!compiled) return std::nullopt;
                    node.parts.push_back(*compiled);
                }
                return add(std::move(node));
            }
            case Op::all:
            case Op::value_range:
            case Op::source: return std::nullopt;  // not modelled: Xapian's
        }
        return std::nullopt;
    }

    /** Reads the postings of the compiled query's terms (once it is known to be modelled). */
    void open() {
        for (std::size_t i = 0; i < cursors_.size(); ++i) cursors_[i].postings = cache_.postings(terms_[i], db_);
        for (Node& node : nodes_)
            if (node.kind == Kind::term)
                node.termweight = termweight(static_cast<Xapian::doccount>(cursors_[node.parts.front()].postings->docids.size()), node.factor);
    }

    /** Whether `did` matches `n`; its weight added to `weight`. */
    bool weigh(std::size_t n, Xapian::docid did, Xapian::termcount length, double& weight) {
        const Node& node = nodes_[n];
        switch (node.kind) {
            case Kind::nothing: return false;
            case Kind::term: {
                Xapian::termcount wdf = 0;
                if (!cursors_[node.parts.front()].find(did, wdf)) return false;
                weight += sumpart(node.termweight, wdf, length);
                return true;
            }
            case Kind::synonym: {
                Xapian::termcount wdf = 0;
                if (!frequency(n, did, wdf)) return false;
                weight += sumpart(node.termweight, std::min(wdf, length), length);  // Xapian bounds it by the length
                return true;
            }
            case Kind::any: {
                bool found = false;
                double sum = 0;
                for (std::size_t part : node.parts) {
                    double w = 0;
                    if (weigh(part, did, length, w)) {
                        found = true;
                        sum += w;
                    }
                }
                if (found) weight += sum;
                return found;
            }
            case Kind::max: {  // the greatest weight of the matching parts
                bool found = false;
                double greatest = 0;
                for (std::size_t part : node.parts) {
                    double w = 0;
                    if (weigh(part, did, length, w)) {
                        greatest = found ? std::max(greatest, w) : w;
                        found = true;
                    }
                }
                if (found) weight += greatest;
                return found;
            }
            case Kind::phrase:
                if (!node.set->contains(did)) return false;
                [[fallthrough]];
            case Kind::all: {
                double sum = 0;
                for (std::size_t part : node.parts) {
                    double w = 0;
                    if (!weigh(part, did, length, w)) return false;
                    sum += w;
                }
                weight += sum;
                return true;
            }
            case Kind::but: {
                double w = 0;
                if (!weigh(node.parts.front(), did, length, w)) return false;
                for (std::size_t i = 1; i < node.parts.size(); ++i) {
                    double ignored = 0;
                    if (weigh(node.parts[i], did, length, ignored)) return false;
                }
                weight += w;
                return true;
            }
        }
        return false;
    }

    /** Whether `did` matches `n`, with its wdf there: a term's, or the sum of the matching
     *  parts' (as Xapian adds them up inside a synonym). */
    bool frequency(std::size_t n, Xapian::docid did, Xapian::termcount& wdf) {
        const Node& node = nodes_[n];
        switch (node.kind) {
            case Kind::nothing: return false;
            case Kind::term: return cursors_[node.parts.front()].find(did, wdf);
            case Kind::synonym:
            case Kind::any:
            case Kind::max: {
                bool found = false;
                for (std::size_t part : node.parts) {
                    Xapian::termcount w = 0;
                    if (frequency(part, did, w)) {
                        found = true;
                        wdf += w;
                    }
                }
                return found;
            }
            case Kind::all: {
                Xapian::termcount sum = 0;
                for (std::size_t part : node.parts) {
                    Xapian::termcount w = 0;
                    if (!frequency(part, did, w)) return false;
                    sum += w;
                }
                wdf += sum;
                return true;
            }
            case Kind::phrase: {  // Xapian 1.4's estimate: the least wdf of its words
                if (!node.set->contains(did)) return false;
                Xapian::termcount least = 0;
                for (std::size_t i = 0; i < node.parts.size(); ++i) {
                    Xapian::termcount w = 0;
                    if (!frequency(node.parts[i], did, w)) return false;
                    least = i == 0 ? w : std::min(least, w);
                }
                wdf += least;
                return true;
            }
            case Kind::but: {
                Xapian::termcount w = 0;
                if (!frequency(node.parts.front(), did, w)) return false;
                for (std::size_t i = 1; i < node.parts.size(); ++i) {
                    Xapian::termcount ignored = 0;
                    if (frequency(node.parts[i], did, ignored)) return false;
                }
                wdf += w;
                return true;
            }
        }
        return false;
    }

  private:
    enum class Kind { term, synonym, all, any, max, but, phrase, nothing };
    struct Node {
        Kind kind;
        std::vector<std::size_t> parts;  // nodes; a term's cursor
        double factor = 1;               // a term's, until open()
        double termweight = 0;
        std::shared_ptr<const DocSet> set;  // a phrase's documents
    };

    std::size_t add(Node node) {
        nodes_.push_back(std::move(node));
        return nodes_.size() - 1;
    }
    std::size_t cursor(const std::string& term) {
        terms_.push_back(term);
        cursors_.emplace_back();
        return cursors_.size() - 1;
    }

    // The term frequency Xapian gives a synonym's weight (an estimate: how its OR tree is built
    // and rounded is Xapian's, and may be 0 for a synonym that matches, e.g. of rare ANDs), read
    // from the weight Xapian initialises for it; absent_synonym when none of its words is in the
    // index. Computed once per revision.
    static constexpr std::uint64_t absent_synonym = ~std::uint64_t{0} - 1;
    std::optional<std::uint64_t> synonym_frequency(const plan::Expr& synonym) {
        constexpr std::uint64_t not_one = ~std::uint64_t{0};
        std::uint64_t frequency = cache_.remembered(std::string(1, '\2') + synonym.key(), db_, [&]() -> std::uint64_t {
            auto seen = std::make_shared<std::vector<Xapian::doccount>>();
            Xapian::Enquire enquire(db_);
            enquire.set_query(synonym.to_query());
            enquire.set_weighting_scheme(FrequencyProbe(seen));
            enquire.get_mset(0, 0);
            if (seen->size() == 1) return seen->front();
            // None of its words in the index (a typo's forms): it matches nothing, and Xapian
            // gives it no weight to read.
            const std::vector<std::string> terms = synonym.terms();
            bool absent = seen->empty() &&
                          std::all_of(terms.begin(), terms.end(), [&](const std::string& term) { return db_.get_termfreq(term) == 0; });
            return absent ? absent_synonym : not_one;
        });
        if (frequency == not_one) return std::nullopt;
        return frequency;
    }

    // As Xapian::BM25Weight::init, for a query term of wqf 1 (TextQueryBuilder never sets another).
    double termweight(Xapian::doccount termfreq, double factor) const {
        double tw = (documents_ - termfreq + 0.5) / (termfreq + 0.5);
        if (tw < 2) tw = tw * 0.5 + 1;
        double weight = std::log(tw) * factor;
        const double wqf = 1;
        weight *= (k3 + 1) * wqf / (k3 + wqf);
        return weight * (k1 + 1);
    }
    // As Xapian::BM25Weight::get_sumpart.
    double sumpart(double termweight, Xapian::termcount wdf, Xapian::termcount length) const {
        double normlen = std::max(length * len_factor_, min_normlen);
        double wdf_double = wdf;
        double denom = k1 * (normlen * b + (1 - b)) + wdf_double;
        return termweight * (wdf_double / denom);
    }

    FilterCache& cache_;
    const Xapian::Database& db_;
    Xapian::doccount documents_;
    double len_factor_ = 0;
    std::vector<Node> nodes_;
    std::vector<Cursor> cursors_;
    std::vector<std::string> terms_;  // by cursor
};

}  // namespace

std::optional<Ranking> rank_in_memory(const plan::Expr& text, const DocSet& matched, std::size_t first, std::size_t count,
                                      FilterCache& cache, const Xapian::Database& db) {
    Scorer scorer(cache, db);
    auto root = scorer.compile(text, 1.0);
    if (!root) return std::nullopt;
    scorer.open();
    std::shared_ptr<const DocLengths> lengths = cache.lengths(db);
    using Hit = std::pair<Xapian::docid, double>;
    // Xapian's order: the greater weight first, then the smaller docid.
    auto before = [](const Hit& a, const Hit& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; };
    const std::size_t wanted = first + count;
    std::vector<Hit> top;  // a heap whose front is the last in order
    top.reserve(std::min(wanted, matched.count()));
    Ranking ranking;
    bool unweighed = false;
    matched.for_each([&](Xapian::docid did) {
        double weight = 0;
        // A matched document the compiled text does not reach (a related term of several
        // words, read differently by the filter): the ranking is left to Xapian, which ranks
        // every document of the match, rather than a page that drops a counted aid.
        if (unweighed || !scorer.weigh(*root, did, (*lengths)[did], weight)) {
            unweighed = true;
            return;
        }
        ranking.best = std::max(ranking.best, weight);
        Hit hit{did, weight};
        if (top.size() < wanted) {
            top.push_back(hit);
            std::push_heap(top.begin(), top.end(), before);
        } else if (wanted > 0 && before(hit, top.front())) {
            std::pop_heap(top.begin(), top.end(), before);
            top.back() = hit;
            std::push_heap(top.begin(), top.end(), before);
        }
    });
    if (unweighed) return std::nullopt;
    std::sort_heap(top.begin(), top.end(), before);
    if (top.size() > first) ranking.page.assign(top.begin() + static_cast<std::ptrdiff_t>(first), top.end());
    return ranking;
}

}  // namespace aides
