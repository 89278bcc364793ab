// The two executors of a plan (search/xapian, search/memory) and the execution policy: each path
// is taken when asked for and says so, a search memory cannot run falls back to Xapian and says
// why, and both give the same answer. The equivalence harness (test::search with
// AIDES_EQUIVALENCE_CHECK=1) is checked here too: it must see a difference when there is one.
#include "test_support.hpp"

#include <nlohmann/json.hpp>

#include <functional>

namespace aides {
namespace {

class Executors : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new test::TempDir;
        test::build_index(dir_->str("idx"), {test::corpus("aides.jsonl")});
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    static SearchRequest request(const std::string& text, Execution execution) {
        SearchRequest r;
        r.text = text;
        r.today = "2026-06-15";
        r.facets = true;
        r.explain = true;
        r.execution = execution;
        return r;
    }
    static test::TempDir* dir_;
};
test::TempDir* Executors::dir_ = nullptr;

TEST_F(Executors, EachPathIsTakenWhenAskedForAndSaysSo) {
    for (const char* text : {"vélo", "habitat logement, commerce", ""}) {
        SCOPED_TRACE(text);
        // A fresh searcher each time: memory must not need a warm cache.
        SearchResponse memory = Searcher(dir_->str("idx")).search(request(text, Execution::memory));
        SearchResponse xapian = Searcher(dir_->str("idx")).search(request(text, Execution::xapian));
        ASSERT_TRUE(memory.execution && xapian.execution);
        EXPECT_EQ(memory.execution->requested, Execution::memory);
        EXPECT_EQ(memory.execution->used, Execution::memory) << memory.execution->fallback;
        EXPECT_TRUE(memory.execution->fallback.empty());
        EXPECT_EQ(xapian.execution->requested, Execution::xapian);
        EXPECT_EQ(xapian.execution->used, Execution::xapian);
        EXPECT_GT(xapian.count, 0u);
        EXPECT_EQ(test::executor_differences(xapian, memory), std::vector<std::string>{});
        // The JSON of --explain names the executor that answered.
        auto json = nlohmann::json::parse(to_json(memory));
        EXPECT_EQ(json["explain"]["executor"], "memory");
        EXPECT_EQ(json["explain"]["requested"], "memory");
        EXPECT_EQ(nlohmann::json::parse(to_json(xapian))["explain"]["executor"], "xapian");
    }
}

TEST_F(Executors, AutoStartsWithXapianThenAnswersFromMemory) {
    Searcher searcher(dir_->str("idx"));
    SearchResponse first = searcher.search(request("vélo", Execution::automatic));
    ASSERT_TRUE(first.execution);
    EXPECT_EQ(first.execution->requested, Execution::automatic);
    EXPECT_EQ(first.execution->used, Execution::xapian) << "a fresh searcher reads a posting list once with Xapian";
    SearchResponse later;
    for (int use = 0; use < 3; ++use) later = searcher.search(request("vélo", Execution::automatic));
    ASSERT_TRUE(later.execution);
    EXPECT_EQ(later.execution->used, Execution::memory) << "from their second use, the lists are in memory";
    EXPECT_EQ(test::executor_differences(first, later), std::vector<std::string>{});
}

TEST_F(Executors, WhatMemoryCannotRunFallsBackToXapianAndSaysWhy) {
    Searcher searcher(dir_->str("idx"));
    struct Case {
        SearchRequest request;
        const char* reason;
    };
    SearchRequest like = request("", Execution::memory);
    like.like = searcher.search(request("vélo", Execution::xapian)).results.at(0).aid.id;
    SearchRequest stopwords = request("le de la", Execution::memory);
    for (const Case& c : {Case{like, "--like"}, Case{stopwords, "stopwords"}}) {
        SCOPED_TRACE(c.request.text + c.request.like);
        SearchResponse response = searcher.search(c.request);
        ASSERT_TRUE(response.execution);
        EXPECT_EQ(response.execution->used, Execution::xapian);
        EXPECT_NE(response.execution->fallback.find(c.reason), std::string::npos) << response.execution->fallback;
        EXPECT_EQ(nlohmann::json::parse(to_json(response))["explain"]["fallback"], response.execution->fallback);
        EXPECT_EQ(test::compare_executors(searcher, c.request), std::vector<std::string>{});
    }
    // Without explain, no report.
    SearchRequest quiet = request("vélo", Execution::memory);
    quiet.explain = false;
    SearchResponse response = searcher.search(quiet);
    EXPECT_FALSE(response.execution);
    EXPECT_FALSE(nlohmann::json::parse(to_json(response)).contains("explain"));
}

// A phrase's documents are read once (by Xapian, over the whole index) and kept: then memory
// weighs it as Xapian 1.4 does, the AND of its words where they stand together.
TEST_F(Executors, APhraseRunsInMemoryOnceItsDocumentsAreRead) {
    Searcher searcher(dir_->str("idx"));
    for (const char* text : {"\"maison de santé\"", "\"maison de santé\" rénovation", "maison de santé, vélo"}) {
        SCOPED_TRACE(text);
        SearchRequest phrase = request(text, Execution::memory);
        SearchResponse response = searcher.search(phrase);
        ASSERT_TRUE(response.execution);
        EXPECT_EQ(response.execution->used, Execution::memory) << response.execution->fallback;
        EXPECT_GT(response.count, 0u);
        EXPECT_EQ(test::compare_executors(searcher, phrase), std::vector<std::string>{});
    }
    // Automatic: Xapian's the first time, memory from the phrase's second use.
    SearchResponse first = searcher.search(request("\"centre de santé\"", Execution::automatic));
    SearchResponse later = searcher.search(request("\"centre de santé\"", Execution::automatic));
    ASSERT_TRUE(first.execution && later.execution);
    EXPECT_EQ(first.execution->used, Execution::xapian);
    EXPECT_EQ(later.execution->used, Execution::memory) << later.execution->fallback;
    EXPECT_EQ(test::executor_differences(first, later), std::vector<std::string>{});
}

// The harness compares what it says it compares: each kind of difference is seen.
TEST_F(Executors, TheEquivalenceCheckSeesEveryDifference) {
    Searcher searcher(dir_->str("idx"));
    SearchRequest r = request("rénovation, vélo", Execution::xapian);
    r.size = 5;
    const SearchResponse base = searcher.search(r);
    ASSERT_GE(base.results.size(), 3u);
    EXPECT_TRUE(test::executor_differences(base, base).empty());
    auto differs = [&](const std::function<void(SearchResponse&)>& change) {
        SearchResponse other = base;
        change(other);
        return !test::executor_differences(base, other).empty();
    };
    EXPECT_TRUE(differs([](SearchResponse& o) { std::swap(o.results[0], o.results[1]); }));
    EXPECT_TRUE(differs([](SearchResponse& o) { ++o.count; }));
    EXPECT_TRUE(differs([](SearchResponse& o) { ++o.partial_count; }));
    EXPECT_TRUE(differs([](SearchResponse& o) { o.results[2].score += 1e-6; }));
    EXPECT_TRUE(differs([](SearchResponse& o) { o.facets->begin()->second.begin()->second += 1; }));
    EXPECT_TRUE(differs([](SearchResponse& o) { o.results[1].snippet += "x"; }));
    EXPECT_TRUE(differs([](SearchResponse& o) { o.relaxed = !o.relaxed; }));
    // Float noise and the executor report are not differences.
    EXPECT_FALSE(differs([](SearchResponse& o) { o.results[2].score += 1e-13; }));
    EXPECT_FALSE(differs([](SearchResponse& o) { o.execution->used = Execution::memory; }));
}

}  // namespace
}  // namespace aides
