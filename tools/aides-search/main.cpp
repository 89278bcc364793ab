// aides-search: query a search index of aids.
#include <unistd.h>

#include <iostream>

#include "command_line.hpp"
#include "options.hpp"

int main(int argc, char** argv) {
    return aides::tools::guarded_main("aides-search", [&] {
        aides::cli::SearchParams params = aides::cli::parse_search_args(argc, argv, isatty(STDOUT_FILENO) != 0);
        if (params.help) {
            std::cout << aides::cli::search_help();
            return 0;
        }
        return aides::cli::run_search(params, std::cout, std::cerr);
    });
}
