// A corrupt or foreign index directory: the tools exit 1 with one line, never crash, and never
// write into a directory that is not theirs.
#include "reliability_support.hpp"

#include <xapian.h>

#include <aides/version.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <iostream>
#include <random>

#include "index/schema.hpp"

namespace aides {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

// Every file of a directory with its content, to show that nothing was written.
std::map<std::string, std::string> snapshot(const std::string& dir) {
    std::map<std::string, std::string> out;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        if (entry.is_regular_file()) out[entry.path().string()] = test::read_file(entry.path().string());
    return out;
}

class CorruptIndex : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir;
        auto result = test::run_process({test::bin("aides-index"), "--db", good(), "--input", test::corpus("aides.jsonl"),
                                         "--adhoc", "pvd=" + test::corpus("adhoc/pvd-extrait.txt"), "-q"});
        ASSERT_EQ(result.status, 0) << result.err;
    }
    static void TearDownTestSuite() { delete dir_; }
    static std::string good() { return dir_->str("good"); }

    // A copy of the good index to damage.
    std::string copy() {
        std::string target = scratch_.str("copy" + std::to_string(copies_++));
        fs::copy(good(), target);
        return target;
    }
    // The search that reads the most tables: text, commune, facets, explanations.
    static test::ProcessResult search(const std::string& db) {
        return test::run_process({test::bin("aides-search"), "--db", db, "--commune", "29103", "--today", "2026-01-15",
                                  "--facets", "--explain", "--format", "json", "rénovation", "énergétique"});
    }
    // Exit 0, or exit 1 with one line naming the directory: never a crash.
    static ::testing::AssertionResult handled(const test::ProcessResult& result, const std::string& tool, const std::string& db) {
        if (result.signaled) return ::testing::AssertionFailure() << tool << " crashed (" << result.status << "): " << result.err;
        if (result.status == 0) return ::testing::AssertionSuccess();
        if (result.status != 1) return ::testing::AssertionFailure() << tool << " exit " << result.status << ": " << result.err;
        auto lines = test::lines_of(result.err);
        if (lines.size() != 1 || lines[0].rfind(tool + ": ", 0) != 0 || lines[0].find(db) == std::string::npos)
            return ::testing::AssertionFailure() << tool << ": expected one line naming " << db << ", got: " << result.err;
        return ::testing::AssertionSuccess();
    }
    static ::testing::AssertionResult refused(const test::ProcessResult& result, const std::string& tool, const std::string& db) {
        if (result.status != 1) return ::testing::AssertionFailure() << tool << " exit " << result.status << ": " << result.err;
        return handled(result, tool, db);
    }

    static TempDir* dir_;
    TempDir scratch_;
    int copies_ = 0;
};
TempDir* CorruptIndex::dir_ = nullptr;

TEST_F(CorruptIndex, TheGoodIndexAnswers) {
    auto result = search(good());
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_GT(nlohmann::json::parse(result.out)["count"].get<int>(), 0);
}

TEST_F(CorruptIndex, MissingEmptyOrFileInsteadOfDirectory) {
    std::string missing = scratch_.str("missing"), empty = scratch_.str("empty"), file = scratch_.str("file");
    fs::create_directory(empty);
    test::write_file(file, "not an index\n");
    for (const auto& db : {missing, empty, file}) EXPECT_TRUE(refused(search(db), "aides-search", db));
    auto result = test::run_process({test::bin("aides-index"), "--db", file, "--delete", "x"});
    EXPECT_TRUE(refused(result, "aides-index", file));
    EXPECT_EQ(test::read_file(file), "not an index\n");
}

TEST_F(CorruptIndex, DirectoryOfRandomFiles) {
    std::mt19937 random(99);
    std::string db = scratch_.str("random");
    fs::create_directory(db);
    // Random names, and the names of a Xapian database too, with random bytes in them.
    std::vector<std::string> names = {"iamglass", "postlist.glass", "termlist.glass", "docdata.glass", "notes.txt", "x"};
    for (int i = 0; i < 6; ++i) names.push_back("f" + std::to_string(random()));
    for (std::size_t round = 0; round < names.size(); ++round) {
        std::string bytes(random() % 20000, '\0');
        for (auto& c : bytes) c = static_cast<char>(random());
        test::write_file(db + "/" + names[round], bytes);
        auto before = snapshot(db);
        EXPECT_TRUE(refused(search(db), "aides-search", db)) << "after writing " << names[round];
        auto indexing = test::run_process({test::bin("aides-index"), "--db", db, "--input", test::corpus("aides.jsonl"), "-q"});
        EXPECT_TRUE(refused(indexing, "aides-index", db)) << "after writing " << names[round];
        EXPECT_EQ(snapshot(db), before) << "aides-index wrote into a directory that is not an index";
    }
}

TEST_F(CorruptIndex, TruncatedOrOverwrittenXapianFiles) {
    int tried = 0, refused_count = 0;
    std::mt19937 random(7);
    for (const auto& entry : fs::directory_iterator(good())) {
        std::string name = entry.path().filename().string();
        auto size = fs::file_size(entry.path());
        if (size == 0) continue;  // the lock file
        struct Damage {
            const char* what;
            std::function<void(const std::string&)> apply;
        };
        std::vector<Damage> damages = {
            {"emptied", [](const std::string& path) { fs::resize_file(path, 0); }},
            {"cut in half", [&](const std::string& path) { fs::resize_file(path, size / 2); }},
            {"cut by one byte", [&](const std::string& path) { fs::resize_file(path, size - 1); }},
            {"overwritten in the middle", [&](const std::string& path) {
                 std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
                 file.seekp(static_cast<std::streamoff>(size / 3));
                 for (std::size_t i = 0; i < std::min<std::size_t>(size / 3, 8192); ++i) file.put(static_cast<char>(random()));
             }},
            {"zeroed", [&](const std::string& path) { test::write_file(path, std::string(size, '\0')); }},
        };
        for (const auto& damage : damages) {
            // Glass tables carry no checksums: random bytes inside one can make libxapian read
            // past a block, which AddressSanitizer reports in Xapian itself. Plain builds still
            // show that the tools neither crash nor hang on them.
            if (test::address_sanitized() && std::string(damage.what) == "overwritten in the middle") continue;
            std::string db = copy();
            damage.apply(db + "/" + name);
            ++tried;
            auto searching = search(db);
            EXPECT_TRUE(handled(searching, "aides-search", db)) << name << " " << damage.what;
            auto indexing = test::run_process({test::bin("aides-index"), "--db", db, "--delete", "pvd-001", "-q"});
            EXPECT_TRUE(handled(indexing, "aides-index", db)) << name << " " << damage.what;
            if (searching.status == 1) ++refused_count;
            // The version file and the posting lists are read by every search: damage there is
            // always seen, but for a lost last byte (the index is compacted: the last block of a
            // table is one a search need not read) and random bytes (read as other data).
            const std::string what = damage.what;
            if (name == "iamglass" || (name == "postlist.glass" && what != "overwritten in the middle" && what != "cut by one byte")) {
                EXPECT_EQ(searching.status, 1) << name << " " << damage.what << ": " << searching.out.substr(0, 200);
            }
            fs::remove_all(db);
        }
    }
    EXPECT_GT(tried, 15);
    std::cout << "[ figures  ] " << tried << " damaged indexes: " << refused_count << " refused with a message, "
              << tried - refused_count << " still answered; no crash" << std::endl;
}

TEST_F(CorruptIndex, OtherFormatVersionIsRefusedNamingBothVersions) {
    std::string db = copy();
    {
        Xapian::WritableDatabase xapian(db, Xapian::DB_OPEN);
        xapian.set_metadata(schema::meta_format, "999");
        xapian.commit();
    }
    auto before = test::fingerprint(db);
    auto searching = search(db);
    EXPECT_TRUE(refused(searching, "aides-search", db));
    const std::string ours = "version " + std::to_string(index_format_version);
    for (const auto& result : {searching, test::run_process({test::bin("aides-index"), "--db", db, "--input", test::corpus("aides.jsonl"), "-q"}),
                               test::run_process({test::bin("aides-index"), "--db", db, "--delete", "pvd-001"})}) {
        EXPECT_EQ(result.status, 1) << result.err;
        EXPECT_NE(result.err.find("999"), std::string::npos) << result.err;
        EXPECT_NE(result.err.find(ours), std::string::npos) << result.err;
    }
    EXPECT_EQ(test::fingerprint(db), before) << "an index of another version was written to";
    EXPECT_THROW(Searcher{db}, IndexError);
    EXPECT_THROW(Index::open(db), IndexError);
}

TEST_F(CorruptIndex, XapianDatabaseThatIsNotAnAidesIndex) {
    std::string db = scratch_.str("foreign");
    {
        Xapian::WritableDatabase xapian(db, Xapian::DB_CREATE);
        Xapian::Document doc;
        doc.set_data("something else");
        doc.add_term("hello");
        xapian.add_document(doc);
        xapian.commit();
    }
    auto before = test::fingerprint(db);
    EXPECT_TRUE(refused(search(db), "aides-search", db));
    auto indexing = test::run_process({test::bin("aides-index"), "--db", db, "--input", test::corpus("aides.jsonl"), "-q"});
    EXPECT_TRUE(refused(indexing, "aides-index", db));
    EXPECT_NE(indexing.err.find("not an aides index"), std::string::npos) << indexing.err;
    EXPECT_EQ(test::fingerprint(db), before);
}

}  // namespace
}  // namespace aides
