#pragma once
// The side-by-side benchmark: one query mix, the same for every system, and the engines that
// run it (this library, raw Xapian, PostgreSQL full-text search, SQLite FTS5).
#include <aides/search.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bench {

using Facets = aides::Facets;

/** A boolean tree of index terms (forms and `Z` stems), the text part of a query once analysed
 *  by the library: the peers that take pre-analysed terms render it in their own syntax. */
struct TermTree {
    enum class Op { term, all, any };
    Op op = Op::term;
    std::string term;
    std::vector<TermTree> children;
};

/** One query of the mix, with what every peer needs precomputed. */
struct QuerySpec {
    std::string klass;  ///< text, profile, text_profile, text_profile_facets, deadline, broad_facets
    // The request, as a user of the library gives it.
    std::string text;
    std::string commune;
    std::vector<std::string> audiences, themes;
    bool facets = false;
    aides::Order order = aides::Order::relevance;
    // Precomputed for the peers (what the library's planning layer works out).
    std::vector<std::string> perimeters;  ///< perimeters eligible for the commune, SCALE:CODE
    std::optional<TermTree> terms;        ///< the analysed text
    std::string xapian_text;              ///< the library's Xapian text query, serialised
    // The library's answer, which every peer must reproduce.
    std::size_t count = 0;
    std::optional<Facets> expected_facets;
};

/** The whole mix: the date used for "open", and the queries of every class. */
struct Mix {
    std::string today;
    std::size_t page_size = 20;
    std::vector<QuerySpec> queries;
};

nlohmann::json to_json(const TermTree& tree);
TermTree tree_from_json(const nlohmann::json& j);
nlohmann::json to_json(const Mix& mix);
Mix mix_from_json(const nlohmann::json& j);

/** What a system answered: the exact count, the page, and facets when asked. */
struct Outcome {
    std::size_t count = 0;
    std::size_t returned = 0;
    std::optional<Facets> facets;
};

/** One connection or handle of a system; one per thread. */
class Engine {
  public:
    virtual ~Engine() = default;
    virtual Outcome search(const QuerySpec& query) = 0;
};

/** Makes one engine per thread; the factory holds what the threads share. */
class EngineFactory {
  public:
    virtual ~EngineFactory() = default;
    virtual std::unique_ptr<Engine> make() = 0;
};

/** Where a system's data lives, from the command line. */
struct Target {
    std::string system;   ///< aides, xapian, postgres, postgres-pre, sqlite
    std::string index;    ///< the library's index directory (aides, xapian; mix generation)
    std::string conninfo; ///< libpq connection string (postgres*)
    std::string sqlite;   ///< SQLite database file
    std::string today;
    std::size_t page_size = 20;
};

/** The library's request for a query of the mix, as of `today`, one page of `page_size`. */
aides::SearchRequest request_of(const QuerySpec& q, const std::string& today, std::size_t page_size);

/** The library; `snippets` false: records only, as PostgreSQL and raw Xapian return them. */
std::unique_ptr<EngineFactory> make_aides(const Target& target, bool snippets = true);
std::unique_ptr<EngineFactory> make_xapian(const Target& target);
std::unique_ptr<EngineFactory> make_postgres(const Target& target, bool pre_analysed);
std::unique_ptr<EngineFactory> make_sqlite(const Target& target);

/** Loading a catalogue into a peer: the timing and the size it takes. */
struct LoadReport {
    std::size_t aids = 0;
    double seconds = 0;
    std::uintmax_t bytes = 0;  ///< on disk
    nlohmann::json details;    ///< per step
};
/** `threads`: IngestOptions::threads (0: chosen from the cores). */
LoadReport load_aides(const std::string& input, const std::string& index_dir, const std::string& geography, unsigned threads = 0);
/** Loads PostgreSQL with both text columns; the report times the Aides-territoires setup and
 *  the pre-analysed column apart (details). The catalogue (taxonomy...) comes from `index_dir`. */
LoadReport load_postgres(const std::string& input, const std::string& conninfo, const std::string& index_dir);
LoadReport load_sqlite(const std::string& input, const std::string& file, const std::string& index_dir);

/** Generates the mix against the library's index. */
struct MixOptions {
    std::string index;
    std::string titles_csv;  ///< real project titles; empty or missing: generated from the index
    std::string today;
    std::size_t per_class = 100;
    unsigned seed = 42;
    /** Distinct text + profile queries (class `distinct`), each run once, after a warm-up on
     *  `distinct_warmup` others (class `distinct_warmup`); 0: none. */
    std::size_t distinct = 0, distinct_warmup = 0;
};
Mix generate_mix(const MixOptions& options);

/** A long run of distinct text + profile queries on the library, the process's memory tabled
 *  every `every` queries: does it level off? */
struct SoakOptions {
    std::string index, titles_csv, today;
    std::size_t queries = 50000, every = 5000;
    unsigned seed = 42;
    bool snippets = true;
};
nlohmann::json soak(const SoakOptions& options);

// ------------------------------------------------------------------------------------ helpers
using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}
/** Peak resident set of this process, in KiB. */
long peak_rss_kib();
/** Resident set of this process now, in KiB. */
long rss_kib();
std::uintmax_t disk_usage(const std::string& path);

}  // namespace bench
