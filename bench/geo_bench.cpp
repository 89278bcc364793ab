// geo_bench [GEOGRAPHY_TSV] [ROUNDS]: the cost of the national geography in a search's start-up.
// Measures loading geography.tsv (file and in-memory parse, as aides-search does from the index
// metadata), expanding one commune into its perimeters, a wider perimeter's ancestors and ad-hoc
// overlaps, and the first name look-up (which builds the lazy name index). Prints the median
// CPU time of each step (thread CPU time, so a busy machine does not inflate the figures).
#include <aides/aides.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

// CPU time of this thread: the machine running the benchmark may be shared, and wall time
// would then count the time other processes held the core.
double cpu_now() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double seconds_of(const std::function<void()>& run) {
    double start = cpu_now();
    run();
    return cpu_now() - start;
}

// Median of `rounds` timings of `run` repeated `inner` times, per repetition.
double median_per_call(int rounds, int inner, const std::function<void()>& run) {
    std::vector<double> samples;
    for (int r = 0; r < rounds; ++r)
        samples.push_back(seconds_of([&] {
                              for (int i = 0; i < inner; ++i) run();
                          }) /
                          inner);
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

void report(const char* what, double seconds) {
    if (seconds >= 1e-3) std::printf("%-58s %10.2f ms\n", what, seconds * 1e3);
    else std::printf("%-58s %10.2f us\n", what, seconds * 1e6);
}

volatile std::size_t sink = 0;  // keeps the optimiser from dropping the work

}  // namespace

int main(int argc, char** argv) {
    std::string path = argc > 1 ? argv[1] : AIDES_BENCH_GEOGRAPHY;
    int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 15;
    try {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw std::runtime_error("cannot open " + path);
        std::ostringstream content;
        content << in.rdbuf();
        const std::string text = content.str();

        aides::Geography geography = aides::Geography::load(path);
        std::printf("geography: %s (%zu bytes, %zu communes), %d rounds, median CPU time\n", path.c_str(), text.size(),
                    geography.commune_count(), rounds);

        report("Geography::load (read + parse the whole of France)", median_per_call(rounds, 1, [&] {
                   sink = sink + aides::Geography::load(path).commune_count();
               }));
        report("Geography::parse (from memory, as from index metadata)", median_per_call(rounds, 1, [&] {
                   sink = sink + aides::Geography::parse(text, "bench").commune_count();
               }));

        // An ad-hoc list the size of the PVD programme (~1,600 towns): every 20th commune.
        std::vector<std::string> codes = geography.commune_codes(), members;
        for (std::size_t i = 0; i < codes.size(); i += 20) members.push_back(codes[i]);
        if (std::find(members.begin(), members.end(), "29103") == members.end()) members.push_back("29103");
        report("add_adhoc (1 list of ~1,750 communes)", median_per_call(rounds, 1, [&] {
                   aides::Geography copy = geography;
                   sink = sink + copy.add_adhoc("pvd", members).size();
               }));
        geography.add_adhoc("pvd", members);

        report("perimeters_of_commune(29103)", median_per_call(rounds, 2000, [&] {
                   sink = sink + geography.perimeters_of_commune("29103").size();
               }));
        report("profile(29103)", median_per_call(rounds, 2000, [&] {
                   sink = sink + geography.profile("29103")->perimeters.size();
               }));
        report("resolve_commune(\"29103\") (an INSEE code)", median_per_call(rounds, 2000, [&] {
                   sink = sink + geography.resolve_commune("29103").size();
               }));
        aides::Perimeter department{aides::Scale::department, "29"};
        report("ancestors + adhoc_overlapping(department:29)", median_per_call(rounds, 200, [&] {
                   sink = sink + geography.ancestors(department).size() + geography.adhoc_overlapping(department).size();
               }));
        aides::Perimeter adhoc{aides::Scale::adhoc, "pvd"};
        report("ancestors + adhoc_overlapping(adhoc:pvd)", median_per_call(rounds, 5, [&] {
                   sink = sink + geography.ancestors(adhoc).size() + geography.adhoc_overlapping(adhoc).size();
               }));

        geography.resolve_commune("Landerneau");  // warm the name index of this copy
        // The name index is built on the first look-up by name; later ones are hash look-ups.
        std::vector<double> first;
        for (int r = 0; r < std::min(rounds, 5); ++r) {
            aides::Geography fresh = aides::Geography::parse(text, "bench");
            first.push_back(seconds_of([&] { sink = sink + fresh.resolve_commune("Landerneau").size(); }));
        }
        std::sort(first.begin(), first.end());
        report("first resolve_commune(\"Landerneau\") (builds name index)", first[first.size() / 2]);
        report("next resolve_commune(\"Landerneau\")", median_per_call(rounds, 2000, [&] {
                   sink = sink + geography.resolve_commune("Landerneau").size();
               }));
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "geo_bench: " << e.what() << "\n";
        return 1;
    }
}
