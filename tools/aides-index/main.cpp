// aides-index: build and update a search index of aids.
#include <iostream>

#include "command_line.hpp"
#include "options.hpp"

int main(int argc, char** argv) {
    return aides::tools::guarded_main("aides-index", [&] {
        aides::cli::IndexParams params = aides::cli::parse_index_args(argc, argv);
        if (params.help) {
            std::cout << aides::cli::index_help();
            return 0;
        }
        return aides::cli::run_index(params, std::cout, std::cerr);
    });
}
