// The JSON the CLI prints, the bindings return and the server sends: one implementation for all.
// Written straight to text (io/json_writer.hpp); commune profiles, rare, still go through nlohmann.
#include <aides/search.hpp>

#include <nlohmann/json.hpp>

#include <cmath>

#include "io/json_writer.hpp"
#include "io/record_json.hpp"

namespace aides {

namespace {

using json_io::JsonWriter;

void write_hit(JsonWriter& out, const SearchHit& hit) {
    const Aid& aid = hit.aid;
    out.begin_object();
    // The contract's leading fields first, then the rest of the record.
    out.key("id").string(aid.id);
    if (!aid.slug.empty()) out.key("slug").string(aid.slug);
    out.key("name").string(aid.name);
    out.key("score").number(std::round(hit.score * 1000.0) / 1000.0);
    out.key("perimeter").string(aid.perimeter);
    if (!hit.perimeter_name.empty()) out.key("perimeter_name").string(hit.perimeter_name);
    out.key("submission_deadline");
    if (aid.submission_deadline) out.string(*aid.submission_deadline);
    else out.null();
    json_io::write_aid_members(out, aid, json_io::AidMembers::after_leading);
    out.key("snippet").string(hit.snippet);
    if (hit.partial) {
        out.key("partial").boolean(true);
        out.key("missing").strings(hit.missing);
    }
    if (hit.why) {
        out.key("why").begin_object();
        out.key("perimeter").string(hit.why->perimeter);
        out.key("filters").strings(hit.why->filters);
        out.key("matched").begin_object();
        for (const auto& [field, words] : hit.why->matched) out.key(field).strings(words);
        out.end_object();
        out.end_object();
    }
    out.end_object();
}

void write_commune(JsonWriter& out, const CommuneResolution& commune) {
    out.begin_object();
    out.key("code").string(commune.code);
    out.key("name").string(commune.name);
    out.key("department").begin_object();
    out.key("code").string(commune.department.code);
    out.key("name").string(commune.department.name);
    out.end_object();
    if (!commune.note.empty()) out.key("note").string(commune.note);
    out.end_object();
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

std::string to_json(const SearchHit& hit) {
    std::string text;
    JsonWriter out(text);
    write_hit(out, hit);
    return text;
}

std::string to_json(const SearchResponse& response) {
    std::string text;
    text.reserve(2048 * (response.results.size() + 1));  // a hit with its description is one or two KB
    JsonWriter out(text);
    out.begin_object();
    out.key("count").integer(response.count);
    // Only when there are partial matches: absent means none (a search without text has none).
    if (response.partial_count > 0) out.key("partial_count").integer(response.partial_count);
    out.key("page").integer(response.page);
    out.key("size").integer(response.size);
    if (response.commune) {
        out.key("commune");
        write_commune(out, *response.commune);
    }
    out.key("results").begin_array();
    for (const auto& hit : response.results) write_hit(out, hit);
    out.end_array();
    if (response.facets) {
        out.key("facets").begin_object();
        for (const auto& [name, counts] : *response.facets) {
            out.key(name).begin_object();
            for (const auto& [value, count] : counts) out.key(value).integer(count);
            out.end_object();
        }
        out.end_object();
    }
    out.key("suggestion");
    if (response.suggestion) out.string(*response.suggestion);
    else out.null();
    out.key("relaxed").boolean(response.relaxed);
    out.key("missing").strings(response.missing);
    out.key("ignored").strings(response.ignored);
    if (!response.warnings.empty()) out.key("warnings").strings(response.warnings);
    if (response.execution) {
        out.key("explain").begin_object();
        out.key("executor").string(to_string(response.execution->used));
        out.key("requested").string(to_string(response.execution->requested));
        if (!response.execution->fallback.empty()) out.key("fallback").string(response.execution->fallback);
        out.end_object();
    }
    out.end_object();
    return text;
}

std::string to_json(const CommuneResolution& commune) {
    std::string text;
    JsonWriter out(text);
    write_commune(out, commune);
    return text;
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
