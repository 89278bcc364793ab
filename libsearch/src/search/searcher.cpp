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
#include "search/plan/text_query.hpp"

namespace aides {

namespace {

using Query = Xapian::Query;

Query any_of(std::string_view prefix, const std::vector<std::string>& values) {
    std::vector<Query> terms;
    for (const auto& value : values) terms.emplace_back(schema::term(prefix, value));
    return Query(Query::OP_OR, terms.begin(), terms.end());
}

// The validated form of a request.
struct Plan {
    Query filter;                 // boolean: status, eligibility, fields, dates
    std::optional<Query> text;    // weighted
    std::vector<std::string> exclude_ids;
    std::vector<std::string> highlighted_ids;
    std::string commune;          // resolved INSEE code
    std::optional<CommuneResolution> commune_read;  // how the request's commune was read
    std::optional<Perimeter> perimeter;
    std::vector<Perimeter> eligible;  // perimeters accepted for the commune or perimeter
    ParsedText parsed;
    std::vector<std::string> filters_passed;  // for explanations
    std::string today;
    std::vector<std::string> warnings;  // a filter that matches no aid, a page past the end
};

std::vector<std::string> normalize_all(vocabulary::Kind kind, const std::vector<std::string>& values, const char* flag) {
    std::vector<std::string> out;
    for (const auto& value : values) {
        auto machine = vocabulary::normalize(kind, value);
        if (!machine) {
            std::string allowed;
            for (const auto& v : vocabulary::values(kind)) allowed += (allowed.empty() ? "" : ", ") + v;
            throw UsageError(std::string("unknown ") + flag + " \"" + value + "\" (expected one of: " + allowed + ")", value);
        }
        out.push_back(*machine);
    }
    return out;
}

// The indexed values of a boolean prefix (programs, folded backer names).
std::vector<std::string> indexed_values(const Xapian::Database& db, std::string_view prefix) {
    std::vector<std::string> out;
    for (auto it = db.allterms_begin(std::string(prefix)); it != db.allterms_end(std::string(prefix)); ++it)
        out.push_back((*it).substr(prefix.size()));
    return out;
}

std::string listed(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
    return out;
}

std::string checked_date(const std::string& value, const char* flag) {
    if (!dates::valid(value)) throw UsageError(std::string("bad date for ") + flag + ": \"" + value + "\" (expected YYYY-MM-DD)", value);
    return value;
}

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

    Plan plan(const SearchRequest& request, Context& context) const;
    SearchResponse run(const SearchRequest& request, Context& context) const;
    Query eligibility(Plan& plan, const Xapian::Database& db) const;
    void apply_portal(const Portal& portal, SearchRequest& request, SearchRequest& base, Plan& plan) const;
    // `check_known`: a value no aid carries is a usage error (a programme) or a warning (a backer).
    void list_filters(const SearchRequest& request, Context& context, std::vector<Query>& filters, Plan& plan,
                      bool check_known) const;
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
    std::shared_ptr<const DocSet> relax(Plan& plan, SearchResponse& response, Context& context, const TextQueryBuilder& builder,
                                        const DocSet* filter_set, bool relax_groups) const;
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
    std::vector<Xapian::docid> local_variant_exclusions(const Plan& plan, const Query& query, const DocSet* matched,
                                                        Context& context) const;
    Explanation explain(const Aid& aid, const Plan& plan, Context& context, const TextQueryBuilder& builder) const;
    std::optional<std::string> suggest(const Plan& plan, Context& context) const;
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

// ------------------------------------------------------------------------------------ planning
Query Searcher::Impl::eligibility(Plan& plan, const Xapian::Database& db) const {
    const Geography& geography = catalogue.geography;
    std::vector<std::string> perimeter_terms, inside_terms;
    if (!plan.commune.empty()) {
        plan.eligible = geography.perimeters_of_commune(plan.commune);
        for (const auto& p : plan.eligible) perimeter_terms.push_back(p.to_string());
    } else if (plan.perimeter) {
        const Perimeter& p = *plan.perimeter;
        plan.eligible.push_back(p);
        for (auto& a : geography.ancestors(p)) plan.eligible.push_back(std::move(a));
        for (auto& a : geography.adhoc_overlapping(p))
            if (std::find(plan.eligible.begin(), plan.eligible.end(), a) == plan.eligible.end()) plan.eligible.push_back(std::move(a));
        for (const auto& e : plan.eligible) perimeter_terms.push_back(e.to_string());
        inside_terms.push_back(p.to_string());
        // Inside an ad-hoc perimeter: its communes and the perimeters all of whose communes it holds.
        if (p.scale == Scale::adhoc)
            for (const auto& inside : geography.inside_adhoc(p.code)) perimeter_terms.push_back(inside.to_string());
    }
    (void)db;
    std::vector<Query> parts;
    parts.push_back(any_of(schema::perimeter, perimeter_terms));
    if (!inside_terms.empty()) parts.push_back(any_of(schema::inside, inside_terms));
    return Query(Query::OP_OR, parts.begin(), parts.end());
}

void Searcher::Impl::apply_portal(const Portal& portal, SearchRequest& request, SearchRequest& base, Plan& plan) const {
    // Portal filters narrow the request: kept in a request of their own, AND-ed in plan().
    base.programs = portal.programs;
    base.themes = portal.themes;
    base.categories = portal.categories;
    base.audiences = portal.audiences;
    base.aid_types = portal.aid_types;
    base.steps = portal.steps;
    base.destinations = portal.destinations;
    base.backers = portal.backers;
    base.recurrences = portal.recurrences;
    if (!portal.perimeter.empty() && request.perimeter.empty() && request.commune.empty()) request.perimeter = portal.perimeter;
    plan.highlighted_ids = portal.highlighted;
    plan.exclude_ids = portal.excluded;
}

void Searcher::Impl::list_filters(const SearchRequest& request, Context& context, std::vector<Query>& filters, Plan& plan,
                                  bool check_known) const {
    auto add_terms = [&](std::string_view prefix, const std::vector<std::string>& values, const char* label) {
        if (values.empty()) return;
        filters.push_back(any_of(prefix, values));
        std::string joined;
        for (const auto& v : values) joined += (joined.empty() ? "" : "|") + v;
        plan.filters_passed.push_back(std::string(label) + ":" + joined);
    };
    add_terms(schema::audience, normalize_all(vocabulary::Kind::audience, request.audiences, "audience"), "audience");
    std::vector<std::string> aid_types;
    for (const auto& value : request.aid_types) {
        auto group = vocabulary::aid_type_group(value);
        if (!group.empty()) aid_types.insert(aid_types.end(), group.begin(), group.end());
        else aid_types.push_back(normalize_all(vocabulary::Kind::aid_type, {value}, "aid type").front());
    }
    add_terms(schema::aid_type, aid_types, "aid_type");
    add_terms(schema::step, normalize_all(vocabulary::Kind::step, request.steps, "step"), "step");
    add_terms(schema::destination, normalize_all(vocabulary::Kind::destination, request.destinations, "destination"), "destination");
    add_terms(schema::recurrence, normalize_all(vocabulary::Kind::recurrence, request.recurrences, "recurrence"), "recurrence");

    std::vector<std::string> themes, categories, programs, backers;
    for (const auto& value : request.themes) {
        const auto* theme = catalogue.taxonomy.theme(value);
        if (!theme) {
            std::vector<std::string> known;
            for (const auto& [slug, t] : catalogue.taxonomy.themes()) known.push_back(slug);
            auto near = text::closest(value, known);
            throw UsageError("unknown theme \"" + value + "\"" + (near.empty() ? "" : " (did you mean: " + listed(near) + "?)"), value);
        }
        themes.push_back(theme->slug);
    }
    for (const auto& value : request.categories) {
        const auto* category = catalogue.taxonomy.category(value);
        if (!category) {
            std::vector<std::string> known;
            for (const auto& [slug, t] : catalogue.taxonomy.themes()) known.insert(known.end(), t.categories.begin(), t.categories.end());
            auto near = text::closest(value, known);
            throw UsageError("unknown category \"" + value + "\"" + (near.empty() ? "" : " (did you mean: " + listed(near) + "?)"), value);
        }
        categories.push_back(category->slug);
    }
    add_terms(schema::theme, themes, "theme");
    add_terms(schema::category, categories, "category");
    for (const auto& value : request.programs) {
        programs.push_back(text::ascii_lower(text::trim(value)));
        if (check_known && !context.db.term_exists(schema::term(schema::program, programs.back()))) {
            auto near = text::closest(value, indexed_values(context.db, schema::program));
            throw UsageError("unknown program \"" + value + "\": no aid of the index has it" +
                                 (near.empty() ? "" : " (did you mean: " + listed(near) + "?)"), value);
        }
    }
    add_terms(schema::program, programs, "program");
    for (const auto& value : request.backers) {
        backers.push_back(backer_key(context.analyzer, value));
        if (check_known && !context.db.term_exists(schema::term(schema::backer, backers.back()))) {
            auto near = text::closest(backers.back(), indexed_values(context.db, schema::backer));
            plan.warnings.push_back("backer \"" + value + "\" matches no aid" + (near.empty() ? "" : " (did you mean: " + listed(near) + "?)"));
        }
    }
    add_terms(schema::backer, backers, "backer");
}

Plan Searcher::Impl::plan(const SearchRequest& original, Context& context) const {
    Plan plan;
    SearchRequest request = original;
    SearchRequest portal;  // the portal's base filters, if any
    if (request.portal) apply_portal(*request.portal, request, portal, plan);
    if (request.page < 1) throw UsageError("--page must be 1 or more, got " + std::to_string(request.page), std::to_string(request.page));
    if (request.size < 1 || request.size > 1000)
        throw UsageError("--size must be between 1 and 1000, got " + std::to_string(request.size), std::to_string(request.size));
    if (static_cast<long long>(request.page) * request.size > 1'000'000)
        throw UsageError("--page " + std::to_string(request.page) + " is too deep (page x size over 1,000,000)", std::to_string(request.page));
    plan.today = request.today.empty() ? dates::today() : checked_date(request.today, "--today");

    const Geography& geography = catalogue.geography;
    std::vector<Query> filters;
    // What a search must leave out, as an exclusion: unpublished aids and expired ones are few,
    // and skipping a short posting list costs far less than walking the published aids (95 %)
    // or the deadlines of every candidate.
    std::vector<Query> hidden;
    for (const std::string& status : vocabulary::values(vocabulary::Kind::status))
        if (status != "published") hidden.emplace_back(schema::term(schema::status, status));

    if (!request.commune.empty() && !request.perimeter.empty())
        throw UsageError("give --commune or --perimeter, not both", request.perimeter);
    if (!request.commune.empty()) {
        if (geography.commune_count() == 0) throw IndexError(dir + ": the index holds no geography; re-index with --geo");
        plan.commune_read = geography.resolve(request.commune);
        plan.commune = plan.commune_read->code;
        if (request.audiences.empty()) request.audiences.push_back("commune");
    } else if (!request.perimeter.empty()) {
        auto p = Perimeter::parse(request.perimeter);
        if (!p) throw UsageError("bad perimeter \"" + request.perimeter + "\" (expected SCALE:CODE, e.g. department:29)", request.perimeter);
        if (!geography.knows(*p) && !context.db.term_exists(schema::term(schema::perimeter, p->to_string())))
            throw UsageError("unknown perimeter \"" + request.perimeter + "\"", request.perimeter);
        plan.perimeter = p;
    }
    if (!plan.commune.empty() || plan.perimeter) filters.push_back(eligibility(plan, context.db));

    list_filters(request, context, filters, plan, true);
    list_filters(portal, context, filters, plan, false);
    if (request.call_for_projects) {
        filters.emplace_back(std::string(schema::flag_call));
        plan.filters_passed.push_back("call_for_projects");
    }
    if (request.is_charged) {
        Query charged{std::string(schema::flag_charged)};
        filters.push_back(*request.is_charged ? charged : Query(Query::OP_AND_NOT, match_all(), charged));
        plan.filters_passed.push_back(*request.is_charged ? "is_charged" : "free");
    }
    if (!request.include_expired) {
        // Expired: a deadline before today (dates are 10 characters: below today's last
        // character, then anything), unless the aid is ongoing.
        std::string before_today = plan.today;
        --before_today.back();
        before_today += '\xff';
        hidden.emplace_back(Query::OP_AND_NOT, Query(Query::OP_VALUE_LE, schema::deadline, before_today),
                            Query(schema::term(schema::recurrence, "ongoing")));
        plan.filters_passed.push_back("open on " + plan.today);
    }
    if (!request.apply_before.empty()) {
        // Still open, with a deadline from today on: a stale deadline (an ongoing aid's past one)
        // counts as none, and so is dropped.
        checked_date(request.apply_before, "--apply-before");
        filters.emplace_back(Query::OP_VALUE_RANGE, schema::deadline, plan.today, request.apply_before);
        plan.filters_passed.push_back("deadline " + plan.today + ".." + request.apply_before);
        if (request.apply_before < plan.today)
            plan.warnings.push_back("--apply-before " + request.apply_before + " is before today (" + plan.today + "): no deadline can be met");
    }
    if (!request.published_after.empty()) {
        filters.emplace_back(Query::OP_VALUE_GE, schema::published, checked_date(request.published_after, "--published-after"));
        plan.filters_passed.push_back("published >= " + request.published_after);
    }
    plan.filter = Query(Query::OP_AND_NOT, filters.empty() ? match_all() : Query(Query::OP_AND, filters.begin(), filters.end()),
                        Query(Query::OP_OR, hidden.begin(), hidden.end()));
    if (!plan.exclude_ids.empty()) plan.filter = Query(Query::OP_AND_NOT, plan.filter, any_of(schema::id, plan.exclude_ids));

    plan.parsed = parse_text(request.text, context.analyzer);
    return plan;
}

// ------------------------------------------------------------------------------- relaxation
// Each group of words that matches nothing within the filter keeps the most of its words that
// match something. Returns the documents of the text when every group is in memory (through the
// filter cache, with the filter's own `filter_set`) and none was relaxed; null otherwise.
std::shared_ptr<const DocSet> Searcher::Impl::relax(Plan& plan, SearchResponse& response, Context& context,
                                                    const TextQueryBuilder& builder, const DocSet* filter_set, bool relax_groups) const {
    auto matches = [&](const Query& text) {
        Xapian::Enquire enquire(context.db);
        enquire.set_query(Query(Query::OP_FILTER, text, plan.filter));
        enquire.set_weighting_scheme(Xapian::BoolWeight());
        return enquire.get_mset(0, 1).size() > 0;
    };
    std::vector<Query> groups;
    std::shared_ptr<const DocSet> text_set;
    bool in_memory = filter_set != nullptr;
    // Each word costs a few bitmaps of the whole index (its forms, their union): a long text is
    // left to Xapian, which reads only its posting lists.
    constexpr std::size_t max_terms_in_memory = 64;
    std::size_t terms = 0;
    for (const auto& group : plan.parsed.groups) {
        Query full = builder.group(group);
        std::size_t n = group.required.size();
        terms += static_cast<std::size_t>(std::distance(full.get_terms_begin(), full.get_terms_end()));
        if (terms > max_terms_in_memory) in_memory = false;
        std::shared_ptr<const DocSet> full_set = in_memory ? filter_cache.resolve(full, context.db) : nullptr;
        in_memory = full_set != nullptr;
        // Not strict: a group is never relaxed, its partial matches follow the full ones instead.
        if (!relax_groups || n < 2 || (full_set ? full_set->count_common(*filter_set) > 0 : matches(full))) {
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
        std::vector<Query> alternatives;
        for (const auto& keep : found) alternatives.push_back(builder.group(group, keep));
        groups.emplace_back(Query::OP_OR, alternatives.begin(), alternatives.end());
        response.relaxed = true;
        for (std::size_t i = 0; i < n; ++i) {
            bool always = std::all_of(found.begin(), found.end(), [&](const auto& keep) { return keep[i]; });
            if (!always) response.missing.push_back(group.required[i].display);
        }
    }
    plan.text = Query(Query::OP_OR, groups.begin(), groups.end());
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

std::vector<Xapian::docid> Searcher::Impl::local_variant_exclusions(const Plan& plan, const Query& query, const DocSet* matched,
                                                                    Context& context) const {
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
        enquire.set_query(Query(Query::OP_FILTER, query, DocSetSource::query(candidates)));
        enquire.set_weighting_scheme(Xapian::BoolWeight());
        // At most as many matches as candidates: Xapian sets aside room for as many results as it
        // is asked for, so asking for the whole index cost 80 MB and milliseconds a search at 1M aids.
        Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(candidates->count()));
        return std::vector<Xapian::docid>(mset.begin(), mset.end());
    };
    std::vector<std::pair<Xapian::docid, std::shared_ptr<const Variant>>> pairs;
    const std::string flag(schema::flag_variant);
    std::shared_ptr<const DocSet> variants_set = filter_cache.resolve(Query(flag), db);
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
Explanation Searcher::Impl::explain(const Aid& aid, const Plan& plan, Context& context, const TextQueryBuilder& builder) const {
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

std::optional<std::string> Searcher::Impl::suggest(const Plan& plan, Context& context) const {
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

SearchResponse Searcher::Impl::run(const SearchRequest& request, Context& context) const {
    Plan plan = this->plan(request, context);
    FilterCache::Prepared filter = filter_cache.prepare(plan.filter, context.db);
    plan.filter = filter.query;
    SearchResponse response;
    response.page = request.page;
    response.size = request.size;
    response.ignored = plan.parsed.ignored;
    response.commune = plan.commune_read;
    response.today = plan.today;
    response.warnings = plan.warnings;
    Xapian::Database& db = context.db;
    TextQueryBuilder builder(context.analyzer, catalogue.synonyms);

    bool has_text = !plan.parsed.empty();
    bool text_given = !text::trim(request.text).empty();
    std::shared_ptr<const DocSet> text_set;
    if (has_text) text_set = relax(plan, response, context, builder, filter.whole.get(), request.strict);

    std::optional<Query> like;
    if (!request.like.empty()) {
        Xapian::PostingIterator it = db.postlist_begin(schema::term(schema::id, request.like));
        if (it == db.postlist_end(schema::term(schema::id, request.like)))
            throw UsageError("unknown aid id for --like: \"" + request.like + "\"", request.like);
        Xapian::RSet rset;
        rset.add_document(*it);
        Xapian::Enquire enquire(db);
        struct WordsOnly : Xapian::ExpandDecider {
            bool operator()(const std::string& term) const override {
                return !term.empty() && (term[0] == 'Z' || std::islower(static_cast<unsigned char>(term[0])));
            }
        } words_only;
        Xapian::ESet eset = enquire.get_eset(40, rset, &words_only);
        std::vector<Query> terms;
        for (auto t = eset.begin(); t != eset.end(); ++t) terms.emplace_back(*t);
        like = Query(Query::OP_AND_NOT, Query(Query::OP_OR, terms.begin(), terms.end()), Query(schema::term(schema::id, request.like)));
    }

    Query query;
    // A text of exclusions only ranks nothing: order as without text.
    bool ranks_words = std::any_of(plan.parsed.groups.begin(), plan.parsed.groups.end(),
                                   [](const QueryGroup& group) { return !group.required.empty(); });
    bool weighted = ranks_words || like;
    if (has_text && like) query = Query(Query::OP_AND, *plan.text, *like);
    else if (has_text) query = *plan.text;
    else if (like) query = *like;
    else if (text_given) query = match_nothing();  // only stopwords: say so rather than list everything
    else query = match_all();
    const Query ranked = query;  // before the filter
    query = Query(Query::OP_FILTER, query, plan.filter);

    // The whole match in memory, when the text and the filter are (query/doc_sets.hpp): counted,
    // faceted and checked for local variants there; Xapian then only ranks within it.
    std::shared_ptr<DocSet> matched;
    if (text_set && !like && plan.highlighted_ids.empty()) {
        matched = std::make_shared<DocSet>(*text_set);
        matched->intersect(*filter.whole);
    }

    auto exclusions = local_variant_exclusions(plan, query, matched.get(), context);
    std::shared_ptr<DocSet> excluded;
    if (!exclusions.empty()) {
        excluded = std::make_shared<DocSet>(db.get_lastdocid());
        for (Xapian::docid did : exclusions) excluded->add(did);
        query = Query(Query::OP_AND_NOT, query, DocSetSource::query(excluded));
        if (matched) matched->subtract(*excluded);
    }

    // Stale deadlines sort as none (UndatedSortKey), in Xapian's sort as in memory.
    std::shared_ptr<const DocSet> stale_set;
    if (request.order == Order::deadline || (request.order == Order::relevance && !weighted)) {
        stale_set = stale_deadlines(db, plan.today);
        if (stale_set->count() == 0) stale_set.reset();
    }
    UndatedSortKey deadline_key(schema::deadline_order, stale_set), place_key(schema::place_order, stale_set);
    auto configure = [&](Xapian::Enquire& enquire) {
        if (!weighted) enquire.set_weighting_scheme(Xapian::BoolWeight());
        switch (request.order) {
            case Order::relevance:
                if (!weighted && stale_set) enquire.set_sort_by_key(&place_key, false);
                else if (!weighted) enquire.set_sort_by_value(schema::place_order, false);
                break;
            case Order::deadline:
                if (stale_set) enquire.set_sort_by_key_then_relevance(&deadline_key, false);
                else enquire.set_sort_by_value_then_relevance(schema::deadline_order, false);
                break;
            case Order::published: enquire.set_sort_by_value_then_relevance(schema::published, true); break;
        }
    };

    Xapian::doccount all = db.get_doccount();
    Xapian::doccount offset = static_cast<Xapian::doccount>((request.page - 1) * request.size);
    std::optional<FacetCounter> spy;
    if (request.facets) spy.emplace(facet_tables.get(db));
    std::vector<std::pair<Xapian::docid, double>> page;  // document, score in [0,1]
    auto collect = [&](Xapian::Enquire& enquire, Xapian::doccount first, Xapian::doccount count, Xapian::doccount check_at_least) {
        Xapian::MSet mset = enquire.get_mset(first, count, check_at_least);
        // The score is the weight relative to the best match of the whole result, not Xapian's
        // percentage: Xapian counts a posting source (a filter in memory) as a matching
        // subquery, which would lift every percentage of a filtered search.
        double best = mset.get_max_attained();
        for (auto it = mset.begin(); it != mset.end(); ++it)
            page.emplace_back(*it, weighted && best > 0 ? it.get_weight() / best : 0.0);
        return mset.get_matches_estimated();  // exact when check_at_least covers every document
    };

    // Without text, a filter resolved in memory is the match: counted, faceted and ordered
    // here, with the sort keys in memory, as Xapian would (key, then docid).
    std::shared_ptr<const SortColumn> sort_keys;
    if (filter.whole && !weighted && !text_given && plan.highlighted_ids.empty())
        sort_keys = filter_cache.sort_column(db, request.order == Order::relevance  ? schema::place_order
                                                 : request.order == Order::deadline ? schema::deadline_order
                                                                                    : schema::published);
    if (sort_keys) {
        DocSet matched = *filter.whole;
        if (excluded) matched.subtract(*excluded);
        response.count = matched.count();
        if (spy) spy->add(matched);
        std::vector<Xapian::docid> top = first_in_order(matched, *sort_keys, request.order == Order::published,
                                                        static_cast<std::size_t>(offset) + static_cast<std::size_t>(request.size),
                                                        request.order == Order::published ? nullptr : stale_set.get());
        for (std::size_t i = offset; i < top.size(); ++i) page.emplace_back(top[i], 0.0);
    } else if (matched) {
        response.count = matched->count();
        if (spy) spy->add(*matched);
        std::optional<Ranking> ranking;
        if (response.count > offset && weighted && request.order == Order::relevance)
            ranking = rank_in_memory(ranked, *matched, offset, static_cast<std::size_t>(request.size), filter_cache, db);
        if (ranking) {
            for (const auto& [did, weight] : ranking->page)
                page.emplace_back(did, ranking->best > 0 ? weight / ranking->best : 0.0);
        } else if (response.count > offset) {
            // Counted already: Xapian may skip what cannot reach the page.
            Xapian::Enquire enquire(db);
            enquire.set_query(Query(Query::OP_FILTER, ranked, DocSetSource::query(matched)));
            configure(enquire);
            collect(enquire, offset, static_cast<Xapian::doccount>(request.size), 0);
        }
    } else if (plan.highlighted_ids.empty()) {
        Xapian::Enquire enquire(db);
        enquire.set_query(query);
        configure(enquire);
        if (request.facets) enquire.add_matchspy(&*spy);
        response.count = collect(enquire, offset, static_cast<Xapian::doccount>(request.size), all);
    } else {
        // Portal highlights first, then the rest, one ranking each.
        Query highlighted = any_of(schema::id, plan.highlighted_ids);
        Xapian::Enquire first(db), rest(db);
        first.set_query(Query(Query::OP_FILTER, query, highlighted));
        rest.set_query(Query(Query::OP_AND_NOT, query, highlighted));
        configure(first);
        configure(rest);
        if (request.facets) {
            first.add_matchspy(&*spy);
            rest.add_matchspy(&*spy);
        }
        Xapian::doccount on_top = first.get_mset(0, 0, all).get_matches_estimated();  // feeds the spy once
        first.clear_matchspies();
        Xapian::doccount size = static_cast<Xapian::doccount>(request.size);
        Xapian::doccount others = 0;
        if (offset < on_top) {
            collect(first, offset, size, all);
            others = collect(rest, 0, size - static_cast<Xapian::doccount>(page.size()), all);
        } else {
            others = collect(rest, offset - on_top, size, all);
        }
        response.count = on_top + others;
    }

    // Partial matches after the full ones, when these do not fill the page.
    std::vector<PartialHit> partial_page;
    const std::size_t page_end = static_cast<std::size_t>(offset) + static_cast<std::size_t>(request.size);
    // Only when the page reaches past the full matches: the units' sets (a phrase among their
    // synonyms is a pass of Xapian's over the index) cost more than most searches (100k aids,
    // loaded machine: median 24 -> 59 ms when every text search counted its partial matches).
    if (has_text && ranks_words && !request.strict && !like && plan.highlighted_ids.empty() && response.count < page_end) {
        DocSet full = matched ? *matched : DocSet::of_query(db, query);
        if (excluded) full.unite(*excluded);
        auto docs_of = [&](const Query& unit) -> std::shared_ptr<const DocSet> {
            if (filter.whole)
                if (auto set = filter_cache.resolve(unit, db)) {
                    auto within = std::make_shared<DocSet>(*set);
                    within->intersect(*filter.whole);
                    return within;
                }
            return std::make_shared<const DocSet>(DocSet::of_query(db, Query(Query::OP_FILTER, unit, plan.filter)));
        };
        std::size_t skip = static_cast<std::size_t>(offset) > response.count ? static_cast<std::size_t>(offset) - response.count : 0;
        std::size_t wanted = static_cast<std::size_t>(request.size) - page.size();
        PartialMatches partial = find_partial_matches(db, plan.parsed.groups, builder, docs_of, full, skip, wanted);
        response.partial_count = partial.count;
        if (response.count == 0 && partial.count > 0) {
            response.relaxed = true;
            response.missing = partial.best_missing;
        }
        partial_page = std::move(partial.page);
    }

    std::set<std::string> highlight_terms;
    if (request.snippets)
        for (const auto& group : plan.parsed.groups)
            for (const auto& unit : group.required)
                for (auto& t : builder.match_terms(unit)) highlight_terms.insert(std::move(t));
    SnippetMaker snippets(highlight_terms, context.analyzer);
    const store::Revision revision = store::Revision::of(db);
    // Every output (table, JSON, JSON Lines, Python, HTTP) shows the same name: it is the hit's.
    auto perimeter_name = [&](const Aid& aid) {
        auto perimeter = Perimeter::parse(aid.perimeter);
        return perimeter ? catalogue.geography.name_of(*perimeter) : aid.perimeter;
    };
    for (auto& [did, score] : page) {
        SearchHit hit;
        hit.aid = stored::decode(*records.get(db, revision, did));
        hit.perimeter_name = perimeter_name(hit.aid);
        hit.score = score;
        if (request.snippets) hit.snippet = snippets.make(hit.aid);
        if (request.explain) hit.why = explain(hit.aid, plan, context, builder);
        response.results.push_back(std::move(hit));
    }
    // Partial hits score below every full hit of the page: their coverage times their weight
    // relative to the best partial hit shown.
    double ceiling = 1.0;
    for (const auto& hit : response.results) ceiling = std::min(ceiling, hit.score);
    if (response.results.empty() && response.count > 0) ceiling = 0.5;
    double best_partial = 0;
    for (const auto& p : partial_page) best_partial = std::max(best_partial, p.weight);
    for (const auto& p : partial_page) {
        SearchHit hit;
        hit.aid = stored::decode(*records.get(db, revision, p.did));
        hit.perimeter_name = perimeter_name(hit.aid);
        hit.score = ceiling * p.coverage * (best_partial > 0 ? p.weight / best_partial : 1.0);
        hit.partial = true;
        hit.missing = p.missing;
        if (request.snippets) hit.snippet = snippets.make(hit.aid);
        if (request.explain) hit.why = explain(hit.aid, plan, context, builder);
        response.results.push_back(std::move(hit));
    }
    if (request.facets) response.facets = spy->facets();
    if (has_text) response.suggestion = suggest(plan, context);
    if (response.results.empty() && response.count > 0) {
        std::size_t pages = (response.count + static_cast<std::size_t>(request.size) - 1) / static_cast<std::size_t>(request.size);
        response.warnings.push_back("page " + std::to_string(request.page) + " is past the end: " + std::to_string(response.count) +
                                    (response.count == 1 ? " aid" : " aids") + " make " + std::to_string(pages) +
                                    (pages == 1 ? " page" : " pages") + " of " + std::to_string(request.size));
    }
    return response;
}

}  // namespace aides
