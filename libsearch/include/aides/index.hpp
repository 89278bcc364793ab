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
    std::size_t line = 0;  ///< 1-based line of the record (its first line in a JSON array); 0 for a whole file
    std::string field;     ///< empty when the whole record is at fault
    std::string message;   ///< what is wrong, e.g. `unknown value "bribe"`
    /** @brief The record's id when it could be read, even from a malformed record: a sync keeps
     *  the indexed version of a record it rejects, so it must know which one it is. */
    std::string id;
    /** @brief True when the whole file is at fault (cannot be opened, empty, not JSON, cut
     *  short): none of its records can be trusted, and --skip-invalid does not skip it. */
    bool whole_file = false;
    /** @brief For a warning that is a RecordConcern (counted per kind, not printed one by one):
     *  its kind; empty for other issues. */
    std::string kind;
    /** @brief `source:line: field: message`, the one-line form the CLIs print. */
    std::string to_string() const;
};

/** @brief A record read from a file, with where it came from. */
struct SourcedAid {
    Aid aid;                ///< the record, normalised
    std::string source;     ///< the file it was read from, `-` for standard input
    std::size_t line = 0;   ///< 1-based line of the record (its first line in a JSON array)
};

/** @brief Options of Index::open. Empty paths mean "keep what the index has, else the
 *  defaults built into the library" (the bundled taxonomy and synonyms, the fetched geography). */
struct IndexOptions {
    std::string geography_path;  ///< compact geography.tsv, or an npm data/ directory
    std::string taxonomy_path;   ///< taxonomy.json
    std::string synonyms_path;   ///< synonyms.txt
    std::vector<std::pair<std::string, std::string>> adhoc;  ///< NAME -> file of INSEE codes
};

/** @brief The most aids a sync may remove: a count, or a percentage of the aids the index
 *  holds when the sync begins (rounded down). A sync that would remove more refuses. */
struct RemovalLimit {
    double value = 10;     ///< default: 10 %
    bool percent = true;   ///< `value` is a percentage of the index, else a count
    /** @brief Parses `N` or `P%` (e.g. `250`, `10%`, `100%`). @throws UsageError naming the value. */
    static RemovalLimit parse(const std::string& text);
    /** @brief The largest number of removals allowed for an index of `indexed` aids. */
    std::size_t allowed(std::size_t indexed) const;
    /** @brief `10 %` or `250 aids`. */
    std::string to_string() const;
};

/** @brief Options of Index::ingest and Index::sync. */
struct IngestOptions {
    InputFormat format = InputFormat::automatic;  ///< how to read the inputs (default: told from their start)
    /** @brief Index the valid records even when some are bad (they are still reported). Never
     *  skips a whole file that cannot be read: such a run always refuses. */
    bool skip_invalid = false;
    bool dry_run = false;       ///< read, validate and report what would change; write nothing
    RemovalLimit max_removals;  ///< sync only: refuse beyond this many removals
    /** @brief Called now and then with (records read so far, source); may be empty. */
    std::function<void(std::size_t, const std::string&)> progress;
    /** @brief Threads that validate and analyse records, beside the one that reads and the one
     *  that writes: 0 chooses from the cores, 1 analyses on the reader's thread. The index is
     *  the same byte for byte whatever the number. */
    unsigned threads = 0;
};

/** @brief Accepted records that a search may miss: counted per kind, with the first few. */
struct RecordConcern {
    std::string kind;     ///< `no-audience`, `national-by-default`, `perimeter-inferred`, `perimeter-not-inferred`
    std::string summary;  ///< one line a librarian can act on, e.g. "12 aids have no audience: ..."
    std::size_t count = 0;           ///< records concerned
    std::vector<RecordIssue> first;  ///< the first records concerned (at most 5)
};

/** @brief What an ingest or a sync did, or (dry run, refusal) would have done. Always
 *  `read == valid + rejected`; file-level errors are in `errors` with `whole_file` set and count
 *  in none of the three. */
struct IngestReport {
    std::size_t read = 0;      ///< records read (malformed ones included)
    std::size_t valid = 0;     ///< records that passed validation
    std::size_t rejected = 0;  ///< bad records
    std::size_t indexed = 0;   ///< records added or replaced (0 when nothing was written)
    std::size_t deleted = 0;   ///< aids removed by a sync (0 when nothing was written)
    bool committed = false;    ///< false when nothing was written
    /** @brief Why the run wrote nothing although it was asked to (a sync refused, a file that
     *  could not be read); empty otherwise. */
    std::string refusal;
    std::vector<std::string> added_ids;     ///< ids new to the index (written, or would be)
    std::vector<std::string> replaced_ids;  ///< ids already in the index (written, or would be)
    std::vector<std::string> removed_ids;   ///< sync: ids absent from the dump (removed, or would be)
    std::vector<RecordIssue> errors;    ///< rejected records and unreadable files
    std::vector<RecordIssue> warnings;  ///< accepted with a doubt (unknown commune code...)
    std::vector<RecordConcern> concerns;  ///< accepted records a search may miss, per kind
};

/** @brief What Index::remove did. */
struct RemovalReport {
    std::vector<std::string> removed;    ///< ids that were in the index, now gone
    std::vector<std::string> not_found;  ///< ids the index did not hold
};

/** @brief A writable index on disk (a Xapian database directory). Move-only. One writer at a
 *  time: a second one gets IndexLockedError. Changes become visible to searchers at commit. */
class Index {
  public:
    /** @brief Opens or creates the index at `dir`.
     *  @throws IndexLockedError when another writer holds it, IndexError when it is not an aides
     *  index of this format version, DataError for a bad geography/taxonomy/synonyms/ad-hoc file. */
    static Index open(const std::string& dir, const IndexOptions& options = {});
    ~Index();  ///< releases the write lock; uncommitted changes are never left behind
    Index(Index&&) noexcept;             ///< the moved-from index may only be destroyed or assigned
    Index& operator=(Index&&) noexcept;  ///< as the move constructor

    /** @brief Reads every input (path or `-` for stdin), validates, and adds or replaces the
     *  records in one transaction: all valid records are committed, or (when any record is bad
     *  and skip_invalid is false) none. A file that cannot be read whole (missing, empty, not
     *  JSON, cut short) refuses the run whatever skip_invalid says. */
    IngestReport ingest(const std::vector<std::string>& inputs, const IngestOptions& options = {});
    /** @brief Validates, then adds or replaces these records in one transaction.
     *  @throws DataError for the first bad record (nothing written). */
    IngestReport add(const std::vector<Aid>& aids);
    /** @brief Removes aids by id in one transaction (nothing is written on a dry run).
     *  @return the ids removed and those the index did not hold. */
    RemovalReport remove(const std::vector<std::string>& ids, bool dry_run = false);
    /** @brief Makes the index hold exactly the records of a full dump: adds, replaces, and
     *  removes the aids absent from it, in one transaction, only when the dump was read whole.
     *  It refuses (report.refusal set, nothing written) on a file-level error, an empty dump, a
     *  dump without one valid record, a bad record unless skip_invalid, or more removals than
     *  `options.max_removals`. A record rejected with skip_invalid keeps its indexed version;
     *  when a rejected record's id cannot be read, nothing is removed. */
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
 *  later, against the index's taxonomy and geography.
 *  @param path the file, `-` for standard input; @param format how to read it;
 *  @param issues receives every rejected record and file-level error (nothing is thrown).
 *  @return the records read, in file order. */
std::vector<SourcedAid> read_records(const std::string& path, InputFormat format,
                                     std::vector<RecordIssue>& issues);

/** @brief Parses one JSON object text into an Aid. @throws DataError naming the field. */
Aid parse_aid(std::string_view json_object);

}  // namespace aides
