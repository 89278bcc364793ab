#pragma once
/** @file analysis.hpp
 *  @brief French text analysis, the same at index and query time: HTML stripping, Unicode
 *  normalisation (NFKC, case folding, accents and ligatures), ICU word breaking, elisions,
 *  acronyms, numbers, stopwords and Snowball French stems that survive missing accents.
 */
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace aides {

/** @brief A word of a text after analysis. */
struct Word {
    std::string form;        ///< lower case, no accents, no ligatures: `coeur`, `mobilites`
    std::string accented;    ///< lower case with accents kept: `mobilités` (for stemming)
    unsigned position = 0;   ///< 0-based word position in the text
    bool stopword = false;   ///< a French stopword (`de`, `la`...): kept for phrases, not searched alone
    bool joined = false;     ///< joined to the previous word by a hyphen (`centre-bourg`)
};

/** @brief The analyser. Not thread-safe: use one per thread (they are cheap to copy). */
class Analyzer {
  public:
    /** @brief An analyser with its own word breaker and stemmer. */
    Analyzer();
    ~Analyzer();  ///< releases the breaker and the stemmer
    Analyzer(const Analyzer&);             ///< an independent copy, for another thread
    Analyzer& operator=(const Analyzer&);  ///< as the copy constructor
    Analyzer(Analyzer&&) noexcept;             ///< the moved-from analyser may only be destroyed or assigned
    Analyzer& operator=(Analyzer&&) noexcept;  ///< as the move constructor

    /** @brief The words of a plain text, in order.
     *
     *  Apostrophe and hyphen look-alikes are unified, then NFKC + case folding, `œ` -> `oe`,
     *  `æ` -> `ae`; ICU breaks words. Elided articles and pronouns go (`l'eau` -> `eau`,
     *  `jusqu'à` -> `à`); dotted acronyms join (`E.P.C.I.` -> `epci`); other dotted tokens
     *  split (`ville.fr`); numbers lose their thousands separators (`10 000`, `10.000` ->
     *  `10000`) and write decimals with a comma (`12.5` -> `12,5`); `%` and other symbols
     *  are not words. Stopwords are kept (flagged) so that phrases and positions hold. */
    std::vector<Word> words(std::string_view text) const;
    /** @brief The stem terms of one analysed word form: the stems of its accented and its
     *  accent-free spellings, accent-free (one or two strings). `accented` is the word as
     *  written (folded), or empty when only the form is known. */
    std::vector<std::string> stems(std::string_view form, std::string_view accented = {}) const;
    /** @brief The stem of an accent-free word form (Snowball French, plus the plurals it
     *  leaves alone: `velos` -> `velo`, `lieux` -> `lieu`); always the first of stems(). */
    std::string stem(std::string_view form) const;
    /** @brief The hyphenated words of words(), each run joined into one word, so that either
     *  spelling finds the other: `vidéo-protection` -> `videoprotection`, `éco-quartier` ->
     *  `ecoquartier`. Each takes the position of its first part and is never a stopword. */
    std::vector<Word> compounds(const std::vector<Word>& words) const;
    /** @brief Lower case, accents and ligatures removed, NFKC: `Cœur` -> `coeur`. */
    std::string fold(std::string_view text) const;

    /** @brief Removes HTML tags and decodes entities, keeping word boundaries. */
    static std::string strip_html(std::string_view html);
    /** @brief True for a French stopword (given in folded form). */
    static bool is_stopword(std::string_view folded);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace aides
