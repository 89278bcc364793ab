#include "query/synonyms.hpp"

#include <aides/errors.hpp>

#include <algorithm>

#include "analysis/text_utils.hpp"

namespace aides {

Synonyms Synonyms::parse(std::string_view text, const std::string& source, const Analyzer& analyzer) {
    Synonyms synonyms;
    synonyms.text_ = std::string(text);
    auto phrase_of = [&](std::string_view words) {
        Phrase phrase;
        for (const Word& word : analyzer.words(words))
            if (!word.stopword) phrase.push_back(word.form);
        return phrase;
    };
    auto add = [&](const Phrase& key, const Phrase& alternative) {
        if (key.empty() || alternative.empty() || key == alternative) return;
        auto& list = synonyms.rules_[key];
        if (std::find(list.begin(), list.end(), alternative) == list.end()) list.push_back(alternative);
        synonyms.longest_ = std::max(synonyms.longest_, key.size());
    };
    std::size_t number = 0;
    for (std::string_view rest = text; !rest.empty();) {
        std::size_t end = rest.find('\n');
        std::string_view line = rest.substr(0, end);
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
        ++number;
        if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
        line = text::trim(line);
        if (line.empty()) continue;
        if (auto arrow = line.find("=>"); arrow != std::string_view::npos) {
            Phrase key = phrase_of(line.substr(0, arrow));
            std::vector<std::string> targets = text::split(line.substr(arrow + 2), ',');
            if (key.empty() || targets.empty()) throw DataError("a one-way rule needs words on both sides of =>", source, number);
            for (const auto& target : targets) add(key, phrase_of(target));
        } else {
            std::vector<Phrase> group;
            for (const auto& member : text::split(line, ',')) {
                Phrase phrase = phrase_of(member);
                if (!phrase.empty()) group.push_back(std::move(phrase));
            }
            if (group.size() < 2) throw DataError("a synonym group needs two entries or more", source, number);
            for (const auto& a : group)
                for (const auto& b : group) add(a, b);
        }
    }
    return synonyms;
}

const std::vector<Synonyms::Phrase>& Synonyms::expansions(const Phrase& key) const {
    static const std::vector<Phrase> none;
    auto it = rules_.find(key);
    return it == rules_.end() ? none : it->second;
}

}  // namespace aides
