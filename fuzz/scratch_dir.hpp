#pragma once
// The scratch directory of a fuzz target's index.
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace fuzz {

/** A fresh directory /tmp/aides-fuzz-NAME-XXXXXX, the same for the whole process, removed when
 *  the process exits normally (after a crash it stays, beside the input that caused it). */
inline const std::string& scratch_dir(const char* name) {
    static const std::string dir = [name] {
        std::string path = std::string("/tmp/aides-fuzz-") + name + "-XXXXXX";
        if (!mkdtemp(path.data())) {
            std::perror("aides fuzz: cannot create a scratch directory");
            std::abort();
        }
        return path;
    }();
    // Registered once `dir` is built, so it runs before `dir` is destroyed.
    static const bool removed_at_exit = std::atexit([] {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    }) == 0;
    (void)removed_at_exit;
    return dir;
}

}  // namespace fuzz
