#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>

#include <filesystem>

#include "harness.hpp"

namespace bench {

using nlohmann::json;

json to_json(const TermTree& tree) {
    if (tree.op == TermTree::Op::term) return tree.term;
    json out = json::array({tree.op == TermTree::Op::all ? "and" : "or"});
    for (const auto& child : tree.children) out.push_back(to_json(child));
    return out;
}

TermTree tree_from_json(const json& j) {
    TermTree tree;
    if (j.is_string()) {
        tree.term = j.get<std::string>();
        return tree;
    }
    tree.op = j.at(0).get<std::string>() == "and" ? TermTree::Op::all : TermTree::Op::any;
    for (std::size_t i = 1; i < j.size(); ++i) tree.children.push_back(tree_from_json(j[i]));
    return tree;
}

namespace {
const char* order_name(aides::Order order) {
    switch (order) {
        case aides::Order::deadline: return "deadline";
        case aides::Order::published: return "published";
        default: return "relevance";
    }
}
}  // namespace

json to_json(const Mix& mix) {
    json queries = json::array();
    for (const auto& q : mix.queries) {
        json j = {{"class", q.klass}, {"text", q.text}, {"commune", q.commune}, {"audiences", q.audiences},
                  {"themes", q.themes}, {"facets", q.facets}, {"order", order_name(q.order)},
                  {"perimeters", q.perimeters}, {"xapian_text", q.xapian_text}, {"count", q.count}};
        if (q.terms) j["terms"] = to_json(*q.terms);
        if (q.expected_facets) j["expected_facets"] = *q.expected_facets;
        queries.push_back(std::move(j));
    }
    return {{"today", mix.today}, {"page_size", mix.page_size}, {"queries", queries}};
}

Mix mix_from_json(const json& j) {
    Mix mix;
    mix.today = j.at("today").get<std::string>();
    mix.page_size = j.at("page_size").get<std::size_t>();
    for (const auto& item : j.at("queries")) {
        QuerySpec q;
        q.klass = item.at("class").get<std::string>();
        q.text = item.at("text").get<std::string>();
        q.commune = item.at("commune").get<std::string>();
        q.audiences = item.at("audiences").get<std::vector<std::string>>();
        q.themes = item.at("themes").get<std::vector<std::string>>();
        q.facets = item.at("facets").get<bool>();
        std::string order = item.at("order").get<std::string>();
        q.order = order == "deadline" ? aides::Order::deadline : order == "published" ? aides::Order::published : aides::Order::relevance;
        q.perimeters = item.at("perimeters").get<std::vector<std::string>>();
        q.xapian_text = item.at("xapian_text").get<std::string>();
        q.count = item.at("count").get<std::size_t>();
        if (item.contains("terms")) q.terms = tree_from_json(item["terms"]);
        if (item.contains("expected_facets")) q.expected_facets = item["expected_facets"].get<Facets>();
        mix.queries.push_back(std::move(q));
    }
    return mix;
}

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

long rss_kib() {
    long pages = 0, resident = 0;
    if (FILE* statm = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(statm, "%ld %ld", &pages, &resident) != 2) resident = 0;
        std::fclose(statm);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

std::uintmax_t disk_usage(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) return fs::file_size(path, ec);
    std::uintmax_t total = 0;
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file(ec)) total += it->file_size(ec);
    return total;
}

aides::SearchRequest request_of(const QuerySpec& q, const std::string& today, std::size_t page_size) {
    aides::SearchRequest request;
    request.text = q.text;
    request.commune = q.commune;
    request.audiences = q.audiences;
    request.themes = q.themes;
    request.facets = q.facets;
    request.order = q.order;
    request.today = today;
    request.size = static_cast<int>(page_size);
    return request;
}

}  // namespace bench
