// aides-index: build and update a search index of aids.
#include <aides/errors.hpp>

#include <iostream>

#include "options.hpp"

int main(int argc, char** argv) {
    try {
        aides::cli::IndexParams params = aides::cli::parse_index_args(argc, argv);
        if (params.help) {
            std::cout << aides::cli::index_help();
            return 0;
        }
        return aides::cli::run_index(params, std::cout, std::cerr);
    } catch (const aides::UsageError& e) {
        std::cerr << "aides-index: " << e.what() << " (see --help)\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "aides-index: " << e.what() << "\n";
        return 1;
    }
}
