// aides-geo-convert NPM_DATA_DIR OUT_FILE: the npm geography into the compact geography.tsv.
#include <aides/aides.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

int main(int argc, char** argv) {
    if (argc != 3 || std::string(argv[1]) == "--help") {
        std::cerr << "usage: aides-geo-convert NPM_DATA_DIR OUT_FILE\n"
                     "Converts @etalab/decoupage-administratif data/ (communes, EPCI, departments, regions)\n"
                     "into the compact geography.tsv that aides-index loads.\n";
        return argc == 2 ? 0 : 2;
    }
    try {
        aides::Geography geography = aides::Geography::from_npm(argv[1]);
        std::string temporary = std::string(argv[2]) + ".tmp";
        {
            std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
            out << geography.serialize();
            if (!out.flush()) throw aides::DataError("cannot write", temporary, 0);
        }
        std::filesystem::rename(temporary, argv[2]);  // never leave a half-written file
        std::cerr << "aides-geo-convert: " << geography.commune_count() << " communes written to " << argv[2] << "\n";
        return 0;
    } catch (const aides::DataError& e) {
        std::cerr << "aides-geo-convert: " << e.source() << ": " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "aides-geo-convert: " << e.what() << "\n";
        return 1;
    }
}
