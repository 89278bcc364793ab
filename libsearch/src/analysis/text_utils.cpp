#include "analysis/text_utils.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <utility>

namespace aides::text {
namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// The named entities found in French aid descriptions; numeric ones are decoded generally.
constexpr std::array<std::pair<std::string_view, std::uint32_t>, 40> named_entities = {{
    {"amp", '&'},     {"lt", '<'},      {"gt", '>'},      {"quot", '"'},    {"apos", '\''},
    {"nbsp", 0xA0},   {"rsquo", 0x2019}, {"lsquo", 0x2018}, {"laquo", 0xAB}, {"raquo", 0xBB},
    {"eacute", 0xE9}, {"egrave", 0xE8}, {"ecirc", 0xEA},  {"euml", 0xEB},   {"agrave", 0xE0},
    {"acirc", 0xE2},  {"ccedil", 0xE7}, {"icirc", 0xEE},  {"iuml", 0xEF},   {"ocirc", 0xF4},
    {"ugrave", 0xF9}, {"ucirc", 0xFB},  {"uuml", 0xFC},   {"oelig", 0x153}, {"aelig", 0xE6},
    {"Eacute", 0xC9}, {"Egrave", 0xC8}, {"Agrave", 0xC0}, {"Ccedil", 0xC7}, {"OElig", 0x152},
    {"euro", 0x20AC}, {"hellip", 0x2026}, {"ndash", 0x2013}, {"mdash", 0x2014}, {"deg", 0xB0},
    {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"middot", 0xB7}, {"bull", 0x2022}, {"thinsp", 0x2009},
}};

}  // namespace

std::string strip_html(std::string_view html) {
    std::string out;
    out.reserve(html.size());
    for (std::size_t i = 0; i < html.size();) {
        char c = html[i];
        if (c == '<') {
            std::size_t close = html.find('>', i + 1);
            // A lone '<' (as in "< 5 000 habitants") is text, not a tag.
            bool is_tag = close != std::string_view::npos && i + 1 < html.size() &&
                          (std::isalpha(static_cast<unsigned char>(html[i + 1])) || html[i + 1] == '/' ||
                           html[i + 1] == '!');
            if (is_tag) {
                out += ' ';  // tags separate words: "<p>a</p><p>b</p>"
                i = close + 1;
                continue;
            }
        } else if (c == '&') {
            std::size_t semi = html.find(';', i + 1);
            if (semi != std::string_view::npos && semi - i <= 10) {
                std::string_view name = html.substr(i + 1, semi - i - 1);
                std::uint32_t cp = 0;
                if (!name.empty() && name[0] == '#') {
                    bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
                    std::string_view digits = name.substr(hex ? 2 : 1);
                    bool ok = !digits.empty();
                    for (char d : digits) {
                        if (hex ? !std::isxdigit(static_cast<unsigned char>(d))
                                : !std::isdigit(static_cast<unsigned char>(d))) ok = false;
                    }
                    if (ok) cp = static_cast<std::uint32_t>(std::stoul(std::string(digits), nullptr, hex ? 16 : 10));
                } else {
                    for (auto [entity, value] : named_entities)
                        if (entity == name) cp = value;
                }
                if (cp != 0) {
                    append_utf8(out, cp);
                    i = semi + 1;
                    continue;
                }
            }
        }
        out += c;
        ++i;
    }
    return out;
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

bool valid_utf8(std::string_view text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    std::size_t n = text.size();
    for (std::size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c == 0) return false;
        if (c < 0x80) { ++i; continue; }
        std::size_t len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (len == 0 || i + len > n) return false;
        std::uint32_t cp = c & (0xFF >> (len + 1));
        for (std::size_t k = 1; k < len; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        // Overlong forms, surrogates and out-of-range code points are invalid.
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

std::string_view trim(std::string_view text) {
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> out;
    while (true) {
        std::size_t cut = text.find(separator);
        std::string_view piece = trim(text.substr(0, cut));
        if (!piece.empty()) out.emplace_back(piece);
        if (cut == std::string_view::npos) break;
        text.remove_prefix(cut + 1);
    }
    return out;
}

}  // namespace aides::text
