// End-to-end, as a person at a terminal uses aides-search: which commune a search answered for,
// a table that fits the terminal, deadlines as people read them, no silent zero, and every
// example of `aides-search --help` and of README.md run against the demo index (the bundled
// catalogue, as `make demo` builds it).
#include "test_support.hpp"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace aides {
namespace {

using json = nlohmann::json;
using test::CommandResult;

constexpr const char* kToday = "2026-06-15";

std::size_t code_points(const std::string& text) {
    std::size_t n = 0;
    for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// Splits a command line as a POSIX shell would for the examples: blanks, '...' and "..." quotes.
std::vector<std::string> shell_words(const std::string& line) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    char quote = 0;
    for (char c : line) {
        if (quote) {
            if (c == quote) quote = 0;
            else word += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == ' ' || c == '\t') {
            if (in_word) words.push_back(word);
            word.clear();
            in_word = false;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (in_word) words.push_back(word);
    return words;
}

// A line without its shell comment (a `#` after a blank, outside quotes).
std::string without_comment(const std::string& line) {
    char quote = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quote) {
            if (c == quote) quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '#' && i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t')) {
            return line.substr(0, i);
        }
    }
    return line;
}

class Readable : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new test::TempDir;
        // The demo index of `make demo`, and a small catalogue of deadlines.
        CommandResult demo = index({"--input", test::corpus("aides.jsonl"), "--adhoc", "pvd=" + test::corpus("adhoc/pvd-extrait.txt")},
                                   demo_db());
        ASSERT_EQ(demo.status, 0) << demo.err;
        CommandResult deadlines = index({"--input", test::fixture("search/deadlines.jsonl")}, deadlines_db());
        ASSERT_EQ(deadlines.status, 0) << deadlines.err;
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    static std::string demo_db() { return dir_->str("demo"); }
    static std::string deadlines_db() { return dir_->str("deadlines"); }
    static CommandResult index(const std::vector<std::string>& args, const std::string& db) {
        std::vector<std::string> argv = {test::bin("aides-index"), "--db", db, "--geo", test::geography_file()};
        argv.insert(argv.end(), args.begin(), args.end());
        return test::run_command(argv);
    }
    /** aides-search --db DB ARGS... with COLUMNS set to `columns` (0: unset). */
    static CommandResult search(const std::vector<std::string>& args, const std::string& db, int columns = 0) {
        std::vector<std::string> argv = {"/usr/bin/env", "-u", "COLUMNS"};
        if (columns > 0) argv.push_back("COLUMNS=" + std::to_string(columns));
        argv.push_back(test::bin("aides-search"));
        argv.push_back("--db");
        argv.push_back(db);
        argv.insert(argv.end(), args.begin(), args.end());
        return test::run_command(argv);
    }
    static test::TempDir* dir_;
};
test::TempDir* Readable::dir_ = nullptr;

// ----------------------------------------------------------------------- which commune
TEST_F(Readable, EverySearchForACommuneSaysWhichOne) {
    CommandResult r = search({"--commune", "Hesdin", "--today", kToday, "--format", "json"}, demo_db());
    ASSERT_EQ(r.status, 0) << r.err;
    json response = json::parse(r.out);
    EXPECT_EQ(response["commune"]["code"], "62447");
    EXPECT_EQ(response["commune"]["name"], "Hesdin-la-Forêt");
    EXPECT_EQ(response["commune"]["department"], (json{{"code", "62"}, {"name", "Pas-de-Calais"}}));
    EXPECT_NE(response["commune"]["note"].get<std::string>().find("Hesdin (62447) is part of Hesdin-la-Forêt"), std::string::npos);
    EXPECT_NE(r.err.find("note: Hesdin (62447) is part of Hesdin-la-Forêt"), std::string::npos) << r.err;
    // Today's code: no note.
    response = json::parse(search({"--commune", "29103", "--today", kToday, "--format", "json"}, demo_db()).out);
    EXPECT_EQ(response["commune"], (json{{"code", "29103"}, {"name", "Landerneau"}, {"department", {{"code", "29"}, {"name", "Finistère"}}}}));
    // The table's first line names it.
    r = search({"--commune", "Moulins (03)", "--today", kToday, "--format", "table"}, demo_db());
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.rfind("Moulins (03190, Allier): ", 0), 0u) << r.out;
    // Five digits read two ways: exit 2, both readings named.
    r = search({"--commune", "71500", "--today", kToday}, demo_db());
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("71500 Sarry"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("Louhans-Châteaurenaud"), std::string::npos) << r.err;
    EXPECT_EQ(search({"--profile", "71500", "--format", "json"}, demo_db()).status, 2);
    r = search({"--profile", "cp:01851", "--format", "json"}, demo_db());
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["name"], "Marboz");
    EXPECT_NE(json::parse(r.out)["note"].get<std::string>().find("postcode 01851"), std::string::npos);
    // A misspelt name: the closest ones.
    r = search({"--commune", "Landernau"}, demo_db());
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("did you mean: 29103 Landerneau"), std::string::npos) << r.err;
}

// ------------------------------------------------------------------------------- the table
TEST_F(Readable, TheTableFitsTheTerminalAndShowsIdsBackersAndFrenchLabels) {
    for (int columns : {40, 60, 80, 100, 132, 200}) {
        for (bool long_form : {false, true}) {
            std::vector<std::string> args = {"--commune", "29103", "--today", kToday, "--format", "table", "--size", "30", "--facets"};
            if (long_form) args.push_back("--long");
            CommandResult r = search(args, demo_db(), columns);
            ASSERT_EQ(r.status, 0) << r.err;
            for (const auto& line : lines_of(r.out))
                EXPECT_LE(code_points(line), static_cast<std::size_t>(columns)) << columns << " columns: " << line;
        }
    }
    // 80 columns when COLUMNS is unset and stdout no terminal.
    CommandResult r = search({"--commune", "29103", "--today", kToday, "--format", "table"}, demo_db());
    json response = json::parse(search({"--commune", "29103", "--today", kToday, "--format", "json"}, demo_db()).out);
    std::vector<std::string> lines = lines_of(r.out);
    ASSERT_GE(lines.size(), 3u);
    std::size_t widest = 0;
    for (const auto& line : lines) widest = std::max(widest, code_points(line));
    EXPECT_LE(widest, 80u);
    EXPECT_GE(widest, 70u) << "the table uses the width";
    EXPECT_EQ(lines[1].rfind("ID ", 0), 0u) << lines[1];
    for (const char* column : {"AID", "BACKER", "DEADLINE", "TYPES"}) EXPECT_NE(lines[1].find(column), std::string::npos) << column;
    // A row per aid, starting with its id; French labels, no machine values.
    for (std::size_t i = 0; i < response["results"].size(); ++i)
        EXPECT_EQ(lines[2 + i].rfind(response["results"][i]["id"].get<std::string>() + " ", 0), 0u) << lines[2 + i];
    EXPECT_NE(r.out.find("Subvention"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Ing. tech."), std::string::npos) << "shortened at 80 columns: " << r.out;
    CommandResult wide = search({"--commune", "29103", "--today", kToday, "--format", "table"}, demo_db(), 200);
    EXPECT_NE(wide.out.find("Ingénierie technique"), std::string::npos) << wide.out;
    for (const char* slug : {"technical_engineering", "financial_engineering", "grant"}) EXPECT_EQ(r.out.find(slug), std::string::npos) << slug;
    // The backer of each aid shown (its first financer, shortened at most).
    const std::string first_backer = response["results"][0]["financers"][0];
    EXPECT_NE(lines[2].find(first_backer.substr(0, 8)), std::string::npos) << lines[2];
    // --long: the link and why under each row.
    r = search({"--commune", "29103", "--today", kToday, "--format", "table", "--long", "renovation"}, demo_db());
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("    why: "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("    https://"), std::string::npos) << r.out;
    EXPECT_EQ(search({"--commune", "29103", "--long", "--format", "json"}, demo_db()).status, 2);
}

// ---------------------------------------------------------------------------- deadlines
TEST_F(Readable, AStaleDeadlinePrintsPermanenteAndIsNeverToApplyBefore) {
    CommandResult r = search({"--commune", "29103", "--today", kToday, "--format", "table", "--order", "deadline"}, deadlines_db(), 120);
    ASSERT_EQ(r.status, 0) << r.err;
    std::vector<std::string> lines = lines_of(r.out);
    ASSERT_EQ(lines.size(), 8u) << r.out;  // summary, header, six aids
    EXPECT_EQ(lines[2].rfind("dl-soon ", 0), 0u) << r.out;
    EXPECT_EQ(lines[5].rfind("dl-stale ", 0), 0u) << r.out;
    EXPECT_NE(lines[5].find("permanente"), std::string::npos) << lines[5];
    EXPECT_EQ(r.out.find("2023-06-01"), std::string::npos) << r.out;
    EXPECT_NE(lines[3].find("2026-09-30"), std::string::npos) << "an ongoing aid's future deadline is shown: " << lines[3];
    r = search({"--commune", "29103", "--today", kToday, "--apply-before", "2027-03-31", "--format", "json"}, deadlines_db());
    ASSERT_EQ(r.status, 0) << r.err;
    std::set<std::string> ids;
    const json response = json::parse(r.out);
    for (const auto& hit : response["results"]) ids.insert(hit["id"].get<std::string>());
    EXPECT_EQ(ids, (std::set<std::string>{"dl-soon", "dl-ongoing-future", "dl-later"})) << r.out;
}

// ---------------------------------------------------------------------------- no silent zero
TEST_F(Readable, NoSilentZero) {
    CommandResult r = search({"--commune", "29103", "--program", "pvd"}, demo_db());
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("unknown program \"pvd\""), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("petites-villes-de-demain"), std::string::npos) << r.err;
    r = search({"--commune", "29103", "--theme", "urbanisme"}, demo_db());
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("urbanisme-logement-amenagement"), std::string::npos) << r.err;
    r = search({"--commune", "29103", "--category", "mobilite-douc"}, demo_db());
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("mobilite-douce"), std::string::npos) << r.err;
    // A backer no aid has: the search runs (zero results), with a warning naming the closest.
    r = search({"--commune", "29103", "--backer", "Banque des territoire", "--format", "json"}, demo_db());
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["count"], 0);
    EXPECT_NE(r.err.find("warning: backer \"Banque des territoire\" matches no aid"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("banque des territoires"), std::string::npos) << r.err;
    // A page past the end says how many pages there are.
    r = search({"--commune", "29103", "--page", "50", "--format", "json"}, demo_db());
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("page 50 is past the end"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(" pages of 20"), std::string::npos) << r.err;
}

// ------------------------------------------------------------------------------ examples
// Runs one example: `aides-search` or `aides-index` with their paths made absolute, the demo
// index for `idx`/`build/demo-index`.
CommandResult run_example(std::vector<std::string> words, const std::string& db) {
    if (words.empty()) return {};
    std::string tool = std::filesystem::path(words[0]).filename().string();
    words[0] = test::bin(tool);
    for (std::size_t i = 1; i < words.size(); ++i) {
        if (words[i - 1] == "--db") words[i] = db;
        else if (words[i].rfind("corpus/", 0) == 0) words[i] = test::source(words[i]);
        else if (std::size_t at = words[i].find("=corpus/"); at != std::string::npos)  // --adhoc NAME=FILE
            words[i] = words[i].substr(0, at + 1) + test::source(words[i].substr(at + 1));
    }
    std::vector<std::string> argv = {"/usr/bin/env", "-u", "COLUMNS"};
    argv.insert(argv.end(), words.begin(), words.end());
    return test::run_command(argv);
}

TEST_F(Readable, HelpFitsEightyColumnsAndEveryExampleInItRuns) {
    CommandResult help = test::run_command({test::bin("aides-search"), "--help"});
    ASSERT_EQ(help.status, 0);
    std::vector<std::string> lines = lines_of(help.out);
    for (const auto& line : lines) EXPECT_LE(code_points(line), 80u) << line;
    // The Examples section: whole commands, `\` continuing a line.
    std::vector<std::string> commands;
    bool in_examples = false;
    std::string pending;
    for (const auto& line : lines) {
        if (line == "Examples:") in_examples = true;
        else if (in_examples && line.empty()) in_examples = false;
        else if (in_examples) {
            std::string body = line.substr(line.find_first_not_of(' '));
            if (!body.empty() && body.back() == '\\') {
                pending += body.substr(0, body.size() - 1);
                continue;
            }
            commands.push_back(pending + body);
            pending.clear();
        }
    }
    EXPECT_GE(commands.size(), 6u);
    // The `e.g.` of each option: fragments after "e.g. ", separated by ", " outside quotes,
    // each run after `--db`. Boost wraps descriptions: an option's lines are joined first.
    std::vector<std::string> fragments;
    std::string option_text;
    auto take = [&] {
        std::size_t at = option_text.find("e.g. ");
        if (at == std::string::npos) return;
        std::string rest = option_text.substr(at + 5), fragment;
        char quote = 0;
        for (std::size_t i = 0; i < rest.size(); ++i) {
            char c = rest[i];
            if (quote && c == quote) quote = 0;
            else if (!quote && (c == '"' || c == '\'')) quote = c;
            if (!quote && c == ',' && i + 1 < rest.size() && rest[i + 1] == ' ') {
                fragments.push_back(fragment);
                fragment.clear();
                ++i;
                continue;
            }
            fragment += c;
        }
        if (!fragment.empty()) fragments.push_back(fragment);
    };
    for (const auto& line : lines) {
        if (line == "Examples:") break;
        if (line.rfind("  -", 0) == 0) {
            take();
            option_text = line;
        } else if (!option_text.empty()) {
            std::size_t first = line.find_first_not_of(' ');
            if (first != std::string::npos) option_text += " " + line.substr(first);
        }
    }
    take();
    EXPECT_GE(fragments.size(), 30u);
    for (const auto& fragment : fragments) {
        if (fragment.rfind("--db ", 0) == 0) continue;  // every command has its --db
        std::string line = "aides-search --db idx " + fragment;
        if (fragment.find("--profile") == std::string::npos && fragment.find("--today") == std::string::npos) line += " --today " + std::string(kToday);
        commands.push_back(line);
    }
    for (const auto& command : commands) {
        CommandResult r = run_example(shell_words(command), demo_db());
        EXPECT_EQ(r.status, 0) << command << "\n" << r.err;
    }
}

TEST_F(Readable, EveryExampleOfTheReadmeRuns) {
    std::ifstream in(test::source("README.md"));
    ASSERT_TRUE(in) << "README.md";
    test::TempDir scratch;
    // The index examples change their index: run on a copy of the demo index, in order.
    std::filesystem::copy(demo_db(), scratch.str("idx"), std::filesystem::copy_options::recursive);
    std::vector<std::string> index_commands, search_commands;
    bool in_shell = false;
    const std::regex table_command("`\\$S ([^`]*)`");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("```", 0) == 0) {
            in_shell = !in_shell && line.rfind("```sh", 0) == 0;
            continue;
        }
        if (in_shell && line.rfind("build/bin/aides-index", 0) == 0) index_commands.push_back(without_comment(line));
        else if (in_shell && line.rfind("build/bin/aides-search", 0) == 0) search_commands.push_back(without_comment(line));
        for (std::sregex_iterator it(line.begin(), line.end(), table_command), end; it != end; ++it)
            search_commands.push_back("build/bin/aides-search --db build/demo-index " + (*it)[1].str());
    }
    EXPECT_GE(index_commands.size(), 5u);
    EXPECT_GE(search_commands.size(), 18u);
    for (const auto& command : index_commands) {
        CommandResult r = run_example(shell_words(command), scratch.str("idx"));
        EXPECT_EQ(r.status, 0) << command << "\n" << r.err;
    }
    for (const auto& command : search_commands) {
        std::vector<std::string> words = shell_words(command);
        words.push_back("--today");
        words.push_back(kToday);
        CommandResult r = run_example(words, demo_db());
        EXPECT_EQ(r.status, 0) << command << "\n" << r.err;
    }
}

}  // namespace
}  // namespace aides
