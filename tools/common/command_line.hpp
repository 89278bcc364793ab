#pragma once
// What every tool does with its command line, written once: parse with Boost.Program_options
// into a variables map (its errors made UsageError), the required --db, and main()'s exit codes.
#include <boost/program_options.hpp>

#include <functional>
#include <string>
#include <vector>

namespace aides::tools {

/** Parses `args` (argv without the program name) against `options`, and `positional` when given.
 *  @throws UsageError with Boost's message (an unknown flag, a missing value...). */
boost::program_options::variables_map parse_command_line(const std::vector<std::string>& args,
                                                         const boost::program_options::options_description& options,
                                                         const boost::program_options::positional_options_description* positional = nullptr);
/** argv[1..argc) as strings. */
std::vector<std::string> arguments(int argc, const char* const* argv);

/** The value of --db. @throws UsageError when absent. */
std::string required_db(const boost::program_options::variables_map& vm);

/** parse_command_line(), then what every tool reads first: `params.help` (--help; then nothing
 *  else is read) and, without it, `params.db` (required). */
template <class Params>
boost::program_options::variables_map parse_tool_command_line(
    const std::vector<std::string>& args, const boost::program_options::options_description& options, Params& params,
    const boost::program_options::positional_options_description* positional = nullptr) {
    boost::program_options::variables_map vm = parse_command_line(args, options, positional);
    params.help = vm.count("help") > 0;
    if (!params.help) params.db = required_db(vm);
    return vm;
}

/** Runs a tool's body and turns what escapes it into the contract's exit codes: a UsageError is
 *  `PROGRAM: message (see --help)` and 2, any other exception `PROGRAM: message` and 1. */
int guarded_main(const char* program, const std::function<int()>& body);

}  // namespace aides::tools
