#include "model/taxonomy.hpp"

#include <aides/analysis.hpp>
#include <aides/errors.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "analysis/text_utils.hpp"

namespace aides {

namespace {
std::string key(std::string_view text) {
    thread_local Analyzer analyzer;
    std::string folded = analyzer.fold(text::trim(text));
    // "Theme | Category" and "Theme|Category" are the same label.
    std::string out;
    for (std::size_t i = 0; i < folded.size(); ++i) {
        if (folded[i] == ' ' && ((i + 1 < folded.size() && folded[i + 1] == '|') || (!out.empty() && out.back() == '|'))) continue;
        out += folded[i];
    }
    return out;
}
}  // namespace

Taxonomy Taxonomy::parse(std::string_view json_text, const std::string& source) {
    Taxonomy taxonomy;
    taxonomy.text_ = std::string(json_text);
    try {
        auto document = nlohmann::json::parse(json_text);
        for (const auto& theme_json : document.at("themes")) {
            Theme theme{theme_json.at("slug"), theme_json.at("name"), {}};
            for (const auto& category_json : theme_json.at("categories")) {
                Category category{category_json.at("slug"), category_json.at("name"), theme.slug};
                if (taxonomy.categories_.count(category.slug))
                    throw DataError("category slug \"" + category.slug + "\" appears twice", source, 0);
                theme.categories.push_back(category.slug);
                taxonomy.category_keys_[key(category.slug)] = category.slug;
                taxonomy.category_keys_[key(category.name)] = category.slug;
                taxonomy.category_keys_[key(theme.name + "|" + category.name)] = category.slug;
                taxonomy.category_keys_[key(theme.slug + "|" + category.slug)] = category.slug;
                taxonomy.categories_[category.slug] = std::move(category);
            }
            taxonomy.theme_keys_[key(theme.slug)] = theme.slug;
            taxonomy.theme_keys_[key(theme.name)] = theme.slug;
            taxonomy.themes_[theme.slug] = std::move(theme);
        }
    } catch (const nlohmann::json::exception& e) {
        throw DataError(std::string("bad taxonomy: ") + e.what(), source, 0);
    }
    return taxonomy;
}

Taxonomy Taxonomy::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError("cannot open taxonomy", path, 0);
    std::ostringstream content;
    content << in.rdbuf();
    return parse(content.str(), path);
}

const Taxonomy::Category* Taxonomy::category(std::string_view slug_or_label) const {
    auto it = category_keys_.find(key(slug_or_label));
    return it == category_keys_.end() ? nullptr : &categories_.at(it->second);
}

const Taxonomy::Theme* Taxonomy::theme(std::string_view slug_or_name) const {
    auto it = theme_keys_.find(key(slug_or_name));
    return it == theme_keys_.end() ? nullptr : &themes_.at(it->second);
}

}  // namespace aides
