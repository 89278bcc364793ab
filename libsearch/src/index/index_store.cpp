#include "index/index_store.hpp"

#include <aides/version.hpp>

#include <sys/stat.h>
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "index/schema.hpp"

namespace aides::store {

DataFiles find_data_files(const DataLookup& lookup) {
    auto in = [](const std::filesystem::path& dir) {
        return DataFiles{dir.string(), (dir / "geography.tsv").string(), (dir / "taxonomy.json").string(),
                         (dir / "synonyms.txt").string()};
    };
    if (!lookup.data_dir.empty()) return in(lookup.data_dir);
    // An installed program finds the data of its own tree first: the build tree it was made
    // from may still exist, and may not match.
    if (!lookup.executable.empty() && !lookup.installed_from_bin.empty()) {
        std::filesystem::path installed = std::filesystem::path(lookup.executable).parent_path() / lookup.installed_from_bin;
        std::error_code ec;
        if (std::filesystem::is_directory(installed, ec)) return in(installed.lexically_normal());
    }
    return lookup.build_tree;
}

DataLookup current_data_lookup() {
    DataLookup lookup;
    if (const char* env = std::getenv("AIDES_DATA_DIR")) lookup.data_dir = env;
    std::error_code ec;
    lookup.executable = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    lookup.installed_from_bin = AIDES_INSTALLED_DATA_FROM_BIN;
    lookup.build_tree = DataFiles{AIDES_DEFAULT_CORPUS_DIR, AIDES_DEFAULT_GEOGRAPHY, AIDES_DEFAULT_TAXONOMY, AIDES_DEFAULT_SYNONYMS};
    return lookup;
}

std::string default_geography_path() {
    if (const char* env = std::getenv("AIDES_GEOGRAPHY")) return env;
    return find_data_files(current_data_lookup()).geography;
}
std::string default_taxonomy_path() {
    if (const char* env = std::getenv("AIDES_TAXONOMY")) return env;
    return find_data_files(current_data_lookup()).taxonomy;
}
std::string default_synonyms_path() {
    if (const char* env = std::getenv("AIDES_SYNONYMS")) return env;
    return find_data_files(current_data_lookup()).synonyms;
}

std::string read_file(const std::string& path, const char* what) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw DataError(std::string(what) + " is a directory, not a file", path, 0);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(std::string("cannot open ") + what, path, 0);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

Geography load_geography(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        if (std::filesystem::exists(path + "/geography.tsv")) return Geography::load(path + "/geography.tsv");
        return Geography::from_npm(path);
    }
    return Geography::load(path);
}

LiveCopy live_copy(const std::string& dir) {
    struct stat stub {};
    if (::stat((dir + "/XAPIANDB").c_str(), &stub) != 0) return {};
    // Each new stub is a new file renamed into place: a new inode (the old one is still linked
    // while it is written), and the time tells apart an inode number used again later.
    return {static_cast<std::uint64_t>(stub.st_dev), static_cast<std::uint64_t>(stub.st_ino),
            static_cast<std::int64_t>(stub.st_mtim.tv_sec) * 1000000000 + stub.st_mtim.tv_nsec};
}

void check_format(const Xapian::Database& db, const std::string& dir) {
    std::string format = db.get_metadata(schema::meta_format);
    if (format.empty()) {
        if (db.get_doccount() == 0) return;  // a new, empty index
        throw IndexError(dir + ": not an aides index (no format version)");
    }
    for (int readable = oldest_readable_index_format; readable <= index_format_version; ++readable)
        if (format == std::to_string(readable)) return;
    throw IndexError(dir + ": index format version " + format + ", this build reads version " + std::to_string(index_format_version) +
                     " (and " + std::to_string(oldest_readable_index_format) + "); rebuild the index");
}

void load_adhoc(const Xapian::Database& db, Geography& geography) {
    for (auto it = db.metadata_keys_begin(schema::meta_adhoc_prefix); it != db.metadata_keys_end(schema::meta_adhoc_prefix); ++it) {
        std::string key = *it;
        std::string name = key.substr(std::string_view(schema::meta_adhoc_prefix).size());
        std::vector<std::string> codes;
        std::istringstream lines(db.get_metadata(key));
        for (std::string code; std::getline(lines, code);)
            if (!code.empty()) codes.push_back(code);
        geography.add_adhoc(name, std::move(codes));
    }
}

namespace {
constexpr std::string_view packed_marker{"\0zlib", 5};  // then the text's size, 8 bytes, little-endian
}

std::string packed(std::string_view text) {
    uLongf size = compressBound(static_cast<uLong>(text.size()));
    std::string out(packed_marker);
    for (int i = 0; i < 8; ++i) out += static_cast<char>(static_cast<std::uint64_t>(text.size()) >> (8 * i) & 0xFF);
    std::size_t header = out.size();
    out.resize(header + size);
    if (compress2(reinterpret_cast<Bytef*>(out.data() + header), &size, reinterpret_cast<const Bytef*>(text.data()),
                  static_cast<uLong>(text.size()), Z_BEST_COMPRESSION) != Z_OK)
        throw IndexError("zlib could not compress the metadata");
    out.resize(header + size);
    return out;
}

std::string unpacked(std::string stored, const std::string& dir, const char* what) {
    if (stored.compare(0, packed_marker.size(), packed_marker) != 0) return stored;  // moved, not copied
    const std::size_t header = packed_marker.size() + 8;
    if (stored.size() < header) throw IndexError(dir + ": corrupt index: truncated " + what + " metadata");
    std::uint64_t length = 0;
    for (int i = 7; i >= 0; --i) length = length << 8 | static_cast<unsigned char>(stored[packed_marker.size() + static_cast<std::size_t>(i)]);
    // zlib expands at most about 1,032 times: a size beyond that is a damaged header, refused
    // before anything is allocated for it.
    if (length > (stored.size() - header) * 1032 + 64)
        throw IndexError(dir + ": corrupt index: " + what + " metadata claims " + std::to_string(length) + " bytes");
    std::string text(static_cast<std::size_t>(length), '\0');
    uLongf size = static_cast<uLongf>(length);
    if (uncompress(reinterpret_cast<Bytef*>(text.data()), &size, reinterpret_cast<const Bytef*>(stored.data() + header),
                   static_cast<uLong>(stored.size() - header)) != Z_OK ||
        size != length)
        throw IndexError(dir + ": corrupt index: the " + std::string(what) + " metadata does not unpack");
    return text;
}

Catalogue load_catalogue(const Xapian::Database& db, const std::string& dir, const Analyzer& analyzer) {
    Catalogue catalogue;
    std::string geography = unpacked(db.get_metadata(schema::meta_geography), dir, "geography");
    if (!geography.empty()) {
        catalogue.geography = Geography::parse(geography, dir + " (geography)");
    } else if (std::filesystem::exists(default_geography_path())) {
        catalogue.geography = load_geography(default_geography_path());
    }
    load_adhoc(db, catalogue.geography);
    std::string taxonomy = db.get_metadata(schema::meta_taxonomy);
    catalogue.taxonomy = taxonomy.empty() ? Taxonomy::load(default_taxonomy_path())
                                          : Taxonomy::parse(taxonomy, dir + " (taxonomy)");
    std::string synonyms = db.get_metadata(schema::meta_synonyms);
    if (synonyms.empty() && std::filesystem::exists(default_synonyms_path()))
        synonyms = read_file(default_synonyms_path(), "synonyms");
    catalogue.synonyms = Synonyms::parse(synonyms, dir + " (synonyms)", analyzer);
    std::string local = db.get_metadata(schema::meta_synonyms_local);
    if (!local.empty()) catalogue.synonyms.extend(Synonyms::parse(local, dir + " (synonyms added with --synonyms)", analyzer));
    return catalogue;
}

}  // namespace aides::store
