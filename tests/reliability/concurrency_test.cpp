// Concurrency: searches answer from one whole commit while a writer commits again and again;
// a second writer is refused with "index is locked" and changes nothing.
#include "reliability_support.hpp"

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace aides {
namespace {

using test::TempDir;

constexpr std::size_t batch_size = 20;

// Batch g holds ids c-<g>-<k>, every one with the word "concurrence".
std::vector<Aid> batch(std::size_t g) {
    std::vector<Aid> out;
    for (std::size_t k = 0; k < batch_size; ++k) {
        Aid aid;
        aid.id = "c-" + std::to_string(g) + "-" + std::to_string(k);
        aid.name = "Aide concurrence lot " + std::to_string(g) + " numéro " + std::to_string(k);
        aid.description = "Soutien à la rénovation des écoles, lot " + std::to_string(g);
        aid.targeted_audiences = {"commune"};
        aid.aid_types = {"grant"};
        out.push_back(std::move(aid));
    }
    return out;
}

SearchRequest concurrence() {
    SearchRequest request;
    request.text = "concurrence";
    request.include_expired = true;
    request.size = 1000;
    return request;
}

// A new index of batch 0, in `dir`.
std::string index_of_first_batch(const TempDir& dir) {
    IndexOptions options;
    options.geography_path = test::geography_file();
    Index::open(dir.str("index"), options).add(batch(0));
    return dir.str("index");
}

// A response is correct when it is the answer of one commit: batches 0..g-1 exactly.
::testing::AssertionResult whole_commit(const SearchResponse& response) {
    if (response.count != response.results.size())
        return ::testing::AssertionFailure() << "count " << response.count << " but " << response.results.size() << " results";
    if (response.count % batch_size != 0 || response.count == 0)
        return ::testing::AssertionFailure() << "count " << response.count << " is not a whole number of batches";
    std::set<std::string> got, expected;
    for (const auto& hit : response.results) got.insert(hit.aid.id);
    for (std::size_t g = 0; g < response.count / batch_size; ++g)
        for (const auto& aid : batch(g)) expected.insert(aid.id);
    if (got != expected) return ::testing::AssertionFailure() << "the results mix commits";
    return ::testing::AssertionSuccess();
}

TEST(Concurrency, SearchesAnswerWhileAWriterCommits) {
    TempDir dir;
    const std::string db = dir.str("index");
    IndexOptions options;
    options.geography_path = test::geography_file();
    constexpr std::size_t commits = 30;
    {
        Index index = Index::open(db, options);
        index.add(batch(0));
    }
    Searcher shared(db);  // one searcher for several threads, opened before the commits
    std::atomic<bool> writing{true};
    std::atomic<std::size_t> searches{0}, failures{0}, latest_seen{0};
    std::vector<std::string> first_failures;
    std::mutex failures_mutex;
    auto fail = [&](const std::string& what) {
        ++failures;
        std::lock_guard lock(failures_mutex);
        if (first_failures.size() < 5) first_failures.push_back(what);
    };

    std::thread writer([&] {
        try {
            Index index = Index::open(db);
            for (std::size_t g = 1; g < commits; ++g) {
                index.add(batch(g));
                // 10 commits a second, far more than aides-index runs ever make. (Xapian keeps the
                // revision a reader holds until the second commit after it: a search slower than
                // two commits is retried, and one that never gets that time fails.)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        } catch (const std::exception& e) {
            fail(std::string("writer: ") + e.what());
        }
        writing = false;
    });
    auto reader = [&](bool fresh_each_time) {
        do {
            const char* step = "open";
            try {
                std::optional<Searcher> fresh;
                if (fresh_each_time) fresh.emplace(db);
                step = "search";
                SearchResponse response = fresh ? fresh->search(concurrence()) : shared.search(concurrence());
                ++searches;
                auto ok = whole_commit(response);
                if (!ok) fail(ok.message());
                std::size_t seen = response.count / batch_size;
                for (std::size_t prev = latest_seen; seen > prev && !latest_seen.compare_exchange_weak(prev, seen);) {
                }
                // A look-up by id sees the first batch in every commit.
                step = "get";
                if (!fresh_each_time && !shared.get("c-0-0")) fail("get(c-0-0) found nothing");
            } catch (const std::exception& e) {
                fail(std::string(fresh_each_time ? "new searcher, " : "shared searcher, ") + step + ": " + e.what());
            }
        } while (writing);
    };
    std::vector<std::thread> readers;
    readers.emplace_back(reader, false);
    readers.emplace_back(reader, false);
    readers.emplace_back(reader, true);
    writer.join();
    for (auto& thread : readers) thread.join();

    EXPECT_EQ(failures, 0u) << [&] {
        std::string all;
        for (const auto& f : first_failures) all += "\n  " + f;
        return all;
    }();
    EXPECT_GT(searches, commits) << "the readers did not overlap the commits";
    // After the writer, a new searcher sees every commit.
    SearchResponse last = Searcher(db).search(concurrence());
    EXPECT_EQ(last.count, commits * batch_size);
    EXPECT_TRUE(whole_commit(last));
    std::cout << "[ figures  ] " << commits << " commits, " << searches << " concurrent searches, each from one whole commit"
              << std::endl;
}

TEST(Concurrency, LongLivedSearcherSeesNewCommits) {
    // A portal keeps one Searcher for its lifetime: each commit must show in its next search.
    TempDir dir;
    const std::string db = index_of_first_batch(dir);
    Searcher searcher(db);
    ASSERT_EQ(searcher.search(concurrence()).count, batch_size);
    for (std::size_t g = 1; g <= 3; ++g) {
        Index::open(db).add(batch(g));
        EXPECT_EQ(searcher.search(concurrence()).count, (g + 1) * batch_size) << "after commit " << g;
        EXPECT_TRUE(searcher.get("c-" + std::to_string(g) + "-0").has_value()) << "after commit " << g;
        EXPECT_EQ(searcher.size(), (g + 1) * batch_size) << "after commit " << g;
    }
    Index::open(db).remove({"c-0-0"});
    EXPECT_FALSE(searcher.get("c-0-0").has_value()) << "a removed aid is still served";
}

TEST(Concurrency, LongLivedSearcherShowsAReplacedAidsNewRecord) {
    // The searcher keeps the records of the pages it showed: a replaced aid keeps its docid, and
    // its new record must show in the next search.
    TempDir dir;
    const std::string db = index_of_first_batch(dir);
    Searcher searcher(db);
    auto name_shown = [&](const std::string& id) {
        for (const auto& hit : searcher.search(concurrence()).results)
            if (hit.aid.id == id) return hit.aid.name;
        return std::string("(not shown)");
    };
    ASSERT_EQ(name_shown("c-0-3"), batch(0)[3].name);
    for (int round = 1; round <= 2; ++round) {
        Aid changed = batch(0)[3];
        changed.name = "Aide concurrence renommée " + std::to_string(round);
        Index::open(db).add({changed});
        EXPECT_EQ(name_shown("c-0-3"), changed.name) << "round " << round;
        EXPECT_EQ(searcher.get("c-0-3")->name, changed.name) << "round " << round;
    }
}

TEST(Concurrency, SecondWriterInProcessGetsIndexLockedError) {
    TempDir dir;
    IndexOptions options;
    options.geography_path = test::geography_file();
    Index first = Index::open(dir.str("index"), options);
    first.add(batch(0));
    try {
        Index second = Index::open(dir.str("index"));
        FAIL() << "a second writer opened the index";
    } catch (const IndexLockedError& e) {
        EXPECT_NE(std::string(e.what()).find("index is locked"), std::string::npos) << e.what();
    }
    // Readers are never locked out.
    EXPECT_EQ(Searcher(dir.str("index")).search(concurrence()).count, batch_size);
}

TEST(Concurrency, SecondIndexerProcessExitsWithIndexIsLocked) {
    TempDir dir;
    const std::string db = dir.str("index");
    test::write_file(dir.str("base.jsonl"), test::generated_records(0, 50, "base"));
    ASSERT_EQ(test::run_process({test::bin("aides-index"), "--db", db, "--input", dir.str("base.jsonl")}).status, 0);
    const test::Fingerprint before = test::fingerprint(db);

    // The first writer reads its records from a pipe: it holds the index, mid-transaction,
    // for as long as the pipe stays open.
    signal(SIGPIPE, SIG_IGN);  // should the writer die, the test fails on its status, not on a signal
    std::string fifo = dir.str("records.fifo");
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    test::Process first({test::bin("aides-index"), "--db", db, "--input", "-"}, fifo);
    std::ofstream pipe(fifo);
    pipe << test::generated_records(1000, 10000, "first") << std::flush;
    // "10000 records read" proves it has the index open and is writing.
    for (int i = 0; i < 600 && first.err_so_far().find("10000 records read") == std::string::npos; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_NE(first.err_so_far().find("10000 records read"), std::string::npos) << first.err_so_far();

    test::write_file(dir.str("second.jsonl"), test::generated_records(0, 10, "second", "second"));
    auto second = test::run_process({test::bin("aides-index"), "--db", db, "--input", dir.str("second.jsonl")});
    EXPECT_EQ(second.status, 1) << second.err;
    EXPECT_NE(second.err.find("index is locked"), std::string::npos) << second.err;
    EXPECT_EQ(test::lines_of(second.err).size(), 1u) << second.err;
    auto deleting = test::run_process({test::bin("aides-index"), "--db", db, "--delete", "gen-1"});
    EXPECT_EQ(deleting.status, 1) << deleting.err;
    EXPECT_EQ(test::fingerprint(db), before) << "a refused writer or the open one changed the committed index";

    pipe << test::generated_records(11000, 10, "first");
    pipe.close();
    auto done = first.wait();
    EXPECT_EQ(done.status, 0) << done.err;
    auto after = test::fingerprint(db);
    EXPECT_EQ(after.ids.size(), 50u + 10010u);
    EXPECT_TRUE(std::binary_search(after.ids.begin(), after.ids.end(), "gen-1"));
    EXPECT_FALSE(std::binary_search(after.ids.begin(), after.ids.end(), "second-0"));
}

TEST(Concurrency, SearchProcessesAnswerWhileIndexerProcessesCommit) {
    TempDir dir;
    const std::string db = dir.str("index");
    constexpr int runs = 8;
    for (int g = 0; g < runs; ++g)
        test::write_file(dir.str("batch" + std::to_string(g) + ".jsonl"), test::generated_records(g * 100, 100, "lot"));
    ASSERT_EQ(test::run_process({test::bin("aides-index"), "--db", db, "--input", dir.str("batch0.jsonl"), "-q"}).status, 0);
    std::atomic<bool> writing{true};
    std::atomic<int> writer_failures{0};
    std::thread writer([&] {
        for (int g = 1; g < runs; ++g)
            if (test::run_process({test::bin("aides-index"), "--db", db, "--input", dir.str("batch" + std::to_string(g) + ".jsonl"), "-q"}).status != 0)
                ++writer_failures;
        writing = false;
    });
    int searches = 0;
    do {
        auto result = test::run_process({test::bin("aides-search"), "--db", db, "--include-expired", "--size", "1000", "--format", "json"});
        ++searches;
        EXPECT_EQ(result.status, 0) << result.err;
        if (result.status != 0) continue;
        auto response = nlohmann::json::parse(result.out);
        std::size_t count = response["count"];
        EXPECT_EQ(count % 100, 0u) << "a search saw part of a commit";
        EXPECT_EQ(response["results"].size(), count);
    } while (writing);
    writer.join();
    EXPECT_EQ(writer_failures, 0);
    EXPECT_GE(searches, 2);
    EXPECT_EQ(test::fingerprint(db).ids.size(), runs * 100u);
}

}  // namespace
}  // namespace aides
