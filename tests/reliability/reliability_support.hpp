#pragma once
// Shared by the reliability suites: what an index holds, generated records, tools run as
// processes with their peak memory, and processes started and killed.
#include "test_support.hpp"

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace aides::test {

/** What an index holds, read with Xapian directly: the sorted ids, a hash of every stored
 *  record and metadata entry, and the document count (equal to ids.size() when no document
 *  lost its id). Two indexes with equal fingerprints answer every search alike. */
struct Fingerprint {
    std::vector<std::string> ids;
    std::uint64_t hash = 0;
    std::size_t documents = 0;
    bool operator==(const Fingerprint&) const = default;
};
/** @throws whatever Xapian throws when `dir` is no readable index. */
Fingerprint fingerprint(const std::string& dir);

/** Generated records, one JSON object per line: ids `PREFIX-FIRST` .. `PREFIX-(FIRST+COUNT-1)`,
 *  small French texts, valid enums; `variant` changes the name so that re-indexing replaces. */
std::string generated_records(std::size_t first, std::size_t count, const std::string& variant,
                              const std::string& prefix = "gen");

/** A finished process: exit status (128+signal when killed), outputs, peak resident memory. */
struct ProcessResult {
    int status = -1;
    bool signaled = false;
    std::string out, err;
    long max_rss_kb = 0;
};
/** Runs a command to its end, with outputs captured in files. */
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& stdin_text = {});

/** A process started in the background, outputs to files under a scratch directory. */
class Process {
  public:
    /** Starts argv; stdin from `stdin_path` when given, else /dev/null. */
    explicit Process(const std::vector<std::string>& argv, const std::string& stdin_path = {});
    ~Process();  ///< kills and reaps the process if still running
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    pid_t pid() const { return pid_; }
    /** Sends `signal` (when still running). */
    void kill(int signal);
    /** Waits for the end. */
    ProcessResult wait();
    /** The standard error written so far. */
    std::string err_so_far() const;

  private:
    TempDir scratch_;
    pid_t pid_ = -1;
    bool reaped_ = false;
};

/** True when built with AddressSanitizer (memory figures are then meaningless). */
constexpr bool address_sanitized() {
#if defined(__SANITIZE_ADDRESS__)
    return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return true;
#else
    return false;
#endif
#else
    return false;
#endif
}

/** UTF-8 text re-encoded as Latin-1, as a misconfigured export writes it (no longer UTF-8). */
std::string as_latin1(const std::string& utf8);
/** True when `text` is well-formed UTF-8 with no control character but \n and \t. */
bool printable_utf8(const std::string& text);
/** Lines of `text`, without their ends; a last line without '\n' counts. */
std::vector<std::string> lines_of(const std::string& text);

}  // namespace aides::test
