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

}  // namespace

struct Analyzer::Impl {
    const icu::Normalizer2* nfkc_casefold = nullptr;
    const icu::Normalizer2* nfd = nullptr;
    std::unique_ptr<icu::BreakIterator> breaker;
    Xapian::Stem stemmer{"french"};

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

    std::string strip_accents(std::string_view folded_utf8) const {
        if (is_ascii(folded_utf8)) return std::string(folded_utf8);
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

    std::string stem(std::string_view word) { return stemmer(std::string(word)); }
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
    icu::UnicodeString source = icu::UnicodeString::fromUTF8(text);
    // Apostrophes first (so ICU keeps `l'eau` whole and we can split the elision), then fold.
    for (int32_t i = 0; i < source.length(); ++i)
        if (is_apostrophe(source.charAt(i))) source.setCharAt(i, u'\'');
    icu::UnicodeString folded = impl_->casefold(source);

    icu::BreakIterator& breaker = *impl_->breaker;
    breaker.setText(folded);
    unsigned position = 0;
    int32_t previous_end = -1;
    for (int32_t start = breaker.first(), end = breaker.next(); end != icu::BreakIterator::DONE;
         start = end, end = breaker.next()) {
        if (breaker.getRuleStatus() == UBRK_WORD_NONE) continue;
        icu::UnicodeString piece = folded.tempSubStringBetween(start, end);
        std::string accented;
        piece.toUTF8String(accented);

        // Elision: keep what follows the apostrophe when the prefix is an elided word.
        if (auto apostrophe = accented.find('\''); apostrophe != std::string::npos) {
            std::string prefix = accented.substr(0, apostrophe);
            if (is_elision(prefix)) accented.erase(0, apostrophe + 1);
            else accented.erase(apostrophe, 1);  // aujourd'hui -> aujourdhui
            if (accented.find('\'') != std::string::npos)
                accented.erase(std::remove(accented.begin(), accented.end(), '\''), accented.end());
        }
        // Acronyms with dots (`e.p.c.i`) and decimal separators join up.
        if (accented.find('.') != std::string::npos)
            accented.erase(std::remove(accented.begin(), accented.end(), '.'), accented.end());
        if (accented.empty()) continue;

        Word word;
        word.form = impl_->strip_accents(accented);
        word.accented = std::move(accented);
        word.position = position++;
        word.stopword = is_stopword(word.form);
        // A hyphen right before this word joins it to the previous one (`centre-bourg`).
        word.joined = previous_end >= 0 && start == previous_end + 1 && folded.charAt(previous_end) == u'-';
        previous_end = end;
        out.push_back(std::move(word));
    }
    return out;
}

std::vector<std::string> Analyzer::stems(std::string_view form, std::string_view accented) const {
    // The Snowball stem of an accent-free spelling can differ from the accented one's
    // (mobilites -> mobilit, mobilités -> mobil): keep both, accent-free.
    std::vector<std::string> out{impl_->stem(form)};
    if (!accented.empty() && accented != form) {
        std::string other = impl_->strip_accents(impl_->stem(accented));
        if (other != out.front()) out.push_back(std::move(other));
    }
    return out;
}

std::string Analyzer::strip_html(std::string_view html) { return text::strip_html(html); }

}  // namespace aides
