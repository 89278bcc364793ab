// Bad input through aides-index: each case gets one printable error line naming the file, the
// line and the field, exit 1, and the committed index stays exactly as it was.
#include "reliability_support.hpp"

#include <iostream>

namespace aides {
namespace {

using test::TempDir;

struct BadInput {
    std::string name;
    std::string content;  ///< the file, whose first line is a good record
    std::size_t line;     ///< expected line, 0: none (the whole file is at fault)
    std::string field;    ///< expected field, empty: none
    std::string message;  ///< a part of the expected message
};

// Test names and failure messages show the case's name, not its bytes.
void PrintTo(const BadInput& bad, std::ostream* out) { *out << bad.name; }

const std::string good = "{\"id\": \"bon-1\", \"name\": \"Aide valable\", \"aid_types\": [\"grant\"]}\n";

std::string with(const std::string& members) { return "{\"id\": \"x-1\", \"name\": \"Aide\", " + members + "}"; }

std::vector<BadInput> cases() {
    std::string many_items = "[";
    for (int i = 0; i < 100000; ++i) many_items += (i ? ",\"Financeur " : "\"Financeur ") + std::to_string(i) + "\"";
    many_items += "]";
    std::vector<BadInput> out = {
        {"malformed_json", good + "{\"id\": \"x-1\", \"name\": ", 2, "name", "malformed JSON"},
        {"malformed_json_missing_comma", good + "{\"id\": \"x-1\" \"name\": \"a\"}", 2, "id", "malformed JSON"},
        {"truncated_array_file", "[\n" + good + ",\n{\"id\": \"x-1\",\n \"name\": \"Aide\"", 5, "name", "malformed JSON"},
        {"wrong_type_string", good + with("\"description\": 12"), 2, "description", "expected a string"},
        {"wrong_type_array", good + with("\"targeted_audiences\": \"commune\""), 2, "targeted_audiences", "expected an array"},
        {"wrong_type_boolean", good + with("\"is_charged\": \"non\""), 2, "is_charged", "expected a boolean"},
        {"wrong_type_integer", good + with("\"loan_amount\": \"10 000\""), 2, "loan_amount", "expected an integer"},
        {"wrong_type_id", good + "{\"id\": 1.5, \"name\": \"Aide\"}", 2, "id", "expected a string or an integer"},
        {"not_an_object", good + "[\"x-1\", \"Aide\"]", 2, "", "expected a JSON object"},
        {"missing_id", good + "{\"name\": \"Aide sans id\"}", 2, "id", "missing required field"},
        {"missing_name", good + "{\"id\": \"x-1\"}", 2, "name", "missing required field"},
        {"blank_name", good + "{\"id\": \"x-1\", \"name\": \"  \"}", 2, "name", "missing required field"},
        {"invalid_utf8", good + "{\"id\": \"x-1\", \"name\": \"Aide \xC3\x28 \xFF\xFE\"}", 2, "name", "UTF-8"},
        {"invalid_utf8_overlong", good + with("\"description\": \"\xC0\xAF\""), 2, "description", "UTF-8"},
        {"nul_byte_raw", good + with("\"description\": \"avant") + std::string(1, '\0') + "après\"}", 2, "description", "U+0000"},
        {"nul_byte_escaped", good + with("\"description\": \"avant\\u0000après\""), 2, "description", "NUL"},
        {"field_of_10_mb", good + with("\"description\": \"" + std::string(10 << 20, 'a') + "\""), 2, "description", "exceeds the limit"},
        {"record_of_20_mb", good + with("\"x\": \"" + std::string(20 << 20, 'a') + "\""), 2, "", "exceeds the limit"},
        {"array_of_100k_items", good + with("\"financers\": " + many_items), 2, "financers", "100000 items exceeds the limit"},
        {"deeply_nested", good + with("\"extra\": " + std::string(100000, '[') + std::string(100000, ']')), 2, "extra", "nested deeper"},
        {"deeply_nested_array_file", "[\n" + good + ",\n" + with("\"extra\": " + std::string(5000, '[') + std::string(5000, ']')) + "\n]", 4, "extra", "nested deeper"},
        {"unknown_aid_type", good + with("\"aid_types\": [\"gift\"]"), 2, "aid_types", "unknown value \"gift\""},
        {"unknown_audience", good + with("\"targeted_audiences\": [\"martians\"]"), 2, "targeted_audiences", "martians"},
        {"unknown_recurrence", good + with("\"recurrence\": \"sometimes\""), 2, "recurrence", "sometimes"},
        {"unknown_status", good + with("\"status\": \"secret\""), 2, "status", "secret"},
        {"unknown_category", good + with("\"categories\": [\"no-such-category\"]"), 2, "categories", "no-such-category"},
        {"unknown_perimeter_scale", good + with("\"perimeter\": \"planet:3\""), 2, "perimeter", "planet"},
        {"impossible_date", good + with("\"submission_deadline\": \"2026-02-30\""), 2, "submission_deadline", "2026-02-30"},
        {"impossible_month", good + with("\"start_date\": \"2026-13-01\""), 2, "start_date", "2026-13-01"},
        {"impossible_leap_day", good + with("\"date_published\": \"2025-02-29T10:00:00Z\""), 2, "date_published", "2025-02-29"},
        {"negative_amount", good + with("\"loan_amount\": -5"), 2, "loan_amount", "-5"},
        {"negative_advance", good + with("\"recoverable_advance_amount\": -1"), 2, "recoverable_advance_amount", "-1"},
        {"rate_over_100", good + with("\"subvention_rate_upper_bound\": 120"), 2, "subvention_rate_upper_bound", "120"},
        {"negative_rate", good + with("\"subvention_rate_lower_bound\": -10"), 2, "subvention_rate_lower_bound", "-10"},
        {"rates_crossed", good + with("\"subvention_rate_lower_bound\": 80, \"subvention_rate_upper_bound\": 20"), 2, "subvention_rate_lower_bound", "above"},
        {"duplicate_id", good + with("\"description\": \"un\"") + "\n" + good, 3, "id", "duplicate id \"bon-1\" (first at line 1)"},
        {"duplicate_id_integer_and_string", "{\"id\": 7, \"name\": \"Sept\"}\n{\"id\": \"7\", \"name\": \"Sept bis\"}", 2, "id", "duplicate id"},
        {"newline_in_enum_value", good + with("\"aid_types\": [\"gi\\nft\"]"), 2, "aid_types", "unknown value"},
        {"bad_results_page", "{\"count\": 1, \"next\": null, \"previous\": null,\n\"results\": {\"id\": 1}}", 1, "results", "expected an array"},
        {"bad_record_in_api_page", "{\"count\": 2, \"next\": null, \"previous\": null, \"results\": [\n" + good + ",\n" + with("\"loan_amount\": -5") + "]}", 4, "loan_amount", "-5"},
        {"empty_file", "", 0, "", "empty input"},
        {"blank_file", "\n  \n\t\n", 0, "", "empty input"},
    };
    return out;
}

class BadInputs : public ::testing::TestWithParam<BadInput> {
  protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir;
        test::write_file(dir_->str("base.jsonl"), test::generated_records(0, 200, "base"));
        auto result = test::run_process({test::bin("aides-index"), "--db", db(), "--input", dir_->str("base.jsonl"), "-q"});
        ASSERT_EQ(result.status, 0) << result.err;
        before_ = new test::Fingerprint(test::fingerprint(db()));
    }
    static void TearDownTestSuite() {
        delete before_;
        delete dir_;
    }
    static std::string db() { return dir_->str("index"); }
    static TempDir* dir_;
    static test::Fingerprint* before_;
};
TempDir* BadInputs::dir_ = nullptr;
test::Fingerprint* BadInputs::before_ = nullptr;

// The one line the CLI prints for a case, checked field by field.
void expect_one_line_error(const test::ProcessResult& result, const std::string& file, const BadInput& bad) {
    EXPECT_EQ(result.status, 1) << result.err.substr(0, 500);
    EXPECT_TRUE(test::printable_utf8(result.err)) << "stderr is not printable UTF-8: " << result.err.substr(0, 500);
    auto lines = test::lines_of(result.err);
    ASSERT_EQ(lines.size(), 1u) << "expected one line, got:\n" << result.err.substr(0, 2000);
    const std::string& line = lines[0];
    EXPECT_LT(line.size(), 1200u) << "an error line echoes too much of the input";
    std::string where = file + (bad.line ? ":" + std::to_string(bad.line) : std::string()) + ": ";
    if (!bad.field.empty()) where += bad.field + ": ";
    EXPECT_EQ(line.rfind(where, 0), 0u) << "expected a line starting with \"" << where << "\", got: " << line;
    EXPECT_NE(line.find(bad.message), std::string::npos) << "expected \"" << bad.message << "\" in: " << line;
}

TEST_P(BadInputs, OneLineErrorAndIndexUnchanged) {
    const BadInput& bad = GetParam();
    std::string file = dir_->str(bad.name + ".jsonl");
    test::write_file(file, bad.content);
    auto result = test::run_process({test::bin("aides-index"), "--db", db(), "--input", file, "--quiet"});
    expect_one_line_error(result, file, bad);
    EXPECT_EQ(test::fingerprint(db()), *before_) << "a rejected input changed the index";
    // Without --quiet the same line comes first, then the summary says nothing was written.
    auto verbose = test::run_process({test::bin("aides-index"), "--db", db(), "--input", file});
    EXPECT_EQ(verbose.status, 1);
    EXPECT_NE(verbose.err.find("nothing written"), std::string::npos) << verbose.err.substr(0, 1000);
    EXPECT_EQ(test::fingerprint(db()), *before_);
}

INSTANTIATE_TEST_SUITE_P(Reliability, BadInputs, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<BadInput>& info) { return info.param.name; });

TEST_F(BadInputs, DirectoryGivenAsAFile) {
    auto result = test::run_process({test::bin("aides-index"), "--db", db(), "--input", dir_->str(), "-q"});
    expect_one_line_error(result, dir_->str(), BadInput{"directory", "", 0, "", "is a directory"});
    EXPECT_EQ(test::fingerprint(db()), *before_);
}

TEST_F(BadInputs, MissingFile) {
    auto result = test::run_process({test::bin("aides-index"), "--db", db(), "--input", dir_->str("absent.jsonl"), "-q"});
    expect_one_line_error(result, dir_->str("absent.jsonl"), BadInput{"missing", "", 0, "", "cannot open"});
    EXPECT_EQ(test::fingerprint(db()), *before_);
}

TEST_F(BadInputs, OneBadFileAmongGoodOnesWritesNothing) {
    test::write_file(dir_->str("good.jsonl"), test::generated_records(500, 100, "new"));
    test::write_file(dir_->str("bad.jsonl"), good + with("\"loan_amount\": -5"));
    auto result = test::run_process({test::bin("aides-index"), "--db", db(), "--input", dir_->str("good.jsonl"),
                                     "--input", dir_->str("bad.jsonl"), "-q"});
    EXPECT_EQ(result.status, 1);
    EXPECT_EQ(test::fingerprint(db()), *before_);
}

TEST_F(BadInputs, EveryBadRecordOfAFileIsReportedOnItsOwnLine) {
    // After one good record, so that the file reads as JSON Lines whatever comes next.
    std::string content = good, file = dir_->str("all.jsonl");
    std::size_t bad_lines = 0;
    for (const auto& bad : cases()) {
        if (bad.line != 2 || bad.content.rfind(good, 0) != 0 || bad.content.find('\0') != std::string::npos) continue;
        content += bad.content.substr(good.size()) + "\n";
        ++bad_lines;
    }
    test::write_file(file, content);
    auto result = test::run_process({test::bin("aides-index"), "--db", db(), "--input", file, "-q"});
    EXPECT_EQ(result.status, 1);
    EXPECT_TRUE(test::printable_utf8(result.err));
    auto lines = test::lines_of(result.err);
    EXPECT_EQ(lines.size(), bad_lines);
    for (std::size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(lines[i].rfind(file + ":", 0), 0u) << lines[i].substr(0, 300);
    EXPECT_EQ(test::fingerprint(db()), *before_);
    std::cout << "[ figures  ] " << cases().size() + 2 << " bad inputs, each refused with one line; " << bad_lines
              << " bad records in one file gave " << lines.size() << " lines" << std::endl;
}

TEST_F(BadInputs, ToleratedOddities) {
    // A BOM, CRLF ends, blank lines and integer ids are no errors.
    std::string file = dir_->str("odd.jsonl");
    test::write_file(file, "\xEF\xBB\xBF{\"id\": 900001, \"name\": \"Aide BOM\"}\r\n\r\n{\"id\": \"900002\", \"name\": \"Aide CRLF\"}\r\n");
    auto result = test::run_process({test::bin("aides-index"), "--db", db(), "--input", file, "--check"});
    EXPECT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.err.find("2 read, 2 valid, 0 rejected"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace aides
