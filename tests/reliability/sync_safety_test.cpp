// A librarian's index never loses aids silently (issue 18): a sync applies only when its dump
// was read whole, never removes more than the librarian allows, and every record is counted.
#include "reliability_support.hpp"

#include <algorithm>
#include <filesystem>

#include <unistd.h>

namespace aides {
namespace {

using test::TempDir;


class SyncSafety : public ::testing::Test {
  protected:
    static constexpr std::size_t held = 40;
    void SetUp() override {
        test::write_file(dir.str("base.jsonl"), test::generated_records(1, held, "v1"));
        auto result = index({"--input", dir.str("base.jsonl"), "--no-compact"});
        ASSERT_EQ(result.status, 0) << result.err;
        before = test::fingerprint(db);
        ASSERT_EQ(before.ids.size(), held);
    }
    test::ProcessResult index(std::vector<std::string> args) {
        args.insert(args.begin(), {test::bin("aides-index"), "--db", db});
        return test::run_process(args);
    }
    // A sync that must be refused: exit 1, one "refused" line saying why, the index untouched.
    void expect_refused(const std::vector<std::string>& args, const std::string& why) {
        auto result = index(args);
        EXPECT_EQ(result.status, 1) << result.err;
        EXPECT_NE(result.err.find("refused: "), std::string::npos) << result.err;
        EXPECT_NE(result.err.find(why), std::string::npos) << result.err;
        EXPECT_EQ(test::fingerprint(db), before) << "the index changed: " << result.err;
    }
    TempDir dir;
    std::string db = dir.str("index");
    test::Fingerprint before;
};

TEST_F(SyncSafety, AMissingDumpIsRefusedEvenWithSkipInvalid) {
    expect_refused({"--sync", dir.str("nope.jsonl"), "--skip-invalid"}, "cannot be read whole");
    expect_refused({"--sync", dir.str(), "--skip-invalid"}, "cannot be read whole");
}

TEST_F(SyncSafety, AnEmptyDumpIsRefused) {
    test::write_file(dir.str("empty.jsonl"), "");
    expect_refused({"--sync", dir.str("empty.jsonl"), "--skip-invalid"}, "empty input");
    test::write_file(dir.str("blank.jsonl"), "\n  \n\n");
    expect_refused({"--sync", dir.str("blank.jsonl"), "--skip-invalid"}, "empty input");
    test::write_file(dir.str("array.json"), "[]");
    expect_refused({"--sync", dir.str("array.json"), "--skip-invalid"}, "the dump holds no record");
}

TEST_F(SyncSafety, ADumpWithoutOneValidRecordIsRefused) {
    std::string dump;
    for (int i = 1; i <= 10; ++i) dump += "{\"id\": \"gen-" + std::to_string(i) + "\"}\n";  // no name
    test::write_file(dir.str("invalid.jsonl"), dump);
    expect_refused({"--sync", dir.str("invalid.jsonl"), "--skip-invalid"}, "no valid record in the dump");
}

TEST_F(SyncSafety, AnotherProvidersFeedIsRefusedAndNamesWhatItWouldRemove) {
    test::write_file(dir.str("other.jsonl"), test::generated_records(1, 30, "x", "autre"));
    expect_refused({"--sync", dir.str("other.jsonl")}, "would remove 40 of 40 aids, more than --max-removals 10 %");
    expect_refused({"--sync", dir.str("other.jsonl")}, "gen-1, gen-10, gen-11");
    // A CSV export of another portal: its ids are no ids of this index either.
    test::write_file(dir.str("other.csv"),
                     "Nom,Lien,Bénéficiaire,Types d'aides\n"
                     "Voirie,https://aides-territoires.beta.gouv.fr/aides/v1-voirie/,Communes,Subvention\n");
    expect_refused({"--sync", dir.str("other.csv")}, "would remove 40 of 40 aids");
}

TEST_F(SyncSafety, TheRemovalLimitIsACountOrAPercentage) {
    // 36 of 40 remain: 4 removals, 10 % exactly, allowed.
    test::write_file(dir.str("36.jsonl"), test::generated_records(1, 36, "v2"));
    test::write_file(dir.str("35.jsonl"), test::generated_records(1, 35, "v2"));
    expect_refused({"--sync", dir.str("35.jsonl")}, "would remove 5 of 40 aids");
    expect_refused({"--sync", dir.str("35.jsonl"), "--max-removals", "4"}, "more than --max-removals 4 aids allows (4)");
    auto result = index({"--sync", dir.str("36.jsonl")});
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.err.find("36 read, 36 valid, 0 rejected; 0 added, 36 replaced, 4 removed"), std::string::npos) << result.err;
    EXPECT_EQ(test::fingerprint(db).ids.size(), 36u);
    before = test::fingerprint(db);
    result = index({"--sync", dir.str("35.jsonl"), "--max-removals", "1"});
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(test::fingerprint(db).ids.size(), 35u);
    // Usage errors for a bad limit, or a limit without a sync.
    EXPECT_EQ(index({"--sync", dir.str("35.jsonl"), "--max-removals", "ten"}).status, 2);
    EXPECT_EQ(index({"--sync", dir.str("35.jsonl"), "--max-removals", "120%"}).status, 2);
    EXPECT_EQ(index({"--input", dir.str("35.jsonl"), "--max-removals", "5"}).status, 2);
}

TEST_F(SyncSafety, DryRunPrintsWhatWouldChangeAndWritesNothing) {
    std::string dump = test::generated_records(3, 38, "v2");  // gen-3 .. gen-40, and two new ones
    dump += test::generated_records(41, 2, "v2");
    test::write_file(dir.str("dump.jsonl"), dump);
    auto result = index({"--sync", dir.str("dump.jsonl"), "--dry-run"});
    EXPECT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(test::fingerprint(db), before);
    auto lines = test::lines_of(result.out);
    EXPECT_EQ(std::count_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("add ", 0) == 0; }), 2);
    EXPECT_EQ(std::count_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("replace ", 0) == 0; }), 38);
    EXPECT_NE(result.out.find("remove gen-1\nremove gen-2\n"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("add gen-41\nadd gen-42\n"), std::string::npos) << result.out;
    EXPECT_NE(result.err.find("40 read, 40 valid, 0 rejected; would add 2, replace 38, remove 2; dry run, nothing written"),
              std::string::npos) << result.err;
    // The same for --input, and --delete.
    result = index({"--input", dir.str("dump.jsonl"), "--dry-run"});
    EXPECT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(result.out.find("remove "), std::string::npos) << result.out;
    result = index({"--delete", "gen-1", "zz", "--dry-run"});
    EXPECT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(result.out, "remove gen-1\n");
    EXPECT_NE(result.err.find("1 id(s) not in the index: zz"), std::string::npos) << result.err;
    EXPECT_EQ(test::fingerprint(db), before);
}

TEST_F(SyncSafety, ARejectedRecordKeepsItsIndexedVersion) {
    // The whole catalogue again, one record now unreadable (an unknown category): with
    // --skip-invalid the others are updated and that one stays as it was.
    std::string dump = test::generated_records(1, held, "v2");
    std::string bad = "{\"id\": \"gen-7\", \"name\": \"Aide v2 7\", \"categories\": [\"no-such-category\"]}";
    auto lines = test::lines_of(dump);
    lines[6] = bad;
    dump.clear();
    for (const auto& line : lines) dump += line + "\n";
    test::write_file(dir.str("dump.jsonl"), dump);
    auto result = index({"--sync", dir.str("dump.jsonl"), "--skip-invalid"});
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.err.find("dump.jsonl:7: categories: "), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("40 read, 39 valid, 1 rejected; 0 added, 39 replaced, 0 removed"), std::string::npos) << result.err;
    EXPECT_EQ(test::fingerprint(db).ids, before.ids);
    auto kept = Searcher(db).get("gen-7");
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->name.rfind("Aide v1 7", 0), 0u) << kept->name;
    EXPECT_EQ(Searcher(db).get("gen-8")->name.rfind("Aide v2 8", 0), 0u);
}

TEST_F(SyncSafety, AMalformedRecordKeepsItsVersionThroughTheIdReadFromItsText) {
    auto lines = test::lines_of(test::generated_records(1, held, "v2"));
    lines[3] = "{\"id\": \"gen-4\", \"name\": \"Aide cassée\", \"description\": }";  // malformed, id readable
    std::string dump;
    for (const auto& line : lines) dump += line + "\n";
    test::write_file(dir.str("dump.jsonl"), dump);
    auto result = index({"--sync", dir.str("dump.jsonl"), "--skip-invalid"});
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.err.find("0 removed"), std::string::npos) << result.err;
    EXPECT_EQ(test::fingerprint(db).ids, before.ids);

    // A record whose id cannot be read could be any aid: the sync removes nothing.
    lines = test::lines_of(test::generated_records(1, 39, "v3"));  // gen-40 absent
    lines[3] = "{{{ not json";
    dump.clear();
    for (const auto& line : lines) dump += line + "\n";
    test::write_file(dir.str("dump.jsonl"), dump);
    result = index({"--sync", dir.str("dump.jsonl"), "--skip-invalid"});
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.err.find("1 rejected record(s) without a readable id: nothing removed"), std::string::npos) << result.err;
    EXPECT_EQ(test::fingerprint(db).ids, before.ids);
}

TEST_F(SyncSafety, ALatin1DumpLosesNothing) {
    // The catalogue again (each record has an accent) and three new aids written in ASCII.
    std::string utf8 = test::generated_records(1, held, "v2");
    for (int i = 1; i <= 3; ++i)
        utf8 += "{\"id\": \"ascii-" + std::to_string(i) + "\", \"name\": \"Aide simple\", \"targeted_audiences\": [\"commune\"]}\n";
    const std::string latin1 = test::as_latin1(utf8);
    ASSERT_NE(utf8, latin1);
    test::write_file(dir.str("latin1.jsonl"), latin1);
    // Without --skip-invalid: refused as any bad dump, the bad lines named.
    auto result = index({"--sync", dir.str("latin1.jsonl")});
    EXPECT_EQ(result.status, 1) << result.err;
    EXPECT_NE(result.err.find("latin1.jsonl:1: "), std::string::npos) << result.err;
    EXPECT_EQ(test::fingerprint(db), before);
    // With it: the readable records are updated, the others keep their version; none removed.
    result = index({"--sync", dir.str("latin1.jsonl"), "--skip-invalid"});
    EXPECT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.err.find("43 read, 3 valid, 40 rejected; 3 added, 0 replaced, 0 removed;"), std::string::npos) << result.err;
    auto ids = test::fingerprint(db).ids;
    EXPECT_EQ(ids.size(), held + 3);
    for (const auto& id : before.ids) EXPECT_TRUE(std::binary_search(ids.begin(), ids.end(), id)) << id;
    // Only the catalogue, every record unreadable: refused.
    before = test::fingerprint(db);
    test::write_file(dir.str("latin1.jsonl"), test::as_latin1(test::generated_records(1, held, "v3")));
    expect_refused({"--sync", dir.str("latin1.jsonl"), "--skip-invalid"}, "no valid record in the dump (40 rejected");
}

TEST_F(SyncSafety, ADumpCutShortIsRefused) {
    const std::string dump = test::generated_records(1, held, "v2");
    for (std::size_t cut : {dump.size() - 5, dump.size() / 2 + 7, std::size_t{30}}) {
        ASSERT_NE(dump[cut - 1], '\n');
        test::write_file(dir.str("cut.jsonl"), dump.substr(0, cut));
        // Cut inside the first line, the file is one broken JSON text; further on, a record.
        expect_refused({"--sync", dir.str("cut.jsonl"), "--skip-invalid"},
                       cut == 30 ? "cannot be read whole (malformed JSON" : "the file ends inside a record (cut short?)");
    }
    // A JSON array cut short cannot be parsed at all.
    std::string array = "[";
    for (const auto& line : test::lines_of(dump)) array += line + ",\n";
    array.back() = ' ';
    test::write_file(dir.str("cut.json"), array.substr(0, array.size() - 40));
    expect_refused({"--sync", dir.str("cut.json"), "--skip-invalid"}, "cannot be read whole");
}

TEST_F(SyncSafety, AJsonLinesFileWithABadFirstLineIsStillReadLineByLine) {
    auto lines = test::lines_of(test::generated_records(101, 20, "v1"));
    for (const std::string& first : {std::string("{\"id\": \"gen-101\", \"name\": }"), test::as_latin1(lines[0].substr(0, lines[0].size() - 1) + ", \"x\": \"é\"}")}) {
        std::string text = first + "\n";
        for (std::size_t i = 1; i < lines.size(); ++i) text += lines[i] + "\n";
        test::write_file(dir.str("bad-first.jsonl"), text);
        for (const char* format : {"auto", "jsonl"}) {
            auto result = index({"--input", dir.str("bad-first.jsonl"), "--skip-invalid", "--dry-run", "--format", format});
            EXPECT_NE(result.err.find("20 read, 19 valid, 1 rejected"), std::string::npos) << format << ": " << result.err;
            EXPECT_NE(result.err.find("bad-first.jsonl:1: "), std::string::npos) << result.err;
        }
    }
    // A pretty-printed document is still one document.
    test::write_file(dir.str("pretty.json"), "{\n  \"results\": [\n    " + lines[0] + ",\n    " + lines[1] + "\n  ]\n}\n");
    auto result = index({"--input", dir.str("pretty.json"), "--dry-run"});
    EXPECT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.err.find("2 read, 2 valid, 0 rejected"), std::string::npos) << result.err;
}

TEST_F(SyncSafety, AnUnreadableInputFileFailsTheRunWhateverSkipInvalidSays) {
    test::write_file(dir.str("good.jsonl"), test::generated_records(200, 3, "v1"));
    auto result = index({"--input", dir.str("good.jsonl"), "--input", dir.str("missing.jsonl"), "--skip-invalid"});
    EXPECT_EQ(result.status, 1) << result.err;
    EXPECT_NE(result.err.find("missing.jsonl: cannot open: No such file or directory"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("3 read, 3 valid, 0 rejected; would add 3, replace 0; refused: "), std::string::npos) << result.err;
    EXPECT_EQ(test::fingerprint(db), before);
}

TEST_F(SyncSafety, TheSummaryAlwaysAddsUp) {
    std::string text;
    for (int i = 0; i < 3; ++i) text += "{\"id\": \"ok-" + std::to_string(i) + "\", \"name\": \"Aide\", \"targeted_audiences\": [\"commune\"]}\n";
    for (int i = 0; i < 7; ++i) text += "{\"id\": \"bad-" + std::to_string(i) + "\"}\n";
    test::write_file(dir.str("mixed.jsonl"), text);
    auto result = index({"--input", dir.str("mixed.jsonl")});
    EXPECT_EQ(result.status, 1);
    EXPECT_NE(result.err.find("10 read, 3 valid, 7 rejected; would add 3, replace 0; nothing written"), std::string::npos) << result.err;
    EXPECT_EQ(test::fingerprint(db), before);
}

TEST_F(SyncSafety, RecordsASearchWouldMissAreCountedInWarnings) {
    std::string text;
    for (int i = 0; i < 6; ++i) text += "{\"id\": \"na-" + std::to_string(i) + "\", \"name\": \"Aide\", \"perimeter\": \"department:29\"}\n";
    text += "{\"id\": \"fr-1\", \"name\": \"Aide\", \"targeted_audiences\": [\"commune\"]}\n";
    test::write_file(dir.str("concerns.jsonl"), text);
    auto result = index({"--input", dir.str("concerns.jsonl")});
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.err.find("warning: 6 aids have no targeted audience: no commune search can return it; first: " + dir.str("concerns.jsonl") +
                              ":1 (na-0) " + dir.str("concerns.jsonl") + ":2 (na-1)"),
              std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("(na-5)"), std::string::npos) << "at most five shown: " << result.err;
    EXPECT_NE(result.err.find("warning: 1 aid has no perimeter: indexed as France; first: " + dir.str("concerns.jsonl") + ":7 (fr-1)"),
              std::string::npos) << result.err;
}

TEST_F(SyncSafety, FinancersNameThePerimeterOrSayTheyCannot) {
    test::write_file(dir.str("export.csv"),
                     "Nom,Lien,Financeurs,Bénéficiaire,Types d'aides\n"
                     "Friches,https://aides-territoires.beta.gouv.fr/aides/f1-friches/,EPF Occitanie,Communes,Subvention\n"
                     "Rivières,https://aides-territoires.beta.gouv.fr/aides/r1-rivieres/,Agence de l'eau Loire-Bretagne,Communes,Subvention\n"
                     "Foncier,https://aides-territoires.beta.gouv.fr/aides/l1-foncier/,EPFLO,Communes,Subvention\n");
    auto result = index({"--input", dir.str("export.csv")});
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.err.find("1 aid has a perimeter inferred from a financer's name"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("2 aids have no perimeter, and a financer whose area is no perimeter: indexed as France"), std::string::npos)
        << result.err;
    auto friches = Searcher(db).get("f1-friches");
    ASSERT_TRUE(friches);
    EXPECT_EQ(friches->perimeter, "region:76");
    EXPECT_EQ(Searcher(db).get("r1-rivieres")->perimeter, "country:FRA");
}

TEST_F(SyncSafety, TheIndexDirectoryIsCreatedOrRefusedClearly) {
    // Missing parent folders are made.
    auto result = test::run_process({test::bin("aides-index"), "--db", dir.str("a/b/c"), "--input", dir.str("base.jsonl")});
    EXPECT_EQ(result.status, 0) << result.err;
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "a/b/c/iamglass"));
    // A folder that holds something else is not taken over.
    std::filesystem::create_directories(dir.path() / "other");
    test::write_file(dir.str("other/notes.txt"), "x");
    result = test::run_process({test::bin("aides-index"), "--db", dir.str("other"), "--input", dir.str("base.jsonl")});
    EXPECT_EQ(result.status, 1);
    EXPECT_NE(result.err.find("not an aides index"), std::string::npos) << result.err;
    // A path under a file cannot be made.
    result = test::run_process({test::bin("aides-index"), "--db", dir.str("other/notes.txt/db"), "--input", dir.str("base.jsonl")});
    EXPECT_EQ(result.status, 1);
    EXPECT_NE(result.err.find("cannot create the index directory"), std::string::npos) << result.err;
}

TEST_F(SyncSafety, AnUnwritableIndexSaysSoRatherThanBlamingAnotherWriter) {
    // Root writes anywhere: the check runs as an unprivileged user when the tests run as root.
    std::filesystem::permissions(dir.path(), std::filesystem::perms::others_all, std::filesystem::perm_options::add);
    std::filesystem::permissions(db, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                         std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                                         std::filesystem::perms::others_exec);
    std::vector<std::string> argv = {test::bin("aides-index"), "--db", db, "--input", dir.str("base.jsonl")};
    if (::geteuid() == 0) {
        if (!std::filesystem::exists("/usr/bin/setpriv")) GTEST_SKIP() << "setpriv (util-linux) missing: cannot drop root";
        argv.insert(argv.begin(), {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
        auto probe = test::run_process({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", test::bin("aides-index"), "--help"});
        if (probe.status != 0) GTEST_SKIP() << "the build tree is not readable by nobody: " << probe.err;
    } else {
        std::filesystem::permissions(db, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    }
    auto result = test::run_process(argv);
    std::filesystem::permissions(db, std::filesystem::perms::owner_all);
    EXPECT_EQ(result.status, 1) << result.err;
    EXPECT_NE(result.err.find("cannot write to the index directory: Permission denied"), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("locked"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace aides
