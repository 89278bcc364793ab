// Searcher: request -> query plan (filters, eligibility, text) -> Xapian -> results.
#include <aides/search.hpp>

#include <aides/errors.hpp>


#include <algorithm>
#include <atomic>
#include <iterator>
#include <filesystem>
#include <mutex>
#include <set>
#include <unordered_map>

#include <sys/stat.h>

#include "analysis/text_utils.hpp"
#include "index/document_builder.hpp"
#include "index/index_store.hpp"
#include "index/schema.hpp"
#include "index/stored_record.hpp"
#include "model/dates.hpp"
#include "model/vocabulary.hpp"
#include "search/memory/doc_sets.hpp"
#include "search/memory/facet_counts.hpp"
#include "search/memory/ranking.hpp"
#include "search/memory/record_cache.hpp"
#include "search/partial_matches.hpp"
#include "search/snippets.hpp"
#include "search/plan/search_plan.hpp"
#include "search/plan/text_query.hpp"
#include "search/xapian/executor.hpp"

namespace aides {

namespace {

using plan::Expr;
using Op = plan::Expr::Op;
using Page = std::vector<std::pair<Xapian::docid, double>>;  // document, score in [0, 1]

// What the match step found, and which executor runs the rest.
struct Match {
    plan::Expr filter;            // the plan's filter, its parts in memory as posting sources when they are
    std::shared_ptr<const DocSet> filter_set;  // the whole filter in memory
    plan::Expr text;              // the text after relaxation (nothing without text)
    std::optional<plan::Expr> like;
    bool ranks_words = false;     // a group has required words (a text of exclusions only ranks nothing)
    bool weighted = false;        // the text or `like` weighs the matches
    plan::Expr ranked;            // what weighs, before the filter
    plan::Expr query;             // ranked, filtered, local variants left out
    std::shared_ptr<DocSet> matched;   // the whole match in memory (memory executor)
    std::shared_ptr<DocSet> excluded;  // local variants left out
    std::shared_ptr<const DocSet> stale;  // ongoing aids whose deadline is past: sorted as undated
    std::shared_ptr<const SortColumn> sort_keys;  // the order's keys in memory, for a match without text
    ExecutionReport execution;
    bool memory_allowed() const { return execution.requested != Execution::xapian; }
    bool eager() const { return execution.requested == Execution::memory; }
    // Memory was asked for and cannot run this: said once, the first reason.
    void fall_back(const std::string& why) {
        if (execution.requested == Execution::memory && execution.fallback.empty()) execution.fallback = why;
    }
};


// Damerau-Levenshtein distance (adjacent swaps cost one) between two accent-free forms, by
// code point: the suggestion is compared with what was typed, not with Xapian's own measure.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    auto points = [](std::string_view s) {
        std::vector<std::string_view> out;
        for (std::size_t i = 0; i < s.size();) {
            std::size_t n = 1;
            while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
            out.push_back(s.substr(i, n));
            i += n;
        }
        return out;
    };
    auto x = points(a), y = points(b);
    std::vector<std::vector<std::size_t>> d(x.size() + 1, std::vector<std::size_t>(y.size() + 1));
    for (std::size_t i = 0; i <= x.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= y.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= x.size(); ++i)
        for (std::size_t j = 1; j <= y.size(); ++j) {
            std::size_t cost = x[i - 1] == y[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[x.size()][y.size()];
}

// How far a suggestion may be from what was typed: one edit from five letters, two from nine;
// a shorter word is too short to tell a typo from another word (`eglise` is not `realise`).
std::size_t allowed_edits(std::string_view form) {
    std::size_t letters = 0;
    for (unsigned char c : form) letters += (c & 0xC0) != 0x80;
    return letters >= 9 ? 2 : letters >= 5 ? 1 : 0;
}

// Numbers and words with digits are not misspellings of words.
bool plausible_typo(std::string_view form) {
    return std::none_of(form.begin(), form.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

struct Searcher::Impl {
    std::string dir;
    store::Catalogue catalogue;
    Analyzer prototype;

    // Xapian databases and analysers are not thread-safe: each search borrows its own.
    struct Context {
        Xapian::Database db;
        Analyzer analyzer;
        store::LiveCopy copy;  // the replica's live copy it reads, when `dir` is a replica
    };
    mutable std::mutex pool_mutex;
    mutable std::vector<std::unique_ptr<Context>> pool;
    mutable std::atomic<bool> reopen_failed{false};  // the last reopening failed (status())
    // Slug -> id, read from every record once per revision, for find() (slugs have no term).
    mutable std::mutex slugs_mutex;
    mutable store::Revision slugs_revision;
    mutable std::unordered_map<std::string, std::string> slug_ids;
    // Facet values in memory, read on the first facet request (query/facet_counts.hpp).
    mutable FacetTableCache facet_tables;
    // Filters and sort keys in memory, for the posting lists many searches share (query/doc_sets.hpp).
    mutable FilterCache filter_cache;
    // The records of the pages shown (query/record_cache.hpp).
    mutable RecordCache records;

    std::unique_ptr<Context> borrow() const {
        std::unique_ptr<Context> context;
        {
            std::lock_guard lock(pool_mutex);
            if (!pool.empty()) {
                context = std::move(pool.back());
                pool.pop_back();
            }
        }
        if (context && refresh(*context)) return context;
        return open_context();
    }
    std::unique_ptr<Context> open_context() const {
        return store::translate_errors(dir, [&] {
            // Opening reads the current revision, which a writer may discard meanwhile, or
            // (a replica) the live copy, which xapian-replicate may replace meanwhile.
            for (int attempt = 0;; ++attempt) {
                // Read before opening: a copy made live meanwhile is seen at the next borrow.
                store::LiveCopy copy = store::live_copy(dir);
                try {
                    return std::make_unique<Context>(Context{Xapian::Database(dir), prototype, copy});
                } catch (const Xapian::DatabaseModifiedError&) {
                    if (attempt >= max_reopen_attempts) throw;
                } catch (const Xapian::DatabaseOpeningError&) {
                    if (attempt >= max_reopen_attempts || store::live_copy(dir) == copy) throw;
                }
            }
        });
    }
    // Brings a handle to the last commit (reopen() is a cheap revision check). False when it
    // must be opened anew: the replica at `dir` made another copy live, which reopen() would
    // never reach (it stays on the old copy, deleted by now).
    // When the index cannot be reopened (a directory being replaced, a damaged version file),
    // the revision held is still whole: serving it beats failing every request (`reopen_failed`, reported as `IndexStatus::stale`).
    bool refresh(Context& context) const {
        if (store::live_copy(dir) != context.copy) return false;
        try {
            context.db.reopen();
            reopen_failed = false;
        } catch (const Xapian::DatabaseModifiedError&) {
            throw;
        } catch (const Xapian::Error&) {
            if (store::live_copy(dir) != context.copy) return false;  // replaced under the check
            reopen_failed = true;
        }
        return true;
    }
    void give_back(std::unique_ptr<Context> context) const {
        std::lock_guard lock(pool_mutex);
        pool.push_back(std::move(context));
    }

    // Runs a read on a borrowed context. When a writer commits underneath and the revision
    // being read is discarded, reads the new revision and tries again.
    template <class Read>
    auto reading(Read&& read) const -> decltype(read(std::declval<Context&>())) {
        auto context = borrow();
        for (int attempt = 0;; ++attempt) {
            try {
                auto result = read(*context);
                give_back(std::move(context));
                return result;
            } catch (const Xapian::DatabaseModifiedError& e) {
                if (attempt >= max_reopen_attempts) throw IndexError(dir + ": index changing too fast to read: " + e.get_msg());
                if (!refresh(*context)) context = open_context();
            } catch (const Xapian::Error&) {
                store::translate_errors(dir, [&]() -> int { throw; });
            }
        }
    }
    static constexpr int max_reopen_attempts = 20;

    // A search, step by step: plan, match, count and facets, rank, partial matches, page.
    SearchResponse run(const SearchRequest& request, Context& context) const;
    Match match(SearchPlan& plan, SearchResponse& response, Context& context, const TextQueryBuilder& builder) const;
    void count_and_facets(const Match& match, SearchResponse& response, std::optional<FacetCounter>& facets) const;
    Page rank(const SearchPlan& plan, Match& match, SearchResponse& response, std::optional<FacetCounter>& facets,
              Context& context) const;
    std::vector<PartialHit> partial_matches(const SearchPlan& plan, const Match& match, const Page& page, SearchResponse& response,
                                            Context& context, const TextQueryBuilder& builder) const;
    void make_page(const SearchPlan& plan, const SearchRequest& request, const Page& page, const std::vector<PartialHit>& partial,
                   SearchResponse& response, Context& context, const TextQueryBuilder& builder) const;
    // Parts of the match step.
    std::optional<plan::Expr> like_terms(const std::string& id, Xapian::Database& db) const;
    void choose_executor(const SearchPlan& plan, Match& match, const Xapian::Database& db) const;
    // The ongoing aids whose deadline is before `today` (stale), kept for a revision and a day.
    mutable std::mutex stale_mutex;
    mutable std::pair<store::Revision, std::string> stale_key;
    mutable std::shared_ptr<const DocSet> stale;
    std::shared_ptr<const DocSet> stale_deadlines(const Xapian::Database& db, const std::string& today) const {
        std::pair<store::Revision, std::string> key{store::Revision::of(db), today};
        {
            std::lock_guard lock(stale_mutex);
            if (stale && stale_key == key) return stale;
        }
        auto found = std::make_shared<const DocSet>(aides::stale_deadlines(db, today));
        std::lock_guard lock(stale_mutex);
        stale_key = key;
        stale = found;
        return found;
    }
    std::shared_ptr<const DocSet> relax(const SearchPlan& plan, Match& match, SearchResponse& response, Context& context,
                                        const TextQueryBuilder& builder) const;
    // A local variant of a generic aid, as the generic/local choice needs it; read from its
    // record once per index revision.
    struct Variant {
        Xapian::docid generic = 0;  // 0: the generic aid is not in the index
        std::optional<Perimeter> perimeter;
    };
    mutable std::mutex variants_mutex;
    mutable store::Revision variants_revision;
    mutable std::unordered_map<Xapian::docid, std::shared_ptr<const Variant>> variants;
    std::shared_ptr<const Variant> variant(Xapian::docid did, Context& context) const;
    std::vector<Xapian::docid> local_variant_exclusions(const SearchPlan& plan, const Match& match, Context& context) const;
    Explanation explain(const Aid& aid, const SearchPlan& plan, Context& context, const TextQueryBuilder& builder) const;
    std::optional<std::string> suggest(const SearchPlan& plan, Context& context) const;
};

Searcher::Searcher(const std::string& dir) : impl_(std::make_unique<Impl>()) {
    impl_->dir = dir;
    if (!std::filesystem::is_directory(dir)) throw IndexError(dir + ": no index here (run aides-index first)");
    auto context = impl_->borrow();
    store::translate_errors(dir, [&] {
        // A writer may commit while the metadata is read: read the new revision again.
        for (int attempt = 0;; ++attempt) {
            try {
                store::check_format(context->db, dir);
                impl_->catalogue = store::load_catalogue(context->db, dir, impl_->prototype);
                return 0;
            } catch (const Xapian::DatabaseModifiedError&) {
                if (attempt >= Impl::max_reopen_attempts) throw;
                context->db.reopen();
            }
        }
    });
    impl_->give_back(std::move(context));
}
Searcher::~Searcher() = default;
Searcher::Searcher(Searcher&&) noexcept = default;
Searcher& Searcher::operator=(Searcher&&) noexcept = default;

const Geography& Searcher::geography() const { return impl_->catalogue.geography; }

CommuneProfile Searcher::profile(const std::string& commune) const {
    const Geography& geography = impl_->catalogue.geography;
    if (geography.commune_count() == 0) throw IndexError(impl_->dir + ": the index holds no geography");
    CommuneResolution where = geography.resolve(commune);
    CommuneProfile profile = *geography.profile(where.code);
    profile.note = where.note;
    return profile;
}

std::size_t Searcher::size() const {
    return impl_->reading([&](Impl::Context& context) { return static_cast<std::size_t>(context.db.get_doccount()); });
}

std::optional<Aid> Searcher::get(const std::string& id) const {
    return impl_->reading([&](Impl::Context& context) -> std::optional<Aid> {
        Xapian::PostingIterator it = context.db.postlist_begin(schema::term(schema::id, id));
        if (it == context.db.postlist_end(schema::term(schema::id, id))) return std::nullopt;
        return stored::decode(context.db.get_document(*it).get_data());
    });
}

std::optional<Aid> Searcher::find(const std::string& id_or_slug) const {
    if (auto aid = get(id_or_slug)) return aid;
    return impl_->reading([&](Impl::Context& context) -> std::optional<Aid> {
        const Xapian::Database& db = context.db;
        const store::Revision revision = store::Revision::of(db);
        std::string id;
        {
            std::lock_guard lock(impl_->slugs_mutex);
            if (impl_->slugs_revision != revision) {
                std::unordered_map<std::string, std::string> slugs;
                for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
                    Aid aid = stored::decode(db.get_document(*it).get_data());
                    if (!aid.slug.empty()) slugs.emplace(std::move(aid.slug), std::move(aid.id));
                }
                impl_->slug_ids = std::move(slugs);
                impl_->slugs_revision = revision;
            }
            auto found = impl_->slug_ids.find(id_or_slug);
            if (found == impl_->slug_ids.end()) return std::nullopt;
            id = found->second;
        }
        Xapian::PostingIterator it = db.postlist_begin(schema::term(schema::id, id));
        if (it == db.postlist_end(schema::term(schema::id, id))) return std::nullopt;
        return stored::decode(db.get_document(*it).get_data());
    });
}

IndexStatus Searcher::status() const {
    IndexStatus status = impl_->reading([&](Impl::Context& context) {
        IndexStatus out;
        out.revision = context.db.get_revision();
        out.aids = context.db.get_doccount();
        return out;
    });
    status.stale = impl_->reopen_failed;
    // Glass rewrites its version file at each commit (and a compaction swaps it in).
    struct stat version {};
    if (::stat((std::filesystem::path(impl_->dir) / "iamglass").c_str(), &version) == 0)
        status.committed_at = static_cast<std::int64_t>(version.st_mtime);
    return status;
}

std::vector<ThemeEntry> Searcher::themes() const {
    const Taxonomy& taxonomy = impl_->catalogue.taxonomy;
    std::vector<ThemeEntry> out;
    for (const auto& [slug, theme] : taxonomy.themes()) {
        ThemeEntry entry{theme.slug, theme.name, {}};
        for (const auto& category : theme.categories) {
            const Taxonomy::Category* c = taxonomy.category(category);
            entry.categories.push_back({category, c ? c->name : category, {}});
        }
        out.push_back(std::move(entry));
    }
    return out;
}

SearchResponse Searcher::search(const SearchRequest& request) const {
    return impl_->reading([&](Impl::Context& context) { return impl_->run(request, context); });
}

// ------------------------------------------------------------------------------- relaxation
// Each group of words that matches nothing within the filter keeps the most of its words that
// match something (strict searches only). Sets `match.text`; returns the documents of the text
// when every group is in memory (through the filter cache, within the filter's own set) and
// none was relaxed; null otherwise.
std::shared_ptr<const DocSet> Searcher::Impl::relax(const SearchPlan& plan, Match& match, SearchResponse& response,
                                                    Context& context, const TextQueryBuilder& builder) const {
    const DocSet* filter_set = match.filter_set.get();
    auto matches = [&](const Expr& text) { return xapian_matches_any(context.db, Expr::combine(Op::filter, {text, match.filter})); };
    std::vector<Expr> groups;
    std::shared_ptr<const DocSet> text_set;
    bool in_memory = filter_set != nullptr;
    // Each word costs a few bitmaps of the whole index (its forms, their union): a long text is
    // left to Xapian, which reads only its posting lists.
    constexpr std::size_t max_terms_in_memory = 64;
    std::size_t terms = 0;
    for (const auto& group : plan.parsed.groups) {
        Expr full = builder.group(group);
        std::size_t n = group.required.size();
        terms += full.terms().size();
        if (in_memory && terms > max_terms_in_memory) {
            in_memory = false;
            match.fall_back("the text has more than " + std::to_string(max_terms_in_memory) + " terms");
        }
        std::shared_ptr<const DocSet> full_set =
            in_memory ? filter_cache.resolve(full, context.db, match.eager(), /*phrases=*/true) : nullptr;
        if (in_memory && !full_set) match.fall_back("the text's lists are not in memory (a list or phrase is read on its second use)");
        in_memory = full_set != nullptr;
        // Not strict: a group is never relaxed, its partial matches follow the full ones instead.
        if (!plan.strict || n < 2 || (full_set ? full_set->count_common(*filter_set) > 0 : matches(full))) {
            groups.push_back(full);
            if (!in_memory) continue;
            if (text_set) {
                auto either = std::make_shared<DocSet>(*text_set);
                either->unite(*full_set);
                full_set = either;
            }
            text_set = full_set;
            continue;
        }
        in_memory = false;
        match.fall_back("a group of words was relaxed (relaxation is Xapian's)");
        // The largest k for which some k units match; the group becomes the OR of those subsets.
        std::vector<std::vector<bool>> found;
        std::size_t checks = 0;
        for (std::size_t k = n - 1; k >= 1 && found.empty(); --k) {
            std::vector<bool> keep(n, false);
            std::fill(keep.begin(), keep.begin() + static_cast<std::ptrdiff_t>(k), true);
            do {
                if (++checks > 256) break;  // bounded work on long queries
                // A lone number is never the only reason an aid is shown.
                bool meaningful = false;
                for (std::size_t i = 0; i < n; ++i) meaningful = meaningful || (keep[i] && meaningful_unit(group.required[i]));
                if (meaningful && matches(builder.group(group, keep))) found.push_back(keep);
            } while (std::prev_permutation(keep.begin(), keep.end()));
            if (checks > 256) break;
        }
        if (found.empty()) {
            groups.push_back(full);
            continue;
        }
        std::vector<Expr> alternatives;
        for (const auto& keep : found) alternatives.push_back(builder.group(group, keep));
        groups.push_back(Expr::combine(Op::or_, std::move(alternatives)));
        response.relaxed = true;
        for (std::size_t i = 0; i < n; ++i) {
            bool always = std::all_of(found.begin(), found.end(), [&](const auto& keep) { return keep[i]; });
            if (!always) response.missing.push_back(group.required[i].display);
        }
    }
    match.text = Expr::combine(Op::or_, std::move(groups));
    return in_memory ? text_set : nullptr;
}

// ---------------------------------------------------------------------- generic and local aids
std::shared_ptr<const Searcher::Impl::Variant> Searcher::Impl::variant(Xapian::docid did, Context& context) const {
    const Xapian::Database& db = context.db;
    const store::Revision revision = store::Revision::of(db);
    {
        std::lock_guard lock(variants_mutex);
        if (variants_revision != revision) {
            variants.clear();
            variants_revision = revision;
        }
        if (auto it = variants.find(did); it != variants.end()) return it->second;
    }
    Aid aid = stored::decode(db.get_document(did).get_data());
    auto found = std::make_shared<Variant>();
    found->perimeter = Perimeter::parse(aid.perimeter);
    if (aid.generic_aid) {
        std::string generic_term = schema::term(schema::id, *aid.generic_aid);
        if (auto it = db.postlist_begin(generic_term); it != db.postlist_end(generic_term)) found->generic = *it;
    }
    std::lock_guard lock(variants_mutex);
    if (variants_revision == revision) variants.emplace(did, found);
    return found;
}

std::vector<Xapian::docid> Searcher::Impl::local_variant_exclusions(const SearchPlan& plan, const Match& match,
                                                                    Context& context) const {
    const DocSet* matched = match.matched.get();
    std::vector<Xapian::docid> excluded;
    const Xapian::Database& db = context.db;
    if (!db.term_exists(std::string(schema::flag_variant))) return excluded;
    // The documents of `candidates` that match: docids only, the records are not read. In
    // memory when the whole match is.
    auto matching = [&](const std::shared_ptr<const DocSet>& candidates) {
        std::vector<Xapian::docid> out;
        if (matched) {
            candidates->for_each([&](Xapian::docid did) {
                if (matched->contains(did)) out.push_back(did);
            });
            return out;
        }
        Xapian::Enquire enquire(db);
        enquire.set_query(Expr::combine(Op::filter, {match.query, DocSetSource::expr(candidates)}).to_query());
        enquire.set_weighting_scheme(Xapian::BoolWeight());
        // At most as many matches as candidates: Xapian sets aside room for as many results as it
        // is asked for, so asking for the whole index cost 80 MB and milliseconds a search at 1M aids.
        Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(candidates->count()));
        return std::vector<Xapian::docid>(mset.begin(), mset.end());
    };
    std::vector<std::pair<Xapian::docid, std::shared_ptr<const Variant>>> pairs;
    const std::string flag(schema::flag_variant);
    std::shared_ptr<const DocSet> variants_set = match.memory_allowed() ? filter_cache.resolve(Expr::term(flag), db) : nullptr;
    if (!variants_set) variants_set = std::make_shared<const DocSet>(DocSet::of_term(db, flag));
    for (Xapian::docid did : matching(variants_set)) {
        auto found = variant(did, context);
        if (found->generic) pairs.emplace_back(did, found);  // a variant of an aid not in the index stays
    }
    if (pairs.empty()) return excluded;
    auto generics = std::make_shared<DocSet>(db.get_lastdocid());
    for (const auto& [did, found] : pairs) generics->add(found->generic);
    std::set<Xapian::docid> generics_matching;
    for (Xapian::docid did : matching(generics)) generics_matching.insert(did);
    const Geography& geography = catalogue.geography;
    for (const auto& [did, found] : pairs) {
        if (!generics_matching.count(found->generic)) continue;  // only the variant matches: keep it
        bool inside = false;
        if (found->perimeter) {
            if (!plan.commune.empty())
                inside = geography.contains(*found->perimeter, Perimeter{Scale::commune, plan.commune});
            else if (plan.perimeter)
                inside = geography.contains(*found->perimeter, *plan.perimeter);
        }
        excluded.push_back(inside ? found->generic : did);
    }
    return excluded;
}

// ----------------------------------------------------------------------------------- results
Explanation Searcher::Impl::explain(const Aid& aid, const SearchPlan& plan, Context& context, const TextQueryBuilder& builder) const {
    Explanation why;
    const Geography& geography = catalogue.geography;
    auto p = Perimeter::parse(aid.perimeter);
    if (!plan.commune.empty()) {
        why.perimeter = aid.perimeter == "commune:" + plan.commune ? aid.perimeter : aid.perimeter + " via commune " + plan.commune;
    } else if (plan.perimeter && p) {
        std::string searched = plan.perimeter->to_string();
        if (*p == *plan.perimeter) why.perimeter = aid.perimeter;
        else if (p->scale == Scale::adhoc && !geography.contains(*p, *plan.perimeter))
            why.perimeter = aid.perimeter + " shares communes with " + searched;
        else if (geography.contains(*p, *plan.perimeter)) why.perimeter = aid.perimeter + " contains " + searched;
        else why.perimeter = aid.perimeter + " inside " + searched;
    } else {
        why.perimeter = aid.perimeter + " (no place searched)";
    }
    why.filters = plan.filters_passed;
    for (auto& f : why.filters)
        if (f.rfind("open on", 0) == 0)
            f += aid.recurrence == "ongoing" && (!aid.submission_deadline || *aid.submission_deadline < plan.today) ? " (ongoing)"
                 : aid.submission_deadline ? " (deadline " + *aid.submission_deadline + ")"
                                           : " (no deadline)";
    if (!plan.parsed.empty()) {
        for (const TextField& field : text_fields(aid, catalogue.taxonomy)) {
            if (field.text.empty()) continue;
            std::set<std::string> present;
            for (const Word& w : context.analyzer.words(field.text)) {
                present.insert(w.form);
                if (!w.stopword)
                    for (const auto& s : context.analyzer.stems(w.form, w.accented)) present.insert(schema::term(schema::stem, s));
            }
            for (const auto& group : plan.parsed.groups) {
                for (const auto& unit : group.required) {
                    auto terms = builder.match_terms(unit);
                    bool found = unit.phrase ? std::all_of(unit.words.begin(), unit.words.end(), [&](const Word& w) { return present.count(w.form) > 0; })
                                             : std::any_of(terms.begin(), terms.end(), [&](const auto& t) { return present.count(t) > 0; });
                    auto& list = why.matched[field.name];
                    if (found && std::find(list.begin(), list.end(), unit.display) == list.end()) list.push_back(unit.display);
                }
            }
            if (why.matched.count(field.name) && why.matched[field.name].empty()) why.matched.erase(field.name);
        }
    }
    return why;
}

std::optional<std::string> Searcher::Impl::suggest(const SearchPlan& plan, Context& context) const {
    const Xapian::Database& db = context.db;
    bool changed = false;
    std::string out;
    for (std::size_t g = 0; g < plan.parsed.groups.size(); ++g) {
        if (g) out += ", ";
        const auto& group = plan.parsed.groups[g];
        for (std::size_t u = 0; u < group.required.size(); ++u) {
            const QueryUnit& unit = group.required[u];
            std::string shown = unit.phrase ? "\"" + unit.display + "\"" : unit.display;
            if (!unit.phrase && unit.words.size() == 1 && !unit.words.front().stopword && !db.term_exists(unit.words.front().form)) {
                const Word& w = unit.words.front();
                bool stem_known = false;
                const Analyzer& analyzer = context.analyzer;
                for (const auto& s : analyzer.stems(w.form, w.accented)) stem_known = stem_known || db.term_exists(schema::term(schema::stem, s));
                // A word the concept dictionary knows is a real term this catalogue lacks, not a typo.
                bool known_concept = !catalogue.synonyms.expansions({analyzer.stem(w.form)}).empty();
                if (!stem_known && !known_concept && plausible_typo(w.form)) {
                    std::string better = db.get_spelling_suggestion(w.form, 2);
                    if (!better.empty() && better != w.form && edit_distance(w.form, better) <= allowed_edits(w.form)) {
                        shown = better;
                        changed = true;
                    }
                }
            }
            out += (u ? " " : "") + shown;
        }
    }
    if (!changed) return std::nullopt;
    return out;
}

// ------------------------------------------------------------------------------ the steps
SearchResponse Searcher::Impl::run(const SearchRequest& request, Context& context) const {
    SearchPlan plan = make_plan(request, catalogue, context.db, context.analyzer, dir);
    SearchResponse response;
    response.page = request.page;
    response.size = request.size;
    response.ignored = plan.parsed.ignored;
    response.commune = plan.commune_read;
    response.today = plan.today;
    response.warnings = plan.warnings;
    TextQueryBuilder builder(context.analyzer, catalogue.synonyms);

    Match match = this->match(plan, response, context, builder);
    std::optional<FacetCounter> facets;
    if (plan.facets) facets.emplace(facet_tables.get(context.db));
    count_and_facets(match, response, facets);
    Page page = rank(plan, match, response, facets, context);
    if (facets) response.facets = facets->facets();
    std::vector<PartialHit> partial = partial_matches(plan, match, page, response, context, builder);
    make_page(plan, request, page, partial, response, context, builder);
    if (request.explain) response.execution = match.execution;
    return response;
}

// What matches: the filter (in memory when it can be), the text (relaxed when strict), `like`,
// the local variants left out, and which executor runs the rest.
Match Searcher::Impl::match(SearchPlan& plan, SearchResponse& response, Context& context, const TextQueryBuilder& builder) const {
    Xapian::Database& db = context.db;
    Match match;
    match.execution.requested = plan.execution;
    match.filter = plan.filter;
    if (match.memory_allowed()) {
        FilterCache::Prepared filter = filter_cache.prepare(plan.filter, db, match.eager());
        match.filter = filter.expr;
        match.filter_set = filter.whole;
    }
    if (!plan.like.empty()) match.fall_back("--like is Xapian's (its words are Xapian's expansion of the aid)");
    if (!plan.highlighted_ids.empty()) match.fall_back("a portal's highlighted aids are ranked by Xapian");

    const bool has_text = !plan.parsed.empty();
    std::shared_ptr<const DocSet> text_set;
    if (has_text) text_set = relax(plan, match, response, context, builder);
    if (!plan.like.empty()) match.like = like_terms(plan.like, db);

    // A text of exclusions only ranks nothing: order as without text.
    match.ranks_words = std::any_of(plan.parsed.groups.begin(), plan.parsed.groups.end(),
                                    [](const QueryGroup& group) { return !group.required.empty(); });
    match.weighted = match.ranks_words || match.like;
    if (has_text && match.like) match.ranked = Expr::combine(Op::and_, {match.text, *match.like});
    else if (has_text) match.ranked = match.text;
    else if (match.like) match.ranked = *match.like;
    else if (plan.text_given) match.ranked = Expr();  // only stopwords: say so rather than list everything
    else match.ranked = Expr::all();
    if (plan.text_given && !has_text) match.fall_back("the text has only stopwords");
    match.query = Expr::combine(Op::filter, {match.ranked, match.filter});

    // The whole match in memory, when the text and the filter are: counted, faceted and checked
    // for local variants there.
    if (text_set && !match.like && plan.highlighted_ids.empty()) {
        match.matched = std::make_shared<DocSet>(*text_set);
        match.matched->intersect(*match.filter_set);
    }
    auto exclusions = local_variant_exclusions(plan, match, context);
    if (!exclusions.empty()) {
        match.excluded = std::make_shared<DocSet>(DocSet::of_docids(db.get_lastdocid(), exclusions));
        match.query = Expr::combine(Op::and_not, {match.query, DocSetSource::expr(match.excluded)});
        if (match.matched) match.matched->subtract(*match.excluded);
    }
    // Stale deadlines sort as none (UndatedSortKey), in Xapian's sort as in memory.
    if (plan.order == Order::deadline || (plan.order == Order::relevance && !match.weighted)) {
        match.stale = stale_deadlines(db, plan.today);
        if (match.stale->count() == 0) match.stale.reset();
    }
    choose_executor(plan, match, db);
    return match;
}

// Without text, a filter in memory is the match: counted, faceted and ordered there, with the
// sort keys in memory, as Xapian would (key, then docid).
void Searcher::Impl::choose_executor(const SearchPlan& plan, Match& match, const Xapian::Database& db) const {
    if (match.filter_set && !match.weighted && !plan.text_given && plan.highlighted_ids.empty()) {
        const Xapian::valueno slot = plan.order == Order::relevance  ? schema::place_order
                                     : plan.order == Order::deadline ? schema::deadline_order
                                                                     : schema::published;
        match.sort_keys = filter_cache.sort_column(db, slot, match.eager());
        if (match.sort_keys) {
            match.matched = std::make_shared<DocSet>(*match.filter_set);
            if (match.excluded) match.matched->subtract(*match.excluded);
        } else {
            match.fall_back("the order's keys are not in memory (their values are not all of one shape)");
        }
    }
    if (match.memory_allowed() && !match.filter_set) match.fall_back("the filter is not in memory yet");
    match.execution.used = match.matched ? Execution::memory : Execution::xapian;
}

std::optional<plan::Expr> Searcher::Impl::like_terms(const std::string& id, Xapian::Database& db) const {
    Xapian::PostingIterator it = db.postlist_begin(schema::term(schema::id, id));
    if (it == db.postlist_end(schema::term(schema::id, id))) throw UsageError("unknown aid id for --like: \"" + id + "\"", id);
    Xapian::RSet rset;
    rset.add_document(*it);
    Xapian::Enquire enquire(db);
    struct WordsOnly : Xapian::ExpandDecider {
        bool operator()(const std::string& term) const override {
            return !term.empty() && (term[0] == 'Z' || std::islower(static_cast<unsigned char>(term[0])));
        }
    } words_only;
    Xapian::ESet eset = enquire.get_eset(40, rset, &words_only);
    std::vector<Expr> terms;
    for (auto t = eset.begin(); t != eset.end(); ++t) terms.push_back(Expr::term(*t));
    return Expr::combine(Op::and_not, {Expr::combine(Op::or_, std::move(terms)), Expr::term(schema::term(schema::id, id))});
}

// The memory executor counts its match and its facets here; Xapian does both while ranking.
void Searcher::Impl::count_and_facets(const Match& match, SearchResponse& response, std::optional<FacetCounter>& facets) const {
    if (!match.matched) return;
    response.count = match.matched->count();
    if (facets) facets->add(*match.matched);
}

// The page of full matches, in the plan's order.
Page Searcher::Impl::rank(const SearchPlan& plan, Match& match, SearchResponse& response, std::optional<FacetCounter>& facets,
                          Context& context) const {
    Xapian::Database& db = context.db;
    UndatedSortKey deadline_key(schema::deadline_order, match.stale), place_key(schema::place_order, match.stale);
    XapianOrdering ordering{plan.order, match.weighted, nullptr};
    if (match.stale) ordering.key = plan.order == Order::deadline ? &deadline_key : &place_key;
    Page page;
    if (match.sort_keys) {
        std::vector<Xapian::docid> top = first_in_order(*match.matched, *match.sort_keys, plan.order == Order::published,
                                                        plan.offset + plan.size,
                                                        plan.order == Order::published ? nullptr : match.stale.get());
        for (std::size_t i = plan.offset; i < top.size(); ++i) page.emplace_back(top[i], 0.0);
        return page;
    }
    if (!match.matched) {
        XapianHits hits = xapian_search(db, match.query, ordering, plan.offset, plan.size, facets ? &*facets : nullptr, plan.highlighted_ids);
        response.count = hits.count;
        return std::move(hits.page);
    }
    if (response.count <= plan.offset) return page;
    std::optional<Ranking> ranking;
    if (match.weighted && plan.order == Order::relevance)
        ranking = rank_in_memory(match.ranked, *match.matched, plan.offset, plan.size, filter_cache, db);
    if (ranking) {
        for (const auto& [did, weight] : ranking->page) page.emplace_back(did, ranking->best > 0 ? weight / ranking->best : 0.0);
        return page;
    }
    // Counted already: Xapian ranks within the match, and may skip what cannot reach the page.
    match.fall_back(!match.weighted                    ? "the text only excludes: its matches are ordered by Xapian"
                    : plan.order != Order::relevance ? "ordering a text's matches by date then weight is Xapian's"
                                                     : "the text's weights are not modelled in memory");
    match.execution.used = Execution::xapian;
    return xapian_rank(db, Expr::combine(Op::filter, {match.ranked, DocSetSource::expr(match.matched)}), ordering, plan.offset, plan.size);
}

// Partial matches after the full ones, when these do not fill the page.
std::vector<PartialHit> Searcher::Impl::partial_matches(const SearchPlan& plan, const Match& match, const Page& page,
                                                        SearchResponse& response, Context& context,
                                                        const TextQueryBuilder& builder) const {
    const std::size_t page_end = plan.offset + plan.size;
    // Only when the page reaches past the full matches: the units' sets (a phrase among their
    // synonyms is a pass of Xapian's over the index) cost more than most searches (100k aids,
    // loaded machine: median 24 -> 59 ms when every text search counted its partial matches).
    if (plan.parsed.empty() || !match.ranks_words || plan.strict || match.like || !plan.highlighted_ids.empty() ||
        response.count >= page_end)
        return {};
    Xapian::Database& db = context.db;
    DocSet full = match.matched ? *match.matched : DocSet::of_query(db, match.query.to_query());
    if (match.excluded) full.unite(*match.excluded);
    auto docs_of = [&](const Expr& unit) -> std::shared_ptr<const DocSet> {
        if (match.filter_set)
            if (auto set = filter_cache.resolve(unit, db, false, /*phrases=*/true)) {
                auto within = std::make_shared<DocSet>(*set);
                within->intersect(*match.filter_set);
                return within;
            }
        return std::make_shared<const DocSet>(DocSet::of_query(db, Expr::combine(Op::filter, {unit, match.filter}).to_query()));
    };
    std::size_t skip = plan.offset > response.count ? plan.offset - response.count : 0;
    std::size_t wanted = plan.size - page.size();
    PartialMatches partial = find_partial_matches(db, plan.parsed.groups, builder, docs_of, full, skip, wanted);
    response.partial_count = partial.count;
    if (response.count == 0 && partial.count > 0) {
        response.relaxed = true;
        response.missing = partial.best_missing;
    }
    return std::move(partial.page);
}

// The hits of the page: records, snippets, explanations; then the suggestion and warnings.
void Searcher::Impl::make_page(const SearchPlan& plan, const SearchRequest& request, const Page& page,
                               const std::vector<PartialHit>& partial, SearchResponse& response, Context& context,
                               const TextQueryBuilder& builder) const {
    Xapian::Database& db = context.db;
    std::set<std::string> highlight_terms;
    if (request.snippets)
        for (const auto& group : plan.parsed.groups)
            for (const auto& unit : group.required)
                for (auto& t : builder.match_terms(unit)) highlight_terms.insert(std::move(t));
    SnippetMaker snippets(highlight_terms, context.analyzer);
    const store::Revision revision = store::Revision::of(db);
    auto hit_of = [&](Xapian::docid did) {
        SearchHit hit;
        hit.aid = stored::decode(*records.get(db, revision, did));
        // Every output (table, JSON, JSON Lines, Python, HTTP) shows the same name: the hit's.
        auto perimeter = Perimeter::parse(hit.aid.perimeter);
        hit.perimeter_name = perimeter ? catalogue.geography.name_of(*perimeter) : hit.aid.perimeter;
        if (request.snippets) hit.snippet = snippets.make(hit.aid);
        if (request.explain) hit.why = explain(hit.aid, plan, context, builder);
        return hit;
    };
    for (const auto& [did, score] : page) {
        response.results.push_back(hit_of(did));
        response.results.back().score = score;
    }
    // Partial hits score below every full hit of the page: their coverage times their weight
    // relative to the best partial hit shown.
    double ceiling = 1.0;
    for (const auto& hit : response.results) ceiling = std::min(ceiling, hit.score);
    if (response.results.empty() && response.count > 0) ceiling = 0.5;
    double best_partial = 0;
    for (const auto& p : partial) best_partial = std::max(best_partial, p.weight);
    for (const auto& p : partial) {
        SearchHit hit = hit_of(p.did);
        hit.score = ceiling * p.coverage * (best_partial > 0 ? p.weight / best_partial : 1.0);
        hit.partial = true;
        hit.missing = p.missing;
        response.results.push_back(std::move(hit));
    }
    if (!plan.parsed.empty()) response.suggestion = suggest(plan, context);
    if (response.results.empty() && response.count > 0) {
        std::size_t pages = (response.count + plan.size - 1) / plan.size;
        response.warnings.push_back("page " + std::to_string(request.page) + " is past the end: " + std::to_string(response.count) +
                                    (response.count == 1 ? " aid" : " aids") + " make " + std::to_string(pages) +
                                    (pages == 1 ? " page" : " pages") + " of " + std::to_string(plan.size));
    }
}

}  // namespace aides
