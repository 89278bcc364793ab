#include "reliability_support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xapian.h>

#include <algorithm>
#include <cerrno>

#include "index/schema.hpp"

namespace aides::test {

namespace {

// FNV-1a, 64 bits: stable across runs and builds, unlike std::hash.
void mix(std::uint64_t& hash, std::string_view bytes) {
    for (unsigned char c : bytes) {
        hash ^= c;
        hash *= 1099511628211ULL;
    }
    hash ^= 0xff;  // field separator, so that "ab"+"c" differs from "a"+"bc"
    hash *= 1099511628211ULL;
}

ProcessResult reap(pid_t pid, const std::string& out_path, const std::string& err_path) {
    ProcessResult result;
    int status = 0;
    struct rusage usage {};
    while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
    }
    result.signaled = WIFSIGNALED(status);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.max_rss_kb = usage.ru_maxrss;
    result.out = read_file(out_path);
    result.err = read_file(err_path);
    return result;
}

}  // namespace

Fingerprint fingerprint(const std::string& dir) {
    Xapian::Database db(dir);
    Fingerprint fp;
    fp.hash = 14695981039346656037ULL;
    const std::string id_prefix(schema::id);
    for (auto term = db.allterms_begin(id_prefix); term != db.allterms_end(id_prefix); ++term) {
        std::string id = (*term).substr(id_prefix.size());
        mix(fp.hash, id);
        for (auto post = db.postlist_begin(*term); post != db.postlist_end(*term); ++post)
            mix(fp.hash, db.get_document(*post).get_data());
        fp.ids.push_back(std::move(id));
    }
    for (auto key = db.metadata_keys_begin(); key != db.metadata_keys_end(); ++key) {
        mix(fp.hash, *key);
        mix(fp.hash, db.get_metadata(*key));
    }
    fp.documents = db.get_doccount();
    return fp;
}

std::string generated_records(std::size_t first, std::size_t count, const std::string& variant,
                              const std::string& prefix) {
    static const char* const words[] = {"rénovation", "énergétique", "école",   "vélo",     "friche",
                                        "commerce",   "centre-bourg", "eau",    "patrimoine", "culture",
                                        "sport",      "numérique",   "mobilité", "logement", "forêt"};
    static const char* const types[] = {"grant", "loan", "technical_engineering"};
    std::string out;
    for (std::size_t i = first; i < first + count; ++i) {
        nlohmann::json record = {
            {"id", prefix + "-" + std::to_string(i)},
            {"name", "Aide " + variant + " " + std::to_string(i) + " " + words[i % 15] + " " + words[(i / 15) % 15]},
            {"description", std::string("Soutien ") + words[(i * 7) % 15] + " et " + words[(i * 11) % 15]},
            {"aid_types", {types[i % 3]}},
            {"targeted_audiences", {"commune", "epci"}},
        };
        out += record.dump() + "\n";
    }
    return out;
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& stdin_text) {
    TempDir scratch;
    write_file(scratch.str("in"), stdin_text);
    pid_t pid = spawn(argv, scratch.str("in"), scratch.str("out"), scratch.str("err"));
    return reap(pid, scratch.str("out"), scratch.str("err"));
}

Process::Process(const std::vector<std::string>& argv, const std::string& stdin_path) {
    pid_ = spawn(argv, stdin_path.empty() ? "/dev/null" : stdin_path, scratch_.str("out"), scratch_.str("err"));
}

Process::~Process() {
    if (!reaped_ && pid_ > 0) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        waitpid(pid_, &status, 0);
    }
}

void Process::kill(int signal) {
    if (!reaped_) ::kill(pid_, signal);
}

ProcessResult Process::wait() {
    ProcessResult result = reap(pid_, scratch_.str("out"), scratch_.str("err"));
    reaped_ = true;
    return result;
}

std::string Process::err_so_far() const { return read_file(scratch_.str("err")); }

bool printable_utf8(const std::string& text) {
    for (std::size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return false;
            ++i;
            continue;
        }
        std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (n == 0 || i + n > text.size()) return false;
        for (std::size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
        i += n;
    }
    return true;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

std::string as_latin1(const std::string& utf8) {
    std::string out;
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(utf8[i]);
        if ((c == 0xC2 || c == 0xC3) && i + 1 < utf8.size()) {
            out += static_cast<char>(((c & 0x03) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3F));
            ++i;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

}  // namespace aides::test
