#include "search/memory/doc_sets.hpp"

#include <algorithm>

#include "index/schema.hpp"

namespace aides {

// ---------------------------------------------------------------------------------- DocSet
DocSet DocSet::of_term(const Xapian::Database& db, const std::string& term) {
    DocSet set(db.get_lastdocid());
    for (auto it = db.postlist_begin(term), end = db.postlist_end(term); it != end; ++it) set.add(*it);
    return set;
}

DocSet DocSet::of_docids(Xapian::docid last, const std::vector<Xapian::docid>& docids) {
    DocSet set(last);
    for (Xapian::docid did : docids) set.add(did);
    return set;
}

DocSet DocSet::of_query(const Xapian::Database& db, const Xapian::Query& query) {
    struct Collect : Xapian::MatchSpy {
        DocSet* set;
        explicit Collect(DocSet* s) : set(s) {}
        void operator()(const Xapian::Document& doc, double) override { set->add(doc.get_docid()); }
    };
    DocSet set(db.get_lastdocid());
    Collect collect(&set);
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.add_matchspy(&collect);
    enquire.get_mset(0, 0, db.get_doccount());  // every match goes through the spy
    return set;
}

Xapian::docid DocSet::next(Xapian::docid did) const {
    if (did > last_) return last_ + 1;
    std::size_t w = did / 64;
    std::uint64_t bits = words_[w] & (~std::uint64_t{0} << (did % 64));
    while (!bits) {
        if (++w == words_.size()) return last_ + 1;
        bits = words_[w];
    }
    return static_cast<Xapian::docid>(w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits)));
}

void DocSet::add(Xapian::docid did) {
    if (did > last_ || contains(did)) return;
    words_[did / 64] |= std::uint64_t{1} << (did % 64);
    ++count_;
}

void DocSet::remove(Xapian::docid did) {
    if (!contains(did)) return;
    words_[did / 64] &= ~(std::uint64_t{1} << (did % 64));
    --count_;
}

void DocSet::intersect(const DocSet& other) {
    for (std::size_t w = 0; w < words_.size(); ++w) words_[w] &= w < other.words_.size() ? other.words_[w] : 0;
    recount();
}

void DocSet::unite(const DocSet& other) {
    for (std::size_t w = 0; w < words_.size() && w < other.words_.size(); ++w) words_[w] |= other.words_[w];
    if (other.last_ > last_) words_.back() &= ~std::uint64_t{0} >> (63 - last_ % 64);  // nothing past last_
    recount();
}

void DocSet::subtract(const DocSet& other) {
    for (std::size_t w = 0; w < words_.size() && w < other.words_.size(); ++w) words_[w] &= ~other.words_[w];
    recount();
}

void DocSet::fill() {
    std::fill(words_.begin(), words_.end(), ~std::uint64_t{0});
    words_.back() = ~std::uint64_t{0} >> (63 - last_ % 64);
    words_.front() &= ~std::uint64_t{1};  // docids start at 1
    recount();
}

// Counting a set of 1M docids is 15,625 popcounts. Bit arithmetic that the compiler turns into
// vector code: a baseline x86-64 build would call a library routine for each word otherwise.
static std::size_t bits_set(std::uint64_t x) {
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return static_cast<std::size_t>((x * 0x0101010101010101ULL) >> 56);
}

std::size_t DocSet::count_common(const DocSet& other) const {
    std::size_t n = 0;
    for (std::size_t w = 0; w < words_.size() && w < other.words_.size(); ++w) n += bits_set(words_[w] & other.words_[w]);
    return n;
}

void DocSet::recount() {
    count_ = 0;
    for (std::uint64_t bits : words_) count_ += bits_set(bits);
}

// ---------------------------------------------------------------------------- DocSetSource
Xapian::Query DocSetSource::query(std::shared_ptr<const DocSet> set) {
    return Xapian::Query((new DocSetSource(std::move(set)))->release());
}

plan::Expr DocSetSource::expr(std::shared_ptr<const DocSet> set) {
    // Named by its address: a set is never compared with another, only cached by itself.
    std::string key = std::to_string(reinterpret_cast<std::uintptr_t>(set.get()));
    return plan::Expr::source(std::make_shared<const DocSetSource>(std::move(set)), std::move(key));
}

std::string DocSetSource::get_description() const {
    return "DocSetSource(" + std::to_string(set_->count()) + " documents)";
}

// --------------------------------------------------------------------- postings and lengths
TermPostings TermPostings::of_term(const Xapian::Database& db, const std::string& term) {
    TermPostings out;
    out.docids.reserve(db.get_termfreq(term));
    out.small_wdfs_.reserve(out.docids.capacity());
    for (auto it = db.postlist_begin(term), end = db.postlist_end(term); it != end; ++it) {
        Xapian::termcount wdf = it.get_wdf();
        if (wdf >= large) out.large_wdfs_.emplace_back(out.docids.size(), wdf);
        out.docids.push_back(*it);
        out.small_wdfs_.push_back(static_cast<std::uint8_t>(std::min<Xapian::termcount>(wdf, large)));
    }
    return out;
}

Xapian::termcount TermPostings::large_wdf(std::size_t i) const {
    auto it = std::lower_bound(large_wdfs_.begin(), large_wdfs_.end(), std::pair<std::size_t, Xapian::termcount>{i, 0});
    return it->second;
}

DocLengths DocLengths::of(const Xapian::Database& db) {
    DocLengths out;
    out.by_docid.assign(static_cast<std::size_t>(db.get_lastdocid()) + 1, 0);
    for (auto it = db.postlist_begin(std::string()), end = db.postlist_end(std::string()); it != end; ++it)
        out.by_docid[*it] = it.get_doclength();
    return out;
}

// ------------------------------------------------------------------------------ SortColumn
std::optional<SortColumn> SortColumn::build(const Xapian::Database& db, Xapian::valueno slot) {
    SortColumn column;
    column.keys_.assign(static_cast<std::size_t>(db.get_lastdocid()) + 1, column.missing_);
    std::string shape;  // the first value with its digits as '0': every value must look the same
    for (auto it = db.valuestream_begin(slot); it != db.valuestream_end(slot); ++it) {
        const std::string value = *it;
        if (value.empty() || value.size() > 19) return std::nullopt;
        std::uint64_t key = 0;
        for (std::size_t i = 0; i < value.size(); ++i) {
            char c = value[i];
            bool digit = c >= '0' && c <= '9';
            if (shape.size() == value.size() ? (shape[i] == '0') != digit || (!digit && shape[i] != c) : !shape.empty())
                return std::nullopt;
            if (digit) key = key * 10 + static_cast<std::uint64_t>(c - '0');
        }
        if (shape.empty())
            for (char c : value) shape += c >= '0' && c <= '9' ? '0' : c;
        // Key 0 is kept for "no value", which sorts before every value as in Xapian.
        if (it.get_docid() < column.keys_.size()) column.keys_[it.get_docid()] = key + 1;
    }
    return column;
}

std::vector<Xapian::docid> first_in_order(const DocSet& set, const SortColumn& keys, bool descending, std::size_t wanted,
                                          const DocSet* undated) {
    // A key is the value's digits plus one; a date is its last eight digits.
    constexpr std::uint64_t date_digits = 100'000'000, no_date = 99'991'231;
    auto key = [&](Xapian::docid did) {
        std::uint64_t k = keys.key(did);
        if (undated && k > 0 && undated->contains(did)) k = (k - 1) / date_digits * date_digits + no_date + 1;
        return k;
    };
    auto before = [&](Xapian::docid a, Xapian::docid b) {
        std::uint64_t ka = key(a), kb = key(b);
        if (ka != kb) return descending ? ka > kb : ka < kb;
        return a < b;
    };
    wanted = std::min(wanted, set.count());
    std::vector<Xapian::docid> top;  // a max-heap: the last in order on top
    top.reserve(wanted);
    if (wanted > 0)
        set.for_each([&](Xapian::docid did) {
            if (top.size() < wanted) {
                top.push_back(did);
                std::push_heap(top.begin(), top.end(), before);
            } else if (before(did, top.front())) {
                std::pop_heap(top.begin(), top.end(), before);
                top.back() = did;
                std::push_heap(top.begin(), top.end(), before);
            }
        });
    std::sort_heap(top.begin(), top.end(), before);
    return top;
}

DocSet stale_deadlines(const Xapian::Database& db, const std::string& today) {
    DocSet stale(db.get_lastdocid());
    const std::string ongoing = schema::term(schema::recurrence, "ongoing");
    if (today.size() != 10 || !db.term_exists(ongoing)) return stale;
    std::string before_today = today;  // below today's last character, then anything
    --before_today.back();
    before_today += '\xff';
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(ongoing),
                                    Xapian::Query(Xapian::Query::OP_VALUE_LE, schema::deadline, before_today)));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    Xapian::MSet mset = enquire.get_mset(0, db.get_termfreq(ongoing));
    for (Xapian::docid did : mset) stale.add(did);
    return stale;
}

std::string UndatedSortKey::operator()(const Xapian::Document& doc) const {
    std::string value = doc.get_value(slot_);
    if (value.size() >= 10 && undated_->contains(doc.get_docid())) value.replace(value.size() - 10, 10, "9999-12-31");
    return value;
}

// ----------------------------------------------------------------------------- FilterCache
void FilterCache::sync(const store::Revision& revision, Xapian::docid last) {
    if (revision == revision_) return;
    revision_ = revision;
    const std::size_t bitmap = (static_cast<std::size_t>(last) / 64 + 1) * sizeof(std::uint64_t);
    budget_ = fixed_budget_ ? fixed_budget_ : std::max<std::size_t>(std::size_t{128} << 20, 2048 * bitmap);
    leaves_.clear();
    columns_.clear();
    lengths_.reset();
    numbers_.clear();
    used_ = 0;
}

void FilterCache::evict(const Entry& keep) {
    while (used_ > budget_) {  // the use counts stay
        Entry* oldest = nullptr;
        for (auto& [k, e] : leaves_)
            if ((e.set || e.postings) && &e != &keep && (!oldest || e.last_use < oldest->last_use)) oldest = &e;
        if (!oldest) break;
        used_ -= oldest->bytes();
        oldest->set.reset();
        oldest->postings.reset();
    }
}

std::shared_ptr<const DocSet> FilterCache::leaf(const std::string& key, const store::Revision& revision,
                                                const std::function<DocSet()>& read, const std::function<bool()>& is_short,
                                                bool eager) {
    using Length = Entry::Length;
    Length length;
    {
        std::lock_guard lock(mutex_);
        if (revision != revision_) return nullptr;  // another thread moved the cache on
        if (leaves_.size() >= max_entries)
            for (auto it = leaves_.begin(); it != leaves_.end();) it = it->second.bytes() ? std::next(it) : leaves_.erase(it);
        Entry& entry = leaves_[key];
        entry.last_use = ++clock_;
        if (entry.set) return entry.set;
        length = is_short ? entry.length : Length::long_list;
        // Read on its second use: once is Xapian's job (unless memory was asked for).
        if (length == Length::long_list && ++entry.uses < 2 && !eager) return nullptr;
    }
    if (length == Length::unknown) {
        // Asked of Xapian once per revision: a B-tree look-up each time.
        length = is_short() ? Length::short_list : Length::long_list;
        std::lock_guard lock(mutex_);
        if (revision != revision_) return nullptr;
        Entry& entry = leaves_[key];
        entry.length = length;
        if (length == Length::long_list && ++entry.uses < 2 && !eager) return nullptr;
    }
    if (length == Length::short_list) return std::make_shared<const DocSet>(read());  // never kept
    auto set = std::make_shared<const DocSet>(read());
    std::lock_guard lock(mutex_);
    if (revision != revision_) return set;
    Entry& entry = leaves_[key];
    if (!entry.set) {
        entry.set = set;
        used_ += set->bytes();
    }
    evict(entry);
    return entry.set ? entry.set : set;
}

std::shared_ptr<const TermPostings> FilterCache::postings(const std::string& term, const Xapian::Database& db) {
    const store::Revision revision = store::Revision::of(db);
    {
        std::lock_guard lock(mutex_);
        sync(revision, db.get_lastdocid());
        Entry& entry = leaves_[postings_key(term)];
        entry.last_use = ++clock_;
        if (entry.postings) return entry.postings;
    }
    return keep_postings(term, revision, std::make_shared<const TermPostings>(TermPostings::of_term(db, term)));
}

std::shared_ptr<const TermPostings> FilterCache::keep_postings(const std::string& term, const store::Revision& revision,
                                                               std::shared_ptr<const TermPostings> read) {
    std::lock_guard lock(mutex_);
    if (revision != revision_) return read;
    Entry& entry = leaves_[postings_key(term)];
    entry.last_use = ++clock_;
    if (!entry.postings) {
        entry.postings = read;
        used_ += read->bytes();
    }
    evict(entry);
    return entry.postings;
}

std::shared_ptr<const DocLengths> FilterCache::lengths(const Xapian::Database& db) {
    const store::Revision revision = store::Revision::of(db);
    {
        std::lock_guard lock(mutex_);
        sync(revision, db.get_lastdocid());
        if (lengths_) return lengths_;
    }
    auto read = std::make_shared<const DocLengths>(DocLengths::of(db));
    std::lock_guard lock(mutex_);
    if (revision == revision_ && !lengths_) lengths_ = read;
    return read;
}

FilterCache::Part FilterCache::evaluate(const plan::Expr& expr, const Xapian::Database& db, const store::Revision& revision,
                                        bool whole_only, bool eager, bool phrases) {
    using Op = plan::Expr::Op;
    // Posting lists this short are read on the spot: cheaper than any bookkeeping.
    const Xapian::doccount short_list = db.get_lastdocid() / 1024 + 16;
    switch (expr.op()) {
        case Op::nothing: return {std::make_shared<const DocSet>(db.get_lastdocid()), expr};
        case Op::all: return {leaf(std::string(), revision, [&] { return DocSet::of_term(db, std::string()); }, {}, eager), expr};
        case Op::term: {
            const std::string& term = expr.text();
            auto read = [&] {
                if (!whole_only) return DocSet::of_term(db, term);
                // A word of a text: its wdfs come in the same pass, kept for the ranking in
                // memory that follows (search/memory/ranking.hpp), rather than read again there.
                auto kept = keep_postings(term, revision, std::make_shared<const TermPostings>(TermPostings::of_term(db, term)));
                return DocSet::of_docids(db.get_lastdocid(), kept->docids);
            };
            return {leaf(term, revision, read, [&] { return db.get_termfreq(term) <= short_list; }, eager), expr};
        }
        case Op::scale: {  // the same documents, weighted otherwise
            Part only = evaluate(expr.parts().front(), db, revision, whole_only, eager, phrases);
            return {only.set, expr};
        }
        case Op::phrase:
            // Positions: Xapian's, within the filter; or over the whole index once, when asked.
            if (!phrases) return {nullptr, expr};
            return {leaf(std::string(1, '\2') + expr.key(), revision, [&] { return DocSet::of_query(db, expr.to_query()); }, {}, eager),
                    expr};
        case Op::source: return {nullptr, expr};  // another executor's
        case Op::and_:
        case Op::filter:
        case Op::or_:
        case Op::max:  // matches as an OR
        case Op::synonym:
        case Op::and_not: {
            std::vector<Part> parts;
            // Every part is evaluated, even after one is left to Xapian: each counts its use.
            for (const plan::Expr& part : expr.parts()) parts.push_back(evaluate(part, db, revision, whole_only, eager, phrases));
            const Op op = expr.op();
            bool all_resolved = std::all_of(parts.begin(), parts.end(), [](const Part& p) { return p.set != nullptr; });
            if (whole_only && !all_resolved) return {nullptr, expr};
            // Combines the resolved parts [from, end): one set, or none. A lone part is shared,
            // not copied (a cached list stays as it is).
            auto combine = [&](std::size_t from, bool intersect) -> std::shared_ptr<const DocSet> {
                std::shared_ptr<const DocSet> first;
                std::shared_ptr<DocSet> out;
                for (std::size_t i = from; i < parts.size(); ++i) {
                    if (!parts[i].set) continue;
                    if (!first) {
                        first = parts[i].set;
                        continue;
                    }
                    if (!out) out = std::make_shared<DocSet>(*first);
                    if (intersect) out->intersect(*parts[i].set);
                    else out->unite(*parts[i].set);
                }
                return out ? out : first;
            };
            auto as_expr = [](const Part& part) { return part.set ? DocSetSource::expr(part.set) : part.expr; };
            if (op == Op::and_not) {
                std::shared_ptr<const DocSet> excluded = combine(1, false);
                if (all_resolved) {
                    auto out = std::make_shared<DocSet>(*parts[0].set);
                    if (excluded) out->subtract(*excluded);
                    return {out, expr};
                }
                std::vector<plan::Expr> rest;
                if (excluded) rest.push_back(DocSetSource::expr(excluded));
                for (std::size_t i = 1; i < parts.size(); ++i)
                    if (!parts[i].set) rest.push_back(parts[i].expr);
                return {nullptr, plan::Expr::combine(Op::and_not, {as_expr(parts[0]), plan::Expr::combine(Op::or_, std::move(rest))})};
            }
            bool intersect = op == Op::and_ || op == Op::filter;
            std::shared_ptr<const DocSet> resolved = combine(0, intersect);
            if (all_resolved) return {resolved, expr};
            std::vector<plan::Expr> subqueries;
            if (resolved) subqueries.push_back(DocSetSource::expr(resolved));
            for (const Part& part : parts)
                if (!part.set) subqueries.push_back(part.expr);
            return {nullptr, plan::Expr::combine(intersect ? Op::and_ : Op::or_, std::move(subqueries))};
        }
        case Op::value_range: {
            // Through Xapian's matcher, kept by the expression's key.
            return {leaf(std::string(1, '\0') + expr.key(), revision, [&] { return DocSet::of_query(db, expr.to_query()); }, {}, eager),
                    expr};
        }
    }
    return {nullptr, expr};
}

FilterCache::Prepared FilterCache::prepare(const plan::Expr& filter, const Xapian::Database& db, bool eager) {
    const store::Revision revision = store::Revision::of(db);
    {
        std::lock_guard lock(mutex_);
        sync(revision, db.get_lastdocid());
    }
    Part part = evaluate(filter, db, revision, false, eager);
    if (part.set) return {DocSetSource::expr(part.set), part.set};
    return {part.expr, nullptr};
}

std::shared_ptr<const DocSet> FilterCache::resolve(const plan::Expr& expr, const Xapian::Database& db, bool eager, bool phrases) {
    const store::Revision revision = store::Revision::of(db);
    {
        std::lock_guard lock(mutex_);
        sync(revision, db.get_lastdocid());
    }
    return evaluate(expr, db, revision, true, eager, phrases).set;
}

std::uint64_t FilterCache::remembered(const std::string& key, const Xapian::Database& db, const std::function<std::uint64_t()>& compute) {
    const store::Revision revision = store::Revision::of(db);
    {
        std::lock_guard lock(mutex_);
        sync(revision, db.get_lastdocid());
        if (auto it = numbers_.find(key); it != numbers_.end()) return it->second;
    }
    std::uint64_t number = compute();
    std::lock_guard lock(mutex_);
    if (revision == revision_) {
        if (numbers_.size() >= max_entries) numbers_.clear();
        numbers_.emplace(key, number);
    }
    return number;
}

namespace {
constexpr unsigned unusable = ~0u;  // a slot whose values are not keys: never read again
}

std::shared_ptr<const SortColumn> FilterCache::sort_column(const Xapian::Database& db, Xapian::valueno slot, bool eager) {
    const store::Revision revision = store::Revision::of(db);
    {
        std::lock_guard lock(mutex_);
        sync(revision, db.get_lastdocid());
        auto& [uses, column] = columns_[slot];
        if (column || uses == unusable || (++uses < 2 && !eager)) return column;
    }
    auto built = SortColumn::build(db, slot);
    if (!built) {
        std::lock_guard lock(mutex_);
        if (revision == revision_) columns_[slot].first = unusable;
        return nullptr;
    }
    auto column = std::make_shared<const SortColumn>(std::move(*built));
    std::lock_guard lock(mutex_);
    if (revision == revision_) columns_[slot].second = column;
    return column;
}

}  // namespace aides
