// The taxonomy's aliases: Aides-territoires' own theme and category slugs resolve to the
// project's, through the one table of corpus/taxonomy.json, at search and at indexing.
#include "test_support.hpp"

#include <aides/errors.hpp>
#include <aides/search.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "model/taxonomy.hpp"  // library-internal

namespace aides {
namespace {

using test::TempDir;

const Taxonomy& shipped() {
    static const Taxonomy taxonomy = Taxonomy::load(test::corpus("taxonomy.json"));
    return taxonomy;
}

// The slugs of ../shared/data/aides-territoires/at_taxonomy_slugs.md, read at test time:
// themes from its table rows, categories from its code block.
struct AtSlugs {
    std::vector<std::string> themes, categories;
};
AtSlugs at_slugs() {
    std::istringstream text(test::read_file(test::shared("data/aides-territoires/at_taxonomy_slugs.md")));
    AtSlugs out;
    bool in_code = false;
    const std::regex row(R"(^\|[^|]+\|\s*`([a-z0-9-]+)`\s*\|\s*$)");
    for (std::string line; std::getline(text, line);) {
        std::smatch match;
        if (line.rfind("```", 0) == 0) in_code = !in_code;
        else if (in_code) {
            std::istringstream words(line);
            for (std::string word; words >> word;) out.categories.push_back(word);
        } else if (std::regex_match(line, match, row)) out.themes.push_back(match[1]);
    }
    return out;
}

TEST(TaxonomyAliases, EveryAidesTerritoiresSlugResolves) {
    if (!test::shared_available()) GTEST_SKIP() << "../shared is absent: the Aides-territoires slug list is there";
    AtSlugs slugs = at_slugs();
    ASSERT_EQ(slugs.themes.size(), 8u);
    ASSERT_GE(slugs.categories.size(), 30u);
    for (const auto& slug : slugs.themes) EXPECT_NE(shipped().theme(slug), nullptr) << "theme " << slug;
    for (const auto& slug : slugs.categories) EXPECT_NE(shipped().category(slug), nullptr) << "category " << slug;
}

TEST(TaxonomyAliases, MapToTheClosestThemeOrCategory) {
    const Taxonomy& taxonomy = shipped();
    EXPECT_EQ(taxonomy.theme("energies-dechets")->slug, "energies-dechets-climat");
    EXPECT_EQ(taxonomy.theme("eau")->slug, "eau-milieux-aquatiques");
    EXPECT_EQ(taxonomy.theme("solidarites-lien-social")->slug, "solidarites-sante-social");
    EXPECT_EQ(taxonomy.theme("mobilite-transports")->slug, "mobilite-transports");  // the same slug in both
    EXPECT_EQ(taxonomy.category("espace-public")->slug, "espaces-publics");
    EXPECT_EQ(taxonomy.category("mobilite-pour-tous")->slug, "mobilites-partagees");
    EXPECT_EQ(taxonomy.category("transition-energetique")->slug, "energies-renouvelables");
    EXPECT_EQ(taxonomy.category("Espace-Public ")->slug, "espaces-publics");  // folded as slugs are
    // The project's own keys are untouched, and a theme alias is no category (nor the reverse).
    EXPECT_EQ(taxonomy.category("espaces-publics")->slug, "espaces-publics");
    EXPECT_EQ(taxonomy.theme("numerique")->slug, "numerique");
    EXPECT_EQ(taxonomy.category("numerique")->slug, "services-numeriques");
    EXPECT_EQ(taxonomy.category("energies-dechets"), nullptr);
    EXPECT_EQ(taxonomy.theme("espace-public"), nullptr);
}

TEST(TaxonomyAliases, AnAliasNamingAnotherEntryIsRefused) {
    const char* clash = R"json({"themes": [{"slug": "t", "name": "T", "categories": [
        {"slug": "a", "name": "A"},
        {"slug": "b", "name": "B", "aliases": ["a"]}]}]})json";
    try {
        Taxonomy::parse(clash, "clash.json");
        FAIL() << "an alias shadowing another category was accepted";
    } catch (const DataError& e) {
        std::string message = e.what();
        EXPECT_EQ(e.source(), "clash.json");
        EXPECT_NE(message.find("alias \"a\" of \"b\""), std::string::npos) << message;
    }
    const char* theme_clash = R"json({"themes": [
        {"slug": "t", "name": "T", "categories": []},
        {"slug": "u", "name": "U", "aliases": ["T"], "categories": []}]})json";
    EXPECT_THROW(Taxonomy::parse(theme_clash, "themes.json"), DataError);
}

TEST(TaxonomyAliases, RecordsCarryingThemIndexUnderTheProjectCategory) {
    TempDir dir;
    test::write_file(dir.str("aids.jsonl"),
                     R"({"id": "at-1", "name": "Requalifier la place du marché", "categories": ["espace-public"], "perimeter": "country:FRA"})"
                     "\n"
                     R"({"id": "at-2", "name": "Covoiturage rural", "categories": ["mobilite-pour-tous", "Mobilité / transports|Covoiturage et mobilités partagées"], "perimeter": "country:FRA"})"
                     "\n"
                     R"({"id": "own-3", "name": "Aménager les espaces publics", "categories": ["espaces-publics"], "perimeter": "country:FRA"})"
                     "\n");
    test::build_index(dir.str("idx"), {dir.str("aids.jsonl")});
    Searcher searcher(dir.str("idx"));
    // Stored canonical: the project's slug, once.
    EXPECT_EQ(searcher.find("at-1")->categories, std::vector<std::string>{"espaces-publics"});
    EXPECT_EQ(searcher.find("at-2")->categories, std::vector<std::string>{"mobilites-partagees"});
    SearchRequest request;
    request.include_expired = true;
    request.categories = {"espaces-publics"};
    auto own = test::ids(test::search(searcher, request));
    std::sort(own.begin(), own.end());
    EXPECT_EQ(own, (std::vector<std::string>{"at-1", "own-3"}));
    request.categories = {"espace-public"};  // the alias at search time: the same aids
    auto aliased = test::ids(test::search(searcher, request));
    std::sort(aliased.begin(), aliased.end());
    EXPECT_EQ(aliased, own);
    request.categories = {};
    request.themes = {"mobilite-transports"};
    EXPECT_EQ(test::ids(test::search(searcher, request)), std::vector<std::string>{"at-2"});
}

}  // namespace
}  // namespace aides
