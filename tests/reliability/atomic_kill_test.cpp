// Atomic updates: aides-index killed with SIGKILL at random points leaves an index that opens
// and holds exactly the last committed state, never a mix.
#include "reliability_support.hpp"

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <thread>

namespace aides {
namespace {

using test::Fingerprint;
using test::TempDir;

// Records per dump: enough that one run lasts about a second, so that kills land inside it
// (AIDES_KILL_RECORDS=20000 for a longer run by hand).
std::size_t record_count() {
    if (const char* env = std::getenv("AIDES_KILL_RECORDS")) return std::strtoul(env, nullptr, 10);
    return 4000;  // about a second a run here: 20+ kills in well under a minute of CI
}

std::size_t searchable_count(const std::string& dir) {
    Searcher searcher(dir);
    SearchRequest request;
    request.include_expired = true;
    request.size = 1;
    return searcher.search(request).count;
}

TEST(AtomicUpdates, SurvivesSigkillAtRandomPoints) {
    TempDir dir;
    const std::string db = dir.str("index");
    const std::size_t n = record_count();
    // Two full dumps that overlap on three quarters of their ids, with other contents there:
    // syncing one onto the other adds, replaces and removes a quarter of the index each.
    test::write_file(dir.str("a.jsonl"), test::generated_records(0, n, "A"));
    test::write_file(dir.str("b.jsonl"), test::generated_records(n / 4, n, "B"));
    // Not quiet: the progress lines on stderr tell how far a killed run went.
    auto sync = [&](const std::string& dump) {
        return std::vector<std::string>{test::bin("aides-index"), "--db", db, "--sync", dir.str(dump), "--max-removals", "100%"};
    };

    // The two committed states, from runs left alone; the B run gives the time one run takes.
    auto finished = test::run_process(sync("a.jsonl"));
    ASSERT_EQ(finished.status, 0) << finished.err;
    const Fingerprint state_a = test::fingerprint(db);
    ASSERT_EQ(state_a.ids.size(), n);
    auto started = std::chrono::steady_clock::now();
    finished = test::run_process(sync("b.jsonl"));
    ASSERT_EQ(finished.status, 0) << finished.err;
    double run_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const Fingerprint state_b = test::fingerprint(db);
    ASSERT_EQ(state_b.ids.size(), n);
    ASSERT_NE(state_a.hash, state_b.hash);

    // Kill points from a fixed seed, as fractions of one run: every other one uniform over the
    // whole run (start, read, write), the others over its last third, where the commit is. A run
    // that finishes before its kill gives the new length of a run (the machine may be busier
    // or idler than when it was measured).
    std::mt19937 random(20260901);
    std::uniform_real_distribution<double> anywhere(0.0, 1.0), near_the_end(0.67, 1.0);
    const Fingerprint* committed = &state_b;
    int landed = 0, before_commit = 0, after_commit = 0, completed = 0, attempts = 0;
    // Where the kills landed: from the progress lines (one per 10,000 records) when there are
    // some, else from the fraction of the run.
    int in_first_half = 0, in_second_half = 0, in_final_phase = 0;
    while (landed < 20 && attempts < 80) {
        ++attempts;
        const bool to_a = committed == &state_b;
        const Fingerprint* target = to_a ? &state_a : &state_b;
        const double fraction = attempts % 2 ? anywhere(random) : near_the_end(random);
        auto delay = std::chrono::duration<double>(fraction * run_seconds);
        auto spawned = std::chrono::steady_clock::now();
        test::Process indexer(sync(to_a ? "a.jsonl" : "b.jsonl"));
        std::this_thread::sleep_for(delay);
        indexer.kill(SIGKILL);
        test::ProcessResult result = indexer.wait();
        if (result.signaled) {
            ++landed;
            const std::string last = std::to_string(n) + " records read", half = std::to_string(n / 2) + " records read";
            bool progress = n >= 20000 && n % 20000 == 0;  // progress lines at n/2 and n
            if (progress ? result.err.find(last) != std::string::npos : fraction >= 0.9) ++in_final_phase;
            else if (progress ? result.err.find(half) != std::string::npos : fraction >= 0.5) ++in_second_half;
            else ++in_first_half;
        } else {
            ++completed;
            ASSERT_EQ(result.status, 0) << "attempt " << attempts << ": " << result.err;
            run_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - spawned).count();
        }

        // The index opens, with its lock released, and holds one whole state.
        Fingerprint now;
        ASSERT_NO_THROW(now = test::fingerprint(db)) << "attempt " << attempts << " after " << delay.count() << " s";
        ASSERT_EQ(now.documents, now.ids.size()) << "attempt " << attempts;
        if (now == *target) {
            if (result.signaled) ++after_commit;
            committed = target;
        } else {
            ASSERT_EQ(now, *committed) << "attempt " << attempts << ": killed after " << delay.count()
                                       << " s, the index holds neither the old nor the new dump ("
                                       << now.ids.size() << " ids)";
            ASSERT_TRUE(result.signaled) << "a finished run left the index unchanged";
            ++before_commit;
        }
        ASSERT_EQ(searchable_count(db), n) << "attempt " << attempts;
    }
    EXPECT_GE(landed, 20) << "too few kills landed inside a run (" << attempts << " attempts)";

    // And a writer can still take the index and commit.
    finished = test::run_process(sync(committed == &state_a ? "b.jsonl" : "a.jsonl"));
    ASSERT_EQ(finished.status, 0) << finished.err;
    EXPECT_EQ(test::fingerprint(db), committed == &state_a ? state_b : state_a);

    std::cout << "[ figures  ] " << n << " records per dump, one run " << run_seconds << " s; " << attempts << " runs: "
              << landed << " killed (" << in_first_half << " while starting or in the first half of the records, "
              << in_second_half << " in the second half, " << in_final_phase
              << (n >= 20000 && n % 20000 == 0 ? " after the last record, while removing and committing; "
                                                  : " in the last tenth; ") << before_commit << " left the old state, "
              << after_commit << " the new one), " << completed << " finished; every index opened whole" << std::endl;
    RecordProperty("kills_landed", landed);
    RecordProperty("kills_before_commit", before_commit);
    RecordProperty("kills_after_commit", after_commit);
}

}  // namespace
}  // namespace aides
