// Perimeter search, Aides-territoires semantics, on the fixture tests/fixtures/perimeters/: aids
// on Europe, France, mainland, overseas, regions, departments (Corsica, a DROM, two COM), EPCIs
// (one over three departments and two regions), communes (two siblings of one EPCI), and three
// ad-hoc areas (a river basin, a natural park from a CSV, a basin holding a whole EPCI).
// Expected results come from a brute force over the fixture and the npm JSON (no library code),
// and a few are written by hand. The CLI is checked on the same index.
#include "test_support.hpp"

#include <aides/aides.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

using nlohmann::json;
namespace test = aides::test;
using Codes = std::set<std::string>;

json read_json(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path + " (run `make geography`)");
    return json::parse(in);
}

// ------------------------------------------------------------------------------------ oracle
// Communes covered by each perimeter, straight from the npm data and the fixture lists.
struct World {
    Codes all, mainland, overseas;
    std::map<std::string, Codes> epci, department, region, adhoc;
    std::map<std::string, std::string> department_by_name, region_by_name;
    std::vector<json> aids;
    std::map<std::string, std::string> perimeter_of;  // aid id -> SCALE:CODE

    const Codes& communes_of(const std::string& perimeter) const {
        static const Codes none;
        static std::map<std::string, Codes> singletons;
        auto colon = perimeter.find(':');
        std::string scale = perimeter.substr(0, colon), code = perimeter.substr(colon + 1);
        auto in = [&](const std::map<std::string, Codes>& m) -> const Codes& {
            auto it = m.find(code);
            return it == m.end() ? none : it->second;
        };
        if (scale == "commune") {
            if (!all.count(code)) return none;
            return singletons.try_emplace(code, Codes{code}).first->second;
        }
        if (scale == "epci") return in(epci);
        if (scale == "department") return in(department);
        if (scale == "region") return in(region);
        if (scale == "adhoc") return in(adhoc);
        if (scale == "mainland") return mainland;
        if (scale == "overseas") return overseas;
        if (scale == "country" || scale == "continent") return all;
        return none;
    }
};

// An ad-hoc list as a person reads it: `#` comments, a header line, the first `;` field.
Codes read_list(const std::string& path) {
    Codes out;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::string field = line.substr(0, line.find(';'));
        field.erase(std::remove(field.begin(), field.end(), '"'), field.end());
        if (field.size() == 5 && std::isdigit(static_cast<unsigned char>(field[0]))) out.insert(field);
    }
    return out;
}

const std::vector<std::pair<std::string, std::string>>& adhoc_files() {
    static const std::vector<std::pair<std::string, std::string>> files = {
        {"elorn", test::fixture("perimeters/bassin-elorn.txt")},
        {"armorique", test::fixture("perimeters/pnr-armorique.csv")},
        {"vilaine", test::fixture("perimeters/vilaine.txt")},
    };
    return files;
}

const World& world() {
    static const World w = [] {
        World out;
        const std::string dir = test::npm_data_dir();
        for (const json& r : read_json(dir + "/regions.json")) out.region_by_name[r.at("nom")] = r.at("code");
        for (const json& d : read_json(dir + "/departements.json")) out.department_by_name[d.at("nom")] = d.at("code");
        for (const json& c : read_json(dir + "/communes.json")) {
            if (c.at("type") != "commune-actuelle") continue;
            std::string code = c.at("code"), zone = c.at("zone");
            out.all.insert(code);
            (zone == "metro" ? out.mainland : out.overseas).insert(code);
            out.department[c.at("departement")].insert(code);
            out.region[c.at("region")].insert(code);  // a COM's region is its own code
        }
        for (const json& e : read_json(dir + "/epci.json"))
            for (const json& m : e.at("membres")) out.epci[e.at("code")].insert(m.at("code").get<std::string>());
        for (const auto& [name, path] : adhoc_files()) out.adhoc[name] = read_list(path);
        out.aids = test::read_jsonl(test::fixture("perimeters/aids.jsonl"));
        for (const json& aid : out.aids) {
            std::string perimeter = aid.at("perimeter"), id = aid.at("id");
            if (perimeter.find(':') == std::string::npos) {  // a name and an Aides-territoires scale label
                std::string scale = aid.at("perimeter_scale");
                perimeter = scale == "Région" ? "region:" + out.region_by_name.at(perimeter)
                                              : "department:" + out.department_by_name.at(perimeter);
            }
            out.perimeter_of[id] = perimeter;
        }
        return out;
    }();
    return w;
}

bool intersects(const Codes& a, const Codes& b) {
    const Codes& small = a.size() < b.size() ? a : b;
    const Codes& large = a.size() < b.size() ? b : a;
    return std::any_of(small.begin(), small.end(), [&](const std::string& c) { return large.count(c) > 0; });
}
bool subset(const Codes& inner, const Codes& outer) {
    return std::all_of(inner.begin(), inner.end(), [&](const std::string& c) { return outer.count(c) > 0; });
}
std::string scale_of(const std::string& perimeter) { return perimeter.substr(0, perimeter.find(':')); }

// The contract: searching P returns the aids on P, on perimeters containing P, on perimeters
// inside P (read on the communes they cover), and on ad-hoc perimeters sharing a commune with P.
// Aides-territoires attaches an EPCI to every department and region of its communes, both ways.
// A commune is searched as the perimeter `commune:CODE`.
bool related(const std::string& searched, const std::string& aid_perimeter) {
    if (searched == aid_perimeter) return true;
    const Codes& p = world().communes_of(searched);
    const Codes& a = world().communes_of(aid_perimeter);
    if (p.empty() || a.empty()) return false;
    if (scale_of(aid_perimeter) == "adhoc") return intersects(a, p);
    if (subset(p, a) || subset(a, p)) return true;
    auto administrative = [](const std::string& s) { return s == "department" || s == "region"; };
    std::string sa = scale_of(aid_perimeter), sp = scale_of(searched);
    if ((sa == "epci" && administrative(sp)) || (sp == "epci" && administrative(sa))) return intersects(a, p);
    return false;
}

Codes expected_for(const std::string& searched) {
    Codes out;
    for (const auto& [id, perimeter] : world().perimeter_of)
        if (related(searched, perimeter)) out.insert(id);
    return out;
}

// ---------------------------------------------------------------------------------- fixture
class PerimeterSearch : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new test::TempDir;
        test::build_index(dir_->str("idx"), {test::fixture("perimeters/aids.jsonl")}, adhoc_files());
        searcher_ = new aides::Searcher(dir_->str("idx"));
    }
    static void TearDownTestSuite() {
        delete searcher_;
        delete dir_;
        searcher_ = nullptr;
        dir_ = nullptr;
    }

    static aides::SearchRequest request() {
        aides::SearchRequest r;
        r.size = 1000;
        r.today = "2026-06-01";
        return r;
    }
    static Codes found(const aides::SearchRequest& r) {
        auto response = test::search(*searcher_, r);
        EXPECT_EQ(response.count, response.results.size());
        auto list = test::ids(response);
        Codes out(list.begin(), list.end());
        EXPECT_EQ(out.size(), list.size()) << "an aid returned twice";
        return out;
    }
    static Codes for_commune(const std::string& commune) {
        auto r = request();
        r.commune = "insee:" + commune;  // an INSEE code that is also a postcode is not ambiguous
        return found(r);
    }
    static Codes for_perimeter(const std::string& perimeter) {
        auto r = request();
        r.perimeter = perimeter;
        return found(r);
    }

    static inline test::TempDir* dir_ = nullptr;
    static inline aides::Searcher* searcher_ = nullptr;
};

const std::vector<std::string> searched_communes = {
    "29103",  // Landerneau: its EPCI, the Élorn basin
    "29043",  // Daoulas: Landerneau's sibling in the same EPCI
    "29277",  // Sizun: in the basin and the natural park, another EPCI
    "29083",  // Île-de-Sein: natural park, no EPCI
    "29019",  // Brest
    "56260",  // Vannes
    "56001",  // Allaire: Morbihan, Redon Agglomération, Vilaine basin
    "44128",  // Plessé: Loire-Atlantique (Pays de la Loire), Redon Agglomération
    "35236",  // Redon
    "35238",  // Rennes: Vilaine basin, no aid of its own
    "2A004",  // Ajaccio
    "2B033",  // Bastia
    "97411",  // Saint-Denis (La Réunion)
    "97502",  // Saint-Pierre (Saint-Pierre-et-Miquelon, a COM without region)
    "98735",  // Papeete (Polynésie française)
    "69123",  // Lyon
};

const std::vector<std::string> searched_perimeters = {
    "commune:29103",    "commune:97411",     "epci:242900801",    "epci:243500741",  "epci:242900314",
    "department:29",    "department:56",     "department:35",     "department:44",   "department:2A",
    "department:2B",    "department:974",    "department:975",    "department:987",  "region:53",
    "region:52",        "region:94",         "region:04",         "region:84",       "mainland:FRA-MET",
    "overseas:FRA-OM",  "country:FRA",       "continent:EU",      "adhoc:elorn",     "adhoc:armorique",
    "adhoc:vilaine",
};

// ------------------------------------------------------------------------------------ tests
TEST_F(PerimeterSearch, EveryCommuneGetsWhatTheBruteForceSays) {
    for (const auto& commune : searched_communes)
        EXPECT_EQ(for_commune(commune), expected_for("commune:" + commune)) << commune;
}

TEST_F(PerimeterSearch, EveryPerimeterAtEveryScaleGetsWhatTheBruteForceSays) {
    for (const auto& perimeter : searched_perimeters)
        EXPECT_EQ(for_perimeter(perimeter), expected_for(perimeter)) << perimeter;
}

TEST_F(PerimeterSearch, HandWrittenCounts) {
    // Landerneau: Europe, France, mainland, Bretagne (by code and by name), Finistère (both),
    // its EPCI, itself, the Élorn basin.
    EXPECT_EQ(for_commune("29103"),
              (Codes{"europe", "france", "metropole", "bretagne", "bretagne-par-nom", "finistere", "finistere-par-nom",
                     "epci-landerneau-daoulas", "landerneau", "elorn"}));
    EXPECT_EQ(for_commune("29043").size(), 9u);   // Daoulas: the same without the basin, with itself
    EXPECT_EQ(for_commune("29083").size(), 8u);   // Île-de-Sein: no EPCI, the natural park
    EXPECT_EQ(for_commune("44128").size(), 5u);   // Plessé: EU, FRA, mainland, Redon Agglo, Vilaine
    EXPECT_EQ(for_commune("97411").size(), 6u);   // EU, FRA, overseas, region 04, department 974, itself
    EXPECT_EQ(for_commune("97502"), (Codes{"europe", "france", "outre-mer", "saint-pierre-et-miquelon"}));
    EXPECT_EQ(for_commune("98735").size(), 5u);   // Papeete
    EXPECT_EQ(for_commune("2B033").size(), 4u);   // Bastia: no aid on Corse or Haute-Corse
    EXPECT_EQ(for_commune("69123").size(), 4u);   // Lyon: EU, FRA, mainland, Auvergne-Rhône-Alpes

    EXPECT_EQ(for_perimeter("department:29").size(), 13u);  // + EPCI, 3 communes, 2 ad-hoc areas
    EXPECT_EQ(for_perimeter("department:56").size(), 9u);   // + Redon Agglo (over 56), Vannes, Vilaine
    EXPECT_EQ(for_perimeter("region:53").size(), 18u);
    EXPECT_EQ(for_perimeter("region:52"), (Codes{"europe", "france", "metropole", "epci-redon", "vilaine"}));
    EXPECT_EQ(for_perimeter("epci:242900801").size(), 11u);
    EXPECT_EQ(for_perimeter("epci:243500741").size(), 9u);  // + Bretagne (2), Morbihan, Redon, Vilaine
    EXPECT_EQ(for_perimeter("mainland:FRA-MET").size(), 22u);
    EXPECT_EQ(for_perimeter("overseas:FRA-OM").size(), 9u);
    EXPECT_EQ(for_perimeter("country:FRA").size(), 29u);
    EXPECT_EQ(for_perimeter("continent:EU").size(), 29u);
    EXPECT_EQ(for_perimeter("department:975").size(), 4u);
    // The Élorn basin lies in Finistère: its department and region contain it; Landerneau is
    // inside; the natural park shares Sizun. Its three EPCIs neither contain it nor lie in it.
    EXPECT_EQ(for_perimeter("adhoc:elorn"),
              (Codes{"europe", "france", "metropole", "bretagne", "bretagne-par-nom", "finistere", "finistere-par-nom",
                     "landerneau", "elorn", "armorique"}));
    // The Vilaine basin spans two regions: only France and above contain it; Redon Agglomération
    // and Redon lie inside.
    EXPECT_EQ(for_perimeter("adhoc:vilaine"), (Codes{"europe", "france", "metropole", "epci-redon", "redon", "vilaine"}));
}

TEST_F(PerimeterSearch, SiblingCommunesNeverLeak) {
    // Every commune of the CA du Pays de Landerneau-Daoulas (from the npm data) gets the EPCI's
    // aid and only its own commune aid.
    const Codes& members = world().epci.at("242900801");
    ASSERT_EQ(members.size(), 22u);
    std::map<std::string, std::string> commune_aid;  // commune -> aid on it
    for (const auto& [id, perimeter] : world().perimeter_of)
        if (scale_of(perimeter) == "commune") commune_aid[perimeter.substr(8)] = id;
    for (const auto& commune : members) {
        Codes got = for_commune(commune);
        EXPECT_TRUE(got.count("epci-landerneau-daoulas")) << commune;
        for (const auto& [other, id] : commune_aid) EXPECT_EQ(got.count(id), other == commune ? 1u : 0u) << commune << " " << id;
    }
    for (const auto& commune : searched_communes) {
        Codes got = for_commune(commune);
        for (const auto& [other, id] : commune_aid) EXPECT_EQ(got.count(id), other == commune ? 1u : 0u) << commune << " " << id;
    }
}

TEST_F(PerimeterSearch, ProfileIsTheContractForm) {
    aides::CommuneProfile profile = searcher_->profile("landerneau");
    json got = json::parse(aides::to_json(profile));
    EXPECT_EQ(got["code"], "29103");
    EXPECT_EQ(got["name"], "Landerneau");
    EXPECT_GT(got["population"].get<long>(), 10000);
    EXPECT_EQ(got["epci"], (json{{"code", "242900801"}, {"name", "CA du Pays de Landerneau-Daoulas"}}));
    EXPECT_EQ(got["department"], (json{{"code", "29"}, {"name", "Finistère"}}));
    EXPECT_EQ(got["region"], (json{{"code", "53"}, {"name", "Bretagne"}}));
    EXPECT_EQ(got["zone"], "mainland");
    EXPECT_EQ(got["perimeters"], (json{"commune:29103", "epci:242900801", "department:29", "region:53", "mainland:FRA-MET",
                                       "country:FRA", "continent:EU", "adhoc:elorn"}));
    // Every key of the contract, in its order.
    auto ordered = nlohmann::ordered_json::parse(aides::to_json(profile));
    std::vector<std::string> keys;
    for (auto it = ordered.begin(); it != ordered.end(); ++it) keys.push_back(it.key());
    std::vector<std::string> contract = {"code", "name", "population", "epci", "department", "region", "zone", "perimeters"};
    std::vector<std::string> contract_keys_found;
    for (const auto& k : keys)
        if (std::count(contract.begin(), contract.end(), k)) contract_keys_found.push_back(k);
    EXPECT_EQ(contract_keys_found, contract);

    // A COM: its own region; a commune outside any EPCI: epci null.
    json papeete = json::parse(aides::to_json(searcher_->profile("insee:98735")));
    EXPECT_EQ(papeete["region"], (json{{"code", "987"}, {"name", "Polynésie française"}}));
    EXPECT_TRUE(papeete["epci"].is_null());
    EXPECT_EQ(papeete["zone"], "overseas");
    EXPECT_EQ(papeete["perimeters"], (json{"commune:98735", "department:987", "region:987", "overseas:FRA-OM", "country:FRA", "continent:EU"}));
    json sein = json::parse(aides::to_json(searcher_->profile("29083")));
    EXPECT_TRUE(sein["epci"].is_null());
    EXPECT_FALSE(sein["region"].is_null());
    EXPECT_TRUE(std::count(sein["perimeters"].begin(), sein["perimeters"].end(), "adhoc:armorique"));

    EXPECT_THROW(searcher_->profile("Saint-Denis"), aides::UsageError);
    EXPECT_THROW(searcher_->profile("29999"), aides::UsageError);
}

// --------------------------------------------------------------------------------------- CLI
bool tools_built() { return std::filesystem::exists(test::bin("aides-search")) && std::filesystem::exists(test::bin("aides-index")); }

TEST_F(PerimeterSearch, CommandLineCountsProfileAndNames) {
    if (!tools_built()) GTEST_SKIP() << "tools not built";
    const std::string search = test::bin("aides-search"), db = dir_->str("idx");
    auto count = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {search, "--db", db, "--today", "2026-06-01", "--format", "json", "--size", "1000"});
        auto result = test::run_command(args);
        EXPECT_EQ(result.status, 0) << result.err;
        return json::parse(result.out).at("count").get<std::size_t>();
    };
    EXPECT_EQ(count({"--commune", "29103"}), expected_for("commune:29103").size());
    EXPECT_EQ(count({"--commune", "Landerneau"}), 10u);
    EXPECT_EQ(count({"--perimeter", "department:29"}), 13u);
    EXPECT_EQ(count({"--perimeter", "adhoc:vilaine"}), 6u);
    EXPECT_EQ(count({"--perimeter", "epci:243500741"}), expected_for("epci:243500741").size());

    auto profile = test::run_command({search, "--db", db, "--profile", "29103", "--format", "json"});
    ASSERT_EQ(profile.status, 0) << profile.err;
    json p = json::parse(profile.out);
    EXPECT_EQ(p["code"], "29103");
    EXPECT_EQ(p["perimeters"].back(), "adhoc:elorn");

    // The long table names the perimeters (a column from 110 columns, a line under each aid below).
    auto table = test::run_command({search, "--db", db, "--commune", "29103", "--format", "table", "--long", "--today", "2026-06-01"});
    ASSERT_EQ(table.status, 0) << table.err;
    for (const char* name : {"Landerneau (commune)", "Finistère (department)", "Bretagne (region)"})
        EXPECT_NE(table.out.find(name), std::string::npos) << name << "\n" << table.out;

    // Usage errors: exit 2, one line naming the value and, when ambiguous, the candidates.
    auto ambiguous = test::run_command({search, "--db", db, "--commune", "Saint-Denis"});
    EXPECT_EQ(ambiguous.status, 2);
    for (const char* code : {"93066", "97411"}) EXPECT_NE(ambiguous.err.find(code), std::string::npos) << ambiguous.err;
    EXPECT_EQ(std::count(ambiguous.err.begin(), ambiguous.err.end(), '\n'), 1) << ambiguous.err;
    auto unknown = test::run_command({search, "--db", db, "--commune", "Atlantis"});
    EXPECT_EQ(unknown.status, 2);
    EXPECT_NE(unknown.err.find("Atlantis"), std::string::npos) << unknown.err;
    auto unknown_profile = test::run_command({search, "--db", db, "--profile", "29999"});
    EXPECT_EQ(unknown_profile.status, 2);
    EXPECT_NE(unknown_profile.err.find("29999"), std::string::npos) << unknown_profile.err;
}

TEST(PerimeterStale, UnknownCommuneCodeWarnsWithItsLineAndStaysSearchable) {
    // 29999 is no commune of the COG 2026 (a merged commune's old code, say): the indexer warns
    // with the record's line, keeps the aid, and a search by that code finds it.
    test::TempDir dir;
    test::write_file(dir.str("stale.jsonl"),
                     "{\"id\": \"ok\", \"name\": \"Aide à Landerneau\", \"perimeter\": \"commune:29103\", \"targeted_audiences\": [\"commune\"]}\n"
                     "{\"id\": \"stale\", \"name\": \"Aide à une commune fusionnée\", \"perimeter\": \"commune:29999\", \"targeted_audiences\": [\"commune\"]}\n");
    aides::IndexOptions options;
    options.geography_path = test::geography_file();
    {
        aides::Index index = aides::Index::open(dir.str("idx"), options);
        aides::IngestReport report = index.ingest({dir.str("stale.jsonl")});
        EXPECT_TRUE(report.committed);
        EXPECT_TRUE(report.errors.empty());
        ASSERT_EQ(report.warnings.size(), 1u);
        EXPECT_EQ(report.warnings[0].line, 2u);
        EXPECT_NE(report.warnings[0].to_string().find("29999"), std::string::npos) << report.warnings[0].to_string();
    }
    aides::Searcher searcher(dir.str("idx"));
    aides::SearchRequest r;
    r.perimeter = "commune:29999";
    EXPECT_EQ(test::ids(test::search(searcher, r)), (std::vector<std::string>{"stale"}));
    r.perimeter = "country:FRA";
    EXPECT_EQ(test::search(searcher, r).count, 2u);
    r.perimeter = "department:29";
    EXPECT_EQ(test::ids(test::search(searcher, r)), (std::vector<std::string>{"ok"}));
    r.perimeter.clear();
    r.commune = "29103";
    EXPECT_EQ(test::ids(test::search(searcher, r)), (std::vector<std::string>{"ok"}));

    // The CLI prints the warning as FILE:LINE and exits 0.
    if (!tools_built()) GTEST_SKIP() << "tools not built";
    auto result = test::run_command({test::bin("aides-index"), "--db", dir.str("cli"), "--geo", test::geography_file(),
                                     "--input", dir.str("stale.jsonl")});
    EXPECT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.err.find("stale.jsonl:2:"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("29999"), std::string::npos) << result.err;
}

}  // namespace
