// aides-bench: loads a catalogue into each system, draws the query mix, checks that every system
// returns the library's counts and facets, then times it. bench/run.sh drives it; each step
// prints one JSON object that bench/report.py turns into docs/benchmarks.md.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <aides/errors.hpp>

#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include "harness.hpp"

namespace bench {
long postgres_backend_peak_kib();
}

namespace {

using namespace bench;
using nlohmann::json;

struct Args {
    std::map<std::string, std::string> options;
    std::vector<std::string> rest;  // after --
    std::string get(const std::string& key, const std::string& fallback = {}) const {
        auto it = options.find(key);
        return it == options.end() ? fallback : it->second;
    }
    std::string need(const std::string& key) const {
        auto it = options.find(key);
        if (it == options.end()) throw aides::UsageError("missing --" + key, key);
        return it->second;
    }
};

Args parse(int argc, char** argv) {
    Args args;
    for (int i = 2; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--") {
            for (++i; i < argc; ++i) args.rest.emplace_back(argv[i]);
            break;
        }
        if (arg.rfind("--", 0) != 0 || i + 1 >= argc) throw aides::UsageError("bad argument " + arg, arg);
        args.options[arg.substr(2)] = argv[++i];
    }
    return args;
}

void write(const json& j, const std::string& path) {
    if (path.empty() || path == "-") {
        std::cout << j.dump(1) << "\n";
        return;
    }
    std::ofstream out(path);
    out << j.dump(1) << "\n";
    if (!out) throw aides::Error("cannot write " + path);
}

Target target_of(const Args& args, const Mix* mix) {
    Target target;
    target.system = args.get("system");
    target.index = args.get("index");
    target.conninfo = args.get("pg");
    target.sqlite = args.get("sqlite");
    if (mix) {
        target.today = mix->today;
        target.page_size = mix->page_size;
    }
    return target;
}

std::unique_ptr<EngineFactory> factory_of(const Target& target) {
    if (target.system == "aides") return make_aides(target);
    if (target.system == "aides-records") return make_aides(target, false);
    if (target.system == "xapian") return make_xapian(target);
    if (target.system == "postgres") return make_postgres(target, false);
    if (target.system == "postgres-pre") return make_postgres(target, true);
    if (target.system == "sqlite") return make_sqlite(target);
    throw aides::UsageError("unknown system " + target.system, target.system);
}

std::uintmax_t json_bytes(const std::string& inputs) {
    std::uintmax_t total = 0;
    for (std::size_t from = 0; from <= inputs.size();) {
        std::size_t comma = std::min(inputs.find(',', from), inputs.size());
        total += disk_usage(inputs.substr(from, comma - from));
        from = comma + 1;
    }
    return total;
}

int load(const Args& args) {
    std::string system = args.need("system"), input = args.need("input");
    LoadReport report;
    if (system == "aides")
        report = load_aides(input, args.need("index"), args.get("geo"), static_cast<unsigned>(std::stoul(args.get("threads", "0"))));
    else if (system == "postgres") report = load_postgres(input, args.need("pg"), args.need("index"));
    else if (system == "sqlite") report = load_sqlite(input, args.need("sqlite"), args.need("index"));
    else throw aides::UsageError("unknown system " + system, system);
    json out = {{"system", system},
                {"aids", report.aids},
                {"seconds", report.seconds},
                {"aids_per_second", report.seconds > 0 ? report.aids / report.seconds : 0},
                {"bytes", report.bytes},
                {"json_bytes", json_bytes(input)},
                {"peak_rss_kib", peak_rss_kib()},
                {"details", report.details}};
    write(out, args.get("out"));
    return 0;
}

int mix(const Args& args) {
    MixOptions options;
    options.index = args.need("index");
    options.titles_csv = args.get("titles");
    options.today = args.need("today");
    options.per_class = std::stoul(args.get("per-class", "100"));
    options.seed = static_cast<unsigned>(std::stoul(args.get("seed", "42")));
    options.distinct = std::stoul(args.get("distinct", "0"));
    options.distinct_warmup = std::stoul(args.get("distinct-warmup", "500"));
    write(to_json(generate_mix(options)), args.need("out"));
    return 0;
}

json percentiles(std::vector<double> ms) {
    if (ms.empty()) return json::object();
    std::sort(ms.begin(), ms.end());
    auto at = [&](double p) {
        auto i = static_cast<std::size_t>(std::ceil(p * static_cast<double>(ms.size()))) ;
        return ms[std::min(ms.size() - 1, i == 0 ? 0 : i - 1)];
    };
    double sum = 0;
    for (double v : ms) sum += v;
    return {{"n", ms.size()}, {"p50_ms", at(0.50)}, {"p90_ms", at(0.90)}, {"p99_ms", at(0.99)}, {"max_ms", ms.back()},
            {"mean_ms", sum / static_cast<double>(ms.size())}};
}

// Facet maps equal, zero counts aside.
bool same_facets(const Facets& a, const Facets& b) {
    auto strip = [](const Facets& f) {
        Facets out;
        for (const auto& [name, values] : f)
            for (const auto& [value, n] : values)
                if (n) out[name][value] = n;
        return out;
    };
    return strip(a) == strip(b);
}

int run(const Args& args) {
    Mix mix = mix_from_json(json::parse(std::ifstream(args.need("mix"))));
    // --without-facets yes: the same queries without their facets, for the cost of facets alone.
    if (args.get("without-facets") == "yes")
        for (auto& q : mix.queries) {
            q.facets = false;
            q.expected_facets.reset();
        }
    Target target = target_of(args, &mix);
    double budget = std::stod(args.get("budget", "20"));        // seconds per class at most
    std::size_t passes = std::stoul(args.get("passes", "3"));  // timed passes over a class at most
    double qps_seconds = std::stod(args.get("qps-seconds", "8"));
    unsigned threads = static_cast<unsigned>(std::stoul(args.get("threads", "2")));
    std::string only = args.get("classes");  // comma-separated; empty: all

    auto start = Clock::now();
    auto factory = factory_of(target);
    auto engine = factory->make();
    double open_seconds = seconds_since(start);

    std::vector<std::string> classes;
    std::map<std::string, std::vector<const QuerySpec*>> by_class;
    std::vector<const QuerySpec*> distinct_warmup;  // run before the distinct class, untimed
    for (const auto& q : mix.queries) {
        if (q.klass == "distinct_warmup") {
            distinct_warmup.push_back(&q);
            continue;
        }
        if (!only.empty() && ("," + only + ",").find("," + q.klass + ",") == std::string::npos) continue;
        if (!by_class.count(q.klass)) classes.push_back(q.klass);
        by_class[q.klass].push_back(&q);
    }
    // The distinct class first, on a process that has seen only its warm-up queries.
    std::stable_partition(classes.begin(), classes.end(), [](const std::string& c) { return c == "distinct"; });

    // 1. The cross-check, which is also the first sight of every query: timed as such (the
    //    first-seen figures), the check itself outside the timing.
    json check = json::object(), first_seen = json::object(), rss_after = json::object();
    for (const auto& klass : classes) {
        if (klass == "distinct")
            for (const QuerySpec* q : distinct_warmup) engine->search(*q);
        std::size_t equal_counts = 0, equal_facets = 0, with_facets = 0;
        double ratio_log_sum = 0;
        json mismatches = json::array();
        std::vector<double> first_ms;
        for (const QuerySpec* q : by_class[klass]) {
            auto t = Clock::now();
            Outcome outcome = engine->search(*q);
            first_ms.push_back(seconds_since(t) * 1000);
            bool counts_ok = outcome.count == q->count;
            equal_counts += counts_ok;
            ratio_log_sum += std::log((outcome.count + 1.0) / (q->count + 1.0));
            bool facets_ok = true;
            if (q->expected_facets) {
                ++with_facets;
                facets_ok = outcome.facets && same_facets(*outcome.facets, *q->expected_facets);
                equal_facets += facets_ok;
            }
            if ((!counts_ok || !facets_ok) && mismatches.size() < 5)
                mismatches.push_back({{"text", q->text}, {"commune", q->commune}, {"expected", q->count}, {"got", outcome.count},
                                      {"facets_equal", facets_ok}});
        }
        first_seen[klass] = percentiles(first_ms);
        rss_after[klass] = rss_kib();
        std::size_t n = by_class[klass].size();
        check[klass] = {{"queries", n}, {"equal_counts", equal_counts}, {"with_facets", with_facets}, {"equal_facets", equal_facets},
                        {"count_ratio_geomean", n ? std::exp(ratio_log_sum / static_cast<double>(n)) : 1.0},
                        {"mismatches", mismatches}};
    }

    // 2. Latency per class: the class's queries in turn, never one query repeated. With --pair,
    //    another system runs each query right after (or before) this one, for ratios that the
    //    load of a shared machine cannot skew.
    std::string pair_system = args.get("pair");
    std::unique_ptr<EngineFactory> pair_factory;
    std::unique_ptr<Engine> pair_engine;
    if (!pair_system.empty()) {
        Target other = target;
        other.system = pair_system;
        pair_factory = factory_of(other);
        pair_engine = pair_factory->make();
        for (const auto& q : mix.queries) pair_engine->search(q);  // warm-up
    }
    json latency = json::object(), pair_latency = json::object();
    for (const auto& klass : classes) {
        const auto& queries = by_class[klass];
        std::vector<double> ms, pair_ms, ratios;
        auto class_start = Clock::now();
        std::size_t limit = passes * queries.size();
        for (std::size_t i = 0; i < limit; ++i) {
            const QuerySpec& q = *queries[i % queries.size()];
            double mine = 0, theirs = 0;
            for (int turn = 0; turn < (pair_engine ? 2 : 1); ++turn) {
                bool pair_turn = pair_engine && (turn == 0) == (i % 2 == 1);
                auto t = Clock::now();
                (pair_turn ? pair_engine : engine)->search(q);
                (pair_turn ? theirs : mine) = seconds_since(t) * 1000;
            }
            ms.push_back(mine);
            if (pair_engine) {
                pair_ms.push_back(theirs);
                ratios.push_back(mine / theirs);
            }
            if (seconds_since(class_start) > budget * (pair_engine ? 2 : 1) && ms.size() >= std::min<std::size_t>(queries.size(), 20)) break;
        }
        latency[klass] = percentiles(ms);
        if (pair_engine) {
            pair_latency[klass] = percentiles(pair_ms);
            std::sort(ratios.begin(), ratios.end());
            pair_latency[klass]["median_ratio"] = ratios[ratios.size() / 2];
        }
    }
    pair_engine.reset();

    // 3. Throughput with `threads` threads, on the whole mix shuffled, and on text+profile.
    auto throughput = [&](const std::vector<const QuerySpec*>& queries) {
        std::atomic<std::size_t> next{0}, done{0};
        std::atomic<bool> stop{false};
        std::vector<std::thread> pool;
        auto t0 = Clock::now();
        for (unsigned t = 0; t < threads; ++t) {
            pool.emplace_back([&] {
                auto own = factory->make();
                while (!stop) {
                    own->search(*queries[next++ % queries.size()]);
                    ++done;
                }
            });
        }
        while (seconds_since(t0) < qps_seconds) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        stop = true;
        for (auto& thread : pool) thread.join();
        return static_cast<double>(done) / seconds_since(t0);
    };
    std::vector<const QuerySpec*> all;
    for (const auto& klass : classes)
        if (klass != "distinct")  // the mix of the earlier runs, comparable with them
            for (const auto* q : by_class[klass]) all.push_back(q);
    std::shuffle(all.begin(), all.end(), std::mt19937(7));
    json qps = json::object();
    if (qps_seconds > 0 && !all.empty()) {
        qps["mix"] = throughput(all);
        if (by_class.count("text_profile")) qps["text_profile"] = throughput(by_class["text_profile"]);
    }

    long rss_after_run = rss_kib();  // the searcher still open, after the throughput threads
    engine.reset();
    json out = {{"system", target.system}, {"open_seconds", open_seconds}, {"check", check}, {"latency", latency},
                {"first_seen", first_seen}, {"rss_kib_after_first_seen", rss_after}, {"rss_kib_after_run", rss_after_run},
                {"qps", qps},              {"threads", threads},           {"peak_rss_kib", peak_rss_kib()}};
    if (target.system.rfind("postgres", 0) == 0) out["server_backend_peak_rss_kib"] = postgres_backend_peak_kib();
    if (!pair_system.empty()) out["pair"] = {{"system", pair_system}, {"latency", pair_latency}};
    write(out, args.get("out"));
    return 0;
}

int soak(const Args& args) {
    SoakOptions options;
    options.index = args.need("index");
    options.titles_csv = args.get("titles");
    options.today = args.need("today");
    options.queries = std::stoul(args.get("queries", "50000"));
    options.every = std::max<std::size_t>(1, std::stoul(args.get("every", "5000")));
    options.seed = static_cast<unsigned>(std::stoul(args.get("seed", "42")));
    options.snippets = args.get("snippets", "yes") == "yes";
    write(bench::soak(options), args.get("out"));
    return 0;
}

// Runs a command once and writes its wall time and peak RSS to --out. `startup` runs it through
// a new process image: a child forked from the harness itself would inherit the harness's peak
// RSS (Linux keeps ru_maxrss across fork and exec), and a launcher forked from a fresh image
// does not.
int launch(const Args& args) {
    if (args.rest.empty()) throw aides::UsageError("launch: give the command after --");
    std::vector<std::string> command = args.rest;
    auto t = Clock::now();
    pid_t pid = fork();
    if (pid == 0) {
        std::vector<char*> argv;
        for (auto& word : command) argv.push_back(word.data());
        argv.push_back(nullptr);
        if (!freopen("/dev/null", "w", stdout)) _exit(126);
        execvp(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    double elapsed = seconds_since(t) * 1000;
    write(json{{"ms", elapsed}, {"max_rss_kib", usage.ru_maxrss}}, args.need("out"));
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

// Runs a command `runs` times (`{commune}` replaced by the mix's communes in turn) and reports
// its wall time and peak RSS: the CLI's start-up, or a peer's one-shot client.
int startup(const Args& args) {
    std::size_t runs = std::stoul(args.get("runs", "20"));
    std::vector<std::string> communes{"29103"};
    if (!args.get("mix").empty()) {
        Mix mix = mix_from_json(json::parse(std::ifstream(args.get("mix"))));
        communes.clear();
        for (const auto& q : mix.queries)
            if (!q.commune.empty()) communes.push_back(q.commune);
        if (communes.empty()) communes.push_back("29103");
    }
    if (args.rest.empty()) throw aides::UsageError("startup: give the command after --");
    std::vector<double> ms;
    long peak = 0;
    const std::string report = std::filesystem::temp_directory_path() / ("aides-bench-launch-" + std::to_string(getpid()));
    // The commands once untimed, then timed: each reads other parts of the index (its commune's
    // lists), and the figure is the start-up, not the disk.
    for (std::size_t r = 0; r < 2 * runs; ++r) {
        std::vector<std::string> command{"/proc/self/exe", "launch", "--out", report, "--"};
        for (std::string word : args.rest) {
            for (std::size_t at; (at = word.find("{commune}")) != std::string::npos;) word.replace(at, 9, communes[r % runs % communes.size()]);
            command.push_back(std::move(word));
        }
        pid_t pid = fork();
        if (pid == 0) {
            std::vector<char*> argv;
            for (auto& word : command) argv.push_back(word.data());
            argv.push_back(nullptr);
            execv(argv[0], argv.data());
            _exit(127);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw aides::Error("startup: " + args.rest[0] + " failed");
        json measured = json::parse(std::ifstream(report));
        if (r < runs) continue;  // the warm-up pass
        ms.push_back(measured["ms"].get<double>());
        peak = std::max(peak, measured["max_rss_kib"].get<long>());
    }
    std::filesystem::remove(report);
    json out = percentiles(ms);
    out["peak_rss_kib"] = peak;
    out["command"] = args.rest;
    write(out, args.get("out"));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        std::string command = argc > 1 ? argv[1] : "";
        Args args = parse(argc, argv);
        if (command == "load") return load(args);
        if (command == "launch") return launch(args);
        if (command == "mix") return mix(args);
        if (command == "run") return run(args);
        if (command == "startup") return startup(args);
        if (command == "soak") return soak(args);
        std::cerr << "usage: aides-bench load|mix|run|startup|soak [--option value]... (see bench/run.sh)\n";
        return 2;
    } catch (const aides::UsageError& e) {
        std::cerr << "aides-bench: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "aides-bench: " << e.what() << "\n";
        return 1;
    } catch (const Xapian::Error& e) {
        std::cerr << "aides-bench: " << e.get_description() << "\n";
        return 1;
    }
}
