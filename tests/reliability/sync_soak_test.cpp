// A soak of nightly syncs (issue 18): 200 syncs in a row from a catalogue that changes a little
// each night, whose dumps are randomly cut short, emptied, re-encoded as Latin-1, made of
// invalid records or swapped for another provider's feed, while searches run. After each sync
// the index holds exactly what an independent model of the rules says: no aid that a valid
// dump contained is ever lost, and a refused dump leaves the index as it was.
#include "reliability_support.hpp"

#include <aides/index.hpp>
#include <aides/search.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <thread>

namespace aides {
namespace {

using test::TempDir;


bool ascii(const std::string& text) {
    for (unsigned char c : text)
        if (c >= 0x80) return false;
    return true;
}

enum class Dump { valid, cut_short, empty, latin1, all_invalid, other_provider };

TEST(SyncSoak, TwoHundredNightlySyncsLoseNoAid) {
    TempDir dir;
    const std::string db = dir.str("index");
    std::mt19937 random(20261207);
    // The catalogue: id number -> version; a night removes up to 2 aids, adds up to 3, and
    // rewrites a few.
    std::map<int, int> catalogue;
    int next_id = 1;
    for (; next_id <= 150; ++next_id) catalogue[next_id] = 0;
    auto dump_of = [&](const std::map<int, int>& aids) {
        std::string text;
        for (const auto& [number, version] : aids)
            text += test::generated_records(number, 1, "v" + std::to_string(version));
        return text;
    };
    auto ids_of = [](const std::map<int, int>& aids) {
        std::set<std::string> ids;
        for (const auto& entry : aids) ids.insert("gen-" + std::to_string(entry.first));
        return ids;
    };

    std::set<std::string> expected;
    {
        Index index = Index::open(db);
        test::write_file(dir.str("night.jsonl"), dump_of(catalogue));
        IngestReport report = index.sync({dir.str("night.jsonl")});
        ASSERT_TRUE(report.committed) << report.refusal;
        expected = ids_of(catalogue);
    }

    // Searches run all along; each sees a whole revision, never an empty catalogue.
    std::atomic<bool> stop{false};
    std::atomic<std::size_t> searches{0}, empty_answers{0}, failures{0};
    std::thread searcher_thread([&] {
        Searcher searcher(db);
        SearchRequest request;
        request.include_expired = true;
        const char* texts[] = {"", "vélo", "école", "rénovation énergétique", "friche"};
        auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
        for (std::size_t i = 0; !stop && i < 1'000'000 && std::chrono::steady_clock::now() < deadline; ++i) {
            request.text = texts[i % 5];
            try {
                if (searcher.search(request).count == 0 && request.text.empty()) ++empty_answers;
            } catch (const std::exception&) {
                ++failures;
            }
            ++searches;
        }
    });

    Index index = Index::open(db);
    std::map<Dump, int> kinds;
    std::size_t refused = 0;
    for (int night = 1; night <= 200; ++night) {
        // The catalogue of the night.
        std::uniform_int_distribution<int> small(0, 2), pick(0, 1 << 30);
        for (int k = small(random); k > 0 && catalogue.size() > 10; --k) {
            auto it = catalogue.begin();
            std::advance(it, pick(random) % catalogue.size());
            catalogue.erase(it);
        }
        for (int k = small(random) + 1; k > 0; --k) catalogue[next_id++] = night;
        for (int k = 0; k < 5; ++k) {
            auto it = catalogue.begin();
            std::advance(it, pick(random) % catalogue.size());
            it->second = night;
        }
        const std::string good = dump_of(catalogue);
        Dump kind = static_cast<Dump>(std::discrete_distribution<int>({45, 15, 10, 10, 10, 10})(random));
        ++kinds[kind];
        std::string text;
        switch (kind) {
            case Dump::valid: text = good; break;
            case Dump::cut_short: {
                // A transfer cut inside a record: neither just before nor just after a line end.
                std::size_t cut = 2 + pick(random) % (good.size() - 2);
                while (cut > 2 && (good[cut - 1] == '\n' || good[cut] == '\n')) --cut;
                text = good.substr(0, cut);
                break;
            }
            case Dump::empty: text = ""; break;
            case Dump::latin1: text = test::as_latin1(good); break;
            case Dump::all_invalid:
                for (const auto& [number, version] : catalogue) text += "{\"id\": \"gen-" + std::to_string(number) + "\", \"name\": 3}\n";
                break;
            case Dump::other_provider: text = test::generated_records(1, 120, "x", "autre"); break;
        }
        test::write_file(dir.str("night.jsonl"), text);
        const auto before = test::fingerprint(db);
        IngestReport report = index.sync({dir.str("night.jsonl")}, {.skip_invalid = true});

        // The model: which ids the rules say the index holds now.
        std::set<std::string> readable, rejected_known;
        if (kind == Dump::valid) readable = ids_of(catalogue);
        if (kind == Dump::latin1) {
            for (const auto& line : test::lines_of(text)) {
                auto id_at = line.find("\"gen-");
                std::string id = line.substr(id_at + 1, line.find('"', id_at + 1) - id_at - 1);
                (ascii(line) ? readable : rejected_known).insert(id);
            }
        }
        if (kind == Dump::other_provider)
            for (int i = 1; i <= 120; ++i) readable.insert("autre-" + std::to_string(i));
        bool applies = !readable.empty();
        std::set<std::string> after;
        if (applies) {
            std::size_t removals = 0;
            for (const auto& id : expected)
                if (!readable.count(id) && !rejected_known.count(id)) ++removals;
            applies = removals <= expected.size() / 10;  // the default limit, 10 %
            for (const auto& id : expected)
                if (readable.count(id) || rejected_known.count(id)) after.insert(id);
            after.insert(readable.begin(), readable.end());
        }
        const auto now = test::fingerprint(db);
        if (applies) {
            ASSERT_TRUE(report.committed) << "night " << night << ": " << report.refusal;
            expected = after;
        } else {
            ASSERT_FALSE(report.committed) << "night " << night << " (kind " << static_cast<int>(kind) << ")";
            ASSERT_FALSE(report.refusal.empty() && report.errors.empty()) << "night " << night;
            ASSERT_EQ(now, before) << "night " << night << ": a refused sync changed the index";
            ++refused;
        }
        ASSERT_EQ(std::set<std::string>(now.ids.begin(), now.ids.end()), expected) << "night " << night;
        ASSERT_EQ(report.read, report.valid + report.rejected) << "night " << night;
    }
    stop = true;
    searcher_thread.join();
    EXPECT_EQ(failures.load(), 0u);
    EXPECT_EQ(empty_answers.load(), 0u) << "a search saw an empty catalogue";
    EXPECT_GT(searches.load(), 200u);
    for (auto kind : {Dump::valid, Dump::cut_short, Dump::empty, Dump::latin1, Dump::all_invalid, Dump::other_provider})
        EXPECT_GT(kinds[kind], 5) << "kind " << static_cast<int>(kind) << " too rare to mean anything";
    EXPECT_GT(refused, 40u);
    std::cout << "soak: 200 syncs, " << refused << " refused, " << searches.load() << " searches alongside\n";
}

}  // namespace
}  // namespace aides
