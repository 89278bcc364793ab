#pragma once
// The stored records of the pages a searcher shows, kept as Xapian returns them: reading one
// costs a B-tree look-up and a zlib inflation (about 11 us at 100,000 aids: a page of 20 was a
// third of a text search), and a portal shows the same popular aids again and again.
#include <xapian.h>

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "index/index_store.hpp"

namespace aides {

/** Thread-safe. The least recently used records are forgotten beyond the budget, and all of
 *  them when a search reads another revision (a replaced aid keeps its docid). */
class RecordCache {
  public:
    static constexpr std::size_t default_budget = std::size_t{32} << 20;
    explicit RecordCache(std::size_t budget_bytes = default_budget) : budget_(budget_bytes) {}

    /** The stored record of `did` in `db` (at `revision`, `store::Revision::of(db)`). */
    std::shared_ptr<const std::string> get(const Xapian::Database& db, const store::Revision& revision, Xapian::docid did);

    /** Whether the record of `did` is held (tests). */
    bool holds(Xapian::docid did) const;
    std::size_t bytes() const;

  private:
    using Held = std::pair<Xapian::docid, std::shared_ptr<const std::string>>;
    static std::size_t cost(const std::string& record) { return record.size() + 96; }  // the string, its node and entry

    mutable std::mutex mutex_;
    std::size_t budget_;
    std::size_t used_ = 0;
    store::Revision revision_;
    std::list<Held> order_;  // most recently used first
    std::unordered_map<Xapian::docid, std::list<Held>::iterator> where_;
};

}  // namespace aides
