// Deadlines as a person reads them: an ongoing aid's past deadline is stale (sorted and filtered
// as no deadline), --apply-before keeps the aids open today whose deadline falls between today
// and the date; both executors (Xapian's sort, the sort keys in memory) agree.
#include <algorithm>
#include "test_support.hpp"

#include <aides/aides.hpp>

#include <string>
#include <vector>

namespace {

using aides::Order;
using aides::SearchRequest;
using aides::SearchResponse;
using aides::Searcher;
namespace test = aides::test;

constexpr const char* kToday = "2026-06-15";

class Deadlines : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new test::TempDir;
        test::build_index(dir_->str("idx"), {test::fixture("search/deadlines.jsonl")});
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    static SearchRequest request(Order order) {
        SearchRequest r;
        r.commune = "29103";
        r.today = kToday;
        r.order = order;
        return r;
    }
    static test::TempDir* dir_;
};
test::TempDir* Deadlines::dir_ = nullptr;

// The same answer from Xapian's sort and from the filters and sort keys in memory.
SearchResponse both_ways(const std::string& db, SearchRequest r) {
    Searcher searcher(db);
    r.execution = aides::Execution::xapian;
    SearchResponse xapian = test::search(searcher, r);
    r.execution = aides::Execution::memory;
    SearchResponse memory = test::search(searcher, r);
    EXPECT_EQ(test::ids(memory), test::ids(xapian));
    EXPECT_EQ(memory.count, xapian.count);
    return xapian;
}

TEST_F(Deadlines, AStaleDeadlineSortsAsNone) {
    // Soonest first, the aids without a deadline (or with a stale one) last, by docid.
    std::vector<std::string> expected = {"dl-soon", "dl-ongoing-future", "dl-later", "dl-stale", "dl-none", "dl-stale-2"};
    EXPECT_EQ(test::ids(both_ways(dir_->str("idx"), request(Order::deadline))), expected);
    // Without text, relevance is narrowest perimeter first, then the same deadline order.
    std::vector<std::string> by_place = {"dl-stale-2", "dl-soon", "dl-ongoing-future", "dl-later", "dl-stale", "dl-none"};
    EXPECT_EQ(test::ids(both_ways(dir_->str("idx"), request(Order::relevance))), by_place);
    // Paged: the same order across pages.
    SearchRequest r = request(Order::deadline);
    r.size = 4;
    r.page = 2;
    EXPECT_EQ(test::ids(both_ways(dir_->str("idx"), r)), (std::vector<std::string>{"dl-none", "dl-stale-2"}));
    // With text in memory or not, the deadline order holds too.
    // ("revitalisation" also finds the town-centre shops of dl-stale-2 through a related term.)
    r = request(Order::deadline);
    r.text = "diagnostic, fonds, revitalisation";
    EXPECT_EQ(test::ids(both_ways(dir_->str("idx"), r)), (std::vector<std::string>{"dl-soon", "dl-later", "dl-stale", "dl-stale-2"}));
    // By relevance too, both executors page every counted aid: the in-memory ranking once left
    // out an aid matched only through a related term, though it counted it.
    for (const char* text : {"revitalisation", "diagnostic, fonds, revitalisation"}) {
        r = request(Order::relevance);
        r.text = text;
        SearchResponse related = both_ways(dir_->str("idx"), r);
        EXPECT_EQ(related.results.size(), related.count) << text;
    }
}

TEST_F(Deadlines, ApplyBeforeKeepsTheDeadlinesBetweenTodayAndTheDate) {
    SearchRequest r = request(Order::deadline);
    r.apply_before = "2027-03-31";
    SearchResponse response = both_ways(dir_->str("idx"), r);
    EXPECT_EQ(test::ids(response), (std::vector<std::string>{"dl-soon", "dl-ongoing-future", "dl-later"}));
    EXPECT_TRUE(response.warnings.empty());
    // Even with the expired aids kept, a deadline already past is not "to apply before".
    r.include_expired = true;
    EXPECT_EQ(test::ids(both_ways(dir_->str("idx"), r)), (std::vector<std::string>{"dl-soon", "dl-ongoing-future", "dl-later"}));
    r.apply_before = "2026-07-01";
    EXPECT_EQ(test::ids(both_ways(dir_->str("idx"), r)), (std::vector<std::string>{"dl-soon"}));
    // A date before today: nothing, and the response says why.
    r.apply_before = "2026-01-31";
    response = test::search(Searcher(dir_->str("idx")), r);
    EXPECT_EQ(response.count, 0u);
    ASSERT_EQ(response.warnings.size(), 1u);
    EXPECT_NE(response.warnings.front().find("before today"), std::string::npos) << response.warnings.front();
    EXPECT_EQ(response.today, kToday);
}

TEST_F(Deadlines, APagePastTheEndSaysHowManyPagesThereAre) {
    SearchRequest r = request(Order::deadline);
    r.size = 4;
    r.page = 50;
    SearchResponse response = test::search(Searcher(dir_->str("idx")), r);
    EXPECT_EQ(response.count, 6u);
    EXPECT_TRUE(response.results.empty());
    ASSERT_EQ(response.warnings.size(), 1u);
    EXPECT_EQ(response.warnings.front(), "page 50 is past the end: 6 aids make 2 pages of 4");
}

}  // namespace

namespace {
// The overseas collectivities keep the region perimeter the geography gives them: an aid on
// region:987 reaches the communes of Polynésie française, and no other.
TEST_F(Deadlines, AnAidOnAnOverseasCollectivitysRegionReachesItsCommunes) {
    SearchRequest r = request(Order::relevance);
    r.commune = "insee:98735";  // Papeete (98735 is also a postcode of three other communes)
    EXPECT_EQ(test::ids(test::search(Searcher(dir_->str("idx")), r)),
              (std::vector<std::string>{"com-987", "dl-soon", "dl-ongoing-future", "dl-later", "dl-stale", "dl-none"}));
    r.commune.clear();
    r.perimeter = "department:987";
    EXPECT_EQ(test::ids(test::search(Searcher(dir_->str("idx")), r)).front(), "com-987");
    r.perimeter = "region:975";
    auto ids = test::ids(test::search(Searcher(dir_->str("idx")), r));
    EXPECT_EQ(std::count(ids.begin(), ids.end(), "com-987"), 0);
}
}  // namespace
