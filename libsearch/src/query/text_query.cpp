#include "query/text_query.hpp"

#include <algorithm>

#include "index/schema.hpp"

namespace aides {

namespace {

struct RawToken {
    std::string text;
    bool quoted = false;
    bool excluded = false;
};

// Splits into groups of raw tokens: `,` separates groups, `"..."` is one token, a leading
// `-` excludes. Malformed input never fails.
std::vector<std::vector<RawToken>> tokenize(std::string_view text) {
    std::vector<std::vector<RawToken>> groups(1);
    std::size_t i = 0;
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (i < text.size()) {
        char c = text[i];
        if (is_space(c)) {
            ++i;
            continue;
        }
        if (c == ',') {
            if (!groups.back().empty()) groups.emplace_back();
            ++i;
            continue;
        }
        RawToken token;
        if (c == '-' && i + 1 < text.size() && !is_space(text[i + 1]) && text[i + 1] != '-' && text[i + 1] != ',') {
            token.excluded = true;
            ++i;
            c = text[i];
        }
        if (c == '"') {
            std::size_t close = text.find('"', i + 1);
            std::size_t end = close == std::string_view::npos ? text.size() : close;
            token.text = std::string(text.substr(i + 1, end - i - 1));
            // A phrase may hold a comma; it does not split groups.
            token.quoted = true;
            i = close == std::string_view::npos ? text.size() : close + 1;
        } else {
            std::size_t end = i;
            while (end < text.size() && !is_space(text[end]) && text[end] != ',' && text[end] != '"') ++end;
            token.text = std::string(text.substr(i, end - i));
            i = end;
        }
        if (!token.text.empty()) groups.back().push_back(std::move(token));
    }
    if (groups.back().empty()) groups.pop_back();
    return groups;
}

}  // namespace

ParsedText parse_text(std::string_view text, const Analyzer& analyzer) {
    if (text.size() > TextLimits::max_bytes) {
        text = text.substr(0, TextLimits::max_bytes);
        while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) text.remove_suffix(1);
        if (!text.empty() && (static_cast<unsigned char>(text.back()) & 0x80)) text.remove_suffix(1);
    }
    ParsedText parsed;
    auto groups = tokenize(text);
    for (auto& tokens : groups) {
        if (parsed.groups.size() >= TextLimits::max_groups) break;
        QueryGroup group;
        for (auto& token : tokens) {
            std::vector<Word> words = analyzer.words(token.text);
            if (words.empty()) continue;
            QueryUnit unit;
            unit.display = token.text;
            unit.phrase = token.quoted || (words.size() > 1);
            if (!unit.phrase && words.front().stopword) {
                parsed.ignored.push_back(words.front().form);
                continue;
            }
            if (unit.phrase && !token.quoted) {
                // Hyphenated or elided pieces ("centre-bourg"): stopwords inside stay.
                bool all_stop = std::all_of(words.begin(), words.end(), [](const Word& w) { return w.stopword; });
                if (all_stop) {
                    for (const auto& w : words) parsed.ignored.push_back(w.form);
                    continue;
                }
            }
            unit.words = std::move(words);
            auto& target = token.excluded ? group.excluded : group.required;
            if (target.size() < TextLimits::max_units) target.push_back(std::move(unit));
        }
        // A group of exclusions only has nothing to exclude from: drop it.
        if (!group.required.empty()) parsed.groups.push_back(std::move(group));
    }
    return parsed;
}

Xapian::Query TextQueryBuilder::word(const Word& w) const {
    std::vector<Xapian::Query> stems;
    for (const auto& s : analyzer_.stems(w.form, w.accented)) stems.emplace_back(schema::term(schema::stem, s));
    Xapian::Query by_stem(Xapian::Query::OP_SYNONYM, stems.begin(), stems.end());
    if (w.stopword) return Xapian::Query(w.form);  // stopwords have no stem terms
    // The exact accent-free form scores a little more than another word of the same stem.
    return Xapian::Query(Xapian::Query::OP_OR, by_stem, Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(w.form), 0.25));
}

Xapian::Query TextQueryBuilder::expansion(const std::vector<Synonyms::Phrase>& alternatives) const {
    std::vector<Xapian::Query> others;
    for (const auto& alternative : alternatives) {
        std::vector<Xapian::Query> parts;
        for (const auto& form : alternative) {
            Word w;
            w.form = form;
            parts.push_back(word(w));
        }
        others.emplace_back(Xapian::Query::OP_AND, parts.begin(), parts.end());
    }
    // Synonym matches rank below exact ones.
    return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(Xapian::Query::OP_OR, others.begin(), others.end()), 0.5);
}

Xapian::Query TextQueryBuilder::unit(const QueryUnit& u, bool expand) const {
    Xapian::Query base;
    if (u.phrase) {
        std::vector<Xapian::Query> terms;
        for (const auto& w : u.words) terms.emplace_back(w.form);
        base = terms.size() == 1 ? terms.front() : Xapian::Query(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(), static_cast<Xapian::termcount>(terms.size()));
    } else {
        base = word(u.words.front());
    }
    if (!expand || synonyms_.empty()) return base;
    Synonyms::Phrase key;
    for (const auto& w : u.words)
        if (!w.stopword) key.push_back(w.form);
    const auto& alternatives = synonyms_.expansions(key);
    if (alternatives.empty()) return base;
    return Xapian::Query(Xapian::Query::OP_OR, base, expansion(alternatives));
}

Xapian::Query TextQueryBuilder::group(const QueryGroup& g, const std::vector<bool>& keep) const {
    std::vector<Xapian::Query> required;
    const auto& units = g.required;
    auto kept = [&](std::size_t i) { return keep.empty() || keep[i]; };
    for (std::size_t i = 0; i < units.size();) {
        if (!kept(i)) {
            ++i;
            continue;
        }
        // A run of plain words may be a several-word synonym key ("petites villes demain").
        std::size_t matched = 0;
        for (std::size_t length = std::min(synonyms_.longest_key(), units.size() - i); length >= 2 && !matched; --length) {
            Synonyms::Phrase key;
            bool plain = true;
            for (std::size_t k = i; k < i + length; ++k) {
                if (!kept(k) || units[k].phrase) plain = false;
                else key.push_back(units[k].words.front().form);
            }
            if (!plain) continue;
            const auto& alternatives = synonyms_.expansions(key);
            if (alternatives.empty()) continue;
            std::vector<Xapian::Query> parts;
            for (std::size_t k = i; k < i + length; ++k) parts.push_back(unit(units[k], false));
            required.emplace_back(Xapian::Query::OP_OR, Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end()),
                                  expansion(alternatives));
            matched = length;
        }
        if (matched) {
            i += matched;
        } else {
            required.push_back(unit(units[i]));
            ++i;
        }
    }
    Xapian::Query query(Xapian::Query::OP_AND, required.begin(), required.end());
    if (!g.excluded.empty()) {
        std::vector<Xapian::Query> excluded;
        for (const auto& u : g.excluded) excluded.push_back(unit(u, false));
        query = Xapian::Query(Xapian::Query::OP_AND_NOT, query, Xapian::Query(Xapian::Query::OP_OR, excluded.begin(), excluded.end()));
    }
    return query;
}

std::vector<std::string> TextQueryBuilder::match_terms(const QueryUnit& u) const {
    std::vector<std::string> out;
    for (const auto& w : u.words) {
        out.push_back(w.form);
        if (!w.stopword)
            for (const auto& s : analyzer_.stems(w.form, w.accented)) out.push_back(schema::term(schema::stem, s));
    }
    return out;
}

}  // namespace aides
