// analysis_throughput [AIDES_JSONL] [MEGABYTES] [ROUNDS]: MB/s of French text through the
// analyser, as the indexer uses it (HTML stripped, words, stems of every non-stopword).
// The text is the name, description, eligibility and project examples of every aid of the
// sample catalogue, repeated up to MEGABYTES (default 20). Prints the best of ROUNDS (default 3).
#include <aides/analysis.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> catalogue_texts(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path + ": cannot open");
    std::vector<std::string> texts;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        auto record = nlohmann::json::parse(line);
        for (const char* field : {"name", "description", "eligibility", "project_examples"})
            if (record.contains(field) && record[field].is_string()) texts.push_back(record[field].get<std::string>());
    }
    return texts;
}

template <class Body>
double best_seconds(int rounds, Body&& body) {
    double best = 1e300;
    for (int round = 0; round < rounds; ++round) {
        auto start = std::chrono::steady_clock::now();
        body();
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        std::string path = argc > 1 ? argv[1] : AIDES_BENCH_CORPUS;
        double megabytes = argc > 2 ? std::stod(argv[2]) : 20.0;
        int rounds = argc > 3 ? std::stoi(argv[3]) : 3;

        std::vector<std::string> sample = catalogue_texts(path);
        std::size_t sample_bytes = 0;
        for (const auto& t : sample) sample_bytes += t.size();
        std::vector<const std::string*> texts;
        std::size_t bytes = 0;
        while (bytes < megabytes * 1e6)
            for (const auto& t : sample) {
                texts.push_back(&t);
                bytes += t.size();
            }

        aides::Analyzer analyzer;
        std::size_t stripped = 0, words = 0, stems = 0;
        double strip = best_seconds(rounds, [&] {
            stripped = 0;
            for (const auto* t : texts) stripped += aides::Analyzer::strip_html(*t).size();
        });
        double tokenize = best_seconds(rounds, [&] {
            words = 0;
            for (const auto* t : texts) words += analyzer.words(aides::Analyzer::strip_html(*t)).size();
        });
        double full = best_seconds(rounds, [&] {
            stems = 0;
            for (const auto* t : texts)
                for (const auto& w : analyzer.words(aides::Analyzer::strip_html(*t)))
                    if (!w.stopword) stems += analyzer.stems(w.form, w.accented).size();
        });
        double mb = static_cast<double>(bytes) / 1e6;
        std::printf("text: %zu fields of %s (%.2f MB) repeated to %.1f MB (%.1f MB without tags), %zu words, %zu stem terms; best of %d\n",
                    sample.size(), path.c_str(), static_cast<double>(sample_bytes) / 1e6, mb,
                    static_cast<double>(stripped) / 1e6, words, stems, rounds);
        std::printf("%-34s %8.3f s %8.1f MB/s %10.0f words/s\n", "strip_html", strip, mb / strip, static_cast<double>(words) / strip);
        std::printf("%-34s %8.3f s %8.1f MB/s %10.0f words/s\n", "strip_html + words", tokenize, mb / tokenize, static_cast<double>(words) / tokenize);
        std::printf("%-34s %8.3f s %8.1f MB/s %10.0f words/s\n", "strip_html + words + stems (index)", full, mb / full, static_cast<double>(words) / full);
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "analysis_throughput: " << e.what() << "\n";
        return 1;
    }
}
