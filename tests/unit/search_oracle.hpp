#pragma once
// The oracle of the search suites: the contract's rules computed by brute force over the JSON
// records, the npm geography (test::npm_data_dir()) and the taxonomy file. It never calls the
// library's query, geography or analysis code: a searcher answer that agrees with it agrees
// with an independent reading of the contract.
#include "test_support.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace aides::oracle {

using json = nlohmann::json;
using Codes = std::set<std::string>;

inline json read_json(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    return json::parse(in);
}

inline std::string scale_of(const std::string& perimeter) { return perimeter.substr(0, perimeter.find(':')); }
inline std::string code_of(const std::string& perimeter) {
    auto colon = perimeter.find(':');
    return colon == std::string::npos ? std::string() : perimeter.substr(colon + 1);
}

/** One line per INSEE code, `#` comments, blank lines skipped. */
inline std::vector<std::string> read_code_list(const std::string& path) {
    std::vector<std::string> out;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        line = line.substr(0, line.find('#'));
        auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos) continue;
        auto last = line.find_last_not_of(" \t\r");
        out.push_back(line.substr(first, last - first + 1));
    }
    return out;
}

// ------------------------------------------------------------------------------- geography
struct CommuneInfo {
    std::string code, name, department, region, epci;  // an overseas collectivity's region is its own code
    std::string zone;                                   // metro, drom or com (npm words)
    bool overseas() const { return zone != "metro"; }
};

/** The national geography read from the npm JSON, plus ad-hoc lists; every perimeter as the
 *  set of communes it covers. */
class Geo {
  public:
    explicit Geo(const std::string& npm_dir) {
        for (const auto& c : read_json(npm_dir + "/communes.json")) {
            if (c.value("type", "") != "commune-actuelle") continue;
            CommuneInfo info;
            info.code = c["code"].get<std::string>();
            info.name = c.value("nom", "");
            info.department = c.value("departement", "");
            info.zone = c.value("zone", "");
            info.region = c.value("region", "");  // 975...989 for the overseas collectivities, as given
            communes_[info.code] = info;
        }
        for (const auto& e : read_json(npm_dir + "/epci.json")) {
            std::string siren = e["code"].get<std::string>();
            Codes& members = sets_["epci:" + siren];
            for (const auto& m : e["membres"]) {
                std::string code = m["code"].get<std::string>();
                auto it = communes_.find(code);
                if (it == communes_.end()) continue;
                members.insert(code);
                it->second.epci = siren;
            }
        }
        for (const auto& [code, c] : communes_) {
            sets_["commune:" + code] = {code};
            sets_["department:" + c.department].insert(code);
            if (!c.region.empty()) sets_["region:" + c.region].insert(code);
            sets_[c.overseas() ? "overseas:FRA-OM" : "mainland:FRA-MET"].insert(code);
            sets_["country:FRA"].insert(code);
            sets_["continent:EU"].insert(code);
        }
    }

    void add_adhoc(const std::string& name, const std::vector<std::string>& codes) {
        Codes& members = sets_["adhoc:" + name];
        for (const auto& code : codes)
            if (communes_.count(code)) members.insert(code);
    }

    const std::map<std::string, CommuneInfo>& communes() const { return communes_; }
    const CommuneInfo& commune(const std::string& code) const { return communes_.at(code); }

    /** The communes a perimeter `SCALE:CODE` covers; empty when unknown. */
    const Codes& communes_of(const std::string& perimeter) const {
        static const Codes none;
        auto it = sets_.find(perimeter);
        return it == sets_.end() ? none : it->second;
    }
    /** Every perimeter of the geography (communes excluded). */
    std::vector<std::string> wide_perimeters() const {
        std::vector<std::string> out;
        for (const auto& [p, members] : sets_)
            if (scale_of(p) != "commune") out.push_back(p);
        return out;
    }

  private:
    std::map<std::string, CommuneInfo> communes_;
    std::map<std::string, Codes> sets_;
};

inline bool subset(const Codes& small, const Codes& big) {
    return std::includes(big.begin(), big.end(), small.begin(), small.end());
}
inline bool intersects(const Codes& a, const Codes& b) {
    auto i = a.begin();
    auto j = b.begin();
    while (i != a.end() && j != b.end()) {
        if (*i == *j) return true;
        if (*i < *j) ++i;
        else ++j;
    }
    return false;
}

/** The national geography with the corpus's ad-hoc list `pvd`, loaded once. */
inline const Geo& geo() {
    static const Geo instance = [] {
        Geo g(test::npm_data_dir());
        g.add_adhoc("pvd", read_code_list(test::corpus("adhoc/pvd-extrait.txt")));
        return g;
    }();
    return instance;
}

/** Contract: an aid on `aid_perimeter` is eligible for the commune when that perimeter (commune,
 *  EPCI, department, region, zone, France, Europe, ad-hoc list) contains the commune. */
inline bool eligible_for_commune(const Geo& g, const std::string& aid_perimeter, const std::string& commune) {
    return g.communes_of(aid_perimeter).count(commune) > 0;
}

/** Contract: searching P returns the aids on P, on perimeters containing P, on perimeters
 *  inside P, and on ad-hoc perimeters sharing a commune with P. Containment is read on the
 *  communes covered. One convention on top, Aides-territoires': an EPCI spanning several
 *  departments or regions is attached to each of them (both ways). */
inline bool eligible_for_perimeter_uncached(const Geo& g, const std::string& aid_perimeter, const std::string& searched) {
    if (aid_perimeter == searched) return true;
    const Codes& a = g.communes_of(aid_perimeter);
    const Codes& p = g.communes_of(searched);
    if (a.empty() || p.empty()) return false;
    std::string sa = scale_of(aid_perimeter), sp = scale_of(searched);
    if (sa == "adhoc") return intersects(a, p);
    if (subset(p, a) || subset(a, p)) return true;
    auto admin = [](const std::string& s) { return s == "department" || s == "region"; };
    if ((sa == "epci" && admin(sp)) || (sp == "epci" && admin(sa))) return intersects(a, p);
    return false;
}
inline bool eligible_for_perimeter(const Geo& g, const std::string& aid_perimeter, const std::string& searched) {
    // Set comparisons over 35,000 communes are slow: each pair is computed once per process.
    static std::map<std::pair<const Geo*, std::pair<std::string, std::string>>, bool> cache;
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    auto key = std::make_pair(&g, std::make_pair(aid_perimeter, searched));
    auto it = cache.find(key);
    if (it == cache.end()) it = cache.emplace(key, eligible_for_perimeter_uncached(g, aid_perimeter, searched)).first;
    return it->second;
}

// ------------------------------------------------------------------------------- taxonomy
struct Taxonomy {
    std::map<std::string, std::string> theme_of;           // category slug -> theme slug
    std::map<std::string, std::vector<std::string>> categories;  // theme slug -> category slugs
};

inline const Taxonomy& taxonomy() {
    static const Taxonomy instance = [] {
        Taxonomy t;
        const json file = read_json(test::corpus("taxonomy.json"));  // kept alive for the loop
        for (const auto& theme : file.at("themes")) {
            std::string slug = theme["slug"].get<std::string>();
            for (const auto& category : theme["categories"]) {
                t.theme_of[category["slug"].get<std::string>()] = slug;
                t.categories[slug].push_back(category["slug"].get<std::string>());
            }
        }
        return t;
    }();
    return instance;
}

// ------------------------------------------------------------------------------- records
inline std::string id_of(const json& aid) { return aid["id"].is_string() ? aid["id"].get<std::string>() : aid["id"].dump(); }
inline std::string str(const json& aid, const char* key, const std::string& fallback = {}) {
    auto it = aid.find(key);
    return it == aid.end() || it->is_null() ? fallback : it->get<std::string>();
}
inline std::vector<std::string> list(const json& aid, const char* key) {
    auto it = aid.find(key);
    if (it == aid.end() || it->is_null()) return {};
    return it->get<std::vector<std::string>>();
}
inline bool flag(const json& aid, const char* key) {
    auto it = aid.find(key);
    return it != aid.end() && it->is_boolean() && it->get<bool>();
}
inline std::string perimeter_of(const json& aid) { return str(aid, "perimeter", "country:FRA"); }
inline std::optional<std::string> deadline_of(const json& aid) {
    std::string d = str(aid, "submission_deadline");
    return d.empty() ? std::nullopt : std::optional<std::string>(d);
}
/** The deadline as it sorts on `today`: none, or an ongoing aid's past (stale) one, last. */
inline std::string deadline_key(const json& aid, const std::string& today = {}) {
    auto deadline = deadline_of(aid);
    if (!deadline || (str(aid, "recurrence") == "ongoing" && *deadline < today)) return "9999-12-31";
    return *deadline;
}
inline std::string published_of(const json& aid) { return str(aid, "date_published").substr(0, 10); }

/** Themes of an aid: the themes of its categories. */
inline std::set<std::string> themes_of(const json& aid) {
    std::set<std::string> out;
    for (const auto& c : list(aid, "categories")) out.insert(taxonomy().theme_of.at(c));
    return out;
}
/** Backers: financers and instructors, each name once. */
inline std::set<std::string> backers_of(const json& aid) {
    std::set<std::string> out;
    for (const auto& b : list(aid, "financers")) out.insert(b);
    for (const auto& b : list(aid, "instructors")) out.insert(b);
    return out;
}

/** The corpus records, as JSON. */
inline const std::vector<json>& corpus_records() {
    static const std::vector<json> records = test::read_jsonl(test::corpus("aides.jsonl"));
    return records;
}

// --------------------------------------------------------------------- case and accent folding
/** Lower case without accents (Latin letters of French), blanks collapsed. */
inline std::string fold(const std::string& text) {
    std::string out;
    auto put = [&](const char* s) {
        for (; *s; ++s) {
            if (*s == ' ' && (out.empty() || out.back() == ' ')) continue;
            out += *s;
        }
    };
    for (std::size_t i = 0; i < text.size();) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        std::uint32_t cp = c;
        std::size_t len = 1;
        if (c >= 0xF0) { cp = c & 0x07; len = 4; }
        else if (c >= 0xE0) { cp = c & 0x0F; len = 3; }
        else if (c >= 0xC0) { cp = c & 0x1F; len = 2; }
        for (std::size_t k = 1; k < len && i + k < text.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
        i += len;
        if (cp < 0x80) {
            char ch = static_cast<char>(cp);
            if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
            if (ch == '\t' || ch == '\n') ch = ' ';
            const char s[2] = {ch, 0};
            put(s);
            continue;
        }
        switch (cp) {
            case 0xE0: case 0xE1: case 0xE2: case 0xE3: case 0xE4: case 0xC0: case 0xC1: case 0xC2: case 0xC3: case 0xC4: put("a"); break;
            case 0xE7: case 0xC7: put("c"); break;
            case 0xE8: case 0xE9: case 0xEA: case 0xEB: case 0xC8: case 0xC9: case 0xCA: case 0xCB: put("e"); break;
            case 0xEC: case 0xED: case 0xEE: case 0xEF: case 0xCC: case 0xCD: case 0xCE: case 0xCF: put("i"); break;
            case 0xF2: case 0xF3: case 0xF4: case 0xF5: case 0xF6: case 0xD2: case 0xD3: case 0xD4: case 0xD5: case 0xD6: put("o"); break;
            case 0xF9: case 0xFA: case 0xFB: case 0xFC: case 0xD9: case 0xDA: case 0xDB: case 0xDC: put("u"); break;
            case 0xFF: case 0x178: put("y"); break;
            case 0x153: case 0x152: put("oe"); break;
            case 0xE6: case 0xC6: put("ae"); break;
            case 0x2019: put("'"); break;
            case 0xA0: put(" "); break;
            default: {
                // Any other character is kept as it is.
                std::string bytes;
                if (cp < 0x800) {
                    bytes += static_cast<char>(0xC0 | (cp >> 6));
                    bytes += static_cast<char>(0x80 | (cp & 0x3F));
                } else if (cp < 0x10000) {
                    bytes += static_cast<char>(0xE0 | (cp >> 12));
                    bytes += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                    bytes += static_cast<char>(0x80 | (cp & 0x3F));
                } else {
                    bytes += static_cast<char>(0xF0 | (cp >> 18));
                    bytes += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
                    bytes += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                    bytes += static_cast<char>(0x80 | (cp & 0x3F));
                }
                put(bytes.c_str());
            }
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// ------------------------------------------------------------------------------- queries
/** Aides-territoires' two groups of aid types. */
inline std::vector<std::string> expand_aid_type(const std::string& value) {
    if (value == "financial_group") return {"grant", "loan", "recoverable_advance", "cee", "other"};
    if (value == "technical_group") return {"technical_engineering", "financial_engineering", "legal_engineering"};
    return {value};
}

/** A search as the oracle reads it: machine values only. */
struct Query {
    std::string commune, perimeter;
    std::vector<std::string> audiences, themes, categories, aid_types, steps, destinations, programs, backers, recurrences;
    bool call_for_projects = false;
    std::optional<bool> is_charged;
    std::string today, apply_before, published_after;
    bool include_expired = false;
};

/** The oracle's reading of a request written with machine values (the test's own input). */
inline Query query_of(const SearchRequest& r) {
    Query q;
    // The tests give INSEE codes, written insee:CODE where five digits could also be a postcode.
    q.commune = r.commune.rfind("insee:", 0) == 0 ? r.commune.substr(6) : r.commune;
    q.perimeter = r.perimeter;
    q.audiences = r.audiences;
    // Contract: --commune implies --audience commune unless --audience is given.
    if (!q.commune.empty() && q.audiences.empty()) q.audiences = {"commune"};
    q.themes = r.themes;
    q.categories = r.categories;
    for (const auto& t : r.aid_types)
        for (auto& v : expand_aid_type(t)) q.aid_types.push_back(v);
    q.steps = r.steps;
    q.destinations = r.destinations;
    q.programs = r.programs;
    q.backers = r.backers;
    q.recurrences = r.recurrences;
    q.call_for_projects = r.call_for_projects;
    q.is_charged = r.is_charged;
    q.today = r.today;
    q.apply_before = r.apply_before;
    q.published_after = r.published_after;
    q.include_expired = r.include_expired;
    return q;
}

inline bool shares(const std::vector<std::string>& have, const std::vector<std::string>& wanted) {
    for (const auto& w : wanted)
        if (std::find(have.begin(), have.end(), w) != have.end()) return true;
    return false;
}

/** True when the aid is in the searched place (before the generic/local rule). */
inline bool in_place(const Geo& g, const json& aid, const Query& q) {
    if (!q.commune.empty()) return eligible_for_commune(g, perimeter_of(aid), q.commune);
    if (!q.perimeter.empty()) return eligible_for_perimeter(g, perimeter_of(aid), q.perimeter);
    return true;
}

/** Every rule of the contract but the place and the generic/local rule. */
inline bool passes_filters(const json& aid, const Query& q) {
    if (str(aid, "status", "published") != "published") return false;
    if (!q.audiences.empty() && !shares(list(aid, "targeted_audiences"), q.audiences)) return false;
    if (!q.themes.empty()) {
        auto themes = themes_of(aid);
        if (!std::any_of(q.themes.begin(), q.themes.end(), [&](const auto& t) { return themes.count(t) > 0; })) return false;
    }
    if (!q.categories.empty() && !shares(list(aid, "categories"), q.categories)) return false;
    if (!q.aid_types.empty() && !shares(list(aid, "aid_types"), q.aid_types)) return false;
    if (!q.steps.empty() && !shares(list(aid, "mobilization_steps"), q.steps)) return false;
    if (!q.destinations.empty() && !shares(list(aid, "destinations"), q.destinations)) return false;
    if (!q.programs.empty() && !shares(list(aid, "programs"), q.programs)) return false;
    if (!q.recurrences.empty() &&
        std::find(q.recurrences.begin(), q.recurrences.end(), str(aid, "recurrence")) == q.recurrences.end())
        return false;
    if (!q.backers.empty()) {
        bool found = false;
        for (const auto& name : backers_of(aid))
            for (const auto& wanted : q.backers) found = found || fold(name) == fold(wanted);
        if (!found) return false;
    }
    if (q.call_for_projects && !flag(aid, "is_call_for_project")) return false;
    if (q.is_charged && flag(aid, "is_charged") != *q.is_charged) return false;
    auto deadline = deadline_of(aid);
    if (!q.include_expired) {
        bool open = !deadline || *deadline >= q.today || str(aid, "recurrence") == "ongoing";
        if (!open) return false;
    }
    // To apply before D: a deadline from today to D (a deadline already past, an ongoing aid's
    // stale one included, is not one to apply before).
    if (!q.apply_before.empty() && (!deadline || *deadline > q.apply_before || *deadline < q.today)) return false;
    if (!q.published_after.empty() && (published_of(aid).empty() || published_of(aid) < q.published_after)) return false;
    return true;
}

/** True when every commune of `inner` is in `outer`. */
inline bool lies_inside(const Geo& g, const std::string& inner, const std::string& outer) {
    const Codes& a = g.communes_of(inner);
    const Codes& b = g.communes_of(outer);
    return !a.empty() && subset(a, b);
}

/** Contract: when both a generic aid and its local variant match, the local variant is shown
 *  when the searched commune or perimeter lies inside the variant's perimeter, else the
 *  generic aid. */
inline std::vector<const json*> apply_generic_rule(const Geo& g, std::vector<const json*> matched, const Query& q) {
    std::set<std::string> ids, hidden;
    for (const json* aid : matched) ids.insert(id_of(*aid));
    for (const json* aid : matched) {
        std::string generic = str(*aid, "generic_aid");
        if (generic.empty() || !ids.count(generic)) continue;
        const Codes& variant = g.communes_of(perimeter_of(*aid));
        bool inside = !q.commune.empty() ? variant.count(q.commune) > 0
                      : !q.perimeter.empty() ? lies_inside(g, q.perimeter, perimeter_of(*aid))
                                             : false;
        hidden.insert(inside ? generic : id_of(*aid));
    }
    std::vector<const json*> out;
    for (const json* aid : matched)
        if (!hidden.count(id_of(*aid))) out.push_back(aid);
    return out;
}

/** The aids a query returns, in file order. */
inline std::vector<const json*> matching(const std::vector<json>& records, const Query& q, const Geo& g = geo()) {
    std::vector<const json*> matched;
    for (const auto& aid : records)
        if (passes_filters(aid, q) && in_place(g, aid, q)) matched.push_back(&aid);
    return apply_generic_rule(g, std::move(matched), q);
}

inline std::vector<std::string> sorted_ids(const std::vector<const json*>& aids) {
    std::vector<std::string> out;
    for (const json* aid : aids) out.push_back(id_of(*aid));
    std::sort(out.begin(), out.end());
    return out;
}
inline std::vector<std::string> sorted(std::vector<std::string> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
}

/** Rank of a scale in the relevance order without text (mainland and overseas together). */
inline int scale_rank(const std::string& perimeter) {
    static const std::map<std::string, int> ranks = {{"commune", 0}, {"epci", 1}, {"adhoc", 2}, {"department", 3},
                                                     {"region", 4}, {"mainland", 5}, {"overseas", 5},
                                                     {"country", 6}, {"continent", 7}};
    return ranks.at(scale_of(perimeter));
}

/** What differs between two sorted id lists, for failure messages. */
inline std::string difference(const std::vector<std::string>& expected, const std::vector<std::string>& actual,
                              const std::map<std::string, const json*>& by_id = {}) {
    std::vector<std::string> missing, extra;
    std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(), std::back_inserter(missing));
    std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(), std::back_inserter(extra));
    auto describe = [&](const std::vector<std::string>& ids) {
        std::string out;
        for (const auto& id : ids) {
            out += " " + id;
            if (auto it = by_id.find(id); it != by_id.end()) out += "(" + perimeter_of(*it->second) + ")";
        }
        return out;
    };
    return "missing:" + describe(missing) + " | unexpected:" + describe(extra);
}

inline std::map<std::string, const json*> index_by_id(const std::vector<json>& records) {
    std::map<std::string, const json*> out;
    for (const auto& r : records) out[id_of(r)] = &r;
    return out;
}

/** A suite over one index of corpus/aides.jsonl (with the PVD extract as `adhoc:pvd`), built
 *  once per suite, and the records it was built from, for the brute forces above. */
class CorpusSuite : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new test::TempDir;
        test::build_index(dir_->str("idx"), {test::corpus("aides.jsonl")}, {{"pvd", test::corpus("adhoc/pvd-extrait.txt")}});
        searcher_ = new Searcher(dir_->str("idx"));
    }
    static void TearDownTestSuite() {
        delete searcher_;
        delete dir_;
        searcher_ = nullptr;
        dir_ = nullptr;
    }
    static const std::vector<json>& records() { return corpus_records(); }
    static const std::map<std::string, const json*>& by_id() {
        static const auto index = index_by_id(records());
        return index;
    }

    static inline test::TempDir* dir_ = nullptr;
    static inline Searcher* searcher_ = nullptr;
};

}  // namespace aides::oracle
