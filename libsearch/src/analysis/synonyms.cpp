#include "analysis/synonyms.hpp"

#include <aides/errors.hpp>

#include <algorithm>

#include "analysis/text_utils.hpp"

namespace aides {

Synonyms Synonyms::parse(std::string_view text, const std::string& source, const Analyzer& analyzer) {
    Synonyms synonyms;
    synonyms.text_ = std::string(text);
    // An entry: its words without stopwords, and how many positions they cover with the
    // stopwords between them (`coeur de bourg`: coeur, bourg over 3).
    auto phrase_of = [&](std::string_view words) {
        Alternative phrase;
        std::vector<Word> analysed = analyzer.words(words);
        unsigned first = 0, last = 0;
        for (const Word& word : analysed) {
            if (word.stopword) continue;
            if (phrase.forms.empty()) first = word.position;
            last = word.position;
            phrase.forms.push_back(word.form);
        }
        phrase.span = phrase.forms.empty() ? 0 : last - first + 1;
        return phrase;
    };
    auto stems_of = [&](const Phrase& forms) {
        Phrase stems;
        for (const auto& form : forms) stems.push_back(analyzer.stem(form));
        return stems;
    };
    auto add = [&](const Alternative& key_phrase, const Alternative& alternative) {
        Phrase key = stems_of(key_phrase.forms);
        if (key.empty() || alternative.forms.empty() || key == stems_of(alternative.forms)) return;
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
        if (line.front() == '!') {
            for (const auto& member : text::split(line.substr(1), ','))
                for (const auto& form : phrase_of(member).forms) synonyms.generic_.insert(analyzer.stem(form));
        } else if (auto arrow = line.find("~>"); arrow != std::string_view::npos) {
            Alternative key = phrase_of(line.substr(0, arrow));
            std::vector<std::string> targets = text::split(line.substr(arrow + 2), ',');
            if (key.forms.empty() || targets.empty()) throw DataError("a related-terms rule needs words on both sides of ~>", source, number);
            for (const auto& target : targets) {
                Alternative related = phrase_of(target);
                related.related = true;
                add(key, related);
            }
        } else if (auto arrow = line.find("=>"); arrow != std::string_view::npos) {
            Alternative key = phrase_of(line.substr(0, arrow));
            std::vector<std::string> targets = text::split(line.substr(arrow + 2), ',');
            if (key.forms.empty() || targets.empty()) throw DataError("a one-way rule needs words on both sides of =>", source, number);
            for (const auto& target : targets) add(key, phrase_of(target));
        } else {
            std::vector<Alternative> group;
            for (const auto& member : text::split(line, ',')) {
                Alternative phrase = phrase_of(member);
                if (!phrase.forms.empty()) group.push_back(std::move(phrase));
            }
            if (group.size() < 2) throw DataError("a synonym group needs two entries or more", source, number);
            for (const auto& a : group)
                for (const auto& b : group) add(a, b);
        }
    }
    return synonyms;
}

void Synonyms::extend(const Synonyms& other) {
    if (!other.text_.empty()) text_ += (text_.empty() || text_.back() == '\n' ? "" : "\n") + other.text_;
    for (const auto& [key, alternatives] : other.rules_) {
        auto& list = rules_[key];
        for (const auto& a : alternatives)
            if (std::find(list.begin(), list.end(), a) == list.end()) list.push_back(a);
    }
    longest_ = std::max(longest_, other.longest_);
    generic_.insert(other.generic_.begin(), other.generic_.end());
}

const std::vector<Synonyms::Alternative>& Synonyms::expansions(const Phrase& stems) const {
    static const std::vector<Alternative> none;
    auto it = rules_.find(stems);
    return it == rules_.end() ? none : it->second;
}

}  // namespace aides
