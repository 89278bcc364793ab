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
constexpr std::array<std::pair<std::string_view, std::uint32_t>, 66> named_entities = {{
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},     {"apos", '\''},
    {"nbsp", 0xA0},    {"rsquo", 0x2019}, {"lsquo", 0x2018}, {"laquo", 0xAB},   {"raquo", 0xBB},
    {"eacute", 0xE9},  {"egrave", 0xE8},  {"ecirc", 0xEA},   {"euml", 0xEB},    {"agrave", 0xE0},
    {"acirc", 0xE2},   {"ccedil", 0xE7},  {"icirc", 0xEE},   {"iuml", 0xEF},    {"ocirc", 0xF4},
    {"ugrave", 0xF9},  {"ucirc", 0xFB},   {"uuml", 0xFC},    {"oelig", 0x153},  {"aelig", 0xE6},
    {"Eacute", 0xC9},  {"Egrave", 0xC8},  {"Ecirc", 0xCA},   {"Euml", 0xCB},    {"Agrave", 0xC0},
    {"Acirc", 0xC2},   {"Ccedil", 0xC7},  {"Icirc", 0xCE},   {"Iuml", 0xCF},    {"Ocirc", 0xD4},
    {"Ugrave", 0xD9},  {"Ucirc", 0xDB},   {"Uuml", 0xDC},    {"OElig", 0x152},  {"AElig", 0xC6},
    {"yuml", 0xFF},    {"aacute", 0xE1},  {"iacute", 0xED},  {"oacute", 0xF3},  {"uacute", 0xFA},
    {"ntilde", 0xF1},  {"euro", 0x20AC},  {"hellip", 0x2026}, {"ndash", 0x2013}, {"mdash", 0x2014},
    {"deg", 0xB0},     {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"bdquo", 0x201E}, {"middot", 0xB7},
    {"bull", 0x2022},  {"thinsp", 0x2009}, {"ensp", 0x2002}, {"emsp", 0x2003},  {"shy", 0xAD},
    {"sup2", 0xB2},    {"sup3", 0xB3},    {"times", 0xD7},   {"copy", 0xA9},    {"reg", 0xAE},
    {"sect", 0xA7},
}};

// Inline formatting tags do not separate words (`<strong>V</strong>élo`, `m<sup>2</sup>`);
// every other tag does (`<p>a</p><p>b</p>`, `a<br>b`).
constexpr std::array<std::string_view, 22> inline_tags = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "dfn", "em", "font", "i",
    "kbd", "mark", "q", "s", "small", "span", "strong", "sub", "sup", "u", "wbr"};

bool ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool ascii_digit(char c) { return c >= '0' && c <= '9'; }

// Byte sets for first_of (string_view's find_first_of looks each character up in the set with
// memchr).
using ByteSet = std::array<bool, 256>;
constexpr ByteSet byte_set(std::string_view bytes) {
    ByteSet set{};
    for (char c : bytes) set[static_cast<unsigned char>(c)] = true;
    return set;
}
constexpr ByteSet markup = byte_set("<&"), escaped = byte_set("&<>\""), digits = byte_set("0123456789");

// The first byte of `set` in `text` from `from`, or text.size().
std::size_t first_of(std::string_view text, std::size_t from, const ByteSet& set) {
    while (from < text.size() && !set[static_cast<unsigned char>(text[from])]) ++from;
    return from;
}

// `text` is `lower` (ASCII lower case) in any case.
bool same_letters(std::string_view text, std::string_view lower) {
    if (text.size() != lower.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i)
        if ((text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] + ('a' - 'A')) : text[i]) != lower[i]) return false;
    return true;
}

// Where the tag starting at html[i] == '<' ends (one past '>'), and whether it is inline;
// npos when this '<' is text ("< 5 000 habitants").
std::pair<std::size_t, bool> tag_at(std::string_view html, std::size_t i) {
    constexpr auto none = std::pair<std::size_t, bool>{std::string_view::npos, false};
    if (html.substr(i, 4) == "<!--") {
        std::size_t close = html.find("-->", i + 4);
        return {close == std::string_view::npos ? html.size() : close + 3, false};
    }
    std::size_t name_start = i + 1;
    if (name_start < html.size() && html[name_start] == '/') ++name_start;
    if (name_start >= html.size() || !(ascii_alpha(html[name_start]) || html[name_start] == '!')) return none;
    std::size_t close = html.find('>', name_start);
    if (close == std::string_view::npos) return none;
    std::size_t name_end = name_start;
    while (name_end < close && (ascii_alpha(html[name_end]) || ascii_digit(html[name_end]))) ++name_end;
    std::string_view name = html.substr(name_start, name_end - name_start);
    bool is_inline = std::any_of(inline_tags.begin(), inline_tags.end(), [&](std::string_view tag) { return same_letters(name, tag); });
    return {close + 1, is_inline};
}

// The contents of these elements are not text.
std::size_t skip_element(std::string_view html, std::size_t i, std::size_t after_tag) {
    for (std::string_view element : {"script", "style"}) {
        if (!same_letters(html.substr(i + 1, element.size()), element)) continue;
        std::size_t at = after_tag;
        while ((at = html.find("</", at)) != std::string_view::npos) {
            if (same_letters(html.substr(at + 2, element.size()), element)) {
                std::size_t close = html.find('>', at);
                return close == std::string_view::npos ? html.size() : close + 1;
            }
            at += 2;
        }
        return html.size();
    }
    return after_tag;
}

}  // namespace

std::string strip_html(std::string_view html) {
    std::string out;
    out.reserve(html.size());
    for (std::size_t i = 0; i < html.size();) {
        // Text up to the next tag or entity in one copy.
        std::size_t special = first_of(html, i, markup);
        out.append(html, i, special - i);
        if ((i = special) == html.size()) break;
        char c = html[i];
        if (c == '<') {
            auto [end, is_inline] = tag_at(html, i);
            if (end != std::string_view::npos) {
                if (!is_inline) out += ' ';
                i = skip_element(html, i, end);
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
                    bool ok = !digits.empty() && digits.size() <= 7;
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

std::string join_digit_groups(std::string_view text) {
    if (std::none_of(text.begin(), text.end(), ascii_digit)) return std::string(text);
    // The separators French typography puts between groups of three digits.
    auto separator_at = [&](std::size_t at) -> std::size_t {
        if (at < text.size() && text[at] == ' ') return 1;
        if (text.substr(at, 2) == "\xC2\xA0") return 2;                                         // no-break space
        if (text.substr(at, 3) == "\xE2\x80\xAF" || text.substr(at, 3) == "\xE2\x80\x89") return 3;  // narrow, thin
        return 0;
    };
    auto glued_before = [&](std::size_t at) {  // a digit run that continues a word or a number
        if (at == 0) return false;
        char p = text[at - 1];
        return ascii_alpha(p) || ascii_digit(p) || p == '.' || p == ',' || p == '_';
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (!ascii_digit(text[i]) || glued_before(i)) {
            std::size_t next = first_of(text, i + 1, digits);
            out.append(text.substr(i, next - i));
            i = next;
            continue;
        }
        std::size_t end = i;
        while (end < text.size() && ascii_digit(text[end])) ++end;
        out.append(text.substr(i, end - i));
        if (end - i <= 3) {
            // "10 000 000": each following group of exactly three digits belongs to the number.
            while (std::size_t separator = separator_at(end)) {
                std::size_t group = end + separator;
                if (group + 3 > text.size() || !ascii_digit(text[group]) || !ascii_digit(text[group + 1]) ||
                    !ascii_digit(text[group + 2]) || (group + 3 < text.size() && ascii_digit(text[group + 3])))
                    break;
                out.append(text.substr(group, 3));
                end = group + 3;
            }
        }
        i = end;
    }
    return out;
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        std::size_t special = first_of(text, i, escaped);
        out.append(text, i, special - i);
        if ((i = special) == text.size()) break;
        switch (text[i++]) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: break;  // not in `escaped`
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

std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
    if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return limit + 1;
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0], best = row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
            best = std::min(best, row[j]);
        }
        if (best > limit) return limit + 1;
    }
    return row[b.size()];
}

namespace {
// Lower case, with `-`, `_` and blanks as one space.
std::string comparable(std::string_view text) {
    std::string out;
    for (char c : ascii_lower(trim(text))) {
        bool blank = c == '-' || c == '_' || c == ' ' || c == '\t';
        if (blank && (out.empty() || out.back() == ' ')) continue;
        out += blank ? ' ' : c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}
}  // namespace

std::vector<std::string> closest(std::string_view value, const std::vector<std::string>& known, std::size_t max) {
    const std::string wanted = comparable(value);
    if (wanted.empty()) return {};
    const std::size_t limit = std::max<std::size_t>(2, wanted.size() / 3);
    std::vector<std::pair<std::size_t, std::string>> ranked;  // rank, value
    for (const auto& candidate : known) {
        std::string key = comparable(candidate);
        std::string initials;
        bool word_prefix = false;
        for (const auto& word : split(key, ' ')) {
            if (word.size() > 2) initials += word[0];
            word_prefix = word_prefix || word.rfind(wanted, 0) == 0;
        }
        if (initials == wanted) ranked.emplace_back(0, candidate);
        else if (word_prefix || key.rfind(wanted, 0) == 0) ranked.emplace_back(1, candidate);
        else if (std::size_t d = edit_distance(wanted, key, limit); d <= limit) ranked.emplace_back(2 + d, candidate);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> out;
    for (std::size_t i = 0; i < ranked.size() && out.size() < max; ++i)
        if (std::find(out.begin(), out.end(), ranked[i].second) == out.end()) out.push_back(ranked[i].second);
    return out;
}

}  // namespace aides::text
