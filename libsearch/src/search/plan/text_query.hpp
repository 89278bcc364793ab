#pragma once
// The text of a search: parsed into OR-groups of required units and exclusions, then turned
// into the plan's expressions (stems, accent-free forms, synonyms, phrases, relaxation).
#include <aides/analysis.hpp>

#include <string>
#include <vector>

#include "analysis/synonyms.hpp"
#include "search/plan/expr.hpp"

namespace aides {

/** A required unit of a group: a word, a phrase, or a run of words that is a synonym key. */
struct QueryUnit {
    std::string display;          ///< as the user typed it, for `missing`
    std::vector<Word> words;      ///< analysed words
    bool phrase = false;          ///< quoted or hyphenated: words must be adjacent
    bool quoted = false;          ///< typed in quotes: no synonyms
};

struct QueryGroup {
    std::vector<QueryUnit> required;
    std::vector<QueryUnit> excluded;
};

struct ParsedText {
    std::vector<QueryGroup> groups;
    std::vector<std::string> ignored;  ///< stopwords dropped
    bool empty() const { return groups.empty(); }
};

/** Limits that keep hostile queries bounded (documented in docs/reliability.md). */
struct TextLimits {
    static constexpr std::size_t max_bytes = 4096;   ///< longer text is cut at a word boundary
    static constexpr std::size_t max_groups = 32;    ///< further OR-groups are dropped
    static constexpr std::size_t max_units = 16;     ///< per group
};

/** Parses the contract's query syntax, leniently: an unbalanced quote closes at the end, a
 *  lone `-` is ignored, typographic quotes (“ ” « ») quote, a group of exclusions only keeps
 *  everything else. Stopwords outside quotes are dropped into `ignored`. */
ParsedText parse_text(std::string_view text, const Analyzer& analyzer);

/** Builds the expressions of parsed text. */
class TextQueryBuilder {
  public:
    TextQueryBuilder(const Analyzer& analyzer, const Synonyms& synonyms) : analyzer_(analyzer), synonyms_(synonyms) {}

    /** A unit: its stems and accent-free forms (exact forms weigh a little more), or a phrase;
     *  with synonyms when `expand`. */
    plan::Expr unit(const QueryUnit& unit, bool expand = true) const;
    /** AND of the units of a group minus its exclusions; `keep` selects units (all if empty). */
    plan::Expr group(const QueryGroup& group, const std::vector<bool>& keep = {}) const;
    /** Units [begin, end) of a group that together are a key of the dictionary
     *  (`piste cyclable`): matched as a phrase of their words, or as its synonyms. */
    struct Run {
        std::size_t begin = 0, end = 0;
    };
    /** The runs of kept plain units that are keys, longest first from the left. */
    std::vector<Run> synonym_runs(const QueryGroup& group, const std::vector<bool>& keep = {}) const;
    /** A run's query: its words, or its synonyms. */
    plan::Expr run(const QueryGroup& group, const Run& run) const;
    const Synonyms& synonyms() const { return synonyms_; }
    const Analyzer& analyzer() const { return analyzer_; }
    /** Every term a unit can match, for highlighting and explanations. */
    std::vector<std::string> match_terms(const QueryUnit& unit) const;

    /** The forms a phrase accepts at a word's position: the word and its other number. */
    static std::vector<std::string> number_variants(const Word& word);

  private:
    plan::Expr word_stems(const Word& word) const;
    plan::Expr word(const Word& word) const;
    plan::Expr alternative(const Synonyms::Alternative& alternative) const;
    plan::Expr with_synonyms(const plan::Expr& matcher, const plan::Expr& exact,
                                const std::vector<Synonyms::Alternative>& alternatives) const;
    const Analyzer& analyzer_;
    const Synonyms& synonyms_;

  public:
    /** A related term's weight relative to a synonym's (exact > synonym > related). */
    static constexpr double related_weight = 0.5;
};

}  // namespace aides
