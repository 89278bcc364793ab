// Geography: the whole national geography checked against the npm JSON it is converted from
// (@etalab/decoupage-administratif, read here without the library), containment, name and
// postcode resolution, ad-hoc lists.
#include "test_support.hpp"

#include <aides/aides.hpp>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace {

using aides::Geography;
using aides::Perimeter;
using aides::Scale;
using nlohmann::json;
namespace test = aides::test;

json read_json(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path + " (run `make geography`)");
    return json::parse(in);
}

// ------------------------------------------------------------------------------------ oracle
// The npm data as published. Only the meaning of its fields is used: `type`, `zone` (metro,
// drom, com), `departement`, `region`, `membres` of each EPCI.
struct NpmCommune {
    std::string code, name, department, region, epci, zone;
    std::int64_t population = 0;
    std::vector<std::string> postcodes;
};

struct Npm {
    std::map<std::string, NpmCommune> communes;  // commune-actuelle only
    std::map<std::string, std::string> epci_names, department_names, region_names;
    std::map<std::string, std::vector<std::string>> epci_members;
};

const Npm& npm() {
    static const Npm data = [] {
        Npm out;
        const std::string dir = test::npm_data_dir();
        for (const json& r : read_json(dir + "/regions.json")) out.region_names[r.at("code")] = r.at("nom");
        for (const json& d : read_json(dir + "/departements.json")) out.department_names[d.at("code")] = d.at("nom");
        std::map<std::string, std::string> epci_of;
        for (const json& e : read_json(dir + "/epci.json")) {
            out.epci_names[e.at("code")] = e.at("nom");
            for (const json& m : e.at("membres")) {
                epci_of[m.at("code")] = e.at("code");
                out.epci_members[e.at("code")].push_back(m.at("code"));
            }
        }
        for (const json& c : read_json(dir + "/communes.json")) {
            if (c.at("type") != "commune-actuelle") continue;
            NpmCommune n;
            n.code = c.at("code");
            n.name = c.at("nom");
            n.department = c.at("departement");
            n.region = c.at("region");
            n.zone = c.at("zone");
            n.population = c.value("population", std::int64_t{0});
            if (c.contains("codesPostaux")) n.postcodes = c["codesPostaux"].get<std::vector<std::string>>();
            if (auto it = epci_of.find(n.code); it != epci_of.end()) n.epci = it->second;
            out.communes[n.code] = n;
        }
        return out;
    }();
    return data;
}

// The contract's perimeters of a commune: itself, its EPCI, department, region (in the overseas
// collectivities, zone `com`, the collectivity's own code, as the npm data gives it), mainland or
// overseas, France, Europe.
std::set<std::string> expected_perimeters(const NpmCommune& c) {
    std::set<std::string> out = {"commune:" + c.code, "department:" + c.department, "country:FRA", "continent:EU"};
    if (!c.epci.empty()) out.insert("epci:" + c.epci);
    out.insert("region:" + c.region);
    out.insert(c.zone == "metro" ? "mainland:FRA-MET" : "overseas:FRA-OM");
    return out;
}

std::set<std::string> strings(const std::vector<Perimeter>& perimeters) {
    std::set<std::string> out;
    for (const auto& p : perimeters) out.insert(p.to_string());
    return out;
}

Perimeter P(const std::string& text) {
    auto p = Perimeter::parse(text);
    if (!p) throw std::runtime_error("bad perimeter in test: " + text);
    return *p;
}

// 500 communes drawn with a fixed seed (mt19937 output is fixed by the standard; the modulo keeps
// the draw the same on every standard library), plus every commune of the places that are
// exceptions: Corsica, the five DROM, the overseas collectivities, communes outside any EPCI.
std::vector<std::string> sample_communes() {
    std::vector<std::string> all;
    for (const auto& [code, c] : npm().communes) all.push_back(code);
    std::set<std::string> chosen;
    std::mt19937 random(20260401);
    while (chosen.size() < 500) chosen.insert(all[random() % all.size()]);
    std::map<std::string, int> per_department;
    for (const auto& [code, c] : npm().communes) {
        bool special = c.department == "2A" || c.department == "2B" || c.zone != "metro" || c.epci.empty();
        if (special && (c.zone == "com" || c.epci.empty() || per_department[c.department]++ < 3)) chosen.insert(code);
    }
    return {chosen.begin(), chosen.end()};
}

// --------------------------------------------------------------------------- whole of France
TEST(GeographyNational, HoldsEveryCommuneActuelleAndNothingElse) {
    const Geography& g = test::national_geography();
    std::vector<std::string> expected;
    for (const auto& [code, c] : npm().communes) expected.push_back(code);
    EXPECT_EQ(g.commune_count(), expected.size());
    EXPECT_EQ(g.commune_codes(), expected);
    // Former communes (commune-deleguee, commune-associee) and Paris arrondissements are not communes.
    for (const char* former : {"75101", "13201", "69381"}) EXPECT_FALSE(g.knows({Scale::commune, former})) << former;
}

TEST(GeographyNational, PerimetersOfSampledCommunesMatchTheNpmData) {
    const Geography& g = test::national_geography();
    std::vector<std::string> sample = sample_communes();
    std::set<std::string> departments_seen;
    std::size_t without_epci = 0;
    for (const std::string& code : sample) {
        const NpmCommune& c = npm().communes.at(code);
        departments_seen.insert(c.department);
        without_epci += c.epci.empty();
        std::vector<Perimeter> perimeters = g.perimeters_of_commune(code);
        ASSERT_FALSE(perimeters.empty()) << code;
        EXPECT_EQ(perimeters.front().to_string(), "commune:" + code);
        EXPECT_EQ(strings(perimeters), expected_perimeters(c)) << code << " " << c.name;
        EXPECT_EQ(perimeters.size(), expected_perimeters(c).size()) << code << ": duplicates";

        // Every one of them contains the commune; the commune's ancestors are the same set.
        for (const auto& p : perimeters) EXPECT_TRUE(g.contains(p, {Scale::commune, code})) << p.to_string() << " " << code;
        std::set<std::string> up = strings(g.ancestors({Scale::commune, code}));
        up.insert("commune:" + code);
        EXPECT_EQ(up, expected_perimeters(c)) << code;

        auto profile = g.profile(code);
        ASSERT_TRUE(profile) << code;
        EXPECT_EQ(profile->name, c.name);
        EXPECT_EQ(profile->population, c.population) << code;
        EXPECT_EQ(profile->postcodes, c.postcodes) << code;
        EXPECT_EQ(profile->department.code, c.department);
        EXPECT_EQ(profile->department.name, npm().department_names.at(c.department));
        EXPECT_EQ(profile->zone, c.zone == "metro" ? "mainland" : "overseas") << code;
        if (c.epci.empty()) {
            EXPECT_FALSE(profile->epci) << code;
        } else {
            ASSERT_TRUE(profile->epci) << code;
            EXPECT_EQ(profile->epci->code, c.epci);
            EXPECT_EQ(profile->epci->name, npm().epci_names.at(c.epci));
        }
        ASSERT_TRUE(profile->region) << code;
        EXPECT_EQ(profile->region->code, c.region);
        EXPECT_EQ(profile->region->name, npm().region_names.at(c.region));
        if (c.zone == "com") {
            EXPECT_EQ(c.region, c.department) << code;
        }
    }
    // The sample holds the exceptions it is meant to.
    for (const char* d : {"2A", "2B", "971", "972", "973", "974", "976", "975", "977", "978", "984", "986", "987", "988", "989"})
        EXPECT_TRUE(departments_seen.count(d)) << d;
    EXPECT_GE(without_epci, 90u);
    EXPECT_GE(sample.size(), 500u);
}

TEST(GeographyNational, ConverterOutputIsTheNpmDataExactly) {
    // aides-geo-convert wrote geography.tsv from the npm directory (and release 2.0.0 beside it,
    // for the former names): converting again gives the same bytes, and loading then serialising
    // is the identity.
    std::string file = test::read_file(test::geography_file());
    std::string older = test::npm_data_dir() + "-2022";
    EXPECT_EQ(Geography::from_npm(test::npm_data_dir(), {older}).serialize(), file);
    EXPECT_EQ(test::national_geography().serialize(), file);
    EXPECT_EQ(file.substr(0, file.find('\n')), "#aides-geography\t2\t@etalab/decoupage-administratif@6.0.0");
}

TEST(GeographyNational, EveryEpciHasTheDepartmentsAndRegionsOfItsMembers) {
    const Geography& g = test::national_geography();
    std::size_t spanning = 0;
    for (const auto& [siren, members] : npm().epci_members) {
        std::set<std::string> expected = {"country:FRA", "continent:EU"};
        for (const auto& m : members) {
            const NpmCommune& c = npm().communes.at(m);
            expected.insert("department:" + c.department);
            expected.insert("region:" + c.region);
            expected.insert(c.zone == "metro" ? "mainland:FRA-MET" : "overseas:FRA-OM");
        }
        EXPECT_EQ(strings(g.ancestors({Scale::epci, siren})), expected) << siren;
        EXPECT_EQ(g.name_of({Scale::epci, siren}), npm().epci_names.at(siren));
        std::size_t departments = std::count_if(expected.begin(), expected.end(), [](const std::string& p) { return p.rfind("department:", 0) == 0; });
        spanning += departments > 1;
    }
    EXPECT_GT(spanning, 50u);  // 89 EPCIs over several departments in COG 2026
}

TEST(GeographyNational, EpciOverTwoDepartmentsAndTwoRegions) {
    const Geography& g = test::national_geography();
    // CA Redon Agglomération: Ille-et-Vilaine and Morbihan (Bretagne), Loire-Atlantique (Pays de la Loire).
    Perimeter redon = P("epci:243500741");
    EXPECT_EQ(strings(g.ancestors(redon)),
              (std::set<std::string>{"department:35", "department:44", "department:56", "region:52", "region:53",
                                     "mainland:FRA-MET", "country:FRA", "continent:EU"}));
    // It lies inside none of them, but inside the mainland.
    for (const char* outer : {"department:35", "department:44", "department:56", "region:52", "region:53"})
        EXPECT_FALSE(g.contains(P(outer), redon)) << outer;
    EXPECT_TRUE(g.contains(P("mainland:FRA-MET"), redon));
    EXPECT_FALSE(g.contains(P("overseas:FRA-OM"), redon));
    // Its communes are in it, each in its own department.
    EXPECT_TRUE(g.contains(redon, P("commune:35236")));  // Redon
    EXPECT_TRUE(g.contains(redon, P("commune:44128")));  // Plessé
    EXPECT_TRUE(g.contains(P("department:44"), P("commune:44128")));
    EXPECT_FALSE(g.contains(P("department:35"), P("commune:44128")));
    // An EPCI within one department lies inside it.
    EXPECT_TRUE(g.contains(P("department:29"), P("epci:242900801")));
    EXPECT_TRUE(g.contains(P("region:53"), P("epci:242900801")));
}

TEST(GeographyNational, ContainmentAcrossScales) {
    const Geography& g = test::national_geography();
    EXPECT_TRUE(g.contains(P("region:53"), P("department:29")));
    EXPECT_FALSE(g.contains(P("department:29"), P("region:53")));
    EXPECT_FALSE(g.contains(P("region:53"), P("department:44")));
    EXPECT_TRUE(g.contains(P("department:2A"), P("commune:2A004")));   // Ajaccio
    EXPECT_FALSE(g.contains(P("department:2B"), P("commune:2A004")));
    EXPECT_TRUE(g.contains(P("region:94"), P("commune:2B033")));       // Bastia, Corse
    EXPECT_TRUE(g.contains(P("overseas:FRA-OM"), P("department:974")));
    EXPECT_FALSE(g.contains(P("mainland:FRA-MET"), P("department:974")));
    EXPECT_TRUE(g.contains(P("region:04"), P("commune:97411")));       // Saint-Denis, La Réunion
    EXPECT_TRUE(g.contains(P("overseas:FRA-OM"), P("commune:98735")));  // Papeete
    EXPECT_TRUE(g.contains(P("country:FRA"), P("commune:98735")));
    EXPECT_TRUE(g.contains(P("continent:EU"), P("department:987")));
    EXPECT_FALSE(g.contains(P("commune:29103"), P("department:29")));
    EXPECT_TRUE(g.contains(P("department:29"), P("department:29")));

    // DROM and COM: each a region; a COM's region is its own code, as the npm data gives it.
    EXPECT_EQ(strings(g.ancestors(P("department:974"))),
              (std::set<std::string>{"region:04", "overseas:FRA-OM", "country:FRA", "continent:EU"}));
    EXPECT_EQ(strings(g.ancestors(P("region:04"))), (std::set<std::string>{"overseas:FRA-OM", "country:FRA", "continent:EU"}));
    EXPECT_EQ(strings(g.ancestors(P("region:53"))), (std::set<std::string>{"mainland:FRA-MET", "country:FRA", "continent:EU"}));
    for (const char* com : {"975", "977", "978", "984", "986", "987", "988", "989"}) {
        EXPECT_TRUE(g.knows({Scale::department, com})) << com;
        EXPECT_TRUE(g.knows({Scale::region, com})) << com;
        EXPECT_EQ(strings(g.ancestors({Scale::department, com})),
                  (std::set<std::string>{"region:" + std::string(com), "overseas:FRA-OM", "country:FRA", "continent:EU"}))
            << com;
        EXPECT_TRUE(g.contains({Scale::region, com}, {Scale::department, com})) << com;
        EXPECT_EQ(g.name_of({Scale::region, com}), npm().region_names.at(com));
        EXPECT_EQ(g.name_of({Scale::department, com}), npm().department_names.at(com));
    }
    EXPECT_EQ(strings(g.ancestors(P("country:FRA"))), (std::set<std::string>{"continent:EU"}));
    EXPECT_TRUE(g.ancestors(P("continent:EU")).empty());
    EXPECT_EQ(g.name_of(P("department:29")), "Finistère");
    EXPECT_EQ(g.name_of(P("region:53")), "Bretagne");
    EXPECT_EQ(g.name_of(P("commune:29103")), "Landerneau");
    EXPECT_EQ(g.name_of(P("commune:29999")), "29999");  // unknown: its code
    EXPECT_FALSE(g.knows(P("commune:29999")));
    EXPECT_TRUE(g.perimeters_of_commune("29999").empty());
    EXPECT_FALSE(g.profile("29999"));
}

// ------------------------------------------------------------------- names and postcodes
// The name key, computed here through the public Analyzer (ICU): folded, hyphens and
// apostrophes (and their look-alikes) as single spaces.
std::string oracle_key(const aides::Analyzer& analyzer, const std::string& name) {
    std::string folded = analyzer.fold(name), out;
    for (std::size_t i = 0; i < folded.size(); ++i) {
        bool gap = folded[i] == '-' || folded[i] == '\'' || folded[i] == ' ';
        if (folded.compare(i, 3, "\xE2\x80\x99") == 0) {  // ’
            gap = true;
            i += 2;
        }
        if (gap) {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += folded[i];
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

TEST(GeographyNames, EveryCommuneIsFoundByItsNameWithItsHomonyms) {
    // Over the whole of France: find_communes(name) gives exactly the communes whose name folds
    // to the same key, the key computed through ICU here (the library has a faster path).
    const Geography& g = test::national_geography();
    aides::Analyzer analyzer;
    std::map<std::string, std::vector<std::string>> by_key;
    for (const auto& [code, c] : npm().communes) by_key[oracle_key(analyzer, c.name)].push_back(code);
    std::size_t homonyms = 0;
    for (const auto& [code, c] : npm().communes) {
        const auto& expected = by_key.at(oracle_key(analyzer, c.name));
        ASSERT_EQ(g.find_communes(c.name), expected) << c.name;
        homonyms += expected.size() > 1;
    }
    EXPECT_GT(homonyms, 1000u);
}

// Latin-1 letters spelt as a base letter plus a combining accent (NFD), as some keyboards and
// PDF copies produce: the library must fold them like the precomposed letters.
std::string decompose(const std::string& name) {
    static const std::map<std::string, std::string> table = {
        {"é", "e\xCC\x81"}, {"è", "e\xCC\x80"}, {"ê", "e\xCC\x82"}, {"ë", "e\xCC\x88"}, {"â", "a\xCC\x82"},
        {"à", "a\xCC\x80"}, {"ô", "o\xCC\x82"}, {"î", "i\xCC\x82"}, {"ï", "i\xCC\x88"}, {"û", "u\xCC\x82"},
        {"ü", "u\xCC\x88"}, {"ç", "c\xCC\xA7"}, {"É", "E\xCC\x81"}, {"Î", "I\xCC\x82"}, {"È", "E\xCC\x80"},
    };
    std::string out;
    for (std::size_t i = 0; i < name.size();) {
        bool replaced = false;
        for (const auto& [from, to] : table) {
            if (name.compare(i, from.size(), from) == 0) {
                out += to;
                i += from.size();
                replaced = true;
                break;
            }
        }
        if (!replaced) out += name[i++];
    }
    return out;
}

TEST(GeographyNames, SpellingsOfOneNameAgree) {
    const Geography& g = test::national_geography();
    std::size_t decomposed = 0;
    for (const std::string& code : sample_communes()) {
        const std::string& name = npm().communes.at(code).name;
        std::vector<std::string> expected = g.find_communes(name);
        ASSERT_TRUE(std::count(expected.begin(), expected.end(), code)) << name;
        std::string upper = name;
        for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        EXPECT_EQ(g.find_communes(upper), expected) << upper;
        std::string nfd = decompose(name);
        if (nfd != name) {
            ++decomposed;
            EXPECT_EQ(g.find_communes(nfd), expected) << name;
        }
        std::string spaced = name;
        std::replace(spaced.begin(), spaced.end(), '-', ' ');
        EXPECT_EQ(g.find_communes(spaced), expected) << spaced;
    }
    EXPECT_GT(decomposed, 50u);
}

TEST(GeographyNames, ResolvesCodesNamesAndPostcodes) {
    const Geography& g = test::national_geography();
    EXPECT_EQ(g.resolve_commune("29103"), "29103");
    EXPECT_EQ(g.resolve_commune(" 2a004 "), "2A004");
    EXPECT_EQ(g.resolve_commune("landerneau"), "29103");
    EXPECT_EQ(g.resolve_commune("LANDERNEAU"), "29103");
    EXPECT_EQ(g.resolve_commune("SAINT-MALO"), "35288");
    EXPECT_EQ(g.resolve_commune("saint malo"), "35288");
    EXPECT_EQ(g.resolve_commune("Saint\xE2\x80\x93Malo"), "35288");            // en dash
    EXPECT_EQ(g.resolve_commune("ile de sein"), "29083");                      // Île-de-Sein
    EXPECT_EQ(g.resolve_commune("L\xE2\x80\x99\xC3\x8Ele-d\xE2\x80\x99Yeu"), "85113");  // L’Île-d’Yeu
    EXPECT_EQ(g.resolve_commune("l ile d yeu"), "85113");
    EXPECT_EQ(g.resolve_commune("\xEF\xBC\xAC\xEF\xBC\xA1\xEF\xBC\xAE\xEF\xBC\xA4\xEF\xBC\xA5\xEF\xBC\xB2\xEF\xBC\xAE"
                                "\xEF\xBC\xA5\xEF\xBC\xA1\xEF\xBC\xB5"),
              "29103");  // full-width LANDERNEAU, through ICU

    // Postcode 29800 is shared by twelve communes, Landerneau among them.
    std::vector<std::string> expected;
    for (const auto& [code, c] : npm().communes)
        if (std::count(c.postcodes.begin(), c.postcodes.end(), "29800")) expected.push_back(code);
    EXPECT_EQ(g.find_communes("29800"), expected);
    EXPECT_TRUE(std::count(expected.begin(), expected.end(), "29103"));
    try {
        g.resolve_commune("29800");
        ADD_FAILURE() << "29800 is ambiguous";
    } catch (const aides::UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("29103 Landerneau"), std::string::npos) << e.what();
    }
    // A postcode of one commune that is no INSEE code (today's or a former one) resolves to it;
    // Brest's 29200 is also a former INSEE code, now Morlaix's: ambiguous, unless cp: says which.
    std::set<std::string> former_codes;
    for (const auto& f : g.former_communes())
        if (f.code != f.current) former_codes.insert(f.code);
    std::map<std::string, std::vector<std::string>> by_postcode;
    for (const auto& [code, c] : npm().communes)
        for (const auto& p : c.postcodes) by_postcode[p].push_back(code);
    std::size_t unique = 0;
    for (const auto& [postcode, communes] : by_postcode) {
        if (communes.size() != 1 || npm().communes.count(postcode) || former_codes.count(postcode)) continue;
        ++unique;
        EXPECT_EQ(g.resolve_commune(postcode), communes.front()) << postcode;
    }
    EXPECT_GT(unique, 1000u);
    EXPECT_THROW(g.resolve_commune("29200"), aides::UsageError);
    EXPECT_EQ(g.resolve_commune("cp:29200"), "29019");
    EXPECT_EQ(g.resolve_commune("insee:29200"), "29151");
}

TEST(GeographyNames, AmbiguousNameListsEveryCandidateWithItsCode) {
    const Geography& g = test::national_geography();
    std::vector<std::string> expected;
    for (const auto& [code, c] : npm().communes)
        if (c.name == "Saint-Denis") expected.push_back(code);
    ASSERT_GE(expected.size(), 3u);  // Aude, Gard, Seine-Saint-Denis, La Réunion...
    EXPECT_EQ(g.find_communes("saint-denis"), expected);
    try {
        g.resolve_commune("Saint-Denis");
        ADD_FAILURE() << "Saint-Denis is ambiguous";
    } catch (const aides::UsageError& e) {
        std::string message = e.what();
        EXPECT_EQ(e.value(), "Saint-Denis");
        EXPECT_NE(message.find("ambiguous"), std::string::npos) << message;
        for (const auto& code : expected) EXPECT_NE(message.find(code + " Saint-Denis"), std::string::npos) << message;
        EXPECT_NE(message.find("(La Réunion, 974)"), std::string::npos) << message;
    }
}

TEST(GeographyNames, UnknownCommuneIsAUsageErrorNamingIt) {
    const Geography& g = test::national_geography();
    for (const char* unknown : {"Atlantis-sur-Mer", "29999", "99999", ""}) {
        try {
            g.resolve_commune(unknown);
            ADD_FAILURE() << unknown;
        } catch (const aides::UsageError& e) {
            EXPECT_EQ(e.value(), unknown);
            EXPECT_NE(std::string(e.what()).find(std::string("\"") + unknown + "\""), std::string::npos) << e.what();
        }
    }
}

TEST(GeographyNames, PerimetersByName) {
    const Geography& g = test::national_geography();
    EXPECT_EQ(g.find_by_name(Scale::department, "finistere"), P("department:29"));
    EXPECT_EQ(g.find_by_name(Scale::region, "PROVENCE ALPES COTE D'AZUR"), P("region:93"));
    EXPECT_EQ(g.find_by_name(Scale::epci, "CA du Pays de Landerneau-Daoulas"), P("epci:242900801"));
    EXPECT_EQ(g.find_by_name(Scale::commune, "Landerneau"), P("commune:29103"));
    EXPECT_FALSE(g.find_by_name(Scale::commune, "Saint-Denis"));  // homonyms: by code only
    EXPECT_FALSE(g.find_by_name(Scale::department, "Atlantide"));
    EXPECT_EQ(g.find_by_name(Scale::country, "France"), P("country:FRA"));
    EXPECT_EQ(aides::parse_scale("Département"), Scale::department);
    EXPECT_EQ(aides::parse_scale("Intercommunalité"), Scale::epci);
    EXPECT_EQ(aides::parse_scale("Outre-mer"), Scale::overseas);
}

// ------------------------------------------------------------------------------ ad-hoc lists
TEST(GeographyAdhoc, ReadsPlainAndCsvListsWithHeadersAndShortCodes) {
    test::TempDir dir;
    test::write_file(dir.str("plain.txt"), "# PVD, extrait\n29103\n\n  35288  \n");
    EXPECT_EQ(Geography::read_adhoc_file(dir.str("plain.txt")), (std::vector<std::string>{"29103", "35288"}));

    // A spreadsheet export: BOM, header, `;` fields, quotes, lower-case Corsican code, a code
    // whose leading zero was dropped (1004 = Ambérieu-en-Bugey, Ain).
    test::write_file(dir.str("export.csv"),
                     "\xEF\xBB\xBF" "code_insee;nom\n29103;Landerneau\n\"29019\";Brest\n1004;Ambérieu-en-Bugey\n"
                     "2a004,Ajaccio\n# fin\n");
    EXPECT_EQ(Geography::read_adhoc_file(dir.str("export.csv")),
              (std::vector<std::string>{"29103", "29019", "01004", "2A004"}));

    test::write_file(dir.str("bad.txt"), "insee\n29103\nLanderneau\n");
    try {
        Geography::read_adhoc_file(dir.str("bad.txt"));
        ADD_FAILURE() << "a name among codes";
    } catch (const aides::DataError& e) {
        EXPECT_EQ(e.line(), 3u);
        EXPECT_NE(std::string(e.what()).find("Landerneau"), std::string::npos) << e.what();
    }
    test::write_file(dir.str("empty.txt"), "# nothing\n");
    EXPECT_THROW(Geography::read_adhoc_file(dir.str("empty.txt")), aides::DataError);
    EXPECT_THROW(Geography::read_adhoc_file(dir.str("missing.txt")), aides::DataError);
}

TEST(GeographyAdhoc, ListsJoinTheirCommunesPerimeters) {
    Geography g = test::national_geography();
    // Every commune of the CA du Pays de Landerneau-Daoulas, plus Brest and a stale code.
    std::vector<std::string> codes = npm().epci_members.at("242900801");
    codes.push_back("29019");
    codes.push_back("29999");
    EXPECT_EQ(g.add_adhoc("Rade", codes), (std::vector<std::string>{"29999"}));
    g.add_adhoc("pvd", {"29103", "35288", "2A004"});
    EXPECT_EQ(g.adhoc_names(), (std::vector<std::string>{"pvd", "rade"}));
    EXPECT_TRUE(g.knows(P("adhoc:rade")));
    EXPECT_TRUE(g.knows(P("adhoc:RADE")));  // names are lower case

    auto of_landerneau = strings(g.perimeters_of_commune("29103"));
    EXPECT_TRUE(of_landerneau.count("adhoc:rade"));
    EXPECT_TRUE(of_landerneau.count("adhoc:pvd"));
    EXPECT_EQ(strings(g.perimeters_of_commune("29019")).count("adhoc:pvd"), 0u);
    EXPECT_EQ(strings(g.perimeters_of_commune("35236")).count("adhoc:rade"), 0u);
    // The national data is shared, the lists are not.
    EXPECT_FALSE(test::national_geography().knows(P("adhoc:rade")));

    // Ancestors: what holds all its communes. `rade` has a stale code, so France at most;
    // a list inside Finistère has the department, its region and the mainland.
    EXPECT_EQ(strings(g.ancestors(P("adhoc:rade"))), (std::set<std::string>{"country:FRA", "continent:EU"}));
    g.add_adhoc("elorn", {"29103", "29237", "29277"});
    EXPECT_EQ(strings(g.ancestors(P("adhoc:elorn"))),
              (std::set<std::string>{"department:29", "region:53", "mainland:FRA-MET", "country:FRA", "continent:EU"}));
    EXPECT_EQ(strings(g.ancestors(P("adhoc:pvd"))), (std::set<std::string>{"mainland:FRA-MET", "country:FRA", "continent:EU"}));

    // Inside `rade`: its communes and the whole EPCI, not Brest Métropole.
    auto inside = strings(g.inside_adhoc("rade"));
    EXPECT_TRUE(inside.count("epci:242900801"));
    EXPECT_TRUE(inside.count("commune:29019"));
    EXPECT_TRUE(inside.count("commune:29999"));
    EXPECT_FALSE(inside.count("epci:242900314"));
    EXPECT_FALSE(inside.count("department:29"));
    EXPECT_EQ(inside.size(), codes.size() + 1);
    EXPECT_TRUE(g.contains(P("adhoc:rade"), P("epci:242900801")));
    EXPECT_FALSE(g.contains(P("adhoc:rade"), P("epci:242900314")));
    EXPECT_FALSE(g.contains(P("adhoc:rade"), P("department:29")));
    EXPECT_TRUE(g.contains(P("department:29"), P("adhoc:elorn")));
    EXPECT_FALSE(g.contains(P("region:53"), P("adhoc:pvd")));  // Corsica too
    EXPECT_TRUE(g.contains(P("adhoc:rade"), P("adhoc:elorn")) == false);  // Sizun is not in it

    // Overlaps: lists sharing a commune with the perimeter.
    EXPECT_EQ(strings(g.adhoc_overlapping(P("department:29"))), (std::set<std::string>{"adhoc:elorn", "adhoc:pvd", "adhoc:rade"}));
    EXPECT_EQ(strings(g.adhoc_overlapping(P("department:2A"))), (std::set<std::string>{"adhoc:pvd"}));
    EXPECT_EQ(strings(g.adhoc_overlapping(P("epci:242900314"))), (std::set<std::string>{"adhoc:rade"}));
    EXPECT_EQ(strings(g.adhoc_overlapping(P("adhoc:elorn"))), (std::set<std::string>{"adhoc:elorn", "adhoc:pvd", "adhoc:rade"}));
    EXPECT_TRUE(g.adhoc_overlapping(P("department:974")).empty());
    EXPECT_EQ(g.adhoc_members("pvd"), (std::vector<std::string>{"29103", "2A004", "35288"}));
}

// ------------------------------------------------------------------------------ compact form
TEST(GeographyFile, BadFilesNameTheLine) {
    EXPECT_THROW(Geography::parse("C\t29103\tLanderneau\t29\t53\t\t1\t\tmainland\n", "x"), aides::DataError);  // no header
    try {
        Geography::parse("#aides-geography\t1\ttest\nR\t53\tBretagne\nC\t29103\tLanderneau\n", "mini.tsv");
        ADD_FAILURE();
    } catch (const aides::DataError& e) {
        EXPECT_EQ(e.source(), "mini.tsv");
        EXPECT_EQ(e.line(), 3u);
    }
    EXPECT_THROW(Geography::load("/nonexistent/geography.tsv"), aides::DataError);
    Geography small = Geography::parse(
        "#aides-geography\t1\ttest\nR\t53\tBretagne\nD\t29\t53\tFinistère\tmainland\nE\t242900801\tCA\n"
        "C\t29103\tLanderneau\t29\t53\t242900801\t16363\t29800\tmainland\n",
        "mini.tsv");
    EXPECT_EQ(small.commune_count(), 1u);
    EXPECT_EQ(small.serialize(), "#aides-geography\t2\ttest\nR\t53\tBretagne\nD\t29\t53\tFinistère\tmainland\nE\t242900801\tCA\n"
                                 "C\t29103\tLanderneau\t29\t53\t242900801\t16363\t29800\tmainland\n");
}

}  // namespace
