// corpus/aid.schema.json against the sample catalogue and the generator's output, with a small
// JSON Schema validator written here (the keywords the schema uses, and no silent others).
#include "test_support.hpp"

#include <filesystem>
#include <regex>
#include <set>

namespace aides {
namespace {

using nlohmann::json;

class SchemaValidator {
  public:
    explicit SchemaValidator(json schema) : root_(std::move(schema)) {}

    /** Errors of `instance`, each `path: what`; empty when it conforms. */
    std::vector<std::string> validate(const json& instance) const {
        std::vector<std::string> errors;
        check(root_, instance, "$", errors);
        return errors;
    }

    /** Keywords this validator understands; any other in a schema is a test failure. */
    static const std::set<std::string>& keywords() {
        static const std::set<std::string> known = {
            "$schema", "$id", "$defs", "$ref", "title", "description", "default", "type", "enum", "required",
            "properties", "additionalProperties", "items", "pattern", "minLength", "maxLength", "minimum",
            "maximum", "minItems", "uniqueItems"};
        return known;
    }

  private:
    static bool has_type(const json& value, const std::string& type) {
        if (type == "string") return value.is_string();
        if (type == "integer") return value.is_number_integer() || (value.is_number_float() && value.get<double>() == static_cast<double>(static_cast<long long>(value.get<double>())));
        if (type == "number") return value.is_number();
        if (type == "boolean") return value.is_boolean();
        if (type == "null") return value.is_null();
        if (type == "array") return value.is_array();
        if (type == "object") return value.is_object();
        ADD_FAILURE() << "unknown type " << type;
        return false;
    }

    static std::size_t code_points(const std::string& text) {
        std::size_t n = 0;
        for (unsigned char c : text) n += (c & 0xC0) != 0x80;
        return n;
    }

    const json& resolve(const std::string& ref) const {
        // Local references only: #/$defs/name.
        const std::string prefix = "#/$defs/";
        EXPECT_EQ(ref.rfind(prefix, 0), 0u) << ref;
        return root_.at("$defs").at(ref.substr(prefix.size()));
    }

    void check(const json& schema, const json& value, const std::string& path, std::vector<std::string>& errors) const {
        if (schema.contains("$ref")) check(resolve(schema["$ref"]), value, path, errors);
        if (schema.contains("type")) {
            std::vector<std::string> types;
            if (schema["type"].is_string()) types.push_back(schema["type"]);
            else for (const auto& t : schema["type"]) types.push_back(t);
            bool any = false;
            for (const auto& t : types) any = any || has_type(value, t);
            if (!any) {
                errors.push_back(path + ": expected " + schema["type"].dump() + ", got " + value.type_name());
                return;
            }
        }
        if (schema.contains("enum")) {
            bool found = false;
            for (const auto& allowed : schema["enum"]) found = found || allowed == value;
            if (!found) errors.push_back(path + ": " + value.dump() + " not in " + schema["enum"].dump());
        }
        if (value.is_string()) {
            const std::string& text = value.get_ref<const std::string&>();
            if (schema.contains("minLength") && code_points(text) < schema["minLength"].get<std::size_t>())
                errors.push_back(path + ": shorter than " + schema["minLength"].dump());
            if (schema.contains("maxLength") && code_points(text) > schema["maxLength"].get<std::size_t>())
                errors.push_back(path + ": longer than " + schema["maxLength"].dump());
            if (schema.contains("pattern") && !std::regex_search(text, std::regex(schema["pattern"].get<std::string>())))
                errors.push_back(path + ": \"" + text + "\" does not match " + schema["pattern"].get<std::string>());
        }
        if (value.is_number()) {
            if (schema.contains("minimum") && value.get<double>() < schema["minimum"].get<double>())
                errors.push_back(path + ": below " + schema["minimum"].dump());
            if (schema.contains("maximum") && value.get<double>() > schema["maximum"].get<double>())
                errors.push_back(path + ": above " + schema["maximum"].dump());
        }
        if (value.is_array()) {
            if (schema.contains("minItems") && value.size() < schema["minItems"].get<std::size_t>())
                errors.push_back(path + ": fewer than " + schema["minItems"].dump() + " items");
            if (schema.value("uniqueItems", false)) {
                std::set<std::string> seen;
                for (const auto& item : value)
                    if (!seen.insert(item.dump()).second) errors.push_back(path + ": duplicate item " + item.dump());
            }
            if (schema.contains("items"))
                for (std::size_t i = 0; i < value.size(); ++i)
                    check(schema["items"], value[i], path + "[" + std::to_string(i) + "]", errors);
        }
        if (value.is_object()) {
            if (schema.contains("required"))
                for (const auto& field : schema["required"])
                    if (!value.contains(field.get<std::string>())) errors.push_back(path + "." + field.get<std::string>() + ": missing");
            for (const auto& [key, item] : value.items()) {
                if (schema.contains("properties") && schema["properties"].contains(key)) {
                    check(schema["properties"][key], item, path + "." + key, errors);
                } else if (schema.contains("additionalProperties")) {
                    const json& extra = schema["additionalProperties"];
                    if (extra.is_boolean() && !extra.get<bool>()) errors.push_back(path + "." + key + ": not allowed");
                    else if (extra.is_object()) check(extra, item, path + "." + key, errors);
                }
            }
        }
    }

    json root_;
};

const json& schema() {
    static const json loaded = json::parse(test::read_file(test::corpus("aid.schema.json")));
    return loaded;
}

// Every keyword of every subschema, so that none is silently ignored.
void collect_keywords(const json& node, std::set<std::string>& out, bool is_schema = true) {
    if (!node.is_object()) return;
    for (const auto& [key, value] : node.items()) {
        if (is_schema) out.insert(key);
        if (key == "properties" || key == "$defs") {
            for (const auto& [name, sub] : value.items()) collect_keywords(sub, out, true);
        } else if (key == "items" || key == "additionalProperties") {
            collect_keywords(value, out, true);
        }
    }
}

TEST(Schema, UsesOnlyKeywordsTheValidatorChecks) {
    std::set<std::string> used;
    collect_keywords(schema(), used);
    for (const auto& keyword : used) EXPECT_TRUE(SchemaValidator::keywords().count(keyword)) << keyword;
}

TEST(Schema, SampleCatalogueConforms) {
    SchemaValidator validator(schema());
    auto records = test::read_jsonl(test::corpus("aides.jsonl"));
    ASSERT_GE(records.size(), 150u);
    std::set<std::string> ids;
    for (const auto& record : records) {
        for (const auto& error : validator.validate(record)) ADD_FAILURE() << record.value("id", json()).dump() << ": " << error;
        EXPECT_TRUE(ids.insert(record["id"].dump()).second) << "duplicate id " << record["id"];
    }
}

TEST(Schema, ValidatorRejectsWhatTheSchemaForbids) {
    SchemaValidator validator(schema());
    const json base = test::read_jsonl(test::corpus("aides.jsonl")).front();
    ASSERT_TRUE(validator.validate(base).empty());
    struct Mutation {
        const char* field;
        json value;  // null with erase = true removes the field
        bool erase;
    };
    const Mutation mutations[] = {
        {"name", nullptr, true},
        {"id", true, false},
        {"name", "", false},
        {"aid_types", json::array({"gift"}), false},
        {"targeted_audiences", "commune", false},
        {"submission_deadline", "31/12/2026", false},
        {"start_date", "2026-13-01", false},
        {"subvention_rate_upper_bound", 120, false},
        {"loan_amount", -5, false},
        {"perimeter", "galaxy:1", false},
        {"recurrence", "sometimes", false},
        {"status", "secret", false},
        {"is_charged", "non", false},
        {"date_published", "hier", false},
    };
    for (const auto& mutation : mutations) {
        json record = base;
        if (mutation.erase) record.erase(mutation.field);
        else record[mutation.field] = mutation.value;
        auto errors = validator.validate(record);
        ASSERT_FALSE(errors.empty()) << mutation.field << " = " << mutation.value;
        EXPECT_NE(errors.front().find(std::string("$.") + mutation.field), std::string::npos) << errors.front();
    }
}

TEST(Schema, EnumerationsAreTheLibrarysMachineValues) {
    // Each enumerated value of the schema is accepted by the library as it is, and a value
    // outside the schema is refused: the schema and the reader agree.
    const json& properties = schema()["properties"];
    for (const char* field : {"targeted_audiences", "aid_types", "mobilization_steps", "destinations"}) {
        const json& values = properties[field]["items"]["enum"];
        ASSERT_FALSE(values.empty()) << field;
        for (const auto& value : values) {
            json record = {{"id", "x"}, {"name", "Aide"}, {field, json::array({value})}};
            Aid aid = parse_aid(record.dump());
            std::vector<std::string> got = field == std::string("targeted_audiences") ? aid.targeted_audiences
                                          : field == std::string("aid_types")        ? aid.aid_types
                                          : field == std::string("mobilization_steps") ? aid.mobilization_steps
                                                                                       : aid.destinations;
            EXPECT_EQ(got, std::vector<std::string>{value.get<std::string>()}) << field;
        }
        json bad = {{"id", "x"}, {"name", "Aide"}, {field, json::array({"not-a-value"})}};
        EXPECT_THROW(parse_aid(bad.dump()), DataError) << field;
    }
    for (const auto& value : properties["recurrence"]["enum"])
        EXPECT_EQ(parse_aid(json{{"id", "x"}, {"name", "A"}, {"recurrence", value}}.dump()).recurrence, value.get<std::string>());
    for (const auto& value : properties["status"]["enum"])
        EXPECT_EQ(parse_aid(json{{"id", "x"}, {"name", "A"}, {"status", value}}.dump()).status, value.get<std::string>());
}

// scripts/generate-catalogue.py: deterministic, schema-conforming, and indexable without error.
test::CommandResult generate(const std::string& out, int count, int seed) {
    return test::run_command({"/usr/bin/python3", test::source("scripts/generate-catalogue.py"), "--count", std::to_string(count), "--seed",
                              std::to_string(seed), "--out", out, "--geography", test::geography_file()});
}

TEST(Schema, GeneratedCatalogueConformsAndIndexes) {
    if (!std::filesystem::exists("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
    if (!std::filesystem::exists(test::geography_file())) GTEST_SKIP() << "no geography (make geography)";
    test::TempDir dir;
    auto first = generate(dir.str("a.jsonl"), 2000, 3);
    ASSERT_EQ(first.status, 0) << first.err;
    auto again = generate(dir.str("b.jsonl"), 2000, 3);
    ASSERT_EQ(again.status, 0) << again.err;
    auto other = generate(dir.str("c.jsonl"), 2000, 4);
    ASSERT_EQ(other.status, 0) << other.err;
    std::string text = test::read_file(dir.str("a.jsonl"));
    EXPECT_EQ(text, test::read_file(dir.str("b.jsonl"))) << "the same seed must give the same bytes";
    EXPECT_NE(text, test::read_file(dir.str("c.jsonl")));

    SchemaValidator validator(schema());
    auto records = test::read_jsonl(dir.str("a.jsonl"));
    ASSERT_EQ(records.size(), 2000u);
    std::set<std::string> scales, statuses;
    std::size_t variants = 0;
    for (const auto& record : records) {
        for (const auto& error : validator.validate(record)) ADD_FAILURE() << record["id"] << ": " << error;
        scales.insert(record["perimeter"].get<std::string>().substr(0, record["perimeter"].get<std::string>().find(':')));
        statuses.insert(record["status"].get<std::string>());
        variants += record.contains("generic_aid");
    }
    // The distributions reach every scale, the unpublished statuses and a few local variants.
    EXPECT_EQ(scales, (std::set<std::string>{"commune", "epci", "department", "region", "mainland", "overseas", "country", "continent"}));
    EXPECT_TRUE(statuses.count("published") && statuses.size() >= 3);
    EXPECT_GE(variants, 1u);

    IndexOptions options;
    options.geography_path = test::geography_file();
    Index index = Index::open(dir.str("db"), options);
    IngestReport report = index.ingest({dir.str("a.jsonl")});
    for (const auto& issue : report.errors) ADD_FAILURE() << issue.to_string();
    for (const auto& issue : report.warnings) ADD_FAILURE() << issue.to_string();
    EXPECT_TRUE(report.committed);
    EXPECT_EQ(index.size(), 2000u);
}

}  // namespace
}  // namespace aides
