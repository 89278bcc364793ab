// French text search through a real index: each case is a small aid, a query typed the way a
// town's secretary types it, and whether the aid must be found. Every aid sits on its own
// commune and each search is restricted to that commune, so one index serves all the cases
// and relaxation only ever sees the case's own aids.
#include "test_support.hpp"

#include <algorithm>
#include <memory>

namespace aides {
namespace {

struct TextCase {
    const char* topic;
    const char* fields;  // JSON members of the aid: name, description...
    const char* query;
    bool match;
};

// clang-format off
const TextCase text_cases[] = {
    // Accents, both ways.
    {"accents missing in the query", R"("name": "Rénovation énergétique des bâtiments publics")", "renovation energetique batiments", true},
    {"accents missing in the text", R"("name": "Renovation energetique des batiments publics")", "rénovation énergétique bâtiments", true},
    {"mobilites typed for mobilités", R"("name": "Fonds mobilités actives")", "mobilites", true},
    {"mobilité typed for mobilités", R"("name": "Plan mobilités rurales")", "mobilité", true},
    {"mobilités typed for mobilites", R"("name": "Plan mobilites rurales")", "mobilités", true},
    {"upper case query", R"("name": "Aide aux écoles numériques")", "ÉCOLES NUMERIQUES", true},
    {"decomposed accent in the query", R"("name": "Énergie citoyenne")", "e\u0301nergie", true},
    {"cedilla", R"("name": "Façades commerciales")", "facade", true},
    {"an unrelated word does not match", R"("name": "Aide aux communes rurales")", "commerce", false},
    // Plurals, both ways.
    {"plural query, singular text", R"("name": "Aide à l'achat d'un vélo")", "velos", true},
    {"singular query, plural text", R"("name": "Parkings vélos sécurisés")", "vélo", true},
    {"plural in x", R"("name": "Ouverture de tiers-lieux ruraux")", "tiers lieu", true},
    {"plural in eaux", R"("name": "Réseaux de chaleur")", "reseau chaleur", true},
    {"plural in aux", R"("name": "Rénovation des locaux associatifs")", "local associatif", true},
    {"plural query for an école", R"("name": "Restauration d'une école")", "ecoles", true},
    {"plural in is", R"("name": "Aide aux abris voyageurs")", "abri voyageur", true},
    // Ligatures.
    {"oe ligature in the text", R"("name": "Cœur de ville commerçant")", "coeur ville", true},
    {"oe ligature in the query", R"("name": "Coeur de bourg")", "cœur bourg", true},
    {"maitrise d'oeuvre", R"("name": "Maîtrise d'œuvre des travaux")", "maitrise oeuvre", true},
    {"ae ligature", R"("name": "Prix ex æquo")", "aequo", true},
    // Elisions.
    {"typographic elision in the text", R"("name": "Amélioration de l’habitat")", "habitat", true},
    {"elision in the query", R"("name": "Lutte contre l'habitat indigne")", "l'habitat indigne", true},
    {"d' in the query", R"("name": "Économies d’énergie")", "d'energie economies", true},
    {"s' in the text", R"("description": "Lorsqu’une commune s’engage dans la démarche")", "engage demarche", true},
    {"jusqu' in the query", R"("name": "Appel ouvert jusqu’au 31 décembre")", "jusqu'au decembre", true},
    {"n' in the text", R"("description": "Cette aide n’existe que pour les communes")", "existe", true},
    {"elision inside a phrase", R"("name": "Opération programmée d’amélioration de l’habitat")", R"("amelioration de l'habitat")", true},
    {"typographic apostrophe in the query", R"("name": "Eau potable")", "l’eau", true},
    // Hyphens.
    {"hyphen in the text, space in the query", R"("name": "Revitalisation du centre-bourg")", "centre bourg", true},
    {"space in the text, hyphen in the query", R"("name": "Revitalisation du centre bourg")", "centre-bourg", true},
    {"hyphenated query is a phrase", R"("name": "Centre de loisirs du bourg")", "centre-bourg", false},
    {"hyphenated plural query", R"("name": "Revitalisation du centre-bourg")", "centres-bourgs", true},
    {"hyphenated town", R"("name": "Saint-Malo Agglomération : façades")", "saint-malo", true},
    {"hyphenated town without hyphen", R"("name": "Saint-Malo Agglomération : façades")", "saint malo", true},
    {"hyphenated text, joined query", R"("name": "Installation de la vidéo-protection")", "videoprotection", true},
    {"joined text, hyphenated query", R"("name": "Aide à la vidéoprotection")", "vidéo-protection", true},
    {"joined text, hyphenated plural query", R"("name": "Projets d'écoquartier")", "eco-quartiers", true},
    {"non-breaking hyphen in the text", R"("name": "Saint\u2011Malo : façades")", "saint-malo", true},
    // Acronyms.
    {"acronym with dots in the text", R"("name": "Aide aux E.P.C.I. ruraux")", "epci", true},
    {"acronym with dots in the query", R"("name": "Aide aux EPCI ruraux")", "E.P.C.I.", true},
    {"acronym in lower case", R"("name": "Programme ACTEE")", "actee", true},
    // Numbers and percentages.
    {"percentage glued in the query", R"("description": "Financé jusqu'à 75&nbsp;% du coût")", "75%", true},
    {"another percentage does not match", R"("description": "Financé jusqu'à 80 % du coût")", "75%", false},
    {"thousands in the text", R"("name": "Communes de moins de 3 500 habitants")", "3500 habitants", true},
    {"thousands in the query", R"("name": "Plafond de 10000 euros")", "10 000 euros", true},
    {"narrow no-break space in a number", R"("name": "Plafond de 10\u202f000 €")", "10000", true},
    {"decimal point for a comma", R"("name": "Taux bonifié de 12,5 %")", "12.5", true},
    {"year", R"("name": "DETR 2027 : dotation")", "detr 2027", true},
    {"another year does not match", R"("name": "DETR 2027 : dotation")", "2026", false},
    // Other Unicode and typography.
    {"no-break space in the text", R"("name": "Revitalisation du centre\u00a0bourg")", R"("centre bourg")", true},
    {"soft hyphen in the text", R"("name": "Réno\u00advation des écoles")", "renovation", true},
    {"full-width letters", R"("name": "Aide aux ＥＰＣＩ")", "epci", true},
    {"curly quotes make a phrase", R"("name": "Petites villes de demain")", "“villes de demain”", true},
    {"guillemets make a phrase", R"("name": "Villes de demain et petites communes")", "« petites villes »", false},
    {"guillemets in the text", R"("name": "Programme « Action cœur de ville »")", "action coeur de ville", true},
    // HTML.
    {"tags are not words", R"("description": "<p><strong>Vélo</strong> en ville</p>")", "strong", false},
    {"named entities", R"("description": "R&eacute;novation des &eacute;coles")", "renovation ecoles", true},
    {"numeric entities", R"("description": "Économies d&#8217;&#233;nergie")", "energie", true},
    {"block tags separate words", R"("description": "<ul><li>vélo</li><li>route</li></ul>")", "veloroute", false},
    {"inline tags do not separate words", R"("description": "Achat de <strong>V</strong>élos")", "velo", true},
    // Stopwords.
    {"stopwords only find nothing", R"("name": "Le vélo de la ville")", "le de la", false},
    {"stopwords are dropped from a query", R"("name": "Piscine municipale")", "de la piscine", true},
    // Words, OR groups, phrases, exclusions.
    {"words are AND-ed", R"("name": "Piscine municipale")", "piscine municipale", true},
    {"OR group: the second matches", R"("name": "Gymnase intercommunal")", "piscine, gymnase", true},
    {"OR group: none matches", R"("name": "Gymnase intercommunal")", "piscine, patinoire", false},
    {"phrase of adjacent words", R"("name": "Petites villes de demain")", R"("petites villes")", true},
    {"phrase of words apart", R"("name": "Petites communes et villes moyennes")", R"("petites villes")", false},
    {"phrase in the wrong order", R"("name": "Villes petites et moyennes")", R"("petites villes")", false},
    {"phrase across two fields", R"("name": "Aide aux petites", "description": "villes de demain")", R"("petites villes")", false},
    // Stopwords are not indexed: a phrase spans them, in order, and no further.
    {"phrase with a stopword", R"("name": "Création d'une maison de santé")", R"("maison de santé")", true},
    {"phrase with a stopword, words reversed", R"("name": "Santé de la maison")", R"("maison de santé")", false},
    {"phrase with a stopword, words too far apart", R"("name": "Maison du patrimoine et de la santé")", R"("maison de santé")", false},
    {"phrase with a stopword, another stopword between", R"("name": "Maison pour la santé")", R"("maison de santé")", false},
    {"hyphenated phrase with a stopword", R"("name": "Revitalisation du cœur-de-ville")", "coeur-de-ville", true},
    {"quoted stopword beside a word", R"("name": "Aide à la culture")", R"("la culture")", true},
    {"exclusion hits", R"("name": "Vélo et commerce")", "velo -commerce", false},
    {"exclusion misses", R"("name": "Vélo électrique")", "velo -commerce", true},
    {"exclusion through the stem", R"("name": "Vélo et commerces")", "velo -commerce", false},
    {"exclusion alone keeps the others", R"("name": "Vélo électrique")", "-commerce", true},
    {"exclusion alone drops its word", R"("name": "Commerce de proximité")", "-commerce", false},
    // Relaxation: no aid has every word, the aids with the most words are kept.
    {"relaxed when one word is unknown", R"("name": "Piscine municipale")", "piscine tramway", true},
    {"not relaxed to nothing", R"("name": "Piscine municipale")", "tramway funiculaire", false},
    // Malformed queries are read leniently.
    {"unbalanced quote", R"("name": "Revitalisation du centre bourg")", R"("centre bourg)", true},
    {"lone dash", R"("name": "Vélo électrique")", "velo -", true},
    {"double dash", R"("name": "Vélo électrique")", "velo --", true},
    {"stray commas", R"("name": "Vélo électrique")", ",velo,,", true},
    {"empty quotes", R"("name": "Vélo électrique")", R"(velo "")", true},
    // Synonyms from corpus/synonyms.txt.
    {"synonym group", R"("name": "Achat de bicyclettes")", "velo", true},
    {"synonym found from a plural query", R"("name": "Achat de bicyclettes")", "velos", true},
    {"one-way synonym", R"("name": "Vélo du quotidien")", "cyclable", true},
    {"one-way synonym does not go back", R"("name": "Aide aux copro")", "copropriété", false},
    {"acronym to its words", R"("name": "Programme Petites villes de demain")", "pvd", true},
    {"words to their acronym", R"("name": "Offre de services PVD")", "petites villes de demain", true},
    {"acronym to several words in the plural", R"("name": "Maisons de santé pluriprofessionnelles")", "msp", true},
    {"EnR", R"("name": "Énergies renouvelables citoyennes")", "EnR", true},
    {"rénovation finds réhabilitation", R"("name": "Réhabilitation de logements communaux")", "renovation", true},
    {"quoted words get no synonym", R"("name": "Achat de bicyclettes")", R"("velo")", false},
    {"several-word synonym must be a phrase", R"("name": "Maison du patrimoine et santé publique")", "msp", false},
    {"several-word synonym with a stopword in between", R"("name": "Aménagement du coeur du bourg")", "centre-bourg", true},
};
// clang-format on

// The shared index: case i is aid "case-<i>" on its own commune; other tests add their aids on
// communes of their own.
struct SharedIndex {
    test::TempDir dir;
    std::vector<std::string> communes;  // one per case, then the extra sets
    std::unique_ptr<Searcher> searcher;
};

struct ExtraAid {
    const char* id;
    const char* set;  // aids of one set share a commune
    const char* fields;
};

// clang-format off
const ExtraAid extra_aids[] = {
    // Field weighting: name > short title, categories and programmes > description > details.
    {"name-piscine", "fields", R"("name": "Piscine et centre aquatique", "description": "Aide aux travaux des équipements.")"},
    {"description-piscine", "fields", R"("name": "Aide aux équipements", "description": "Travaux de la piscine et du centre aquatique.")"},
    {"short-title-patinoire", "fields", R"("name": "Aide aux équipements", "short_title": "Patinoire", "description": "Travaux des équipements sportifs.")"},
    {"description-patinoire", "fields", R"("name": "Aide aux équipements", "description": "Travaux de la patinoire et des équipements.")"},
    {"description-skatepark", "fields", R"("name": "Aide aux équipements", "description": "Travaux du skatepark et des équipements.")"},
    {"eligibility-skatepark", "fields", R"("name": "Aide aux équipements", "description": "Travaux des équipements.", "eligibility": "Communes dotées d'un skatepark.")"},
    {"category-renaturation", "fields", R"("name": "Aide aux espaces publics", "categories": ["renaturation-espaces-verts"], "description": "Travaux des espaces.")"},
    {"backer-renaturation", "fields", R"("name": "Aide aux espaces publics", "description": "Travaux des espaces.", "financers": ["Agence de la renaturation"])"},
    // Exact matches above synonym matches.
    {"exact-velo", "synonyms", R"("name": "Aide aux vélos du quotidien")"},
    {"synonym-bicyclette", "synonyms", R"("name": "Aide aux bicyclettes du quotidien")"},
    // Relaxation.
    {"relax-piscine", "relax", R"("name": "Piscine municipale", "description": "Rénovation du bassin.")"},
    {"relax-gymnase", "relax", R"("name": "Gymnase municipal")"},
    // Vocabulary for "did you mean".
    {"spelling", "spelling", R"("name": "Réhabilitation de la médiathèque", "description": "Médiathèques et bibliothèques intercommunales.")"},
};
// clang-format on

const SharedIndex& shared_index() {
    static const std::unique_ptr<SharedIndex> index = [] {  // destroyed at exit: its directory too
        auto built = std::make_unique<SharedIndex>();
        const auto codes = test::national_geography().commune_codes();
        std::size_t sets = 0;
        std::map<std::string, std::string> set_commune;
        auto commune = [&](std::size_t n) { return codes.at((n * 97) % codes.size()); };
        std::string lines;
        auto add = [&](const std::string& id, const std::string& fields, const std::string& code) {
            nlohmann::json aid = nlohmann::json::parse("{" + fields + "}");
            aid["id"] = id;
            if (!aid.contains("name")) aid["name"] = "Dispositif";  // required; a word no query uses
            aid["perimeter"] = "commune:" + code;
            lines += aid.dump() + "\n";
        };
        for (std::size_t i = 0; i < std::size(text_cases); ++i) {
            built->communes.push_back(commune(sets++));
            add("case-" + std::to_string(i), text_cases[i].fields, built->communes.back());
        }
        for (const auto& extra : extra_aids) {
            if (!set_commune.count(extra.set)) set_commune[extra.set] = commune(sets++);
            add(extra.id, extra.fields, set_commune[extra.set]);
        }
        for (const auto& [set, code] : set_commune) built->communes.push_back(set + "=" + code);
        test::write_file(built->dir.str("aids.jsonl"), lines);
        IndexOptions options;
        options.geography_path = test::geography_file();
        options.synonyms_path = test::corpus("synonyms.txt");
        options.taxonomy_path = test::corpus("taxonomy.json");
        {
            Index index = Index::open(built->dir.str("db"), options);
            IngestReport report = index.ingest({built->dir.str("aids.jsonl")});
            for (const auto& issue : report.errors) ADD_FAILURE() << issue.to_string();
            EXPECT_TRUE(report.committed);
        }
        built->searcher = std::make_unique<Searcher>(built->dir.str("db"));
        return built;
    }();
    return *index;
}

std::string commune_of_set(const std::string& set) {
    for (const auto& entry : shared_index().communes)
        if (entry.rfind(set + "=", 0) == 0) return entry.substr(set.size() + 1);
    ADD_FAILURE() << "no set " << set;
    return {};
}

SearchResponse search_in(const std::string& commune, const std::string& text) {
    SearchRequest request;
    request.text = text;
    request.perimeter = "commune:" + commune;
    request.include_expired = true;
    request.size = 100;
    // What matches every word (and the relaxation when nothing does): partial matches have
    // their own tests (relevance_test).
    request.strict = true;
    return test::search(*shared_index().searcher, request);
}

std::string describe(const SearchResponse& response) {
    std::string out = "found [";
    for (const auto& id : test::ids(response)) out += id + " ";
    out += "] relaxed=" + std::to_string(response.relaxed) + " ignored=[";
    for (const auto& word : response.ignored) out += word + " ";
    return out + "]";
}

class FrenchTextSearch : public ::testing::TestWithParam<std::size_t> {};

TEST_P(FrenchTextSearch, FindsWhatPeopleType) {
    const TextCase& c = text_cases[GetParam()];
    SearchResponse response = search_in(shared_index().communes.at(GetParam()), c.query);
    auto found = test::ids(response);
    bool matched = std::find(found.begin(), found.end(), "case-" + std::to_string(GetParam())) != found.end();
    EXPECT_EQ(matched, c.match) << c.topic << "\n  aid: {" << c.fields << "}\n  query: " << c.query << "\n  "
                                << describe(response);
}

INSTANTIATE_TEST_SUITE_P(Cases, FrenchTextSearch, ::testing::Range<std::size_t>(0, std::size(text_cases)),
                         [](const auto& info) {
                             std::string name = text_cases[info.param].topic;
                             for (char& ch : name)
                                 if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                             return std::to_string(info.param) + "_" + name;
                         });

TEST(FrenchTextSearchTable, CoversTheIssue) {
    EXPECT_GE(std::size(text_cases), 60u);
    std::size_t negatives = std::count_if(std::begin(text_cases), std::end(text_cases), [](const TextCase& c) { return !c.match; });
    EXPECT_GE(negatives, 15u) << "a table of matches only would pass an engine that returns everything";
}

std::size_t rank_of(const SearchResponse& response, const std::string& id) {
    auto found = test::ids(response);
    return static_cast<std::size_t>(std::find(found.begin(), found.end(), id) - found.begin());
}

struct RankingCase {
    const char* query;
    const char* higher;
    const char* lower;
};

void PrintTo(const RankingCase& c, std::ostream* out) { *out << c.query << ": " << c.higher << " > " << c.lower; }

class FieldWeighting : public ::testing::TestWithParam<RankingCase> {};

TEST_P(FieldWeighting, TheStrongerFieldRanksFirst) {
    const RankingCase& c = GetParam();
    SearchResponse response = search_in(commune_of_set("fields"), c.query);
    std::size_t higher = rank_of(response, c.higher), lower = rank_of(response, c.lower);
    ASSERT_LT(higher, response.results.size()) << describe(response);
    ASSERT_LT(lower, response.results.size()) << describe(response);
    EXPECT_LT(higher, lower) << c.query << ": " << describe(response);
    EXPECT_GT(response.results[higher].score, response.results[lower].score);
}

INSTANTIATE_TEST_SUITE_P(Fields, FieldWeighting,
                         ::testing::Values(RankingCase{"piscine", "name-piscine", "description-piscine"},
                                           RankingCase{"patinoire", "short-title-patinoire", "description-patinoire"},
                                           RankingCase{"skatepark", "description-skatepark", "eligibility-skatepark"},
                                           RankingCase{"renaturation", "category-renaturation", "backer-renaturation"}));

TEST(TextSearch, ExactMatchesRankAboveSynonymMatches) {
    for (auto [query, exact, synonym] : {std::tuple{"velo", "exact-velo", "synonym-bicyclette"},
                                         std::tuple{"bicyclette", "synonym-bicyclette", "exact-velo"}}) {
        SearchResponse response = search_in(commune_of_set("synonyms"), query);
        ASSERT_EQ(response.results.size(), 2u) << query << ": " << describe(response);
        EXPECT_EQ(response.results[0].aid.id, exact) << query;
        EXPECT_EQ(response.results[1].aid.id, synonym) << query;
        EXPECT_GT(response.results[0].score, response.results[1].score) << query;
    }
}

TEST(TextSearch, StopwordsOnlyGiveNothingAndSayWhy) {
    const std::string commune = shared_index().communes.at(0);
    for (const char* query : {"le de la", "Les", "de la, du", "l' d' qu'", "à", "\"de la\"", "\"le\""}) {
        SearchResponse response;
        ASSERT_NO_THROW(response = search_in(commune, query)) << query;
        EXPECT_EQ(response.count, 0u) << query;
        EXPECT_TRUE(response.results.empty()) << query;
        EXPECT_FALSE(response.ignored.empty()) << query;
    }
    SearchResponse response = search_in(commune, "le de la");
    EXPECT_EQ(response.ignored, (std::vector<std::string>{"le", "de", "la"}));
    // Stopwords beside a real word are ignored and listed too.
    SearchResponse mixed = search_in(commune_of_set("relax"), "de la piscine");
    EXPECT_EQ(mixed.ignored, (std::vector<std::string>{"de", "la"}));
    EXPECT_EQ(test::ids(mixed), (std::vector<std::string>{"relax-piscine"}));
}

TEST(TextSearch, RelaxedFallbackNamesTheMissingWords) {
    const std::string commune = commune_of_set("relax");
    SearchResponse response = search_in(commune, "piscine renovation tramway");
    EXPECT_TRUE(response.relaxed);
    EXPECT_EQ(response.missing, (std::vector<std::string>{"tramway"}));
    EXPECT_EQ(test::ids(response), (std::vector<std::string>{"relax-piscine"}));
    // No relaxation when an aid has every word.
    SearchResponse full = search_in(commune, "piscine renovation");
    EXPECT_FALSE(full.relaxed);
    EXPECT_TRUE(full.missing.empty());
    // Several aids each with the most words: both kept, both words missing.
    SearchResponse either = search_in(commune, "piscine gymnase");
    EXPECT_TRUE(either.relaxed);
    auto found = test::ids(either);
    std::sort(found.begin(), found.end());
    EXPECT_EQ(found, (std::vector<std::string>{"relax-gymnase", "relax-piscine"}));
    EXPECT_EQ(either.missing, (std::vector<std::string>{"piscine", "gymnase"}));
}

TEST(TextSearch, DidYouMeanComesFromTheIndexedVocabulary) {
    const std::string commune = commune_of_set("spelling");
    SearchResponse response = search_in(commune, "mediateque");
    ASSERT_TRUE(response.suggestion.has_value()) << describe(response);
    EXPECT_EQ(*response.suggestion, "mediatheque");
    SearchResponse two = search_in(commune, "rehabiliation mediatheques");
    ASSERT_TRUE(two.suggestion.has_value());
    EXPECT_EQ(*two.suggestion, "rehabilitation mediatheques");
    // Known words, in any spelling the analysis handles, get no suggestion.
    for (const char* query : {"mediatheque", "Médiathèques", "bibliotheque", "réhabilitation"})
        EXPECT_FALSE(search_in(commune, query).suggestion.has_value()) << query;
}

TEST(TextSearch, MalformedQueriesNeverFail) {
    const std::string commune = shared_index().communes.at(0);
    const std::string long_query(5000, 'a');
    for (const std::string& query : std::vector<std::string>{"\"", "-", "--", ",,,", "\"\"", "-\"", "\" -", "((", "*", "velo\"", "'", "\xE2\x80\x99", "l'", "- - -",
          "\"-velo\"", "-,-", "\xC2\xAB", "\xE2\x80\x9C\xE2\x80\x9D", "\xFF\xFE", "velo \xC3", long_query}) {
        SearchResponse response;
        EXPECT_NO_THROW(response = search_in(commune, query)) << query;
    }
}

}  // namespace
}  // namespace aides
