#include "search/memory/record_cache.hpp"

namespace aides {

std::shared_ptr<const std::string> RecordCache::get(const Xapian::Database& db, const store::Revision& revision,
                                                    Xapian::docid did) {
    std::list<Held> forgotten;  // freed once the lock is released
    {
        std::lock_guard lock(mutex_);
        if (!(revision == revision_)) {
            // Another revision: start again, even for an older one (an index restored from a
            // copy counts its revisions again from an older number, and would reach ours).
            forgotten.swap(order_);
            where_.clear();
            used_ = 0;
            revision_ = revision;
        }
        if (auto it = where_.find(did); it != where_.end()) {
            order_.splice(order_.begin(), order_, it->second);
            return it->second->second;
        }
    }
    // Read outside the lock: other searches go on meanwhile.
    auto record = std::make_shared<const std::string>(db.get_document(did, Xapian::DOC_ASSUME_VALID).get_data());
    std::lock_guard lock(mutex_);
    if (!(revision == revision_) || where_.count(did) || cost(*record) > budget_) return record;
    order_.emplace_front(did, record);
    where_.emplace(did, order_.begin());
    used_ += cost(*record);
    while (used_ > budget_) {
        used_ -= cost(*order_.back().second);
        where_.erase(order_.back().first);
        order_.pop_back();
    }
    return record;
}

bool RecordCache::holds(Xapian::docid did) const {
    std::lock_guard lock(mutex_);
    return where_.count(did) > 0;
}

std::size_t RecordCache::bytes() const {
    std::lock_guard lock(mutex_);
    return used_;
}

}  // namespace aides
