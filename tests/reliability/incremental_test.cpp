// Incremental updates through aides-index: --delete, replace by id, --sync, and what they report.
#include "reliability_support.hpp"

#include <algorithm>

namespace aides {
namespace {

using test::TempDir;

std::string record(const std::string& id, const std::string& name, const std::string& extra = {}) {
    return "{\"id\": \"" + id + "\", \"name\": \"" + name + "\", \"targeted_audiences\": [\"commune\"]" + extra + "}\n";
}

class Incremental : public ::testing::Test {
  protected:
    void SetUp() override {
        test::write_file(dir.str("base.jsonl"), record("r1", "Aide au vélo") + record("r2", "Aide aux écoles") +
                                                    record("r3", "Aide aux friches") + record("r4", "Aide au patrimoine") +
                                                    record("r5", "Aide à la forêt"));
        auto result = index({"--input", dir.str("base.jsonl")});
        ASSERT_EQ(result.status, 0) << result.err;
    }
    test::ProcessResult index(std::vector<std::string> args) {
        args.insert(args.begin(), {test::bin("aides-index"), "--db", db});
        return test::run_process(args);
    }
    std::vector<std::string> ids() { return test::fingerprint(db).ids; }
    std::string name_of(const std::string& id) {
        auto aid = Searcher(db).get(id);
        return aid ? aid->name : "(absent)";
    }
    std::size_t matches(const std::string& text) {
        SearchRequest request;
        request.text = text;
        request.include_expired = true;
        return Searcher(db).search(request).count;
    }
    TempDir dir;
    std::string db = dir.str("index");
};

TEST_F(Incremental, DeleteRemovesTheGivenIdsAndCountsThem) {
    auto result = index({"--delete", "r1", "r3", "absent"});
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.err.find("2 of 3 ids removed"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("1 id(s) not in the index: absent"), std::string::npos) << result.err;
    EXPECT_EQ(ids(), (std::vector<std::string>{"r2", "r4", "r5"}));
    EXPECT_EQ(matches("vélo"), 0u);
    // Deleting again is harmless.
    result = index({"--delete", "r1"});
    EXPECT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.err.find("0 of 1 ids removed"), std::string::npos) << result.err;
}

TEST_F(Incremental, ReindexingAnIdReplacesTheAid) {
    test::write_file(dir.str("new.jsonl"), record("r2", "Aide aux cantines") + "{\"id\": 6, \"name\": \"Aide au sport\"}\n");
    auto result = index({"--input", dir.str("new.jsonl")});
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(ids(), (std::vector<std::string>{"6", "r1", "r2", "r3", "r4", "r5"}));
    EXPECT_EQ(name_of("r2"), "Aide aux cantines");
    EXPECT_EQ(matches("cantines"), 1u);
    EXPECT_EQ(matches("écoles"), 0u) << "the old text of a replaced aid is still searchable";
    // An integer id and its string are one aid.
    test::write_file(dir.str("again.jsonl"), "{\"id\": \"6\", \"name\": \"Aide au sport local\"}\n");
    ASSERT_EQ(index({"--input", dir.str("again.jsonl")}).status, 0);
    EXPECT_EQ(ids().size(), 6u);
    EXPECT_EQ(name_of("6"), "Aide au sport local");
}

TEST_F(Incremental, SyncAddsReplacesRemovesAndReportsCounts) {
    test::write_file(dir.str("dump.jsonl"), record("r3", "Aide aux friches industrielles") + record("r4", "Aide au patrimoine") +
                                                record("r6", "Aide aux bibliothèques"));
    // 3 removals of 5 aids: more than the default 10 %, so the librarian raises the limit.
    auto refused = index({"--sync", dir.str("dump.jsonl")});
    EXPECT_EQ(refused.status, 1) << refused.err;
    EXPECT_NE(refused.err.find("would remove 3 of 5 aids"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("r1, r2, r5"), std::string::npos) << refused.err;
    auto result = index({"--sync", dir.str("dump.jsonl"), "--max-removals", "60%"});
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(ids(), (std::vector<std::string>{"r3", "r4", "r6"}));
    EXPECT_EQ(name_of("r3"), "Aide aux friches industrielles");
    EXPECT_NE(result.err.find("3 read, 3 valid, 0 rejected; 1 added, 2 replaced, 3 removed"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("index holds 3 aids"), std::string::npos) << result.err;
    EXPECT_EQ(matches("vélo"), 0u);
    EXPECT_EQ(matches("bibliothèques"), 1u);
    // Syncing the same dump again changes nothing.
    auto before = test::fingerprint(db);
    result = index({"--sync", dir.str("dump.jsonl")});
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.err.find("0 added, 3 replaced, 0 removed"), std::string::npos) << result.err;
    EXPECT_EQ(test::fingerprint(db).ids, before.ids);
}

TEST_F(Incremental, SyncWithABadRecordRemovesNothing) {
    auto before = test::fingerprint(db);
    test::write_file(dir.str("dump.jsonl"), record("r1", "Aide au vélo") + "{\"id\": \"r7\", \"name\": \"Mauvaise\", \"loan_amount\": -1}\n");
    auto result = index({"--sync", dir.str("dump.jsonl")});
    EXPECT_EQ(result.status, 1);
    EXPECT_NE(result.err.find("dump.jsonl:2: loan_amount: "), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("nothing written"), std::string::npos) << result.err;
    EXPECT_EQ(test::fingerprint(db), before);
}

TEST_F(Incremental, SyncWithAnEmptyOrMissingDumpRemovesNothing) {
    // A failed export must never empty the catalogue.
    auto before = test::fingerprint(db);
    test::write_file(dir.str("empty.jsonl"), "");
    for (const std::string& dump : {dir.str("empty.jsonl"), dir.str("missing.jsonl"), dir.str()}) {
        auto result = index({"--sync", dump});
        EXPECT_EQ(result.status, 1) << dump << ": " << result.err;
        EXPECT_EQ(test::fingerprint(db), before) << dump;
    }
}

TEST_F(Incremental, CheckWritesNothing) {
    auto before = test::fingerprint(db);
    test::write_file(dir.str("dump.jsonl"), record("r9", "Aide nouvelle"));
    auto result = index({"--check", "--sync", dir.str("dump.jsonl"), "--max-removals", "100%"});
    EXPECT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.err.find("dry run, nothing written"), std::string::npos) << result.err;
    EXPECT_EQ(result.out, "add r9\nremove r1\nremove r2\nremove r3\nremove r4\nremove r5\n");
    result = index({"--check", "--input", dir.str("dump.jsonl")});
    EXPECT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(test::fingerprint(db), before);
}

TEST_F(Incremental, SkipInvalidIndexesTheGoodRecordsAndReportsTheBad) {
    test::write_file(dir.str("new.jsonl"), record("r8", "Aide valable") + "{\"id\": \"r9\", \"name\": 12}\n" + record("r10", "Autre aide"));
    auto result = index({"--input", dir.str("new.jsonl"), "--skip-invalid"});
    EXPECT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.err.find("new.jsonl:2: name: expected a string"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("2 valid, 1 rejected"), std::string::npos) << result.err;
    auto now = ids();
    EXPECT_TRUE(std::binary_search(now.begin(), now.end(), "r8"));
    EXPECT_TRUE(std::binary_search(now.begin(), now.end(), "r10"));
    EXPECT_FALSE(std::binary_search(now.begin(), now.end(), "r9"));
}

TEST_F(Incremental, ABackerNameLongerThanAXapianTermIsIndexedAndFound) {
    // Found by fuzz_record: a 300-byte financer made a term Xapian refuses, and the whole run
    // failed with "Term too long". Long values now keep their head and a hash of the whole.
    const std::string backer = "Syndicat " + std::string(290, 'x');
    test::write_file(dir.str("long.jsonl"), record("r9", "Aide longue", ", \"financers\": [\"" + backer + "\"]"));
    auto result = index({"--input", dir.str("long.jsonl")});
    ASSERT_EQ(result.status, 0) << result.err;
    SearchRequest request;
    request.include_expired = true;
    request.backers = {backer};
    auto found = Searcher(db).search(request);
    ASSERT_EQ(found.count, 1u);
    EXPECT_EQ(found.results[0].aid.id, "r9");
    request.backers = {backer.substr(0, 280)};  // the same head, another name
    EXPECT_EQ(Searcher(db).search(request).count, 0u);
}

}  // namespace
}  // namespace aides
