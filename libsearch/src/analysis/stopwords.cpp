// French stopwords (folded, accent-free): dropped from queries, kept in the index for phrases.
#include <aides/analysis.hpp>

#include <algorithm>
#include <array>

namespace aides {
namespace {
// Sorted for binary search. Articles, prepositions, pronouns, auxiliaries, conjunctions.
constexpr std::array<std::string_view, 120> stopwords = {
    "a", "afin", "ai", "aient", "ainsi", "as", "au", "aucun", "aupres", "aussi", "autre", "aux",
    "avec", "avoir", "c", "ce", "ceci", "cela", "celle", "celles", "celui", "ces", "cet", "cette",
    "ceux", "chaque", "comme", "d", "dans", "de", "des", "donc", "dont", "du", "elle", "elles",
    "en", "entre", "est", "et", "etaient", "etait", "ete", "etre", "eu", "eux", "il", "ils", "j",
    "je", "l", "la", "le", "les", "leur", "leurs", "lors", "lui", "m", "ma", "mais", "me", "meme",
    "mes", "moi", "mon", "n", "ne", "ni", "nos", "notre", "nous", "on", "ont", "or", "ou", "par",
    "pas", "peu", "peut", "plus", "pour", "qu", "quand", "que", "quel", "quelle", "qui", "s",
    "sa", "sans", "se", "selon", "ses", "si", "son", "sont", "sous", "sur", "t", "ta", "te",
    "tes", "toi", "ton", "tous", "tout", "toute", "toutes", "tu", "un", "une", "unes", "uns",
    "vers", "via", "vos", "votre", "vous", "y"};
}  // namespace

bool Analyzer::is_stopword(std::string_view folded) {
    constexpr std::size_t longest = 7;  // "etaient": longer words are never stopwords
    return folded.size() <= longest && std::binary_search(stopwords.begin(), stopwords.end(), folded);
}

}  // namespace aides
