// Hostile queries through aides-search: huge, many-grouped, wildcard-like or binary text, and
// out-of-range paging. Each answers within the ctest TIMEOUT and bounded memory, or exits 2
// with one clear line.
#include "reliability_support.hpp"

#include <algorithm>
#include <iostream>

namespace aides {
namespace {

using test::TempDir;

// Peak memory allowed to one search process: the national geography and the small index
// take about 30 MB; a query that grows without bound would pass this.
constexpr long max_rss_kb = 256 * 1024;

class HostileQueries : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir;
        auto result = test::run_process({test::bin("aides-index"), "--db", dir_->str("index"), "--input", test::corpus("aides.jsonl"),
                                         "--adhoc", "pvd=" + test::corpus("adhoc/pvd-extrait.txt"), "-q"});
        ASSERT_EQ(result.status, 0) << result.err;
    }
    static void TearDownTestSuite() {
        std::cout << "[ figures  ] " << runs_ << " searches, peak memory of one " << peak_kb_ / 1024 << " MB"
                  << (test::address_sanitized() ? " (AddressSanitizer build)" : "") << std::endl;
        delete dir_;
    }

    // Runs aides-search with these arguments after the fixed ones.
    static test::ProcessResult search(const std::vector<std::string>& args) {
        std::vector<std::string> argv = {test::bin("aides-search"), "--db", dir_->str("index"), "--today", "2026-01-15", "--format", "json"};
        argv.insert(argv.end(), args.begin(), args.end());
        auto result = test::run_process(argv);
        ++runs_;
        if (!test::address_sanitized()) {
            EXPECT_LT(result.max_rss_kb, max_rss_kb) << "peak memory of aides-search";
        }
        peak_kb_ = std::max(peak_kb_, result.max_rss_kb);
        return result;
    }
    // A successful search: exit 0 and a well-formed response.
    static nlohmann::json answered(const std::vector<std::string>& args) {
        auto result = search(args);
        EXPECT_EQ(result.status, 0) << result.err.substr(0, 500);
        EXPECT_TRUE(test::printable_utf8(result.out));
        nlohmann::json response = nlohmann::json::parse(result.out, nullptr, false);
        EXPECT_FALSE(response.is_discarded()) << result.out.substr(0, 500);
        if (response.is_discarded()) return nlohmann::json::object();
        // Partial matches may follow the full ones (contract, "Partial matches").
        EXPECT_LE(response["results"].size(), response["count"].get<std::size_t>() + response.value("partial_count", std::size_t{0}));
        return response;
    }
    // A refused request: exit 2 and one printable line naming `what`.
    static void refused(const std::vector<std::string>& args, const std::string& what) {
        auto result = search(args);
        EXPECT_EQ(result.status, 2) << result.err;
        EXPECT_EQ(test::lines_of(result.err).size(), 1u) << result.err;
        EXPECT_NE(result.err.find(what), std::string::npos) << result.err;
        EXPECT_TRUE(result.out.empty()) << result.out.substr(0, 300);
    }
    static std::vector<std::string> ids(const nlohmann::json& response) {
        std::vector<std::string> out;
        for (const auto& hit : response["results"]) out.push_back(hit["id"]);
        return out;
    }

    static TempDir* dir_;
    static int runs_;
    static long peak_kb_;
};
TempDir* HostileQueries::dir_ = nullptr;
int HostileQueries::runs_ = 0;
long HostileQueries::peak_kb_ = 0;

TEST_F(HostileQueries, HundredThousandCharacters) {
    // As many words (the shell gives them as arguments, each under the 128 KiB limit of one).
    std::vector<std::string> words;
    std::size_t total = 0;
    for (int i = 0; total < 100000; ++i) {
        words.push_back(i % 3 ? "rénovation" : "école" + std::to_string(i));
        total += words.back().size() + 1;
    }
    answered(words);
    // As one word, in ASCII and in accented letters.
    answered({std::string(100000, 'a')});
    std::string accents;
    while (accents.size() < 100000) accents += "é";
    answered({accents});
    // As one phrase.
    answered({"\"" + std::string(50000, 'b') + " " + std::string(49000, 'c') + "\""});
}

TEST_F(HostileQueries, ThousandsOfOrGroups) {
    std::string groups;
    for (int i = 0; i < 5000; ++i) groups += (i ? ", mot" : "mot") + std::to_string(i);
    answered({groups});
    std::string commas(100000, ',');
    answered({commas});
    std::string exclusions;
    for (int i = 0; i < 5000; ++i) exclusions += " -mot" + std::to_string(i);
    answered({"rénovation" + exclusions});
    // Many words per group: relaxation work is bounded too.
    std::string words;
    for (int i = 0; i < 300; ++i) words += " inconnu" + std::to_string(i);
    answered({"rénovation énergétique" + words, "--commune", "29103"});
}

TEST_F(HostileQueries, WildcardLikeInputIsPlainText) {
    auto plain = ids(answered({"rénovation"}));
    ASSERT_FALSE(plain.empty());
    for (const char* text : {"rénovation*", "rénovation?", "%rénovation%", "rénovation%", "*rénovation"})
        EXPECT_EQ(ids(answered({text})), plain) << text << " is not the plain word";
    // Text with no word at all matches nothing, rather than everything.
    // (After `--`, text starting with `-` is not taken for an option.)
    for (const char* text : {"*", "?", "%", "%%", "_", ".*", "[a-z]+", "\\", "'", "\"", "-", "--", "-*", "\"\"", ","})
        EXPECT_EQ(answered({"--", text})["count"], 0) << text;
}

TEST_F(HostileQueries, ControlCharactersAndBinaryText) {
    auto plain = ids(answered({"rénovation"}));
    EXPECT_EQ(ids(answered({"\x01\x02rénovation\x7f"})), plain);
    answered({"\x1b[31mrénovation\x1b[0m"});
    answered({"r\xC3\x28nov \xFF\xFE\xFD ation"});  // invalid UTF-8
    answered({"\xEF\xBB\xBF rénovation \t\r\v\f"});
    std::string all_bytes;
    for (int c = 1; c < 256; ++c) all_bytes += static_cast<char>(c);
    answered({all_bytes});
    // In a value that must name something: refused, on one printable line.
    auto result = search({"--commune", "\x01\x1b[2J29103"});
    EXPECT_EQ(result.status, 2);
    EXPECT_EQ(test::lines_of(result.err).size(), 1u) << result.err;
}

TEST_F(HostileQueries, PagingAndSizesOutOfRange) {
    refused({"--size", "1000000"}, "--size");
    refused({"--size", "0"}, "--size");
    refused({"--size", "-1"}, "--size");
    refused({"--size", "1001"}, "--size");
    refused({"--page", "0"}, "--page");
    refused({"--page", "-3"}, "--page");
    refused({"--page", "2000000", "--size", "1000"}, "--page");
    refused({"--page", "99999999999"}, "--page");
    refused({"--size", "lots"}, "--size");
    answered({"--size", "1000"});
    auto far = answered({"--page", "1000", "--size", "1000"});
    EXPECT_TRUE(far["results"].empty());
}

TEST_F(HostileQueries, OtherValuesOutOfRange) {
    refused({"--apply-before", "2026-02-30"}, "2026-02-30");
    refused({"--published-after", "demain"}, "demain");
    refused({"--theme", std::string(100000, 'x')}, "unknown theme");
    refused({"--aid-type", "gift"}, "gift");
    refused({"--perimeter", "planet:3"}, "planet:3");
    refused({"--commune", "99999"}, "99999");
    // Thousands of repeated filter values are answered.
    std::vector<std::string> many;
    for (int i = 0; i < 2000; ++i) {
        many.push_back("--backer");
        many.push_back("Financeur " + std::to_string(i));
    }
    answered(many);
}

}  // namespace
}  // namespace aides
