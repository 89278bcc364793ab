// Builds an index of three aids with the installed library, searches it, prints the count and
// the library's version: `<count> <version>`. Usage: aides_consumer INDEX_DIR
#include <aides/aides.hpp>

#include <exception>
#include <iostream>

static_assert(__cplusplus >= 202002L, "aides::search states C++20: find_package(aides) must bring it");

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: aides_consumer INDEX_DIR\n";
        return 2;
    }
    try {
        std::vector<aides::Aid> aids(3);
        aids[0].id = "a1";
        aids[0].name = "Aide aux pistes cyclables";
        aids[0].description = "Aménagement de voies pour le vélo en centre-bourg.";
        aids[0].categories = {"revitalisation-centre-bourg"};  // a slug of the installed taxonomy
        aids[1].id = "a2";
        aids[1].name = "Location de vélos à assistance électrique";
        aids[2].id = "a3";
        aids[2].name = "Rénovation énergétique des écoles";
        {
            aides::Index index = aides::Index::open(argv[1]);
            index.add(aids);
        }
        aides::Searcher searcher(argv[1]);
        aides::SearchRequest request;
        request.text = "velo";
        std::cout << searcher.search(request).count << ' ' << aides::version << '\n';
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "aides_consumer: " << e.what() << '\n';
        return 1;
    }
}
