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

using nlohmann::json;

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

// The query words of each title: the real project titles when given, else the names of aids
// drawn from the index.
std::vector<std::vector<std::string>> query_titles(const std::string& titles_csv, Xapian::Database& db, const aides::Analyzer& analyzer,
                                                   std::mt19937& random) {
    std::vector<std::vector<std::string>> titles;
    for (const auto& title : read_titles(titles_csv)) {
        auto words = query_words(title, analyzer);
        if (!words.empty()) titles.push_back(std::move(words));
    }
    if (titles.empty()) {
        Xapian::doccount n = db.get_lastdocid();
        for (int i = 0; i < 5000 && n > 0; ++i) {
            try {
                auto docid = static_cast<Xapian::docid>(1 + std::uniform_int_distribution<std::size_t>(0, n - 1)(random));
                auto aid = aides::stored::decode(db.get_document(docid).get_data());
                auto words = query_words(aid.name, analyzer);
                if (!words.empty()) titles.push_back(std::move(words));
            } catch (const Xapian::DocNotFoundError&) {
            }
        }
    }
    if (titles.empty()) throw aides::Error("no titles to draw query words from");
    return titles;
}

bool titles_are_real(const std::string& titles_csv, const aides::Analyzer& analyzer) {
    for (const auto& title : read_titles(titles_csv))
        if (!query_words(title, analyzer).empty()) return true;
    return false;
}

// The INSEE codes a user may type alone: a code that is also the postcode of other communes
// is ambiguous (the search refuses it) and left out.
std::vector<std::string> typed_communes(const aides::Geography& geography) {
    std::vector<std::string> out;
    for (const auto& code : geography.commune_codes()) {
        try {
            if (geography.resolve_commune(code) == code) out.push_back(code);
        } catch (const aides::Error&) {
        }
    }
    return out;
}

// Text + profile queries as a portal's users ask them: 1 to 3 words of a project title (as
// many of each length), a commune drawn with a chance proportional to its population, the
// audience "commune" (an EPCI one time in five). Never the same query twice.
class Traffic {
  public:
    Traffic(const aides::Searcher& searcher, const std::vector<std::vector<std::string>>& titles, unsigned seed)
        : titles_(titles), random_(seed) {
        std::vector<double> weights;
        for (const auto& code : typed_communes(searcher.geography())) {
            communes_.push_back(code);
            auto profile = searcher.geography().profile(code);
            weights.push_back(static_cast<double>(std::max<std::int64_t>(1, profile ? profile->population : 1)));
        }
        if (communes_.empty()) throw aides::Error("no commune in the index's geography");
        by_population_ = std::discrete_distribution<std::size_t>(weights.begin(), weights.end());
    }

    QuerySpec next() {
        for (int tries = 0; tries < 1000000; ++tries) {
            QuerySpec q;
            std::size_t words = 1 + drawn_ % 3;
            const auto& title = titles_[pick(titles_.size())];
            if (title.size() < words) continue;
            std::size_t start = pick(title.size() - words + 1);
            for (std::size_t i = 0; i < words; ++i) q.text += (i ? " " : "") + title[start + i];
            q.commune = communes_[by_population_(random_)];
            q.audiences = {pick(5) == 0 ? "epci" : "commune"};
            if (!seen_.insert(q.text + "|" + q.commune + "|" + q.audiences[0]).second) continue;
            ++drawn_;
            return q;
        }
        throw aides::Error("cannot draw another distinct query");
    }

  private:
    std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_); }
    const std::vector<std::vector<std::string>>& titles_;
    std::mt19937 random_;
    std::vector<std::string> communes_;
    std::discrete_distribution<std::size_t> by_population_;
    std::set<std::string> seen_;
    std::size_t drawn_ = 0;
};

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

    std::vector<std::vector<std::string>> titles = query_titles(options.titles_csv, db, analyzer, random);
    bool real_titles = titles_are_real(options.titles_csv, analyzer);
    std::cerr << "mix: " << titles.size() << (real_titles ? " real project titles" : " titles from the index") << "\n";

    std::vector<std::string> communes = typed_communes(searcher.geography());
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

    // The library's answer to a drawn query, and what the peers need; false when the query
    // does not fit the mix (a text that matches nothing or only relaxed, a phrase).
    auto complete = [&](QuerySpec& q, bool text, bool any_count) {
        aides::SearchResponse response = searcher.search(request_of(q, options.today, mix.page_size));
        // Text queries must match without relaxation (which no peer has) and be plain words.
        if (text && (response.count == 0 || response.relaxed)) return false;
        if (!text && response.count == 0 && !any_count) return false;
        if (text) {
            aides::ParsedText parsed = aides::parse_text(q.text, analyzer);
            std::vector<aides::plan::Expr> groups;
            bool plain = true;
            for (const auto& group : parsed.groups) {
                for (const auto& unit : group.required) plain = plain && !unit.phrase;
                groups.push_back(builder.group(group));
            }
            aides::plan::Expr text_expr = aides::plan::Expr::combine(aides::plan::Expr::Op::or_, std::move(groups));
            q.terms = walk(text_expr);
            if (!plain || !q.terms) return false;
            q.xapian_text = hex(text_expr.to_query().serialise());
        }
        if (!q.commune.empty())
            for (const auto& p : searcher.geography().perimeters_of_commune(q.commune)) q.perimeters.push_back(p.to_string());
        q.count = response.count;
        if (q.facets) q.expected_facets = response.facets;
        return true;
    };

    // The distinct class first (the headline): text + profile queries as a portal's users ask
    // them, each once, and other ones of the same kind for the warm-up before them.
    if (options.distinct > 0) {
        Traffic traffic(searcher, titles, options.seed + 1);
        for (auto [klass, wanted] : {std::pair<const char*, std::size_t>{"distinct_warmup", options.distinct_warmup},
                                     std::pair<const char*, std::size_t>{"distinct", options.distinct}}) {
            std::size_t accepted = 0, attempts = 0;
            while (accepted < wanted && attempts < wanted * 50) {
                ++attempts;
                QuerySpec q = traffic.next();
                q.klass = klass;
                if (!complete(q, true, false)) continue;
                mix.queries.push_back(std::move(q));
                ++accepted;
            }
            std::cerr << "mix: " << klass << ": " << accepted << " queries (" << attempts << " drawn)\n";
        }
    }

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

            bool last_chance = attempts > options.per_class * 100;
            if (!complete(q, plan.text, last_chance)) continue;
            mix.queries.push_back(std::move(q));
            ++accepted;
            ++rotation;
        }
        std::cerr << "mix: " << plan.name << ": " << accepted << " queries (" << attempts << " drawn)\n";
    }
    return mix;
}

json soak(const SoakOptions& options) {
    aides::Searcher searcher(options.index);
    aides::Analyzer analyzer;
    Xapian::Database db(options.index);
    std::mt19937 random(options.seed);
    std::vector<std::vector<std::string>> titles = query_titles(options.titles_csv, db, analyzer, random);
    // Another seed than the mix's distinct class: other queries.
    Traffic traffic(searcher, titles, options.seed + 7);
    Target target;
    target.system = options.snippets ? "aides" : "aides-records";
    target.index = options.index;
    target.today = options.today;
    auto factory = make_aides(target, options.snippets);
    auto engine = factory->make();
    json rows = json::array();
    std::vector<double> block;
    std::size_t zero = 0;
    // The tail, named: the slowest queries of the whole run, to say what the p99 is made of.
    constexpr std::size_t slowest_kept = 25;
    std::vector<std::pair<double, json>> slowest;
    auto start = Clock::now();
    for (std::size_t i = 1; i <= options.queries; ++i) {
        QuerySpec q = traffic.next();
        q.klass = "distinct";
        auto t = Clock::now();
        Outcome outcome = engine->search(q);
        const double ms = seconds_since(t) * 1000;
        block.push_back(ms);
        zero += outcome.count == 0;
        if (slowest.size() < slowest_kept || ms > slowest.front().first) {
            auto later = [](const auto& a, const auto& b) { return a.first > b.first; };  // a min-heap on ms
            if (slowest.size() == slowest_kept) {
                std::pop_heap(slowest.begin(), slowest.end(), later);
                slowest.pop_back();
            }
            slowest.emplace_back(ms, json{{"ms", ms}, {"text", q.text}, {"commune", q.commune}, {"audiences", q.audiences}, {"count", outcome.count}});
            std::push_heap(slowest.begin(), slowest.end(), later);
        }
        if (i % options.every == 0 || i == options.queries) {
            std::sort(block.begin(), block.end());
            auto at = [&](double p) { return block[std::min(block.size() - 1, static_cast<std::size_t>(p * static_cast<double>(block.size())))]; };
            rows.push_back({{"queries", i}, {"rss_kib", rss_kib()}, {"peak_rss_kib", peak_rss_kib()}, {"p50_ms", at(0.50)},
                            {"p90_ms", at(0.90)}, {"p99_ms", at(0.99)}, {"zero_hits", zero}, {"seconds", seconds_since(start)}});
            std::cerr << "soak: " << i << " queries, RSS " << rss_kib() / 1024 << " MB\n";
            block.clear();
            zero = 0;
        }
    }
    std::sort(slowest.begin(), slowest.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    json tail = json::array();
    for (auto& [ms, query] : slowest) tail.push_back(std::move(query));
    return {{"queries", options.queries}, {"every", options.every}, {"snippets", options.snippets}, {"titles", titles.size()},
            {"docs", db.get_doccount()}, {"rows", rows}, {"slowest", tail}};
}

}  // namespace bench
