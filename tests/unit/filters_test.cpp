// Filters, dates, paging, ordering and usage errors: the searcher against a brute force over
// corpus/aides.jsonl (search_oracle.hpp), plus a few hand-written expectations.
#include "search_oracle.hpp"

#include <random>
#include <tuple>

namespace aides {
namespace {

using oracle::json;

constexpr const char* kToday = "2026-06-15";

class Filters : public oracle::CorpusSuite {
  protected:
    /** Base requests the filters are tried in: the whole catalogue, a commune, a department,
     *  an overseas commune. */
    static std::vector<SearchRequest> scopes() {
        std::vector<SearchRequest> out(4);
        out[1].commune = "29103";
        out[2].perimeter = "department:29";
        out[3].commune = "insee:97411";  // also a postcode of other communes
        for (auto& r : out) {
            r.include_expired = true;
            r.today = kToday;
            r.size = 1000;
        }
        return out;
    }

    static std::string describe(const SearchRequest& r) {
        std::string out = r.commune.empty() ? (r.perimeter.empty() ? "everywhere" : r.perimeter) : "commune " + r.commune;
        auto add = [&](const char* name, const std::vector<std::string>& values) {
            for (const auto& v : values) out += std::string(" --") + name + " '" + v + "'";
        };
        add("audience", r.audiences);
        add("theme", r.themes);
        add("category", r.categories);
        add("aid-type", r.aid_types);
        add("step", r.steps);
        add("destination", r.destinations);
        add("program", r.programs);
        add("backer", r.backers);
        add("recurrence", r.recurrences);
        if (r.call_for_projects) out += " --call-for-projects";
        if (r.is_charged) out += *r.is_charged ? " charged" : " free";
        if (!r.include_expired) out += " --today " + r.today;
        if (!r.apply_before.empty()) out += " --apply-before " + r.apply_before;
        if (!r.published_after.empty()) out += " --published-after " + r.published_after;
        return out;
    }

    /** Empty when the searcher and the oracle agree on the set and the count. */
    static std::string check(const SearchRequest& request) {
        SearchResponse response = test::search(*searcher_, request);
        auto expected = oracle::sorted_ids(oracle::matching(records(), oracle::query_of(request)));
        auto actual = oracle::sorted(test::ids(response));
        if (actual != expected) return describe(request) + ": " + oracle::difference(expected, actual, by_id());
        if (response.count != expected.size())
            return describe(request) + ": count " + std::to_string(response.count) + " != " + std::to_string(expected.size());
        return {};
    }

    /** Runs every request, expects no difference, and says how many were empty. */
    static void check_all(const std::vector<SearchRequest>& requests, std::size_t max_empty_share_percent = 100) {
        std::vector<std::string> failures;
        std::size_t empty = 0;
        for (const auto& r : requests) {
            auto failure = check(r);
            if (!failure.empty()) failures.push_back(failure);
            if (oracle::matching(records(), oracle::query_of(r)).empty()) ++empty;
        }
        EXPECT_TRUE(failures.empty()) << failures.size() << " of " << requests.size() << " differ, first: " << failures.front();
        for (std::size_t i = 1; i < failures.size() && i < 8; ++i) ADD_FAILURE() << failures[i];
        // A comparison where everything is empty proves nothing.
        EXPECT_LE(empty * 100, requests.size() * max_empty_share_percent) << empty << " of " << requests.size() << " empty";
    }

    /** The distinct values of a list field in the corpus. */
    static std::vector<std::string> values_of(const char* field) {
        std::set<std::string> out;
        for (const auto& aid : records())
            for (const auto& v : oracle::list(aid, field)) out.insert(v);
        return {out.begin(), out.end()};
    }

    /** One request per scope and value, the value set by `set`. */
    template <typename Set>
    static std::vector<SearchRequest> each(const std::vector<std::string>& values, Set set) {
        std::vector<SearchRequest> out;
        for (const auto& scope : scopes())
            for (const auto& v : values) {
                SearchRequest r = scope;
                set(r, v);
                out.push_back(r);
            }
        return out;
    }

    static std::vector<std::string> search_ids(const SearchRequest& r) { return test::ids(test::search(*searcher_, r)); }
};

const std::vector<std::string> kAudiences = {"commune", "epci", "department", "region", "special", "association",
                                             "private_person", "farmer", "private_sector", "public_cies", "public_org", "researcher"};
const std::vector<std::string> kAidTypes = {"grant", "loan", "recoverable_advance", "cee", "other", "technical_engineering",
                                            "financial_engineering", "legal_engineering", "financial_group", "technical_group"};

TEST_F(Filters, OracleReadsTheTaxonomyAndTheCorpus) {
    // Guards the oracle itself: an empty taxonomy would make the theme comparisons vacuous.
    EXPECT_EQ(oracle::taxonomy().categories.size(), 12u);
    EXPECT_EQ(oracle::taxonomy().theme_of.at("mobilite-douce"), "mobilite-transports");
    EXPECT_EQ(records().size(), 178u);
    EXPECT_EQ(oracle::fold("Région  ÉLÉMENTAIRE Œuvre"), "region elementaire oeuvre");
}

TEST_F(Filters, NoFilterIsEveryPublishedAid) {
    SearchRequest r = scopes()[0];
    EXPECT_EQ(check(r), "");
    EXPECT_EQ(test::search(*searcher_, r).count, 166u);  // 172 published, minus 6 local variants: no place, generic aids shown
}

TEST_F(Filters, Audiences) {
    check_all(each(kAudiences, [](SearchRequest& r, const std::string& v) { r.audiences = {v}; }), 60);
}

TEST_F(Filters, Themes) {
    std::vector<std::string> themes;
    for (const auto& [slug, categories] : oracle::taxonomy().categories) themes.push_back(slug);
    check_all(each(themes, [](SearchRequest& r, const std::string& v) { r.themes = {v}; }), 60);
}

TEST_F(Filters, ThemeIsTheUnionOfItsCategories) {
    for (const auto& [theme, categories] : oracle::taxonomy().categories) {
        SearchRequest by_theme = scopes()[0];
        by_theme.themes = {theme};
        SearchRequest by_categories = scopes()[0];
        by_categories.categories = categories;
        EXPECT_EQ(oracle::sorted(search_ids(by_theme)), oracle::sorted(search_ids(by_categories))) << theme;
    }
}

TEST_F(Filters, Categories) {
    std::vector<std::string> categories;
    for (const auto& [slug, theme] : oracle::taxonomy().theme_of) categories.push_back(slug);
    check_all(each(categories, [](SearchRequest& r, const std::string& v) { r.categories = {v}; }));
}

TEST_F(Filters, AidTypesAndTheirGroups) {
    check_all(each(kAidTypes, [](SearchRequest& r, const std::string& v) { r.aid_types = {v}; }), 70);
    // Hand-written: the financial group holds the corpus's loans and CEE, the technical group
    // its engineering aids; an aid with both kinds is in both.
    SearchRequest financial = scopes()[0], technical = scopes()[0];
    financial.aid_types = {"financial_group"};
    technical.aid_types = {"technical_group"};
    auto f = search_ids(financial), t = search_ids(technical);
    auto has = [](const std::vector<std::string>& ids, const char* id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); };
    EXPECT_TRUE(has(f, "pvd-001"));  // grant only
    EXPECT_FALSE(has(t, "pvd-001"));
    EXPECT_TRUE(has(f, "pvd-002"));  // grant and technical engineering
    EXPECT_TRUE(has(t, "pvd-002"));
}

TEST_F(Filters, StepsDestinationsProgramsRecurrence) {
    check_all(each({"preop", "op", "postop"}, [](SearchRequest& r, const std::string& v) { r.steps = {v}; }), 40);
    check_all(each({"supply", "investment"}, [](SearchRequest& r, const std::string& v) { r.destinations = {v}; }));
    auto programs = values_of("programs");
    check_all(each(programs, [](SearchRequest& r, const std::string& v) { r.programs = {v}; }));
    // A programme no aid has is no silent zero but a usage error naming the closest ones.
    SearchRequest unknown;
    unknown.programs = {"petites-villes-demain"};
    try {
        test::search(*searcher_, unknown);
        ADD_FAILURE() << "an unknown programme is an error";
    } catch (const aides::UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("did you mean: petites-villes-de-demain"), std::string::npos) << e.what();
    }
    check_all(each({"oneoff", "ongoing", "recurring"}, [](SearchRequest& r, const std::string& v) { r.recurrences = {v}; }));
}

TEST_F(Filters, CallForProjectsAndCharged) {
    std::vector<SearchRequest> requests;
    for (auto scope : scopes()) {
        SearchRequest call = scope;
        call.call_for_projects = true;
        SearchRequest charged = scope, free = scope;
        charged.is_charged = true;
        free.is_charged = false;
        requests.insert(requests.end(), {call, charged, free});
    }
    check_all(requests);
    SearchRequest call = scopes()[0];
    call.call_for_projects = true;
    EXPECT_GT(test::search(*searcher_, call).count, 0u);
}

TEST_F(Filters, BackersByWholeNameAnyCaseAnyAccents) {
    std::set<std::string> names;
    for (const auto& aid : records())
        for (const auto& b : oracle::backers_of(aid)) names.insert(b);
    std::vector<std::string> spellings;
    for (const auto& name : names) {
        spellings.push_back(name);
        std::string bare = oracle::fold(name);  // lower case, no accents
        spellings.push_back(bare);
        std::string upper = bare;
        for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        spellings.push_back(upper);
    }
    check_all(each(spellings, [](SearchRequest& r, const std::string& v) { r.backers = {v}; }), 80);
    // Hand-written: an instructor-only name, a partial name, case and accents.
    auto count = [&](const std::string& backer) {
        SearchRequest r = scopes()[0];
        r.backers = {backer};
        return test::search(*searcher_, r).count;
    };
    EXPECT_EQ(count("Préfecture de département"), 4u);  // an instructor only
    EXPECT_EQ(count("prefecture de DEPARTEMENT"), 4u);
    EXPECT_EQ(count("Banque"), 0u);                      // not the whole name
    EXPECT_EQ(count("Banque des Territoires"), count("banque des territoires"));
    EXPECT_EQ(count("  Banque des Territoires "), count("Banque des Territoires"));
    EXPECT_EQ(count("Région Bretagne"), count("REGION BRETAGNE"));
    EXPECT_GT(count("REGION BRETAGNE"), 20u);
}

TEST_F(Filters, OpenOnTodayAndIncludeExpired) {
    std::vector<SearchRequest> requests;
    for (const char* today : {"2024-01-01", "2025-06-30", "2025-12-31", "2026-06-15", "2027-01-01", "2027-06-30", "2028-01-01"})
        for (auto scope : scopes()) {
            scope.include_expired = false;
            scope.today = today;
            requests.push_back(scope);
        }
    check_all(requests);
    // Hand-written: on 2028-01-01 every dated aid has closed, only aids without deadline or
    // ongoing ones are left; with --include-expired they all come back.
    SearchRequest late = scopes()[0];
    late.include_expired = false;
    late.today = "2028-01-01";
    for (const auto& hit : test::search(*searcher_, late).results)
        EXPECT_TRUE(!hit.aid.submission_deadline || hit.aid.recurrence == "ongoing") << hit.aid.id;
    late.include_expired = true;
    EXPECT_EQ(test::search(*searcher_, late).count, 166u);
    // The deadline day itself is still open.
    SearchRequest on_the_day = scopes()[0];
    on_the_day.include_expired = false;
    on_the_day.today = "2027-03-31";
    auto ids = search_ids(on_the_day);
    EXPECT_NE(std::find(ids.begin(), ids.end(), "pvd-003"), ids.end());  // deadline 2027-03-31
    on_the_day.today = "2027-04-01";
    ids = search_ids(on_the_day);
    EXPECT_EQ(std::find(ids.begin(), ids.end(), "pvd-003"), ids.end());
}

TEST_F(Filters, ApplyBeforeAndPublishedAfter) {
    std::vector<SearchRequest> requests;
    for (const char* date : {"2025-06-30", "2026-12-31", "2027-02-15", "2027-03-31", "2030-01-01"})
        for (auto scope : scopes()) {
            scope.apply_before = date;
            requests.push_back(scope);
            scope.include_expired = false;  // with the open rule too
            requests.push_back(scope);
        }
    check_all(requests, 30);
    requests.clear();
    for (const char* date : {"2024-01-01", "2024-06-01", "2025-01-01", "2026-01-15", "2026-06-01", "2030-01-01"})
        for (auto scope : scopes()) {
            scope.published_after = date;
            requests.push_back(scope);
        }
    check_all(requests, 30);
    // Hand-written: aids without deadline are dropped by --apply-before, even far away.
    SearchRequest r = scopes()[0];
    r.apply_before = "2100-01-01";
    for (const auto& hit : test::search(*searcher_, r).results) EXPECT_TRUE(hit.aid.submission_deadline.has_value()) << hit.aid.id;
    // Published on the very day is kept.
    SearchRequest day = scopes()[0];
    day.published_after = "2026-01-15";
    auto ids = search_ids(day);
    EXPECT_NE(std::find(ids.begin(), ids.end(), "pvd-003"), ids.end());  // published 2026-01-15
}

TEST_F(Filters, RepeatedValuesAreOredDifferentFlagsAnded) {
    // Hand-written first: two audiences are a union, two flags an intersection.
    SearchRequest a = scopes()[0], b = scopes()[0], both = scopes()[0], and_ = scopes()[0];
    a.audiences = {"association"};
    b.audiences = {"farmer"};
    both.audiences = {"association", "farmer"};
    auto ua = search_ids(a), ub = search_ids(b);
    std::set<std::string> united(ua.begin(), ua.end());
    united.insert(ub.begin(), ub.end());
    EXPECT_EQ(oracle::sorted(search_ids(both)), std::vector<std::string>(united.begin(), united.end()));
    and_.audiences = {"association"};
    and_.aid_types = {"technical_group"};
    for (const auto& id : search_ids(and_)) {
        const json& aid = *by_id().at(id);
        EXPECT_TRUE(oracle::shares(oracle::list(aid, "targeted_audiences"), {"association"})) << id;
        EXPECT_TRUE(oracle::shares(oracle::list(aid, "aid_types"), oracle::expand_aid_type("technical_group"))) << id;
    }
    // Then 300 random combinations against the oracle (fixed seed).
    std::vector<std::string> themes, categories;
    for (const auto& [slug, cats] : oracle::taxonomy().categories) themes.push_back(slug);
    for (const auto& [slug, theme] : oracle::taxonomy().theme_of) categories.push_back(slug);
    std::vector<std::string> backers;
    for (const auto& aid : records())
        for (const auto& name : oracle::backers_of(aid)) backers.push_back(name);
    auto programs = values_of("programs");
    const std::vector<std::string> steps = {"preop", "op", "postop"}, destinations = {"supply", "investment"},
                                   recurrences = {"oneoff", "ongoing", "recurring"};
    std::mt19937 random(6);
    auto some = [&](const std::vector<std::string>& from) {
        EXPECT_FALSE(from.empty());
        std::vector<std::string> out;
        if (from.empty()) return out;
        int n = 1 + static_cast<int>(random() % 2);
        for (int i = 0; i < n; ++i) out.push_back(from[random() % from.size()]);
        return out;
    };
    std::vector<SearchRequest> requests;
    const char* dates[] = {"2025-09-01", "2026-06-15", "2027-01-31", "2027-04-30"};
    for (int i = 0; i < 300; ++i) {
        SearchRequest r = scopes()[random() % 4];
        int flags = 2 + static_cast<int>(random() % 3);
        for (int f = 0; f < flags; ++f) {
            switch (random() % 13) {
                case 0: r.audiences = some(kAudiences); break;
                case 1: r.themes = some(themes); break;
                case 2: r.categories = some(categories); break;
                case 3: r.aid_types = some(kAidTypes); break;
                case 4: r.steps = some(steps); break;
                case 5: r.destinations = some(destinations); break;
                case 6: r.programs = some(programs); break;
                case 7: r.backers = some(backers); break;
                case 8: r.recurrences = some(recurrences); break;
                case 9: r.call_for_projects = true; break;
                case 10: r.is_charged = random() % 2 == 0; break;
                case 11:
                    r.include_expired = false;
                    r.today = dates[random() % 4];
                    break;
                case 12:
                    if (random() % 2) r.apply_before = dates[random() % 4];
                    else r.published_after = dates[random() % 3];
                    break;
            }
        }
        requests.push_back(r);
    }
    check_all(requests, 85);
}

TEST_F(Filters, PagesConcatenateToTheFullListWithAnExactCount) {
    for (Order order : {Order::relevance, Order::deadline, Order::published}) {
        for (auto scope : scopes()) {
            scope.order = order;
            SearchResponse all = test::search(*searcher_, scope);
            ASSERT_EQ(all.count, all.results.size());
            ASSERT_GT(all.count, 7u);
            std::vector<std::string> pages;
            for (int page = 1;; ++page) {
                SearchRequest r = scope;
                r.size = 7;
                r.page = page;
                SearchResponse response = test::search(*searcher_, r);
                EXPECT_EQ(response.count, all.count) << describe(r) << " page " << page;
                EXPECT_EQ(response.page, page);
                EXPECT_EQ(response.size, 7);
                if (response.results.empty()) break;
                EXPECT_LE(response.results.size(), 7u);
                for (auto& id : test::ids(response)) pages.push_back(id);
                ASSERT_LT(page, 100);
            }
            EXPECT_EQ(pages, test::ids(all)) << describe(scope);
        }
    }
    // The default size is 20.
    SearchRequest r = scopes()[0];
    r.size = SearchRequest{}.size;
    EXPECT_EQ(test::search(*searcher_, r).results.size(), 20u);
}

/** The oracle's matching aids of a request, by id. */
std::vector<const json*> hits_as_records(const SearchResponse& response, const std::map<std::string, const json*>& by_id) {
    std::vector<const json*> out;
    for (const auto& hit : response.results) out.push_back(by_id.at(hit.aid.id));
    return out;
}

TEST_F(Filters, OrderDeadlineIsSoonestFirstNoDeadlineLast) {
    for (auto scope : scopes()) {
        scope.order = Order::deadline;
        auto hits = hits_as_records(test::search(*searcher_, scope), by_id());
        std::vector<std::string> keys, expected;
        for (const json* aid : hits) keys.push_back(oracle::deadline_key(*aid, kToday));
        for (const json* aid : oracle::matching(records(), oracle::query_of(scope))) expected.push_back(oracle::deadline_key(*aid, kToday));
        std::sort(expected.begin(), expected.end());
        EXPECT_EQ(keys, expected) << describe(scope);
        ASSERT_FALSE(hits.empty());
        EXPECT_FALSE(oracle::deadline_of(*hits.back()).has_value()) << "aids without deadline come last";
    }
}

TEST_F(Filters, OrderPublishedIsNewestFirst) {
    for (auto scope : scopes()) {
        scope.order = Order::published;
        auto hits = hits_as_records(test::search(*searcher_, scope), by_id());
        std::vector<std::string> keys, expected;
        for (const json* aid : hits) keys.push_back(oracle::published_of(*aid));
        for (const json* aid : oracle::matching(records(), oracle::query_of(scope))) expected.push_back(oracle::published_of(*aid));
        std::sort(expected.rbegin(), expected.rend());
        EXPECT_EQ(keys, expected) << describe(scope);
    }
}

TEST_F(Filters, RelevanceWithoutTextIsNarrowestPerimeterThenSoonestDeadline) {
    // mainland and overseas are one step of the scale order; either they tie (then the deadline
    // decides) or mainland comes first: both are accepted.
    using Key = std::tuple<int, int, std::string>;  // scale rank, mainland 0 / overseas 1, deadline
    auto key = [](const json& aid) {
        std::string p = oracle::perimeter_of(aid);
        return Key{oracle::scale_rank(p), oracle::scale_of(p) == "overseas" ? 1 : 0, oracle::deadline_key(aid, kToday)};
    };
    auto tied = [](Key k) {
        std::get<1>(k) = 0;
        return k;
    };
    for (auto scope : scopes()) {
        for (bool expired : {true, false}) {
            scope.include_expired = expired;
            auto hits = hits_as_records(test::search(*searcher_, scope), by_id());
            std::vector<Key> keys, expected;
            for (const json* aid : hits) keys.push_back(key(*aid));
            for (const json* aid : oracle::matching(records(), oracle::query_of(scope))) expected.push_back(key(*aid));
            std::vector<Key> split = expected, together;
            std::sort(split.begin(), split.end());
            std::vector<Key> keys_tied;
            for (const auto& k : keys) keys_tied.push_back(tied(k));
            for (const auto& k : expected) together.push_back(tied(k));
            std::sort(together.begin(), together.end());
            EXPECT_TRUE(keys == split || keys_tied == together) << describe(scope) << (expired ? "" : " (open only)");
            EXPECT_EQ(hits.size(), expected.size()) << describe(scope);
        }
    }
    // Hand-written: for Landerneau the commune's own aids come first and Europe's last.
    SearchRequest r = scopes()[1];
    SearchResponse response = test::search(*searcher_, r);
    ASSERT_FALSE(response.results.empty());
    EXPECT_EQ(response.results.front().aid.perimeter, "commune:29103");
    EXPECT_EQ(response.results.back().aid.perimeter, "continent:EU");
    // Scores are 0 without text.
    for (const auto& hit : response.results) EXPECT_EQ(hit.score, 0.0);
}

struct BadValue {
    const char* name;
    void (*set)(SearchRequest&);
    const char* value;
};

class FilterUsageErrors : public Filters, public ::testing::WithParamInterface<BadValue> {};

TEST_P(FilterUsageErrors, ThrowUsageErrorNamingTheValue) {
    SearchRequest r = scopes()[1];
    GetParam().set(r);
    try {
        test::search(*searcher_, r);
        ADD_FAILURE() << GetParam().name << ": no error";
    } catch (const UsageError& e) {
        EXPECT_EQ(e.value(), GetParam().value) << e.what();
        EXPECT_NE(std::string(e.what()).find(GetParam().value), std::string::npos) << e.what();
    }
}

INSTANTIATE_TEST_SUITE_P(
    BadValues, FilterUsageErrors,
    ::testing::Values(BadValue{"audience", [](SearchRequest& r) { r.audiences = {"commune", "martians"}; }, "martians"},
                      BadValue{"aid_type", [](SearchRequest& r) { r.aid_types = {"gift"}; }, "gift"},
                      BadValue{"step", [](SearchRequest& r) { r.steps = {"later"}; }, "later"},
                      BadValue{"destination", [](SearchRequest& r) { r.destinations = {"nowhere"}; }, "nowhere"},
                      BadValue{"recurrence", [](SearchRequest& r) { r.recurrences = {"sometimes"}; }, "sometimes"},
                      BadValue{"theme", [](SearchRequest& r) { r.themes = {"astronomie"}; }, "astronomie"},
                      BadValue{"category", [](SearchRequest& r) { r.categories = {"planetes"}; }, "planetes"},
                      BadValue{"today", [](SearchRequest& r) { r.today = "2026-02-30"; }, "2026-02-30"},
                      BadValue{"today_not_leap", [](SearchRequest& r) { r.today = "2025-02-29"; }, "2025-02-29"},
                      BadValue{"apply_before", [](SearchRequest& r) { r.apply_before = "2026-13-01"; }, "2026-13-01"},
                      BadValue{"published_after", [](SearchRequest& r) { r.published_after = "31/12/2026"; }, "31/12/2026"},
                      BadValue{"size_0", [](SearchRequest& r) { r.size = 0; }, "0"},
                      BadValue{"size_1001", [](SearchRequest& r) { r.size = 1001; }, "1001"},
                      BadValue{"page_0", [](SearchRequest& r) { r.page = 0; }, "0"}),
    [](const ::testing::TestParamInfo<BadValue>& info) { return std::string(info.param.name); });

TEST_F(Filters, SizeBoundsAreAccepted) {
    SearchRequest r = scopes()[0];
    r.size = 1;
    EXPECT_EQ(test::search(*searcher_, r).results.size(), 1u);
    r.size = 1000;
    EXPECT_NO_THROW(test::search(*searcher_, r));
}

TEST_F(Filters, LabelsDashSpellingsAndCaseAreTheMachineValues) {
    struct Same {
        void (*label)(SearchRequest&);
        void (*machine)(SearchRequest&);
        const char* what;
    };
    const Same cases[] = {
        {[](SearchRequest& r) { r.audiences = {"Communes"}; }, [](SearchRequest& r) { r.audiences = {"commune"}; }, "Communes"},
        {[](SearchRequest& r) { r.audiences = {"Intercommunalités / Pays"}; }, [](SearchRequest& r) { r.audiences = {"epci"}; }, "Intercommunalités / Pays"},
        {[](SearchRequest& r) { r.audiences = {"private-sector"}; }, [](SearchRequest& r) { r.audiences = {"private_sector"}; }, "private-sector"},
        {[](SearchRequest& r) { r.aid_types = {"Subvention"}; }, [](SearchRequest& r) { r.aid_types = {"grant"}; }, "Subvention"},
        {[](SearchRequest& r) { r.aid_types = {"GRANT"}; }, [](SearchRequest& r) { r.aid_types = {"grant"}; }, "GRANT"},
        {[](SearchRequest& r) { r.aid_types = {"technical-engineering"}; }, [](SearchRequest& r) { r.aid_types = {"technical_engineering"}; }, "technical-engineering"},
        {[](SearchRequest& r) { r.aid_types = {"Ingénierie technique"}; }, [](SearchRequest& r) { r.aid_types = {"technical_engineering"}; }, "Ingénierie technique"},
        {[](SearchRequest& r) { r.aid_types = {"financial-group"}; }, [](SearchRequest& r) { r.aid_types = {"financial_group"}; }, "financial-group"},
        {[](SearchRequest& r) { r.steps = {"Mise en œuvre / réalisation"}; }, [](SearchRequest& r) { r.steps = {"op"}; }, "Mise en œuvre"},
        {[](SearchRequest& r) { r.destinations = {"Dépenses d'investissement"}; }, [](SearchRequest& r) { r.destinations = {"investment"}; }, "Dépenses d'investissement"},
        {[](SearchRequest& r) { r.recurrences = {"Permanente"}; }, [](SearchRequest& r) { r.recurrences = {"ongoing"}; }, "Permanente"},
        {[](SearchRequest& r) { r.recurrences = {"Ponctuelle"}; }, [](SearchRequest& r) { r.recurrences = {"oneoff"}; }, "Ponctuelle"},
    };
    for (const auto& c : cases) {
        SearchRequest label = scopes()[0], machine = scopes()[0];
        c.label(label);
        c.machine(machine);
        std::vector<std::string> got;
        try {
            got = search_ids(label);
        } catch (const UsageError& e) {
            ADD_FAILURE() << c.what << ": " << e.what();
            continue;
        }
        auto expected = search_ids(machine);
        EXPECT_FALSE(expected.empty()) << c.what;
        EXPECT_EQ(got, expected) << c.what;
    }
}

// Xapian 1.4.22 fails ("Unexpected end of posting list") when a bare term indexing every document
// of an index with deletions is matched with BoolWeight to the end. A filter every aid passes,
// after deletions, must still answer, and answer as no filter at all, on either executor.
TEST(FilterEveryAidPasses, AfterDeletionsAnswersAsNoFilter) {
    test::TempDir dir;
    std::string lines;
    std::vector<std::string> ids;
    for (json aid : oracle::corpus_records()) {
        aid["targeted_audiences"] = json::array({"commune"});
        ids.push_back(aid["id"].is_string() ? aid["id"].get<std::string>() : aid["id"].dump());
        lines += aid.dump() + "\n";
    }
    test::write_file(dir.str("all-communes.jsonl"), lines);
    test::build_index(dir.str("idx"), {dir.str("all-communes.jsonl")});
    std::vector<std::string> gone;
    for (std::size_t i = 3; i < ids.size(); i += 7) gone.push_back(ids[i]);
    {
        IndexOptions options;
        options.geography_path = test::geography_file();
        Index index = Index::open(dir.str("idx"), options);
        ASSERT_EQ(index.remove(gone).removed.size(), gone.size());
    }
    Searcher searcher(dir.str("idx"));
    for (int round = 0; round < 2; ++round)
        for (Order order : {Order::relevance, Order::deadline, Order::published}) {
            SearchRequest all;
            all.today = kToday;
            all.include_expired = true;
            all.order = order;
            all.size = 1000;
            SearchRequest communes = all;
            communes.audiences = {"commune"};
            SearchResponse expected = test::search(Searcher(dir.str("idx")), all);
            EXPECT_GT(expected.count, 100u);
            for (Execution execution : {Execution::automatic, Execution::xapian, Execution::memory}) {
                communes.execution = execution;
                SearchResponse response = test::search(searcher, communes);
                EXPECT_EQ(response.count, expected.count) << to_string(execution);
                EXPECT_EQ(test::ids(response), test::ids(expected)) << to_string(execution);
            }
        }
}

}  // namespace
}  // namespace aides
