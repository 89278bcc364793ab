#pragma once
// Snippets: about 30 words of an aid's description (its eligibility when it has none) around the
// first word the query matches, matched words marked <mark>, everything else HTML-escaped.
#include <aides/analysis.hpp>
#include <aides/aid.hpp>

#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

namespace aides {

/** The snippets of one search's page. What it learns of a token (does it match the query?) serves
 *  every hit of the page: descriptions share most of their words. Not thread-safe. */
class SnippetMaker {
  public:
    /** `terms`: every term the query can match (TextQueryBuilder::match_terms). */
    SnippetMaker(const std::set<std::string>& terms, const Analyzer& analyzer);
    std::string make(const Aid& aid);

  private:
    bool word_matches(const Word& w) const;
    /** A plain word whose first letter begins no query term. */
    bool cannot_match(std::string_view token) const;
    /** 0: not a plain word (the analyser must read it); 1: a word that cannot match; 2: a word,
     *  `w` filled as the analyser would fill it. */
    int plain_word(std::string_view token, Word& w) const;
    /** Whether a token holds a matching word, through the analyser if need be; remembered. */
    bool token_matches(std::string_view token);

    const std::set<std::string>& terms_;
    const Analyzer& analyzer_;
    bool initial_[256] = {}, stem_initial_[256] = {};
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, bool, Hash, std::equal_to<>> known_;  // token -> matches
    Word scratch_;
};

}  // namespace aides
