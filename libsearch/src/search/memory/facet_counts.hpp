#pragma once
// Exact facet counts in one pass over the match. The facet values of every document (posting
// lists of the facet terms, the facet slot for the rest; see schema.hpp) are read once per index
// revision into compact arrays: per docid, a run of small integer codes, one per "<facet
// letter><value>". A match spy then only adds one to a counter per code of each matching
// document: no value read, no string built, no map touched. The values that many documents
// share ("dense": audiences, aid types, broad themes) also get a bitmap: a broad match held in
// memory counts them with one AND and popcount per 64 documents, and walks only the rest of
// each document's run.
#include <aides/search.hpp>

#include <xapian.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "index/index_store.hpp"
#include "search/memory/doc_sets.hpp"

namespace aides {

/** The facet values of an index revision, in memory. Immutable once built; shared by threads. */
class FacetTable {
  public:
    /** Reads the facet slot of every document of `db` (one value stream). */
    static std::shared_ptr<const FacetTable> build(const Xapian::Database& db);
    /** True when this table describes `db` as it is now. */
    bool matches(const Xapian::Database& db) const;

    std::size_t codes() const { return values_.size(); }
    /** `<facet letter><value>` of a code. */
    const std::string& value(std::uint32_t code) const { return values_[code]; }
    /** Every code, in the order of their values. */
    const std::vector<std::uint32_t>& in_value_order() const { return value_order_; }
    /** Codes of a document: [begin, end) of codes_, its dense codes first; empty for an
     *  unknown docid. */
    const std::uint32_t* begin(Xapian::docid did) const { return did + 1 < offsets_.size() ? codes_.data() + offsets_[did] : nullptr; }
    const std::uint32_t* end(Xapian::docid did) const { return did + 1 < offsets_.size() ? codes_.data() + offsets_[did + 1] : nullptr; }
    /** Where the codes of a document that are not dense begin, in [begin, end). */
    const std::uint32_t* sparse_begin(Xapian::docid did) const {
        return did + 1 < offsets_.size() ? codes_.data() + sparse_from_[did] : nullptr;
    }
    /** The dense codes, each with its documents. */
    const std::vector<std::pair<std::uint32_t, DocSet>>& dense() const { return dense_; }

  private:
    store::Revision revision_;
    std::vector<std::uint32_t> offsets_;      // by docid, lastdocid + 2 entries
    std::vector<std::uint32_t> sparse_from_;  // by docid: the end of its dense codes in codes_
    std::vector<std::uint32_t> codes_;
    std::vector<std::pair<std::uint32_t, DocSet>> dense_;
    std::vector<std::string> values_;
    std::vector<std::uint32_t> value_order_;
};

/** The table of the searcher's index, built on the first facet request and rebuilt when the
 *  index has a new revision. Thread-safe. */
class FacetTableCache {
  public:
    std::shared_ptr<const FacetTable> get(const Xapian::Database& db);

  private:
    std::mutex mutex_;
    std::shared_ptr<const FacetTable> table_;
};

/** Counts the facet values of every matching document. */
class FacetCounter : public Xapian::MatchSpy {
  public:
    explicit FacetCounter(std::shared_ptr<const FacetTable> table)
        : table_(std::move(table)), counts_(table_->codes(), 0) {}
    void operator()(const Xapian::Document& doc, double) override { add(doc.get_docid()); }
    void add(Xapian::docid did) { count(table_->begin(did), table_->end(did)); }
    /** Adds every document of `matched`: the same counts as add() on each, sooner on a broad set. */
    void add(const DocSet& matched);
    /** The counts by facet name (themes, categories, aid_types, targeted_audiences, programs,
     *  backers), every facet present even when empty. */
    Facets facets() const;

  private:
    void count(const std::uint32_t* code, const std::uint32_t* end) {
        for (; code != end; ++code) ++counts_[*code];
    }
    std::shared_ptr<const FacetTable> table_;
    std::vector<std::uint32_t> counts_;
};

}  // namespace aides
