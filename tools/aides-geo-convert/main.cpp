// aides-geo-convert NPM_DATA_DIR OUT_FILE [--former OLDER_NPM_DATA_DIR]...: the npm geography
// into the compact geography.tsv.
#include <aides/aides.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

int main(int argc, char** argv) {
    std::vector<std::string> positional, former;
    bool help = false, bad = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") help = true;
        else if (arg == "--former" && i + 1 < argc) former.push_back(argv[++i]);
        else if (arg.rfind("--", 0) == 0) bad = true;
        else positional.push_back(arg);
    }
    if (help || bad || positional.size() != 2) {
        std::cerr << "usage: aides-geo-convert NPM_DATA_DIR OUT_FILE [--former OLDER_NPM_DATA_DIR]...\n"
                     "Converts @etalab/decoupage-administratif data/ (communes, EPCI, departments, regions)\n"
                     "into the compact geography.tsv that aides-index loads. --former: the data/ of an\n"
                     "older release, whose names and codes become former names of today's communes.\n";
        return help ? 0 : 2;
    }
    try {
        aides::Geography geography = aides::Geography::from_npm(positional[0], former);
        std::string temporary = positional[1] + ".tmp";
        {
            std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
            out << geography.serialize();
            if (!out.flush()) throw aides::DataError("cannot write", temporary, 0);
        }
        std::filesystem::rename(temporary, positional[1]);  // never leave a half-written file
        std::cerr << "aides-geo-convert: " << geography.commune_count() << " communes and "
                  << geography.former_communes().size() << " former names or codes written to " << positional[1] << "\n";
        return 0;
    } catch (const aides::DataError& e) {
        std::cerr << "aides-geo-convert: " << e.source() << ": " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "aides-geo-convert: " << e.what() << "\n";
        return 1;
    }
}
