#pragma once
// Filters held in memory. A search's filter is an expression of the plan (search/plan/expr.hpp,
// the one definition of what a filter means). FilterCache evaluates it into a bitmap of
// docids when its costly parts are already in memory, as a query cache does: a posting list
// or value range that many aids share is read into a bitmap on its second use and kept for the
// index revision; small posting lists are read on the spot. A resolved filter is then one
// posting source for Xapian (skipping to a docid is a bit scan, and its exact size lets the
// matcher drive from it), or, for a query without text, the whole match: counted, faceted and
// ordered in memory with the sort keys of every document (SortColumn), without Xapian's matcher.
//
// The first search of a process pays nothing extra (a command-line search reads each posting
// list once either way); a long-lived searcher stops re-reading the lists everybody filters on.
#include <xapian.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "index/index_store.hpp"
#include "search/plan/expr.hpp"

namespace aides {

/** A set of docids of one index revision, as a bitmap. */
class DocSet {
  public:
    explicit DocSet(Xapian::docid last = 0) : last_(last), words_(static_cast<std::size_t>(last) / 64 + 1, 0) {}

    /** The documents indexing `term` ("" for every document). */
    static DocSet of_term(const Xapian::Database& db, const std::string& term);
    /** The documents of a list of docids. */
    static DocSet of_docids(Xapian::docid last, const std::vector<Xapian::docid>& docids);
    /** The documents matching any query, through Xapian's matcher. */
    static DocSet of_query(const Xapian::Database& db, const Xapian::Query& query);

    Xapian::docid last() const { return last_; }
    std::size_t count() const { return count_; }
    bool contains(Xapian::docid did) const { return did <= last_ && (words_[did / 64] >> (did % 64) & 1); }
    /** The first member >= did, or last() + 1. */
    Xapian::docid next(Xapian::docid did) const;
    void add(Xapian::docid did);
    void remove(Xapian::docid did);
    void intersect(const DocSet& other);
    void unite(const DocSet& other);
    void subtract(const DocSet& other);
    /** How many documents both sets hold. */
    std::size_t count_common(const DocSet& other) const;
    /** Every docid from 1 to last(). */
    void fill();
    std::size_t bytes() const { return words_.size() * sizeof(std::uint64_t); }

    template <class Visit>
    void for_each(Visit&& visit) const {
        for (std::size_t w = 0; w < words_.size(); ++w)
            for (std::uint64_t bits = words_[w]; bits; bits &= bits - 1)
                visit(static_cast<Xapian::docid>(w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits))));
    }

  private:
    void recount();
    Xapian::docid last_;
    std::size_t count_ = 0;
    std::vector<std::uint64_t> words_;
};

/** A DocSet as a Xapian posting source (weight 0: it filters, it does not rank). */
class DocSetSource : public Xapian::PostingSource {
  public:
    explicit DocSetSource(std::shared_ptr<const DocSet> set) : set_(std::move(set)) {}
    /** A query matching the set's documents. */
    static Xapian::Query query(std::shared_ptr<const DocSet> set);
    /** The same, as a part of a plan's expression. */
    static plan::Expr expr(std::shared_ptr<const DocSet> set);

    Xapian::doccount get_termfreq_min() const override { return static_cast<Xapian::doccount>(set_->count()); }
    Xapian::doccount get_termfreq_est() const override { return static_cast<Xapian::doccount>(set_->count()); }
    Xapian::doccount get_termfreq_max() const override { return static_cast<Xapian::doccount>(set_->count()); }
    void init(const Xapian::Database&) override {
        current_ = 0;
        between_ = false;
    }
    void next(double) override {
        current_ = set_->next(current_ + 1);
        between_ = false;
    }
    void skip_to(Xapian::docid did, double) override {
        if (between_) current_ = set_->next(std::max(did, current_ + 1));
        else if (did > current_) current_ = set_->next(did);
        between_ = false;
    }
    // A bit test; after a "no", Xapian moves on with next() or skip_to(), as from just past did.
    bool check(Xapian::docid did, double) override {
        current_ = did;
        between_ = !set_->contains(did);
        return !between_;
    }
    bool at_end() const override { return current_ > set_->last(); }
    Xapian::docid get_docid() const override { return current_; }
    Xapian::PostingSource* clone() const override { return new DocSetSource(set_); }
    std::string get_description() const override;

  private:
    std::shared_ptr<const DocSet> set_;
    Xapian::docid current_ = 0;
    bool between_ = false;  // check() said no: positioned just past current_
};

/** A value slot of every document as an unsigned key in the slot's order (the digits of a
 *  YYYY-MM-DD date, with place_order's leading digit). Built only when every value of the slot
 *  has the same shape, so that comparing keys is comparing values. */
class SortColumn {
  public:
    static std::optional<SortColumn> build(const Xapian::Database& db, Xapian::valueno slot);
    std::uint64_t key(Xapian::docid did) const { return did < keys_.size() ? keys_[did] : missing_; }

  private:
    std::vector<std::uint64_t> keys_;  // by docid
    std::uint64_t missing_ = 0;        // no value sorts first, as in Xapian
};

/** The first `wanted` documents of `set` in key order (descending keys when `descending`), ties
 *  by docid as Xapian breaks them. One pass with a heap of `wanted` entries. The documents of
 *  `undated` sort as if their date (the key's last eight digits) were 9999-12-31, as
 *  UndatedSortKey makes Xapian sort them. */
std::vector<Xapian::docid> first_in_order(const DocSet& set, const SortColumn& keys, bool descending, std::size_t wanted,
                                          const DocSet* undated = nullptr);

/** The ongoing aids whose deadline is before `today` (YYYY-MM-DD): a stale deadline, sorted and
 *  filtered as no deadline. Empty when there are none. */
DocSet stale_deadlines(const Xapian::Database& db, const std::string& today);

/** Xapian's sort key of a date-ending value slot (deadline_order, place_order), with the date of
 *  the documents of `undated` replaced by 9999-12-31 (as with no deadline). */
class UndatedSortKey : public Xapian::KeyMaker {
  public:
    UndatedSortKey(Xapian::valueno slot, std::shared_ptr<const DocSet> undated) : slot_(slot), undated_(std::move(undated)) {}
    std::string operator()(const Xapian::Document& doc) const override;

  private:
    Xapian::valueno slot_;
    std::shared_ptr<const DocSet> undated_;
};

/** A term's posting list with the term's frequency in each document (wdf), for ranking in
 *  memory (query/ranking.hpp). */
class TermPostings {
  public:
    static TermPostings of_term(const Xapian::Database& db, const std::string& term);
    std::vector<Xapian::docid> docids;  ///< ascending
    /** The wdf of docids[i]. */
    Xapian::termcount wdf(std::size_t i) const { return small_wdfs_[i] != large ? small_wdfs_[i] : large_wdf(i); }
    std::size_t bytes() const {
        return docids.size() * (sizeof(Xapian::docid) + 1) + large_wdfs_.size() * sizeof(large_wdfs_.front());
    }

  private:
    // Most wdfs are small: a byte each; the few of 255 or more by position, aside.
    static constexpr std::uint8_t large = 255;
    Xapian::termcount large_wdf(std::size_t i) const;
    std::vector<std::uint8_t> small_wdfs_;
    std::vector<std::pair<std::size_t, Xapian::termcount>> large_wdfs_;
};

/** Every document's length (the sum of its wdfs, as Xapian weighs it), by docid. */
struct DocLengths {
    std::vector<Xapian::termcount> by_docid;
    static DocLengths of(const Xapian::Database& db);
    Xapian::termcount operator[](Xapian::docid did) const { return did < by_docid.size() ? by_docid[did] : 0; }
};

/** The in-memory filters and sort keys of the searcher's index. Thread-safe; everything is
 *  dropped when the index has a new revision. */
class FilterCache {
  public:
    /** `budget_bytes` 0: as much as 2,048 bitmaps of the index, and at least 128 MB, so that an
     *  index of a million aids keeps as many lists in memory as a smaller one. */
    explicit FilterCache(std::size_t budget_bytes = 0) : fixed_budget_(budget_bytes) {}

    struct Prepared {
        plan::Expr expr;                       ///< the filter, resolved parts as posting sources
        std::shared_ptr<const DocSet> whole;   ///< the whole filter, when it resolved
    };
    /** `eager`: every part read into memory on its first use, rather than its second. */
    Prepared prepare(const plan::Expr& filter, const Xapian::Database& db, bool eager = false);
    /** The documents of `query`, weights aside, when every part of it is in memory or cheap to
     *  read (as prepare() reads them, each part counting its use); null otherwise, without
     *  combining the parts that are. A text query
     *  too: synonyms, scaled weights and optional parts read as Xapian matches them; phrases
     *  are left to Xapian (checking positions over the whole index, not within a filter, could
     *  cost a pass over every document holding the words), unless `phrases`: then a phrase is
     *  matched by Xapian over the whole index on its second use and kept, for callers that ask
     *  the same phrases again and again (the partial matches' units, whose concepts are the
     *  dictionary's). */
    std::shared_ptr<const DocSet> resolve(const plan::Expr& expr, const Xapian::Database& db, bool eager = false,
                                          bool phrases = false);

    /** The sort keys of `slot`, read on the second request for them; null before, or when the
     *  slot's values cannot be ordered as keys. */
    std::shared_ptr<const SortColumn> sort_column(const Xapian::Database& db, Xapian::valueno slot, bool eager = false);

    /** The posting list of `term` with its wdfs, read on request (a ranking asks only for the
     *  words of a match already in memory) and kept within the budget with the sets. */
    std::shared_ptr<const TermPostings> postings(const std::string& term, const Xapian::Database& db);
    /** The length of every document, read on request and kept for the revision. */
    std::shared_ptr<const DocLengths> lengths(const Xapian::Database& db);
    /** A number of the revision computed once for `key` (a synonym's frequency as Xapian
     *  estimates it), kept for the revision. */
    std::uint64_t remembered(const std::string& key, const Xapian::Database& db, const std::function<std::uint64_t()>& compute);

  private:
    struct Entry {
        enum class Length { unknown, short_list, long_list };
        std::shared_ptr<const DocSet> set;
        std::shared_ptr<const TermPostings> postings;
        std::size_t bytes() const { return (set ? set->bytes() : 0) + (postings ? postings->bytes() : 0); }
        unsigned uses = 0;
        std::uint64_t last_use = 0;
        Length length = Length::unknown;  // of a term's posting list, once asked
    };
    void sync(const store::Revision& revision, Xapian::docid last);  // with the lock held
    // Forgets the least recently used sets and postings until the budget holds (lock held).
    void evict(const Entry& keep);
    static std::string postings_key(const std::string& term) { return std::string(1, '\1') + term; }
    // Holds a term's postings just read, unless another thread did or the revision moved on.
    std::shared_ptr<const TermPostings> keep_postings(const std::string& term, const store::Revision& revision,
                                                      std::shared_ptr<const TermPostings> read);
    // A part of the filter: resolved into a set, or left to Xapian as a query.
    struct Part {
        std::shared_ptr<const DocSet> set;
        plan::Expr expr;
    };
    // `whole_only`: nothing combined when a part is left to Xapian (resolve()), rather than the
    // others combined into a posting source (prepare()). `phrases`: as resolve() says.
    Part evaluate(const plan::Expr& expr, const Xapian::Database& db, const store::Revision& revision, bool whole_only, bool eager,
                  bool phrases = false);
    /** The set of `key`: the cached one; or read now when `is_short` says its posting list is
     *  short (never kept); or null on its first use, left to Xapian's matcher. */
    std::shared_ptr<const DocSet> leaf(const std::string& key, const store::Revision& revision, const std::function<DocSet()>& read,
                                       const std::function<bool()>& is_short, bool eager);

    std::mutex mutex_;
    std::size_t fixed_budget_;
    std::size_t budget_ = 0;
    std::size_t used_ = 0;
    std::uint64_t clock_ = 0;
    store::Revision revision_;
    std::map<std::string, Entry> leaves_;  // key: term, "\0" + an expression's key, or "\1" + term (postings)
    // Entries without a set (lengths and use counts of every word searched) are forgotten past
    // this many, so that a searcher fed endless new words stays bounded.
    static constexpr std::size_t max_entries = 1u << 16;
    std::map<Xapian::valueno, std::pair<unsigned, std::shared_ptr<const SortColumn>>> columns_;
    std::shared_ptr<const DocLengths> lengths_;
    std::map<std::string, std::uint64_t> numbers_;  // forgotten past max_entries
};

}  // namespace aides
