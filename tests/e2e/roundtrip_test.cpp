// Round trip through the built tools: index the sample catalogue, export every aid as JSON
// with aides-search, re-import the export into a second index, and compare the two indexes
// record by record and by searches. And the generator's output, checked by aides-index.
#include "test_support.hpp"

#include <cmath>
#include <filesystem>
#include <set>

namespace aides {
namespace {

using nlohmann::json;
using test::TempDir;

test::CommandResult index_tool(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {test::bin("aides-index"), "--geo", test::geography_file(), "--adhoc",
                                     "pvd=" + test::corpus("adhoc/pvd-extrait.txt")};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_command(argv);
}

SearchResponse search(const Searcher& searcher, SearchRequest request) {
    request.today = "2026-06-01";
    request.size = 1000;
    return searcher.search(request);
}

TEST(RoundTrip, SearcherExportReimportsToTheSameIndex) {
    TempDir dir;
    auto built = index_tool({"--db", dir.str("one"), "--input", test::corpus("aides.jsonl")});
    ASSERT_EQ(built.status, 0) << built.err;

    // Export: every aid the searcher returns, in pages of 1000 (one here), as JSON.
    std::vector<std::string> inputs;
    std::set<std::string> exported;
    for (int page = 1;; ++page) {
        auto result = test::run_command({test::bin("aides-search"), "--db", dir.str("one"), "--include-expired", "--size", "1000",
                                         "--page", std::to_string(page), "--format", "json"});
        ASSERT_EQ(result.status, 0) << result.err;
        json response = json::parse(result.out);
        if (response["results"].empty()) break;
        std::string path = dir.str("page-" + std::to_string(page) + ".json");
        test::write_file(path, result.out);
        inputs.push_back(path);
        for (const auto& hit : response["results"]) exported.insert(hit["id"].get<std::string>());
        ASSERT_LT(page, 100);
    }

    // What a search cannot show (unpublished aids, local variants behind their generic aid)
    // comes from Searcher::get, as canonical JSON Lines.
    auto sample = test::read_jsonl(test::corpus("aides.jsonl"));
    std::set<std::string> hidden_expected, all_ids;
    for (const auto& record : sample) {
        std::string id = record["id"].is_string() ? record["id"].get<std::string>() : record["id"].dump();
        all_ids.insert(id);
        if (record.value("status", std::string("published")) != "published" ||
            (record.contains("generic_aid") && !record["generic_aid"].is_null()))
            hidden_expected.insert(id);
    }
    std::set<std::string> hidden;
    {
        Searcher one(dir.str("one"));
        ASSERT_EQ(one.size(), all_ids.size());
        std::string rest;
        for (const auto& id : all_ids) {
            if (exported.count(id)) continue;
            hidden.insert(id);
            auto aid = one.get(id);
            ASSERT_TRUE(aid) << id;
            rest += to_json(*aid) + "\n";
        }
        test::write_file(dir.str("rest.jsonl"), rest);
        inputs.push_back(dir.str("rest.jsonl"));
    }
    // Only those are missing from the search export (variants may show where no generic does).
    for (const auto& id : hidden) EXPECT_TRUE(hidden_expected.count(id)) << id << " was not exported by aides-search";
    EXPECT_GE(exported.size(), all_ids.size() - hidden_expected.size());

    // Re-import, through automatic format detection (the pages are API-page shaped).
    std::vector<std::string> args = {"--db", dir.str("two")};
    for (const auto& input : inputs) {
        args.push_back("--input");
        args.push_back(input);
    }
    auto reimported = index_tool(args);
    ASSERT_EQ(reimported.status, 0) << reimported.err;
    EXPECT_NE(reimported.err.find(std::to_string(all_ids.size()) + " read, " + std::to_string(all_ids.size()) + " valid, 0 rejected"),
              std::string::npos)
        << reimported.err;

    Searcher one(dir.str("one")), two(dir.str("two"));
    ASSERT_EQ(two.size(), one.size());
    for (const auto& id : all_ids) {
        auto before = one.get(id), after = two.get(id);
        ASSERT_TRUE(before && after) << id;
        EXPECT_EQ(*before, *after) << id << "\n" << to_json(*before) << "\n" << to_json(*after);
    }

    // The same searches give the same answers.
    std::vector<SearchRequest> requests(6);
    requests[0].commune = "29103";
    requests[1].commune = "29103";
    requests[1].text = "renovation energetique";
    requests[2].perimeter = "department:29";
    requests[2].facets = true;
    requests[3].text = "centre-bourg, friche -commerce";
    requests[3].include_expired = true;
    requests[4].themes = {"mobilite-transports"};
    requests[4].order = Order::deadline;
    requests[5].programs = {"petites-villes-de-demain"};
    requests[5].aid_types = {"financial_group"};
    for (std::size_t i = 0; i < requests.size(); ++i) {
        SearchResponse a = search(one, requests[i]), b = search(two, requests[i]);
        EXPECT_GT(a.count, 0u) << "request " << i;
        EXPECT_EQ(a.count, b.count) << "request " << i;
        // Ties may fall in another order (documents were added in another order): the ids
        // match as sets, and position by position the keys they were ordered by.
        std::vector<std::string> ids_a = test::ids(a), ids_b = test::ids(b);
        EXPECT_EQ(std::set<std::string>(ids_a.begin(), ids_a.end()), std::set<std::string>(ids_b.begin(), ids_b.end())) << "request " << i;
        auto keys = [&](const SearchResponse& response) {
            std::vector<std::string> out;
            for (const auto& hit : response.results) {
                std::string deadline = hit.aid.submission_deadline.value_or("-");
                if (requests[i].order == Order::deadline) {
                    out.push_back(deadline);
                } else {  // relevance: score, then narrowest perimeter, then soonest deadline
                    auto scale = Perimeter::parse(hit.aid.perimeter);
                    out.push_back(std::to_string(std::lround(hit.score * 1e6)) + " " +
                                  std::to_string(scale ? static_cast<int>(scale->scale) : -1) + " " + deadline);
                }
            }
            return out;
        };
        EXPECT_EQ(keys(a), keys(b)) << "request " << i;
        EXPECT_EQ(a.facets, b.facets) << "request " << i;
    }
}

TEST(RoundTrip, GeneratedCatalogueOf10kAidsPassesTheCheck) {
    if (!std::filesystem::exists("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
    TempDir dir;
    auto generated = test::run_command({"/usr/bin/python3", test::source("scripts/generate-catalogue.py"), "--count", "10000", "--out",
                                        dir.str("gen.jsonl"), "--geography", test::geography_file()});
    ASSERT_EQ(generated.status, 0) << generated.err;
    auto checked = index_tool({"--db", dir.str("db"), "--check", "--input", dir.str("gen.jsonl")});
    EXPECT_EQ(checked.status, 0) << checked.err.substr(0, 2000);
    EXPECT_NE(checked.err.find("10000 read, 10000 valid, 0 rejected"), std::string::npos) << checked.err.substr(0, 2000);
    EXPECT_EQ(checked.err.find("warning:"), std::string::npos) << checked.err.substr(0, 2000);
    if (std::filesystem::exists(dir.str("db") + "/iamglass")) {
        EXPECT_EQ(Searcher(dir.str("db")).size(), 0u);  // --check writes no aid
    }
}

TEST(RoundTrip, AidesTerritoiresFormatsThroughTheCli) {
    TempDir dir;
    // A CSV export: --check reports a bad row as FILE:LINE: field: reason, exits 1, writes nothing.
    test::write_file(dir.str("export.csv"),
                     "Nom,Lien,Financeurs,Bénéficiaire,Types d'aides,AAP/AMI,Récurrence,Descriptif,Date Clôture\n"
                     "Voirie,https://aides-territoires.beta.gouv.fr/aides/v1-voirie/,Conseil départemental du Morbihan,Communes,Subvention,,Permanente,\"Texte\n"
                     "sur deux lignes\",\n"
                     "Date,https://aides-territoires.beta.gouv.fr/aides/d1-date/,ADEME,Communes,Subvention,,Ponctuelle,Texte,30/02/2027\n");
    auto checked = index_tool({"--db", dir.str("db"), "--check", "--format", "at-csv", "--input", dir.str("export.csv")});
    EXPECT_EQ(checked.status, 1) << checked.err;
    EXPECT_NE(checked.err.find(dir.str("export.csv") + ":4: submission_deadline: "), std::string::npos) << checked.err;
    EXPECT_NE(checked.err.find("warning: 1 aid has a perimeter inferred from a financer's name; first: " + dir.str("export.csv") + ":2 (v1-voirie)"),
              std::string::npos) << checked.err;
    EXPECT_NE(checked.err.find("1 valid, 1 rejected; would add 1, replace 0; dry run, nothing written"), std::string::npos) << checked.err;

    // --skip-invalid indexes the good row; the inferred perimeter is resolved.
    auto indexed = index_tool({"--db", dir.str("db"), "--skip-invalid", "--input", dir.str("export.csv")});
    EXPECT_EQ(indexed.status, 0) << indexed.err;
    {
        Searcher searcher(dir.str("db"));
        ASSERT_EQ(searcher.size(), 1u);
        EXPECT_EQ(searcher.get("v1-voirie").value_or(Aid{}).perimeter, "department:56");
    }

    // An unknown format is a usage error naming the accepted ones.
    auto usage = index_tool({"--db", dir.str("db"), "--format", "xml", "--input", dir.str("export.csv")});
    EXPECT_EQ(usage.status, 2);
    EXPECT_NE(usage.err.find("at-api"), std::string::npos) << usage.err;

    if (!test::shared_available()) GTEST_SKIP() << "../shared is absent";
    auto real = index_tool({"--db", dir.str("db2"), "--check", "--format", "at-csv", "--input",
                            test::shared("data/aides-territoires/aides-territoires_periurbain.csv")});
    EXPECT_EQ(real.status, 0) << real.err.substr(0, 2000);
    EXPECT_NE(real.err.find("274 read, 274 valid, 0 rejected"), std::string::npos) << real.err.substr(0, 2000);
    auto page = index_tool({"--db", dir.str("db3"), "--format", "at-api", "--input",
                            test::shared("data/aides-territoires/provider_samples/departement_drome_data.json")});
    EXPECT_EQ(page.status, 0) << page.err;
    Searcher searcher(dir.str("db3"));
    EXPECT_EQ(searcher.size(), 3u);
}

}  // namespace
}  // namespace aides
