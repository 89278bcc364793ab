#pragma once
// Themes and categories: slugs, French names, and the label forms records use.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aides {

class Taxonomy {
  public:
    struct Category {
        std::string slug, name, theme;
    };
    struct Theme {
        std::string slug, name;
        std::vector<std::string> categories;
    };

    /** Parses taxonomy.json. @throws DataError naming `source`. */
    static Taxonomy parse(std::string_view json_text, const std::string& source);
    static Taxonomy load(const std::string& path);
    const std::string& text() const { return text_; }

    /** A category by slug, name, or `Theme|Category` label (accent- and case-insensitive). */
    const Category* category(std::string_view slug_or_label) const;
    /** A theme by slug or name. */
    const Theme* theme(std::string_view slug_or_name) const;
    const std::map<std::string, Theme>& themes() const { return themes_; }

  private:
    std::string text_;
    std::map<std::string, Theme> themes_;
    std::map<std::string, Category> categories_;
    std::map<std::string, std::string> category_keys_;  // folded slug, name or label -> slug
    std::map<std::string, std::string> theme_keys_;
};

}  // namespace aides
