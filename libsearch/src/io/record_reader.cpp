#include "io/record_reader.hpp"

#include <aides/errors.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <iterator>
#include <sstream>

#include "analysis/text_utils.hpp"
#include "io/at_import.hpp"
#include "io/record_json.hpp"

namespace aides {
namespace json_io {
namespace {

using nlohmann::json;

// `text` with control characters and bytes that are not UTF-8 written as \xHH, cut to about
// `limit` bytes: messages stay on one printable line whatever the input held.
std::string printable(std::string_view text, std::size_t limit) {
    std::string out;
    out.reserve(std::min(text.size(), limit) + 4);
    auto hex = [&](unsigned char c) {
        static const char digits[] = "0123456789abcdef";
        out += "\\x";
        out += digits[c >> 4];
        out += digits[c & 15];
    };
    for (std::size_t i = 0; i < text.size();) {
        if (out.size() >= limit) {
            out += "...";
            break;
        }
        auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f) {
                hex(c);
                ++i;
                continue;
            }
            // A run of plain ASCII in one append (messages are mostly that).
            std::size_t end = i + 1;
            while (end < text.size() && end - i < limit - out.size()) {
                auto d = static_cast<unsigned char>(text[end]);
                if (d < 0x20 || d >= 0x7f) break;
                ++end;
            }
            out.append(text.substr(i, end - i));
            i = end;
            continue;
        }
        std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        bool ok = n > 0 && i + n <= text.size() && text::valid_utf8(text.substr(i, n));
        if (ok) {
            out.append(text.substr(i, n));
            i += n;
        } else {
            hex(c);
            ++i;
        }
    }
    return out;
}

// One element of a JSON array found by scanning: where it starts, and on which line.
struct Element {
    std::size_t begin = 0;
    std::size_t line = 0;
};

// Where a JSON text first nests deeper than `limit` (strings skipped), if it does; checked
// before parsing, so that the parser's recursion stays bounded.
std::optional<std::size_t> too_deep(std::string_view text, int limit) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > limit) return i;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return std::nullopt;
}

// The member of the record that holds byte `offset` of a JSON text (JSON Lines record, array
// of records or API page), so that a syntax error names its field too; empty when the
// offset is not inside a member's value.
std::string field_at(std::string_view text, std::size_t offset) {
    std::vector<char> open;        // '{' or '[' of each enclosing level
    std::vector<std::string> key;  // the last key read at each level
    bool in_string = false, string_is_key = false, expect_key = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < std::min(offset, text.size()); ++i) {
        char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') {
                in_string = false;
                if (string_is_key && !key.empty()) key.back() = std::string(text.substr(start, i - start));
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
            string_is_key = expect_key;
            expect_key = false;
            start = i + 1;
        } else if (c == '{' || c == '[') {
            open.push_back(c);
            key.emplace_back();
            expect_key = c == '{';
        } else if (c == '}' || c == ']') {
            if (!open.empty()) {
                open.pop_back();
                key.pop_back();
            }
            expect_key = false;
        } else if (c == ',') {
            expect_key = !open.empty() && open.back() == '{';
        }
    }
    // The record object: level 0 in JSON Lines, 1 in an array, 2 in the results of an API page.
    std::size_t record = 0;
    if (!open.empty() && open[0] == '[') record = 1;
    else if (open.size() > 1 && open[0] == '{' && key[0] == "results" && open[1] == '[') record = 2;
    if (open.size() <= record || open[record] != '{') return {};
    if (open.size() == record + 1 && (expect_key || (in_string && string_is_key))) return {};
    return key[record];
}

std::size_t line_at(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// Start lines of the elements of the array holding the records: the top-level array, or the
// array under the top-level key `key` (`results` of an API page). Assumes valid JSON.
std::vector<std::size_t> element_lines(std::string_view text, const std::string& key) {
    std::vector<std::size_t> lines;
    int depth = 0;
    int record_depth = -1;  // depth of the elements of the records array
    bool in_string = false, expect_value = false;
    std::size_t line = 1, string_start = 0;
    std::string last_key;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\n') ++line;
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') {
                in_string = false;
                if (depth == 1) last_key = std::string(text.substr(string_start, i - string_start));
            }
            continue;
        }
        bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
        if (space) continue;
        if (expect_value && depth == record_depth && c != ']') {
            lines.push_back(line);
            expect_value = false;
        }
        if (c == '"') {
            in_string = true;
            string_start = i + 1;
        } else if (c == '[' || c == '{') {
            ++depth;
            if (c == '[' && ((depth == 1 && key.empty()) || (depth == 2 && !key.empty() && last_key == key))) {
                if (record_depth < 0) {
                    record_depth = depth;
                    expect_value = true;
                }
            }
        } else if (c == ']' || c == '}') {
            --depth;
        } else if (c == ',' && depth == record_depth) {
            expect_value = true;
        }
    }
    return lines;
}

RecordIssue issue(const std::string& source, std::size_t line, std::string field, std::string message, std::string id = {}) {
    return RecordIssue{source, line, std::move(field), std::move(message), std::move(id)};
}

RecordIssue file_issue(const std::string& source, std::size_t line, std::string field, std::string message) {
    RecordIssue found{source, line, std::move(field), std::move(message)};
    found.whole_file = true;
    return found;
}

// The id of a parsed record, as the canonical reader would read it ("" when absent or of
// another type).
std::string id_of(const json& object) {
    if (!object.is_object()) return {};
    auto it = object.find("id");
    if (it == object.end()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_integer()) return std::to_string(it->get<long long>());
    return {};
}

}  // namespace

std::string recover_id(std::string_view text) {
    // The first key "id" of the outermost object, read without a parser: the record may be
    // malformed anywhere (cut short, Latin-1, a stray comma) and still say which aid it is.
    int depth = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '{' || c == '[') ++depth;
        else if (c == '}' || c == ']') --depth;
        if (c != '"') continue;
        std::size_t close = i + 1;
        while (close < text.size() && text[close] != '"') close += text[close] == '\\' ? 2 : 1;
        if (close >= text.size()) return {};
        bool key_id = depth == 1 && text.substr(i + 1, close - i - 1) == "id";
        i = close;
        if (!key_id) continue;
        std::size_t at = text.find_first_not_of(" \t\r\n", close + 1);
        if (at == std::string_view::npos || text[at] != ':') continue;
        at = text.find_first_not_of(" \t\r\n", at + 1);
        if (at == std::string_view::npos) return {};
        if (text[at] == '"') {
            std::size_t end = text.find('"', at + 1);
            if (end == std::string_view::npos) return {};
            std::string_view id = text.substr(at + 1, end - at - 1);
            // Escapes would need a parser: such an id is not trusted.
            if (id.empty() || id.find('\\') != std::string_view::npos || !text::valid_utf8(id)) return {};
            return std::string(text::trim(id));
        }
        std::size_t end = at;
        while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
        if (end == at || (end < text.size() && text[end] != ',' && text[end] != '}' && text[end] != ' ')) return {};
        return std::string(text.substr(at, end - at));
    }
    return {};
}

namespace {

// How records are read: as canonical records, as Aides-territoires API records, or each as
// what it looks like.
enum class Shape { canonical, api, detect };

struct Sinks {
    const std::string& source;
    const RecordSink& on_record;
    const IssueSink& on_issue;
    const IssueSink& on_warning;
};

void emit(const json& object, std::size_t line, Shape shape, const Sinks& sinks) {
    try {
        bool api = shape == Shape::api || (shape == Shape::detect && at::looks_like_api_record(object));
        std::vector<at::Note> notes;
        Aid aid = api ? at::aid_from_api(object, notes) : aid_from_json(object);
        if (auto given = object.find("perimeter"); object.is_object() && (given == object.end() || given->is_null() ||
                                                                          (given->is_string() && given->get<std::string>().empty())))
            notes.push_back({"perimeter", "no perimeter: indexed as France", "national-by-default"});
        if (sinks.on_warning)
            for (auto& note : notes) {
                RecordIssue warning = issue(sinks.source, line, std::move(note.field), std::move(note.message), aid.id);
                warning.kind = std::move(note.kind);
                sinks.on_warning(std::move(warning));
            }
        sinks.on_record(SourcedAid{std::move(aid), sinks.source, line});
    } catch (const DataError& e) {
        std::string message = e.what();
        if ((e.field() == "id" || e.field() == "name") && message.find("missing") != std::string::npos) {
            if (std::string hint = at::foreign_hint(object); !hint.empty()) message += " (" + hint + ")";
        }
        sinks.on_issue(issue(sinks.source, line, e.field(), std::move(message), id_of(object)));
    } catch (const json::exception& e) {
        // A shape the converters did not foresee: reported like a bad record, never thrown.
        sinks.on_issue(issue(sinks.source, line, "", "unexpected value: " + printable(e.what(), 300), id_of(object)));
    }
}

std::string parse_message(const json::exception& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..." -> tail
    if (auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    // The parser quotes what it last read, raw: keep the message printable.
    return "malformed JSON: " + printable(what, 300);
}

// `first_unterminated`: the first line ended the input without a newline.
void read_lines(std::istream& in, const Sinks& sinks, Shape shape, std::string first_line, std::size_t first_line_number,
                bool first_unterminated) {
    const std::string& source = sinks.source;
    const IssueSink& on_issue = sinks.on_issue;
    std::string line = std::move(first_line);
    std::size_t number = first_line_number;
    bool unterminated = first_unterminated;
    // A malformed line is reported once the next line is read: the last line of a file that
    // ends inside a record means the file was cut short, which no record-level skip may hide.
    std::optional<RecordIssue> malformed;
    bool malformed_at_end = false;  // its parser ran out of input: the record is cut
    do {
        std::string_view body = line;
        while (!body.empty() && (body.back() == '\r' || body.back() == ' ' || body.back() == '\t')) body.remove_suffix(1);
        while (!body.empty() && (body.front() == ' ' || body.front() == '\t')) body.remove_prefix(1);
        if (!body.empty()) {
            if (malformed) on_issue(std::move(*malformed));
            malformed.reset();
            if (body.size() > max_record_bytes) {
                on_issue(issue(source, number, "", "record of " + std::to_string(body.size()) + " bytes exceeds the limit of " + std::to_string(max_record_bytes),
                               recover_id(body)));
            } else if (auto deep = too_deep(body, max_depth)) {
                on_issue(issue(source, number, field_at(body, *deep), "JSON nested deeper than " + std::to_string(max_depth) + " levels",
                               recover_id(body)));
            } else {
                try {
                    emit(json::parse(body), number, shape, sinks);
                } catch (const json::parse_error& e) {
                    malformed = issue(source, number, field_at(body, e.byte > 0 ? e.byte - 1 : 0), parse_message(e), recover_id(body));
                    malformed_at_end = e.byte >= body.size();
                } catch (const json::exception& e) {
                    malformed = issue(source, number, "", parse_message(e), recover_id(body));
                    malformed_at_end = false;
                }
            }
        }
        ++number;
        if (!std::getline(in, line)) break;
        unterminated = in.eof();
    } while (true);
    if (in.bad()) {
        on_issue(file_issue(source, number, "", "read error: " + std::string(std::strerror(errno))));
    } else if (malformed && unterminated && malformed_at_end) {
        on_issue(file_issue(source, malformed->line, malformed->field,
                            "the file ends inside a record (cut short?): " + malformed->message));
    } else if (malformed) {
        on_issue(std::move(*malformed));
    }
}

void read_document(const std::string& text, const Sinks& sinks, InputFormat format) {
    const std::string& source = sinks.source;
    const IssueSink& on_issue = sinks.on_issue;
    if (auto deep = too_deep(text, max_depth + 2)) {
        on_issue(file_issue(source, line_at(text, *deep), field_at(text, *deep),
                            "JSON nested deeper than " + std::to_string(max_depth) + " levels"));
        return;
    }
    json document;
    try {
        document = json::parse(text);
    } catch (const json::parse_error& e) {
        std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
        on_issue(file_issue(source, line_at(text, at), field_at(text, at), parse_message(e)));
        return;
    } catch (const json::exception& e) {
        on_issue(file_issue(source, 1, "", parse_message(e)));
        return;
    }
    // Canonical JSON is strict; Aides-territoires data (asked for, or an API page met in
    // automatic mode) goes through the importer.
    Shape shape = format == InputFormat::at_api ? Shape::api : format == InputFormat::automatic ? Shape::detect : Shape::canonical;
    const json* records = nullptr;
    std::string key;
    if (document.is_array()) {
        records = &document;
    } else if (document.is_object()) {
        key = shape == Shape::canonical ? (document.contains("results") ? "results" : "") : at::records_key(document);
        if (key.empty()) {
            emit(document, 1, shape, sinks);  // a single pretty-printed record
            return;
        }
        records = &document[key];
        if (!records->is_array()) {
            on_issue(file_issue(source, 1, key, "expected an array of records"));
            return;
        }
        if (shape == Shape::detect) shape = Shape::api;
        if (key != "results" && sinks.on_warning)
            sinks.on_warning(issue(source, 1, key, "no \"results\": records read from \"" + key +
                                                       "\", as Aides-territoires records (not an API page)"));
    } else {
        on_issue(file_issue(source, 1, "", "expected JSON Lines, a JSON array or an API page"));
        return;
    }
    std::vector<std::size_t> lines = element_lines(text, key);
    for (std::size_t i = 0; i < records->size(); ++i)
        emit((*records)[i], i < lines.size() ? lines[i] : 0, shape, sinks);
}

// True when most non-blank lines of `text` look like records by themselves: they begin with
// `{` and end with `}`. JSON Lines does, even when its records are malformed or not UTF-8; a
// pretty-printed document does not (its lines are keys, brackets, and elements ending in `,`).
bool mostly_record_lines(std::string_view text) {
    std::size_t lines = 0, records = 0, begin = 0;
    while (begin < text.size()) {
        std::size_t end = text.find('\n', begin);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text::trim(text.substr(begin, end - begin));
        begin = end + 1;
        while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        ++lines;
        if (line.front() == '{' && line.back() == '}') ++records;
    }
    return lines > 0 && records * 2 > lines;
}

bool ends_with(std::string_view text, std::string_view tail) {
    if (text.size() < tail.size()) return false;
    std::string lower = text::ascii_lower(text.substr(text.size() - tail.size()));
    return lower == tail;
}

}  // namespace

void for_each_record(const std::string& path, InputFormat format, const RecordSink& on_record,
                     const IssueSink& on_issue, const IssueSink& on_warning) {
    std::ifstream file;
    if (path != "-") {
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            on_issue(file_issue(path, 0, "", "is a directory, not a file"));
            return;
        }
        file.open(path, std::ios::binary);
        if (!file) {
            on_issue(file_issue(path, 0, "", "cannot open: " + std::string(std::strerror(errno))));
            return;
        }
    }
    for_each_record_in(path == "-" ? std::cin : file, path, format, on_record, on_issue, on_warning);
}

void for_each_record_in(std::istream& input, const std::string& path, InputFormat format, const RecordSink& on_record,
                        const IssueSink& on_issue, const IssueSink& on_warning) {
    Sinks sinks{path, on_record, on_issue, on_warning};
    std::istream* in = &input;
    // The shape is decided on the first non-blank bytes.
    std::string first_line;
    std::size_t number = 0;
    bool first_unterminated = false;
    while (std::getline(*in, first_line)) {
        ++number;
        first_unterminated = in->eof();
        // The BOM goes before the blank test: a BOM and blanks are a blank line (fuzz finding).
        if (number == 1 && first_line.compare(0, 3, "\xEF\xBB\xBF") == 0) first_line.erase(0, 3);
        if (first_line.find_first_not_of(" \t\r") != std::string::npos) break;
        first_line.clear();
    }
    if (in->bad()) {
        on_issue(file_issue(path, number, "", "read error: " + std::string(std::strerror(errno))));
        return;
    }
    if (first_line.empty()) {
        on_issue(file_issue(path, 0, "", "empty input: no record"));
        return;
    }
    char lead = first_line[first_line.find_first_not_of(" \t\r")];
    bool csv = format == InputFormat::at_csv ||
               (format == InputFormat::automatic && lead != '{' && lead != '[' &&
                (ends_with(path, ".csv") || at::looks_like_csv_header(first_line)));
    if (csv) {
        at::read_csv(*in, std::move(first_line), number, path, on_record, on_issue, on_warning);
        return;
    }
    Shape shape = format == InputFormat::at_api ? Shape::api : format == InputFormat::automatic ? Shape::detect : Shape::canonical;
    if (format == InputFormat::jsonl) {
        read_lines(*in, sinks, shape, std::move(first_line), number, first_unterminated);
        return;
    }
    if ((format == InputFormat::automatic || format == InputFormat::at_api) && lead == '{') {
        // JSON Lines when the first line is a whole object by itself, unless that object is a
        // page of records on one line (`aides-search --format json` writes them so).
        json first = json::parse(first_line, nullptr, false);
        if (!first.is_discarded()) {
            if (at::records_key(first).empty()) {
                read_lines(*in, sinks, shape, std::move(first_line), number, first_unterminated);
                return;
            }
        } else {
            // A first line that is no whole object: one pretty-printed document, or JSON Lines
            // whose first record is bad (malformed, Latin-1). The whole text tells: a document
            // parses as one; JSON Lines is mostly lines that look like records by themselves.
            std::string rest(std::istreambuf_iterator<char>(*in), {});
            std::string whole = std::string(number - 1, '\n') + first_line + '\n' + rest;
            if (!json::accept(whole) && mostly_record_lines(whole)) {
                std::istringstream lines(rest);
                read_lines(lines, sinks, shape, std::move(first_line), number, first_unterminated);
                return;
            }
            read_document(whole, sinks, format);
            return;
        }
    }
    std::ostringstream rest;
    rest << std::string(number - 1, '\n') << first_line << '\n' << in->rdbuf();
    read_document(rest.str(), sinks, format);
}

}  // namespace json_io

std::vector<SourcedAid> read_records(const std::string& path, InputFormat format, std::vector<RecordIssue>& issues) {
    std::vector<SourcedAid> out;
    json_io::for_each_record(
        path, format, [&](SourcedAid&& aid) { out.push_back(std::move(aid)); },
        [&](RecordIssue&& found) { issues.push_back(std::move(found)); });
    return out;
}

std::string RecordIssue::to_string() const {
    // One printable line whatever the record held (values are quoted in messages).
    std::string out = json_io::printable(source, 1000);
    if (line > 0) out += ":" + std::to_string(line);
    out += ": ";
    if (!field.empty()) out += json_io::printable(field, 100) + ": ";
    return out + json_io::printable(message, 500);
}

}  // namespace aides
