// Table output for people at a terminal.
#include <aides/search.hpp>

#include <algorithm>
#include <ostream>

#include "options.hpp"

namespace aides::cli {

namespace {

// Cuts a UTF-8 string to `width` code points, with an ellipsis.
std::string fit(const std::string& text, std::size_t width) {
    std::size_t points = 0, i = 0;
    for (; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (points == width) break;
            ++points;
        }
    }
    if (i >= text.size()) return text + std::string(width - points, ' ');
    std::size_t cut = i;
    // Leave room for the ellipsis.
    while (cut > 0 && (static_cast<unsigned char>(text[cut - 1]) & 0xC0) == 0x80) --cut;
    if (cut > 0) --cut;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return text.substr(0, cut) + "…";
}

}  // namespace

void print_table(const SearchResponse& response, const Geography& geography, std::ostream& out) {
    out << response.count << (response.count == 1 ? " aid" : " aids");
    std::size_t first = static_cast<std::size_t>((response.page - 1) * response.size) + 1;
    if (!response.results.empty())
        out << ", " << first << "-" << first + response.results.size() - 1 << " shown";
    out << "\n";
    bool partial = std::any_of(response.results.begin(), response.results.end(), [](const SearchHit& hit) { return hit.partial; });
    if (response.relaxed && response.count == 0 && partial) {
        out << "No aid has every word; the nearest follow, each with the words it lacks\n";
    } else if (response.relaxed) {
        out << "No aid has every word; showing aids without:";
        for (const auto& w : response.missing) out << " " << w;
        out << "\n";
    }
    if (response.suggestion) out << "Did you mean: " << *response.suggestion << "\n";
    if (!response.results.empty()) {
        out << fit("AID", 62) << "  " << fit("PERIMETER", 34) << "  " << fit("DEADLINE", 10) << "  TYPES\n";
    }
    for (const auto& hit : response.results) {
        std::string perimeter = hit.aid.perimeter;
        if (auto p = Perimeter::parse(hit.aid.perimeter))
            perimeter = geography.name_of(*p) + " (" + std::string(scale_name(p->scale)) + ")";
        std::string types;
        for (const auto& t : hit.aid.aid_types) types += (types.empty() ? "" : ",") + t;
        out << fit(hit.aid.name, 62) << "  " << fit(perimeter, 34) << "  "
            << fit(hit.aid.submission_deadline.value_or(hit.aid.recurrence == "ongoing" ? "permanent" : "-"), 10) << "  "
            << types << "\n";
        if (hit.partial) {
            out << "    ~ partial, without:";
            for (const auto& w : hit.missing) out << " " << w;
            out << "\n";
        }
        if (hit.why) {
            out << "    why: " << hit.why->perimeter;
            for (const auto& [field, words] : hit.why->matched) {
                out << "; " << field << ":";
                for (const auto& w : words) out << " " << w;
            }
            out << "\n";
        }
    }
    if (response.facets) {
        for (const auto& [name, counts] : *response.facets) {
            out << name << ":";
            for (const auto& [value, count] : counts) out << " " << value << "=" << count;
            out << "\n";
        }
    }
}

void print_profile(const CommuneProfile& p, std::ostream& out) {
    out << p.name << " (" << p.code << "), " << p.population << " inhabitants\n";
    out << "  EPCI:       " << (p.epci ? p.epci->name + " (" + p.epci->code + ")" : "none") << "\n";
    out << "  department: " << p.department.name << " (" << p.department.code << ")\n";
    out << "  region:     " << (p.region ? p.region->name + " (" + p.region->code + ")" : "none") << "\n";
    out << "  zone:       " << p.zone << "\n";
    out << "  perimeters:";
    for (const auto& perimeter : p.perimeters) out << " " << perimeter;
    out << "\n";
}

}  // namespace aides::cli
