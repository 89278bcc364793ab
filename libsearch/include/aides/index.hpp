#pragma once
/** @file index.hpp
 *  @brief Building and updating an index: read records, validate, analyse, write atomically.
 */
#include <aides/aid.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace aides {

/** @brief Input formats of record files. */
enum class InputFormat {
    automatic,  ///< JSON Lines, JSON array, API page or CSV export, told apart by their start;
                ///< API pages and records with Aides-territoires-only fields read as `at_api`
    jsonl,      ///< canonical records, one per line
    json,       ///< canonical records: a JSON array or an API page {"count","next","previous","results"}
    at_api,     ///< Aides-territoires API data as served (labels, names, `*_full`, `perimeter_scale`)
    at_csv,     ///< the Aides-territoires CSV export (Nom, Lien, Financeurs, Bénéficiaire...)
};

/** @brief A rejected record or a doubtful value: `source:line: field: message`. */
struct RecordIssue {
    std::string source;    ///< file name, `-` for standard input
    std::size_t line = 0;  ///< 1-based line of the record (its first line in a JSON array)
    std::string field;     ///< empty when the whole record is at fault
    std::string message;
    /** @brief `source:line: field: message`, the one-line form the CLIs print. */
    std::string to_string() const;
};

/** @brief A record read from a file, with where it came from. */
struct SourcedAid {
    Aid aid;
    std::string source;
    std::size_t line = 0;
};

/** @brief Options of Index::open. Empty paths mean "keep what the index has, else the
 *  defaults built into the library" (the bundled taxonomy and synonyms, the fetched geography). */
struct IndexOptions {
    std::string geography_path;  ///< compact geography.tsv, or an npm data/ directory
    std::string taxonomy_path;   ///< taxonomy.json
    std::string synonyms_path;   ///< synonyms.txt
    std::vector<std::pair<std::string, std::string>> adhoc;  ///< NAME -> file of INSEE codes
};

/** @brief Options of Index::ingest. */
struct IngestOptions {
    InputFormat format = InputFormat::automatic;
    bool skip_invalid = false;  ///< index the valid records even when some are bad
    bool dry_run = false;       ///< validate only, write nothing (`--check`)
    /** @brief Called now and then with (records read so far, source); may be empty. */
    std::function<void(std::size_t, const std::string&)> progress;
};

/** @brief What an ingest did. */
struct IngestReport {
    std::size_t read = 0;      ///< records read
    std::size_t indexed = 0;   ///< records added or replaced
    std::size_t rejected = 0;  ///< bad records
    std::size_t deleted = 0;   ///< ids removed
    bool committed = false;    ///< false when nothing was written
    std::vector<RecordIssue> errors;    ///< rejected records
    std::vector<RecordIssue> warnings;  ///< accepted with a doubt (unknown commune code...)
};

/** @brief A writable index on disk (a Xapian database directory). Move-only. One writer at a
 *  time: a second one gets IndexLockedError. Changes become visible to searchers at commit. */
class Index {
  public:
    /** @brief Opens or creates the index at `dir`.
     *  @throws IndexLockedError when another writer holds it, IndexError when it is not an aides
     *  index of this format version, DataError for a bad geography/taxonomy/synonyms/ad-hoc file. */
    static Index open(const std::string& dir, const IndexOptions& options = {});
    ~Index();
    Index(Index&&) noexcept;
    Index& operator=(Index&&) noexcept;

    /** @brief Reads every input (path or `-` for stdin), validates, and adds or replaces the
     *  records in one transaction: all valid records are committed, or (when any record is bad
     *  and skip_invalid is false) none. Read errors of a file are reported like bad records. */
    IngestReport ingest(const std::vector<std::string>& inputs, const IngestOptions& options = {});
    /** @brief Validates, then adds or replaces these records in one transaction.
     *  @throws DataError for the first bad record (nothing written). */
    IngestReport add(const std::vector<Aid>& aids);
    /** @brief Removes aids by id in one transaction. @return how many existed. */
    std::size_t remove(const std::vector<std::string>& ids);
    /** @brief Makes the index hold exactly the valid records of `inputs`: adds, replaces, and
     *  removes the aids absent from them. Same all-or-nothing rule as ingest(). */
    IngestReport sync(const std::vector<std::string>& inputs, const IngestOptions& options = {});
    /** @brief Rewrites the index with full blocks: about 15 % smaller on disk, fewer blocks to
     *  read. Xapian leaves its blocks partly empty when it writes term by term, so this pays
     *  after a bulk build; aides-index does it when it has just created the index. The new
     *  files replace the old ones in one rename; searchers see them when they reopen. A run
     *  killed while compacting leaves the index whole and a `DIR.compacting-XXXXXX` beside it,
     *  removed by the next compaction.
     *  @throws IndexError (the index is then left as it was). */
    void compact();
    /** @brief True when the index was new when opened: nothing had been committed to it. */
    bool created() const;
    /** @brief Number of aids in the index (any status). */
    std::size_t size() const;
    /** @brief Every id in the index, sorted. */
    std::vector<std::string> ids() const;

  private:
    struct Impl;
    explicit Index(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

/** @brief Reads records from a file (`-` = stdin) without indexing: each record parsed and
 *  normalised (labels to machine values), or reported. Categories and perimeters are checked
 *  later, against the index's taxonomy and geography. */
std::vector<SourcedAid> read_records(const std::string& path, InputFormat format,
                                     std::vector<RecordIssue>& issues);

/** @brief Parses one JSON object text into an Aid. @throws DataError naming the field. */
Aid parse_aid(std::string_view json_object);

}  // namespace aides
