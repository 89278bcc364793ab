// Compaction: the index rewritten with full blocks holds and answers exactly what it did, takes
// less room, stays writable, and leaves nothing beside it.
#include "reliability_support.hpp"

#include <filesystem>

namespace aides {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

std::uintmax_t bytes_under(const fs::path& dir) {
    std::uintmax_t total = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        if (entry.is_regular_file()) total += entry.file_size();
    return total;
}

std::vector<std::string> entries_of(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// What a set of searches answers: ids in order, counts, facets.
struct Answers {
    std::vector<std::vector<std::string>> ids;
    std::vector<std::size_t> counts;
    std::vector<std::optional<Facets>> facets;
    bool operator==(const Answers&) const = default;
};

Answers answers(const Searcher& searcher) {
    std::vector<SearchRequest> requests(5);
    requests[0].text = "rénovation école";
    requests[1].commune = "29019";
    requests[1].facets = true;
    requests[2].text = "patrimoine";
    requests[2].order = Order::deadline;
    requests[2].facets = true;
    requests[3].themes = {"urbanisme-logement-amenagement"};
    requests[4].text = "vélo, friche";
    requests[4].size = 100;
    Answers out;
    for (auto& request : requests) {
        request.include_expired = true;
        request.today = "2026-01-01";
        SearchResponse response = searcher.search(request);
        out.ids.push_back(test::ids(response));
        out.counts.push_back(response.count);
        out.facets.push_back(response.facets);
    }
    return out;
}

class Compaction : public ::testing::Test {
  protected:
    void SetUp() override {
        test::write_file(dir.str("generated.jsonl"), test::generated_records(0, 3000, "A"));
        IndexOptions options;
        options.geography_path = test::geography_file();
        Index index = Index::open(db, options);
        IngestReport report = index.ingest({test::corpus("aides.jsonl"), dir.str("generated.jsonl")});
        ASSERT_TRUE(report.committed);
        ASSERT_TRUE(report.errors.empty()) << report.errors.front().to_string();
    }
    test::ProcessResult index_tool(std::vector<std::string> args) {
        args.insert(args.begin(), {test::bin("aides-index"), "--db", db});
        return test::run_process(args);
    }
    TempDir dir;
    std::string db = dir.str("index");
};

TEST_F(Compaction, HoldsAndAnswersTheSameInLessRoom) {
    const test::Fingerprint before = test::fingerprint(db);
    Searcher searcher(db);
    const Answers answered = answers(searcher);
    ASSERT_GT(answered.counts[1], 0u);
    ASSERT_FALSE(answered.facets[1]->at("categories").empty());
    const auto size_before = bytes_under(db);
    const auto beside_before = entries_of(dir.path());

    // Readers of another account keep their access (mkdtemp's directory is private).
    fs::permissions(db, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_exec);
    Index index = Index::open(db);
    index.compact();

    EXPECT_EQ(fs::status(db).permissions(),
              fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_exec);
    EXPECT_EQ(test::fingerprint(db), before);
    const auto size_after = bytes_under(db);
    EXPECT_LT(size_after, size_before * 9 / 10) << size_before << " -> " << size_after << " bytes";
    EXPECT_EQ(entries_of(dir.path()), beside_before) << "compaction left something beside the index";
    // A searcher opened before sees the new files; so does a new one.
    EXPECT_EQ(answers(searcher), answered);
    EXPECT_EQ(answers(Searcher(db)), answered);

    // The same handle writes on, and searchers see it.
    index.add({parse_aid(R"({"id": "after-compaction", "name": "Aide au quasitest", "targeted_audiences": ["commune"]})")});
    SearchRequest request;
    request.text = "quasitest";
    request.include_expired = true;
    EXPECT_EQ(test::ids(searcher.search(request)), std::vector<std::string>{"after-compaction"});
    EXPECT_EQ(index.size(), before.ids.size() + 1);
}

TEST_F(Compaction, RemovesWhatAKilledCompactionLeftAndNothingElse) {
    // A compaction killed half-way leaves its copy beside the index (the index itself whole).
    fs::create_directory(dir.str("index.compacting-Ab12Cd"));
    test::write_file(dir.str("index.compacting-Ab12Cd/postlist.glass"), "half-written");
    fs::create_directory(dir.str("index.compacting-notours"));
    fs::create_directory(dir.str("other.compacting-Ab12Cd"));
    const test::Fingerprint before = test::fingerprint(db);

    Index index = Index::open(db);
    index.compact();

    EXPECT_FALSE(fs::exists(dir.str("index.compacting-Ab12Cd")));
    EXPECT_TRUE(fs::exists(dir.str("index.compacting-notours")));
    EXPECT_TRUE(fs::exists(dir.str("other.compacting-Ab12Cd")));
    EXPECT_EQ(test::fingerprint(db), before);
}

TEST_F(Compaction, ThroughASymbolicLinkTheRealDirectoryIsCompacted) {
    fs::create_directory_symlink(db, dir.str("link"));
    const test::Fingerprint before = test::fingerprint(db);
    Index index = Index::open(dir.str("link"));
    index.compact();
    EXPECT_TRUE(fs::is_symlink(dir.str("link")));
    EXPECT_EQ(test::fingerprint(dir.str("link")), before);
    EXPECT_EQ(test::fingerprint(db), before);
    EXPECT_EQ(entries_of(dir.path()), (std::vector<std::string>{"generated.jsonl", "index", "link"}));
}

TEST_F(Compaction, TheToolCompactsTheIndexItCreatesOrWhenAsked) {
    // Created by this run: compacted by default, not with --no-compact.
    TempDir other;
    std::vector<std::string> inputs = {"--input", test::corpus("aides.jsonl"), "--input", dir.str("generated.jsonl")};
    auto build = [&](const std::string& at, std::vector<std::string> extra) {
        std::vector<std::string> args = {test::bin("aides-index"), "--db", at};
        args.insert(args.end(), inputs.begin(), inputs.end());
        args.insert(args.end(), extra.begin(), extra.end());
        return test::run_process(args);
    };
    auto compacted = build(other.str("compacted"), {});
    ASSERT_EQ(compacted.status, 0) << compacted.err;
    EXPECT_NE(compacted.err.find("compacted in"), std::string::npos) << compacted.err;
    auto plain = build(other.str("plain"), {"--no-compact"});
    ASSERT_EQ(plain.status, 0) << plain.err;
    EXPECT_EQ(plain.err.find("compacted"), std::string::npos) << plain.err;
    EXPECT_EQ(test::fingerprint(other.str("compacted")), test::fingerprint(other.str("plain")));
    EXPECT_LT(bytes_under(other.str("compacted")), bytes_under(other.str("plain")) * 9 / 10);
    EXPECT_EQ(entries_of(other.path()), (std::vector<std::string>{"compacted", "plain"}));

    // An existing index: updated in place unless --compact is given.
    auto update = index_tool({"--delete", "gen-1"});
    ASSERT_EQ(update.status, 0) << update.err;
    EXPECT_EQ(update.err.find("compacted"), std::string::npos) << update.err;
    const auto size_before = bytes_under(db);
    auto forced = index_tool({"--compact"});
    ASSERT_EQ(forced.status, 0) << forced.err;
    EXPECT_NE(forced.err.find("compacted in"), std::string::npos) << forced.err;
    EXPECT_LT(bytes_under(db), size_before);
    EXPECT_EQ(Searcher(db).get("gen-1"), std::nullopt);
    EXPECT_NE(Searcher(db).get("gen-2"), std::nullopt);

    auto both = index_tool({"--compact", "--no-compact"});
    EXPECT_EQ(both.status, 2);
    EXPECT_NE(both.err.find("give --compact or --no-compact, not both"), std::string::npos) << both.err;
}

}  // namespace
}  // namespace aides
