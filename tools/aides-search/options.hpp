#pragma once
// aides-search arguments: parsed into a params struct by a function unit tests call in-process.
#include <aides/search.hpp>

#include <iosfwd>
#include <string>

namespace aides::cli {

enum class OutputFormat { table, json, jsonl };

/** How the table is laid out. */
struct TableOptions {
    std::size_t width = 80;   ///< the terminal's columns: every line fits
    bool long_form = false;   ///< --long: each aid's snippet, link and why under its row
};

struct SearchParams {
    std::string db;
    SearchRequest request;
    OutputFormat format = OutputFormat::json;
    TableOptions table;
    std::string profile;  ///< --profile CODE: print the commune's profile instead of searching
    bool help = false;
};

/** Parses argv; `stdout_is_terminal` picks the default format.
 *  @throws UsageError naming the bad flag or value. */
SearchParams parse_search_args(int argc, const char* const* argv, bool stdout_is_terminal);
std::string search_help();
/** Runs the tool; results to `out`, messages to `err`. @return the exit code. */
int run_search(const SearchParams& params, std::ostream& out, std::ostream& err);

/** The width of the terminal: `COLUMNS` when set to a number, else the size of the terminal on
 *  stdout when there is one, else 80. */
std::size_t terminal_width(bool stdout_is_terminal);
/** Human-readable table of a response, every line within `options.width` columns. */
void print_table(const SearchResponse& response, std::ostream& out, const TableOptions& options = {});
/** Human-readable profile, every line within `width` columns. */
void print_profile(const CommuneProfile& profile, std::ostream& out, std::size_t width = 80);

}  // namespace aides::cli
