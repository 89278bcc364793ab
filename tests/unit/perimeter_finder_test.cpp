// PerimeterFinder: autocomplete of perimeters by the start of a name, a postcode or a code,
// checked against the geography's own look-ups.
#include <aides/perimeters.hpp>

#include <gtest/gtest.h>

#include <algorithm>

#include "test_support.hpp"

namespace aides {
namespace {

const PerimeterFinder& finder() {
    static const PerimeterFinder instance = [] {
        Geography geography = test::national_geography();
        geography.add_adhoc("pvd", {"29103", "29259"});
        return PerimeterFinder(geography);
    }();
    return instance;
}

std::vector<std::string> ids(const std::vector<PerimeterSuggestion>& found) {
    std::vector<std::string> out;
    for (const auto& s : found) out.push_back(s.id);
    return out;
}

TEST(PerimeterFinder, ExactNameFirstThenPrefixThenLaterWords) {
    auto found = finder().find("landerneau", 10);
    ASSERT_FALSE(found.empty());
    EXPECT_EQ(found[0].id, "commune:29103");
    EXPECT_EQ(found[0].name, "Landerneau");
    EXPECT_EQ(found[0].scale, "commune");
    EXPECT_EQ(found[0].department, "29");
    EXPECT_NE(std::find(found[0].zipcodes.begin(), found[0].zipcodes.end(), "29800"), found[0].zipcodes.end());
    // The EPCI named after it comes through a later word of its name.
    auto profile = test::national_geography().profile("29103");
    ASSERT_TRUE(profile && profile->epci);
    auto all = ids(found);
    EXPECT_NE(std::find(all.begin(), all.end(), "epci:" + profile->epci->code), all.end());
}

TEST(PerimeterFinder, AccentsCaseAndHyphensDoNotMatter) {
    auto expected = test::national_geography().find_communes("Saint-Pol-de-Léon");
    ASSERT_EQ(expected.size(), 1u);
    for (const char* typed : {"saint pol de leon", "SAINT-POL-DE-LÉON", "Saint Pol de L"}) {
        auto found = ids(finder().find(typed, 5));
        EXPECT_NE(std::find(found.begin(), found.end(), "commune:" + expected[0]), found.end()) << typed;
    }
    EXPECT_EQ(finder().find("finistere", 3).at(0).id, "department:29");
    EXPECT_EQ(finder().find("Bretagne", 3).at(0).id, "region:53");
}

TEST(PerimeterFinder, EveryNameResultStartsAWordWithTheQuery) {
    for (const char* typed : {"sain", "mont", "pays de"}) {
        auto found = finder().find(typed, 50);
        EXPECT_EQ(found.size(), 50u) << typed;
        Analyzer analyzer;
        for (const auto& s : found) {
            std::string key = analyzer.fold(s.name);
            std::replace(key.begin(), key.end(), '-', ' ');
            std::replace(key.begin(), key.end(), '\'', ' ');
            std::string q = typed;
            EXPECT_TRUE(key.rfind(q, 0) == 0 || key.find(" " + q) != std::string::npos) << typed << ": " << s.name;
        }
    }
}

TEST(PerimeterFinder, CommunesByPopulationWithinATier) {
    auto found = finder().find("sain", 30);
    for (std::size_t i = 1; i < found.size(); ++i) {
        if (found[i].scale == "commune" && found[i - 1].scale == "commune") {
            EXPECT_GE(found[i - 1].population, found[i].population) << found[i - 1].name << " / " << found[i].name;
        }
    }
}

TEST(PerimeterFinder, DigitsMatchInseeCodesAndPostcodes) {
    EXPECT_EQ(finder().find("29103", 5).at(0).id, "commune:29103");
    auto by_postcode = ids(finder().find("29800", 20));
    for (const auto& code : test::national_geography().find_communes("29800"))
        EXPECT_NE(std::find(by_postcode.begin(), by_postcode.end(), "commune:" + code), by_postcode.end()) << code;
    auto prefix = finder().find("2980", 100);
    EXPECT_FALSE(prefix.empty());
    for (const auto& s : prefix) {
        bool starts = s.id.rfind("commune:2980", 0) == 0;
        for (const auto& zip : s.zipcodes) starts = starts || zip.rfind("2980", 0) == 0;
        EXPECT_TRUE(starts) << s.id;
    }
    EXPECT_EQ(finder().find("2A004", 1).at(0).id, "commune:2A004");  // Ajaccio
    EXPECT_EQ(finder().find("29", 1).at(0).id, "department:29");
}

TEST(PerimeterFinder, AdhocListsAndBounds) {
    auto found = ids(finder().find("pvd", 5));
    EXPECT_NE(std::find(found.begin(), found.end(), "adhoc:pvd"), found.end());
    EXPECT_TRUE(finder().find("", 10).empty());
    EXPECT_TRUE(finder().find("  -' ", 10).empty());
    EXPECT_TRUE(finder().find("landerneau", 0).empty());
    EXPECT_EQ(finder().find("saint", 7).size(), 7u);
    EXPECT_TRUE(finder().find("zzzzqqq", 10).empty());
}

}  // namespace
}  // namespace aides
