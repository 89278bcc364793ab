// Perimeter autocomplete: a flat list of perimeters with folded name keys, scanned per query
// (some 37,000 entries: a scan is well under a millisecond, and needs no index to keep).
#include <aides/perimeters.hpp>

#include <aides/analysis.hpp>

#include <algorithm>
#include <cctype>
#include <map>

namespace aides {

namespace {

// Folded (case, accents, ligatures), every ASCII character other than a letter or a digit a
// space, spaces collapsed: `Saint-Pol-de-Léon` -> `saint pol de leon`, `L'Haÿ` -> `l hay`.
std::string search_key(const Analyzer& analyzer, std::string_view text) {
    std::string folded = analyzer.fold(text);
    std::string key;
    for (char c : folded) {
        auto u = static_cast<unsigned char>(c);
        bool word = u >= 0x80 || std::isalnum(u);
        if (word) key += c;
        else if (!key.empty() && key.back() != ' ') key += ' ';
    }
    while (!key.empty() && key.back() == ' ') key.pop_back();
    return key;
}

bool all_code_characters(std::string_view text) {
    // INSEE codes and postcodes: digits, and the A/B of Corsica (2A004).
    bool digit = false;
    for (char c : text) {
        if (std::isdigit(static_cast<unsigned char>(c))) digit = true;
        else if (c != 'A' && c != 'B' && c != 'a' && c != 'b') return false;
    }
    return digit;
}

int scale_rank(Scale scale) {
    switch (scale) {
        case Scale::region: return 0;
        case Scale::department: return 1;
        case Scale::epci: return 2;
        case Scale::adhoc: return 3;
        default: return 4;
    }
}

}  // namespace

struct PerimeterFinder::Impl {
    struct Entry {
        PerimeterSuggestion suggestion;
        std::string key;   // search_key of the name
        std::string code;  // upper-case code (INSEE, SIREN, department, region)
        int rank = 4;
    };
    std::vector<Entry> entries;
};

PerimeterFinder::PerimeterFinder(const Geography& geography) : impl_(std::make_unique<Impl>()) {
    Analyzer analyzer;
    std::map<std::string, Impl::Entry> wider;  // EPCIs, departments, regions by id, met through their communes
    auto add_wider = [&](Scale scale, const Place& place, const std::string& department) {
        std::string id = Perimeter{scale, place.code}.to_string();
        if (wider.count(id)) return;
        Impl::Entry entry;
        entry.suggestion.id = id;
        entry.suggestion.name = place.name;
        entry.suggestion.scale = std::string(scale_name(scale));
        entry.suggestion.department = department;
        entry.key = search_key(analyzer, place.name);
        entry.code = place.code;
        entry.rank = scale_rank(scale);
        wider.emplace(id, std::move(entry));
    };
    for (const auto& code : geography.commune_codes()) {
        std::optional<CommuneProfile> profile = geography.profile(code);
        if (!profile) continue;
        Impl::Entry entry;
        entry.suggestion.id = "commune:" + profile->code;
        entry.suggestion.name = profile->name;
        entry.suggestion.scale = "commune";
        entry.suggestion.zipcodes = profile->postcodes;
        entry.suggestion.department = profile->department.code;
        entry.suggestion.population = profile->population;
        entry.key = search_key(analyzer, profile->name);
        entry.code = profile->code;
        impl_->entries.push_back(std::move(entry));
        if (profile->epci) add_wider(Scale::epci, *profile->epci, profile->department.code);
        add_wider(Scale::department, profile->department, profile->department.code);
        if (profile->region) add_wider(Scale::region, *profile->region, {});
    }
    for (const auto& name : geography.adhoc_names()) {
        Perimeter perimeter{Scale::adhoc, name};
        add_wider(Scale::adhoc, Place{name, geography.name_of(perimeter)}, {});
    }
    for (auto& [id, entry] : wider) impl_->entries.push_back(std::move(entry));
}

PerimeterFinder::~PerimeterFinder() = default;
PerimeterFinder::PerimeterFinder(PerimeterFinder&&) noexcept = default;
PerimeterFinder& PerimeterFinder::operator=(PerimeterFinder&&) noexcept = default;

std::vector<PerimeterSuggestion> PerimeterFinder::find(std::string_view query, std::size_t limit) const {
    thread_local Analyzer analyzer;
    std::string key = search_key(analyzer, query);
    if (key.empty() || limit == 0) return {};
    // Tier 0: the whole name or code is the query; 1: it begins with it; 2: a later word does.
    struct Found {
        int tier;
        const Impl::Entry* entry;
    };
    std::vector<Found> found;
    if (all_code_characters(key)) {
        std::string code = key;
        std::transform(code.begin(), code.end(), code.begin(), [](unsigned char c) { return std::toupper(c); });
        for (const auto& entry : impl_->entries) {
            const auto& s = entry.suggestion;
            if (s.scale != "commune" && s.scale != "department") continue;
            int tier = entry.code == code ? 0 : entry.code.rfind(code, 0) == 0 ? 1 : 3;
            for (const auto& zip : s.zipcodes) tier = std::min(tier, zip == code ? 0 : zip.rfind(code, 0) == 0 ? 1 : 3);
            if (tier < 3) found.push_back({tier, &entry});
        }
    } else {
        std::string word_start = " " + key;
        for (const auto& entry : impl_->entries) {
            if (entry.key.rfind(key, 0) == 0) found.push_back({entry.key.size() == key.size() ? 0 : 1, &entry});
            else if (entry.key.find(word_start) != std::string::npos) found.push_back({2, &entry});
        }
    }
    auto better = [](const Found& a, const Found& b) {
        if (a.tier != b.tier) return a.tier < b.tier;
        if (a.entry->rank != b.entry->rank) return a.entry->rank < b.entry->rank;
        if (a.entry->suggestion.population != b.entry->suggestion.population)
            return a.entry->suggestion.population > b.entry->suggestion.population;
        return a.entry->suggestion.id < b.entry->suggestion.id;
    };
    std::size_t kept = std::min(limit, found.size());
    std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(kept), found.end(), better);
    std::vector<PerimeterSuggestion> out;
    for (std::size_t i = 0; i < kept; ++i) out.push_back(found[i].entry->suggestion);
    return out;
}

}  // namespace aides
