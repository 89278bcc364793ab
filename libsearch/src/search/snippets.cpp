#include "search/snippets.hpp"

#include <array>
#include <vector>

#include "analysis/text_utils.hpp"
#include "index/schema.hpp"

namespace aides {

// Snippets cost more than the match when every word of every description goes through the
// analyser, so: a token of letters and digits is read as the one word it is, without the
// analyser's per-call cost, and dismissed at once when no query term starts with its first letter
// (a French Snowball stem keeps its word's first letter); one analyser call for all the other
// tokens tells whether anything matches at all (usually not: the words were in the name); then
// only the tokens up to the first match and those of the window, each distinct token once per
// page.
SnippetMaker::SnippetMaker(const std::set<std::string>& terms, const Analyzer& analyzer) : terms_(terms), analyzer_(analyzer) {
    for (const auto& t : terms) {
        bool stem = t.size() > schema::stem.size() && t.compare(0, schema::stem.size(), schema::stem) == 0;
        auto first = static_cast<unsigned char>(t.empty() ? 0 : t[stem ? schema::stem.size() : 0]);
        initial_[first] = true;
        if (stem) stem_initial_[first] = true;
    }
}

bool SnippetMaker::word_matches(const Word& w) const {
    if (terms_.count(w.form)) return true;
    if (w.stopword || w.form.empty() || !stem_initial_[static_cast<unsigned char>(w.form[0])]) return false;
    for (const auto& s : analyzer_.stems(w.form, w.accented))
        if (terms_.count(schema::term(schema::stem, s))) return true;
    return false;
}

namespace {
constexpr auto punctuation = [] {
    std::array<bool, 256> table{};
    for (char c : std::string_view(",;:!?()[]\"'")) table[static_cast<unsigned char>(c)] = true;
    return table;
}();
// ASCII letters and digits (not the C locale's functions: a call each, on every byte of a page).
constexpr auto alphanumeric = [] {
    std::array<bool, 256> table{};
    for (int c = 0; c < 256; ++c) table[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return table;
}();
constexpr char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }
// Base letter of U+00C0..U+00FF (second UTF-8 byte 0x80..0xBF); 0: not a plain accented letter.
constexpr char base[65] = "AAAAAA\0CEEEEIIII\0NOOOOO\0\0UUUUY\0\0aaaaaa\0ceeeeiiii\0nooooo\0\0uuuuy\0y";
}  // namespace

bool SnippetMaker::cannot_match(std::string_view token) const {
    // The first character of a plain token (as plain_word reads it), without reading further: a
    // letter no query term starts with settles most tokens before any look-up.
    std::size_t i = 0;
    while (i < token.size() && punctuation[static_cast<unsigned char>(token[i])]) ++i;
    if (i == token.size()) return false;
    auto c = static_cast<unsigned char>(token[i]);
    char letter = 0;
    if (alphanumeric[c]) letter = lower(static_cast<char>(c));
    else if (c == 0xC3 && i + 1 < token.size()) {
        auto second = static_cast<unsigned char>(token[i + 1]);
        if (second >= 0x80 && second <= 0xBF) letter = lower(base[second - 0x80]);
    }
    if (!letter || initial_[static_cast<unsigned char>(letter)]) return false;
    // Not an initial of the query: only a plain word may be dismissed (the analyser may read
    // another token as several words).
    Word ignored;
    return plain_word(token, ignored) == 1;
}

int SnippetMaker::plain_word(std::string_view token, Word& w) const {
    // A token of letters and digits, Latin-1 accents included (punctuation around it aside), is
    // one word: its form the token in lower case without accents, as the analyser would say.
    while (!token.empty() && punctuation[static_cast<unsigned char>(token.front())]) token.remove_prefix(1);
    while (!token.empty() && (punctuation[static_cast<unsigned char>(token.back())] || token.back() == '.')) token.remove_suffix(1);
    if (token.empty()) return 0;
    char first = 0;
    for (std::size_t i = 0; i < token.size(); ++i) {
        auto c = static_cast<unsigned char>(token[i]);
        char letter;
        if (c < 0x80) {
            if (!alphanumeric[c]) return 0;
            letter = static_cast<char>(c);
        } else if (c == 0xC3 && i + 1 < token.size()) {
            auto second = static_cast<unsigned char>(token[++i]);
            if (second < 0x80 || second > 0xBF || base[second - 0x80] == 0) return 0;
            letter = base[second - 0x80];
        } else {
            return 0;
        }
        if (!first) first = lower(letter);
    }
    if (!initial_[static_cast<unsigned char>(first)]) return 1;
    w.form.clear();
    w.accented.clear();
    for (std::size_t i = 0; i < token.size(); ++i) {
        auto c = static_cast<unsigned char>(token[i]);
        if (c < 0x80) {
            char folded = lower(static_cast<char>(c));
            w.form += folded;
            w.accented += folded;
        } else {
            auto second = static_cast<unsigned char>(token[++i]);
            w.form += lower(base[second - 0x80]);
            w.accented += '\xC3';
            w.accented += static_cast<char>(second < 0xA0 ? second + 0x20 : second);
        }
    }
    w.stopword = Analyzer::is_stopword(w.form);
    return 2;
}

bool SnippetMaker::token_matches(std::string_view token) {
    if (cannot_match(token)) return false;
    if (auto it = known_.find(token); it != known_.end()) return it->second;
    bool matches = false;
    int plain = plain_word(token, scratch_);
    if (plain == 2) matches = word_matches(scratch_);
    else if (plain == 0)
        for (const Word& w : analyzer_.words(token))
            if (word_matches(w)) matches = true;
    known_.emplace(token, matches);
    return matches;
}

std::string SnippetMaker::make(const Aid& aid) {
    std::string plain = text::strip_html(aid.description.empty() ? aid.eligibility : aid.description);
    // Tokens between blanks: ASCII white space, and the no-break space (U+00A0, C2 A0) as one
    // character, never its bytes alone (they begin «, ° and other characters too).
    std::vector<std::string_view> tokens;  // into `plain`
    auto blank_at = [&](std::size_t i) -> std::size_t {  // the blank's length at i, 0 if none
        char c = plain[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return 1;
        return c == '\xC2' && i + 1 < plain.size() && plain[i + 1] == '\xA0' ? 2 : 0;
    };
    tokens.reserve(plain.size() / 4 + 1);  // French words and their spaces take about 6 bytes: room enough
    for (std::size_t i = 0; i < plain.size();) {
        if (std::size_t blank = blank_at(i)) {
            i += blank;
            continue;
        }
        std::size_t end = i;
        while (end < plain.size() && !blank_at(end)) ++end;
        tokens.emplace_back(plain.data() + i, end - i);
        i = end;
    }
    constexpr std::size_t window = 30;
    bool any = false;
    if (!terms_.empty()) {
        std::string others;  // tokens the analyser must read, unknown so far
        for (const auto& token : tokens) {
            if (cannot_match(token)) continue;
            if (auto it = known_.find(token); it != known_.end()) {
                if ((any = it->second)) break;
                continue;
            }
            int kind = plain_word(token, scratch_);
            if (kind == 0) {
                others += token;
                others += ' ';  // words never span a space: one call reads them all
                continue;
            }
            bool matches = kind == 2 && word_matches(scratch_);
            known_.emplace(token, matches);
            if ((any = matches)) break;
        }
        std::unordered_map<std::string, bool> seen;  // accented spelling -> matches
        if (!any)
            for (const Word& w : analyzer_.words(others)) {
                auto [it, added] = seen.try_emplace(w.accented, false);
                if (added) it->second = word_matches(w);
                if ((any = it->second)) break;
            }
    }
    std::size_t first = tokens.size();
    if (any)
        for (std::size_t i = 0; i < tokens.size() && first == tokens.size(); ++i)
            if (token_matches(tokens[i])) first = i;
    std::size_t begin = first == tokens.size() || first < 8 ? 0 : first - 8;
    std::size_t end = std::min(tokens.size(), begin + window);
    std::string out = begin > 0 ? "… " : "";
    for (std::size_t i = begin; i < end; ++i) {
        if (i > begin) out += ' ';
        bool marked = any && token_matches(tokens[i]);
        if (marked) out += "<mark>";
        out += text::html_escape(tokens[i]);
        if (marked) out += "</mark>";
    }
    if (end < tokens.size()) out += " …";
    return out;
}

}  // namespace aides
