#pragma once
/** @file search.hpp
 *  @brief Searching an index: request, results, facets, explanations, commune profiles.
 */
#include <aides/aid.hpp>
#include <aides/geography.hpp>
#include <aides/portal.hpp>
#include <aides/vocabulary.hpp>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace aides {

/** @brief The order of the results of a search (SearchRequest::order). */
enum class Order {
    /** With text: by score, best first. Without text: narrowest perimeter first, then soonest
     *  deadline (as Aides-territoires orders them). */
    relevance,
    deadline,  ///< soonest deadline first; no deadline (or an ongoing aid's past one) last
    published  ///< newest publication first
};

/** @brief Which executor runs a search (SearchRequest::execution). Both read the same plan and
 *  give the same answer (the test suites run every request through both and compare); they
 *  differ in speed: memory answers a long-lived searcher's common searches from sets and
 *  rankings held in memory, Xapian reads the index's posting lists. */
enum class Execution {
    automatic,  ///< `auto`: memory when the search can run there and its lists are in memory (read on their second use), Xapian otherwise
    xapian,     ///< `xapian`: Xapian's matcher only, nothing held in memory
    memory,     ///< `memory`: in memory, the lists read on first use; a search it cannot run
                ///< (a phrase, `like`, a portal's highlights, a text of many terms) falls back
                ///< to Xapian, and SearchResponse::execution says why
};

/** @brief `auto`, `xapian` or `memory`. */
std::string to_string(Execution execution);
/** @brief The execution named `auto`, `xapian` or `memory`; nullopt for another name. */
std::optional<Execution> parse_execution(const std::string& name);

/** @brief A search: what `aides-search` flags and `/api/aids/` parameters say, as plain values.
 *
 *  Repeated values of one field are OR-ed, different fields AND-ed. Values accept machine
 *  values, `-` spellings and French labels, case-insensitively. A default-constructed request
 *  finds every open, published aid, 20 a page, by relevance. Searcher::search() checks the
 *  values and throws UsageError naming a bad one. */
struct SearchRequest {
    std::string text;       ///< words AND-ed, `,` OR-groups, `"phrase"`, `-exclusion`
    std::string commune;    ///< INSEE code, name (`NAME (DEP)`...), postcode, see Geography::resolve; empty: none
    std::string perimeter;  ///< `SCALE:CODE`; empty: none
    std::vector<std::string> audiences;  ///< default with a commune and no audience: `commune`
    std::vector<std::string> themes, categories, aid_types;  ///< aid types include the two groups
    std::vector<std::string> steps, destinations, programs, backers, recurrences;  ///< programme slugs, backer names (whole, any case)
    bool call_for_projects = false;  ///< only calls for projects
    std::optional<bool> is_charged;  ///< true: only paid services; false: only free ones; nullopt: both
    std::string apply_before;    ///< YYYY-MM-DD: deadline on or before
    std::string published_after; ///< YYYY-MM-DD: published on or after
    std::string today;           ///< YYYY-MM-DD, default the real date
    bool include_expired = false;  ///< keep aids whose deadline is before `today`
    Order order = Order::relevance;  ///< see Order
    int page = 1;   ///< 1-based
    int size = 20;  ///< 1..1000
    bool facets = false;   ///< fill SearchResponse::facets
    bool explain = false;  ///< fill each hit's SearchHit::why
    /// false: every hit's `snippet` left empty (a list of titles, an export): the page skips
    /// reading its descriptions for the query's words, about a quarter of a text search
    bool snippets = true;
    /// true: only aids with every word of a group (and the old relaxation when none has them);
    /// false (default): when the full matches do not fill the page, aids with part of the
    /// words follow them (`SearchHit::partial`)
    bool strict = false;
    std::string like;  ///< an aid id: aids similar to it
    /// the portal searched in (base filters, highlighted and excluded ids), loaded once with
    /// Portal::load() and shared by the requests that name it; null: none
    std::shared_ptr<const Portal> portal;
    /// which executor runs the search (default: auto); the answer is the same, only its cost differs
    Execution execution = Execution::automatic;
    /** @brief Field by field; portals compare as pointers (the same loaded portal). */
    bool operator==(const SearchRequest&) const = default;
};

/** @brief Why an aid matched (`--explain`). */
struct Explanation {
    std::string perimeter;  ///< e.g. `epci:200067197 via commune 29019`
    std::vector<std::string> filters;  ///< the filters it passed, `audience:commune`...
    std::map<std::string, std::vector<std::string>> matched;  ///< field -> query words found
};

/** @brief One result of a search: the aid, and what the search found of it. */
struct SearchHit {
    Aid aid;  ///< the whole record, as indexed
    /// the name of `aid.perimeter` in the index's geography (`Finistère` for `department:29`;
    /// the code when the geography does not know it), so that every output shows the same
    std::string perimeter_name;
    double score = 0;  ///< relevance in [0, 1] with text (the best match of the result is 1), 0 without
    std::string snippet;  ///< HTML-escaped extract of the description, matches in <mark>; empty when `SearchRequest::snippets` is false
    std::optional<Explanation> why;  ///< why it matched; only with SearchRequest::explain
    bool partial = false;  ///< has only part of the words of the text (ranked after every full match)
    std::vector<std::string> missing;  ///< a partial hit's words it lacks, as typed
};

/** @brief Facet name (`themes`, `categories`, `aid_types`, `targeted_audiences`, `programs`,
 *  `backers`) -> value -> number of matching aids. */
using Facets = std::map<std::string, std::map<std::string, std::size_t>>;

/** @brief Which executor answered (SearchResponse::execution, with `explain`). */
struct ExecutionReport {
    Execution requested = Execution::automatic;  ///< SearchRequest::execution
    Execution used = Execution::xapian;          ///< xapian or memory: which matched, counted and ranked the full matches
    std::string fallback;  ///< why memory was not used when asked for (empty otherwise)
};

/** @brief The answer to a SearchRequest: one page of hits, the exact count, and what the caller
 *  should be told about how the request was read. */
struct SearchResponse {
    std::size_t count = 0;  ///< exact number of matching aids (full matches: partial ones are not counted)
    /// aids with part of the words, that follow the full matches; counted when the page reaches
    /// past the full matches (0 otherwise: not counted)
    std::size_t partial_count = 0;
    int page = 1;   ///< the request's page (1-based)
    int size = 20;  ///< the request's page size
    std::vector<SearchHit> results;  ///< the page: at most `size` hits, full matches first
    std::optional<Facets> facets;    ///< counts over every matching aid; only with SearchRequest::facets
    std::optional<std::string> suggestion;  ///< "did you mean", when a word is unknown
    bool relaxed = false;                   ///< a group of words was relaxed, or no aid has every word and partial hits are shown
    std::vector<std::string> missing;       ///< the words left out by relaxation (the best partial hit's, without full match)
    std::vector<std::string> ignored;       ///< stopwords dropped from the text
    std::optional<CommuneResolution> commune;  ///< the commune searched for, as the request's `commune` was read
    std::string today;  ///< the date used for "open" (YYYY-MM-DD): a deadline before it is stale
    /// what the caller should be told: a backer that matches no aid (with the closest names), a
    /// page past the end (with the number of pages), an --apply-before date already past
    std::vector<std::string> warnings;
    std::optional<ExecutionReport> execution;  ///< set when SearchRequest::explain
};

/** @brief The contract's JSON of a response (`--format json`): `count`, `page`, `size`,
 *  `results` (each as to_json(const SearchHit&)), `facets`, `suggestion`... on one line. */
std::string to_json(const SearchResponse& response);
/** @brief One result as a JSON object (`--format jsonl`, and each of a response's `results`):
 *  `id`, `slug`, `name`, `score`, `perimeter`, `perimeter_name`, `submission_deadline`, the
 *  rest of the record, `snippet`, and `partial`/`missing`, `why` when set. */
std::string to_json(const SearchHit& hit);
/** @brief The commune a search answered for: `{"code", "name", "department": {"code", "name"},
 *  "note"?}` (the `commune` of a response's JSON). */
std::string to_json(const CommuneResolution& commune);
/** @brief The contract's JSON of a commune profile. */
std::string to_json(const CommuneProfile& profile);

/** @brief Which commit of the index a searcher reads (Searcher::status()). */
struct IndexStatus {
    std::uint64_t revision = 0;  ///< the index's commit number, growing with each commit
    std::int64_t committed_at = 0;  ///< when that commit was made, seconds since 1970 (UTC)
    std::size_t aids = 0;        ///< number of aids in it (any status)
    bool stale = false;          ///< the index could not be reopened: an older revision is read
};

/** @brief A theme of the index's taxonomy and its categories (`value` slug, `label` French name). */
struct ThemeEntry {
    std::string slug;  ///< e.g. `mobilite-transports`
    std::string name;  ///< French name
    std::vector<VocabularyEntry> categories;  ///< its categories, `value` the slug, `label` the name
};

/** @brief A read-only handle on an index. Move-only; search() may be called from several
 *  threads at once. Sees the last commit made when it was opened, and reopens itself when a
 *  writer commits underneath. `dir` may also be a replica made by `xapian-replicate` (a stub
 *  file naming its live copy): each full copy made live is opened at the next search. The
 *  reference data (geography, taxonomy, synonyms, ad-hoc lists) is read once, here. */
class Searcher {
  public:
    /** @brief Opens an index for reading, and reads its reference data.
     *  @param dir the index directory made by Index (`aides-index --db DIR`), or a replica stub.
     *  @throws IndexError when `dir` is missing, corrupt or of another format version. */
    explicit Searcher(const std::string& dir);
    ~Searcher();  ///< closes the index; searches still running must have returned
    Searcher(Searcher&&) noexcept;             ///< the moved-from searcher may only be destroyed or assigned
    Searcher& operator=(Searcher&&) noexcept;  ///< as the move constructor

    /** @brief Runs a search.
     *  @param request the question; its portal, if any, is shared, not copied.
     *  @return one page of hits, each with its perimeter's name, and the exact count.
     *  @throws UsageError for bad request values (naming the value), IndexError on I/O. */
    SearchResponse search(const SearchRequest& request) const;
    /** @brief A commune's profile (`aides-search --profile`).
     *  @param commune read as SearchRequest::commune: INSEE code, postcode or name.
     *  @throws UsageError when unknown or ambiguous. */
    CommuneProfile profile(const std::string& commune) const;
    /** @brief The geography held by the index (ad-hoc lists included). */
    const Geography& geography() const;
    /** @brief The aid with this id, whatever its status; nullopt when absent. */
    std::optional<Aid> get(const std::string& id) const;
    /** @brief Number of aids in the index (any status). */
    std::size_t size() const;
    /** @brief The aid whose id, else whose slug, is `id_or_slug`, whatever its status; nullopt
     *  when absent. Slugs are looked up in a table read once per index revision. */
    std::optional<Aid> find(const std::string& id_or_slug) const;
    /** @brief The revision read now (a new commit is seen here as by search()), its commit
     *  time and its number of aids. When the index cannot be reopened (being replaced, damaged),
     *  the searcher keeps reading the revision it has, and says so here. @throws IndexError */
    IndexStatus status() const;
    /** @brief The themes of the index's taxonomy with their categories, in slug order. */
    std::vector<ThemeEntry> themes() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace aides
