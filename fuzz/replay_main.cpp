// Runs a fuzz target without libFuzzer: every file given (each file of a directory given) is
// one input, and each line of a .jsonl file is one more. Used by `make test` in every build.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv);
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::string read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

std::size_t replayed = 0;

void replay(const std::string& input) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
    ++replayed;
}

void replay_file(const std::filesystem::path& path) {
    std::string content = read(path);
    replay(content);
    if (path.extension() == ".jsonl") {
        std::istringstream lines(content);
        for (std::string line; std::getline(lines, line);) replay(line);
    }
}

}  // namespace

int main(int argc, char** argv) {
    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; ++i) {
        std::filesystem::path path(argv[i]);
        if (std::filesystem::is_directory(path)) {
            std::vector<std::filesystem::path> files;
            for (const auto& entry : std::filesystem::directory_iterator(path))
                if (entry.is_regular_file()) files.push_back(entry.path());
            std::sort(files.begin(), files.end());
            for (const auto& file : files) replay_file(file);
        } else if (std::filesystem::is_regular_file(path)) {
            replay_file(path);
        } else {
            std::fprintf(stderr, "%s: no such file or directory\n", argv[i]);
            return 1;
        }
    }
    std::printf("%zu inputs replayed, no failure\n", replayed);
    return replayed > 0 ? 0 : 1;
}
