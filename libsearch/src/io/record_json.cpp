#include "io/record_json.hpp"

#include <aides/errors.hpp>

#include "analysis/text_utils.hpp"
#include "io/json_writer.hpp"
#include "model/dates.hpp"
#include "model/vocabulary.hpp"

namespace aides {
namespace json_io {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& field, const std::string& message) {
    throw DataError(message, {}, 0, field);
}

std::string type_name(const json& value) { return value.type_name(); }

std::string show(const json& value) {
    std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    return text;
}

const json* member(const json& object, const char* field) {
    auto it = object.find(field);
    if (it == object.end() || it->is_null()) return nullptr;
    return &*it;
}

std::string checked_text(const json& value, const std::string& field) {
    if (!value.is_string()) bad(field, "expected a string, got " + type_name(value) + " " + show(value));
    const auto& text = value.get_ref<const std::string&>();
    if (text.size() > max_text_bytes)
        bad(field, "text of " + std::to_string(text.size()) + " bytes exceeds the limit of " +
                       std::to_string(max_text_bytes));
    if (!text::valid_utf8(text)) bad(field, "invalid UTF-8 or NUL byte in text");
    return text;
}

std::string text_field(const json& object, const char* field) {
    const json* value = member(object, field);
    return value ? checked_text(*value, field) : std::string();
}

std::string id_value(const json& value, const std::string& field) {
    if (value.is_number_integer()) return std::to_string(value.get<long long>());
    if (value.is_string()) {
        std::string id(text::trim(checked_text(value, field)));
        if (id.empty()) bad(field, "empty id");
        if (id.size() > 200) bad(field, "id longer than 200 bytes");
        return id;
    }
    bad(field, "expected a string or an integer, got " + type_name(value) + " " + show(value));
}

std::vector<std::string> list_field(const json& object, const char* field) {
    const json* value = member(object, field);
    if (!value) return {};
    if (!value->is_array()) bad(field, "expected an array, got " + type_name(*value) + " " + show(*value));
    if (value->size() > max_array_items)
        bad(field, "array of " + std::to_string(value->size()) + " items exceeds the limit of " +
                       std::to_string(max_array_items));
    std::vector<std::string> out;
    for (const json& item : *value) {
        std::string text(text::trim(checked_text(item, field)));
        if (!text.empty() && std::find(out.begin(), out.end(), text) == out.end()) out.push_back(text);
    }
    return out;
}

std::vector<std::string> enum_list(const json& object, vocabulary::Kind kind) {
    std::string field(vocabulary::field_name(kind));
    std::vector<std::string> out;
    for (const std::string& item : list_field(object, field.c_str())) {
        auto machine = vocabulary::normalize(kind, item);
        if (!machine) bad(field, "unknown value " + show(item));
        if (std::find(out.begin(), out.end(), *machine) == out.end()) out.push_back(*machine);
    }
    return out;
}

bool bool_field(const json& object, const char* field) {
    const json* value = member(object, field);
    if (!value) return false;
    if (!value->is_boolean()) bad(field, "expected a boolean, got " + type_name(*value) + " " + show(*value));
    return value->get<bool>();
}

std::optional<std::string> date_field(const json& object, const char* field) {
    const json* value = member(object, field);
    if (!value) return std::nullopt;
    std::string text(text::trim(checked_text(*value, field)));
    if (text.empty()) return std::nullopt;
    // Date-times are accepted for dates; only the day counts.
    auto day = dates::date_part(text);
    if (!day) bad(field, "impossible or malformed date " + show(text) + " (expected YYYY-MM-DD)");
    return day;
}

std::optional<long long> integer_field(const json& object, const char* field, long long low, long long high) {
    const json* value = member(object, field);
    if (!value) return std::nullopt;
    long long number = 0;
    if (value->is_number_integer()) {
        number = value->get<long long>();
    } else if (value->is_number_float() && value->get<double>() == static_cast<double>(static_cast<long long>(value->get<double>()))) {
        number = static_cast<long long>(value->get<double>());
    } else {
        bad(field, "expected an integer, got " + type_name(*value) + " " + show(*value));
    }
    if (number < low || number > high)
        bad(field, "value " + std::to_string(number) + " out of range " + std::to_string(low) + ".." +
                       std::to_string(high));
    return number;
}

}  // namespace

Aid aid_from_json(const json& object) {
    if (!object.is_object()) bad("", "expected a JSON object, got " + type_name(object));
    Aid aid;
    const json* id = member(object, "id");
    if (!id) bad("id", "missing required field");
    aid.id = id_value(*id, "id");
    aid.name = std::string(text::trim(text_field(object, "name")));
    if (aid.name.empty()) bad("name", "missing required field");
    aid.slug = text_field(object, "slug");
    aid.url = text_field(object, "url");
    aid.name_initial = text_field(object, "name_initial");
    aid.short_title = text_field(object, "short_title");
    aid.description = text_field(object, "description");
    aid.eligibility = text_field(object, "eligibility");
    aid.project_examples = text_field(object, "project_examples");
    aid.financers = list_field(object, "financers");
    aid.instructors = list_field(object, "instructors");
    aid.programs = list_field(object, "programs");
    aid.categories = list_field(object, "categories");
    aid.targeted_audiences = enum_list(object, vocabulary::Kind::audience);
    aid.aid_types = enum_list(object, vocabulary::Kind::aid_type);
    aid.mobilization_steps = enum_list(object, vocabulary::Kind::step);
    aid.destinations = enum_list(object, vocabulary::Kind::destination);
    if (const json* value = member(object, "recurrence")) {
        std::string text = checked_text(*value, "recurrence");
        auto machine = vocabulary::normalize(vocabulary::Kind::recurrence, text);
        if (!machine && !text::trim(text).empty()) bad("recurrence", "unknown value " + show(text));
        aid.recurrence = machine.value_or("");
    }
    aid.is_call_for_project = bool_field(object, "is_call_for_project");
    aid.is_charged = bool_field(object, "is_charged");

    std::string perimeter(text::trim(text_field(object, "perimeter")));
    std::string scale(text::trim(text_field(object, "perimeter_scale")));
    if (!perimeter.empty()) {
        // A name with its scale ("Finistère" + "Département") is resolved against the geography
        // when indexed; carry it as SCALE-LABEL:NAME until then.
        aid.perimeter = (perimeter.find(':') == std::string::npos && !scale.empty())
                            ? scale + ":" + perimeter
                            : perimeter;
    }

    aid.start_date = date_field(object, "start_date");
    aid.predeposit_date = date_field(object, "predeposit_date");
    aid.submission_deadline = date_field(object, "submission_deadline");
    if (auto low = integer_field(object, "subvention_rate_lower_bound", 0, 100)) aid.subvention_rate_lower_bound = static_cast<int>(*low);
    if (auto high = integer_field(object, "subvention_rate_upper_bound", 0, 100)) aid.subvention_rate_upper_bound = static_cast<int>(*high);
    if (aid.subvention_rate_lower_bound && aid.subvention_rate_upper_bound &&
        *aid.subvention_rate_lower_bound > *aid.subvention_rate_upper_bound)
        bad("subvention_rate_lower_bound", "lower bound " + std::to_string(*aid.subvention_rate_lower_bound) +
                                               " above upper bound " + std::to_string(*aid.subvention_rate_upper_bound));
    constexpr long long max_amount = 1'000'000'000'000LL;
    aid.loan_amount = integer_field(object, "loan_amount", 0, max_amount);
    aid.recoverable_advance_amount = integer_field(object, "recoverable_advance_amount", 0, max_amount);
    for (const char* field : {"date_published", "date_updated"}) {
        std::string text(text::trim(text_field(object, field)));
        if (!text.empty() && !dates::date_part(text))
            bad(field, "impossible or malformed date " + show(text));
        (std::string_view(field) == "date_published" ? aid.date_published : aid.date_updated) = text;
    }
    if (const json* value = member(object, "status")) {
        std::string text = checked_text(*value, "status");
        auto machine = vocabulary::normalize(vocabulary::Kind::status, text);
        if (!machine) bad("status", "unknown value " + show(text));
        aid.status = *machine;
    }
    if (const json* value = member(object, "generic_aid")) {
        // The API gives either an id or an object with one.
        if (value->is_object()) {
            if (const json* inner = member(*value, "id")) aid.generic_aid = id_value(*inner, "generic_aid");
        } else {
            aid.generic_aid = id_value(*value, "generic_aid");
        }
        if (aid.generic_aid && *aid.generic_aid == aid.id) bad("generic_aid", "an aid cannot be its own generic aid");
    }
    return aid;
}

void write_aid_members(JsonWriter& out, const Aid& aid, AidMembers which) {
    const bool leading = which == AidMembers::all;
    auto text = [&](const char* field, const std::string& value) {
        if (!value.empty()) out.key(field).string(value);
    };
    auto list = [&](const char* field, const std::vector<std::string>& value) {
        if (!value.empty()) out.key(field).strings(value);
    };
    auto optional_integer = [&](const char* field, const auto& value) {
        if (value) out.key(field).integer(*value);
    };
    if (leading) out.key("id").string(aid.id);
    if (leading) text("slug", aid.slug);
    text("url", aid.url);
    if (leading) out.key("name").string(aid.name);
    text("name_initial", aid.name_initial);
    text("short_title", aid.short_title);
    text("description", aid.description);
    text("eligibility", aid.eligibility);
    text("project_examples", aid.project_examples);
    list("financers", aid.financers);
    list("instructors", aid.instructors);
    list("programs", aid.programs);
    list("categories", aid.categories);
    list("targeted_audiences", aid.targeted_audiences);
    list("aid_types", aid.aid_types);
    list("mobilization_steps", aid.mobilization_steps);
    list("destinations", aid.destinations);
    text("recurrence", aid.recurrence);
    out.key("is_call_for_project").boolean(aid.is_call_for_project);
    out.key("is_charged").boolean(aid.is_charged);
    if (leading) out.key("perimeter").string(aid.perimeter);
    if (aid.start_date) out.key("start_date").string(*aid.start_date);
    if (aid.predeposit_date) out.key("predeposit_date").string(*aid.predeposit_date);
    if (leading) {
        out.key("submission_deadline");
        if (aid.submission_deadline) out.string(*aid.submission_deadline);
        else out.null();
    }
    optional_integer("subvention_rate_lower_bound", aid.subvention_rate_lower_bound);
    optional_integer("subvention_rate_upper_bound", aid.subvention_rate_upper_bound);
    optional_integer("loan_amount", aid.loan_amount);
    optional_integer("recoverable_advance_amount", aid.recoverable_advance_amount);
    text("date_published", aid.date_published);
    text("date_updated", aid.date_updated);
    out.key("status").string(aid.status);
    if (aid.generic_aid) out.key("generic_aid").string(*aid.generic_aid);
}

}  // namespace json_io

std::string to_json(const Aid& aid) {
    std::string out;
    json_io::JsonWriter writer(out);
    writer.begin_object();
    json_io::write_aid_members(writer, aid);
    writer.end_object();
    return out;
}

Aid parse_aid(std::string_view json_object) {
    nlohmann::json object;
    try {
        object = nlohmann::json::parse(json_object);
    } catch (const nlohmann::json::exception& e) {
        throw DataError(std::string("malformed JSON: ") + e.what());
    }
    return json_io::aid_from_json(object);
}

}  // namespace aides
