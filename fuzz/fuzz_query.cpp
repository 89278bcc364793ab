// Fuzz target: query parsing and planning. A Searcher over the bundled catalogue (national
// geography, ad-hoc list pvd) answers a request read from the input: the first line is the
// text, each next line `key=value` sets a field (commune, perimeter, theme, category,
// aid_type, audience, backer, program, step, destination, recurrence, today, apply_before,
// published_after, order, page, size, like, profile) or a flag (facets, explain, expired,
// calls). Properties: a bad request is a UsageError, never another error or a crash; a
// response is consistent (count, page, scores) and prints as valid JSON.
#include <aides/aides.hpp>

#include "scratch_dir.hpp"

#include <nlohmann/json.hpp>

#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>

namespace {

[[noreturn]] void fail(const std::string& why) {
    std::fprintf(stderr, "fuzz_query: %s\n", why.c_str());
    std::abort();
}

const aides::Searcher& searcher() {
    static const aides::Searcher searcher = [] {
        std::string dir = fuzz::scratch_dir("query") + "/index";
        aides::IndexOptions options;
        options.geography_path = AIDES_FUZZ_GEOGRAPHY_FILE;
        options.adhoc = {{"pvd", std::string(AIDES_FUZZ_CORPUS_DIR) + "/adhoc/pvd-extrait.txt"}};
        aides::Index index = aides::Index::open(dir, options);
        if (!index.ingest({std::string(AIDES_FUZZ_CORPUS_DIR) + "/aides.jsonl"}).committed) fail("cannot index the corpus");
        return aides::Searcher(dir);
    }();
    return searcher;
}

int number(const std::string& text) {
    long long value = std::strtoll(text.c_str(), nullptr, 10);
    return static_cast<int>(std::max<long long>(std::min<long long>(value, 1LL << 30), -(1LL << 30)));
}

// Returns false when the request is only a profile look-up (done here).
bool read_request(const std::string& input, aides::SearchRequest& request) {
    std::istringstream lines(input);
    std::getline(lines, request.text);
    request.today = "2026-01-15";
    for (std::string line; std::getline(lines, line);) {
        auto eq = line.find('=');
        std::string key = line.substr(0, eq), value = eq == std::string::npos ? "" : line.substr(eq + 1);
        if (key == "commune") request.commune = value;
        else if (key == "perimeter") request.perimeter = value;
        else if (key == "theme") request.themes.push_back(value);
        else if (key == "category") request.categories.push_back(value);
        else if (key == "aid_type") request.aid_types.push_back(value);
        else if (key == "audience") request.audiences.push_back(value);
        else if (key == "backer") request.backers.push_back(value);
        else if (key == "program") request.programs.push_back(value);
        else if (key == "step") request.steps.push_back(value);
        else if (key == "destination") request.destinations.push_back(value);
        else if (key == "recurrence") request.recurrences.push_back(value);
        else if (key == "today") request.today = value;
        else if (key == "apply_before") request.apply_before = value;
        else if (key == "published_after") request.published_after = value;
        else if (key == "order") request.order = value == "deadline" ? aides::Order::deadline : value == "published" ? aides::Order::published : aides::Order::relevance;
        else if (key == "page") request.page = number(value);
        else if (key == "size") request.size = number(value);
        else if (key == "like") request.like = value;
        else if (key == "facets") request.facets = true;
        else if (key == "explain") request.explain = true;
        else if (key == "expired") request.include_expired = true;
        else if (key == "calls") request.call_for_projects = true;
        else if (key == "profile") {
            try {
                aides::CommuneProfile profile = searcher().profile(value);
                if (!nlohmann::json::accept(aides::to_json(profile))) fail("a profile is not valid JSON");
            } catch (const aides::UsageError&) {
            }
            return false;
        }
    }
    return true;
}

void check(const aides::SearchRequest& request, const aides::SearchResponse& response) {
    std::size_t skipped = static_cast<std::size_t>(request.page - 1) * static_cast<std::size_t>(request.size);
    // Full matches first, then partial ones (counted apart) fill the page.
    std::size_t total = response.count + response.partial_count;
    std::size_t expected = total > skipped ? std::min<std::size_t>(total - skipped, request.size) : 0;
    if (response.results.size() != expected)
        fail("page of " + std::to_string(response.results.size()) + " results, expected " + std::to_string(expected) +
             " (count " + std::to_string(response.count) + ", partial " + std::to_string(response.partial_count) + ")");
    std::size_t full = response.count > skipped ? std::min<std::size_t>(response.count - skipped, request.size) : 0;
    for (std::size_t i = 0; i < response.results.size(); ++i)
        if (response.results[i].partial != (i >= full)) fail("a partial match before a full one, or a full one counted as partial");
    for (const auto& hit : response.results) {
        if (!(hit.score >= 0 && hit.score <= 1)) fail("score out of [0, 1]: " + std::to_string(hit.score));
        if (request.explain != hit.why.has_value()) fail("explanation present without --explain or missing with it");
    }
    if (request.facets != response.facets.has_value()) fail("facets present without --facets or missing with them");
    std::string json = aides::to_json(response);
    if (!nlohmann::json::accept(json)) fail("the response is not valid JSON: " + json.substr(0, 300));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    searcher();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    aides::SearchRequest request;
    if (!read_request(std::string(reinterpret_cast<const char*>(data), size), request)) return 0;
    try {
        check(request, searcher().search(request));
    } catch (const aides::UsageError&) {
        // A request the caller got wrong: the CLI exits 2 with its message.
    } catch (const aides::Error& e) {
        fail(std::string("not a usage error: ") + e.what());
    }
    return 0;
}
