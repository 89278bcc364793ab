#pragma once
// What an index holds besides the aids: its format version, geography, taxonomy, synonyms and
// ad-hoc lists, all in Xapian metadata so that one commit changes them with the aids.
// Also the one place where Xapian errors become aides errors.
#include <aides/errors.hpp>
#include <aides/geography.hpp>

#include <xapian.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "model/taxonomy.hpp"
#include "analysis/synonyms.hpp"

namespace aides::store {

/** The reference data an index was built with. */
struct Catalogue {
    Geography geography;
    Taxonomy taxonomy;
    Synonyms synonyms;
};

/** Which index and which commit a handle reads: what every in-memory copy of index data
 *  (facet codes, filters, sort keys, variant facts) is valid for. */
struct Revision {
    std::string uuid;
    Xapian::rev number = 0;
    static Revision of(const Xapian::Database& db) { return {db.get_uuid(), db.get_revision()}; }
    bool operator==(const Revision&) const = default;
};

/** Which files a reader of `dir` opens. A replica made by `xapian-replicate` is a directory
 *  holding a stub file `XAPIANDB` that names its live copy (`replica_0` or `replica_1`): a full
 *  copy is written into the other one and made live by renaming a new stub over the old, then
 *  the old copy is deleted (and a later full copy is written at its path again). A handle opened
 *  through the stub keeps reading its own copy, which reopen() cannot leave, so a reader opens
 *  `dir` again when this mark changes. All zero for a database directory without a stub. */
struct LiveCopy {
    std::uint64_t device = 0, inode = 0;
    std::int64_t modified_ns = 0;
    bool operator==(const LiveCopy&) const = default;
};
LiveCopy live_copy(const std::string& dir);

/** Throws IndexError unless `db` holds an aides index of this format version. */
void check_format(const Xapian::Database& db, const std::string& dir);
/** Reads the catalogue from the index metadata, falling back on the built-in defaults. */
Catalogue load_catalogue(const Xapian::Database& db, const std::string& dir, const Analyzer& analyzer);
/** Adds the ad-hoc lists stored in the index to `geography`. */
void load_adhoc(const Xapian::Database& db, Geography& geography);

/** Metadata text as stored: zlib-compressed behind a marker (the geography, 2 MB as text, is a
 *  quarter of that; unpacking it costs a one-shot search 5-8 ms, see docs/benchmarks.md). */
std::string packed(std::string_view text);
/** The text of stored metadata: unpacked, or as is (moved) when it was stored plain (older indexes).
 *  Throws IndexError naming `dir` and `what` when it cannot be unpacked. */
std::string unpacked(std::string stored, const std::string& dir, const char* what);

/** The geography at `path`: a geography.tsv, or an npm data/ directory converted on the fly. */
Geography load_geography(const std::string& path);
std::string read_file(const std::string& path, const char* what);

/** Where the reference data files (geography.tsv, taxonomy.json, synonyms.txt) are. */
struct DataFiles {
    std::string directory;  ///< the data directory they were found in (the build tree: the corpus's)
    std::string geography;
    std::string taxonomy;
    std::string synonyms;
};

/** What the data lookup depends on, so that a test can set each. */
struct DataLookup {
    std::string data_dir;    ///< $AIDES_DATA_DIR, empty when unset
    std::string executable;  ///< the running program (/proc/self/exe), empty when unknown
    std::string installed_from_bin;  ///< installed data relative to the program's folder: `../share/aides`
    DataFiles build_tree;    ///< the paths of the build tree, compiled in
};

/** The data files, looked for in this order: `lookup.data_dir` when set; the installed tree's
 *  data folder (`<prefix>/share/aides`, the prefix found from the running program, so that an
 *  installed tree can be moved) when it exists; the build tree's paths. Reads no environment. */
DataFiles find_data_files(const DataLookup& lookup);
/** The lookup of this process: $AIDES_DATA_DIR, /proc/self/exe and the compiled-in paths. */
DataLookup current_data_lookup();

/** The default files: $AIDES_GEOGRAPHY / $AIDES_TAXONOMY / $AIDES_SYNONYMS when set, else
 *  find_data_files(current_data_lookup()). */
std::string default_geography_path();
std::string default_taxonomy_path();
std::string default_synonyms_path();

/** Runs `body`, turning Xapian errors into IndexError / IndexLockedError naming `dir`. */
template <class Body>
auto translate_errors(const std::string& dir, Body&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const Xapian::DatabaseLockError& e) {
        throw IndexLockedError(dir + ": index is locked by another writer (" + e.get_msg() + ")");
    } catch (const Xapian::DatabaseOpeningError& e) {
        throw IndexError(dir + ": cannot open index: " + e.get_msg());
    } catch (const Xapian::DatabaseCorruptError& e) {
        throw IndexError(dir + ": corrupt index: " + e.get_msg());
    } catch (const Xapian::Error& e) {
        throw IndexError(dir + ": " + e.get_type() + ": " + e.get_msg());
    }
}

}  // namespace aides::store
