// End-to-end: the built aides-index and aides-search on a small French catalogue
// (tests/fixtures/search/e2e.jsonl), their JSON compared with tests/e2e/expected/*.json, their
// exit codes and their one-line messages.
//
// The expected files are written only on purpose:
//     tests/e2e/update_expected.sh [BUILD_DIR]   (AIDES_UPDATE_EXPECTED=1 build/bin/cli_e2e_test)
// then reviewed by hand (git diff) before they are committed.
#include "test_support.hpp"

#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

namespace aides {
namespace {

using json = nlohmann::ordered_json;  // keeps the tools' field order in the expected files
using test::CommandResult;

constexpr const char* kToday = "2026-06-15";

bool updating() {
    const char* value = std::getenv("AIDES_UPDATE_EXPECTED");
    return value && std::string(value) == "1";
}

std::string expected_path(const std::string& name) { return std::string(AIDES_E2E_EXPECTED_DIR) + "/" + name + ".json"; }

std::size_t line_count(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

/** Differences between two JSON values, as paths; scores only need to agree on being zero. */
void diff(const json& expected, const json& actual, const std::string& path, std::vector<std::string>& out) {
    if (out.size() >= 20) return;
    bool is_score = path.size() >= 6 && path.compare(path.size() - 6, 6, "/score") == 0;
    if (is_score && expected.is_number() && actual.is_number()) {
        double e = expected.get<double>(), a = actual.get<double>();
        if (a < 0 || a > 1 || (e == 0) != (a == 0)) out.push_back(path + ": " + expected.dump() + " != " + actual.dump());
        return;
    }
    if (expected.type() != actual.type()) {
        out.push_back(path + ": " + expected.dump() + " != " + actual.dump());
        return;
    }
    if (expected.is_object()) {
        for (const auto& [key, value] : expected.items()) {
            if (!actual.contains(key)) out.push_back(path + "/" + key + ": missing");
            else diff(value, actual[key], path + "/" + key, out);
        }
        for (const auto& [key, value] : actual.items())
            if (!expected.contains(key)) out.push_back(path + "/" + key + ": unexpected " + value.dump());
    } else if (expected.is_array()) {
        if (expected.size() != actual.size()) out.push_back(path + ": " + std::to_string(expected.size()) + " items != " + std::to_string(actual.size()));
        for (std::size_t i = 0; i < std::min(expected.size(), actual.size()); ++i) diff(expected[i], actual[i], path + "/" + std::to_string(i), out);
    } else if (expected != actual) {
        out.push_back(path + ": " + expected.dump() + " != " + actual.dump());
    }
}

/** Compares with tests/e2e/expected/NAME.json, or writes it when updating. */
void expect_matches_file(const json& actual, const std::string& name) {
    std::string path = expected_path(name);
    if (updating()) {
        test::write_file(path, actual.dump(2, ' ', false, json::error_handler_t::strict) + "\n");
        GTEST_SKIP() << "wrote " << path << ": review it before committing";
    }
    ASSERT_TRUE(std::filesystem::exists(path)) << path << " is missing; write it with AIDES_UPDATE_EXPECTED=1 and review it";
    json expected = json::parse(test::read_file(path));
    std::vector<std::string> differences;
    diff(expected, actual, "", differences);
    std::string all;
    for (const auto& d : differences) all += "\n  " + d;
    EXPECT_TRUE(differences.empty()) << name << " differs from " << path << ":" << all
                                     << "\n(if the change is intended: AIDES_UPDATE_EXPECTED=1, then review the diff)";
}

class Cli : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new test::TempDir;
        CommandResult r = index({"--input", test::fixture("search/e2e.jsonl")}, dir_->str("idx"));
        ASSERT_EQ(r.status, 0) << r.err;
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    static std::string db() { return dir_->str("idx"); }

    /** aides-index --db DB --geo <national> --adhoc pvd=<fixture> ARGS... */
    static CommandResult index(const std::vector<std::string>& args, const std::string& database) {
        std::vector<std::string> argv = {test::bin("aides-index"), "--db", database, "--geo", test::geography_file(),
                                         "--adhoc", "pvd=" + test::fixture("search/e2e-adhoc.txt")};
        argv.insert(argv.end(), args.begin(), args.end());
        return test::run_command(argv);
    }
    /** aides-search --db DB ARGS... */
    static CommandResult search(const std::vector<std::string>& args, const std::string& database = {}) {
        std::vector<std::string> argv = {test::bin("aides-search"), "--db", database.empty() ? db() : database};
        argv.insert(argv.end(), args.begin(), args.end());
        return test::run_command(argv);
    }
    static json search_json(const std::vector<std::string>& args, const std::string& database = {}) {
        CommandResult r = search(args, database);
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(r.err, "");
        try {
            return json::parse(r.out);
        } catch (const json::exception& e) {
            ADD_FAILURE() << "not JSON: " << e.what() << "\n" << r.out;
            return nullptr;
        }
    }
    static std::vector<std::string> result_ids(const json& response) {
        std::vector<std::string> out;
        for (const auto& hit : response["results"]) out.push_back(hit["id"].get<std::string>());
        return out;
    }

    static test::TempDir* dir_;
};

test::TempDir* Cli::dir_ = nullptr;

// ------------------------------------------------------------------------- JSON vs expected
struct Case {
    const char* name;
    std::vector<std::string> args;
};

class CliJson : public Cli, public ::testing::WithParamInterface<Case> {};

TEST_P(CliJson, OutputMatchesTheExpectedFile) {
    std::vector<std::string> args = GetParam().args;
    for (auto& a : args)
        if (a == "@portal") a = test::fixture("search/e2e-portal.json");
    expect_matches_file(search_json(args), GetParam().name);
}

INSTANTIATE_TEST_SUITE_P(
    Expected, CliJson,
    ::testing::Values(
        // Not a terminal: JSON by default.
        Case{"commune-29103", {"--commune", "29103", "--today", kToday}},
        Case{"commune-97106-overseas", {"--commune", "97106", "--today", kToday, "--format", "json"}},
        Case{"perimeter-29-facets", {"--perimeter", "department:29", "--facets", "--today", kToday, "--format", "json"}},
        Case{"text-explain", {"--commune", "29103", "rénovation", "énergétique", "--explain", "--today", kToday, "--format", "json"}},
        Case{"closing-soon", {"--commune", "29103", "--order", "deadline", "--apply-before", "2027-03-31", "--today", kToday, "--format", "json"}},
        Case{"pvd-engineering", {"--commune", "29103", "--aid-type", "technical_group", "--program", "petites-villes-de-demain", "--today", kToday, "--format", "json"}},
        Case{"audience-association", {"--commune", "29103", "--audience", "association", "--today", kToday, "--format", "json"}},
        Case{"expired-by-publication", {"--perimeter", "country:FRA", "--include-expired", "--order", "published", "--today", kToday, "--format", "json"}},
        Case{"page-2-of-4", {"--commune", "29103", "--size", "4", "--page", "2", "--today", kToday, "--format", "json"}},
        Case{"portal", {"--commune", "29103", "--portal", "@portal", "--today", kToday, "--format", "json"}},
        Case{"like-e2e-10", {"--perimeter", "department:29", "--like", "e2e-10", "--today", kToday, "--format", "json"}},
        Case{"backer-any-case", {"--backer", "banque des TERRITOIRES", "--backer", "Region Bretagne", "--today", kToday, "--format", "json"}},
        Case{"no-result", {"--commune", "29103", "--published-after", "2099-01-01", "--today", kToday, "--format", "json"}},
        Case{"profile-29103", {"--profile", "29103", "--format", "json"}}),
    [](const ::testing::TestParamInfo<Case>& info) {
        std::string name = info.param.name;
        std::replace(name.begin(), name.end(), '-', '_');
        return name;
    });

TEST_F(Cli, JsonLinesIsOneResultPerLine) {
    CommandResult r = search({"--commune", "29103", "--format", "jsonl", "--size", "3", "--today", kToday});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(line_count(r.out), 3u);
    json lines = json::array();
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
    expect_matches_file(lines, "jsonl-first-3");
    // The same three results as the JSON format.
    json full = search_json({"--commune", "29103", "--size", "3", "--today", kToday, "--format", "json"});
    ASSERT_EQ(lines.size(), full["results"].size());
    for (std::size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(lines[i]["id"], full["results"][i]["id"]);
}

// ----------------------------------------------------------------- hand-written expectations
// These restate the fixture's design, so that a wrong expected file cannot hide a wrong answer.
TEST_F(Cli, LanderneauGetsItsPerimetersAndNothingElse) {
    json response = search_json({"--commune", "29103", "--today", kToday});
    auto ids = result_ids(response);
    // Relevance without text: commune, EPCI, ad-hoc, department, region, mainland, France, Europe.
    // e2e-03 is the Finistère variant of e2e-10 (hidden); e2e-07 overseas, e2e-11 Ille-et-Vilaine,
    // e2e-14 Brest; e2e-12 closed; e2e-13 a draft; e2e-15 for associations only.
    std::vector<std::string> first = {"e2e-01", "e2e-02", "e2e-05", "e2e-03", "e2e-04", "e2e-06"};
    ASSERT_EQ(ids.size(), 9u) << response.dump(1);
    EXPECT_EQ(std::vector<std::string>(ids.begin(), ids.begin() + 6), first);
    EXPECT_EQ(std::set<std::string>(ids.begin() + 6, ids.begin() + 8), (std::set<std::string>{"e2e-08", "1016"}));
    EXPECT_EQ(ids[8], "e2e-09");
    EXPECT_EQ(response["count"], 9);
    EXPECT_EQ(response["page"], 1);
    EXPECT_EQ(response["size"], 20);
    // The same commune by name.
    EXPECT_EQ(result_ids(search_json({"--commune", "Landerneau", "--today", kToday})), ids);
}

TEST_F(Cli, ClosingSoonIsSoonestFirst) {
    json response = search_json({"--commune", "29103", "--order", "deadline", "--apply-before", "2027-03-31", "--today", kToday});
    EXPECT_EQ(result_ids(response), (std::vector<std::string>{"e2e-09", "e2e-03", "e2e-04", "e2e-01"}));
}

TEST_F(Cli, IntegerIdsAndLabelsComeOutAsMachineValues) {
    json response = search_json({"--audience", "association", "--aid-type", "Subvention", "--today", kToday});
    bool seen = false;
    for (const auto& hit : response["results"]) {
        if (hit["id"] != "e2e-15") continue;
        seen = true;
        EXPECT_EQ(hit["targeted_audiences"], json({"association"}));
        EXPECT_EQ(hit["aid_types"], json({"grant"}));
        EXPECT_EQ(hit["recurrence"], "ongoing");
    }
    EXPECT_TRUE(seen);
    json legal = search_json({"--aid-type", "legal_engineering", "--today", kToday});
    ASSERT_EQ(legal["count"], 1);
    EXPECT_EQ(legal["results"][0]["id"], "1016");  // an integer id is the string "1016"
}

TEST_F(Cli, TableShowsTheAidNames) {
    json response = search_json({"--commune", "29103", "--today", kToday});
    // Wide enough for every name whole (the table shortens names to fit the terminal).
    CommandResult table = test::run_command({"/usr/bin/env", "COLUMNS=250", test::bin("aides-search"), "--db", db(), "--commune",
                                             "29103", "--today", kToday, "--format", "table"});
    ASSERT_EQ(table.status, 0) << table.err;
    for (const auto& hit : response["results"])
        EXPECT_NE(table.out.find(hit["name"].get<std::string>()), std::string::npos) << hit["name"] << "\n" << table.out;
    EXPECT_EQ(table.out.find("\"results\""), std::string::npos) << "a table, not JSON";
}

// ----------------------------------------------------------------- exit codes and messages
/** Runs aides-search, expects `status` and a one-line stderr naming `named`. */
void expect_error(const CommandResult& r, int status, const std::string& named, const std::string& what) {
    EXPECT_EQ(r.status, status) << what << ": " << r.err;
    EXPECT_EQ(line_count(r.err), 1u) << what << ": one line expected:\n" << r.err;
    EXPECT_NE(r.err.find(named), std::string::npos) << what << ": the message names " << named << ": " << r.err;
    EXPECT_EQ(r.out, "") << what;
}

TEST_F(Cli, UnknownCommuneExits2NamingIt) {
    expect_error(search({"--commune", "99999", "--today", kToday}), 2, "99999", "unknown code");
    expect_error(search({"--commune", "Nullepart-sur-Mer", "--today", kToday}), 2, "Nullepart-sur-Mer", "unknown name");
    expect_error(search({"--profile", "99999"}), 2, "99999", "unknown profile");
}

TEST_F(Cli, UnknownEnumValueExits2NamingIt) {
    expect_error(search({"--commune", "29103", "--audience", "martiens"}), 2, "martiens", "audience");
    expect_error(search({"--commune", "29103", "--aid-type", "cadeau"}), 2, "cadeau", "aid type");
    expect_error(search({"--commune", "29103", "--step", "plus-tard"}), 2, "plus-tard", "step");
    expect_error(search({"--commune", "29103", "--destination", "ailleurs"}), 2, "ailleurs", "destination");
    expect_error(search({"--commune", "29103", "--theme", "astronomie"}), 2, "astronomie", "theme");
    expect_error(search({"--commune", "29103", "--category", "planetes"}), 2, "planetes", "category");
    expect_error(search({"--commune", "29103", "--order", "hasard"}), 2, "hasard", "order");
    expect_error(search({"--commune", "29103", "--format", "xml"}), 2, "xml", "format");
    expect_error(search({"--commune", "29103", "--executor", "gpu"}), 2, "gpu", "executor");
}

// --executor chooses who runs the search, --explain says who did; the answer is the same.
TEST_F(Cli, ExplainNamesTheExecutorThatAnswered) {
    std::map<std::string, json> by;
    for (const char* executor : {"auto", "xapian", "memory"}) {
        by[executor] = search_json({"--commune", "29103", "habitat", "--explain", "--executor", executor, "--today", kToday, "--format", "json"});
        ASSERT_TRUE(by[executor].contains("explain")) << executor;
        EXPECT_EQ(by[executor]["explain"]["requested"], executor);
    }
    EXPECT_EQ(by["xapian"]["explain"]["executor"], "xapian");
    EXPECT_EQ(by["memory"]["explain"]["executor"], "memory");
    EXPECT_EQ(by["auto"]["explain"]["executor"], "xapian") << "a one-shot search reads each list once, with Xapian";
    for (auto& [executor, response] : by) response.erase("explain");
    EXPECT_GT(by["xapian"]["count"], 0);
    EXPECT_EQ(by["memory"], by["xapian"]);
    EXPECT_EQ(by["auto"], by["xapian"]);
    // A phrase runs in memory when asked (its documents read at once); what memory cannot run
    // (`--like`, Xapian's expansion of an aid) falls back to Xapian, and says why.
    json phrase = search_json({"--commune", "29103", "\"centre-bourg\"", "--explain", "--executor", "memory", "--today", kToday, "--format", "json"});
    EXPECT_EQ(phrase["explain"]["executor"], "memory") << phrase["explain"];
    const std::string aid = by["xapian"]["results"][0]["id"];
    json like = search_json({"--commune", "29103", "--like", aid, "--explain", "--executor", "memory", "--today", kToday, "--format", "json"});
    EXPECT_EQ(like["explain"]["executor"], "xapian");
    EXPECT_NE(like["explain"]["fallback"].get<std::string>().find("--like"), std::string::npos) << like["explain"];
    // Without --explain, no report.
    EXPECT_FALSE(search_json({"--commune", "29103", "habitat", "--executor", "memory", "--today", kToday, "--format", "json"}).contains("explain"));
}

TEST_F(Cli, BadDateExits2NamingIt) {
    expect_error(search({"--commune", "29103", "--today", "2026-02-30"}), 2, "2026-02-30", "today");
    expect_error(search({"--commune", "29103", "--apply-before", "31/12/2026"}), 2, "31/12/2026", "apply-before");
    expect_error(search({"--commune", "29103", "--published-after", "2026-13-01"}), 2, "2026-13-01", "published-after");
}

TEST_F(Cli, BadPagingAndUnknownFlagExit2) {
    expect_error(search({"--commune", "29103", "--size", "1001"}), 2, "1001", "size 1001");
    expect_error(search({"--commune", "29103", "--size", "0"}), 2, "--size", "size 0");
    expect_error(search({"--commune", "29103", "--page", "0"}), 2, "--page", "page 0");
    expect_error(search({"--commune", "29103", "--colour"}), 2, "colour", "unknown flag");
}

TEST_F(Cli, MissingIndexExits1) {
    test::TempDir dir;
    expect_error(search({"--commune", "29103"}, dir.str("absent")), 1, dir.str("absent"), "missing index");
}

TEST_F(Cli, ZeroResultsIsSuccess) {
    CommandResult r = search({"--commune", "29103", "--published-after", "2099-01-01", "--today", kToday});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["count"], 0);
    // A programme no aid has is not a zero but a usage error.
    expect_error(search({"--commune", "29103", "--program", "programme-inexistant", "--today", kToday}), 2,
                 "programme-inexistant", "unknown program");
}

// ---------------------------------------------------------------------------- aides-index
/** A catalogue of three records, the second one bad. */
std::string bad_catalogue(const test::TempDir& dir, const std::string& bad_line) {
    std::string path = dir.str("lot.jsonl");
    test::write_file(path,
                     "{\"id\": \"lot-1\", \"name\": \"Premier dossier du lot\", \"perimeter\": \"country:FRA\", \"targeted_audiences\": [\"commune\"]}\n" +
                         bad_line + "\n" +
                         "{\"id\": \"lot-3\", \"name\": \"Troisième dossier du lot\", \"perimeter\": \"country:FRA\", \"targeted_audiences\": [\"commune\"]}\n");
    return path;
}

std::size_t aid_count(const json& response) { return response["count"].get<std::size_t>(); }

TEST_F(Cli, BadRecordExits1WithFileAndLineAndChangesNothing) {
    test::TempDir dir;
    std::string database = dir.str("idx");
    ASSERT_EQ(index({"--input", test::fixture("search/e2e.jsonl")}, database).status, 0);
    std::size_t before = aid_count(search_json({"--include-expired", "--size", "1"}, database));
    for (const std::string& bad : {std::string("{\"id\": \"lot-2\", \"name\": \"Deuxième\", \"aid_types\": [\"cadeau\"]}"),
                                   std::string("{\"id\": \"lot-2\", \"name\": \"Deuxième\""),
                                   std::string("{\"id\": \"lot-2\", \"name\": \"Deuxième\", \"submission_deadline\": \"2026-02-30\"}"),
                                   std::string("{\"id\": \"lot-2\"}")}) {
        std::string path = bad_catalogue(dir, bad);
        CommandResult r = index({"--input", path}, database);
        EXPECT_EQ(r.status, 1) << bad << "\n" << r.err;
        EXPECT_NE(r.err.find(path + ":2:"), std::string::npos) << bad << "\n" << r.err;
        EXPECT_EQ(r.err.find(path + ":1:"), std::string::npos) << r.err;
        EXPECT_EQ(r.err.find(path + ":3:"), std::string::npos) << r.err;
        EXPECT_EQ(aid_count(search_json({"--include-expired", "--size", "1"}, database)), before) << "index unchanged after " << bad;
    }
}

TEST_F(Cli, SkipInvalidIndexesTheGoodRecordsAndStillReportsTheBadOne) {
    test::TempDir dir;
    std::string database = dir.str("idx");
    std::string path = bad_catalogue(dir, "{\"id\": \"lot-2\", \"name\": \"Deuxième\", \"aid_types\": [\"cadeau\"]}");
    CommandResult r = index({"--input", path, "--skip-invalid"}, database);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find(path + ":2:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("cadeau"), std::string::npos) << r.err;
    json all = search_json({"--include-expired", "--today", kToday}, database);
    auto ids = result_ids(all);
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, (std::vector<std::string>{"lot-1", "lot-3"}));
}

TEST_F(Cli, DeleteRemovesAids) {
    test::TempDir dir;
    std::string database = dir.str("idx");
    ASSERT_EQ(index({"--input", test::fixture("search/e2e.jsonl")}, database).status, 0);
    auto before = result_ids(search_json({"--commune", "29103", "--today", kToday}, database));
    ASSERT_NE(std::find(before.begin(), before.end(), "e2e-01"), before.end());
    CommandResult r = test::run_command({test::bin("aides-index"), "--db", database, "--delete", "e2e-01", "1016"});
    EXPECT_EQ(r.status, 0) << r.err;
    auto after = result_ids(search_json({"--commune", "29103", "--today", kToday}, database));
    std::vector<std::string> expected;
    for (const auto& id : before)
        if (id != "e2e-01" && id != "1016") expected.push_back(id);
    EXPECT_EQ(after, expected);
}

TEST_F(Cli, ReindexingTheSameIdReplacesTheAid) {
    test::TempDir dir;
    std::string database = dir.str("idx");
    ASSERT_EQ(index({"--input", test::fixture("search/e2e.jsonl")}, database).status, 0);
    test::write_file(dir.str("update.jsonl"),
                     "{\"id\": 1016, \"name\": \"Ingénierie juridique (nouvelle version)\", \"targeted_audiences\": [\"commune\"], "
                     "\"aid_types\": [\"legal_engineering\"], \"recurrence\": \"ongoing\"}\n");
    ASSERT_EQ(index({"--input", dir.str("update.jsonl")}, database).status, 0);
    json legal = search_json({"--aid-type", "legal_engineering", "--today", kToday}, database);
    ASSERT_EQ(legal["count"], 1);
    EXPECT_EQ(legal["results"][0]["name"], "Ingénierie juridique (nouvelle version)");
}

// ---------------------------------------------------------------------------------- --help
TEST_F(Cli, HelpExits0AndDocumentsEveryFlag) {
    CommandResult s = test::run_command({test::bin("aides-search"), "--help"});
    EXPECT_EQ(s.status, 0) << s.err;
    for (const char* flag : {"--db", "--commune", "--perimeter", "--audience", "--theme", "--category", "--aid-type", "--step",
                             "--destination", "--program", "--backer", "--call-for-projects", "--apply-before",
                             "--published-after", "--today", "--include-expired", "--order", "--page", "--size", "--facets",
                             "--explain", "--executor", "--no-snippets", "--format", "--like", "--portal", "--profile"})
        EXPECT_NE(s.out.find(flag), std::string::npos) << "aides-search --help lacks " << flag;
    EXPECT_NE(s.out.find("xample"), std::string::npos) << "examples expected";
    CommandResult i = test::run_command({test::bin("aides-index"), "--help"});
    EXPECT_EQ(i.status, 0) << i.err;
    for (const char* flag : {"--db", "--input", "--skip-invalid", "--delete", "--adhoc", "--geo"})
        EXPECT_NE(i.out.find(flag), std::string::npos) << "aides-index --help lacks " << flag;
}

}  // namespace
}  // namespace aides
