// Perimeter eligibility: the searcher against a brute force over corpus/aides.jsonl and the npm
// geography (search_oracle.hpp), for many communes and every perimeter of the corpus.
#include "search_oracle.hpp"

#include <random>

namespace aides {
namespace {

using oracle::json;

constexpr const char* kToday = "2026-06-15";

class Eligibility : public oracle::CorpusSuite {
  protected:
    /** Compares one request with the oracle; returns an empty string when they agree. */
    static std::string check(const SearchRequest& request) {
        SearchResponse response = test::search(*searcher_, request);
        auto expected = oracle::sorted_ids(oracle::matching(records(), oracle::query_of(request)));
        auto actual = oracle::sorted(test::ids(response));
        std::string where = request.commune.empty() ? "perimeter " + request.perimeter : "commune " + request.commune;
        if (!request.audiences.empty()) {
            where += " audiences";
            for (const auto& a : request.audiences) where += " " + a;
        }
        if (!request.include_expired) where += " open on " + request.today;
        if (actual != expected) return where + ": " + oracle::difference(expected, actual, by_id());
        if (response.count != expected.size())
            return where + ": count " + std::to_string(response.count) + ", expected " + std::to_string(expected.size());
        return {};
    }

    static SearchRequest for_commune(const std::string& code, bool include_expired = true) {
        SearchRequest r;
        // An INSEE code is written insee:CODE (five digits may also be some other commune's
        // postcode); a name, or a code no commune has, as it is.
        bool known_code = test::national_geography().profile(code).has_value();
        r.commune = known_code ? "insee:" + code : code;
        r.include_expired = include_expired;
        r.today = kToday;
        r.size = 1000;
        return r;
    }
    static SearchRequest for_perimeter(const std::string& perimeter, bool include_expired = true) {
        SearchRequest r = for_commune({}, include_expired);
        r.perimeter = perimeter;
        return r;
    }

    /** The communes to test: those of the corpus perimeters, their EPCI siblings, the ad-hoc
     *  list, and 100 random ones (fixed seed) with Corsica, DROM and COM communes among them. */
    static std::vector<std::string> communes() {
        const oracle::Geo& g = oracle::geo();
        std::set<std::string> out;
        for (const auto& aid : records()) {
            std::string p = oracle::perimeter_of(aid);
            std::string scale = oracle::scale_of(p);
            if (scale == "commune" || scale == "epci" || scale == "adhoc") {
                for (const auto& code : g.communes_of(p)) {
                    out.insert(code);
                    const std::string& epci = g.commune(code).epci;
                    if (!epci.empty())
                        for (const auto& sibling : g.communes_of("epci:" + epci)) out.insert(sibling);
                }
            }
        }
        std::vector<std::string> all, corsica, drom, com;
        for (const auto& [code, c] : g.communes()) {
            all.push_back(code);
            if (c.department == "2A" || c.department == "2B") corsica.push_back(code);
            if (c.zone == "drom") drom.push_back(code);
            if (c.zone == "com") com.push_back(code);
        }
        std::mt19937 random(20260615);
        auto pick = [&](const std::vector<std::string>& from, int n) {
            for (int i = 0; i < n; ++i) out.insert(from[random() % from.size()]);
        };
        pick(all, 70);
        pick(corsica, 10);
        pick(drom, 10);
        pick(com, 10);
        return {out.begin(), out.end()};
    }
};

TEST_F(Eligibility, OracleSeesTheWholeGeography) {
    // Guards the oracle itself: a broken geography would make every comparison vacuous.
    const oracle::Geo& g = oracle::geo();
    EXPECT_GT(g.communes().size(), 34000u);
    EXPECT_EQ(g.commune("29103").epci, "242900801");
    EXPECT_EQ(g.commune("29103").region, "53");
    EXPECT_EQ(g.commune("97502").region, "975");  // Saint-Pierre-et-Miquelon: a COM, its own region
    EXPECT_TRUE(g.commune("97502").overseas());
    EXPECT_FALSE(g.commune("2A004").overseas());    // Corsica is mainland
    EXPECT_EQ(g.communes_of("adhoc:pvd").size(), 41u);
    EXPECT_TRUE(oracle::eligible_for_commune(g, "adhoc:pvd", "29103"));
    EXPECT_FALSE(oracle::eligible_for_commune(g, "adhoc:pvd", "29019"));
}

TEST_F(Eligibility, EveryTestedCommuneMatchesTheBruteForce) {
    auto codes = communes();
    ASSERT_GT(codes.size(), 150u);
    std::vector<std::string> failures;
    for (const auto& code : codes) {
        auto failure = check(for_commune(code));
        if (!failure.empty()) failures.push_back(failure);
    }
    EXPECT_TRUE(failures.empty()) << failures.size() << " of " << codes.size() << " communes differ, first: " << failures.front();
    for (std::size_t i = 1; i < failures.size() && i < 10; ++i) ADD_FAILURE() << failures[i];
}

TEST_F(Eligibility, OpenAidsOnAFixedDayMatchTheBruteForce) {
    auto codes = communes();
    std::vector<std::string> failures;
    for (const auto& code : codes) {
        auto failure = check(for_commune(code, false));
        if (!failure.empty()) failures.push_back(failure);
    }
    EXPECT_TRUE(failures.empty()) << failures.size() << " communes differ, first: " << failures.front();
}

TEST_F(Eligibility, ExplicitAudiencesReplaceTheImpliedCommuneAudience) {
    std::vector<std::vector<std::string>> audiences = {
        {"epci"}, {"association"}, {"commune", "private_person"}, {"region"}, {"public_org", "private_sector"}};
    std::vector<std::string> failures;
    for (const auto& code : {"29103", "29019", "35238", "2A004", "97411", "75056", "97502"}) {
        for (const auto& a : audiences) {
            SearchRequest r = for_commune(code);
            r.audiences = a;
            auto failure = check(r);
            if (!failure.empty()) failures.push_back(failure);
        }
    }
    EXPECT_TRUE(failures.empty()) << failures.size() << " differ, first: " << failures.front();
    // Hand-written: an aid for associations only is not shown by default for a commune.
    SearchRequest r = for_commune("29103");
    for (const auto& hit : test::search(*searcher_, r).results)
        EXPECT_NE(std::find(hit.aid.targeted_audiences.begin(), hit.aid.targeted_audiences.end(), "commune"),
                  hit.aid.targeted_audiences.end())
            << hit.aid.id;
}

/** EPCIs spanning two departments or more, whose "containing" needs the oracle's convention. */
bool spans_departments(const std::string& perimeter) {
    const oracle::Geo& g = oracle::geo();
    std::set<std::string> departments;
    for (const auto& code : g.communes_of(perimeter)) departments.insert(g.commune(code).department);
    return departments.size() > 1;
}

/** Perimeters searched: every one of the corpus, plus the EPCIs, departments and regions of a
 *  sample of communes, plus the zones. */
std::vector<std::string> searched_perimeters() {
    const oracle::Geo& g = oracle::geo();
    std::set<std::string> out = {"mainland:FRA-MET", "overseas:FRA-OM", "country:FRA", "continent:EU"};
    for (const auto& aid : oracle::corpus_records()) {
        std::string p = oracle::perimeter_of(aid);
        if (oracle::scale_of(p) != "adhoc") out.insert(p);  // the ad-hoc case has its own test
    }
    std::mt19937 random(53);
    std::vector<std::string> all;
    for (const auto& [code, c] : g.communes()) all.push_back(code);
    for (int i = 0; i < 25; ++i) {
        const auto& c = g.commune(all[random() % all.size()]);
        if (!c.epci.empty() && !spans_departments("epci:" + c.epci)) out.insert("epci:" + c.epci);
        out.insert("department:" + c.department);
        if (!c.region.empty()) out.insert("region:" + c.region);
    }
    return {out.begin(), out.end()};
}

/** EPCIs over two departments: the Breton ones (where the corpus has aids) and a few others. */
std::vector<std::string> epcis_across_departments() {
    const oracle::Geo& g = oracle::geo();
    std::vector<std::string> out;
    int others = 0;
    for (const auto& p : g.wide_perimeters()) {
        if (oracle::scale_of(p) != "epci" || !spans_departments(p)) continue;
        bool breton = false;
        for (const auto& code : g.communes_of(p)) breton = breton || g.commune(code).region == "53";
        if (breton || others++ < 3) out.push_back(p);
    }
    return out;
}

TEST_F(Eligibility, EveryPerimeterMatchesTheBruteForce) {
    auto perimeters = searched_perimeters();
    ASSERT_GT(perimeters.size(), 60u);
    std::vector<std::string> failures;
    for (const auto& p : perimeters) {
        for (bool expired : {true, false}) {
            auto failure = check(for_perimeter(p, expired));
            if (!failure.empty()) failures.push_back(failure);
        }
    }
    EXPECT_TRUE(failures.empty()) << failures.size() << " of " << 2 * perimeters.size() << " perimeter searches differ, first: "
                                  << failures.front();
    for (std::size_t i = 1; i < failures.size() && i < 10; ++i) ADD_FAILURE() << failures[i];
}

// An EPCI over two departments is attached to both (Aides-territoires' convention, also the
// library's): searching it finds the aids of both departments, and searching either department
// finds its aids. Generic aids and their local variants are left out here (next test).
TEST_F(Eligibility, EpciAcrossDepartmentsIsAttachedToEach) {
    auto epcis = epcis_across_departments();
    ASSERT_GE(epcis.size(), 4u);
    std::set<std::string> family;  // generic aids and their local variants
    for (const auto& aid : records()) {
        std::string generic = oracle::str(aid, "generic_aid");
        if (!generic.empty()) family.insert({generic, oracle::id_of(aid)});
    }
    auto without_family = [&](std::vector<std::string> ids) {
        ids.erase(std::remove_if(ids.begin(), ids.end(), [&](const auto& id) { return family.count(id) > 0; }), ids.end());
        return ids;
    };
    std::vector<std::string> searched = epcis;
    for (const auto& p : epcis)
        for (const auto& code : oracle::geo().communes_of(p)) searched.push_back("department:" + oracle::geo().commune(code).department);
    std::sort(searched.begin(), searched.end());
    searched.erase(std::unique(searched.begin(), searched.end()), searched.end());
    for (const auto& p : searched) {
        SearchRequest r = for_perimeter(p);
        auto expected = without_family(oracle::sorted_ids(oracle::matching(records(), oracle::query_of(r))));
        auto actual = without_family(oracle::sorted(test::ids(test::search(*searcher_, r))));
        EXPECT_EQ(actual, expected) << p << ": " << oracle::difference(expected, actual, by_id());
    }
}

// The generic/local rule for an EPCI over two departments. CC Poher Communauté (epci:242900744)
// has 7 communes in Finistère and 4 in Côtes-d'Armor; it does not lie inside department:29, so
// the generic aid pvd-004 (France) is shown, not its Finistère variant pvd-092.
TEST_F(Eligibility, EpciAcrossDepartmentsGetsTheGenericAidNotAOneDepartmentVariant) {
    std::vector<std::string> failures;
    for (const auto& p : epcis_across_departments()) {
        auto failure = check(for_perimeter(p));
        if (!failure.empty()) failures.push_back(failure);
    }
    EXPECT_TRUE(failures.empty()) << failures.size() << " differ, first: " << failures.front();
    for (std::size_t i = 1; i < failures.size() && i < 5; ++i) ADD_FAILURE() << failures[i];
}

TEST_F(Eligibility, PerimeterSearchWithAudiencesMatchesTheBruteForce) {
    std::vector<std::string> failures;
    for (const auto& p : {"department:29", "region:53", "epci:242900801", "commune:29103", "overseas:FRA-OM"}) {
        for (const auto& a : std::vector<std::vector<std::string>>{{"commune"}, {"epci", "association"}}) {
            SearchRequest r = for_perimeter(p);
            r.audiences = a;
            auto failure = check(r);
            if (!failure.empty()) failures.push_back(failure);
        }
    }
    EXPECT_TRUE(failures.empty()) << failures.size() << " differ, first: " << failures.front();
}

// The ad-hoc perimeter searched as P. The contract: aids on P, on perimeters containing P (only
// France and Europe contain a list spread over several regions and overseas), inside P (its
// communes), and on ad-hoc lists sharing a commune.
// Not returned: the aids on departments, regions, zones or EPCIs that merely overlap the list
// (department:29, region:53, mainland:FRA-MET, epci:242900801...).
TEST_F(Eligibility, AdhocPerimeterSearchFollowsTheContract) {
    EXPECT_EQ(check(for_perimeter("adhoc:pvd")), "");
    EXPECT_EQ(check(for_perimeter("adhoc:pvd", false)), "");
}

// The PVD list (Brittany, other regions, Corsica, Guadeloupe) does not lie inside region:53 nor
// department:29: for adhoc:pvd the generic aids pvd-003, pvd-004, pvd-005 (France) are shown,
// never their Breton variants pvd-055, pvd-091, pvd-092, pvd-056.
TEST_F(Eligibility, AdhocPerimeterGetsTheGenericAidsNotRegionalVariants) {
    auto ids = test::ids(test::search(*searcher_, for_perimeter("adhoc:pvd")));
    auto has = [&](const char* id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); };
    for (const char* generic : {"pvd-003", "pvd-004", "pvd-005"}) EXPECT_TRUE(has(generic)) << generic;
    for (const char* variant : {"pvd-055", "pvd-056", "pvd-091", "pvd-092"}) EXPECT_FALSE(has(variant)) << variant;
}

TEST_F(Eligibility, LanderneauGetsEveryScaleAndNothingElsewhere) {
    // Hand-written: Landerneau (29103) is in CA du Pays de Landerneau-Daoulas, Finistère, Bretagne,
    // mainland, and in the PVD extract.
    SearchResponse response = test::search(*searcher_, for_commune("29103"));
    std::set<std::string> perimeters;
    for (const auto& hit : response.results) perimeters.insert(hit.aid.perimeter);
    for (const char* p : {"commune:29103", "epci:242900801", "department:29", "region:53", "adhoc:pvd", "mainland:FRA-MET",
                          "country:FRA", "continent:EU"})
        EXPECT_TRUE(perimeters.count(p)) << p;
    for (const char* p : {"commune:29019", "epci:242900314", "department:35", "region:94", "overseas:FRA-OM", "department:974"})
        EXPECT_FALSE(perimeters.count(p)) << p;
    // Statuses other than published are never found.
    for (const auto& hit : response.results) EXPECT_EQ(hit.aid.status, "published") << hit.aid.id;
    auto ids = test::ids(response);
    for (const char* hidden : {"pvd-032", "pvd-077", "pvd-114"}) EXPECT_EQ(std::count(ids.begin(), ids.end(), hidden), 0) << hidden;
}

TEST_F(Eligibility, OverseasCollectivityAndCorsica) {
    // Saint-Pierre (97502), a COM: department and region 975, overseas.
    auto pierre = test::search(*searcher_, for_commune("97502"));
    for (const auto& hit : pierre.results) {
        std::string scale = oracle::scale_of(hit.aid.perimeter);
        EXPECT_TRUE(hit.aid.perimeter == "overseas:FRA-OM" || scale == "country" || scale == "continent" ||
                    hit.aid.perimeter == "department:975" || hit.aid.perimeter == "region:975")
            << hit.aid.id << " " << hit.aid.perimeter;
    }
    // Papeete (98735): the department:987 aid, no mainland aid.
    auto papeete = oracle::sorted(test::ids(test::search(*searcher_, for_commune("98735"))));
    bool has_987 = false;
    for (const auto& id : papeete) {
        const json& aid = *by_id().at(id);
        EXPECT_NE(oracle::perimeter_of(aid), "mainland:FRA-MET") << id;
        has_987 = has_987 || oracle::perimeter_of(aid) == "department:987";
    }
    EXPECT_TRUE(has_987);
    // Ajaccio (2A004): Corsican aids and mainland ones.
    std::set<std::string> ajaccio;
    for (const auto& hit : test::search(*searcher_, for_commune("2A004")).results) ajaccio.insert(hit.aid.perimeter);
    EXPECT_TRUE(ajaccio.count("department:2A"));
    EXPECT_TRUE(ajaccio.count("region:94"));
    EXPECT_TRUE(ajaccio.count("mainland:FRA-MET"));
    EXPECT_FALSE(ajaccio.count("department:2B"));
}

TEST_F(Eligibility, GenericAidOrItsLocalVariantNeverBoth) {
    // Hand-written from the corpus: pvd-004 (France) has local variants pvd-092 (department:29)
    // and pvd-115 (department:35); pvd-003 (France) has pvd-055 (region:53) and pvd-091 (department:29).
    auto has = [](const SearchResponse& r, const std::string& id) {
        auto ids = test::ids(r);
        return std::find(ids.begin(), ids.end(), id) != ids.end();
    };
    auto landerneau = test::search(*searcher_, for_commune("29103"));
    EXPECT_TRUE(has(landerneau, "pvd-092"));
    EXPECT_FALSE(has(landerneau, "pvd-004"));
    EXPECT_FALSE(has(landerneau, "pvd-115"));
    EXPECT_TRUE(has(landerneau, "pvd-091"));
    EXPECT_TRUE(has(landerneau, "pvd-055"));
    EXPECT_FALSE(has(landerneau, "pvd-003"));
    auto rennes = test::search(*searcher_, for_commune("35238"));
    EXPECT_TRUE(has(rennes, "pvd-115"));
    EXPECT_FALSE(has(rennes, "pvd-004"));
    auto paris = test::search(*searcher_, for_commune("75056"));
    EXPECT_TRUE(has(paris, "pvd-004"));
    EXPECT_TRUE(has(paris, "pvd-003"));
    EXPECT_FALSE(has(paris, "pvd-092"));
    auto france = test::search(*searcher_, for_perimeter("country:FRA"));
    EXPECT_TRUE(has(france, "pvd-004"));
    EXPECT_FALSE(has(france, "pvd-092"));
    EXPECT_FALSE(has(france, "pvd-115"));
    auto finistere = test::search(*searcher_, for_perimeter("department:29"));
    EXPECT_TRUE(has(finistere, "pvd-092"));
    EXPECT_FALSE(has(finistere, "pvd-004"));
}

TEST_F(Eligibility, CommuneByNameIsTheSameCommune) {
    auto by_code = test::ids(test::search(*searcher_, for_commune("29103")));
    EXPECT_EQ(test::ids(test::search(*searcher_, for_commune("Landerneau"))), by_code);
    EXPECT_EQ(test::ids(test::search(*searcher_, for_commune("landerneau"))), by_code);
}

TEST_F(Eligibility, UnknownCommuneOrPerimeterIsAUsageErrorNamingIt) {
    for (const char* code : {"99999", "Nullepart-sur-Mer"}) {
        try {
            test::search(*searcher_, for_commune(code));
            ADD_FAILURE() << code << ": no error";
        } catch (const UsageError& e) {
            EXPECT_EQ(e.value(), code);
            EXPECT_NE(std::string(e.what()).find(code), std::string::npos) << e.what();
        }
    }
    for (const char* p : {"department:00", "planet:earth"}) {
        try {
            test::search(*searcher_, for_perimeter(p));
            ADD_FAILURE() << p << ": no error";
        } catch (const UsageError& e) {
            EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
        }
    }
}

}  // namespace
}  // namespace aides
