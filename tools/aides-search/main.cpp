// aides-search: query a search index of aids.
#include <aides/errors.hpp>

#include <unistd.h>

#include <iostream>

#include "options.hpp"

int main(int argc, char** argv) {
    try {
        aides::cli::SearchParams params = aides::cli::parse_search_args(argc, argv, isatty(STDOUT_FILENO) != 0);
        if (params.help) {
            std::cout << aides::cli::search_help();
            return 0;
        }
        return aides::cli::run_search(params, std::cout, std::cerr);
    } catch (const aides::UsageError& e) {
        std::cerr << "aides-search: " << e.what() << " (see --help)\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "aides-search: " << e.what() << "\n";
        return 1;
    }
}
