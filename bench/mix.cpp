// The query mix: real project titles (or the index's own words) cut into 1-4 word queries,
// communes drawn from the national geography, and the library's answer to each query.
#include <aides/analysis.hpp>
#include <aides/errors.hpp>
#include <aides/index.hpp>

#include <xapian.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <sstream>

#include "harness.hpp"
#include "index/index_store.hpp"
#include "index/schema.hpp"
#include "index/stored_record.hpp"
#include "search/plan/text_query.hpp"

namespace bench {

namespace {

std::string hex(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

// Splits a CSV line on ';', honouring double quotes.
std::vector<std::string> csv_fields(const std::string& line) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (c == '"') {
            if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
                out.back() += '"';
                ++i;
            } else {
                quoted = !quoted;
            }
        } else if (c == ';' && !quoted) {
            out.emplace_back();
        } else if (c != '\r') {
            out.back() += c;
        }
    }
    return out;
}

// Project titles of the Fonds vert export (column nom_du_projet).
std::vector<std::string> read_titles(const std::string& path) {
    std::vector<std::string> titles;
    std::ifstream in(path);
    if (!in) return titles;
    std::string line;
    if (!std::getline(in, line)) return titles;
    auto header = csv_fields(line);
    auto column = std::find(header.begin(), header.end(), "nom_du_projet");
    if (column == header.end()) return titles;
    auto index = static_cast<std::size_t>(column - header.begin());
    while (std::getline(in, line)) {
        auto fields = csv_fields(line);
        if (fields.size() > index && !fields[index].empty()) titles.push_back(fields[index]);
    }
    return titles;
}

// The words of a title a user would type: no punctuation, no stopwords, no numbers; hyphens
// split (a hyphenated pair is a phrase, which the relational peers cannot pre-analyse alike).
std::vector<std::string> query_words(const std::string& title, const aides::Analyzer& analyzer) {
    std::string cleaned = title;
    for (char& c : cleaned)
        if (std::string_view("-,;:!?()[]/\"«»+&.").find(c) != std::string_view::npos) c = ' ';
    std::vector<std::string> out;
    std::istringstream tokens(cleaned);
    for (std::string token; tokens >> token;) {
        auto words = analyzer.words(token);
        if (words.size() != 1 || words.front().stopword || words.front().form.size() < 3) continue;
        const std::string& form = words.front().form;
        if (std::all_of(form.begin(), form.end(), [](unsigned char c) { return c >= '0' && c <= '9'; })) continue;
        out.push_back(token);
    }
    return out;
}

std::optional<TermTree> walk(const aides::plan::Expr& expr) {
    using Op = aides::plan::Expr::Op;
    TermTree tree;
    switch (expr.op()) {
        case Op::term:
            tree.term = expr.text();
            return tree;
        case Op::scale: return walk(expr.parts().front());
        case Op::and_: tree.op = TermTree::Op::all; break;
        case Op::or_:
        case Op::synonym: tree.op = TermTree::Op::any; break;
        default: return std::nullopt;  // phrases, exclusions: not in the mix
    }
    for (const aides::plan::Expr& part : expr.parts()) {
        auto child = walk(part);
        if (!child) return std::nullopt;
        tree.children.push_back(std::move(*child));
    }
    return tree;
}

}  // namespace

Mix generate_mix(const MixOptions& options) {
    Mix mix;
    mix.today = options.today;
    aides::Searcher searcher(options.index);
    aides::Analyzer analyzer;
    Xapian::Database db(options.index);
    aides::store::Catalogue catalogue = aides::store::load_catalogue(db, options.index, analyzer);
    aides::TextQueryBuilder builder(analyzer, catalogue.synonyms);
    std::mt19937 random(options.seed);
    auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random); };

    // Titles: the real ones when given, else the names of aids in the index.
    std::vector<std::vector<std::string>> titles;
    for (const auto& title : read_titles(options.titles_csv)) {
        auto words = query_words(title, analyzer);
        if (!words.empty()) titles.push_back(std::move(words));
    }
    bool real_titles = !titles.empty();
    if (!real_titles) {
        Xapian::doccount n = db.get_lastdocid();
        for (int i = 0; i < 5000 && n > 0; ++i) {
            try {
                auto aid = aides::stored::decode(db.get_document(static_cast<Xapian::docid>(1 + pick(n))).get_data());
                auto words = query_words(aid.name, analyzer);
                if (!words.empty()) titles.push_back(std::move(words));
            } catch (const Xapian::DocNotFoundError&) {
            }
        }
    }
    if (titles.empty()) throw aides::Error("no titles to draw query words from");
    std::cerr << "mix: " << titles.size() << (real_titles ? " real project titles" : " titles from the index") << "\n";

    std::vector<std::string> communes = searcher.geography().commune_codes();
    std::vector<std::string> themes;
    for (const auto& [slug, theme] : catalogue.taxonomy.themes()) themes.push_back(slug);
    // The audiences most aids target: the broad facet query rotates over them.
    std::vector<std::pair<Xapian::doccount, std::string>> by_frequency;
    for (auto it = db.allterms_begin(std::string(aides::schema::audience)); it != db.allterms_end(std::string(aides::schema::audience)); ++it)
        by_frequency.emplace_back(it.get_termfreq(), (*it).substr(aides::schema::audience.size()));
    std::sort(by_frequency.rbegin(), by_frequency.rend());
    std::vector<std::string> broad_audiences;
    for (std::size_t i = 0; i < by_frequency.size() && i < 4; ++i) broad_audiences.push_back(by_frequency[i].second);
    if (broad_audiences.empty()) broad_audiences.push_back("commune");

    auto text_of = [&](std::size_t words) {
        for (;;) {
            const auto& title = titles[pick(titles.size())];
            if (title.size() < words) continue;
            std::size_t start = pick(title.size() - words + 1);
            std::string text;
            for (std::size_t i = 0; i < words; ++i) text += (i ? " " : "") + title[start + i];
            return text;
        }
    };

    struct ClassPlan {
        const char* name;
        bool text, commune, themes, facets, deadline, broad;
        std::size_t max_words;
    };
    const ClassPlan plans[] = {
        {"text", true, false, false, false, false, false, 4},
        {"profile", false, true, true, false, false, false, 0},
        {"text_profile", true, true, false, false, false, false, 3},
        {"text_profile_facets", true, true, false, true, false, false, 3},
        {"deadline", false, true, false, false, true, false, 0},
        {"broad_facets", false, false, false, true, false, true, 0},
    };
    std::set<std::string> seen;
    for (const ClassPlan& plan : plans) {
        std::size_t accepted = 0, attempts = 0, rotation = 0;
        while (accepted < options.per_class && attempts < options.per_class * 200) {
            ++attempts;
            QuerySpec q;
            q.klass = plan.name;
            if (plan.text) q.text = text_of(1 + (rotation % plan.max_words));
            if (plan.commune) {
                q.commune = communes[pick(communes.size())];
                q.audiences = {pick(5) == 0 ? "epci" : "commune"};
            }
            if (plan.themes) {
                q.themes.push_back(themes[pick(themes.size())]);
                if (pick(2) == 0) q.themes.push_back(themes[pick(themes.size())]);
            }
            if (plan.broad) q.audiences = {broad_audiences[rotation % broad_audiences.size()]};
            q.facets = plan.facets;
            if (plan.deadline) q.order = aides::Order::deadline;
            std::string key = q.klass + "|" + q.text + "|" + q.commune + "|" + (q.audiences.empty() ? "" : q.audiences[0]);
            for (const auto& t : q.themes) key += "|" + t;
            if (!plan.broad && !seen.insert(key).second) continue;

            aides::SearchResponse response = searcher.search(request_of(q, options.today, mix.page_size));
            // Text queries must match without relaxation (which no peer has) and be plain words.
            bool last_chance = attempts > options.per_class * 100;
            if (plan.text && (response.count == 0 || response.relaxed)) continue;
            if (!plan.text && response.count == 0 && !last_chance) continue;
            if (plan.text) {
                aides::ParsedText parsed = aides::parse_text(q.text, analyzer);
                std::vector<aides::plan::Expr> groups;
                bool plain = true;
                for (const auto& group : parsed.groups) {
                    for (const auto& unit : group.required) plain = plain && !unit.phrase;
                    groups.push_back(builder.group(group));
                }
                aides::plan::Expr text = aides::plan::Expr::combine(aides::plan::Expr::Op::or_, std::move(groups));
                q.terms = walk(text);
                if (!plain || !q.terms) continue;
                q.xapian_text = hex(text.to_query().serialise());
            }
            if (!q.commune.empty())
                for (const auto& p : searcher.geography().perimeters_of_commune(q.commune)) q.perimeters.push_back(p.to_string());
            q.count = response.count;
            if (q.facets) q.expected_facets = response.facets;
            mix.queries.push_back(std::move(q));
            ++accepted;
            ++rotation;
        }
        std::cerr << "mix: " << plan.name << ": " << accepted << " queries (" << attempts << " drawn)\n";
    }
    return mix;
}

}  // namespace bench
