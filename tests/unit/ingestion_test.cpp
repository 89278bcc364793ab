// Reading records: shapes of input files, field validation, line numbers.
#include "test_support.hpp"

namespace aides {
namespace {

using test::TempDir;

TEST(Ingestion, ReadsJsonLinesArrayAndApiPageAlike) {
    TempDir dir;
    test::write_file(dir.str("a.jsonl"), "{\"id\": 1, \"name\": \"Un\"}\n\n{\"id\": \"2\", \"name\": \"Deux\"}\n");
    test::write_file(dir.str("b.json"), "[\n  {\"id\": 1, \"name\": \"Un\"},\n  {\"id\": \"2\",\n   \"name\": \"Deux\"}\n]\n");
    test::write_file(dir.str("c.json"),
                     "{\"count\": 2, \"next\": null, \"previous\": null,\n \"results\": [\n{\"id\": 1, \"name\": \"Un\"},\n{\"id\": \"2\", \"name\": \"Deux\"}]}");
    for (const char* name : {"a.jsonl", "b.json", "c.json"}) {
        std::vector<RecordIssue> issues;
        auto records = read_records(dir.str(name), InputFormat::automatic, issues);
        ASSERT_TRUE(issues.empty()) << name << ": " << issues.front().to_string();
        ASSERT_EQ(records.size(), 2u) << name;
        EXPECT_EQ(records[0].aid.id, "1") << name;  // integer ids become strings
        EXPECT_EQ(records[1].aid.name, "Deux") << name;
    }
    std::vector<RecordIssue> issues;
    auto lines = read_records(dir.str("a.jsonl"), InputFormat::automatic, issues);
    EXPECT_EQ(lines[1].line, 3u);
    auto array = read_records(dir.str("b.json"), InputFormat::automatic, issues);
    EXPECT_EQ(array[0].line, 2u);
    EXPECT_EQ(array[1].line, 3u);
}

struct BadRecord {
    const char* json;
    const char* field;
    const char* message_part;
};

class IngestionRejects : public ::testing::TestWithParam<BadRecord> {};

TEST_P(IngestionRejects, NamesTheFieldAndTheLine) {
    TempDir dir;
    const BadRecord& bad = GetParam();
    test::write_file(dir.str("in.jsonl"), std::string("{\"id\": \"ok\", \"name\": \"Bon\"}\n") + bad.json + "\n");
    std::vector<RecordIssue> issues;
    auto records = read_records(dir.str("in.jsonl"), InputFormat::jsonl, issues);
    ASSERT_EQ(records.size(), 1u);
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].line, 2u);
    EXPECT_EQ(issues[0].field, bad.field);
    EXPECT_NE(issues[0].to_string().find(bad.message_part), std::string::npos) << issues[0].to_string();
    EXPECT_EQ(issues[0].to_string().rfind(dir.str("in.jsonl") + ":2: ", 0), 0u) << issues[0].to_string();
}

INSTANTIATE_TEST_SUITE_P(
    BadRecords, IngestionRejects,
    ::testing::Values(BadRecord{"{\"name\": \"Sans id\"}", "id", "missing"},
                      BadRecord{"{\"id\": \"x\"}", "name", "missing"},
                      BadRecord{"{\"id\": \"x\", \"name\": \"\"}", "name", "missing"},
                      BadRecord{"{\"id\": true, \"name\": \"a\"}", "id", "expected a string or an integer"},
                      BadRecord{"{\"id\": \"x\", \"name\": 3}", "name", "expected a string"},
                      BadRecord{"{\"id\": \"x\", \"name\": \"a\", \"aid_types\": [\"gift\"]}", "aid_types", "gift"},
                      BadRecord{"{\"id\": \"x\", \"name\": \"a\", \"targeted_audiences\": \"commune\"}", "targeted_audiences", "expected an array"},
                      BadRecord{"{\"id\": \"x\", \"name\": \"a\", \"submission_deadline\": \"2026-02-30\"}", "submission_deadline", "2026-02-30"},
                      BadRecord{"{\"id\": \"x\", \"name\": \"a\", \"submission_deadline\": \"31/12/2026\"}", "submission_deadline", "31/12/2026"},
                      BadRecord{"{\"id\": \"x\", \"name\": \"a\", \"subvention_rate_upper_bound\": 120}", "subvention_rate_upper_bound", "120"},
                      BadRecord{"{\"id\": \"x\", \"name\": \"a\", \"loan_amount\": -5}", "loan_amount", "-5"},
                      BadRecord{"{\"id\": \"x\", \"name\": \"a\", \"is_charged\": \"non\"}", "is_charged", "expected a boolean"},
                      BadRecord{"{\"id\": \"x\", \"name\": \"a\", \"recurrence\": \"sometimes\"}", "recurrence", "sometimes"},
                      BadRecord{"{\"id\": \"x\", \"name\": \"a\", \"status\": \"secret\"}", "status", "secret"},
                      BadRecord{"{\"id\": \"x\", \"name\": \"a\"", "name", "malformed JSON"},  // broken after "name"
                      BadRecord{"[1, 2]", "", "expected a JSON object"}),
    [](const ::testing::TestParamInfo<BadRecord>& info) {
        std::string field = *info.param.field ? info.param.field : "record";
        return std::to_string(info.index) + "_" + field;
    });

TEST(Ingestion, AcceptsFrenchLabelsAndDashSpellings) {
    Aid aid = parse_aid(R"({"id": 7, "name": "Aide", "targeted_audiences": ["Communes", "intercommunalités / pays"],
        "aid_types": ["Subvention", "recoverable-advance", "Ingénierie technique"], "recurrence": "Permanente",
        "destinations": ["Dépenses d'investissement"], "mobilization_steps": ["Mise en œuvre / réalisation"]})");
    EXPECT_EQ(aid.targeted_audiences, (std::vector<std::string>{"commune", "epci"}));
    EXPECT_EQ(aid.aid_types, (std::vector<std::string>{"grant", "recoverable_advance", "technical_engineering"}));
    EXPECT_EQ(aid.recurrence, "ongoing");
    EXPECT_EQ(aid.destinations, std::vector<std::string>{"investment"});
    EXPECT_EQ(aid.mobilization_steps, std::vector<std::string>{"op"});
}

TEST(Ingestion, JsonRoundTripKeepsEveryField) {
    for (const auto& record : test::read_jsonl(test::corpus("aides.jsonl"))) {
        Aid aid = parse_aid(record.dump());
        EXPECT_EQ(parse_aid(to_json(aid)), aid) << aid.id;
    }
}

TEST(Ingestion, BadFilesAreReportedNotThrown) {
    TempDir dir;
    test::write_file(dir.str("empty.jsonl"), "\n  \n");
    std::vector<RecordIssue> issues;
    EXPECT_TRUE(read_records(dir.str("empty.jsonl"), InputFormat::automatic, issues).empty());
    EXPECT_TRUE(read_records(dir.str("missing.jsonl"), InputFormat::automatic, issues).empty());
    EXPECT_TRUE(read_records(dir.str(), InputFormat::automatic, issues).empty());
    ASSERT_EQ(issues.size(), 3u);
    EXPECT_NE(issues[0].message.find("empty"), std::string::npos);
    EXPECT_NE(issues[1].message.find("cannot open"), std::string::npos);
    EXPECT_NE(issues[2].message.find("directory"), std::string::npos);
}

// Found by fuzz_reader_at_csv: a BOM followed by blanks read past the line's end.
TEST(Ingestion, ABomBeforeBlanksIsAnEmptyInputInEveryFormat) {
    TempDir dir;
    for (const char* content : {"\xEF\xBB\xBF", "\xEF\xBB\xBF\t\t\t", "\xEF\xBB\xBF \r\n\t\n"}) {
        test::write_file(dir.str("bom.txt"), content);
        for (InputFormat format : {InputFormat::automatic, InputFormat::jsonl, InputFormat::json, InputFormat::at_api, InputFormat::at_csv}) {
            std::vector<RecordIssue> issues;
            EXPECT_TRUE(read_records(dir.str("bom.txt"), format, issues).empty());
            ASSERT_EQ(issues.size(), 1u);
            EXPECT_TRUE(issues[0].whole_file);
            EXPECT_NE(issues[0].message.find("empty input"), std::string::npos) << issues[0].message;
        }
    }
}

TEST(Ingestion, BadRecordCommitsNothingUnlessSkipInvalid) {
    TempDir dir;
    test::write_file(dir.str("in.jsonl"),
                     "{\"id\": \"a\", \"name\": \"Aide A\"}\n{\"id\": \"b\", \"name\": \"Aide B\", \"perimeter\": \"galaxy:1\"}\n"
                     "{\"id\": \"c\", \"name\": \"Aide C\", \"categories\": [\"pas-une-categorie\"]}\n");
    IndexOptions options;
    options.geography_path = test::geography_file();
    {
        Index index = Index::open(dir.str("db"), options);
        EXPECT_TRUE(index.created());
        IngestReport report = index.ingest({dir.str("in.jsonl")});
        EXPECT_FALSE(report.committed);
        ASSERT_EQ(report.errors.size(), 2u);
        EXPECT_EQ(report.errors[0].field, "perimeter");
        EXPECT_EQ(report.errors[1].field, "categories");
        EXPECT_EQ(index.size(), 0u);
    }
    {
        Index index = Index::open(dir.str("db"), options);
        EXPECT_TRUE(index.created()) << "the first run committed nothing: the index is still new";
        IngestOptions skip;
        skip.skip_invalid = true;
        IngestReport report = index.ingest({dir.str("in.jsonl")}, skip);
        EXPECT_TRUE(report.committed);
        EXPECT_EQ(report.indexed, 1u);
        EXPECT_EQ(index.ids(), std::vector<std::string>{"a"});
    }
    EXPECT_FALSE(Index::open(dir.str("db"), options).created());
}

TEST(Ingestion, ReindexingAnIdReplacesTheAid) {
    TempDir dir;
    test::write_file(dir.str("v1.jsonl"), "{\"id\": 5, \"name\": \"Ancien nom\"}\n{\"id\": 6, \"name\": \"Autre\"}\n");
    test::write_file(dir.str("v2.jsonl"), "{\"id\": \"5\", \"name\": \"Nouveau nom\"}\n");
    test::build_index(dir.str("db"), {dir.str("v1.jsonl")});
    test::build_index(dir.str("db"), {dir.str("v2.jsonl")});
    Searcher searcher(dir.str("db"));
    EXPECT_EQ(searcher.size(), 2u);
    EXPECT_EQ(searcher.get("5")->name, "Nouveau nom");
    SearchRequest request;
    request.text = "ancien";
    EXPECT_EQ(test::search(searcher, request).count, 0u);
    request.text = "nouveau";
    EXPECT_EQ(test::ids(test::search(searcher, request)), std::vector<std::string>{"5"});
}

TEST(Ingestion, DuplicateIdInOneRunIsRejected) {
    TempDir dir;
    test::write_file(dir.str("in.jsonl"), "{\"id\": 1, \"name\": \"A\"}\n{\"id\": \"1\", \"name\": \"B\"}\n");
    IndexOptions options;
    options.geography_path = test::geography_file();
    Index index = Index::open(dir.str("db"), options);
    IngestReport report = index.ingest({dir.str("in.jsonl")});
    ASSERT_EQ(report.errors.size(), 1u);
    EXPECT_EQ(report.errors[0].line, 2u);
    EXPECT_NE(report.errors[0].message.find("duplicate id"), std::string::npos);
}

}  // namespace
}  // namespace aides
