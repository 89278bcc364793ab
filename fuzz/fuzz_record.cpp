// Fuzz target: record ingestion. The input is a record (parse_aid) and a whole input file
// (read_records, then a dry-run ingest that validates and analyses every record).
// Properties: bad data is a DataError or a reported issue, never another exception or a crash;
// an Aid read back from its own JSON is the same Aid; every issue prints on one line.
#include <aides/aides.hpp>

#include "scratch_dir.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

namespace {

[[noreturn]] void fail(const std::string& why) {
    std::fprintf(stderr, "fuzz_record: %s\n", why.c_str());
    std::abort();
}

// A committed empty index with the national geography: dry runs then only validate and analyse.
aides::Index& index() {
    static aides::Index index = [] {
        aides::IndexOptions options;
        options.geography_path = AIDES_FUZZ_GEOGRAPHY_FILE;
        aides::Index opened = aides::Index::open(fuzz::scratch_dir("record") + "/index", options);
        opened.add({});
        return opened;
    }();
    return index;
}

void round_trip(const aides::Aid& aid) {
    std::string once = aides::to_json(aid);
    aides::Aid again;
    try {
        again = aides::parse_aid(once);
    } catch (const aides::DataError& e) {
        fail(std::string("the JSON of an accepted aid is refused: ") + e.what() + ": " + once);
    }
    if (!(again == aid)) fail("parse_aid(to_json(aid)) differs from aid: " + once + " -> " + aides::to_json(again));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    index();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    try {
        round_trip(aides::parse_aid(input));
    } catch (const aides::DataError&) {
    }

    const std::string path = fuzz::scratch_dir("record") + "/input";
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(input.data(), static_cast<std::streamsize>(input.size()));
    }
    std::vector<aides::RecordIssue> issues;
    for (const auto& record : aides::read_records(path, aides::InputFormat::automatic, issues)) round_trip(record.aid);
    for (const auto& issue : issues) {
        std::string line = issue.to_string();
        if (line.find_first_of("\n\r") != std::string::npos) fail("an issue spans several lines: " + line);
    }

    aides::IngestOptions options;
    options.dry_run = true;
    aides::IngestReport report = index().ingest({path}, options);
    if (report.committed) fail("a dry run committed");
    std::size_t record_errors = 0;
    for (const auto& issue : report.errors) record_errors += issue.whole_file ? 0 : 1;
    if (report.read != report.valid + report.rejected || record_errors != report.rejected) fail("inconsistent ingest report");
    return 0;
}
