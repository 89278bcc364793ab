// French analysis: ICU for normalisation and word breaking, Xapian's Snowball for stems.
#include <aides/analysis.hpp>

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <xapian.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <unordered_map>
#include <stdexcept>

#include "analysis/text_utils.hpp"

namespace aides {
namespace {

// Elided articles and pronouns: `l'eau` is indexed as `eau`.
constexpr std::array<std::string_view, 14> elisions = {
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu"};

bool is_elision(std::string_view prefix) {
    return std::find(elisions.begin(), elisions.end(), prefix) != elisions.end();
}

bool is_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return (c & 0x80) == 0; });
}

// Apostrophe look-alikes, mapped to ' before breaking so that elisions are seen.
bool is_apostrophe(UChar32 c) {
    return c == 0x2019 || c == 0x2018 || c == 0x02BC || c == 0x2032 || c == 0x00B4 || c == 0x0060;
}

// Hyphen look-alikes (U+2011 is the non-breaking hyphen of word processors).
bool is_hyphen(UChar32 c) { return c == 0x2010 || c == 0x2011; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_number(std::string_view token) {
    return !token.empty() && is_digit(token.front()) &&
           std::all_of(token.begin(), token.end(), [](char c) { return is_digit(c) || c == '.' || c == ','; });
}

// `1.000.000` (dots between groups of three) is a whole number; any other dot is a decimal
// separator, written `,` as in French: `12.5` = `12,5`.
std::string normalize_number(std::string number) {
    if (number.find('.') == std::string::npos) return number;
    bool thousands = number.find(',') == std::string::npos;
    std::size_t first_dot = number.find('.');
    if (first_dot == 0 || first_dot > 3) thousands = false;
    for (std::size_t dot = first_dot; thousands && dot != std::string::npos; dot = number.find('.', dot + 1)) {
        std::size_t next = number.find('.', dot + 1);
        std::size_t group = (next == std::string::npos ? number.size() : next) - dot - 1;
        if (group != 3) thousands = false;
    }
    if (thousands) number.erase(std::remove(number.begin(), number.end(), '.'), number.end());
    else std::replace(number.begin(), number.end(), '.', ',');
    return number;
}

// The pieces of a token with dots: an acronym (`e.p.c.i` -> `epci`), a number, or several
// words (`ville.fr` -> `ville`, `fr`).
std::vector<std::string> split_dots(const std::string& token) {
    if (token.find('.') == std::string::npos) return {token};
    if (is_number(token)) return {normalize_number(token)};
    std::vector<std::string> pieces;
    bool acronym = true;
    for (std::size_t start = 0; start <= token.size();) {
        std::size_t dot = std::min(token.find('.', start), token.size());
        std::string piece = token.substr(start, dot - start);
        if (!piece.empty()) {
            // One letter, possibly accented (two bytes of UTF-8).
            bool letter = piece.size() == 1 ? !is_digit(piece[0]) : piece.size() == 2 && (piece[0] & 0xE0) == 0xC0;
            acronym = acronym && letter;
            pieces.push_back(std::move(piece));
        }
        start = dot + 1;
    }
    if (acronym && pieces.size() > 1) {
        std::string joined;
        for (const auto& piece : pieces) joined += piece;
        return {joined};
    }
    return pieces;
}

// Plurals the French Snowball stemmer leaves alone: a final `s` after a, i, o, u (`vélos`,
// `revenus`, `abris`) and a final `x` after eu, ou (`lieux`, `jeux`, `bijoux`).
std::optional<std::string> singular(std::string_view word) {
    if (word.size() < 4) return std::nullopt;
    char last = word.back(), before = word[word.size() - 2];
    if (last == 's' && (before == 'a' || before == 'i' || before == 'o' || before == 'u'))
        return std::string(word.substr(0, word.size() - 1));
    if (last == 'x' && before == 'u' && (word[word.size() - 3] == 'e' || word[word.size() - 3] == 'o'))
        return std::string(word.substr(0, word.size() - 1));
    return std::nullopt;
}

}  // namespace

struct Analyzer::Impl {
    const icu::Normalizer2* nfkc_casefold = nullptr;
    const icu::Normalizer2* nfd = nullptr;
    std::unique_ptr<icu::BreakIterator> breaker;
    Xapian::Stem stemmer{"french"};
    // Stems of the words met so far: French text repeats its words, and Snowball is the cost.
    std::unordered_map<std::string, std::vector<std::string>> stem_cache;
    static constexpr std::size_t stem_cache_limit = 1 << 14;  // about 2 MB at most

    Impl() {
        UErrorCode status = U_ZERO_ERROR;
        nfkc_casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
        nfd = icu::Normalizer2::getNFDInstance(status);
        breaker.reset(icu::BreakIterator::createWordInstance(icu::Locale::getFrench(), status));
        if (U_FAILURE(status) || !breaker) throw std::runtime_error("ICU initialisation failed");
    }
    Impl(const Impl& other)
        : nfkc_casefold(other.nfkc_casefold), nfd(other.nfd), breaker(other.breaker->clone()) {}

    // Case-folded, NFKC, ligatures expanded; accents kept.
    icu::UnicodeString casefold(const icu::UnicodeString& text) const {
        UErrorCode status = U_ZERO_ERROR;
        icu::UnicodeString folded = nfkc_casefold->normalize(text, status);
        if (U_FAILURE(status)) return text;
        folded.findAndReplace(u"œ", u"oe").findAndReplace(u"æ", u"ae");
        return folded;
    }

    // Accents off: through a table for Latin letters (what French text holds), through ICU
    // (NFD, marks dropped) for anything else. The table is made by the ICU path itself.
    std::string strip_accents(std::string_view folded_utf8) const {
        if (is_ascii(folded_utf8)) return std::string(folded_utf8);
        static const std::array<std::string, latin_end - latin_begin> latin = [this] {
            std::array<std::string, latin_end - latin_begin> table;
            for (UChar32 c = latin_begin; c < latin_end; ++c) {
                std::string utf8;
                icu::UnicodeString(c).toUTF8String(utf8);
                table[static_cast<std::size_t>(c - latin_begin)] = strip_accents_icu(utf8);
            }
            return table;
        }();
        std::string out;
        out.reserve(folded_utf8.size());
        for (std::size_t i = 0; i < folded_utf8.size(); ++i) {
            auto byte = static_cast<unsigned char>(folded_utf8[i]);
            if (byte < 0x80) {
                out += static_cast<char>(byte);
                continue;
            }
            if ((byte & 0xE0) != 0xC0 || i + 1 >= folded_utf8.size()) return strip_accents_icu(folded_utf8);
            UChar32 c = ((byte & 0x1F) << 6) | (static_cast<unsigned char>(folded_utf8[i + 1]) & 0x3F);
            if (c < latin_begin || c >= latin_end) return strip_accents_icu(folded_utf8);
            out += latin[static_cast<std::size_t>(c - latin_begin)];
            ++i;
        }
        return out;
    }
    static constexpr UChar32 latin_begin = 0xC0, latin_end = 0x250;  // Latin-1 letters to Latin Extended-B

    std::string strip_accents_icu(std::string_view folded_utf8) const {
        UErrorCode status = U_ZERO_ERROR;
        icu::UnicodeString decomposed =
            nfd->normalize(icu::UnicodeString::fromUTF8(folded_utf8), status);
        icu::UnicodeString bare;
        for (int32_t i = 0; i < decomposed.length();) {
            UChar32 c = decomposed.char32At(i);
            if (u_charType(c) != U_NON_SPACING_MARK) bare.append(c);
            i += U16_LENGTH(c);
        }
        std::string out;
        bare.toUTF8String(out);
        return out;
    }

    // Snowball, then the plurals it misses: the same rule for every spelling of a word, so
    // `velos`, `vélos` and `vélo` meet.
    std::string stem(std::string_view word) {
        std::string stemmed = stemmer(std::string(word));
        if (stemmed.size() == word.size() && stemmed == word)
            if (auto one = singular(word)) return stemmer(*one);
        return stemmed;
    }
};

Analyzer::Analyzer() : impl_(std::make_unique<Impl>()) {}
Analyzer::~Analyzer() = default;
Analyzer::Analyzer(const Analyzer& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
Analyzer& Analyzer::operator=(const Analyzer& other) {
    if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
    return *this;
}
Analyzer::Analyzer(Analyzer&&) noexcept = default;
Analyzer& Analyzer::operator=(Analyzer&&) noexcept = default;

std::string Analyzer::fold(std::string_view text) const {
    std::string accented;
    impl_->casefold(icu::UnicodeString::fromUTF8(text)).toUTF8String(accented);
    return impl_->strip_accents(accented);
}

std::vector<Word> Analyzer::words(std::string_view text) const {
    std::vector<Word> out;
    icu::UnicodeString source = icu::UnicodeString::fromUTF8(text::join_digit_groups(text));
    // Apostrophes first (so ICU keeps `l'eau` whole and we can split the elision), then fold.
    for (int32_t i = 0; i < source.length(); ++i) {
        UChar c = source.charAt(i);
        if (is_apostrophe(c)) source.setCharAt(i, u'\'');
        else if (is_hyphen(c)) source.setCharAt(i, u'-');
    }
    icu::UnicodeString folded = impl_->casefold(source);

    icu::BreakIterator& breaker = *impl_->breaker;
    breaker.setText(folded);
    unsigned position = 0;
    int32_t previous_end = -1;
    for (int32_t start = breaker.first(), end = breaker.next(); end != icu::BreakIterator::DONE;
         start = end, end = breaker.next()) {
        if (breaker.getRuleStatus() == UBRK_WORD_NONE) continue;
        icu::UnicodeString piece = folded.tempSubStringBetween(start, end);
        std::string token;
        piece.toUTF8String(token);

        // Elision: keep what follows the apostrophe when the prefix is an elided word.
        if (auto apostrophe = token.find('\''); apostrophe != std::string::npos) {
            if (is_elision(std::string_view(token).substr(0, apostrophe))) token.erase(0, apostrophe + 1);
            else token.erase(apostrophe, 1);  // aujourd'hui -> aujourdhui
            if (token.find('\'') != std::string::npos)
                token.erase(std::remove(token.begin(), token.end(), '\''), token.end());
        }
        // A hyphen right before this token joins it to the previous one (`centre-bourg`).
        bool joined = previous_end >= 0 && start == previous_end + 1 && folded.charAt(previous_end) == u'-';
        previous_end = end;
        auto emit = [&](std::string accented) {
            if (accented.empty()) return;
            Word& word = out.emplace_back();
            word.form = impl_->strip_accents(accented);
            word.accented = std::move(accented);
            word.position = position++;
            word.stopword = is_stopword(word.form);
            word.joined = joined;
            joined = false;
        };
        if (token.find('.') == std::string::npos) emit(std::move(token));
        else
            for (std::string& piece : split_dots(token)) emit(std::move(piece));
    }
    return out;
}

std::string Analyzer::stem(std::string_view form) const { return impl_->stem(form); }

std::vector<Word> Analyzer::compounds(const std::vector<Word>& words) const {
    std::vector<Word> out;
    for (std::size_t begin = 0; begin < words.size();) {
        std::size_t end = begin + 1;
        while (end < words.size() && words[end].joined) ++end;
        if (end - begin > 1) {
            Word& compound = out.emplace_back();
            compound.position = words[begin].position;
            for (std::size_t i = begin; i < end; ++i) {
                compound.form += words[i].form;
                compound.accented += words[i].accented;
            }
        }
        begin = end;
    }
    return out;
}

std::vector<std::string> Analyzer::stems(std::string_view form, std::string_view accented) const {
    std::string key(form);
    if (!accented.empty() && accented != form) (key += '\x1F') += accented;
    if (auto hit = impl_->stem_cache.find(key); hit != impl_->stem_cache.end()) return hit->second;
    // The Snowball stem of an accent-free spelling can differ from the accented one's
    // (mobilites -> mobilit, mobilités -> mobil): keep both, accent-free.
    std::vector<std::string> out{impl_->stem(form)};
    if (!accented.empty() && accented != form) {
        std::string other = impl_->strip_accents(impl_->stem(accented));
        if (other != out.front()) out.push_back(std::move(other));
    }
    if (impl_->stem_cache.size() >= Impl::stem_cache_limit) impl_->stem_cache.clear();
    impl_->stem_cache.emplace(std::move(key), out);
    return out;
}

std::string Analyzer::strip_html(std::string_view html) { return text::strip_html(html); }

}  // namespace aides
