// aides-serve in-process: its arguments, and /api/aids/ parameters mapped onto the request
// aides-search builds (the HTTP side is tested end to end in tests/serve/).
#include <aides/errors.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "api.hpp"
#include "fifo_slots.hpp"
#include "options.hpp"
#include "test_support.hpp"

namespace aides::serve {
namespace {

const Portals& portals() {
    static const Portals loaded = load_portals(test::corpus("portals"));
    return loaded;
}

SearchRequest map(const Params& params) { return search_request(params, portals()); }

std::string refused_value(const Params& params) {
    try {
        map(params);
    } catch (const UsageError& e) {
        return e.value();
    }
    return "(accepted)";
}

TEST(ServeRequest, AidesTerritoiresNamesMapOntoTheRequest) {
    SearchRequest r = map({{"text", "velo"}, {"commune", "29103"}, {"perimeter", "department:29"},
                           {"targeted_audiences", "commune"}, {"targeted_audiences", "epci"},
                           {"themes", "mobilite-transports"}, {"categories", "mobilite-douce,voirie"},
                           {"aid_type", "financial_group"}, {"mobilization_step", "op"}, {"destinations", "investment"},
                           {"programs", "plan-velo"}, {"backers", "Région Bretagne, Direction"}, {"call_for_projects_only", "true"},
                           {"apply_before", "2027-03-31"}, {"published_after", "2026-01-01"}, {"today", "2026-06-15"},
                           {"include_expired", "true"}, {"order_by", "submission_deadline"}, {"page", "3"}, {"size", "100"},
                           {"facets", "true"}, {"explain", "1"}, {"portal", "petites-villes-de-demain"}, {"unknown", "ignored"}});
    EXPECT_EQ(r.text, "velo");
    EXPECT_EQ(r.commune, "29103");
    EXPECT_EQ(r.perimeter, "department:29");
    EXPECT_EQ(r.audiences, (std::vector<std::string>{"commune", "epci"}));
    EXPECT_EQ(r.themes, (std::vector<std::string>{"mobilite-transports"}));
    EXPECT_EQ(r.categories, (std::vector<std::string>{"mobilite-douce", "voirie"}));
    EXPECT_EQ(r.aid_types, (std::vector<std::string>{"financial_group"}));
    EXPECT_EQ(r.steps, (std::vector<std::string>{"op"}));
    EXPECT_EQ(r.destinations, (std::vector<std::string>{"investment"}));
    EXPECT_EQ(r.programs, (std::vector<std::string>{"plan-velo"}));
    EXPECT_EQ(r.backers, (std::vector<std::string>{"Région Bretagne, Direction"}));  // names keep their commas
    EXPECT_TRUE(r.call_for_projects);
    EXPECT_EQ(r.apply_before, "2027-03-31");
    EXPECT_EQ(r.published_after, "2026-01-01");
    EXPECT_EQ(r.today, "2026-06-15");
    EXPECT_TRUE(r.include_expired);
    EXPECT_EQ(r.order, Order::deadline);
    EXPECT_EQ(r.page, 3);
    EXPECT_EQ(r.size, 100);
    EXPECT_TRUE(r.facets);
    EXPECT_TRUE(r.explain);
    // The portal read once at start, shared by every request naming it.
    ASSERT_NE(r.portal, nullptr);
    EXPECT_EQ(r.portal, portals().at("petites-villes-de-demain"));
    EXPECT_EQ(*r.portal, Portal::load(test::corpus("portals/petites-villes-de-demain.json")));
    EXPECT_EQ(r.portal->programs, std::vector<std::string>{"petites-villes-de-demain"});
}

TEST(ServeRequest, DefaultsAreThoseOfTheCli) {
    SearchRequest r = map({});
    SearchRequest cli;
    EXPECT_EQ(r.page, cli.page);
    EXPECT_EQ(r.size, cli.size);
    EXPECT_EQ(r.order, cli.order);
    EXPECT_EQ(r.snippets, cli.snippets);
    EXPECT_FALSE(r.include_expired);
    EXPECT_EQ(map({{"order_by", "publication_date"}}).order, Order::published);
    EXPECT_EQ(map({{"order_by", "relevance"}}).order, Order::relevance);
}

TEST(ServeRequest, TextKeepsCommasAndRepeatsJoinAsTheCliDoes) {
    EXPECT_EQ(map({{"text", "velo, \"voie verte\""}}).text, "velo, \"voie verte\"");
    EXPECT_EQ(map({{"text", "maison"}, {"text", "sante"}}).text, "maison sante");
}

TEST(ServeRequest, BadValuesAreNamed) {
    EXPECT_EQ(refused_value({{"size", "101"}}), "101");
    EXPECT_EQ(refused_value({{"size", "0"}}), "0");
    EXPECT_EQ(refused_value({{"page", "-1"}}), "-1");
    EXPECT_EQ(refused_value({{"page", "99999999999"}}), "99999999999");
    EXPECT_EQ(refused_value({{"order_by", "price"}}), "price");
    EXPECT_EQ(refused_value({{"facets", "oui"}}), "oui");
    EXPECT_EQ(refused_value({{"strict", "2"}}), "2");
    EXPECT_EQ(refused_value({{"portal", "nulle-part"}}), "nulle-part");
    EXPECT_EQ(refused_value({{"portal", "../portals/petites-villes-de-demain"}}), "../portals/petites-villes-de-demain");
    EXPECT_NE(refused_value({{"text", std::string(1001, 'a')}}), "(accepted)");
    Params many;
    for (int i = 0; i < 51; ++i) many.emplace("themes", "t" + std::to_string(i));
    EXPECT_NE(refused_value(many), "(accepted)");
}

TEST(ServeRequest, StatusHasTheReplicationShape) {
    IndexStatus status;
    status.revision = 7;
    status.committed_at = 1000;
    status.aids = 42;
    auto json = nlohmann::json::parse(status_json(status, 1030));
    EXPECT_EQ(json, (nlohmann::json{{"revision", 7}, {"age_seconds", 30}, {"aids", 42}}));
    EXPECT_EQ(nlohmann::json::parse(status_json(status, 900))["age_seconds"], 0);  // clocks apart
}

ServeParams parse(std::vector<const char*> args) {
    args.insert(args.begin(), "aides-serve");
    return parse_serve_args(static_cast<int>(args.size()), args.data());
}

TEST(ServeOptions, ListenThreadsAndBounds) {
    ServeParams defaults = parse({"--db", "idx"});
    EXPECT_EQ(defaults.db, "idx");
    EXPECT_EQ(defaults.host, "127.0.0.1");
    EXPECT_EQ(defaults.port, 8080);
    ServeParams any = parse({"--db", "idx", "--listen", ":0", "--threads", "4"});
    EXPECT_EQ(any.host, "127.0.0.1");
    EXPECT_EQ(any.port, 0);
    EXPECT_EQ(any.threads, 4);
    ServeParams v6 = parse({"--db", "idx", "--listen", "[::1]:9000"});
    EXPECT_EQ(v6.host, "::1");
    EXPECT_EQ(v6.port, 9000);
    EXPECT_THROW(parse({"--listen", ":0"}), UsageError);  // no --db
    EXPECT_THROW(parse({"--db", "idx", "--listen", "localhost"}), UsageError);
    EXPECT_THROW(parse({"--db", "idx", "--listen", ":70000"}), UsageError);
    EXPECT_THROW(parse({"--db", "idx", "--threads", "0"}), UsageError);
    EXPECT_EQ(defaults.searches, 0);  // as many as threads
    EXPECT_EQ(parse({"--db", "idx", "--searches", "2"}).searches, 2);
    EXPECT_THROW(parse({"--db", "idx", "--searches", "-1"}), UsageError);
    EXPECT_THROW(parse({"--db", "idx", "--searches", "1025"}), UsageError);
    EXPECT_THROW(parse({"--db", "idx", "--bogus"}), UsageError);
    EXPECT_TRUE(parse({"--help"}).help);
}

// --searches: never more holders than slots, and admitted in the order they asked.
TEST(FifoSlots, BoundsHoldersAndAdmitsInOrder) {
    constexpr int slots = 2, workers = 8, rounds = 50;
    FifoSlots gate(slots);
    std::mutex mutex;
    int holding = 0, most = 0;
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w)
        threads.emplace_back([&] {
            for (int r = 0; r < rounds; ++r) {
                FifoSlot slot(gate);
                {
                    std::lock_guard lock(mutex);
                    most = std::max(most, ++holding);
                }
                std::this_thread::yield();
                std::lock_guard lock(mutex);
                --holding;
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_LE(most, slots);
    EXPECT_GE(most, 1);

    // One slot held here: two threads that ask one after the other get it in that order.
    FifoSlots one(1);
    std::vector<int> order;
    std::atomic<int> asked = 0;
    std::thread first, second;
    {
        FifoSlot held(one);
        first = std::thread([&] {
            asked = 1;
            FifoSlot slot(one);
            std::lock_guard lock(mutex);
            order.push_back(1);
        });
        while (asked < 1) std::this_thread::yield();
        // Bounded wait until the first is queued (its ticket taken): at most 2 s.
        for (int i = 0; i < 2000 && one.waiting() < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        EXPECT_EQ(one.waiting(), 1u);
        second = std::thread([&] {
            FifoSlot slot(one);
            std::lock_guard lock(mutex);
            order.push_back(2);
        });
        for (int i = 0; i < 2000 && one.waiting() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        EXPECT_EQ(one.waiting(), 2u);
    }
    first.join();
    second.join();
    EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace aides::serve
