// Indexing with analysis threads (IngestOptions::threads): the same index, byte for byte, and
// the same report, whatever the number of threads.
#include <fstream>
#include <map>
#include <sstream>

#include "test_support.hpp"

namespace aides {
namespace {

namespace fs = std::filesystem;

// Every Xapian table of an index directory, by file name. `iamglass` is left out: it holds the
// database's UUID, new for each database; `flintlock` is the (empty) lock file.
std::map<std::string, std::string> tables(const std::string& dir) {
    std::map<std::string, std::string> out;
    for (const auto& entry : fs::directory_iterator(dir)) {
        std::string name = entry.path().filename().string();
        if (entry.path().extension() != ".glass") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream bytes;
        bytes << in.rdbuf();
        out[name] = bytes.str();
    }
    return out;
}

std::vector<std::string> lines_of(const std::vector<RecordIssue>& issues) {
    std::vector<std::string> out;
    for (const auto& issue : issues) out.push_back(issue.to_string());
    return out;
}

struct Indexed {
    IngestReport report;
    std::map<std::string, std::string> tables;
};

Indexed index_with(const std::string& dir, const std::string& input, unsigned threads) {
    IndexOptions options;
    options.geography_path = test::geography_file();
    Indexed out;
    {
        Index index = Index::open(dir, options);
        IngestOptions ingest;
        ingest.threads = threads;
        ingest.skip_invalid = true;
        out.report = index.ingest({input}, ingest);
    }
    out.tables = tables(dir);
    return out;
}

TEST(IndexThreads, SameTablesByteForByteAndSameReportWhateverTheThreads) {
    if (!fs::exists("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3 to generate the catalogue";
    if (!fs::exists(test::geography_file())) GTEST_SKIP() << "no geography (make geography)";
    test::TempDir dir;
    const std::string input = dir.str("aids.jsonl");
    auto generated = test::run_command({"/usr/bin/python3", test::source("scripts/generate-catalogue.py"), "--count", "2000", "--seed", "11",
                                        "--out", input, "--geography", test::geography_file()});
    ASSERT_EQ(generated.status, 0) << generated.err;
    // Rejections among the records, whose order in the report must hold too: a duplicate id, a
    // line that is not JSON, an unknown category, a bad perimeter, then the same id again
    // after the invalid one (admitted: an invalid record does not claim its id).
    std::vector<nlohmann::json> records = test::read_jsonl(input);
    ASSERT_EQ(records.size(), 2000u);
    nlohmann::json unknown_category = records[20];
    unknown_category["id"] = "bad-category";
    unknown_category["categories"] = {"no-such-category"};
    nlohmann::json bad_perimeter = records[30];
    bad_perimeter["id"] = "bad-perimeter";
    bad_perimeter["perimeter"] = "planet:Mars";
    nlohmann::json after_invalid = records[40];
    after_invalid["id"] = "bad-category";
    {
        std::ofstream out(input, std::ios::app);
        out << records[10].dump() << "\n{not json\n" << unknown_category.dump() << "\n" << bad_perimeter.dump() << "\n"
            << after_invalid.dump() << "\n";
    }

    Indexed one = index_with(dir.str("one"), input, 1);
    ASSERT_TRUE(one.report.committed);
    EXPECT_EQ(one.report.read, 2005u);
    EXPECT_EQ(one.report.valid, 2001u);
    EXPECT_EQ(one.report.rejected, 4u);
    ASSERT_EQ(one.report.errors.size(), 4u);
    EXPECT_EQ(one.report.errors[0].field, "id");  // the duplicate
    EXPECT_EQ(one.report.errors[2].field, "categories");
    EXPECT_EQ(one.report.errors[3].field, "perimeter");
    EXPECT_EQ(one.report.added_ids.back(), "bad-category");
    // The tables of a Xapian glass database, each with content.
    for (const char* table : {"docdata.glass", "postlist.glass", "position.glass", "termlist.glass", "spelling.glass"}) {
        ASSERT_TRUE(one.tables.count(table)) << table;
        EXPECT_GT(one.tables[table].size(), 0u) << table;
    }

    for (unsigned threads : {2u, 4u, 0u}) {
        Indexed many = index_with(dir.str("threads-" + std::to_string(threads)), input, threads);
        ASSERT_TRUE(many.report.committed) << threads;
        EXPECT_EQ(many.report.read, one.report.read) << threads;
        EXPECT_EQ(many.report.valid, one.report.valid) << threads;
        EXPECT_EQ(many.report.added_ids, one.report.added_ids) << threads;
        EXPECT_EQ(lines_of(many.report.errors), lines_of(one.report.errors)) << threads;
        EXPECT_EQ(lines_of(many.report.warnings), lines_of(one.report.warnings)) << threads;
        ASSERT_EQ(many.tables.size(), one.tables.size()) << threads;
        for (const auto& [name, bytes] : one.tables) {
            ASSERT_TRUE(many.tables.count(name)) << threads << " threads: no " << name;
            EXPECT_TRUE(many.tables[name] == bytes) << threads << " threads: " << name << " differs (" << many.tables[name].size()
                                                    << " bytes, " << bytes.size() << " with one thread)";
        }
    }
}

// A failure while the analysis threads are busy (an unreadable file after a good one) leaves
// nothing written, and every thread is stopped: the test would hang otherwise.
TEST(IndexThreads, AFileThatCannotBeReadRefusesTheRunWithThreads) {
    if (!fs::exists(test::geography_file())) GTEST_SKIP() << "no geography (make geography)";
    test::TempDir dir;
    IndexOptions options;
    options.geography_path = test::geography_file();
    Index index = Index::open(dir.str("db"), options);
    IngestOptions ingest;
    ingest.threads = 4;
    IngestReport report = index.ingest({test::corpus("aides.jsonl"), dir.str("missing.jsonl")}, ingest);
    EXPECT_FALSE(report.committed);
    EXPECT_FALSE(report.refusal.empty());
    EXPECT_EQ(index.size(), 0u);
    report = index.ingest({test::corpus("aides.jsonl")}, ingest);
    EXPECT_TRUE(report.committed);
    EXPECT_GT(index.size(), 0u);
}

}  // namespace
}  // namespace aides
