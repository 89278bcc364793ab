// Table output for people at a terminal: every line fits the terminal's width (names are
// shortened, never wrapped by the terminal).
#include <aides/search.hpp>

#include <algorithm>
#include <ostream>

#include "options.hpp"

namespace aides::cli {

namespace {

std::size_t code_points(std::string_view text) {
    std::size_t points = 0;
    for (char c : text) points += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return points;
}

// Cuts a UTF-8 string to `width` code points, with an ellipsis; pads it to `width` unless `pad` is false.
std::string fit(const std::string& text, std::size_t width, bool pad = true) {
    if (width == 0) return "";
    std::size_t points = code_points(text);
    if (points <= width) return pad ? text + std::string(width - points, ' ') : text;
    std::size_t kept = 0, cut = 0;
    for (; cut < text.size(); ++cut) {
        if ((static_cast<unsigned char>(text[cut]) & 0xC0) != 0x80) {
            if (kept == width - 1) break;
            ++kept;
        }
    }
    std::string out = text.substr(0, cut);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "…" + (pad ? std::string(width - 1 - code_points(out), ' ') : "");
}

// Splits text into lines of at most `width` code points at spaces (a longer word is cut).
std::vector<std::string> wrap(const std::string& text, std::size_t width, std::size_t max_lines) {
    std::vector<std::string> lines;
    std::string line;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find(' ', start);
        std::string word = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        start = end == std::string::npos ? text.size() : end + 1;
        if (word.empty()) continue;
        if (!line.empty() && code_points(line) + 1 + code_points(word) > width) {
            lines.push_back(line);
            line.clear();
        }
        line += (line.empty() ? "" : " ") + word;
    }
    if (!line.empty()) lines.push_back(line);
    for (auto& l : lines) l = fit(l, width, false);
    if (lines.size() > max_lines) {
        lines.resize(max_lines);
        lines.back() = fit(lines.back() + " …", width, false);
    }
    return lines;
}

// The snippet as plain text: <mark> tags dropped, entities decoded.
std::string plain(const std::string& html) {
    std::string out;
    for (std::size_t i = 0; i < html.size(); ++i) {
        if (html[i] == '<') {
            std::size_t end = html.find('>', i);
            if (end == std::string::npos) break;
            i = end;
            continue;
        }
        if (html[i] == '&') {
            static const std::pair<std::string_view, char> entities[] = {
                {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
            bool decoded = false;
            for (const auto& [entity, c] : entities) {
                if (html.compare(i, entity.size(), entity) == 0) {
                    out += c;
                    i += entity.size() - 1;
                    decoded = true;
                    break;
                }
            }
            if (decoded) continue;
        }
        out += html[i] == '\n' || html[i] == '\t' ? ' ' : html[i];
    }
    return out;
}

std::string backer_of(const Aid& aid) {
    const auto& names = aid.financers.empty() ? aid.instructors : aid.financers;
    if (names.empty()) return "-";
    return names.front() + (names.size() > 1 ? " +" + std::to_string(names.size() - 1) : "");
}

std::string perimeter_of(const SearchHit& hit) {
    if (auto p = Perimeter::parse(hit.aid.perimeter)) return hit.perimeter_name + " (" + std::string(scale_name(p->scale)) + ")";
    return hit.aid.perimeter;
}

// The French labels of the aid's types; `brief`: shortened for a narrow column.
std::string types_of(const Aid& aid, bool brief = false) {
    static const std::pair<std::string_view, std::string_view> short_labels[] = {
        {"recoverable_advance", "Avance"}, {"cee", "CEE"}, {"other", "Autre"}, {"technical_engineering", "Ing. tech."},
        {"financial_engineering", "Ing. fin."}, {"legal_engineering", "Ing. jur."}};
    std::string out;
    for (const auto& t : aid.aid_types) {
        std::string label = french_label("aid_types", t);
        if (brief)
            for (const auto& [value, shorter] : short_labels)
                if (t == value) label = shorter;
        out += (out.empty() ? "" : ", ") + label;
    }
    return out.empty() ? "-" : out;
}

// An ongoing aid's past deadline is stale: the aid is open all year.
std::string deadline_of(const Aid& aid, const std::string& today) {
    bool ongoing = aid.recurrence == "ongoing";
    if (aid.submission_deadline && !(ongoing && !today.empty() && *aid.submission_deadline < today)) return *aid.submission_deadline;
    return ongoing ? "permanente" : "-";
}

// The columns' widths: the name takes what the others leave.
struct Widths {
    std::size_t id = 2, name = 3, backer = 6, perimeter = 0, deadline = 10, types = 5;
    bool brief_types = false;
};

Widths layout(const SearchResponse& response, std::size_t width) {
    Widths w;
    std::size_t name_wanted = 3;
    for (const auto& hit : response.results) {
        w.id = std::max(w.id, code_points(hit.aid.id));
        w.backer = std::max(w.backer, code_points(backer_of(hit.aid)));
        w.types = std::max(w.types, code_points(types_of(hit.aid)));
        w.perimeter = std::max(w.perimeter, code_points(perimeter_of(hit)));
        name_wanted = std::max(name_wanted, code_points(hit.aid.name));
    }
    w.id = std::min<std::size_t>(w.id, 16);
    w.backer = std::min<std::size_t>(w.backer, 24);
    w.types = std::min<std::size_t>(w.types, 30);
    // The perimeter only where there is room for it.
    w.perimeter = width >= 110 ? std::min<std::size_t>(w.perimeter, 30) : 0;
    auto others = [&] { return w.id + w.backer + (w.perimeter ? w.perimeter + 2 : 0) + w.deadline + w.types + 2 * 4; };
    // The name matters most: three eighths of the width at least; the types (shortened), then
    // the backer and the id give way to it, down to a floor.
    const std::size_t name_min = std::max<std::size_t>(20, width * 3 / 8);
    if (others() + name_min > width) {
        w.brief_types = true;
        w.types = 5;
        for (const auto& hit : response.results) w.types = std::max(w.types, code_points(types_of(hit.aid, true)));
        w.types = std::min<std::size_t>(w.types, 30);
    }
    while (others() + name_min > width && w.types > 16) --w.types;
    while (others() + name_min > width && w.backer > 14) --w.backer;
    while (others() + name_min > width && w.types > 11) --w.types;
    while (others() + name_min > width && w.backer > 10) --w.backer;
    while (others() + name_min > width && w.types > 6) --w.types;
    while (others() + name_min > width && w.id > 8) --w.id;
    w.name = width > others() ? std::min(width - others(), name_wanted) : 3;
    return w;
}

}  // namespace

void print_table(const SearchResponse& response, std::ostream& out, const TableOptions& options) {
    const std::size_t width = std::max<std::size_t>(options.width, 40);
    auto line = [&](const std::string& text) { out << fit(text, width, false) << "\n"; };
    std::string summary;
    if (response.commune)
        summary = response.commune->name + " (" + response.commune->code + ", " + response.commune->department.name + "): ";
    summary += std::to_string(response.count) + (response.count == 1 ? " aid" : " aids");
    std::size_t first = static_cast<std::size_t>((response.page - 1) * response.size) + 1;
    if (!response.results.empty()) summary += ", " + std::to_string(first) + "-" + std::to_string(first + response.results.size() - 1) + " shown";
    line(summary);
    if (response.commune && !response.commune->note.empty())
        for (const auto& l : wrap(response.commune->note, width, 3)) line(l);
    bool partial = std::any_of(response.results.begin(), response.results.end(), [](const SearchHit& hit) { return hit.partial; });
    if (response.relaxed && response.count == 0 && partial) {
        line("No aid has every word; the nearest follow, each with the words it lacks");
    } else if (response.relaxed) {
        std::string text = "No aid has every word; showing aids without:";
        for (const auto& w : response.missing) text += " " + w;
        line(text);
    }
    if (response.suggestion) line("Did you mean: " + *response.suggestion);
    if (!response.results.empty()) {
        Widths w = layout(response, width);
        auto row = [&](const std::string& id, const std::string& name, const std::string& backer, const std::string& perimeter,
                       const std::string& deadline, const std::string& types) {
            std::string text = fit(id, w.id) + "  " + fit(name, w.name) + "  " + fit(backer, w.backer) + "  ";
            if (w.perimeter) text += fit(perimeter, w.perimeter) + "  ";
            text += fit(deadline, w.deadline) + "  " + fit(types, w.types, false);
            line(text);
        };
        row("ID", "AID", "BACKER", "PERIMETER", "DEADLINE", "TYPES");
        for (const auto& hit : response.results) {
            row(hit.aid.id, hit.aid.name, backer_of(hit.aid), perimeter_of(hit), deadline_of(hit.aid, response.today),
                types_of(hit.aid, w.brief_types));
            if (hit.partial) {
                std::string lacks = "    ~ partial, without:";
                for (const auto& word : hit.missing) lacks += " " + word;
                line(lacks);
            }
            if (!options.long_form) continue;
            const std::size_t inner = width - 4;
            if (!w.perimeter) line("    perimeter: " + perimeter_of(hit));
            if (!hit.aid.url.empty()) line("    " + hit.aid.url);
            if (!hit.snippet.empty())
                for (const auto& l : wrap(plain(hit.snippet), inner, 3)) line("    " + l);
            if (hit.why) {
                std::string why = "why: " + hit.why->perimeter;
                for (const auto& [field, words] : hit.why->matched) {
                    why += "; " + field + ":";
                    for (const auto& word : words) why += " " + word;
                }
                for (const auto& l : wrap(why, inner, 3)) line("    " + l);
            }
        }
    }
    if (response.facets) {
        for (const auto& [name, counts] : *response.facets) {
            std::string text = name + ":";
            for (const auto& [value, count] : counts) text += " " + value + "=" + std::to_string(count);
            for (const auto& l : wrap(text, width, 100)) line(l);
        }
    }
}

void print_profile(const CommuneProfile& p, std::ostream& out, std::size_t width) {
    width = std::max<std::size_t>(width, 40);
    auto line = [&](const std::string& text) { out << fit(text, width, false) << "\n"; };
    line(p.name + " (" + p.code + "), " + std::to_string(p.population) + " inhabitants");
    if (!p.note.empty())
        for (const auto& l : wrap(p.note, width, 3)) line(l);
    line("  EPCI:       " + (p.epci ? p.epci->name + " (" + p.epci->code + ")" : std::string("none")));
    line("  department: " + p.department.name + " (" + p.department.code + ")");
    line("  region:     " + (p.region ? p.region->name + " (" + p.region->code + ")" : std::string("none")));
    line("  zone:       " + p.zone);
    std::string perimeters;
    for (const auto& perimeter : p.perimeters) perimeters += (perimeters.empty() ? "" : " ") + perimeter;
    auto lines = wrap(perimeters, width - 14, 20);
    for (std::size_t i = 0; i < lines.size(); ++i) line((i == 0 ? "  perimeters: " : "              ") + lines[i]);
}

}  // namespace aides::cli
