// Portal files: read once by whoever serves the portal, then shared by its searches.
#include <aides/errors.hpp>
#include <aides/portal.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace aides {

Portal Portal::load(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw UsageError("portal file " + path + " is a directory", path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError("cannot open portal file " + path, path);
    std::ostringstream content;
    content << in.rdbuf();
    return parse(content.str(), path);
}

Portal Portal::parse(std::string_view text, const std::string& source) {
    Portal portal;
    try {
        const nlohmann::json file = nlohmann::json::parse(text);
        if (!file.is_object()) throw UsageError("bad portal file " + source + ": not a JSON object", source);
        // Ids may be written as numbers: 112 and "112" are the same aid.
        auto ids = [&](const char* key) {
            std::vector<std::string> out;
            if (file.contains(key))
                for (const auto& id : file.at(key)) out.push_back(id.is_string() ? id.get<std::string>() : id.dump());
            return out;
        };
        portal.name = file.value("name", std::string());
        portal.highlighted = ids("highlighted");
        portal.excluded = ids("excluded");
        if (!file.contains("filters")) return portal;
        const nlohmann::json& filters = file.at("filters");
        auto list = [&](const char* key, std::vector<std::string>& target) {
            if (filters.contains(key)) target = filters.at(key).get<std::vector<std::string>>();
        };
        list("programs", portal.programs);
        list("themes", portal.themes);
        list("categories", portal.categories);
        list("audiences", portal.audiences);
        list("aid_types", portal.aid_types);
        list("steps", portal.steps);
        list("destinations", portal.destinations);
        list("backers", portal.backers);
        list("recurrences", portal.recurrences);
        if (filters.contains("perimeter")) portal.perimeter = filters.at("perimeter").get<std::string>();
    } catch (const nlohmann::json::exception& e) {
        throw UsageError("bad portal file " + source + ": " + e.what(), source);
    }
    return portal;
}

}  // namespace aides
