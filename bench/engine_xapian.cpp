// This library through its public API, and raw Xapian on the same index with the library's
// terms precomputed: the floor for the library's own layers.
#include <aides/index.hpp>
#include <aides/search.hpp>

#include <xapian.h>

#include <algorithm>
#include <set>

#include "harness.hpp"
#include "index/schema.hpp"

namespace bench {

namespace {

// ------------------------------------------------------------------------------ the library
class AidesEngine : public Engine {
  public:
    AidesEngine(std::shared_ptr<aides::Searcher> searcher, const Target& target, bool snippets)
        : searcher_(std::move(searcher)), target_(target), snippets_(snippets) {}
    Outcome search(const QuerySpec& q) override {
        aides::SearchRequest request = request_of(q, target_.today, target_.page_size);
        request.snippets = snippets_;
        aides::SearchResponse response = searcher_->search(request);
        return {response.count, response.results.size(), std::move(response.facets)};
    }

  private:
    std::shared_ptr<aides::Searcher> searcher_;
    const Target& target_;
    bool snippets_;
};

class AidesFactory : public EngineFactory {
  public:
    AidesFactory(const Target& target, bool snippets)
        : target_(target), searcher_(std::make_shared<aides::Searcher>(target.index)), snippets_(snippets) {}
    std::unique_ptr<Engine> make() override { return std::make_unique<AidesEngine>(searcher_, target_, snippets_); }

  private:
    Target target_;
    std::shared_ptr<aides::Searcher> searcher_;
    bool snippets_;
};

// ------------------------------------------------------------------------------- raw Xapian
std::string unhex(const std::string& text) {
    std::string out;
    out.reserve(text.size() / 2);
    auto digit = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    for (std::size_t i = 0; i + 1 < text.size(); i += 2) out += static_cast<char>(digit(text[i]) * 16 + digit(text[i + 1]));
    return out;
}

// What one writes with Xapian alone. Facets held in the facet slot (backers, programs): split
// by a match spy. Facets held as boolean terms (themes, categories, aid types, audiences): read
// from the term list of each match when the match is small; on a broad match, the spy marks
// the matches in a bitmap and each facet term's posting list is walked against it (one pass
// over those lists instead of a term list per match).
class SlotFacetSpy : public Xapian::MatchSpy {
  public:
    explicit SlotFacetSpy(Xapian::docid last) : matched_(static_cast<std::size_t>(last) + 1, false) {}
    void operator()(const Xapian::Document& doc, double) override {
        matched_[doc.get_docid()] = true;
        ++matches_;
        std::string values = doc.get_value(aides::schema::facets);
        aides::schema::for_each_facet_entry(values, [&](std::string_view entry) {
            ++counts[static_cast<unsigned char>(entry[0])][std::string(entry.substr(1))];
        });
    }
    void count_terms(const Xapian::Database& db) {
        if (matches_ * 64 < db.get_doccount()) {
            // One term list per match, its facet prefixes visited in term order.
            std::vector<std::pair<std::string_view, char>> prefixes;
            for (const auto& [letter, prefix] : aides::schema::facets_from_terms) prefixes.emplace_back(prefix, letter);
            std::sort(prefixes.begin(), prefixes.end());
            for (Xapian::docid did = 1; did < matched_.size(); ++did) {
                if (!matched_[did]) continue;
                auto term = db.termlist_begin(did);
                for (const auto& [prefix, letter] : prefixes) {
                    for (term.skip_to(std::string(prefix)); term != db.termlist_end(did); ++term) {
                        const std::string name = *term;
                        if (name.compare(0, prefix.size(), prefix) != 0) break;
                        ++counts[static_cast<unsigned char>(letter)][name.substr(prefix.size())];
                    }
                }
            }
            return;
        }
        for (const auto& [letter, prefix] : aides::schema::facets_from_terms) {
            const std::string from(prefix);
            for (auto term = db.allterms_begin(from); term != db.allterms_end(from); ++term) {
                std::size_t n = 0;
                for (auto doc = db.postlist_begin(*term); doc != db.postlist_end(*term); ++doc)
                    n += *doc < matched_.size() && matched_[*doc];
                if (n) counts[static_cast<unsigned char>(letter)][(*term).substr(prefix.size())] = n;
            }
        }
    }
    std::map<std::string, std::size_t> counts[256];

  private:
    std::vector<bool> matched_;
    std::size_t matches_ = 0;
};

using Query = Xapian::Query;

Query any_of(std::string_view prefix, const std::vector<std::string>& values) {
    std::vector<Query> terms;
    for (const auto& value : values) terms.emplace_back(aides::schema::term(prefix, value));
    return Query(Query::OP_OR, terms.begin(), terms.end());
}

class XapianEngine : public Engine {
  public:
    explicit XapianEngine(const Target& target)
        : db_(target.index), target_(target), has_variants_(db_.term_exists(std::string(aides::schema::flag_variant))) {}
    Outcome search(const QuerySpec& q) override {
        namespace schema = aides::schema;
        std::vector<Query> filters;
        filters.emplace_back(schema::term(schema::status, "published"));
        if (!q.perimeters.empty()) filters.push_back(any_of(schema::perimeter, q.perimeters));
        if (!q.audiences.empty()) filters.push_back(any_of(schema::audience, q.audiences));
        if (!q.themes.empty()) filters.push_back(any_of(schema::theme, q.themes));
        filters.emplace_back(Query::OP_OR,
                             Query(Query::OP_OR, Query(Query::OP_VALUE_GE, schema::deadline, target_.today),
                                   Query(std::string(schema::flag_no_deadline))),
                             Query(schema::term(schema::recurrence, "ongoing")));
        Query filter(Query::OP_AND, filters.begin(), filters.end());
        bool weighted = !q.xapian_text.empty();
        Query query = weighted ? Query::unserialise(unhex(q.xapian_text)) : Query(std::string());  // not Query::MatchAll: shared, its count is not atomic
        query = Query(Query::OP_FILTER, query, filter);
        if (has_variants_) query = without_hidden_variants(query, !q.perimeters.empty());
        Xapian::Enquire enquire(db_);
        enquire.set_query(query);
        if (!weighted) enquire.set_weighting_scheme(Xapian::BoolWeight());
        if (q.order == aides::Order::deadline) enquire.set_sort_by_value_then_relevance(schema::deadline_order, false);
        else if (!weighted) enquire.set_sort_by_value(schema::place_order, false);
        SlotFacetSpy spy(q.facets ? db_.get_lastdocid() : 0);
        if (q.facets) enquire.add_matchspy(&spy);
        Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(target_.page_size), db_.get_doccount());
        if (q.facets) spy.count_terms(db_);
        Outcome out;
        out.count = mset.get_matches_estimated();
        for (auto it = mset.begin(); it != mset.end(); ++it) {
            std::string data = it.get_document().get_data();  // the record, as a caller needs it
            out.returned += !data.empty();
        }
        if (q.facets) {
            Facets facets;
            auto take = [&](const char* name, char kind) {
                facets[name] = spy.counts[static_cast<unsigned char>(kind)];
            };
            take("themes", schema::facet_theme);
            take("categories", schema::facet_category);
            take("aid_types", schema::facet_aid_type);
            take("targeted_audiences", schema::facet_audience);
            take("programs", schema::facet_program);
            take("backers", schema::facet_backer);
            out.facets = std::move(facets);
        }
        return out;
    }

  private:
    // Generic aids and local variants, as the library shows them: searching a commune drops the
    // generic aid of a matching variant (the variant's perimeter holds the commune); searching
    // no place drops the variant of a matching generic aid. The generic id is the XV term.
    Query without_hidden_variants(const Query& query, bool place) {
        namespace schema = aides::schema;
        auto all = [&](const Query& q) {
            Xapian::Enquire enquire(db_);
            enquire.set_query(q);
            enquire.set_weighting_scheme(Xapian::BoolWeight());
            return enquire.get_mset(0, db_.get_doccount());
        };
        auto term_of = [&](Xapian::docid did, std::string_view prefix) {
            Xapian::TermIterator t = db_.termlist_begin(did);
            t.skip_to(std::string(prefix));
            return t != db_.termlist_end(did) && (*t).rfind(prefix, 0) == 0 ? (*t).substr(prefix.size()) : std::string();
        };
        Xapian::MSet variants = all(Query(Query::OP_FILTER, query, Query(std::string(schema::flag_variant))));
        if (variants.empty()) return query;
        std::vector<std::pair<std::string, std::string>> pairs;  // variant id, generic id
        for (auto it = variants.begin(); it != variants.end(); ++it) pairs.emplace_back(term_of(*it, schema::id), term_of(*it, schema::generic));
        std::vector<Query> hidden;
        if (place) {
            for (const auto& pair : pairs) hidden.emplace_back(schema::term(schema::id, pair.second));
        } else {
            std::vector<Query> generics;
            for (const auto& pair : pairs) generics.emplace_back(schema::term(schema::id, pair.second));
            std::set<std::string> matching;
            Xapian::MSet found = all(Query(Query::OP_FILTER, query, Query(Query::OP_OR, generics.begin(), generics.end())));
            for (auto it = found.begin(); it != found.end(); ++it) matching.insert(term_of(*it, schema::id));
            for (const auto& pair : pairs)
                if (matching.count(pair.second)) hidden.emplace_back(schema::term(schema::id, pair.first));
        }
        Query out = query;
        if (!hidden.empty()) out = Query(Query::OP_AND_NOT, out, Query(Query::OP_OR, hidden.begin(), hidden.end()));
        return out;
    }

    Xapian::Database db_;
    const Target& target_;
    bool has_variants_ = false;
};

class XapianFactory : public EngineFactory {
  public:
    explicit XapianFactory(const Target& target) : target_(target) {}
    std::unique_ptr<Engine> make() override { return std::make_unique<XapianEngine>(target_); }

  private:
    Target target_;
};

}  // namespace

std::unique_ptr<EngineFactory> make_aides(const Target& target, bool snippets) { return std::make_unique<AidesFactory>(target, snippets); }
std::unique_ptr<EngineFactory> make_xapian(const Target& target) { return std::make_unique<XapianFactory>(target); }

LoadReport load_aides(const std::string& input, const std::string& index_dir, const std::string& geography, unsigned threads) {
    LoadReport report;
    auto start = Clock::now();
    aides::IndexOptions options;
    options.geography_path = geography;
    aides::Index index = aides::Index::open(index_dir, options);
    aides::IngestOptions ingest;
    ingest.skip_invalid = true;
    ingest.threads = threads;
    // Several files (comma-separated) are ingested one transaction each, as successive runs of
    // aides-index would: a transaction holds its changes in memory until it commits.
    std::size_t rejected = 0, warnings = 0, transactions = 0;
    for (std::size_t from = 0; from <= input.size();) {
        std::size_t comma = std::min(input.find(',', from), input.size());
        aides::IngestReport result = index.ingest({input.substr(from, comma - from)}, ingest);
        report.aids += result.indexed;
        rejected += result.rejected;
        warnings += result.warnings.size();
        ++transactions;
        from = comma + 1;
    }
    // As aides-index does after creating an index; its time counts in the throughput.
    auto compaction = Clock::now();
    double uncompacted_bytes = static_cast<double>(disk_usage(index_dir));
    index.compact();
    double compact_seconds = seconds_since(compaction);
    report.seconds = seconds_since(start);
    report.bytes = disk_usage(index_dir);
    report.details = {{"rejected", rejected},           {"warnings", warnings},
                      {"transactions", transactions},   {"compact_seconds", compact_seconds},
                      {"uncompacted_bytes", uncompacted_bytes}, {"threads", threads}};
    return report;
}

}  // namespace bench
