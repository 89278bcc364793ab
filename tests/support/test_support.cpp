#include "test_support.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace aides::test {

TempDir::TempDir() {
    std::random_device random;
    for (int attempt = 0; attempt < 100; ++attempt) {
        auto candidate = std::filesystem::temp_directory_path() / ("aides-test-" + std::to_string(random()));
        if (std::filesystem::create_directory(candidate)) {
            path_ = candidate;
            return;
        }
    }
    throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string fixture(const std::string& name) { return std::string(AIDES_FIXTURES_DIR) + "/" + name; }
std::string corpus(const std::string& name) { return std::string(AIDES_CORPUS_DIR) + "/" + name; }
std::string source(const std::string& relative) { return std::string(AIDES_SOURCE_DIR) + "/" + relative; }
std::string geography_file() { return AIDES_GEOGRAPHY_FILE; }
std::string npm_data_dir() { return AIDES_NPM_DATA_DIR; }
std::string bin(const std::string& tool) { return std::string(AIDES_BIN_DIR) + "/" + tool; }
std::string shared(const std::string& relative) { return std::string(AIDES_SHARED_DIR) + "/" + relative; }
bool shared_available() { return std::filesystem::exists(shared("CONTRACT.md")); }

const Geography& national_geography() {
    static const Geography geography = Geography::load(geography_file());
    return geography;
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

std::vector<nlohmann::json> read_jsonl(const std::string& path) {
    std::vector<nlohmann::json> out;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);)
        if (line.find_first_not_of(" \t\r") != std::string::npos) out.push_back(nlohmann::json::parse(line));
    return out;
}

void build_index(const std::string& dir, const std::vector<std::string>& inputs,
                 const std::vector<std::pair<std::string, std::string>>& adhoc) {
    IndexOptions options;
    options.geography_path = geography_file();
    options.adhoc = adhoc;
    Index index = Index::open(dir, options);
    IngestReport report = index.ingest(inputs);
    for (const auto& issue : report.errors) ADD_FAILURE() << issue.to_string();
    ASSERT_TRUE(report.committed);
}

std::vector<std::string> ids(const SearchResponse& response) {
    std::vector<std::string> out;
    for (const auto& hit : response.results) out.push_back(hit.aid.id);
    return out;
}

bool equivalence_check_enabled() {
    const char* value = std::getenv("AIDES_EQUIVALENCE_CHECK");
    return value != nullptr && std::string(value) == "1";
}

namespace {

std::string listed(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "" : " ") + v;
    return "[" + out + "]";
}

std::string described(const SearchRequest& r) {
    return "text \"" + r.text + "\", commune " + r.commune + ", perimeter " + r.perimeter + ", order " +
           std::to_string(static_cast<int>(r.order)) + ", page " + std::to_string(r.page) + ", size " + std::to_string(r.size) +
           (r.strict ? ", strict" : "") + (r.facets ? ", facets" : "") + (r.like.empty() ? "" : ", like " + r.like) +
           (r.portal ? ", a portal" : "");
}

}  // namespace

std::vector<std::string> executor_differences(const SearchResponse& expected, const SearchResponse& actual) {
    std::vector<std::string> out;
    if (ids(expected) != ids(actual)) out.push_back("ids " + listed(ids(expected)) + " != " + listed(ids(actual)));
    if (expected.count != actual.count)
        out.push_back("count " + std::to_string(expected.count) + " != " + std::to_string(actual.count));
    if (expected.partial_count != actual.partial_count)
        out.push_back("partial_count " + std::to_string(expected.partial_count) + " != " + std::to_string(actual.partial_count));
    if (expected.facets != actual.facets) out.push_back("facets differ");
    for (std::size_t i = 0; i < expected.results.size() && i < actual.results.size(); ++i)
        if (std::fabs(expected.results[i].score - actual.results[i].score) > 1e-9)
            out.push_back("score of hit " + std::to_string(i) + " (" + expected.results[i].aid.id + ") " +
                          std::to_string(expected.results[i].score) + " != " + std::to_string(actual.results[i].score));
    // Every other field, as the JSON says it; the scores compared above, the report aside.
    auto json_of = [](SearchResponse response) {
        for (auto& hit : response.results) hit.score = 0;
        response.execution.reset();
        return to_json(response);
    };
    if (out.empty() && json_of(expected) != json_of(actual)) out.push_back("JSON " + json_of(expected) + " != " + json_of(actual));
    return out;
}

std::vector<std::string> compare_executors(const Searcher& searcher, SearchRequest request) {
    request.execution = Execution::xapian;
    SearchResponse xapian = searcher.search(request);
    request.execution = Execution::memory;
    SearchResponse memory = searcher.search(request);
    return executor_differences(xapian, memory);
}

SearchResponse search(const Searcher& searcher, const SearchRequest& request) {
    SearchResponse response = searcher.search(request);
    if (equivalence_check_enabled() && request.execution == Execution::automatic) {
        SearchRequest forced = request;
        forced.execution = Execution::xapian;
        SearchResponse xapian = searcher.search(forced);
        forced.execution = Execution::memory;
        SearchResponse memory = searcher.search(forced);
        for (const auto& difference : executor_differences(xapian, memory))
            ADD_FAILURE() << "executors xapian and memory differ (" << described(request) << "): " << difference;
        for (const auto& difference : executor_differences(xapian, response))
            ADD_FAILURE() << "executors xapian and auto differ (" << described(request) << "): " << difference;
    }
    return response;
}


pid_t spawn(const std::vector<std::string>& argv, const std::string& in_path, const std::string& out_path,
            const std::string& err_path) {
    pid_t pid = fork();
    if (pid == 0) {
        int in = ::open(in_path.c_str(), O_RDONLY);
        int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    return pid;
}

CommandResult run_command(const std::vector<std::string>& argv, const std::string& stdin_text) {
    TempDir scratch;
    std::string in_path = scratch.str("in"), out_path = scratch.str("out"), err_path = scratch.str("err");
    write_file(in_path, stdin_text);
    pid_t pid = spawn(argv, in_path, out_path, err_path);
    CommandResult result;
    int status = 0;
    waitpid(pid, &status, 0);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = read_file(out_path);
    result.err = read_file(err_path);
    return result;
}

}  // namespace aides::test
