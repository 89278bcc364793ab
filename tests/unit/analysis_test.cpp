// The French analyser, table-driven: normalisation, word breaking, elisions, numbers,
// acronyms, HTML, stopwords and stems that survive missing accents and plurals.
#include "test_support.hpp"

#include <algorithm>

namespace aides {
namespace {

// Forms of the words of a text, space-separated (stopwords included: they keep positions).
std::string forms(const Analyzer& analyzer, std::string_view text) {
    std::string out;
    for (const Word& w : analyzer.words(text)) out += (out.empty() ? "" : " ") + w.form;
    return out;
}

// True when a query word and a text word meet through a stem: the query matches the stems
// of the text (OP_SYNONYM over Z terms), so the two stem sets must intersect.
bool share_stem(const Analyzer& analyzer, std::string_view query_word, std::string_view text_word) {
    auto stems_of = [&](std::string_view text) {
        auto words = analyzer.words(text);
        EXPECT_EQ(words.size(), 1u) << text;
        return words.empty() ? std::vector<std::string>{} : analyzer.stems(words[0].form, words[0].accented);
    };
    auto a = stems_of(query_word), b = stems_of(text_word);
    return std::any_of(a.begin(), a.end(), [&](const auto& s) { return std::find(b.begin(), b.end(), s) != b.end(); });
}

struct FormCase {
    const char* what;
    const char* text;
    const char* forms;
};

void PrintTo(const FormCase& c, std::ostream* out) { *out << c.what << ": " << c.text; }

class AnalyzerForms : public ::testing::TestWithParam<FormCase> {};

TEST_P(AnalyzerForms, Words) {
    Analyzer analyzer;
    EXPECT_EQ(forms(analyzer, GetParam().text), GetParam().forms) << GetParam().what << ": " << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    French, AnalyzerForms,
    ::testing::Values(
        // Unicode normalisation and case folding.
        FormCase{"NFC precomposed", "\xC3\x89nergie", "energie"},
        FormCase{"NFD decomposed", "E\xCC\x81nergie", "energie"},
        FormCase{"upper case with accents", "\xC3\x89NERGIE R\xC3\x89NOVATION", "energie renovation"},
        FormCase{"NFKC ligature fi", "\xEF\xAC\x81" "bre optique", "fibre optique"},
        FormCase{"NFKC full width", "\xEF\xBC\xA5\xEF\xBC\xB0\xEF\xBC\xA3\xEF\xBC\xA9", "epci"},
        FormCase{"NFKC superscript", "100 m\xC2\xB2", "100 m2"},
        FormCase{"cedilla", "Fa\xC3\xA7" "ade", "facade"},
        FormCase{"soft hyphen inside a word", "r\xC3\xA9nova\xC2\xADtion", "renovation"},
        // Ligatures.
        FormCase{"oe ligature", "C\xC5\x93ur de ville", "coeur de ville"},
        FormCase{"OE upper ligature", "\xC5\x92UVRE", "oeuvre"},
        FormCase{"ae ligature", "ex \xC3\xA6quo, \xC3\x86SOP", "ex aequo aesop"},
        // Apostrophes and elisions.
        FormCase{"elision straight", "l'eau d'Issy", "eau issy"},
        FormCase{"elision typographic", "l\xE2\x80\x99" "eau d\xE2\x80\x99\xC3\xA9nergie", "eau energie"},
        FormCase{"elision left quote and modifier", "l\xE2\x80\x98" "eau l\xCA\xBC" "eau", "eau eau"},
        FormCase{"elision qu jusqu", "qu'il jusqu\xE2\x80\x99\xC3\xA0 lorsqu'on", "il a on"},
        FormCase{"elision s n", "s\xE2\x80\x99" "engage n'est", "engage est"},
        FormCase{"elision upper case", "L\xE2\x80\x99\xC3\x89tat D'UN", "etat un"},
        FormCase{"apostrophe inside a word", "aujourd\xE2\x80\x99hui", "aujourdhui"},
        // Quotes and spaces.
        FormCase{"guillemets", "\xC2\xAB" "Petites villes\xC2\xA0\xC2\xBB", "petites villes"},
        FormCase{"curly quotes", "\xE2\x80\x9C" "demain\xE2\x80\x9D", "demain"},
        FormCase{"no-break space", "centre\xC2\xA0" "bourg", "centre bourg"},
        FormCase{"narrow no-break space", "centre\xE2\x80\xAF" "bourg", "centre bourg"},
        FormCase{"thin space", "centre\xE2\x80\x89" "bourg", "centre bourg"},
        // Hyphens.
        FormCase{"hyphenated town", "Saint-Malo", "saint malo"},
        FormCase{"non-breaking hyphen", "Saint\xE2\x80\x91Malo", "saint malo"},
        FormCase{"hyphenated noun", "centre-bourg tiers-lieux", "centre bourg tiers lieux"},
        // Numbers and percentages.
        FormCase{"percent glued", "75%", "75"},
        FormCase{"percent spaced", "75 %", "75"},
        FormCase{"percent no-break", "75\xC2\xA0%", "75"},
        FormCase{"thousands space", "3 500 habitants", "3500 habitants"},
        FormCase{"thousands no-break", "10\xC2\xA0" "000\xC2\xA0\xE2\x82\xAC", "10000"},
        FormCase{"thousands narrow", "1\xE2\x80\xAF" "000\xE2\x80\xAF" "000", "1000000"},
        FormCase{"thousands dots", "1.000.000", "1000000"},
        FormCase{"not thousands: four digits", "2024 100 communes", "2024 100 communes"},
        FormCase{"not thousands: two digits", "02 98 85", "02 98 85"},
        FormCase{"decimal comma", "12,5", "12,5"},
        FormCase{"decimal point as comma", "12.5", "12,5"},
        FormCase{"ordinal", "1er janvier", "1er janvier"},
        // Acronyms.
        FormCase{"acronym with dots", "E.P.C.I.", "epci"},
        FormCase{"acronym lower case", "e.p.c.i", "epci"},
        FormCase{"acronym without dots", "EPCI", "epci"},
        FormCase{"acronym accented", "\xC3\x89.T.A.T.", "etat"},
        FormCase{"dotted words split", "aides-territoires.beta.gouv.fr", "aides territoires beta gouv fr"},
        // Symbols are not words.
        FormCase{"symbols", "& + / \xE2\x82\xAC \xE2\x80\x94 :", ""},
        FormCase{"empty", "", ""}),
    [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(Analyzer, PositionsStopwordsAndHyphenJoins) {
    Analyzer analyzer;
    auto words = analyzer.words("L\xE2\x80\x99" "am\xC3\xA9lioration de l\xE2\x80\x99habitat du centre-bourg");
    ASSERT_EQ(words.size(), 6u);
    const char* expected[] = {"amelioration", "de", "habitat", "du", "centre", "bourg"};
    for (unsigned i = 0; i < words.size(); ++i) {
        EXPECT_EQ(words[i].form, expected[i]);
        EXPECT_EQ(words[i].position, i) << "elided words take no position, so phrases hold";
    }
    EXPECT_EQ(words[0].accented, "am\xC3\xA9lioration");
    EXPECT_TRUE(words[1].stopword);
    EXPECT_FALSE(words[2].stopword);
    EXPECT_TRUE(words[3].stopword);
    EXPECT_FALSE(words[4].joined);
    EXPECT_TRUE(words[5].joined);
    // A dash between spaces joins nothing.
    auto apart = analyzer.words("Bretagne - Pays de la Loire");
    ASSERT_EQ(apart.size(), 5u);
    EXPECT_FALSE(apart[1].joined);
}

TEST(Analyzer, CompoundsJoinHyphenatedWords) {
    Analyzer analyzer;
    auto words = analyzer.words("La vid\xC3\xA9o-protection de Saint-Jean-de-Luz et l\xE2\x80\x99\xC3\xA9" "co-quartier");
    auto compounds = analyzer.compounds(words);
    ASSERT_EQ(compounds.size(), 3u);
    EXPECT_EQ(compounds[0].form, "videoprotection");
    EXPECT_EQ(compounds[0].accented, "vid\xC3\xA9oprotection");
    EXPECT_EQ(compounds[0].position, words[1].position);
    EXPECT_EQ(compounds[1].form, "saintjeandeluz");
    EXPECT_EQ(compounds[2].form, "ecoquartier");
    for (const auto& c : compounds) EXPECT_FALSE(c.stopword);
    EXPECT_TRUE(analyzer.compounds(analyzer.words("centre bourg")).empty());
}

TEST(Analyzer, FoldIsCaseAccentAndLigatureFree) {
    Analyzer analyzer;
    EXPECT_EQ(analyzer.fold("C\xC5\x93ur de VILLE"), "coeur de ville");
    EXPECT_EQ(analyzer.fold("\xC3\x89tablissement public foncier"), "etablissement public foncier");
    EXPECT_EQ(analyzer.fold("E\xCC\x81" "cole"), "ecole");
}

TEST(Analyzer, Stopwords) {
    for (const char* word : {"le", "la", "les", "de", "des", "du", "a", "au", "aux", "et", "pour", "dans", "sur", "une"})
        EXPECT_TRUE(Analyzer::is_stopword(word)) << word;
    for (const char* word : {"eau", "velo", "ville", "commune", "aide", "epci", "pvd"})
        EXPECT_FALSE(Analyzer::is_stopword(word)) << word;
    Analyzer analyzer;
    auto words = analyzer.words("\xC3\x80 la");  // "À" folds to the stopword "a"
    ASSERT_EQ(words.size(), 2u);
    EXPECT_TRUE(words[0].stopword);
    EXPECT_TRUE(words[1].stopword);
}

struct StemCase {
    const char* query;
    const char* text;
    bool meet;
};

void PrintTo(const StemCase& c, std::ostream* out) { *out << c.query << " / " << c.text; }

class AnalyzerStems : public ::testing::TestWithParam<StemCase> {};

TEST_P(AnalyzerStems, QueryWordMeetsTextWord) {
    Analyzer analyzer;
    const StemCase& c = GetParam();
    EXPECT_EQ(share_stem(analyzer, c.query, c.text), c.meet) << c.query << " / " << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    French, AnalyzerStems,
    ::testing::Values(
        // Missing accents, both ways: Snowball stems `mobilites` and `mobilités` differently.
        StemCase{"mobilites", "mobilit\xC3\xA9s", true}, StemCase{"mobilit\xC3\xA9s", "mobilites", true},
        StemCase{"mobilite", "mobilit\xC3\xA9s", true}, StemCase{"mobilit\xC3\xA9", "mobilites", true},
        StemCase{"mobilites", "mobilit\xC3\xA9", true}, StemCase{"Mobilit\xC3\xA9S", "mobilite", true},
        StemCase{"renovation", "r\xC3\xA9novation", true}, StemCase{"energetiques", "\xC3\xA9nerg\xC3\xA9tique", true},
        StemCase{"collectivites", "collectivit\xC3\xA9", true}, StemCase{"intercommunalite", "intercommunalit\xC3\xA9s", true},
        StemCase{"activites", "activit\xC3\xA9", true}, StemCase{"batiments", "b\xC3\xA2timent", true},
        StemCase{"equipement", "\xC3\xA9quipements", true}, StemCase{"ecoles", "\xC3\xA9" "cole", true},
        StemCase{"acces", "acc\xC3\xA8s", true}, StemCase{"hopitaux", "h\xC3\xB4pital", true},
        // Plurals Snowball leaves alone.
        StemCase{"velos", "v\xC3\xA9lo", true}, StemCase{"velo", "v\xC3\xA9los", true},
        StemCase{"lieux", "lieu", true}, StemCase{"jeu", "jeux", true}, StemCase{"bijoux", "bijou", true},
        StemCase{"revenus", "revenu", true}, StemCase{"abri", "abris", true}, StemCase{"reseau", "r\xC3\xA9seaux", true},
        StemCase{"locaux", "local", true}, StemCase{"cours", "cour", true},
        // Different words stay apart.
        StemCase{"commune", "commerce", false}, StemCase{"ville", "village", false},
        StemCase{"habitat", "habitants", false}, StemCase{"velo", "velours", false},
        StemCase{"eau", "\xC3\xA9" "cole", false}),
    [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(Analyzer, StemIsTheFirstOfStems) {
    Analyzer analyzer;
    for (const char* text : {"mobilit\xC3\xA9s", "v\xC3\xA9los", "lieux", "r\xC3\xA9novation"}) {
        auto w = analyzer.words(text).at(0);
        EXPECT_EQ(analyzer.stems(w.form, w.accented).front(), analyzer.stem(w.form)) << text;
    }
    EXPECT_EQ(analyzer.stem("velos"), analyzer.stem("velo"));
}

// Every word of the sample catalogue, typed without accents and in lower case, meets the word
// as written: checked word by word against the catalogue text (an oracle independent of the
// index: plain string handling of the JSON fields).
TEST(Analyzer, EveryCatalogueWordSurvivesMissingAccents) {
    Analyzer analyzer;
    std::size_t checked = 0;
    for (const auto& record : test::read_jsonl(test::corpus("aides.jsonl"))) {
        for (const char* field : {"name", "description"}) {
            if (!record.contains(field) || !record[field].is_string()) continue;
            for (const Word& text_word : analyzer.words(Analyzer::strip_html(record[field].get<std::string>()))) {
                if (text_word.stopword || text_word.accented == text_word.form) continue;
                auto typed = analyzer.words(text_word.form);  // what a user types without accents
                ASSERT_EQ(typed.size(), 1u) << text_word.form;
                auto query = analyzer.stems(typed[0].form, typed[0].accented);
                auto text = analyzer.stems(text_word.form, text_word.accented);
                bool meet = std::any_of(query.begin(), query.end(), [&](const auto& s) { return std::find(text.begin(), text.end(), s) != text.end(); });
                EXPECT_TRUE(meet) << text_word.accented;
                ++checked;
            }
        }
    }
    EXPECT_GT(checked, 500u);
}

struct HtmlCase {
    const char* html;
    const char* forms;
};

void PrintTo(const HtmlCase& c, std::ostream* out) { *out << c.html; }

class AnalyzerHtml : public ::testing::TestWithParam<HtmlCase> {};

TEST_P(AnalyzerHtml, TagsAreNotWordsAndEntitiesAreDecoded) {
    Analyzer analyzer;
    EXPECT_EQ(forms(analyzer, Analyzer::strip_html(GetParam().html)), GetParam().forms) << GetParam().html;
}

INSTANTIATE_TEST_SUITE_P(
    French, AnalyzerHtml,
    ::testing::Values(
        HtmlCase{"<p>V\xC3\xA9lo</p><p>route</p>", "velo route"},
        HtmlCase{"<ul><li>piscine</li><li>gymnase</li></ul>", "piscine gymnase"},
        HtmlCase{"v\xC3\xA9lo<br>route", "velo route"},
        HtmlCase{"<strong>V</strong>\xC3\xA9lo", "velo"},
        HtmlCase{"100 m<sup>2</sup>", "100 m2"},
        HtmlCase{"<a href=\"https://example.org/aide\">lien</a>", "lien"},
        HtmlCase{"R&eacute;novation des &Eacute;coles", "renovation des ecoles"},
        HtmlCase{"l&rsquo;eau &amp; l&#8217;habitat &#x2019;", "eau habitat"},
        HtmlCase{"jusqu&#8217;&agrave; 75&nbsp;%", "a 75"},
        HtmlCase{"10&nbsp;000&nbsp;&euro;", "10000"},
        HtmlCase{"C&oelig;ur de ville", "coeur de ville"},
        HtmlCase{"communes &lt; 5 000 habitants", "communes 5000 habitants"},
        HtmlCase{"< 5 000 habitants", "5000 habitants"},
        HtmlCase{"<!-- brouillon > ancien -->texte", "texte"},
        HtmlCase{"<style>p { color: red }</style><script>var aide = 1;</script>fin", "fin"},
        HtmlCase{"&inconnu; &#xZZ;", "inconnu xzz"},
        HtmlCase{"&amp;eacute;", "eacute"}),  // decoded once, not twice
    [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(Analyzer, CopiesAnalyseAlike) {
    Analyzer first;
    Analyzer copy = first;
    Analyzer assigned;
    assigned = copy;
    const char* text = "L\xE2\x80\x99" "am\xC3\xA9nagement des v\xC3\xA9los";
    EXPECT_EQ(forms(copy, text), forms(first, text));
    EXPECT_EQ(forms(assigned, text), "amenagement des velos");
}

}  // namespace
}  // namespace aides
