#pragma once
// aides-search arguments: parsed into a params struct by a function unit tests call in-process.
#include <aides/search.hpp>

#include <iosfwd>
#include <string>

namespace aides::cli {

enum class OutputFormat { table, json, jsonl };

struct SearchParams {
    std::string db;
    SearchRequest request;
    OutputFormat format = OutputFormat::json;
    std::string profile;  ///< --profile CODE: print the commune's profile instead of searching
    bool help = false;
};

/** Parses argv; `stdout_is_terminal` picks the default format.
 *  @throws UsageError naming the bad flag or value. */
SearchParams parse_search_args(int argc, const char* const* argv, bool stdout_is_terminal);
std::string search_help();
/** Runs the tool; results to `out`, messages to `err`. @return the exit code. */
int run_search(const SearchParams& params, std::ostream& out, std::ostream& err);

/** Human-readable table of a response. */
void print_table(const SearchResponse& response, const Geography& geography, std::ostream& out);
/** Human-readable profile. */
void print_profile(const CommuneProfile& profile, std::ostream& out);

}  // namespace aides::cli
