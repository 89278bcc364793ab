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

// Another portal's slugs (Aides-territoires': `energies-dechets`, `espace-public`...) as keys of
// one theme or category; an alias already naming another one is an error, never a silent pick.
void add_aliases(const nlohmann::json& entry, const std::string& slug, std::map<std::string, std::string>& keys,
                 const char* what, const std::string& source) {
    if (!entry.contains("aliases")) return;
    for (const auto& alias_json : entry.at("aliases")) {
        std::string alias = alias_json.get<std::string>();
        auto [it, added] = keys.emplace(key(alias), slug);
        if (!added && it->second != slug)
            throw DataError(std::string(what) + " alias \"" + alias + "\" of \"" + slug + "\" already names \"" +
                                it->second + "\"", source, 0);
    }
}
}  // namespace

Taxonomy Taxonomy::parse(std::string_view json_text, const std::string& source) {
    Taxonomy taxonomy;
    taxonomy.text_ = std::string(json_text);
    try {
        auto document = nlohmann::json::parse(json_text);
        std::vector<std::pair<const nlohmann::json*, std::string>> aliases;  // category entry, slug
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
                aliases.push_back({&category_json, category.slug});
                taxonomy.categories_[category.slug] = std::move(category);
            }
            taxonomy.theme_keys_[key(theme.slug)] = theme.slug;
            taxonomy.theme_keys_[key(theme.name)] = theme.slug;
            taxonomy.themes_[theme.slug] = std::move(theme);
        }
        // After every own slug and name, so that an alias cannot shadow one.
        for (const auto& theme_json : document.at("themes"))
            add_aliases(theme_json, theme_json.at("slug"), taxonomy.theme_keys_, "theme", source);
        for (const auto& [entry, slug] : aliases)
            add_aliases(*entry, slug, taxonomy.category_keys_, "category", source);
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
