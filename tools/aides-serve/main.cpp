// aides-serve: the HTTP JSON API and the search page over an index.
#include <aides/errors.hpp>

#include <iostream>

#include "options.hpp"

int main(int argc, char** argv) {
    try {
        aides::serve::ServeParams params = aides::serve::parse_serve_args(argc, argv);
        if (params.help) {
            std::cout << aides::serve::serve_help();
            return 0;
        }
        return aides::serve::run_serve(params, std::cout, std::cerr);
    } catch (const aides::UsageError& e) {
        std::cerr << "aides-serve: " << e.what() << " (see --help)\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "aides-serve: " << e.what() << "\n";
        return 1;
    }
}
