#pragma once
// aides-index arguments: parsed into a params struct by a function unit tests call in-process.
#include <aides/index.hpp>

#include <string>
#include <vector>

namespace aides::cli {

/** When aides-index compacts the index after its changes. */
enum class Compaction { when_created, always, never };

struct IndexParams {
    std::string db;
    std::vector<std::string> inputs;
    std::vector<std::string> sync_inputs;
    std::vector<std::string> delete_ids;
    IndexOptions index;
    IngestOptions ingest;
    Compaction compact = Compaction::when_created;
    bool quiet = false;
    bool help = false;
};

/** Parses argv. @throws UsageError naming the bad flag or value. */
IndexParams parse_index_args(int argc, const char* const* argv);
/** The --help text. */
std::string index_help();
/** Runs the tool with parsed params; messages go to `err`. @return the exit code. */
int run_index(const IndexParams& params, std::ostream& out, std::ostream& err);

}  // namespace aides::cli
