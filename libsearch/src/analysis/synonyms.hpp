#pragma once
// The synonym dictionary: rules parsed once, matched on analysed word forms.
#include <aides/analysis.hpp>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace aides {

/** Rules are keyed on stems (so `velos` finds the rule of `vélo`) and expand into forms. */
class Synonyms {
  public:
    using Phrase = std::vector<std::string>;  // analysed forms or their stems, stopwords removed
    /** What a key expands into: its words in order, within `span` positions (the stopwords
     *  between them count: `coeur de bourg` is {coeur, bourg} over 3). */
    struct Alternative {
        Phrase forms;
        unsigned span = 1;
        bool related = false;  ///< a related term (`a ~> b`): matches too, weighs less than a synonym
        bool operator==(const Alternative&) const = default;
    };

    /** Parses synonyms.txt (see corpus/README.md). @throws DataError with source and line. */
    static Synonyms parse(std::string_view text, const std::string& source, const Analyzer& analyzer);
    /** Adds the rules of `other` (a librarian's file over the shipped dictionary). */
    void extend(const Synonyms& other);
    /** Whether a word (by its stem) says what is done rather than on what (`aménagement`,
     *  `rénovation`, `création`: `! a, b` lines): it weighs less in a partial match. */
    bool generic(const std::string& stem) const { return generic_.count(stem) > 0; }
    /** Number of rules' keys. */
    std::size_t size() const { return rules_.size(); }
    const std::string& text() const { return text_; }
    bool empty() const { return rules_.empty(); }
    /** Longest key phrase among the lengths present (bounds the matching window). */
    std::size_t longest_key() const { return longest_; }
    /** The alternatives (phrases of forms) for a phrase of stems (Analyzer::stem of each
     *  non-stopword form); empty when it is not a key. */
    const std::vector<Alternative>& expansions(const Phrase& stems) const;

  private:
    std::string text_;
    std::map<Phrase, std::vector<Alternative>> rules_;
    std::set<std::string> generic_;
    std::size_t longest_ = 0;
};

}  // namespace aides
