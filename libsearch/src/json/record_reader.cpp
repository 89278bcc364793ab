#include "json/record_reader.hpp"

#include <aides/errors.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "json/record_json.hpp"

namespace aides {
namespace json_io {
namespace {

using nlohmann::json;

// One element of a JSON array found by scanning: where it starts, and on which line.
struct Element {
    std::size_t begin = 0;
    std::size_t line = 0;
};

// Deepest nesting of a JSON text, strings skipped; bounds the parser's recursion.
int nesting_depth(std::string_view text) {
    int depth = 0, deepest = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            deepest = std::max(deepest, ++depth);
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return deepest;
}

std::size_t line_at(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// Start lines of the elements of the array holding the records: the top-level array, or the
// `results` array of an API page. Assumes the text is valid JSON (checked before).
std::vector<std::size_t> element_lines(std::string_view text) {
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
            if (c == '[' && ((depth == 1) || (depth == 2 && last_key == "results"))) {
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

RecordIssue issue(const std::string& source, std::size_t line, std::string field, std::string message) {
    return RecordIssue{source, line, std::move(field), std::move(message)};
}

void emit(const json& object, const std::string& source, std::size_t line, const RecordSink& on_record,
          const IssueSink& on_issue) {
    try {
        on_record(SourcedAid{aid_from_json(object), source, line});
    } catch (const DataError& e) {
        on_issue(issue(source, line, e.field(), e.what()));
    }
}

std::string parse_message(const json::exception& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..." -> tail
    if (auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    return "malformed JSON: " + what;
}

void read_lines(std::istream& in, const std::string& source, const RecordSink& on_record, const IssueSink& on_issue,
                std::string first_line, std::size_t first_line_number) {
    std::string line = std::move(first_line);
    std::size_t number = first_line_number;
    do {
        std::string_view body = line;
        while (!body.empty() && (body.back() == '\r' || body.back() == ' ' || body.back() == '\t')) body.remove_suffix(1);
        while (!body.empty() && (body.front() == ' ' || body.front() == '\t')) body.remove_prefix(1);
        if (!body.empty()) {
            if (body.size() > max_record_bytes) {
                on_issue(issue(source, number, "", "record of " + std::to_string(body.size()) + " bytes exceeds the limit of " + std::to_string(max_record_bytes)));
            } else if (nesting_depth(body) > max_depth) {
                on_issue(issue(source, number, "", "JSON nested deeper than " + std::to_string(max_depth) + " levels"));
            } else {
                try {
                    emit(json::parse(body), source, number, on_record, on_issue);
                } catch (const json::exception& e) {
                    on_issue(issue(source, number, "", parse_message(e)));
                }
            }
        }
        ++number;
    } while (std::getline(in, line));
}

void read_document(const std::string& text, const std::string& source, const RecordSink& on_record,
                   const IssueSink& on_issue) {
    if (nesting_depth(text) > max_depth + 2) {
        on_issue(issue(source, 1, "", "JSON nested deeper than " + std::to_string(max_depth) + " levels"));
        return;
    }
    json document;
    try {
        document = json::parse(text);
    } catch (const json::parse_error& e) {
        on_issue(issue(source, line_at(text, e.byte > 0 ? e.byte - 1 : 0), "", parse_message(e)));
        return;
    } catch (const json::exception& e) {
        on_issue(issue(source, 1, "", parse_message(e)));
        return;
    }
    const json* records = nullptr;
    if (document.is_array()) {
        records = &document;
    } else if (document.is_object() && document.contains("results")) {
        records = &document["results"];
        if (!records->is_array()) {
            on_issue(issue(source, 1, "results", "expected an array of records"));
            return;
        }
    } else if (document.is_object()) {
        emit(document, source, 1, on_record, on_issue);  // a single pretty-printed record
        return;
    } else {
        on_issue(issue(source, 1, "", "expected JSON Lines, a JSON array or an API page"));
        return;
    }
    std::vector<std::size_t> lines = element_lines(text);
    for (std::size_t i = 0; i < records->size(); ++i)
        emit((*records)[i], source, i < lines.size() ? lines[i] : 0, on_record, on_issue);
}

}  // namespace

void for_each_record(const std::string& path, InputFormat format, const RecordSink& on_record,
                     const IssueSink& on_issue) {
    std::ifstream file;
    std::istream* in = &std::cin;
    if (path != "-") {
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            on_issue(issue(path, 0, "", "is a directory, not a file"));
            return;
        }
        file.open(path, std::ios::binary);
        if (!file) {
            on_issue(issue(path, 0, "", "cannot open: " + std::string(std::strerror(errno))));
            return;
        }
        in = &file;
    }
    // Find the first significant character to tell the shapes apart.
    std::string first_line;
    std::size_t number = 0;
    while (std::getline(*in, first_line)) {
        ++number;
        if (first_line.find_first_not_of(" \t\r") != std::string::npos) break;
        first_line.clear();
    }
    if (first_line.empty()) {
        on_issue(issue(path, 0, "", "empty input: no record"));
        return;
    }
    if (number == 1 && first_line.size() >= 3 && first_line.compare(0, 3, "\xEF\xBB\xBF") == 0) first_line.erase(0, 3);
    char lead = first_line[first_line.find_first_not_of(" \t\r")];
    bool lines_format = format == InputFormat::jsonl;
    if (format == InputFormat::automatic && lead == '{') {
        // JSON Lines when the first line is a whole object by itself.
        lines_format = json::accept(first_line);
    }
    if (lines_format) {
        read_lines(*in, path, on_record, on_issue, std::move(first_line), number);
        return;
    }
    std::ostringstream rest;
    rest << std::string(number - 1, '\n') << first_line << '\n' << in->rdbuf();
    read_document(rest.str(), path, on_record, on_issue);
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
    std::string out = source;
    if (line > 0) out += ":" + std::to_string(line);
    out += ": ";
    if (!field.empty()) out += field + ": ";
    return out + message;
}

}  // namespace aides
