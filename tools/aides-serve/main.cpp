// aides-serve: the HTTP JSON API and the search page over an index.
#include <iostream>

#include "command_line.hpp"
#include "options.hpp"

int main(int argc, char** argv) {
    return aides::tools::guarded_main("aides-serve", [&] {
        aides::serve::ServeParams params = aides::serve::parse_serve_args(argc, argv);
        if (params.help) {
            std::cout << aides::serve::serve_help();
            return 0;
        }
        return aides::serve::run_serve(params, std::cout, std::cerr);
    });
}
