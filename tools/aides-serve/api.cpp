#include "api.hpp"

#include <aides/analysis.hpp>
#include <aides/errors.hpp>
#include <aides/vocabulary.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace aides::serve {

namespace {

using json = nlohmann::ordered_json;

Reply json_reply(int status, const json& body, bool cacheable = false) {
    Reply reply;
    reply.status = status;
    reply.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    reply.cacheable = cacheable && status == 200;
    return reply;
}

Reply error_reply(int status, const std::string& message) { return json_reply(status, json{{"error", message}}); }

// Every value of a parameter, in the order given, each bounded. `split`: a value may also
// hold several, comma-separated (themes=a,b), as some Aides-territoires clients send them.
std::vector<std::string> values_of(const Params& params, const std::string& name, const Limits& limits,
                                   bool split = true) {
    std::vector<std::string> out;
    auto [begin, end] = params.equal_range(name);
    for (auto it = begin; it != end; ++it) {
        if (it->second.size() > limits.max_value_bytes)
            throw UsageError("parameter " + name + " is longer than " + std::to_string(limits.max_value_bytes) + " bytes",
                             it->second.substr(0, 40));
        if (!split) {
            out.push_back(it->second);
            continue;
        }
        std::stringstream parts(it->second);
        for (std::string part; std::getline(parts, part, ',');)
            if (!part.empty()) out.push_back(part);
    }
    if (out.size() > limits.max_values)
        throw UsageError("parameter " + name + " has more than " + std::to_string(limits.max_values) + " values", name);
    return out;
}

// The last value of a single-valued parameter; nullopt when absent.
std::optional<std::string> value_of(const Params& params, const std::string& name, const Limits& limits) {
    auto [begin, end] = params.equal_range(name);
    if (begin == end) return std::nullopt;
    std::string value = std::prev(end)->second;
    if (value.size() > limits.max_value_bytes)
        throw UsageError("parameter " + name + " is longer than " + std::to_string(limits.max_value_bytes) + " bytes",
                         value.substr(0, 40));
    return value;
}

bool flag_of(const Params& params, const std::string& name, const Limits& limits) {
    auto value = value_of(params, name, limits);
    if (!value) return false;
    if (*value == "true" || *value == "1" || value->empty()) return true;
    if (*value == "false" || *value == "0") return false;
    throw UsageError("parameter " + name + " expects true or false, got \"" + *value + "\"", *value);
}

int int_of(const Params& params, const std::string& name, int fallback, int low, int high, const Limits& limits) {
    auto value = value_of(params, name, limits);
    if (!value) return fallback;
    bool digits = !value->empty() && value->size() <= 9 && value->find_first_not_of("0123456789") == std::string::npos;
    int number = digits ? std::stoi(*value) : -1;
    if (!digits || number < low || number > high)
        throw UsageError("parameter " + name + " must be a number from " + std::to_string(low) + " to " +
                             std::to_string(high) + ", got \"" + *value + "\"",
                         *value);
    return number;
}

bool valid_slug(const std::string& slug) {
    return !slug.empty() && slug.size() <= 100 &&
           std::all_of(slug.begin(), slug.end(), [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '-'; });
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string percent_encoded(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':') out += static_cast<char>(c);
        else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

// The parameters as a query string, in their order, without `skipped`.
std::string query_string(const Params& params, const std::string& skipped = {}) {
    std::string query;
    for (const auto& [name, value] : params) {
        if (name == skipped) continue;
        query += (query.empty() ? "" : "&") + percent_encoded(name) + "=" + percent_encoded(value);
    }
    return query;
}

// The search's URL at another page: the same parameters, in their order, `page` replaced.
std::string page_url(const std::string& base_url, const Params& params, int page) {
    std::string query = query_string(params, "page");
    query += (query.empty() ? "" : "&") + std::string("page=") + std::to_string(page);
    return base_url + "/api/aids/?" + query;
}

// Text for XML content and attribute values: the five markup characters escaped, and the
// control characters XML 1.0 forbids (records imported from elsewhere may hold them) dropped.
std::string xml_escaped(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
                out += c;
        }
    }
    return out;
}

// Whether `text` is a YYYY-MM-DD that is a real day.
bool valid_day(const std::string& text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (i != 4 && i != 7 && !std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    std::chrono::year_month_day day{std::chrono::year(std::stoi(text.substr(0, 4))),
                                    std::chrono::month(static_cast<unsigned>(std::stoi(text.substr(5, 2)))),
                                    std::chrono::day(static_cast<unsigned>(std::stoi(text.substr(8, 2))))};
    return day.ok();
}

// The day an aid last changed: the later of its publication and update dates (dates or
// date-times, compared by their day), empty when it has neither.
std::string changed_day(const Aid& aid) {
    return std::max(aid.date_published.substr(0, std::min<std::size_t>(10, aid.date_published.size())),
                    aid.date_updated.substr(0, std::min<std::size_t>(10, aid.date_updated.size())));
}

// The first `limit` characters of a description as plain text, cut at a word.
std::string summary_of(const Aid& aid, std::size_t limit = 400) {
    std::string text = Analyzer::strip_html(aid.description.empty() ? aid.name : aid.description);
    std::string out;
    bool space = false;
    for (char c : text) {  // runs of white space as one space
        if (std::isspace(static_cast<unsigned char>(c))) space = !out.empty();
        else {
            if (space) out += ' ';
            space = false;
            out += c;
        }
    }
    if (out.size() <= limit) return out;
    std::size_t cut = out.rfind(' ', limit);
    return out.substr(0, cut == std::string::npos ? limit : cut) + " …";
}

// A programme's name from its slug, as the index keeps programmes by slug only.
std::string programme_label(const std::string& slug) {
    std::string label = slug;
    std::replace(label.begin(), label.end(), '-', ' ');
    if (!label.empty()) label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
    return label;
}

// Vocabulary listing in the Aides-territoires form: [{"id", "name"}].
json vocabulary_json(std::string_view field) {
    json out = json::array();
    for (const auto& entry : vocabulary_entries(field)) {
        json item{{"id", entry.value}, {"name", entry.label}};
        if (!entry.group.empty()) item["group"] = json{{"id", entry.group}, {"name", aid_type_group_label(entry.group)}};
        out.push_back(std::move(item));
    }
    return out;
}

}  // namespace

Portals load_portals(const std::string& dir) {
    Portals portals;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
        std::string slug = entry.path().stem().string();
        if (entry.path().extension() == ".json" && valid_slug(slug) && entry.is_regular_file())
            portals.emplace(slug, std::make_shared<const Portal>(Portal::load(entry.path().string())));
    }
    return portals;
}

SearchRequest search_request(const Params& params, const Portals& portals, const Limits& limits) {
    SearchRequest r;
    // Repeated, joined by spaces as repeated --text flags are (a comma in the text is an OR).
    for (const auto& words : values_of(params, "text", limits, false)) r.text += (r.text.empty() ? "" : " ") + words;
    if (auto commune = value_of(params, "commune", limits)) r.commune = *commune;
    if (auto perimeter = value_of(params, "perimeter", limits)) r.perimeter = *perimeter;
    r.audiences = values_of(params, "targeted_audiences", limits);
    r.themes = values_of(params, "themes", limits);
    r.categories = values_of(params, "categories", limits);
    r.aid_types = values_of(params, "aid_type", limits);
    r.steps = values_of(params, "mobilization_step", limits);
    r.destinations = values_of(params, "destinations", limits);
    r.programs = values_of(params, "programs", limits);
    r.backers = values_of(params, "backers", limits, false);
    r.recurrences = values_of(params, "recurrence", limits);
    r.call_for_projects = flag_of(params, "call_for_projects_only", limits);
    if (params.count("is_charged")) r.is_charged = flag_of(params, "is_charged", limits);
    if (auto date = value_of(params, "apply_before", limits)) r.apply_before = *date;
    if (auto date = value_of(params, "published_after", limits)) r.published_after = *date;
    if (auto date = value_of(params, "today", limits)) r.today = *date;
    r.include_expired = flag_of(params, "include_expired", limits);
    if (auto order = value_of(params, "order_by", limits)) {
        if (*order == "relevance") r.order = Order::relevance;
        else if (*order == "submission_deadline" || *order == "deadline") r.order = Order::deadline;
        else if (*order == "publication_date" || *order == "published") r.order = Order::published;
        else
            throw UsageError("unknown order_by \"" + *order + "\" (expected relevance, submission_deadline or publication_date)",
                             *order);
    }
    r.page = int_of(params, "page", 1, 1, limits.max_page, limits);
    r.size = int_of(params, "size", 20, 1, static_cast<int>(limits.max_size), limits);
    r.facets = flag_of(params, "facets", limits);
    r.explain = flag_of(params, "explain", limits);
    if (params.count("snippets")) r.snippets = flag_of(params, "snippets", limits);
    r.strict = flag_of(params, "strict", limits);
    if (auto executor = value_of(params, "executor", limits)) {
        auto execution = parse_execution(*executor);
        if (!execution) throw UsageError("unknown executor \"" + *executor + "\" (expected auto, xapian or memory)", *executor);
        r.execution = *execution;
    }
    if (auto like = value_of(params, "like", limits)) r.like = *like;
    if (auto slug = value_of(params, "portal", limits)) {
        auto portal = portals.find(*slug);
        if (portal == portals.end()) throw UsageError("unknown portal \"" + *slug + "\"", *slug);
        r.portal = portal->second;
    }
    return r;
}

std::string status_json(const IndexStatus& status, std::int64_t now) {
    return json{{"revision", status.revision},
                {"age_seconds", std::max<std::int64_t>(0, now - status.committed_at)},
                {"aids", status.aids}}
        .dump();
}

Api::Api(const std::string& db, std::string portals_dir, Limits limits)
    : searcher_(db), perimeter_finder_(searcher_.geography()), portals_dir_(std::move(portals_dir)),
      portals_(load_portals(portals_dir_)), limits_(limits) {}

Reply Api::handle(const std::string& path, const Params& params, const std::string& base_url) const {
    try {
        return route(path, params, base_url);
    } catch (const UsageError& e) {
        return error_reply(400, e.what());
    } catch (const IndexError& e) {
        return error_reply(503, e.what());
    } catch (const std::exception& e) {
        return error_reply(500, e.what());
    }
}

Reply Api::route(const std::string& path, const Params& params, const std::string& base_url) const {
    // Paths end with a slash, as Aides-territoires' do; the bare form is accepted too.
    std::string p = path.size() > 1 && path.back() != '/' ? path + "/" : path;
    auto tail = [&](const std::string& prefix) -> std::optional<std::string> {
        if (p.rfind(prefix, 0) != 0 || p.size() <= prefix.size() + 1) return std::nullopt;
        std::string rest = p.substr(prefix.size(), p.size() - prefix.size() - 1);
        if (rest.find('/') != std::string::npos) return std::nullopt;
        return rest;
    };
    if (p == "/api/aids/") return search(params, base_url);
    if (p == "/api/aids/feed/") return feed(params, base_url);
    if (p == "/api/aids/audiences/") return json_reply(200, vocabulary_json("targeted_audiences"), true);
    if (p == "/api/aids/types/") return json_reply(200, vocabulary_json("aid_types"), true);
    if (p == "/api/aids/steps/") return json_reply(200, vocabulary_json("mobilization_steps"), true);
    if (p == "/api/aids/destinations/") return json_reply(200, vocabulary_json("destinations"), true);
    if (auto id = tail("/api/aids/")) return aid(*id);
    if (auto code = tail("/api/communes/")) return commune(*code);
    if (p == "/api/perimeters/") return perimeters(params);
    if (p == "/api/themes/") {
        json out = json::array();
        for (const auto& theme : searcher_.themes()) {
            json categories = json::array();
            for (const auto& c : theme.categories) categories.push_back({{"id", c.value}, {"name", c.label}});
            out.push_back({{"id", theme.slug}, {"name", theme.name}, {"categories", std::move(categories)}});
        }
        return json_reply(200, out, true);
    }
    if (p == "/api/programs/") return programs();
    if (p == "/api/backers/") return backers(params);
    if (p == "/api/portals/") return portals();
    if (auto slug = tail("/api/portals/")) return portal(*slug);
    if (p == "/api/status/") {
        auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        Reply reply;
        reply.body = status_json(searcher_.status(), now);
        return reply;
    }
    if (p == "/api/schema/") {
        Reply reply;
        reply.body = openapi_document();
        reply.content_type = "application/json";  // compressible; the OpenAPI type is not, for the library
        reply.cacheable = true;
        return reply;
    }
    return error_reply(404, "no such path: " + path);
}

Reply Api::search(const Params& params, const std::string& base_url) const {
    SearchRequest request = search_request(params, portals_, limits_);
    SearchResponse response = searcher_.search(request);
    // The library's JSON of `aides-search --format json`, with the page links after its count,
    // inserted in place: parsing and printing the page again was a fifth of the server's time.
    Reply reply;
    reply.body = to_json(response);
    constexpr std::string_view lead = "{\"count\":";
    std::size_t count_end = reply.body.find(',');
    if (reply.body.compare(0, lead.size(), lead) != 0 || count_end == std::string::npos)
        throw std::logic_error("the library's JSON does not open with its count");
    bool more = static_cast<std::size_t>(request.page) * static_cast<std::size_t>(request.size) < response.count;
    json next = more ? json(page_url(base_url, params, request.page + 1)) : json(nullptr);
    json previous = request.page > 1 ? json(page_url(base_url, params, request.page - 1)) : json(nullptr);
    auto text = [](const json& value) { return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); };
    reply.body.insert(count_end, ",\"next\":" + text(next) + ",\"previous\":" + text(previous));
    reply.cacheable = true;
    return reply;
}

Reply Api::feed(const Params& params, const std::string& base_url) const {
    auto since = value_of(params, "since", limits_);
    if (!since) throw UsageError("parameter since is required (YYYY-MM-DD)", "since");
    if (!valid_day(*since)) throw UsageError("parameter since expects a date YYYY-MM-DD, got \"" + *since + "\"", *since);
    int entries_wanted = int_of(params, "size", static_cast<int>(limits_.max_size), 1, static_cast<int>(limits_.max_size), limits_);
    SearchRequest request = search_request(params, portals_, limits_);
    // Newest publications first; the aids of the search are read by pages of 1000, at most
    // `max_feed_pages` of them, and kept when published or updated since the date.
    constexpr int max_feed_pages = 10;
    request.order = Order::published;
    request.size = 1000;
    request.snippets = false;
    request.facets = false;
    request.explain = false;
    std::vector<Aid> changed;
    for (int page = 1; page <= max_feed_pages; ++page) {
        request.page = page;
        SearchResponse response = searcher_.search(request);
        for (auto& hit : response.results)
            if (!changed_day(hit.aid).empty() && changed_day(hit.aid) >= *since) changed.push_back(std::move(hit.aid));
        if (static_cast<std::size_t>(page) * 1000 >= response.count) break;
    }
    std::stable_sort(changed.begin(), changed.end(), [](const Aid& a, const Aid& b) {
        std::string day_a = changed_day(a), day_b = changed_day(b);
        return day_a != day_b ? day_a > day_b : a.id < b.id;
    });
    if (changed.size() > static_cast<std::size_t>(entries_wanted)) changed.resize(static_cast<std::size_t>(entries_wanted));

    // Tag URIs (RFC 4151): the same search, or the same aid, keeps its id from feed to feed.
    const std::string tag = "tag:aides-serve,2026:";
    std::string query = query_string(params);
    std::string self = base_url + "/api/aids/feed/?" + query;
    std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
    xml += "  <id>" + xml_escaped(tag + "feed/?" + query) + "</id>\n";
    xml += "  <title>" + xml_escaped("Aides publiées ou mises à jour depuis le " + *since) + "</title>\n";
    xml += "  <updated>" + (changed.empty() ? *since : changed_day(changed.front())) + "T00:00:00Z</updated>\n";
    xml += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"" + xml_escaped(self) + "\"/>\n";
    xml += "  <author><name>aides-serve</name></author>\n";
    for (const Aid& aid : changed) {
        bool web_page = aid.url.rfind("https://", 0) == 0 || aid.url.rfind("http://", 0) == 0;
        std::string link = web_page ? aid.url : base_url + "/api/aids/" + percent_encoded(aid.id) + "/";
        xml += "  <entry>\n";
        xml += "    <id>" + xml_escaped(tag + "aid/" + percent_encoded(aid.id)) + "</id>\n";
        xml += "    <title>" + xml_escaped(aid.name) + "</title>\n";
        xml += "    <updated>" + changed_day(aid) + "T00:00:00Z</updated>\n";
        if (!aid.date_published.empty())
            xml += "    <published>" + aid.date_published.substr(0, 10) + "T00:00:00Z</published>\n";
        xml += "    <link rel=\"alternate\" href=\"" + xml_escaped(link) + "\"/>\n";
        xml += "    <summary type=\"text\">" + xml_escaped(summary_of(aid)) + "</summary>\n";
        xml += "  </entry>\n";
    }
    xml += "</feed>\n";
    Reply reply;
    reply.body = std::move(xml);
    reply.content_type = "application/atom+xml; charset=utf-8";
    reply.cacheable = true;
    return reply;
}

Reply Api::aid(const std::string& id_or_slug) const {
    std::optional<Aid> found = searcher_.find(id_or_slug);
    if (!found) return error_reply(404, "unknown aid \"" + id_or_slug + "\"");
    json record = json::parse(to_json(*found));
    json out;
    for (auto& [key, value] : record.items()) {
        out[key] = value;
        if (key == "perimeter") {
            auto perimeter = Perimeter::parse(found->perimeter);
            out["perimeter_name"] = perimeter ? searcher_.geography().name_of(*perimeter) : found->perimeter;
        }
    }
    return json_reply(200, out, true);
}

Reply Api::commune(const std::string& code) const {
    try {
        return json_reply(200, json::parse(to_json(searcher_.profile(code))), true);
    } catch (const UsageError& e) {
        // Ambiguous names are the caller's to fix (400); unknown communes are not found (404).
        return error_reply(searcher_.geography().find_communes(code).size() > 1 ? 400 : 404, e.what());
    }
}

Reply Api::perimeters(const Params& params) const {
    std::string q = value_of(params, "q", limits_).value_or("");
    int size = int_of(params, "size", 10, 1, static_cast<int>(limits_.max_size), limits_);
    json out = json::array();
    for (const auto& s : perimeter_finder_.find(q, static_cast<std::size_t>(size))) {
        json item{{"id", s.id}, {"name", s.name}, {"scale", s.scale}, {"zipcodes", s.zipcodes}};
        if (!s.department.empty()) item["department"] = s.department;
        if (s.population > 0) item["population"] = s.population;
        out.push_back(std::move(item));
    }
    return json_reply(200, out, true);
}

namespace {
// Facet counts over every published aid, expired ones included: what the index offers.
std::map<std::string, std::size_t> catalogue_facet(const Searcher& searcher, const std::string& facet) {
    SearchRequest request;
    request.include_expired = true;
    request.facets = true;
    request.size = 1;
    request.snippets = false;
    SearchResponse response = searcher.search(request);
    if (!response.facets) return {};
    auto found = response.facets->find(facet);
    return found == response.facets->end() ? std::map<std::string, std::size_t>{} : found->second;
}

json counted_list(const std::map<std::string, std::size_t>& counts, const std::function<std::string(const std::string&)>& name_of) {
    std::vector<std::pair<std::string, std::size_t>> sorted(counts.begin(), counts.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    json out = json::array();
    for (const auto& [id, count] : sorted) out.push_back({{"id", id}, {"name", name_of(id)}, {"count", count}});
    return out;
}
}  // namespace

Reply Api::programs() const {
    return json_reply(200, counted_list(catalogue_facet(searcher_, "programs"), programme_label), true);
}

Reply Api::backers(const Params& params) const {
    thread_local Analyzer analyzer;
    std::string q = analyzer.fold(value_of(params, "q", limits_).value_or(""));
    int size = int_of(params, "size", 20, 1, static_cast<int>(limits_.max_size), limits_);
    std::map<std::string, std::size_t> matching;
    for (const auto& [name, count] : catalogue_facet(searcher_, "backers"))
        if (q.empty() || analyzer.fold(name).find(q) != std::string::npos) matching.emplace(name, count);
    json all = counted_list(matching, [](const std::string& name) { return name; });
    json out = json::array();
    for (std::size_t i = 0; i < all.size() && i < static_cast<std::size_t>(size); ++i) out.push_back(all[i]);
    return json_reply(200, out, true);
}

Reply Api::portals() const {
    std::vector<std::string> slugs;
    for (const auto& [slug, portal] : portals_) slugs.push_back(slug);
    // The Petites villes de demain portal first: the seed of the project.
    std::sort(slugs.begin(), slugs.end(), [](const std::string& a, const std::string& b) {
        bool pa = a == "petites-villes-de-demain", pb = b == "petites-villes-de-demain";
        return pa != pb ? pa : a < b;
    });
    json out = json::array();
    for (const auto& slug : slugs) {
        const Portal& portal = *portals_.at(slug);
        out.push_back({{"slug", slug}, {"name", portal.name.empty() ? slug : portal.name}});
    }
    return json_reply(200, out, true);
}

Reply Api::portal(const std::string& slug) const {
    if (!portals_.count(slug)) return error_reply(404, "unknown portal \"" + slug + "\"");
    // The file as written (members the engine does not read included), for the page to show.
    json portal = json::parse(read_text(portals_dir_ + "/" + slug + ".json"), nullptr, false);
    if (!portal.is_object()) return error_reply(500, "portal " + slug + ": not a JSON object");
    json out{{"slug", slug}};
    for (auto& [key, value] : portal.items()) out[key] = value;
    return json_reply(200, out, true);
}

}  // namespace aides::serve
