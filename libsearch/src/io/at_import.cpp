#include "io/at_import.hpp"

#include <aides/analysis.hpp>
#include <aides/errors.hpp>
#include <aides/geography.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <map>
#include <optional>

#include "analysis/text_utils.hpp"
#include "io/record_json.hpp"
#include "model/dates.hpp"
#include "model/vocabulary.hpp"

namespace aides::json_io::at {
namespace {

using nlohmann::json;

constexpr std::string_view site = "https://aides-territoires.beta.gouv.fr";

[[noreturn]] void bad(const std::string& field, const std::string& message) {
    throw DataError(message, {}, 0, field);
}

std::string show(const json& value) {
    std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    return text;
}

const Analyzer& analyzer() {
    thread_local Analyzer instance;
    return instance;
}

// Folded, apostrophes unified, blanks collapsed: how headers and fixed names are compared.
std::string key_of(std::string_view text) {
    std::string folded = analyzer().fold(text::trim(text)), out;
    for (std::size_t i = 0; i < folded.size(); ++i) {
        if (folded.compare(i, 3, "\xE2\x80\x99") == 0) {  // ’
            out += '\'';
            i += 2;
        } else if (folded[i] == ' ' || folded[i] == '\t' || folded[i] == '\n' || folded[i] == '\r') {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += folded[i];
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

bool is_slug(std::string_view text) {
    if (text.empty()) return false;
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

// Fields only the Aides-territoires API serves (a canonical record has none of them).
constexpr std::array<std::string_view, 16> api_only_fields = {
    "perimeter_scale",  "financers_full", "instructors_full", "aid_types_full",   "categories_full",
    "programs_full",    "origin_url",     "application_url",  "date_created",     "subvention_comment",
    "contact",          "import_data_url", "import_data_mention", "import_share_licence", "is_live",
    "project_references",
};

// A name out of an API list item: a string, or an object with a name.
std::string item_name(const json& item, const std::string& field) {
    if (item.is_string()) return item.get<std::string>();
    if (item.is_object()) {
        for (const char* key : {"name", "label", "title", "slug"})
            if (auto it = item.find(key); it != item.end() && it->is_string()) return it->get<std::string>();
    }
    bad(field, "expected a name or an object with a \"name\", got " + show(item));
}

// A list field as served: null, a string, an array of strings or of objects -> array of names.
// `*_full` (objects) fills in a missing or empty list.
void normalise_list(json& out, const json& in, const std::string& field) {
    const json* value = nullptr;
    if (auto it = in.find(field); it != in.end() && !it->is_null() && !(it->is_array() && it->empty())) value = &*it;
    if (!value) {
        if (auto full = in.find(field + "_full"); full != in.end() && full->is_array() && !full->empty()) value = &*full;
    }
    if (!value) {
        out.erase(field);
        return;
    }
    json names = json::array();
    if (value->is_string()) {
        if (!text::trim(value->get<std::string>()).empty()) names.push_back(value->get<std::string>());
    } else if (value->is_array()) {
        for (const json& item : *value) names.push_back(item_name(item, field));
    } else {
        bad(field, "expected a list of names, got " + std::string(value->type_name()) + " " + show(*value));
    }
    out[field] = std::move(names);
}

// A category as served: a label, or an object {name, theme: {name}} -> `Theme|Category`.
std::string category_label(const json& item) {
    if (item.is_object()) {
        std::string name = item_name(item, "categories");
        for (const char* key : {"theme", "category_theme", "categoryTheme"}) {
            if (auto it = item.find(key); it != item.end()) {
                if (it->is_string()) return it->get<std::string>() + "|" + name;
                if (it->is_object()) return item_name(*it, "categories") + "|" + name;
            }
        }
        return name;
    }
    return item_name(item, "categories");
}

// "Finistère (Département)", "Brest (Commune – 29200)" -> {"Finistère", department}.
std::optional<std::pair<std::string, Scale>> name_with_scale(std::string_view text) {
    text = text::trim(text);
    if (text.empty() || text.back() != ')') return std::nullopt;
    auto open = text.rfind(" (");
    if (open == std::string_view::npos) return std::nullopt;
    std::string_view inner = text.substr(open + 2, text.size() - open - 3);
    for (std::string_view dash : {" \xE2\x80\x93 ", " \xE2\x80\x94 ", " - ", ","}) {
        if (auto cut = inner.find(dash); cut != std::string_view::npos) inner = inner.substr(0, cut);
    }
    auto scale = parse_scale(text::trim(inner));
    if (!scale) return std::nullopt;
    return std::make_pair(std::string(text::trim(text.substr(0, open))), *scale);
}

// The perimeters Aides-territoires names without a scale.
std::optional<std::string> fixed_perimeter(std::string_view name) {
    static const std::map<std::string, std::string, std::less<>> fixed = {
        {"france", "country:FRA"},
        {"europe", "continent:EU"},
        {"union europeenne", "continent:EU"},
        {"france metropolitaine", "mainland:FRA-MET"},
        {"metropole", "mainland:FRA-MET"},
        {"outre-mer", "overseas:FRA-OM"},
        {"outre mer", "overseas:FRA-OM"},
        {"drom", "overseas:FRA-OM"},
        {"drom-com", "overseas:FRA-OM"},
    };
    if (auto it = fixed.find(key_of(name)); it != fixed.end()) return it->second;
    return std::nullopt;
}

void normalise_perimeter(json& out) {
    auto it = out.find("perimeter");
    if (it == out.end() || it->is_null()) return;
    if (it->is_object()) {
        // {"name": ..., "scale": ..., "code": ...}: the code when there is one, else the name.
        const json& object = *it;
        std::string scale, code, name;
        if (auto s = object.find("scale"); s != object.end() && s->is_string()) scale = s->get<std::string>();
        if (auto c = object.find("code"); c != object.end() && c->is_string()) code = c->get<std::string>();
        if (auto n = object.find("name"); n != object.end() && n->is_string()) name = n->get<std::string>();
        std::optional<Scale> parsed = scale.empty() ? std::nullopt : parse_scale(scale);
        if (parsed && !code.empty()) *it = std::string(scale_name(*parsed)) + ":" + code;
        else if (parsed && !name.empty()) *it = std::string(scale_name(*parsed)) + ":" + name;
        else if (!name.empty()) *it = name;
        else bad("perimeter", "expected a perimeter name or an object with a scale and a code, got " + show(object));
    }
    if (!it->is_string()) return;  // aid_from_json names the wrong type
    std::string text(text::trim(it->get<std::string>()));
    if (text.empty() || Perimeter::parse(text)) return;  // absent, or already SCALE:CODE
    if (auto named = name_with_scale(text)) {
        *it = std::string(scale_name(named->second)) + ":" + named->first;
        out.erase("perimeter_scale");
        return;
    }
    if (auto scale = out.find("perimeter_scale"); scale != out.end() && scale->is_string() &&
                                                   !text::trim(scale->get<std::string>()).empty())
        return;  // aid_from_json joins them; the index resolves the name
    if (auto fixed = fixed_perimeter(text)) *it = *fixed;
    // Otherwise a bare name, resolved by the index through the geography.
}

// Rates as an object {lower, upper} (older exports) when the bounds are not given.
void normalise_rates(json& out) {
    auto rate = out.find("subvention_rate");
    if (rate == out.end() || !rate->is_object()) return;
    for (auto [from, to] : {std::pair{"lower", "subvention_rate_lower_bound"}, std::pair{"upper", "subvention_rate_upper_bound"}}) {
        auto bound = rate->find(from);
        if (bound != rate->end() && !bound->is_null() && (!out.contains(to) || out[to].is_null())) out[to] = *bound;
    }
}

// Booleans sometimes served as "Oui"/"Non" or "true"/"false".
void normalise_boolean(json& out, const char* field) {
    auto it = out.find(field);
    if (it == out.end() || !it->is_string()) return;
    std::string value = key_of(it->get<std::string>());
    if (value == "oui" || value == "true" || value == "1" || value == "vrai") *it = true;
    else if (value == "non" || value == "false" || value == "0" || value == "faux" || value.empty()) *it = false;
}

std::string absolute_url(std::string url) {
    if (!url.empty() && url.front() == '/') return std::string(site) + url;
    return url;
}

// The slug of an Aides-territoires aid URL: `.../aides/<slug>/`.
std::string slug_of_url(std::string_view url) {
    auto cut = url.find_first_of("?#");
    if (cut != std::string_view::npos) url = url.substr(0, cut);
    while (!url.empty() && url.back() == '/') url.remove_suffix(1);
    auto slash = url.rfind('/');
    std::string_view last = slash == std::string_view::npos ? url : url.substr(slash + 1);
    if (last.find("://") != std::string_view::npos || last.find('.') != std::string_view::npos) return {};
    return std::string(last);
}

std::string string_member(const json& object, const char* field) {
    auto it = object.find(field);
    return it != object.end() && it->is_string() ? std::string(text::trim(it->get<std::string>())) : std::string();
}

// Names and titles carry HTML entities in some feeds (`d&rsquo;un`).
void decode_plain_text(json& out, const char* field) {
    auto it = out.find(field);
    if (it == out.end() || !it->is_string()) return;
    const std::string& value = it->get_ref<const std::string&>();
    if (value.find_first_of("&<") == std::string::npos) return;
    *it = std::string(text::trim(text::strip_html(value)));
}

}  // namespace

// ----------------------------------------------------------------------------------- API records
bool looks_like_api_record(const json& object) {
    if (!object.is_object()) return false;
    for (std::string_view field : api_only_fields)
        if (object.contains(std::string(field))) return true;
    return false;
}

json api_to_canonical(const json& object, std::vector<Note>& notes) {
    if (!object.is_object()) return object;  // aid_from_json names the wrong type
    json out = object;
    for (const char* field : {"financers", "instructors", "programs", "targeted_audiences", "aid_types",
                              "mobilization_steps", "destinations"})
        normalise_list(out, object, field);
    if (auto it = out.find("programs"); it != out.end()) {
        for (json& program : *it) program = slugify(program.get<std::string>());
    }
    // Categories: labels through the table of vocabulary.cpp; slugs and unknown labels as given.
    {
        const json* value = nullptr;
        if (auto it = object.find("categories"); it != object.end() && !it->is_null() && !(it->is_array() && it->empty())) value = &*it;
        else if (auto full = object.find("categories_full"); full != object.end() && full->is_array() && !full->empty()) value = &*full;
        if (!value) {
            out.erase("categories");
        } else {
            json slugs = json::array();
            auto add = [&](const json& item) {
                std::string label = category_label(item);
                if (is_slug(label)) slugs.push_back(label);
                else slugs.push_back(vocabulary::at_category(label).value_or(label));
            };
            if (value->is_array()) for (const json& item : *value) add(item);
            else if (value->is_string()) add(*value);
            else bad("categories", "expected a list of categories, got " + show(*value));
            out["categories"] = std::move(slugs);
        }
    }
    normalise_perimeter(out);
    normalise_rates(out);
    normalise_boolean(out, "is_call_for_project");
    normalise_boolean(out, "is_charged");
    decode_plain_text(out, "name");
    decode_plain_text(out, "short_title");
    decode_plain_text(out, "name_initial");

    std::string url = absolute_url(string_member(out, "url"));
    if (url.empty()) url = string_member(out, "application_url");
    if (url.empty()) url = string_member(out, "origin_url");
    if (!url.empty()) out["url"] = url;
    if (string_member(out, "slug").empty()) {
        std::string from_url = string_member(out, "url").rfind(std::string(site), 0) == 0 ? slug_of_url(string_member(out, "url")) : "";
        if (!from_url.empty()) out["slug"] = from_url;
        else out.erase("slug");
    }
    if (auto id = out.find("id"); (id == out.end() || id->is_null()) && !string_member(out, "slug").empty()) {
        out["id"] = string_member(out, "slug");
        notes.push_back({"id", "no id: the slug \"" + string_member(out, "slug") + "\" stands for it"});
    }
    if (string_member(out, "date_published").empty() && !string_member(out, "date_created").empty())
        out["date_published"] = string_member(out, "date_created");
    return out;
}

Aid aid_from_api(const json& object, std::vector<Note>& notes) { return aid_from_json(api_to_canonical(object, notes)); }

std::string foreign_hint(const json& object) {
    if (!object.is_object()) return {};
    std::string seen;
    for (const char* key : {"title", "titre", "post_title", "ID", "intitule", "libelle", "nom"})
        if (object.contains(key)) seen += (seen.empty() ? "\"" : "\", \"") + std::string(key);
    if (seen.empty()) return {};
    return "the record has " + seen + "\": another provider's field names, not Aides-territoires' (map them to id and name)";
}

std::string records_key(const json& document) {
    if (!document.is_object()) return {};
    if (document.contains("results")) return "results";
    if (document.contains("name") || document.contains("id")) return {};
    std::string found;
    for (const auto& [key, value] : document.items()) {
        if (value.is_array() && !value.empty() && value.front().is_object()) {
            if (!found.empty()) return {};  // two candidates: not guessing
            found = key;
        }
    }
    return found;
}

std::string slugify(std::string_view name) {
    std::string trimmed(text::trim(name));
    if (is_slug(trimmed)) return trimmed;
    std::string folded = analyzer().fold(trimmed), out;
    for (char c : folded) {
        bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (keep) out += c;
        else if (!out.empty() && out.back() != '-') out += '-';
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out.empty() ? trimmed : out;
}

std::optional<std::string> french_date(std::string_view text) {
    text = text::trim(text);
    if (auto iso = dates::date_part(text)) return iso;
    int parts[3] = {0, 0, 0};
    int count = 0, digits = 0;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            if (count >= 3 || ++digits > (count == 2 ? 4 : 2)) return std::nullopt;
            parts[count] = parts[count] * 10 + (c - '0');
        } else if ((c == '/' || c == '-' || c == '.') && digits > 0 && count < 2) {
            ++count;
            digits = 0;
        } else {
            return std::nullopt;
        }
    }
    if (count != 2 || digits != 4) return std::nullopt;
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", parts[2], parts[1], parts[0]);
    if (!dates::valid(buffer)) return std::nullopt;
    return std::string(buffer);
}

// ------------------------------------------------------------------------------------------- CSV
namespace {

// One record of a CSV file, RFC 4180, read line by line so that line numbers hold.
class CsvReader {
  public:
    CsvReader(std::istream& in, char separator, std::string pending, std::size_t pending_line)
        : in_(in), separator_(separator), pending_(std::move(pending)), has_pending_(true), line_(pending_line) {}

    // False at the end. `error` set (and false) when the file cannot be read further.
    bool next(std::vector<std::string>& fields, std::size_t& start_line, std::string& error) {
        fields.clear();
        std::string line;
        if (!physical_line(line)) return false;
        start_line = line_;
        std::string field;
        std::size_t bytes = 0;
        bool in_quotes = false, quoted = false;
        for (;;) {
            for (std::size_t i = 0; i < line.size(); ++i) {
                char c = line[i];
                if (in_quotes) {
                    if (c == '"') {
                        if (i + 1 < line.size() && line[i + 1] == '"') {
                            field += '"';
                            ++i;
                        } else {
                            in_quotes = false;
                        }
                    } else {
                        field += c;
                    }
                } else if (c == separator_) {
                    fields.push_back(std::move(field));
                    field.clear();
                    quoted = false;
                } else if (c == '"' && !quoted && text::trim(field).empty()) {
                    field.clear();
                    in_quotes = quoted = true;
                } else {
                    field += c;  // a stray quote or text after a closing quote: kept as written
                }
            }
            if (!in_quotes) break;
            bytes += line.size();
            if (bytes > max_record_bytes) {
                error = "record longer than " + std::to_string(max_record_bytes) + " bytes (a quote left open?)";
                return false;
            }
            field += '\n';
            if (!physical_line(line)) {
                error = "quoted field opened on line " + std::to_string(start_line) + " is never closed";
                return false;
            }
        }
        fields.push_back(std::move(field));
        return true;
    }

    std::size_t line() const { return line_; }

  private:
    bool physical_line(std::string& line) {
        if (has_pending_) {
            line = std::move(pending_);
            has_pending_ = false;
        } else {
            if (!std::getline(in_, line)) return false;
            ++line_;
        }
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return true;
    }

    std::istream& in_;
    char separator_;
    std::string pending_;
    bool has_pending_;
    std::size_t line_;
};

// Separator of a header line: the most frequent of , ; and tab outside quotes.
char detect_separator(std::string_view header) {
    std::size_t comma = 0, semicolon = 0, tab = 0;
    bool quoted = false;
    for (char c : header) {
        if (c == '"') quoted = !quoted;
        else if (!quoted && c == ',') ++comma;
        else if (!quoted && c == ';') ++semicolon;
        else if (!quoted && c == '\t') ++tab;
    }
    if (tab > comma && tab > semicolon) return '\t';
    return semicolon > comma ? ';' : ',';
}

// CSV column (folded header) -> canonical field.
const std::map<std::string, std::string, std::less<>>& csv_columns() {
    static const std::map<std::string, std::string, std::less<>> columns = [] {
        const std::pair<const char*, const char*> names[] = {
            {"Nom", "name"}, {"Nom de l'aide", "name"}, {"Titre", "name"}, {"name", "name"},
            {"Lien", "url"}, {"URL", "url"}, {"Lien vers l'aide", "url"},
            {"Identifiant", "id"}, {"id", "id"},
            {"Financeurs", "financers"}, {"Porteurs d'aides", "financers"}, {"Porteurs", "financers"},
            {"Instructeurs", "instructors"},
            {"Bénéficiaire", "targeted_audiences"}, {"Bénéficiaires", "targeted_audiences"},
            {"Types d'aides", "aid_types"}, {"Types d'aide", "aid_types"}, {"Type d'aide", "aid_types"},
            {"AAP/AMI", "is_call_for_project"}, {"Appel à projets", "is_call_for_project"},
            {"Récurrence", "recurrence"},
            {"Descriptif", "description"}, {"Description", "description"},
            {"Conditions d'éligibilité", "eligibility"}, {"Éligibilité", "eligibility"},
            {"Exemples de projets", "project_examples"},
            {"Date Clôture", "submission_deadline"}, {"Date de clôture", "submission_deadline"},
            {"Date d'échéance", "submission_deadline"},
            {"Date d'ouverture", "start_date"}, {"Date de début", "start_date"},
            {"Périmètre", "perimeter"}, {"Échelle du périmètre", "perimeter_scale"},
            {"Programmes", "programs"}, {"Programme", "programs"},
            {"Thématiques", "categories"}, {"Catégories", "categories"}, {"Sous-thématiques", "categories"},
            {"Étapes", "mobilization_steps"}, {"Destinations", "destinations"},
            {"Taux de subvention min", "subvention_rate_lower_bound"},
            {"Taux de subvention max", "subvention_rate_upper_bound"},
        };
        std::map<std::string, std::string, std::less<>> out;
        for (const auto& [header, field] : names) out.emplace(key_of(header), field);
        return out;
    }();
    return columns;
}

bool list_field(std::string_view field) {
    return field == "financers" || field == "instructors" || field == "targeted_audiences" || field == "aid_types" ||
           field == "programs" || field == "categories" || field == "mobilization_steps" || field == "destinations";
}

// Department or region named by a backer: "Conseil départemental du Morbihan" -> department
// "morbihan". Only the plain forms: a departmental syndicate or agency is not the department.
std::optional<std::pair<Scale, std::string>> perimeter_of_backer(std::string_view backer) {
    std::string name = key_of(backer);
    static const std::pair<std::string_view, Scale> heads[] = {
        {"conseil departemental", Scale::department},
        {"departement", Scale::department},
        {"direction departementale des territoires et de la mer (ddtm)", Scale::department},
        {"direction departementale des territoires et de la mer", Scale::department},
        {"direction departementale des territoires (ddt)", Scale::department},
        {"direction departementale des territoires", Scale::department},
        {"ddtm", Scale::department},
        {"ddt", Scale::department},
        {"prefecture", Scale::department},
        {"conseil regional", Scale::region},
        {"region", Scale::region},
    };
    static constexpr std::string_view joins[] = {" de la ", " de l'", " du ", " des ", " de ", " d'", " "};
    // A regional land agency (EPF) acts on its region: "EPF Occitanie", "Établissement public
    // foncier de Normandie". Only the names of today's regions are taken; local EPFs, named
    // after an area of their own, are not regions.
    for (std::string_view head : {std::string_view("etablissement public foncier"), std::string_view("epf")}) {
        if (name.compare(0, head.size(), head) != 0) continue;
        std::string_view rest = std::string_view(name).substr(head.size());
        for (std::string_view join : joins) {
            if (rest.compare(0, join.size(), join) != 0) continue;
            std::string place(text::trim(rest.substr(join.size())));
            static const std::map<std::string, std::string, std::less<>> regions = {
                {"auvergne-rhone-alpes", "Auvergne-Rhône-Alpes"}, {"bourgogne-franche-comte", "Bourgogne-Franche-Comté"},
                {"bretagne", "Bretagne"}, {"centre-val de loire", "Centre-Val de Loire"}, {"corse", "Corse"},
                {"grand est", "Grand Est"}, {"hauts-de-france", "Hauts-de-France"}, {"ile-de-france", "Île-de-France"},
                {"idf", "Île-de-France"}, {"normandie", "Normandie"}, {"nouvelle-aquitaine", "Nouvelle-Aquitaine"},
                {"occitanie", "Occitanie"}, {"pays de la loire", "Pays de la Loire"},
                {"provence-alpes-cote d'azur", "Provence-Alpes-Côte d'Azur"}, {"paca", "Provence-Alpes-Côte d'Azur"},
                {"guadeloupe", "Guadeloupe"}, {"martinique", "Martinique"}, {"guyane", "Guyane"},
                {"la reunion", "La Réunion"}, {"reunion", "La Réunion"}, {"mayotte", "Mayotte"}};
            if (auto it = regions.find(place); it != regions.end()) return std::make_pair(Scale::region, it->second);
            return std::nullopt;
        }
    }
    for (const auto& [head, scale] : heads) {
        if (name.compare(0, head.size(), head) != 0) continue;
        std::string_view rest = std::string_view(name).substr(head.size());
        for (std::string_view join : joins) {
            if (rest.compare(0, join.size(), join) != 0) continue;
            std::string_view place = rest.substr(join.size());
            if (auto cut = place.find(" ("); cut != std::string_view::npos) place = place.substr(0, cut);
            if (auto cut = place.find(" - "); cut != std::string_view::npos) place = place.substr(0, cut);
            place = text::trim(place);
            if (place.empty()) return std::nullopt;
            // "Région Bretagne" but not "Direction départementale ... et de la mer ...": a name
            // with a further join is a longer title, not a place.
            if (join == " " && scale == Scale::department) return std::nullopt;
            return std::make_pair(scale, std::string(place));
        }
        return std::nullopt;
    }
    return std::nullopt;
}

// Why a backer's area is no perimeter of the geography ("" when it is not such a backer): the
// six water agencies act on river basins, local land agencies (EPF locaux) on areas of their own.
std::string area_without_perimeter(std::string_view backer) {
    std::string name = key_of(backer);
    if (name.rfind("agence de l'eau", 0) == 0) return "a water agency acts on a river basin, which is no single region";
    if (name.rfind("epfl", 0) == 0 || name.rfind("epf local", 0) == 0 || name.rfind("etablissement public foncier local", 0) == 0)
        return "a local land agency (EPF local) acts on an area of its own";
    if (name.rfind("epf", 0) == 0 || name.rfind("etablissement public foncier", 0) == 0)
        return "a land agency whose name is no region";
    return {};
}

}  // namespace

bool looks_like_csv_header(std::string_view line) {
    char separator = detect_separator(line);
    std::size_t known = 0;
    for (const auto& piece : text::split(line, separator)) {
        std::string name = piece;
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
        if (csv_columns().count(key_of(name))) ++known;
    }
    return known >= 2;
}

void read_csv(std::istream& in, std::string first_line, std::size_t first_line_number, const std::string& source,
              const RecordSink& on_record, const IssueSink& on_issue, const IssueSink& on_warning) {
    auto issue = [&](std::size_t line, std::string field, std::string message, std::string id = {}) {
        on_issue(RecordIssue{source, line, std::move(field), std::move(message), std::move(id)});
    };
    auto file_issue = [&](std::size_t line, std::string field, std::string message) {
        RecordIssue found{source, line, std::move(field), std::move(message)};
        found.whole_file = true;
        on_issue(std::move(found));
    };
    auto warn = [&](std::size_t line, std::string field, std::string message, std::string kind = {}, std::string id = {}) {
        if (!on_warning) return;
        RecordIssue found{source, line, std::move(field), std::move(message), std::move(id)};
        found.kind = std::move(kind);
        on_warning(std::move(found));
    };
    char separator = detect_separator(first_line);
    CsvReader reader(in, separator, std::move(first_line), first_line_number);
    std::vector<std::string> header;
    std::size_t header_line = 0;
    std::string error;
    if (!reader.next(header, header_line, error)) {
        file_issue(first_line_number, "", error.empty() ? "empty CSV: no header" : error);
        return;
    }
    // Columns -> fields; unknown columns are reported once and ignored.
    std::vector<std::string> fields(header.size());
    std::map<std::string, std::string> column_of;  // field -> header as written
    std::string ignored;
    for (std::size_t i = 0; i < header.size(); ++i) {
        std::string name(text::trim(header[i]));
        auto it = csv_columns().find(key_of(name));
        if (it == csv_columns().end() || column_of.count(it->second)) {
            if (!name.empty()) ignored += (ignored.empty() ? "\"" : ", \"") + name + "\"";
            continue;
        }
        fields[i] = it->second;
        column_of[it->second] = name;
    }
    if (!column_of.count("name")) {
        file_issue(header_line, "name", "no name column in the CSV header (expected \"Nom\")");
        return;
    }
    if (!column_of.count("url") && !column_of.count("id")) {
        file_issue(header_line, "id", "no id column in the CSV header (expected \"Lien\", the aid's URL, or \"id\")");
        return;
    }
    if (!ignored.empty()) warn(header_line, "", "CSV columns ignored: " + ignored);

    // The id a row gives, read before the row is converted (for the reports of bad rows).
    auto row_id = [&](const std::vector<std::string>& row) -> std::string {
        for (std::size_t i = 0; i < row.size() && i < fields.size(); ++i)
            if (fields[i] == "id") return std::string(text::trim(row[i]));
        for (std::size_t i = 0; i < row.size() && i < fields.size(); ++i)
            if (fields[i] == "url") return slug_of_url(std::string(text::trim(row[i])));
        return {};
    };
    std::vector<std::string> row;
    std::size_t line = 0, rows = 0;
    // A row with too few fields is reported once the next row is read: as the last row, it
    // means the file was cut short.
    std::optional<RecordIssue> short_row;
    while (reader.next(row, line, error)) {
        if (row.size() == 1 && text::trim(row[0]).empty()) continue;  // a blank line
        if (short_row) on_issue(std::move(*short_row));
        short_row.reset();
        ++rows;
        if (row.size() != header.size()) {
            std::string message = std::to_string(row.size()) + " fields where the header has " + std::to_string(header.size()) +
                                  " (a separator or a quote out of place?)";
            if (row.size() < header.size()) short_row = RecordIssue{source, line, "", message, row_id(row)};
            else issue(line, "", message, row_id(row));
            continue;
        }
        json object = json::object();
        std::vector<Note> notes;
        try {
            for (std::size_t i = 0; i < row.size(); ++i) {
                const std::string& field = fields[i];
                if (field.empty()) continue;
                std::string value(text::trim(row[i]));
                if (value.size() > max_text_bytes)
                    bad(field, "text of " + std::to_string(value.size()) + " bytes exceeds the limit of " + std::to_string(max_text_bytes));
                if (!text::valid_utf8(value)) bad(field, "invalid UTF-8 or NUL byte in text");
                if (list_field(field)) {
                    json items = json::array();
                    for (auto& piece : text::split(value, ';'))
                        for (auto& item : text::split(piece, '\n')) items.push_back(item);
                    object[field] = std::move(items);
                } else if (field == "is_call_for_project") {
                    std::string flag = key_of(value);
                    if (flag == "oui" || flag == "x" || flag == "1" || flag == "true" || flag == "vrai") object[field] = true;
                    else if (flag.empty() || flag == "non" || flag == "0" || flag == "false" || flag == "faux") object[field] = false;
                    else bad(field, "expected \"Oui\" or nothing, got \"" + value + "\"");
                } else if (field == "submission_deadline" || field == "start_date") {
                    if (value.empty()) continue;
                    auto date = french_date(value);
                    if (!date) bad(field, "impossible or malformed date \"" + value + "\" (expected DD/MM/YYYY)");
                    object[field] = *date;
                } else if (field == "subvention_rate_lower_bound" || field == "subvention_rate_upper_bound") {
                    if (value.empty()) continue;
                    std::string digits = value;
                    if (!digits.empty() && digits.back() == '%') digits = std::string(text::trim(digits.substr(0, digits.size() - 1)));
                    if (digits.empty() || digits.size() > 3 || !std::all_of(digits.begin(), digits.end(), ::isdigit))
                        bad(field, "expected a rate in percent, got \"" + value + "\"");
                    object[field] = std::stoi(digits);
                } else if (!value.empty()) {
                    object[field] = value;
                }
            }
            if (object.contains("url")) {
                std::string slug = slug_of_url(object["url"].get<std::string>());
                if (!slug.empty()) object["slug"] = slug;
                if (!object.contains("id")) {
                    if (slug.empty()) bad("id", "no aid slug in the link \"" + object["url"].get<std::string>() + "\"");
                    object["id"] = slug;
                }
            }
            // The export has no perimeter: a department or region backer tells it.
            if (!object.contains("perimeter") && object.contains("financers")) {
                std::optional<std::pair<Scale, std::string>> found;
                std::string from;
                bool agree = true;
                for (const json& backer : object["financers"]) {
                    auto place = perimeter_of_backer(backer.get<std::string>());
                    if (!place) continue;
                    if (found && *found != *place) agree = false;
                    found = place;
                    from = backer.get<std::string>();
                }
                if (found && agree) {
                    object["perimeter"] = std::string(scale_name(found->first)) + ":" + found->second;
                    notes.push_back({"perimeter",
                                     std::string(scale_name(found->first)) + " \"" + found->second + "\" inferred from the financer \"" +
                                         from + "\" (the CSV has no perimeter column)",
                                     "perimeter-inferred"});
                } else if (!found) {
                    for (const json& backer : object["financers"]) {
                        std::string why = area_without_perimeter(backer.get<std::string>());
                        if (why.empty()) continue;
                        notes.push_back({"perimeter",
                                         "perimeter not inferred from the financer \"" + backer.get<std::string>() + "\": " + why +
                                             "; indexed as France",
                                         "perimeter-not-inferred"});
                        break;
                    }
                }
            }
            if (!object.contains("perimeter") && (notes.empty() || notes.back().kind != "perimeter-not-inferred"))
                notes.push_back({"perimeter", "no perimeter: indexed as France", "national-by-default"});
            Aid aid = aid_from_json(object);
            for (auto& note : notes) warn(line, note.field, note.message, note.kind, aid.id);
            on_record(SourcedAid{std::move(aid), source, line});
        } catch (const DataError& e) {
            std::string message = e.what();
            if (auto column = column_of.find(e.field()); column != column_of.end())
                message += " (column \"" + column->second + "\")";
            issue(line, e.field(), message, row_id(row));
        }
    }
    if (short_row && error.empty()) {
        file_issue(short_row->line, "", "the file ends inside a record (cut short?): " + short_row->message);
        --rows;
    }
    if (!error.empty()) {
        if (short_row) on_issue(std::move(*short_row));
        file_issue(line ? line : reader.line(), "", error);
    }
    else if (rows == 0) warn(header_line, "", "CSV header and no record");
}

}  // namespace aides::json_io::at
