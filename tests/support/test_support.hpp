#pragma once
// Shared by the C++ test suites: temporary directories, fixture paths, index building.
#include <aides/aides.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace aides::test {

/** A fresh directory under the system temporary directory, removed at scope exit. */
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::string str(const std::string& child = {}) const { return (child.empty() ? path_ : path_ / child).string(); }

  private:
    std::filesystem::path path_;
};

std::string fixture(const std::string& name);       ///< tests/fixtures/<name>
std::string corpus(const std::string& name);        ///< corpus/<name>
std::string source(const std::string& relative);    ///< a file of the source tree
std::string geography_file();                        ///< build/geo/geography.tsv
std::string npm_data_dir();                          ///< build/geo/npm
std::string bin(const std::string& tool);            ///< build/bin/<tool>
std::string shared(const std::string& relative);     ///< ../shared/<relative>
bool shared_available();

/** The national geography, loaded once per process. Fails the test when it is missing. */
const Geography& national_geography();

/** Writes text to a file. */
void write_file(const std::string& path, const std::string& text);
std::string read_file(const std::string& path);
/** Every JSON object of a JSON Lines file. */
std::vector<nlohmann::json> read_jsonl(const std::string& path);

/** Builds an index at `dir` from JSON Lines files, with the national geography and the
 *  given ad-hoc lists; asserts the ingest committed with no error. */
void build_index(const std::string& dir, const std::vector<std::string>& inputs,
                 const std::vector<std::pair<std::string, std::string>>& adhoc = {});

/** Ids of a response's results, in order. */
std::vector<std::string> ids(const SearchResponse& response);

/** How the search suites search: `searcher.search(request)`. With AIDES_EQUIVALENCE_CHECK=1 in
 *  the environment (ctest sets it for the unit suites), a request left to the automatic
 *  executor is also run with Execution::xapian and Execution::memory, and every difference
 *  between the three answers is a test failure (executor_differences). */
SearchResponse search(const Searcher& searcher, const SearchRequest& request);
bool equivalence_check_enabled();
/** What differs between two answers to one request: hit ids and order, count, partial_count,
 *  facets, every field of the JSON; scores within 1e-9 (float noise: weights added in another
 *  order). Empty when they agree; the executor report (SearchResponse::execution) is left out. */
std::vector<std::string> executor_differences(const SearchResponse& expected, const SearchResponse& actual);
/** `request` run with Execution::xapian and with Execution::memory: their differences. */
std::vector<std::string> compare_executors(const Searcher& searcher, SearchRequest request);

/** Runs a command, capturing stdout and stderr; returns the exit status. */
struct CommandResult {
    int status = -1;
    std::string out, err;
};
CommandResult run_command(const std::vector<std::string>& argv, const std::string& stdin_text = {});

/** Starts argv[0] (a path) with stdin, stdout and stderr on these files; the caller reaps it.
 *  Files rather than pipes for the outputs: no deadlock whatever their size. */
pid_t spawn(const std::vector<std::string>& argv, const std::string& in_path, const std::string& out_path,
            const std::string& err_path);

}  // namespace aides::test
