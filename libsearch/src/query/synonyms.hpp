#pragma once
// The synonym dictionary: rules parsed once, matched on analysed word forms.
#include <aides/analysis.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace aides {

class Synonyms {
  public:
    using Phrase = std::vector<std::string>;  // analysed forms, stopwords removed

    /** Parses synonyms.txt (see corpus/README.md). @throws DataError with source and line. */
    static Synonyms parse(std::string_view text, const std::string& source, const Analyzer& analyzer);
    const std::string& text() const { return text_; }
    bool empty() const { return rules_.empty(); }
    /** Longest key phrase among the lengths present (bounds the matching window). */
    std::size_t longest_key() const { return longest_; }
    /** The alternatives for a phrase of forms; empty when it is not a key. */
    const std::vector<Phrase>& expansions(const Phrase& key) const;

  private:
    std::string text_;
    std::map<Phrase, std::vector<Phrase>> rules_;
    std::size_t longest_ = 0;
};

}  // namespace aides
