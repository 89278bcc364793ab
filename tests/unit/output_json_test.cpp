// The library's JSON (to_json of an aid, a hit, a response) is written without a DOM
// (io/json_writer.hpp). The oracle here is what it replaced: the same members put into
// nlohmann's ordered_json and dumped, kept in this test only. Both must agree byte for byte on
// every aid of the corpus and of a generated catalogue, on real search responses, and on
// hostile strings (escapes, control characters, invalid UTF-8).
#include "test_support.hpp"

#include <aides/errors.hpp>

#include <cmath>
#include <filesystem>
#include <random>

#include "io/json_writer.hpp"

namespace aides {
namespace {

using ojson = nlohmann::ordered_json;

std::string dumped(const ojson& value) { return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// ---- the oracle: the DOM implementation as it stood before the writer ----

ojson oracle_aid(const Aid& aid) {
    ojson out;
    auto text = [&](const char* field, const std::string& value) {
        if (!value.empty()) out[field] = value;
    };
    auto list = [&](const char* field, const std::vector<std::string>& value) {
        if (!value.empty()) out[field] = value;
    };
    auto optional = [&](const char* field, const auto& value) {
        if (value) out[field] = *value;
    };
    out["id"] = aid.id;
    text("slug", aid.slug);
    text("url", aid.url);
    out["name"] = aid.name;
    text("name_initial", aid.name_initial);
    text("short_title", aid.short_title);
    text("description", aid.description);
    text("eligibility", aid.eligibility);
    text("project_examples", aid.project_examples);
    list("financers", aid.financers);
    list("instructors", aid.instructors);
    list("programs", aid.programs);
    list("categories", aid.categories);
    list("targeted_audiences", aid.targeted_audiences);
    list("aid_types", aid.aid_types);
    list("mobilization_steps", aid.mobilization_steps);
    list("destinations", aid.destinations);
    text("recurrence", aid.recurrence);
    out["is_call_for_project"] = aid.is_call_for_project;
    out["is_charged"] = aid.is_charged;
    out["perimeter"] = aid.perimeter;
    optional("start_date", aid.start_date);
    optional("predeposit_date", aid.predeposit_date);
    out["submission_deadline"] = aid.submission_deadline ? ojson(*aid.submission_deadline) : nullptr;
    optional("subvention_rate_lower_bound", aid.subvention_rate_lower_bound);
    optional("subvention_rate_upper_bound", aid.subvention_rate_upper_bound);
    optional("loan_amount", aid.loan_amount);
    optional("recoverable_advance_amount", aid.recoverable_advance_amount);
    text("date_published", aid.date_published);
    text("date_updated", aid.date_updated);
    out["status"] = aid.status;
    optional("generic_aid", aid.generic_aid);
    return out;
}

ojson oracle_hit(const SearchHit& hit) {
    ojson aid = oracle_aid(hit.aid);
    ojson out;
    out["id"] = aid["id"];
    if (aid.contains("slug")) out["slug"] = aid["slug"];
    out["name"] = aid["name"];
    out["score"] = std::round(hit.score * 1000.0) / 1000.0;
    out["perimeter"] = aid["perimeter"];
    if (!hit.perimeter_name.empty()) out["perimeter_name"] = hit.perimeter_name;
    out["submission_deadline"] = aid["submission_deadline"];
    for (auto& [key, value] : aid.items())
        if (!out.contains(key)) out[key] = std::move(value);
    out["snippet"] = hit.snippet;
    if (hit.partial) {
        out["partial"] = true;
        out["missing"] = hit.missing;
    }
    if (hit.why) {
        ojson why;
        why["perimeter"] = hit.why->perimeter;
        why["filters"] = hit.why->filters;
        why["matched"] = ojson::object();
        for (const auto& [field, words] : hit.why->matched) why["matched"][field] = words;
        out["why"] = std::move(why);
    }
    return out;
}

ojson oracle_response(const SearchResponse& response) {
    ojson out;
    out["count"] = response.count;
    if (response.partial_count > 0) out["partial_count"] = response.partial_count;
    out["page"] = response.page;
    out["size"] = response.size;
    if (response.commune) {
        ojson commune;
        commune["code"] = response.commune->code;
        commune["name"] = response.commune->name;
        commune["department"] = {{"code", response.commune->department.code}, {"name", response.commune->department.name}};
        if (!response.commune->note.empty()) commune["note"] = response.commune->note;
        out["commune"] = std::move(commune);
    }
    out["results"] = ojson::array();
    for (const auto& hit : response.results) out["results"].push_back(oracle_hit(hit));
    if (response.facets) {
        ojson facets = ojson::object();
        for (const auto& [name, counts] : *response.facets) {
            facets[name] = ojson::object();
            for (const auto& [value, count] : counts) facets[name][value] = count;
        }
        out["facets"] = std::move(facets);
    }
    out["suggestion"] = response.suggestion ? ojson(*response.suggestion) : nullptr;
    out["relaxed"] = response.relaxed;
    out["missing"] = response.missing;
    out["ignored"] = response.ignored;
    if (!response.warnings.empty()) out["warnings"] = response.warnings;
    if (response.execution) {
        ojson explain;
        explain["executor"] = to_string(response.execution->used);
        explain["requested"] = to_string(response.execution->requested);
        if (!response.execution->fallback.empty()) explain["fallback"] = response.execution->fallback;
        out["explain"] = std::move(explain);
    }
    return out;
}

// ---- inputs ----

std::string escaped(std::string_view text) {
    std::string out;
    json_io::append_string(out, text);
    return out;
}

std::string utf8(char32_t c) {
    std::string out;
    if (c < 0x80) out += static_cast<char>(c);
    else if (c < 0x800) out += {static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))};
    else if (c < 0x10000)
        out += {static_cast<char>(0xE0 | (c >> 12)), static_cast<char>(0x80 | ((c >> 6) & 0x3F)), static_cast<char>(0x80 | (c & 0x3F))};
    else
        out += {static_cast<char>(0xF0 | (c >> 18)), static_cast<char>(0x80 | ((c >> 12) & 0x3F)),
                static_cast<char>(0x80 | ((c >> 6) & 0x3F)), static_cast<char>(0x80 | (c & 0x3F))};
    return out;
}

// Strings a record or a query may carry in the worst case.
std::vector<std::string> hostile_strings() {
    std::vector<std::string> out = {
        "",
        "plain ASCII",
        "\"quoted\" and \\back\\slashed\\",
        "/ slash, ' apostrophe, <b>&amp;</b>",
        "Rénovation « énergétique » — 100 % 🏫",
        "\x7f delete",
        "line\u2028separator\u2029paragraph",
        "\xEF\xBB\xBF BOM",
        "\xC3",                  // cut two-byte sequence at the end
        "\xE2\x82",              // cut three-byte sequence at the end
        "a\xE2\x82" "b",         // broken by an ASCII byte, read again
        "\xE2\xFF",              // broken by a byte that starts nothing
        "\xC0\xAF",              // overlong '/'
        "\xE0\x80\xAF",          // overlong, three bytes
        "\xED\xA0\x80",          // a surrogate
        "\xF4\x90\x80\x80",      // past U+10FFFF
        "\xF5\x80",              // no such lead byte
        "\x80\xBF continuation bytes alone",
        "\xF0\x9F\x8F",          // cut four-byte sequence
        "\xF0\x9F\x8F\xAB\xF0",  // a whole one then a cut one
        std::string("nul \0 inside", 12),
    };
    std::string controls;
    for (int c = 0; c < 0x20; ++c) controls += static_cast<char>(c);
    out.push_back(controls);
    return out;
}

Aid hostile_aid(const std::string& s, int variant) {
    Aid aid;
    aid.id = s.empty() ? "id" : s;
    aid.slug = variant % 2 ? s : "";
    aid.url = s;
    aid.name = s + "name";
    aid.name_initial = s;
    aid.short_title = variant % 3 ? s : "";
    aid.description = "<p>" + s + "</p>";
    aid.eligibility = s;
    aid.project_examples = s;
    aid.financers = {s, "Région " + s};
    aid.instructors = variant % 2 ? std::vector<std::string>{} : std::vector<std::string>{s};
    aid.programs = {s};
    aid.categories = {};
    aid.targeted_audiences = {"commune"};
    aid.aid_types = {s};
    aid.recurrence = s;
    aid.is_call_for_project = variant % 2;
    aid.is_charged = variant % 3 == 0;
    aid.perimeter = s;
    if (variant % 2) aid.start_date = s;
    if (variant % 3) aid.predeposit_date = s;
    if (variant % 4) aid.submission_deadline = s;
    if (variant % 2) aid.subvention_rate_lower_bound = -variant;
    if (variant % 3) aid.subvention_rate_upper_bound = 100;
    if (variant % 5) aid.loan_amount = 1'000'000'000'000LL * variant;
    if (variant % 2) aid.recoverable_advance_amount = 0;
    aid.date_published = s;
    aid.date_updated = variant % 2 ? s : "";
    aid.status = s;
    if (variant % 3 == 1) aid.generic_aid = s;
    return aid;
}

// A hit of `aid` with every optional part set or not, by `variant`.
SearchHit hit_of(const Aid& aid, int variant, const std::string& s = "mot") {
    SearchHit hit;
    hit.aid = aid;
    hit.score = variant % 7 == 0 ? 0.0 : 1.0 / (1 + variant % 13);
    hit.perimeter_name = variant % 3 ? "Finistère " + s : "";
    hit.snippet = variant % 4 ? "… la <mark>" + s + "</mark> …" : "";
    hit.partial = variant % 2;
    if (hit.partial) hit.missing = variant % 4 == 1 ? std::vector<std::string>{} : std::vector<std::string>{s, "vélo"};
    if (variant % 5 == 0) {
        Explanation why;
        why.perimeter = "department:29 via commune " + s;
        why.filters = variant % 10 ? std::vector<std::string>{"audience:commune", s} : std::vector<std::string>{};
        if (variant % 3) why.matched = {{"name", {s}}, {"description", {}}, {s, {"a", "b"}}};
        hit.why = why;
    }
    return hit;
}

void expect_aid_and_hits_as_oracle(const Aid& aid, int variant) {
    EXPECT_EQ(to_json(aid), dumped(oracle_aid(aid))) << aid.id;
    for (int v : {variant, variant + 1, variant + 5}) {
        SearchHit hit = hit_of(aid, v);
        EXPECT_EQ(to_json(hit), dumped(oracle_hit(hit))) << aid.id << " variant " << v;
    }
}

// ---- tests ----

TEST(OutputJson, HostileStringsEscapeAsNlohmann) {
    for (const auto& s : hostile_strings()) EXPECT_EQ(escaped(s), dumped(ojson(s))) << testing::PrintToString(s);
}

TEST(OutputJson, EveryByteAndEveryPairOfBytesAsNlohmann) {
    for (int a = 0; a < 256; ++a) {
        std::string one(1, static_cast<char>(a));
        ASSERT_EQ(escaped(one), dumped(ojson(one))) << "byte " << a;
        for (int b = 0; b < 256; ++b) {
            std::string two = one + static_cast<char>(b);
            ASSERT_EQ(escaped(two), dumped(ojson(two))) << "bytes " << a << " " << b;
        }
    }
}

TEST(OutputJson, EveryByteAtEveryPlaceOfAPlainRunAsNlohmann) {
    // Runs of plain ASCII are read eight bytes at a time: each byte at each offset of two words.
    for (int a = 0; a < 256; ++a)
        for (std::size_t at = 0; at < 17; ++at) {
            std::string run = "abcdefghijklmnopq";
            run[at] = static_cast<char>(a);
            ASSERT_EQ(escaped(run), dumped(ojson(run))) << "byte " << a << " at " << at;
        }
}

TEST(OutputJson, EveryCodePointAsNlohmann) {
    // Each code point, surrogates excepted (they have no UTF-8 form), in strings of 512.
    std::string batch;
    std::size_t n = 0;
    for (char32_t c = 0; c <= 0x10FFFF; ++c) {
        if (c >= 0xD800 && c <= 0xDFFF) continue;
        batch += utf8(c);
        if (++n % 512 == 0 || c == 0x10FFFF) {
            ASSERT_EQ(escaped(batch), dumped(ojson(batch))) << "code points up to U+" << std::hex << static_cast<unsigned>(c);
            batch.clear();
        }
    }
    EXPECT_EQ(n, 0x110000u - 0x800u);
}

TEST(OutputJson, RandomBytesAsNlohmann) {
    // Mostly the bytes that make UTF-8 decoding go wrong: leads, continuations, invalid ones.
    const std::string alphabet = std::string("a\"\\\n\x01\x7f", 6) + "\x80\x8F\x90\x9F\xA0\xBF\xC0\xC1\xC2\xDF\xE0\xE1\xEC\xED\xEE\xEF\xF0\xF1\xF3\xF4\xF5\xFF";
    std::mt19937 random(22);
    std::uniform_int_distribution<std::size_t> length(0, 16), pick(0, alphabet.size() - 1);
    for (int i = 0; i < 200000; ++i) {
        std::string s;
        for (std::size_t k = length(random); k > 0; --k) s += alphabet[pick(random)];
        ASSERT_EQ(escaped(s), dumped(ojson(s))) << testing::PrintToString(s);
    }
}

TEST(OutputJson, NumbersAsNlohmann) {
    // Every score a hit can print (rounded to thousandths), and others.
    for (int k = -1000; k <= 1000; ++k) {
        double score = std::round(k / 1000.0 * 1000.0) / 1000.0;
        std::string out;
        json_io::append_number(out, score);
        ASSERT_EQ(out, dumped(ojson(score))) << k;
    }
    std::mt19937_64 random(22);
    std::uniform_real_distribution<double> any(-1e6, 1e6);
    std::vector<double> values = {0.0, -0.0, 1.0, 1e-7, 1e21, 123456789012345678.0, 5e-324, 1.7976931348623157e308,
                                  std::nan(""), INFINITY, -INFINITY};
    for (int i = 0; i < 10000; ++i) values.push_back(any(random));
    for (double value : values) {
        std::string out;
        json_io::append_number(out, value);
        EXPECT_EQ(out, dumped(ojson(value))) << value;
    }
}

TEST(OutputJson, WriterPlacesCommasAsTheDom) {
    std::string text;
    json_io::JsonWriter out(text);
    out.begin_object();
    out.key("empty_object").begin_object().end_object();
    out.key("empty_array").begin_array().end_array();
    out.key("nested").begin_array().begin_object().key("a").integer(1).end_object().begin_array().end_array().null().end_array();
    out.key("strings").strings({"x", "y"});
    out.key("raw").raw("[1,2]");
    out.key("n").integer(-5LL).key("u").integer(std::size_t{7}).key("f").boolean(false);
    out.end_object();
    ojson expected;
    expected["empty_object"] = ojson::object();
    expected["empty_array"] = ojson::array();
    expected["nested"] = ojson::array({ojson{{"a", 1}}, ojson::array(), nullptr});
    expected["strings"] = {"x", "y"};
    expected["raw"] = {1, 2};
    expected["n"] = -5;
    expected["u"] = 7u;
    expected["f"] = false;
    EXPECT_EQ(text, dumped(expected));
}

TEST(OutputJson, HostileAidsAndHitsAsTheDom) {
    int variant = 0;
    for (const auto& s : hostile_strings()) {
        for (int k = 0; k < 6; ++k, ++variant) {
            Aid aid = hostile_aid(s, variant);
            expect_aid_and_hits_as_oracle(aid, variant);
            SearchHit hit = hit_of(aid, variant, s);
            EXPECT_EQ(to_json(hit), dumped(oracle_hit(hit))) << testing::PrintToString(s);
        }
    }
    Aid minimal;  // every optional field empty
    minimal.id = "1";
    minimal.name = "x";
    expect_aid_and_hits_as_oracle(minimal, 0);
}

TEST(OutputJson, EveryAidOfTheCorpusAsTheDom) {
    int variant = 0;
    for (const auto& record : test::read_jsonl(test::corpus("aides.jsonl"))) expect_aid_and_hits_as_oracle(parse_aid(record.dump()), variant++);
    EXPECT_GT(variant, 100);
}

TEST(OutputJson, EveryAidOfAGeneratedCatalogueAsTheDom) {
    if (!std::filesystem::exists("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3 to generate the catalogue";
    if (!std::filesystem::exists(test::geography_file())) GTEST_SKIP() << "no geography (make geography)";
    test::TempDir dir;
    auto generated = test::run_command({"/usr/bin/python3", test::source("scripts/generate-catalogue.py"), "--count", "3000", "--seed", "22",
                                        "--out", dir.str("aids.jsonl"), "--geography", test::geography_file()});
    ASSERT_EQ(generated.status, 0) << generated.err;
    int variant = 0;
    for (const auto& record : test::read_jsonl(dir.str("aids.jsonl"))) expect_aid_and_hits_as_oracle(parse_aid(record.dump()), variant++);
    EXPECT_EQ(variant, 3000);
}

TEST(OutputJson, ResponsesOfEveryShapeAsTheDom) {
    std::vector<Aid> aids;
    int variant = 0;
    for (const auto& s : hostile_strings()) aids.push_back(hostile_aid(s, variant++));
    for (int shape = 0; shape < 64; ++shape) {
        SearchResponse response;
        response.count = static_cast<std::size_t>(shape) * 1000003u;
        response.partial_count = shape % 3 ? 0 : static_cast<std::size_t>(shape);
        response.page = shape + 1;
        response.size = 100 - shape;
        for (int k = 0; k < shape % 5; ++k)
            response.results.push_back(hit_of(aids[static_cast<std::size_t>(shape + k) % aids.size()], shape + k));
        const std::string s = hostile_strings()[static_cast<std::size_t>(shape) % hostile_strings().size()];
        if (shape & 1) response.facets = Facets{{"themes", {{s, 3}, {"eau", 0}}}, {"backers", {}}, {s, {{"x", 1}}}};
        if (shape & 2) response.facets = Facets{};
        if (shape & 4) response.suggestion = "vélo " + s;
        response.relaxed = shape & 8;
        if (shape & 8) response.missing = {s, "mot"};
        if (shape & 16) response.ignored = {"le", s};
        if (shape & 16) response.warnings = {"page 3 is past the end: " + s};
        if (shape & 32) response.commune = CommuneResolution{"29019", "Brest " + s, {"29", "Finistère"}, shape & 1 ? s : ""};
        if (shape % 3 == 1) response.execution = ExecutionReport{Execution::memory, Execution::xapian, shape & 1 ? "phrase " + s : ""};
        ASSERT_EQ(to_json(response), dumped(oracle_response(response))) << "shape " << shape;
    }
}

TEST(OutputJson, RealSearchesAsTheDom) {
    test::TempDir dir;
    test::build_index(dir.str("idx"), {test::corpus("aides.jsonl")});
    Searcher searcher(dir.str("idx"));
    std::size_t hits = 0;
    for (const char* text : {"", "vélo", "rénovation énergétique école", "\"voirie communale\"", "zzzqqq", "eau, mobilité -vélo"}) {
        for (bool extras : {false, true}) {
            SearchRequest request;
            request.text = text;
            request.commune = "29019";
            request.today = "2026-03-02";
            request.facets = extras;
            request.explain = extras;
            request.size = 30;
            SearchResponse response = searcher.search(request);
            hits += response.results.size();
            EXPECT_EQ(to_json(response), dumped(oracle_response(response))) << text;
            for (const auto& hit : response.results) EXPECT_EQ(to_json(hit), dumped(oracle_hit(hit))) << text;
        }
    }
    EXPECT_GT(hits, 100u);
}

}  // namespace
}  // namespace aides
