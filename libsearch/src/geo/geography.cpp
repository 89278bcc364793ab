// The national geography, its compact file, and perimeter containment.
#include <aides/geography.hpp>

#include <aides/analysis.hpp>
#include <aides/errors.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <unordered_map>

#include "analysis/text_utils.hpp"

namespace aides {

namespace {

constexpr std::string_view format_header = "#aides-geography\t1\t";

struct ScaleWord {
    Scale scale;
    std::string_view word;
};
constexpr ScaleWord scale_words[] = {
    {Scale::commune, "commune"},   {Scale::epci, "epci"},         {Scale::adhoc, "adhoc"},
    {Scale::department, "department"}, {Scale::region, "region"}, {Scale::mainland, "mainland"},
    {Scale::overseas, "overseas"}, {Scale::country, "country"},   {Scale::continent, "continent"},
};

// Names for matching: folded, hyphens and apostrophes as spaces, spaces collapsed.
std::string name_key(const Analyzer& analyzer, std::string_view name) {
    std::string folded = analyzer.fold(name);
    std::string out;
    for (char c : folded) {
        bool gap = c == '-' || c == '\'' || c == ' ' || c == '\t';
        if (gap) {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += c;
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
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
    thread_local Analyzer analyzer;
    std::string key = name_key(analyzer, text);
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
struct CommuneRecord {
    std::string code, name, department, region, epci;
    std::int64_t population = 0;
    std::vector<std::string> postcodes;
    bool overseas = false;
};

struct DepartmentRecord {
    std::string name, region;
    bool overseas = false;
};

struct EpciRecord {
    std::string name;
    std::set<std::string> departments, regions;
    bool mainland = false, overseas = false;
};

struct Geography::Data {
    std::vector<CommuneRecord> communes;  // sorted by code
    std::unordered_map<std::string, std::size_t> commune_index;
    std::map<std::string, std::string> regions;  // code -> name
    std::map<std::string, DepartmentRecord> departments;
    std::map<std::string, EpciRecord> epcis;
    std::string source;

    // Name and postcode look-ups are built on first use: folding 35,000 names costs more than
    // the rest of loading, and most runs never need them.
    mutable std::once_flag lookup_once;
    mutable std::unordered_multimap<std::string, std::size_t> by_name, by_postcode;
    mutable std::map<std::pair<Scale, std::string>, std::string> perimeter_by_name;

    const CommuneRecord* commune(std::string_view code) const {
        auto it = commune_index.find(std::string(code));
        return it == commune_index.end() ? nullptr : &communes[it->second];
    }

    void finish() {
        std::sort(communes.begin(), communes.end(),
                  [](const CommuneRecord& a, const CommuneRecord& b) { return a.code < b.code; });
        commune_index.clear();
        commune_index.reserve(communes.size());
        for (std::size_t i = 0; i < communes.size(); ++i) {
            CommuneRecord& c = communes[i];
            commune_index.emplace(c.code, i);
            if (auto d = departments.find(c.department); d != departments.end()) c.overseas = d->second.overseas;
            if (!c.epci.empty()) {
                EpciRecord& e = epcis[c.epci];
                e.departments.insert(c.department);
                if (!c.region.empty()) e.regions.insert(c.region);
                (c.overseas ? e.overseas : e.mainland) = true;
            }
        }
    }

    void build_lookups() const {
        std::call_once(lookup_once, [this] {
            Analyzer analyzer;
            for (std::size_t i = 0; i < communes.size(); ++i) {
                by_name.emplace(name_key(analyzer, communes[i].name), i);
                for (const auto& postcode : communes[i].postcodes) by_postcode.emplace(postcode, i);
            }
            for (const auto& [code, name] : regions) perimeter_by_name[{Scale::region, name_key(analyzer, name)}] = code;
            for (const auto& [code, d] : departments) perimeter_by_name[{Scale::department, name_key(analyzer, d.name)}] = code;
            for (const auto& [code, e] : epcis) perimeter_by_name[{Scale::epci, name_key(analyzer, e.name)}] = code;
            for (const auto& c : communes) {
                // Homonyms are resolved by code only.
                auto key = std::make_pair(Scale::commune, name_key(analyzer, c.name));
                if (by_name.count(key.second) == 1) perimeter_by_name[key] = c.code;
            }
        });
    }
};

struct Geography::Adhoc {
    std::map<std::string, std::set<std::string>> lists;
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
    std::size_t line_number = 0;
    bool header_seen = false;
    std::vector<std::string_view> fields;
    while (!text.empty()) {
        std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        if (line.front() == '#') {
            if (line.substr(0, format_header.size()) == format_header) header_seen = true;
            continue;
        }
        if (!header_seen) throw DataError("not an aides geography file (missing header)", source, line_number);
        fields.clear();
        for (std::size_t start = 0;;) {
            std::size_t tab = line.find('\t', start);
            fields.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
            if (tab == std::string_view::npos) break;
            start = tab + 1;
        }
        auto need = [&](std::size_t n) {
            if (fields.size() != n)
                throw DataError("expected " + std::to_string(n) + " fields, got " + std::to_string(fields.size()),
                                source, line_number);
        };
        std::string_view kind = fields[0];
        if (kind == "R") {
            need(3);
            data->regions[std::string(fields[1])] = std::string(fields[2]);
        } else if (kind == "D") {
            need(5);
            data->departments[std::string(fields[1])] =
                DepartmentRecord{std::string(fields[3]), std::string(fields[2]), fields[4] == "overseas"};
        } else if (kind == "E") {
            need(3);
            data->epcis[std::string(fields[1])].name = std::string(fields[2]);
        } else if (kind == "C") {
            need(9);
            CommuneRecord c;
            c.code = fields[1];
            c.name = fields[2];
            c.department = fields[3];
            c.region = fields[4];
            c.epci = fields[5];
            std::from_chars(fields[6].data(), fields[6].data() + fields[6].size(), c.population);
            for (std::string_view rest = fields[7]; !rest.empty();) {
                std::size_t space = rest.find(' ');
                c.postcodes.emplace_back(rest.substr(0, space));
                rest.remove_prefix(space == std::string_view::npos ? rest.size() : space + 1);
            }
            c.overseas = fields[8] == "overseas";
            data->communes.push_back(std::move(c));
        } else {
            throw DataError("unknown record kind \"" + std::string(kind) + "\"", source, line_number);
        }
    }
    if (!header_seen) throw DataError("not an aides geography file (empty)", source, 0);
    data->finish();
    Geography geography;
    geography.data_ = std::move(data);
    return geography;
}

Geography Geography::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError("cannot open geography file", path, 0);
    std::ostringstream content;
    content << in.rdbuf();
    return parse(content.str(), path);
}

std::string Geography::serialize() const {
    std::string out(format_header);
    out += data_->source.empty() ? "unknown" : data_->source;
    out += '\n';
    for (const auto& [code, name] : data_->regions) out += "R\t" + code + "\t" + name + "\n";
    for (const auto& [code, d] : data_->departments)
        out += "D\t" + code + "\t" + d.region + "\t" + d.name + "\t" + (d.overseas ? "overseas" : "mainland") + "\n";
    for (const auto& [code, e] : data_->epcis) out += "E\t" + code + "\t" + e.name + "\n";
    for (const auto& c : data_->communes) {
        std::string postcodes;
        for (const auto& p : c.postcodes) postcodes += (postcodes.empty() ? "" : " ") + p;
        out += "C\t" + c.code + "\t" + c.name + "\t" + c.department + "\t" + c.region + "\t" + c.epci + "\t" +
               std::to_string(c.population) + "\t" + postcodes + "\t" + (c.overseas ? "overseas" : "mainland") + "\n";
    }
    return out;
}

Geography Geography::from_npm(const std::string& data_dir) {
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
    auto data = std::make_shared<Data>();
    data->source = "@etalab/decoupage-administratif@6.0.0";
    json regions = read("regions.json"), departments = read("departements.json"), epcis = read("epci.json"),
         communes = read("communes.json");
    // Overseas collectivities are listed as regions too; a region perimeter needs a real region.
    for (const json& r : regions)
        if (r.value("zone", "") != "com") data->regions[r.at("code")] = r.at("nom");
    for (const json& d : departments) {
        std::string zone = d.value("zone", "metro");
        std::string region = d.value("region", "");
        if (!data->regions.count(region)) region.clear();
        data->departments[d.at("code")] = DepartmentRecord{d.at("nom"), region, zone != "metro"};
    }
    std::unordered_map<std::string, std::string> epci_of;
    for (const json& e : epcis) {
        std::string siren = e.at("code");
        data->epcis[siren].name = e.at("nom");
        for (const json& member : e.at("membres")) epci_of[member.at("code")] = siren;
    }
    for (const json& c : communes) {
        if (c.value("type", "") != "commune-actuelle") continue;
        CommuneRecord record;
        record.code = c.at("code");
        record.name = c.at("nom");
        record.department = c.value("departement", "");
        record.region = c.value("region", "");
        if (!data->regions.count(record.region)) record.region.clear();
        if (auto it = epci_of.find(record.code); it != epci_of.end()) record.epci = it->second;
        record.population = c.value("population", 0);
        if (c.contains("codesPostaux"))
            for (const json& p : c["codesPostaux"]) record.postcodes.push_back(p);
        record.overseas = c.value("zone", "metro") != "metro";
        data->communes.push_back(std::move(record));
    }
    if (data->communes.empty()) throw DataError("no commune-actuelle in communes.json", data_dir, 0);
    data->finish();
    Geography geography;
    geography.data_ = std::move(data);
    return geography;
}

// ------------------------------------------------------------------------------------ ad hoc
std::vector<std::string> Geography::add_adhoc(const std::string& name, std::vector<std::string> codes) {
    std::vector<std::string> unknown;
    std::set<std::string> members;
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
        std::string_view body = text::trim(line);
        if (body.empty() || body.front() == '#') continue;
        // First field of a CSV (`,` or `;`), quotes removed.
        std::string_view field = body.substr(0, body.find_first_of(",;\t"));
        field = text::trim(field);
        if (field.size() >= 2 && field.front() == '"' && field.back() == '"') field = field.substr(1, field.size() - 2);
        std::string code = upper(field);
        if (code.size() == 4 && std::all_of(code.begin(), code.end(), ::isdigit)) code = "0" + code;  // 1004 -> 01004
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

// ---------------------------------------------------------------------------------- communes
std::size_t Geography::commune_count() const { return data_->communes.size(); }

std::vector<std::string> Geography::commune_codes() const {
    std::vector<std::string> out;
    out.reserve(data_->communes.size());
    for (const auto& c : data_->communes) out.push_back(c.code);
    return out;
}

std::optional<CommuneProfile> Geography::profile(std::string_view code) const {
    const CommuneRecord* c = data_->commune(code);
    if (!c) return std::nullopt;
    CommuneProfile profile;
    profile.code = c->code;
    profile.name = c->name;
    profile.population = c->population;
    if (!c->epci.empty()) profile.epci = Place{c->epci, data_->epcis.at(c->epci).name};
    auto d = data_->departments.find(c->department);
    profile.department = Place{c->department, d == data_->departments.end() ? c->department : d->second.name};
    if (!c->region.empty()) profile.region = Place{c->region, data_->regions.at(c->region)};
    profile.zone = c->overseas ? "overseas" : "mainland";
    profile.postcodes = c->postcodes;
    for (const auto& p : perimeters_of_commune(code)) profile.perimeters.push_back(p.to_string());
    return profile;
}

std::vector<std::string> Geography::find_communes(std::string_view query) const {
    data_->build_lookups();
    std::string needle(text::trim(query));
    std::set<std::size_t> found;
    auto [postcode_begin, postcode_end] = data_->by_postcode.equal_range(needle);
    for (auto it = postcode_begin; it != postcode_end; ++it) found.insert(it->second);
    if (found.empty()) {
        thread_local Analyzer analyzer;
        auto [begin, end] = data_->by_name.equal_range(name_key(analyzer, needle));
        for (auto it = begin; it != end; ++it) found.insert(it->second);
    }
    std::vector<std::string> out;
    for (std::size_t i : found) out.push_back(data_->communes[i].code);
    return out;
}

std::string Geography::resolve_commune(std::string_view query) const {
    std::string code = upper(text::trim(query));
    if (data_->commune(code)) return code;
    std::vector<std::string> candidates = find_communes(query);
    if (candidates.size() == 1) return candidates.front();
    if (candidates.empty()) throw UsageError("unknown commune \"" + std::string(query) + "\" (not an INSEE code, name or postcode)", std::string(query));
    std::string list;
    for (std::size_t i = 0; i < candidates.size() && i < 12; ++i) {
        const CommuneRecord* c = data_->commune(candidates[i]);
        list += (i ? ", " : "") + c->code + " " + c->name + " (" + c->department + ")";
    }
    if (candidates.size() > 12) list += ", ...";
    throw UsageError("ambiguous commune \"" + std::string(query) + "\": " + std::to_string(candidates.size()) +
                         " candidates: " + list + "; give the INSEE code",
                     std::string(query));
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
            if (auto* c = data_->commune(p.code)) return c->name;
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
    data_->build_lookups();
    thread_local Analyzer analyzer;
    std::string key = name_key(analyzer, name);
    if (auto it = data_->perimeter_by_name.find({scale, key}); it != data_->perimeter_by_name.end())
        return Perimeter{scale, it->second};
    if (scale == Scale::mainland || scale == Scale::overseas || scale == Scale::country || scale == Scale::continent) {
        Perimeter fixed{scale, scale == Scale::mainland ? "FRA-MET" : scale == Scale::overseas ? "FRA-OM"
                                                      : scale == Scale::country ? "FRA" : "EU"};
        return fixed;
    }
    return std::nullopt;
}

namespace {
void add_unique(std::vector<Perimeter>& out, Perimeter p) {
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(std::move(p));
}
void add_zone_and_up(std::vector<Perimeter>& out, bool mainland, bool overseas) {
    if (mainland) add_unique(out, {Scale::mainland, "FRA-MET"});
    if (overseas) add_unique(out, {Scale::overseas, "FRA-OM"});
    add_unique(out, {Scale::country, "FRA"});
    add_unique(out, {Scale::continent, "EU"});
}
}  // namespace

std::vector<Perimeter> Geography::perimeters_of_commune(std::string_view code) const {
    const CommuneRecord* c = data_->commune(code);
    if (!c) return {};
    std::vector<Perimeter> out{{Scale::commune, c->code}};
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
            if (!c->epci.empty()) out.push_back({Scale::epci, c->epci});
            out.push_back({Scale::department, c->department});
            if (!c->region.empty()) out.push_back({Scale::region, c->region});
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
            // An ad-hoc list lies in the departments, regions and zones of its communes.
            auto it = adhoc_->lists.find(p.code);
            if (it == adhoc_->lists.end()) break;
            for (const auto& member : it->second) {
                for (auto& a : ancestors({Scale::commune, member}))
                    if (a.scale != Scale::epci) add_unique(out, std::move(a));
            }
            if (out.empty()) break;
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
    for (const auto& [name, members] : adhoc_->lists) {
        bool overlaps = false;
        if (p.scale == Scale::adhoc) {
            auto other = adhoc_->lists.find(p.code);
            overlaps = name == p.code ||
                       (other != adhoc_->lists.end() &&
                        std::any_of(members.begin(), members.end(), [&](const auto& m) { return other->second.count(m) > 0; }));
        } else {
            for (const auto& member : members) {
                if (contains(p, {Scale::commune, member})) {
                    overlaps = true;
                    break;
                }
            }
        }
        if (overlaps) out.push_back({Scale::adhoc, name});
    }
    return out;
}

bool Geography::contains(const Perimeter& outer, const Perimeter& inner) const {
    if (outer == inner) return true;
    if (outer.scale == Scale::adhoc) {
        auto it = adhoc_->lists.find(outer.code);
        if (it == adhoc_->lists.end()) return false;
        if (inner.scale == Scale::commune) return it->second.count(inner.code) > 0;
        return false;
    }
    if (inner.scale == Scale::commune) {
        // Fast path on the commune record: the common case of a search by commune.
        const CommuneRecord* c = data_->commune(inner.code);
        if (!c) return outer.scale == Scale::country || outer.scale == Scale::continent;
        switch (outer.scale) {
            case Scale::epci: return c->epci == outer.code;
            case Scale::department: return c->department == outer.code;
            case Scale::region: return c->region == outer.code;
            case Scale::mainland: return !c->overseas && outer.code == "FRA-MET";
            case Scale::overseas: return c->overseas && outer.code == "FRA-OM";
            case Scale::country: return outer.code == "FRA";
            case Scale::continent: return outer.code == "EU";
            default: return false;
        }
    }
    auto up = ancestors(inner);
    return std::find(up.begin(), up.end(), outer) != up.end();
}

}  // namespace aides
