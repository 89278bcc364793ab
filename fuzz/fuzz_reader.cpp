// Fuzz target: one record reader (AIDES_FUZZ_FORMAT: jsonl, json, at_api, at_csv or automatic),
// from memory, writing no index: fast enough for millions of executions.
// Properties: bad data is reported, never thrown; every issue prints on one line; a canonical
// record read back from its own JSON is the same Aid; a file-level issue is never counted as
// a record, and a whole-file issue stops the reading of that file.
#include <aides/aides.hpp>

#include "io/record_reader.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

namespace {

[[noreturn]] void fail(const std::string& why) {
    std::fprintf(stderr, "fuzz_reader: %s\n", why.c_str());
    std::abort();
}

constexpr aides::InputFormat format = aides::InputFormat::AIDES_FUZZ_FORMAT;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    std::size_t records = 0, record_issues = 0, file_issues = 0;
    try {
        aides::json_io::for_each_record_in(
            in, "input", format,
            [&](aides::SourcedAid&& record) {
                ++records;
                if (record.aid.id.empty() || record.aid.name.empty()) fail("a record without id or name was accepted");
                if (format == aides::InputFormat::jsonl || format == aides::InputFormat::json) {
                    std::string once = aides::to_json(record.aid);
                    aides::Aid again;
                    try {
                        again = aides::parse_aid(once);
                    } catch (const aides::DataError& e) {
                        fail(std::string("the JSON of an accepted aid is refused: ") + e.what() + ": " + once);
                    }
                    if (!(again == record.aid)) fail("parse_aid(to_json(aid)) differs: " + once);
                }
            },
            [&](aides::RecordIssue&& issue) {
                (issue.whole_file ? file_issues : record_issues)++;
                std::string line = issue.to_string();
                if (line.find_first_of("\n\r") != std::string::npos) fail("an issue spans several lines: " + line);
            },
            [&](aides::RecordIssue&& warning) {
                if (warning.to_string().find_first_of("\n\r") != std::string::npos) fail("a warning spans several lines");
            });
    } catch (const std::exception& e) {
        fail(std::string("the reader threw: ") + e.what());
    }
    if (file_issues > 1) fail("more than one whole-file issue for one file");
    if (size == 0 && file_issues != 1) fail("an empty input is not reported");
    return 0;
}
