// The JSON the CLI prints and the bindings return: one implementation for both.
#include <aides/search.hpp>

#include <nlohmann/json.hpp>

#include <cmath>

#include "io/record_json.hpp"

namespace aides {

namespace {

nlohmann::ordered_json hit_json(const SearchHit& hit) {
    nlohmann::ordered_json aid = json_io::aid_to_json(hit.aid);
    nlohmann::ordered_json out;
    // The contract's leading fields first, then the rest of the record.
    out["id"] = aid["id"];
    if (aid.contains("slug")) out["slug"] = aid["slug"];
    out["name"] = aid["name"];
    out["score"] = std::round(hit.score * 1000.0) / 1000.0;
    out["perimeter"] = aid["perimeter"];
    if (!hit.perimeter_name.empty()) out["perimeter_name"] = hit.perimeter_name;
    out["submission_deadline"] = aid["submission_deadline"];
    for (auto& [key, value] : aid.items())
        if (!out.contains(key)) out[key] = std::move(value);
    out["snippet"] = hit.snippet;
    if (hit.partial) {
        out["partial"] = true;
        out["missing"] = hit.missing;
    }
    if (hit.why) {
        nlohmann::ordered_json why;
        why["perimeter"] = hit.why->perimeter;
        why["filters"] = hit.why->filters;
        why["matched"] = nlohmann::ordered_json::object();
        for (const auto& [field, words] : hit.why->matched) why["matched"][field] = words;
        out["why"] = std::move(why);
    }
    return out;
}

}  // namespace

std::string to_string(Execution execution) {
    switch (execution) {
        case Execution::automatic: return "auto";
        case Execution::xapian: return "xapian";
        case Execution::memory: return "memory";
    }
    return "auto";
}

std::optional<Execution> parse_execution(const std::string& name) {
    if (name == "auto") return Execution::automatic;
    if (name == "xapian") return Execution::xapian;
    if (name == "memory") return Execution::memory;
    return std::nullopt;
}

std::string to_json(const SearchHit& hit) { return hit_json(hit).dump(); }

std::string to_json(const SearchResponse& response) {
    nlohmann::ordered_json out;
    out["count"] = response.count;
    // Only when there are partial matches: absent means none (a search without text has none).
    if (response.partial_count > 0) out["partial_count"] = response.partial_count;
    out["page"] = response.page;
    out["size"] = response.size;
    if (response.commune) out["commune"] = nlohmann::ordered_json::parse(to_json(*response.commune));
    out["results"] = nlohmann::ordered_json::array();
    for (const auto& hit : response.results) out["results"].push_back(hit_json(hit));
    if (response.facets) {
        nlohmann::ordered_json facets = nlohmann::ordered_json::object();
        for (const auto& [name, counts] : *response.facets) {
            facets[name] = nlohmann::ordered_json::object();
            for (const auto& [value, count] : counts) facets[name][value] = count;
        }
        out["facets"] = std::move(facets);
    }
    out["suggestion"] = response.suggestion ? nlohmann::ordered_json(*response.suggestion) : nullptr;
    out["relaxed"] = response.relaxed;
    out["missing"] = response.missing;
    out["ignored"] = response.ignored;
    if (!response.warnings.empty()) out["warnings"] = response.warnings;
    if (response.execution) {
        nlohmann::ordered_json explain;
        explain["executor"] = to_string(response.execution->used);
        explain["requested"] = to_string(response.execution->requested);
        if (!response.execution->fallback.empty()) explain["fallback"] = response.execution->fallback;
        out["explain"] = std::move(explain);
    }
    return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string to_json(const CommuneResolution& commune) {
    nlohmann::ordered_json out;
    out["code"] = commune.code;
    out["name"] = commune.name;
    out["department"] = {{"code", commune.department.code}, {"name", commune.department.name}};
    if (!commune.note.empty()) out["note"] = commune.note;
    return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string to_json(const CommuneProfile& profile) {
    nlohmann::ordered_json out;
    out["code"] = profile.code;
    out["name"] = profile.name;
    out["population"] = profile.population;
    out["epci"] = profile.epci ? nlohmann::ordered_json{{"code", profile.epci->code}, {"name", profile.epci->name}} : nullptr;
    out["department"] = {{"code", profile.department.code}, {"name", profile.department.name}};
    out["region"] = profile.region ? nlohmann::ordered_json{{"code", profile.region->code}, {"name", profile.region->name}} : nullptr;
    out["zone"] = profile.zone;
    out["postcodes"] = profile.postcodes;
    out["perimeters"] = profile.perimeters;
    if (!profile.note.empty()) out["note"] = profile.note;
    return out.dump();
}

}  // namespace aides
