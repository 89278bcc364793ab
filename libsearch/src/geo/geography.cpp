// The national geography, its compact file, and perimeter containment.
#include <aides/geography.hpp>

#include <aides/analysis.hpp>
#include <aides/errors.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <tuple>
#include <unordered_map>

#include "analysis/text_utils.hpp"

namespace aides {

namespace {

// Version 2 adds the former communes (`F` lines); a version 1 file reads as one without any.
constexpr std::string_view format_header = "#aides-geography\t2\t";
constexpr std::string_view format_header_v1 = "#aides-geography\t1\t";

struct ScaleWord {
    Scale scale;
    std::string_view word;
};
constexpr ScaleWord scale_words[] = {
    {Scale::commune, "commune"},   {Scale::epci, "epci"},         {Scale::adhoc, "adhoc"},
    {Scale::department, "department"}, {Scale::region, "region"}, {Scale::mainland, "mainland"},
    {Scale::overseas, "overseas"}, {Scale::country, "country"},   {Scale::continent, "continent"},
};

// The analyzer, built on first need only: most runs fold no name at all, and those that do
// rarely leave the Latin-1 fast path below.
const Analyzer& shared_analyzer() {
    thread_local const Analyzer analyzer;
    return analyzer;
}

// Apostrophe and hyphen look-alikes (U+2018, U+2019, U+02BC; U+2010..U+2014, U+2212) as ASCII.
std::string unify_punctuation(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
        if (byte(i) == 0xE2 && i + 2 < text.size() && byte(i + 1) == 0x80 && byte(i + 2) >= 0x90 && byte(i + 2) <= 0x99) {
            unsigned char last = byte(i + 2);
            if (last <= 0x94) out += '-';
            else if (last == 0x98 || last == 0x99) out += '\'';
            else out.append(text.substr(i, 3));
            i += 2;
        } else if (byte(i) == 0xE2 && i + 2 < text.size() && byte(i + 1) == 0x88 && byte(i + 2) == 0x92) {
            out += '-';
            i += 2;
        } else if (byte(i) == 0xCA && i + 1 < text.size() && byte(i + 1) == 0xBC) {
            out += '\'';
            i += 1;
        } else {
            out += text[i];
        }
    }
    return out;
}

// What Analyzer::fold (NFKC case folding, oe/ae, accents stripped) makes of the Latin-1 letters
// U+00C0..U+00FF; null where ICU is needed (Ð × Ø Þ ß ð ÷ ø þ).
constexpr const char* latin1_fold[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",                  // À..Ï
    nullptr, "n", "o", "o", "o", "o", "o", nullptr, nullptr, "u", "u", "u", "u", "y", nullptr, nullptr,  // Ð..ß
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",                  // à..ï
    nullptr, "n", "o", "o", "o", "o", "o", nullptr, nullptr, "u", "u", "u", "u", "y", nullptr, "y",      // ð..ÿ
};

// Analyzer::fold for ASCII, Latin-1 letters and œ (every commune name of France), with the
// apostrophe and hyphen look-alikes made ASCII: 30 times faster than going through ICU. False
// when the text holds anything else.
bool fast_fold(std::string_view text, std::string& out) {
    out.clear();
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
            continue;
        }
        if (i + 1 >= text.size()) return false;
        auto next = static_cast<unsigned char>(text[i + 1]);
        if (c == 0xC3 && next >= 0x80 && next <= 0xBF && latin1_fold[next - 0x80]) {
            out += latin1_fold[next - 0x80];
        } else if (c == 0xC5 && (next == 0x92 || next == 0x93)) {  // Œ œ
            out += "oe";
        } else if (c == 0xE2 && i + 2 < text.size() && next == 0x80 && static_cast<unsigned char>(text[i + 2]) >= 0x90 &&
                   static_cast<unsigned char>(text[i + 2]) <= 0x99 && static_cast<unsigned char>(text[i + 2]) != 0x95 &&
                   static_cast<unsigned char>(text[i + 2]) != 0x96 && static_cast<unsigned char>(text[i + 2]) != 0x97) {
            out += static_cast<unsigned char>(text[i + 2]) <= 0x94 ? '-' : '\'';  // U+2010..2014, U+2018..2019
            ++i;
        } else {
            return false;
        }
        ++i;
    }
    return true;
}

// Names for matching: folded, hyphens and apostrophes as spaces, spaces collapsed.
std::string name_key(std::string_view name) {
    std::string key;
    if (!fast_fold(name, key)) key = shared_analyzer().fold(unify_punctuation(name));
    std::size_t length = 0;
    for (char c : key) {
        if (c == '-' || c == '\'' || c == ' ' || c == '\t') {
            if (length > 0 && key[length - 1] != ' ') key[length++] = ' ';
        } else {
            key[length++] = c;
        }
    }
    while (length > 0 && key[length - 1] == ' ') --length;
    key.resize(length);
    return key;
}

std::string upper(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::string_view scale_name(Scale scale) {
    for (const auto& entry : scale_words)
        if (entry.scale == scale) return entry.word;
    return "";
}

std::optional<Scale> parse_scale(std::string_view text) {
    std::string key = name_key(text);
    for (const auto& entry : scale_words)
        if (key == entry.word) return entry.scale;
    static const std::map<std::string, Scale, std::less<>> labels = {
        {"communes", Scale::commune},       {"intercommunalite", Scale::epci},
        {"intercommunalites", Scale::epci}, {"departement", Scale::department},
        {"departements", Scale::department}, {"regions", Scale::region},
        {"france metropolitaine", Scale::mainland}, {"metropole", Scale::mainland},
        {"outre mer", Scale::overseas},     {"pays", Scale::country},
        {"france", Scale::country},         {"europe", Scale::continent},
        {"ad hoc", Scale::adhoc},           {"adhoc", Scale::adhoc},
    };
    if (auto it = labels.find(key); it != labels.end()) return it->second;
    return std::nullopt;
}

std::string Perimeter::to_string() const { return std::string(scale_name(scale)) + ":" + code; }

std::optional<Perimeter> Perimeter::parse(std::string_view text) {
    text = text::trim(text);
    auto colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string scale_text = text::ascii_lower(text.substr(0, colon));
    std::string_view code = text::trim(text.substr(colon + 1));
    if (code.empty()) return std::nullopt;
    for (const auto& entry : scale_words) {
        if (scale_text == entry.word) {
            // Ad-hoc names are lower case; administrative codes upper case (2A, FRA-MET, EU).
            std::string normal = entry.scale == Scale::adhoc ? text::ascii_lower(code) : upper(code);
            return Perimeter{entry.scale, std::move(normal)};
        }
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Communes are the bulk (35,000 of them) and are kept as views into the compact text itself:
// loading is then one pass over the file with no allocation per commune, which is most of a
// search's start-up. Regions, departments and EPCIs are few and own their strings.
struct CommuneRecord {
    std::string_view code, name, department, region, epci, postcodes;  // postcodes space-separated
    std::int64_t population = 0;
    bool overseas = false;
};

// A former commune or name (merged, delegated, associated, renamed), pointing at today's commune.
struct FormerRecord {
    std::string_view code, name, current;  // name may be empty: a former code only
    bool merged = true;
};

struct DepartmentRecord {
    std::string name, region;
    bool overseas = false;
    std::size_t communes = 0;
};

struct EpciRecord {
    std::string name;
    std::vector<std::string> departments, regions;  // of its communes, sorted
    bool mainland = false, overseas = false;
    std::size_t communes = 0;
};

namespace {
std::vector<std::string> split_spaces(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        std::size_t space = text.find(' ');
        if (space != 0) out.emplace_back(text.substr(0, space));
        text.remove_prefix(space == std::string_view::npos ? text.size() : space + 1);
    }
    return out;
}

// A French postcode (five digits) as a number; nullopt for anything else.
std::optional<std::uint32_t> postcode_number(std::string_view text) {
    if (text.size() != 5) return std::nullopt;
    std::uint32_t out = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        out = out * 10 + static_cast<std::uint32_t>(c - '0');
    }
    return out;
}

template <typename Container, typename Value>
void insert_sorted_unique(Container& container, const Value& value) {
    auto it = std::lower_bound(container.begin(), container.end(), value);
    if (it == container.end() || *it != value) container.insert(it, typename Container::value_type(value));
}
}  // namespace

struct Geography::Data {
    std::string text;  // the compact form the communes point into; never modified once parsed
    std::string source;  // where it was read from, for errors
    std::string origin;  // where the data comes from, as its header says
    std::vector<CommuneRecord> communes;  // sorted by code
    std::vector<FormerRecord> formers;    // sorted by code, then name
    std::map<std::string, std::string, std::less<>> regions;  // code -> name
    std::map<std::string, DepartmentRecord, std::less<>> departments;
    std::map<std::string, EpciRecord, std::less<>> epcis;
    std::map<std::string, std::size_t, std::less<>> region_communes;  // number of communes per region
    std::size_t mainland_communes = 0;

    // Name and postcode look-ups are built on first use, each on its own: most runs need none,
    // and a commune given by its code needs the postcodes (five digits may be both) but not the
    // names, which cost the most to build (a folded key per commune and former commune).
    mutable std::once_flag names_once, postcodes_once, perimeter_names_once;
    // Sorted (hash of the name key, commune) and (postcode as a number, commune): sorting
    // integers rather than 35,000 strings makes building them twice as fast.
    mutable std::vector<std::pair<std::size_t, std::uint32_t>> by_name;
    mutable std::vector<std::pair<std::uint32_t, std::uint32_t>> by_postcode;
    mutable std::vector<std::pair<std::size_t, std::uint32_t>> former_by_name;  // (hash of the name key, former)
    mutable std::map<std::pair<Scale, std::string>, std::string> perimeter_by_name;  // EPCI, department, region

    const CommuneRecord* commune(std::string_view code) const {
        auto it = std::lower_bound(communes.begin(), communes.end(), code,
                                   [](const CommuneRecord& c, std::string_view key) { return c.code < key; });
        return it != communes.end() && it->code == code ? &*it : nullptr;
    }
    std::uint32_t index_of(const CommuneRecord& c) const { return static_cast<std::uint32_t>(&c - communes.data()); }

    // Parses `text` (the compact form). @throws DataError
    void parse_text() {
        std::string_view rest = text;
        std::size_t line_number = 0;
        bool header_seen = false;
        std::string_view fields[10];
        communes.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
        while (!rest.empty()) {
            std::size_t end = rest.find('\n');
            std::string_view line = rest.substr(0, end);
            rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
            ++line_number;
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (line.empty()) continue;
            if (line.front() == '#') {
                for (std::string_view header : {format_header, format_header_v1}) {
                    if (line.substr(0, header.size()) == header) {
                        header_seen = true;
                        origin = line.substr(header.size());
                    }
                }
                continue;
            }
            if (!header_seen) throw DataError("not an aides geography file (missing header)", source, line_number);
            std::size_t count = 0;
            for (std::size_t start = 0;;) {
                std::size_t tab = line.find('\t', start);
                if (count == std::size(fields)) {
                    ++count;
                    break;
                }
                fields[count++] = line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start);
                if (tab == std::string_view::npos) break;
                start = tab + 1;
            }
            auto need = [&](std::size_t n) {
                if (count != n)
                    throw DataError("expected " + std::to_string(n) + " fields, got " + std::to_string(count), source,
                                    line_number);
            };
            std::string_view kind = fields[0];
            if (kind == "C") {
                need(9);
                CommuneRecord& c = communes.emplace_back();
                c.code = fields[1];
                c.name = fields[2];
                c.department = fields[3];
                c.region = fields[4];
                c.epci = fields[5];
                std::from_chars(fields[6].data(), fields[6].data() + fields[6].size(), c.population);
                c.postcodes = fields[7];
                c.overseas = fields[8] == "overseas";
                if (c.code.empty() || c.department.empty())
                    throw DataError("a commune needs a code and a department", source, line_number);
            } else if (kind == "R") {
                need(3);
                regions[std::string(fields[1])] = std::string(fields[2]);
            } else if (kind == "D") {
                need(5);
                departments[std::string(fields[1])] =
                    DepartmentRecord{std::string(fields[3]), std::string(fields[2]), fields[4] == "overseas"};
            } else if (kind == "E") {
                need(3);
                epcis[std::string(fields[1])].name = std::string(fields[2]);
            } else if (kind == "F") {
                need(5);
                formers.push_back(FormerRecord{fields[1], fields[2], fields[3], fields[4] != "renamed"});
            } else {
                throw DataError("unknown record kind \"" + std::string(kind) + "\"", source, line_number);
            }
        }
        if (!header_seen) throw DataError("not an aides geography file (empty)", source, 0);
        finish();
    }

    void finish() {
        auto by_code = [](const CommuneRecord& a, const CommuneRecord& b) { return a.code < b.code; };
        auto former_order = [](const FormerRecord& a, const FormerRecord& b) {
            return std::tie(a.code, a.name, a.current) < std::tie(b.code, b.name, b.current);
        };
        if (!std::is_sorted(formers.begin(), formers.end(), former_order)) std::sort(formers.begin(), formers.end(), former_order);
        if (!std::is_sorted(communes.begin(), communes.end(), by_code)) std::sort(communes.begin(), communes.end(), by_code);
        for (std::size_t i = 1; i < communes.size(); ++i)
            if (communes[i].code == communes[i - 1].code)
                throw DataError("commune " + std::string(communes[i].code) + " listed twice", source, 0);
        // The departments, regions and zones of each EPCI, from its communes.
        std::unordered_map<std::string_view, EpciRecord*> epci_of;
        epci_of.reserve(epcis.size());
        for (auto& [code, e] : epcis) epci_of.emplace(code, &e);
        // Communes in code order come in runs of one department (and region): each run's
        // counters are looked up once, not once per commune (a tenth of a search's start-up).
        std::string_view last_department, last_region;
        std::size_t* department_count = nullptr;
        std::size_t* region_count = nullptr;
        for (const CommuneRecord& c : communes) {
            if (c.department != last_department) {  // never empty (parse_text)
                auto d = departments.find(c.department);
                department_count = d != departments.end() ? &d->second.communes : nullptr;
                last_department = c.department;
            }
            if (department_count) ++*department_count;
            if (!c.region.empty()) {
                if (c.region != last_region) {
                    region_count = &region_communes[std::string(c.region)];
                    last_region = c.region;
                }
                ++*region_count;
            }
            if (!c.overseas) ++mainland_communes;
            if (c.epci.empty()) continue;
            auto it = epci_of.find(c.epci);
            if (it == epci_of.end()) {  // an EPCI without its E line: known by its code
                auto [entry, added] = epcis.try_emplace(std::string(c.epci));
                entry->second.name = entry->first;
                it = epci_of.emplace(entry->first, &entry->second).first;
            }
            EpciRecord& e = *it->second;
            insert_sorted_unique(e.departments, c.department);
            if (!c.region.empty()) insert_sorted_unique(e.regions, c.region);
            (c.overseas ? e.overseas : e.mainland) = true;
            ++e.communes;
        }
    }

    void build_name_lookup() const {
        std::call_once(names_once, [this] {
            by_name.reserve(communes.size());
            for (const CommuneRecord& c : communes) by_name.emplace_back(std::hash<std::string>{}(name_key(c.name)), index_of(c));
            for (const FormerRecord& f : formers)
                if (!f.name.empty())
                    former_by_name.emplace_back(std::hash<std::string>{}(name_key(f.name)),
                                                static_cast<std::uint32_t>(&f - formers.data()));
            std::sort(former_by_name.begin(), former_by_name.end());
            std::sort(by_name.begin(), by_name.end());
        });
    }

    void build_postcode_lookup() const {
        std::call_once(postcodes_once, [this] {
            by_postcode.reserve(communes.size() + communes.size() / 8);
            for (const CommuneRecord& c : communes) {
                for (std::string_view rest = c.postcodes; !rest.empty();) {
                    std::size_t space = rest.find(' ');
                    if (auto number = postcode_number(rest.substr(0, space))) by_postcode.emplace_back(*number, index_of(c));
                    rest.remove_prefix(space == std::string_view::npos ? rest.size() : space + 1);
                }
            }
            std::sort(by_postcode.begin(), by_postcode.end());
        });
    }

    const std::map<std::pair<Scale, std::string>, std::string>& perimeter_names() const {
        std::call_once(perimeter_names_once, [this] {
            for (const auto& [code, name] : regions) perimeter_by_name[{Scale::region, name_key(name)}] = code;
            for (const auto& [code, d] : departments) perimeter_by_name[{Scale::department, name_key(d.name)}] = code;
            for (const auto& [code, e] : epcis) perimeter_by_name[{Scale::epci, name_key(e.name)}] = code;
        });
        return perimeter_by_name;
    }

    // Communes whose name key is `key`, in code order.
    std::vector<std::uint32_t> named(const std::string& key) const {
        build_name_lookup();
        std::vector<std::uint32_t> out;
        std::size_t hash = std::hash<std::string>{}(key);
        auto it = std::lower_bound(by_name.begin(), by_name.end(), std::make_pair(hash, std::uint32_t{0}));
        for (; it != by_name.end() && it->first == hash; ++it)
            if (name_key(communes[it->second].name) == key) out.push_back(it->second);  // not a collision
        return out;
    }

    // Former communes whose name key is `key`.
    std::vector<const FormerRecord*> formerly_named(const std::string& key) const {
        build_name_lookup();
        std::vector<const FormerRecord*> out;
        std::size_t hash = std::hash<std::string>{}(key);
        auto it = std::lower_bound(former_by_name.begin(), former_by_name.end(), std::make_pair(hash, std::uint32_t{0}));
        for (; it != former_by_name.end() && it->first == hash; ++it)
            if (name_key(formers[it->second].name) == key) out.push_back(&formers[it->second]);
        return out;
    }

    // The former commune of a code that is no longer a commune's code.
    const FormerRecord* former_code(std::string_view code) const {
        auto it = std::lower_bound(formers.begin(), formers.end(), code,
                                   [](const FormerRecord& f, std::string_view key) { return f.code < key; });
        for (; it != formers.end() && it->code == code; ++it)
            if (it->code != it->current) return &*it;
        return nullptr;
    }

    // Communes of a postcode, in code order.
    std::vector<std::uint32_t> with_postcode(std::string_view postcode) const {
        build_postcode_lookup();
        std::vector<std::uint32_t> out;
        auto number = postcode_number(postcode);
        if (!number) return out;
        auto it = std::lower_bound(by_postcode.begin(), by_postcode.end(), std::make_pair(*number, std::uint32_t{0}));
        for (; it != by_postcode.end() && it->first == *number; ++it) out.push_back(it->second);
        return out;
    }
};

struct Geography::Adhoc {
    std::map<std::string, std::set<std::string, std::less<>>> lists;
};

Geography::Geography() : data_(std::make_shared<Data>()), adhoc_(std::make_shared<Adhoc>()) {}
Geography::~Geography() = default;
Geography::Geography(const Geography& other)
    : data_(other.data_), adhoc_(std::make_shared<Adhoc>(*other.adhoc_)) {}
Geography& Geography::operator=(const Geography& other) {
    if (this != &other) {
        data_ = other.data_;
        adhoc_ = std::make_shared<Adhoc>(*other.adhoc_);
    }
    return *this;
}
Geography::Geography(Geography&&) noexcept = default;
Geography& Geography::operator=(Geography&&) noexcept = default;

// ------------------------------------------------------------------------------- compact form
Geography Geography::parse(std::string_view text, const std::string& source) {
    auto data = std::make_shared<Data>();
    data->source = source;
    data->text.assign(text);
    data->parse_text();
    Geography geography;
    geography.data_ = std::move(data);
    return geography;
}

Geography Geography::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError("cannot open geography file", path, 0);
    auto data = std::make_shared<Data>();
    data->source = path;
    in.seekg(0, std::ios::end);
    auto size = in.tellg();
    in.seekg(0, std::ios::beg);
    if (size > 0) {
        data->text.resize(static_cast<std::size_t>(size));
        in.read(data->text.data(), size);
        if (in.gcount() != size) throw DataError("cannot read geography file", path, 0);
    }
    data->parse_text();
    Geography geography;
    geography.data_ = std::move(data);
    return geography;
}

namespace {
// The compact form's header: its first line names where the data came from.
std::string header_of(std::string_view source) {
    std::string out(format_header);
    out += source.empty() ? "unknown" : source;
    out += '\n';
    return out;
}
}  // namespace

std::string Geography::serialize() const {
    std::string out = header_of(data_->origin);
    out.reserve(data_->text.size() + 4096);
    for (const auto& [code, name] : data_->regions) out += "R\t" + code + "\t" + name + "\n";
    for (const auto& [code, d] : data_->departments)
        out += "D\t" + code + "\t" + d.region + "\t" + d.name + "\t" + (d.overseas ? "overseas" : "mainland") + "\n";
    for (const auto& [code, e] : data_->epcis) out += "E\t" + code + "\t" + e.name + "\n";
    for (const auto& c : data_->communes) {
        for (std::string_view field : {std::string_view("C"), c.code, c.name, c.department, c.region, c.epci}) {
            out += field;
            out += '\t';
        }
        out += std::to_string(c.population);
        out += '\t';
        out += c.postcodes;
        out += c.overseas ? "\toverseas\n" : "\tmainland\n";
    }
    for (const auto& f : data_->formers) {
        for (std::string_view field : {std::string_view("F"), f.code, f.name, f.current}) {
            out += field;
            out += '\t';
        }
        out += f.merged ? "merged\n" : "renamed\n";
    }
    return out;
}

namespace {
// The `F` lines of the compact form: former codes and names of today's communes, from the
// delegated and associated communes, `anciensCodes`, the EPCI member names (some still the
// names before a renaming) and every commune of older releases of the package.
template <class Clean>
std::string former_communes_text(const nlohmann::json& communes, const nlohmann::json& epcis,
                                 const std::vector<std::string>& former_releases, Clean clean) {
    using nlohmann::json;
    struct Current {
        std::string name, key;
        bool merged = false;  // a commune nouvelle: it has former codes or delegated communes
    };
    std::map<std::string, Current> current;
    std::map<std::string, std::string> today_of;  // former code -> today's code
    for (const json& c : communes) {
        if (c.value("type", "") != "commune-actuelle") continue;
        Current& entry = current[clean(c.at("code"))];
        entry.name = clean(c.at("nom"));
        entry.key = name_key(entry.name);
        if (c.contains("anciensCodes"))
            for (const json& old : c["anciensCodes"]) {
                today_of[clean(old)] = clean(c.at("code"));
                entry.merged = true;
            }
    }
    for (const json& c : communes) {
        std::string type = c.value("type", "");
        if ((type == "commune-deleguee" || type == "commune-associee") && c.contains("chefLieu")) {
            std::string chef = clean(c["chefLieu"]);
            if (auto it = current.find(chef); it != current.end()) it->second.merged = true;
            if (!current.count(clean(c.at("code")))) today_of.emplace(clean(c.at("code")), chef);
        }
    }
    auto today = [&](const std::string& code) -> std::string {
        if (current.count(code)) return code;
        auto it = today_of.find(code);
        return it != today_of.end() && current.count(it->second) ? it->second : std::string();
    };
    std::set<std::tuple<std::string, std::string, std::string>> seen;  // code, name key, today
    std::vector<FormerCommune> out;
    auto add = [&](const std::string& code, const std::string& name) {
        std::string now = today(code);
        if (now.empty()) return;
        const Current& c = current.at(now);
        std::string key = name.empty() ? std::string() : name_key(name);
        if (code == now && (key.empty() || key == c.key)) return;  // today's code and name
        if (!key.empty() && key == c.key) key.clear();              // a former code under today's name
        if (!seen.insert({code, key, now}).second) return;
        out.push_back({code, key.empty() ? std::string() : name, now, c.merged || code != now});
    };
    for (const json& c : communes) {
        std::string type = c.value("type", "");
        if (type == "commune-deleguee" || type == "commune-associee") add(clean(c.at("code")), clean(c.at("nom")));
    }
    for (const auto& [old, now] : today_of) add(old, "");
    for (const json& e : epcis)
        for (const json& member : e.at("membres")) add(clean(member.at("code")), clean(member.at("nom")));
    for (const std::string& dir : former_releases) {
        std::string path = dir + "/communes.json";
        std::ifstream in(path, std::ios::binary);
        if (!in) throw DataError("cannot open", path, 0);
        json older;
        try {
            older = json::parse(in);
        } catch (const json::exception& e) {
            throw DataError(std::string("malformed JSON: ") + e.what(), path, 0);
        }
        for (const json& c : older)
            if (c.value("type", "") != "arrondissement-municipal") add(clean(c.at("code")), clean(c.at("nom")));
    }
    // A code kept with a name drops its nameless entry.
    std::set<std::string> named_codes;
    for (const auto& f : out)
        if (!f.name.empty()) named_codes.insert(f.code);
    std::string text;
    std::sort(out.begin(), out.end());
    for (const auto& f : out) {
        if (f.name.empty() && named_codes.count(f.code)) continue;
        text += "F\t" + f.code + "\t" + f.name + "\t" + f.current + "\t" + (f.merged ? "merged" : "renamed") + "\n";
    }
    return text;
}
}  // namespace

Geography Geography::from_npm(const std::string& data_dir, const std::vector<std::string>& former_releases) {
    using nlohmann::json;
    auto read = [&](const std::string& name) {
        std::string path = data_dir + "/" + name;
        std::ifstream in(path, std::ios::binary);
        if (!in) throw DataError("cannot open", path, 0);
        try {
            return json::parse(in);
        } catch (const json::exception& e) {
            throw DataError(std::string("malformed JSON: ") + e.what(), path, 0);
        }
    };
    // Text fields go into a tab-separated form: no tab or line break may survive.
    auto clean = [](const json& value) {
        std::string text = value.is_string() ? value.get<std::string>() : value.dump();
        for (char& c : text)
            if (c == '\t' || c == '\n' || c == '\r') c = ' ';
        return text;
    };
    const std::string source = "@etalab/decoupage-administratif@6.0.0";
    json regions = read("regions.json"), departments = read("departements.json"), epcis = read("epci.json"),
         communes = read("communes.json");
    try {
        // The overseas collectivities (zone `com`) are listed as regions too, under their own
        // code (region 987 holds department 987): kept, so that an aid on `region:987` reaches them.
        std::set<std::string> region_codes;
        std::string text = header_of(source);
        for (const json& r : regions) {
            region_codes.insert(clean(r.at("code")));
            text += "R\t" + clean(r.at("code")) + "\t" + clean(r.at("nom")) + "\n";
        }
        for (const json& d : departments) {
            std::string region = d.contains("region") ? clean(d["region"]) : "";
            if (!region_codes.count(region)) region.clear();
            text += "D\t" + clean(d.at("code")) + "\t" + region + "\t" + clean(d.at("nom")) + "\t" +
                    (d.value("zone", "metro") == "metro" ? "mainland" : "overseas") + "\n";
        }
        std::unordered_map<std::string, std::string> epci_of;
        for (const json& e : epcis) {
            std::string siren = clean(e.at("code"));
            text += "E\t" + siren + "\t" + clean(e.at("nom")) + "\n";
            for (const json& member : e.at("membres")) epci_of[clean(member.at("code"))] = siren;
        }
        std::size_t count = 0;
        for (const json& c : communes) {
            if (c.value("type", "") != "commune-actuelle") continue;
            std::string code = clean(c.at("code"));
            std::string region = c.contains("region") ? clean(c["region"]) : "";
            if (!region_codes.count(region)) region.clear();
            auto epci = epci_of.find(code);
            std::string postcodes;
            if (c.contains("codesPostaux"))
                for (const json& p : c["codesPostaux"]) postcodes += (postcodes.empty() ? "" : " ") + clean(p);
            text += "C\t" + code + "\t" + clean(c.at("nom")) + "\t" + clean(c.value("departement", "")) + "\t" + region +
                    "\t" + (epci == epci_of.end() ? "" : epci->second) + "\t" +
                    std::to_string(c.value("population", std::int64_t{0})) + "\t" + postcodes + "\t" +
                    (c.value("zone", "metro") == "metro" ? "mainland" : "overseas") + "\n";
            ++count;
        }
        if (count == 0) throw DataError("no commune-actuelle in communes.json", data_dir, 0);
        text += former_communes_text(communes, epcis, former_releases, clean);
        return parse(text, source);
    } catch (const json::exception& e) {
        throw DataError(std::string("unexpected JSON: ") + e.what(), data_dir, 0);
    }
}

// ------------------------------------------------------------------------------------ ad hoc
std::vector<std::string> Geography::add_adhoc(const std::string& name, std::vector<std::string> codes) {
    std::vector<std::string> unknown;
    std::set<std::string, std::less<>> members;
    for (auto& code : codes) {
        if (!data_->commune(code)) unknown.push_back(code);
        members.insert(std::move(code));
    }
    adhoc_->lists[text::ascii_lower(name)] = std::move(members);
    return unknown;
}

std::vector<std::string> Geography::read_adhoc_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError("cannot open ad-hoc list", path, 0);
    std::vector<std::string> codes;
    std::string line;
    std::size_t number = 0;
    auto is_code = [](std::string_view code) {
        if (code.size() != 5) return false;
        return std::all_of(code.begin(), code.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == 'A' || c == 'B'; });
    };
    while (std::getline(in, line)) {
        ++number;
        std::string_view body = line;
        if (number == 1 && body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);  // a spreadsheet's BOM
        body = text::trim(body);
        if (body.empty() || body.front() == '#') continue;
        // First field of a CSV (`,` or `;`), quotes removed.
        std::string_view field = body.substr(0, body.find_first_of(",;\t"));
        field = text::trim(field);
        if (field.size() >= 2 && field.front() == '"' && field.back() == '"') field = field.substr(1, field.size() - 2);
        std::string code = upper(field);
        // Spreadsheets drop the leading zero of departments 01-09: 1004 -> 01004.
        if (code.size() == 4 && std::all_of(code.begin(), code.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
            code = "0" + code;
        if (!is_code(code)) {
            if (codes.empty()) continue;  // a header line
            throw DataError("not an INSEE commune code: \"" + std::string(field) + "\"", path, number);
        }
        codes.push_back(std::move(code));
    }
    if (codes.empty()) throw DataError("no INSEE code in ad-hoc list", path, 0);
    return codes;
}

std::vector<std::string> Geography::adhoc_names() const {
    std::vector<std::string> out;
    for (const auto& entry : adhoc_->lists) out.push_back(entry.first);
    return out;
}

std::vector<std::string> Geography::adhoc_members(const std::string& name) const {
    auto it = adhoc_->lists.find(name);
    if (it == adhoc_->lists.end()) return {};
    return {it->second.begin(), it->second.end()};
}

std::vector<Perimeter> Geography::inside_adhoc(const std::string& name) const {
    auto it = adhoc_->lists.find(name);
    if (it == adhoc_->lists.end()) return {};
    std::vector<Perimeter> out;
    std::map<std::string_view, std::size_t> epcis, departments, regions;
    std::size_t mainland = 0, overseas = 0, known = 0;
    for (const auto& member : it->second) {
        out.push_back({Scale::commune, member});  // unknown codes too: aids may name them
        const CommuneRecord* c = data_->commune(member);
        if (!c) continue;
        ++known;
        if (!c->epci.empty()) ++epcis[c->epci];
        ++departments[c->department];
        if (!c->region.empty()) ++regions[c->region];
        ++(c->overseas ? overseas : mainland);
    }
    // Wider perimeters all of whose communes the list holds.
    for (const auto& [code, count] : epcis)
        if (auto e = data_->epcis.find(code); e != data_->epcis.end() && e->second.communes == count)
            out.push_back({Scale::epci, std::string(code)});
    for (const auto& [code, count] : departments)
        if (auto d = data_->departments.find(code); d != data_->departments.end() && d->second.communes == count)
            out.push_back({Scale::department, std::string(code)});
    for (const auto& [code, count] : regions)
        if (auto r = data_->region_communes.find(code); r != data_->region_communes.end() && r->second == count)
            out.push_back({Scale::region, std::string(code)});
    if (mainland > 0 && mainland == data_->mainland_communes) out.push_back({Scale::mainland, "FRA-MET"});
    if (overseas > 0 && overseas == data_->communes.size() - data_->mainland_communes) out.push_back({Scale::overseas, "FRA-OM"});
    if (known > 0 && known == data_->communes.size()) out.push_back({Scale::country, "FRA"});
    return out;
}

// ---------------------------------------------------------------------------------- communes
std::size_t Geography::commune_count() const { return data_->communes.size(); }

std::vector<std::string> Geography::commune_codes() const {
    std::vector<std::string> out;
    out.reserve(data_->communes.size());
    for (const auto& c : data_->communes) out.emplace_back(c.code);
    return out;
}

std::optional<CommuneProfile> Geography::profile(std::string_view code) const {
    const CommuneRecord* c = data_->commune(code);
    if (!c) return std::nullopt;
    CommuneProfile profile;
    profile.code = c->code;
    profile.name = c->name;
    profile.population = c->population;
    if (!c->epci.empty()) {
        auto e = data_->epcis.find(c->epci);
        profile.epci = Place{std::string(c->epci), e == data_->epcis.end() ? std::string(c->epci) : e->second.name};
    }
    auto d = data_->departments.find(c->department);
    profile.department = Place{std::string(c->department), d == data_->departments.end() ? std::string(c->department) : d->second.name};
    if (!c->region.empty()) {
        auto r = data_->regions.find(c->region);
        profile.region = Place{std::string(c->region), r == data_->regions.end() ? std::string(c->region) : r->second};
    }
    profile.zone = c->overseas ? "overseas" : "mainland";
    profile.postcodes = split_spaces(c->postcodes);
    for (const auto& p : perimeters_of_commune(code)) profile.perimeters.push_back(p.to_string());
    return profile;
}

std::vector<std::string> Geography::find_communes(std::string_view query) const {
    std::string_view needle = text::trim(query);
    std::vector<std::uint32_t> found = data_->with_postcode(needle);
    if (found.empty()) found = data_->named(name_key(needle));
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    std::vector<std::string> out;
    for (std::uint32_t i : found) out.emplace_back(data_->communes[i].code);
    return out;
}

namespace {
bool looks_like_code(std::string_view text) {
    if (text.size() != 5) return false;
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    bool corsica = text[0] == '2' && (text[1] == 'A' || text[1] == 'B' || text[1] == 'a' || text[1] == 'b');
    return digit(text[0]) && (digit(text[1]) || corsica) && digit(text[2]) && digit(text[3]) && digit(text[4]);
}

// Strips a case-insensitive `prefix:` from `text`.
bool strip_prefix(std::string_view& text, std::string_view prefix) {
    if (text.size() < prefix.size() || text::ascii_lower(text.substr(0, prefix.size())) != prefix) return false;
    text = text::trim(text.substr(prefix.size()));
    return true;
}

// "st" and "ste" as people abbreviate Saint and Sainte.
std::string expand_saints(const std::string& key) {
    std::string out;
    for (const auto& word : split_spaces(key)) {
        out += out.empty() ? "" : " ";
        out += word == "st" ? "saint" : word == "ste" ? "sainte" : word;
    }
    return out;
}

}  // namespace

CommuneResolution Geography::resolve(std::string_view query) const {
    const Data& data = *data_;
    const std::string input(text::trim(query));
    auto fail = [&](const std::string& message) -> CommuneResolution { throw UsageError(message, input); };
    if (input.empty()) return fail("unknown commune \"\": empty (give an INSEE code, a name or a postcode)");
    auto describe = [&](const CommuneRecord& c) {
        auto d = data.departments.find(c.department);
        return std::string(c.code) + " " + std::string(c.name) + " (" +
               (d == data.departments.end() ? std::string(c.department) : d->second.name + ", " + std::string(c.department)) + ")";
    };
    auto listing = [&](const std::vector<const CommuneRecord*>& communes) {
        std::string out;
        for (std::size_t i = 0; i < communes.size() && i < 12; ++i) out += (i ? ", " : "") + describe(*communes[i]);
        if (communes.size() > 12) out += ", and " + std::to_string(communes.size() - 12) + " more";
        return out;
    };
    auto answer = [&](const CommuneRecord& c, std::string note) {
        CommuneResolution out;
        out.code = c.code;
        out.name = c.name;
        auto d = data.departments.find(c.department);
        out.department = Place{std::string(c.department), d == data.departments.end() ? std::string(c.department) : d->second.name};
        out.note = std::move(note);
        return out;
    };
    auto former_note = [&](const FormerRecord& f, const CommuneRecord& now, bool by_code) {
        std::string what = by_code ? std::string(f.code) + (f.name.empty() ? "" : " (" + std::string(f.name) + ")")
                                   : std::string(f.name) + " (" + std::string(f.code) + ")";
        if (!f.merged) return what + " is now named " + std::string(now.name);
        return what + " is part of " + std::string(now.name) + " since the communes merged";
    };
    auto communes_of = [&](const std::vector<std::uint32_t>& indices) {
        std::vector<const CommuneRecord*> out;
        for (std::uint32_t i : indices) out.push_back(&data.communes[i]);
        return out;
    };
    std::string_view rest = input;
    // Five characters: an INSEE code (today's or a former one) and a postcode may both read them.
    bool insee_only = strip_prefix(rest, "insee:");
    bool postcode_only = !insee_only && (strip_prefix(rest, "cp:") || strip_prefix(rest, "postcode:"));
    if (insee_only || postcode_only || looks_like_code(rest)) {
        const std::string code = upper(rest);
        const CommuneRecord* by_code = nullptr;
        const FormerRecord* former = nullptr;
        if (!postcode_only) {
            by_code = data.commune(code);
            if (!by_code && (former = data.former_code(code))) by_code = data.commune(former->current);
        }
        std::vector<const CommuneRecord*> by_postcode;
        if (!insee_only) by_postcode = communes_of(data.with_postcode(code));
        std::set<const CommuneRecord*> readings(by_postcode.begin(), by_postcode.end());
        if (by_code) readings.insert(by_code);
        if (readings.empty()) {
            if (insee_only) return fail("unknown commune \"" + input + "\": no commune has INSEE code " + code);
            if (postcode_only) return fail("unknown commune \"" + input + "\": no commune has postcode " + code);
            return fail("unknown commune \"" + input + "\": neither an INSEE code nor a postcode");
        }
        if (readings.size() == 1) {
            const CommuneRecord& c = **readings.begin();
            if (by_code) return answer(c, former ? former_note(*former, c, true) : "");
            return answer(c, "read as postcode " + code);
        }
        if (by_code && !by_postcode.empty())
            return fail("ambiguous commune \"" + input + "\": the INSEE code of " + describe(*by_code) + ", or postcode " + code +
                        " of " + std::to_string(by_postcode.size()) + (by_postcode.size() == 1 ? " commune: " : " communes: ") +
                        listing(by_postcode) + "; write insee:" + code + " or cp:" + code);
        return fail("ambiguous commune \"" + input + "\": postcode " + code + " of " + std::to_string(by_postcode.size()) +
                    " communes: " + listing(by_postcode) + "; give the INSEE code or the name");
    }

    // A name, today's or a former one, maybe with its department.
    struct Candidate {
        const CommuneRecord* commune;
        const FormerRecord* former;  // null: today's name
    };
    auto named = [&](const std::string& key, const std::string& department) {
        std::vector<Candidate> out;
        for (std::uint32_t i : data.named(key))
            if (department.empty() || data.communes[i].department == department) out.push_back({&data.communes[i], nullptr});
        if (!out.empty()) return out;  // a commune's name of today wins over a former name
        std::set<const CommuneRecord*> seen;
        for (const FormerRecord* f : data.formerly_named(key)) {
            const CommuneRecord* c = data.commune(f->current);
            if (c && (department.empty() || c->department == department) && seen.insert(c).second) out.push_back({c, f});
        }
        return out;
    };
    auto department_of = [&](std::string_view text) -> std::string {
        text = text::trim(text);
        std::string code = upper(text);
        if (code.size() == 1 && std::isdigit(static_cast<unsigned char>(code[0]))) code = "0" + code;
        if (data.departments.count(code)) return code;
        const auto& perimeter_names = data.perimeter_names();
        if (auto it = perimeter_names.find({Scale::department, name_key(text)}); it != perimeter_names.end()) return it->second;
        return "";
    };
    std::string name(input), department;
    std::vector<Candidate> candidates = named(name_key(name), "");
    if (candidates.empty()) {
        // `NAME (DEP)`, `NAME, DEPARTMENT`, `NAME DEP`: DEP a department's code or name.
        std::string_view whole = input;
        std::optional<std::pair<std::string_view, std::string_view>> split;
        if (whole.back() == ')' && whole.find('(') != std::string_view::npos) {
            std::size_t open = whole.rfind('(');
            split = {whole.substr(0, open), whole.substr(open + 1, whole.size() - open - 2)};
        } else if (std::size_t comma = whole.rfind(','); comma != std::string_view::npos) {
            split = {whole.substr(0, comma), whole.substr(comma + 1)};
        } else if (std::size_t space = whole.find_last_of(" \t"); space != std::string_view::npos) {
            std::string_view last = whole.substr(space + 1);
            if (!last.empty() && last.size() <= 3 && std::isdigit(static_cast<unsigned char>(last[0]))) split = {whole.substr(0, space), last};
        }
        if (split && !text::trim(split->first).empty()) {
            department = department_of(split->second);
            if (department.empty())
                return fail("unknown department \"" + std::string(text::trim(split->second)) + "\" in commune \"" + input + "\"");
            name = text::trim(split->first);
            candidates = named(name_key(name), department);
        }
    }
    if (candidates.empty()) {
        std::string expanded = expand_saints(name_key(name));
        if (expanded != name_key(name)) candidates = named(expanded, department);
    }
    if (candidates.size() == 1) {
        const Candidate& c = candidates.front();
        return answer(*c.commune, c.former ? former_note(*c.former, *c.commune, false) : "");
    }
    if (candidates.size() > 1) {
        std::vector<const CommuneRecord*> communes;
        for (const auto& c : candidates) communes.push_back(c.commune);
        std::string example = std::string(candidates.front().former ? candidates.front().former->name : candidates.front().commune->name) +
                              " (" + std::string(candidates.front().commune->department) + ")";
        return fail("ambiguous commune \"" + input + "\": " + std::to_string(candidates.size()) + " communes: " + listing(communes) +
                    "; add the department, e.g. \"" + example + "\", or give the INSEE code");
    }
    // Unknown: the closest names (today's and former ones), nearest first, then the most populous.
    const std::string key = expand_saints(name_key(name));
    const std::size_t limit = key.size() <= 4 ? 1 : key.size() <= 9 ? 2 : 3;
    std::map<const CommuneRecord*, std::size_t> distance;
    auto consider = [&](const CommuneRecord* c, std::string_view candidate_name) {
        if (!c || (!department.empty() && c->department != department)) return;
        std::size_t d = text::edit_distance(key, name_key(candidate_name), limit);
        if (d > limit) return;
        auto [it, added] = distance.emplace(c, d);
        if (!added) it->second = std::min(it->second, d);
    };
    for (const CommuneRecord& c : data.communes) consider(&c, c.name);
    for (const FormerRecord& f : data.formers)
        if (!f.name.empty()) consider(data.commune(f.current), f.name);
    std::vector<std::pair<std::size_t, const CommuneRecord*>> closest;
    for (const auto& [c, d] : distance) closest.emplace_back(d, c);
    std::sort(closest.begin(), closest.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : a.second->population > b.second->population;
    });
    std::string message = "unknown commune \"" + input + "\" (not an INSEE code, name or postcode";
    message += department.empty() ? ")" : " in department " + department + ")";
    if (!closest.empty()) {
        message += "; did you mean: ";
        for (std::size_t i = 0; i < closest.size() && i < 5; ++i) message += (i ? ", " : "") + describe(*closest[i].second);
    }
    return fail(message);
}

std::string Geography::resolve_commune(std::string_view query) const { return resolve(query).code; }

std::vector<FormerCommune> Geography::former_communes() const {
    std::vector<FormerCommune> out;
    out.reserve(data_->formers.size());
    for (const auto& f : data_->formers)
        out.push_back({std::string(f.code), std::string(f.name), std::string(f.current), f.merged});
    return out;
}

// -------------------------------------------------------------------------------- perimeters
bool Geography::knows(const Perimeter& p) const {
    switch (p.scale) {
        case Scale::commune: return data_->commune(p.code) != nullptr;
        case Scale::epci: return data_->epcis.count(p.code) > 0;
        case Scale::department: return data_->departments.count(p.code) > 0;
        case Scale::region: return data_->regions.count(p.code) > 0;
        case Scale::mainland: return p.code == "FRA-MET";
        case Scale::overseas: return p.code == "FRA-OM";
        case Scale::country: return p.code == "FRA";
        case Scale::continent: return p.code == "EU";
        case Scale::adhoc: return adhoc_->lists.count(p.code) > 0;
    }
    return false;
}

std::string Geography::name_of(const Perimeter& p) const {
    switch (p.scale) {
        case Scale::commune:
            if (auto* c = data_->commune(p.code)) return std::string(c->name);
            break;
        case Scale::epci:
            if (auto it = data_->epcis.find(p.code); it != data_->epcis.end()) return it->second.name;
            break;
        case Scale::department:
            if (auto it = data_->departments.find(p.code); it != data_->departments.end()) return it->second.name;
            break;
        case Scale::region:
            if (auto it = data_->regions.find(p.code); it != data_->regions.end()) return it->second;
            break;
        case Scale::mainland: return "France métropolitaine";
        case Scale::overseas: return "Outre-mer";
        case Scale::country: return "France";
        case Scale::continent: return "Europe";
        case Scale::adhoc: return p.code;
    }
    return p.code;
}

std::optional<Perimeter> Geography::find_by_name(Scale scale, std::string_view name) const {
    std::string key = name_key(name);
    if (scale == Scale::commune) {
        // Homonyms are resolved by code only.
        auto found = data_->named(key);
        if (found.size() == 1) return Perimeter{scale, std::string(data_->communes[found.front()].code)};
        return std::nullopt;
    }
    const auto& perimeter_names = data_->perimeter_names();
    if (auto it = perimeter_names.find({scale, key}); it != perimeter_names.end()) return Perimeter{scale, it->second};
    if (scale == Scale::mainland || scale == Scale::overseas || scale == Scale::country || scale == Scale::continent) {
        Perimeter fixed{scale, scale == Scale::mainland ? "FRA-MET" : scale == Scale::overseas ? "FRA-OM"
                                                      : scale == Scale::country ? "FRA" : "EU"};
        return fixed;
    }
    return std::nullopt;
}

namespace {
void add_zone_and_up(std::vector<Perimeter>& out, bool mainland, bool overseas) {
    if (mainland) out.push_back({Scale::mainland, "FRA-MET"});
    if (overseas) out.push_back({Scale::overseas, "FRA-OM"});
    out.push_back({Scale::country, "FRA"});
    out.push_back({Scale::continent, "EU"});
}
}  // namespace

std::vector<Perimeter> Geography::perimeters_of_commune(std::string_view code) const {
    const CommuneRecord* c = data_->commune(code);
    if (!c) return {};
    std::vector<Perimeter> out{{Scale::commune, std::string(c->code)}};
    for (auto& p : ancestors(out.front())) out.push_back(std::move(p));
    for (const auto& [name, members] : adhoc_->lists)
        if (members.count(c->code)) out.push_back({Scale::adhoc, name});
    return out;
}

std::vector<Perimeter> Geography::ancestors(const Perimeter& p) const {
    std::vector<Perimeter> out;
    switch (p.scale) {
        case Scale::commune: {
            const CommuneRecord* c = data_->commune(p.code);
            if (!c) break;
            out.reserve(7);
            if (!c->epci.empty()) out.push_back({Scale::epci, std::string(c->epci)});
            out.push_back({Scale::department, std::string(c->department)});
            if (!c->region.empty()) out.push_back({Scale::region, std::string(c->region)});
            add_zone_and_up(out, !c->overseas, c->overseas);
            return out;
        }
        case Scale::epci: {
            auto it = data_->epcis.find(p.code);
            if (it == data_->epcis.end()) break;
            for (const auto& d : it->second.departments) out.push_back({Scale::department, d});
            for (const auto& r : it->second.regions) out.push_back({Scale::region, r});
            add_zone_and_up(out, it->second.mainland, it->second.overseas);
            return out;
        }
        case Scale::department: {
            auto it = data_->departments.find(p.code);
            if (it == data_->departments.end()) break;
            if (!it->second.region.empty()) out.push_back({Scale::region, it->second.region});
            add_zone_and_up(out, !it->second.overseas, it->second.overseas);
            return out;
        }
        case Scale::region: {
            if (!data_->regions.count(p.code)) break;
            bool overseas = std::any_of(data_->departments.begin(), data_->departments.end(), [&](const auto& d) {
                return d.second.region == p.code && d.second.overseas;
            });
            add_zone_and_up(out, !overseas, overseas);
            return out;
        }
        case Scale::adhoc: {
            // The perimeters holding every one of its communes: for a list spread over several
            // regions, only France and Europe. (Perimeters that merely share a commune with it
            // are not ancestors; adhoc_overlapping() links the other ad-hoc lists.)
            auto it = adhoc_->lists.find(p.code);
            if (it == adhoc_->lists.end()) break;
            const CommuneRecord* first = nullptr;
            bool same_epci = true, same_department = true, same_region = true, mainland = false, overseas = false;
            for (const auto& member : it->second) {
                const CommuneRecord* c = data_->commune(member);
                if (!c) {  // an unknown code: only known to be in France
                    mainland = overseas = true;
                    same_epci = same_department = same_region = false;
                    continue;
                }
                if (!first) first = c;
                same_epci = same_epci && c->epci == first->epci;
                same_department = same_department && c->department == first->department;
                same_region = same_region && c->region == first->region;
                (c->overseas ? overseas : mainland) = true;
            }
            if (!first) break;
            if (same_epci && !first->epci.empty()) out.push_back({Scale::epci, std::string(first->epci)});
            if (same_department) out.push_back({Scale::department, std::string(first->department)});
            if (same_region && !first->region.empty()) out.push_back({Scale::region, std::string(first->region)});
            add_zone_and_up(out, mainland && !overseas, overseas && !mainland);
            return out;
        }
        case Scale::mainland:
        case Scale::overseas: add_zone_and_up(out, false, false); return out;
        case Scale::country: out.push_back({Scale::continent, "EU"}); return out;
        case Scale::continent: return out;
    }
    // Unknown codes: at least the nation and the continent contain them.
    if (p.scale != Scale::country && p.scale != Scale::continent) add_zone_and_up(out, false, false);
    return out;
}

std::vector<Perimeter> Geography::adhoc_overlapping(const Perimeter& p) const {
    std::vector<Perimeter> out;
    const std::set<std::string, std::less<>>* searched = nullptr;
    if (p.scale == Scale::adhoc) {
        auto it = adhoc_->lists.find(p.code);
        if (it != adhoc_->lists.end()) searched = &it->second;
    }
    for (const auto& [name, members] : adhoc_->lists) {
        bool overlaps = false;
        if (p.scale == Scale::adhoc) {
            overlaps = name == p.code ||
                       (searched && std::any_of(members.begin(), members.end(), [&](const auto& m) { return searched->count(m) > 0; }));
        } else {
            overlaps = std::any_of(members.begin(), members.end(),
                                   [&](const auto& m) { return contains(p, {Scale::commune, m}); });
        }
        if (overlaps) out.push_back({Scale::adhoc, name});
    }
    return out;
}

bool Geography::contains(const Perimeter& outer, const Perimeter& inner) const {
    if (outer == inner) return true;
    if (outer.scale == Scale::continent) return outer.code == "EU";
    if (outer.scale == Scale::country && outer.code == "FRA") return inner.scale != Scale::continent;
    if (inner.scale == Scale::commune) {
        if (outer.scale == Scale::adhoc) {
            auto it = adhoc_->lists.find(outer.code);
            return it != adhoc_->lists.end() && it->second.count(inner.code) > 0;
        }
        // Fast path on the commune record: the common case of a search by commune.
        const CommuneRecord* c = data_->commune(inner.code);
        if (!c) return false;
        switch (outer.scale) {
            case Scale::epci: return c->epci == outer.code;
            case Scale::department: return c->department == outer.code;
            case Scale::region: return c->region == outer.code;
            case Scale::mainland: return !c->overseas && outer.code == "FRA-MET";
            case Scale::overseas: return c->overseas && outer.code == "FRA-OM";
            default: return false;
        }
    }
    if (inner.scale == Scale::adhoc) {
        // Inside when every one of its communes is.
        auto it = adhoc_->lists.find(inner.code);
        if (it == adhoc_->lists.end() || it->second.empty()) return false;
        return std::all_of(it->second.begin(), it->second.end(),
                           [&](const auto& m) { return contains(outer, {Scale::commune, m}); });
    }
    if (inner.scale == Scale::epci) {
        // An EPCI over two departments lies in neither.
        auto it = data_->epcis.find(inner.code);
        if (it == data_->epcis.end()) return false;
        const EpciRecord& e = it->second;
        switch (outer.scale) {
            case Scale::department: return e.departments.size() == 1 && e.departments.front() == outer.code;
            case Scale::region: return e.regions.size() == 1 && e.regions.front() == outer.code;
            case Scale::mainland: return outer.code == "FRA-MET" && e.mainland && !e.overseas;
            case Scale::overseas: return outer.code == "FRA-OM" && e.overseas && !e.mainland;
            case Scale::adhoc: {
                auto list = adhoc_->lists.find(outer.code);
                if (list == adhoc_->lists.end()) return false;
                bool any = false;
                for (const auto& c : data_->communes) {
                    if (c.epci != inner.code) continue;
                    any = true;
                    if (!list->second.count(c.code)) return false;
                }
                return any;
            }
            default: return false;
        }
    }
    if (outer.scale == Scale::adhoc) {
        // A department or wider inside an ad-hoc list: only when the list holds all its communes.
        auto list = adhoc_->lists.find(outer.code);
        if (list == adhoc_->lists.end() || !knows(inner)) return false;
        for (const auto& c : data_->communes)
            if (contains(inner, {Scale::commune, std::string(c.code)}) && !list->second.count(c.code)) return false;
        return true;
    }
    auto up = ancestors(inner);
    return std::find(up.begin(), up.end(), outer) != up.end();
}

}  // namespace aides
