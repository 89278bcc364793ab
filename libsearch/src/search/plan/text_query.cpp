#include "search/plan/text_query.hpp"

#include <algorithm>
#include <cctype>

#include "analysis/text_utils.hpp"
#include "index/schema.hpp"

namespace aides {

using plan::Expr;
using Op = Expr::Op;

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

// Typographic quotes become `"`, no-break and thin spaces become spaces, and numbers lose
// their thousands separators (as the analyser does), before the syntax is read.
std::string normalize_query(std::string_view text) {
    static constexpr std::pair<std::string_view, std::string_view> replacements[] = {
        {"\u201C", "\""}, {"\u201D", "\""}, {"\u201E", "\""}, {"\u201F", "\""}, {"\u00AB", "\""}, {"\u00BB", "\""},
        {"\u00A0", " "},  {"\u202F", " "},  {"\u2009", " "},  {"\u2002", " "},  {"\u2003", " "}, {"\u3000", " "},
        {"\uFF02", "\""}, {"\uFF0C", ","},  {"\u2212", "-"},
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        bool replaced = false;
        if (static_cast<unsigned char>(text[i]) >= 0x80) {
            for (auto [from, to] : replacements) {
                if (text.substr(i, from.size()) == from) {
                    out += to;
                    i += from.size();
                    replaced = true;
                    break;
                }
            }
        }
        if (!replaced) out += text[i++];
    }
    return text::join_digit_groups(out);
}

}  // namespace

ParsedText parse_text(std::string_view raw, const Analyzer& analyzer) {
    if (raw.size() > TextLimits::max_bytes) {
        raw = raw.substr(0, TextLimits::max_bytes);
        while (!raw.empty() && (static_cast<unsigned char>(raw.back()) & 0xC0) == 0x80) raw.remove_suffix(1);
        if (!raw.empty() && (static_cast<unsigned char>(raw.back()) & 0x80)) raw.remove_suffix(1);
    }
    std::string text = normalize_query(raw);
    // Markup is not words (`<script>alert(1)</script>` asks for nothing): tags go as in the text.
    for (std::size_t lt = text.find('<'); lt != std::string::npos; lt = text.find('<', lt + 1)) {
        char next = lt + 1 < text.size() ? text[lt + 1] : ' ';
        if (std::isalpha(static_cast<unsigned char>(next)) || next == '/' || next == '!') {
            text = text::strip_html(text);
            break;
        }
    }
    ParsedText parsed;
    auto groups = tokenize(text);
    for (auto& tokens : groups) {
        if (parsed.groups.size() >= TextLimits::max_groups) break;
        QueryGroup group;
        for (auto& token : tokens) {
            std::vector<Word> words = analyzer.words(token.text);
            if (words.empty()) continue;
            auto& target = token.excluded ? group.excluded : group.required;
            auto add = [&](QueryUnit unit) {
                if (target.size() < TextLimits::max_units) target.push_back(std::move(unit));
            };
            bool all_stop = std::all_of(words.begin(), words.end(), [](const Word& w) { return w.stopword; });
            if (token.quoted && all_stop) {  // the index has no stopwords to match
                for (const auto& w : words) parsed.ignored.push_back(w.form);
                continue;
            }
            if (token.quoted) {
                // A quoted phrase is kept whole: its stopwords set the span of the other words.
                QueryUnit unit;
                unit.display = token.text;
                unit.phrase = true;
                unit.quoted = true;
                unit.words = std::move(words);
                add(std::move(unit));
                continue;
            }
            // A token is one or more units: hyphenated runs (`centre-bourg`) are phrases, other
            // pieces (`vélo/bicyclette`) separate words.
            std::size_t runs = 1 + static_cast<std::size_t>(std::count_if(words.begin() + 1, words.end(), [](const Word& w) { return !w.joined; }));
            for (std::size_t begin = 0; begin < words.size();) {
                std::size_t end = begin + 1;
                while (end < words.size() && words[end].joined) ++end;
                QueryUnit unit;
                unit.words.assign(words.begin() + static_cast<std::ptrdiff_t>(begin), words.begin() + static_cast<std::ptrdiff_t>(end));
                begin = end;
                bool all_stop = std::all_of(unit.words.begin(), unit.words.end(), [](const Word& w) { return w.stopword; });
                if (all_stop) {
                    for (const auto& w : unit.words) parsed.ignored.push_back(w.form);
                    continue;
                }
                unit.phrase = unit.words.size() > 1;
                if (runs == 1) {
                    unit.display = token.text;
                } else {
                    for (const auto& w : unit.words) unit.display += (unit.display.empty() ? "" : "-") + w.accented;
                }
                add(std::move(unit));
            }
        }
        // A group of exclusions only means "everything but": kept, with no required unit.
        if (!group.required.empty() || !group.excluded.empty()) parsed.groups.push_back(std::move(group));
    }
    return parsed;
}

Expr TextQueryBuilder::word_stems(const Word& w) const {
    if (w.stopword) return Expr();  // stopwords are not indexed
    std::vector<Expr> stems;
    for (const auto& s : analyzer_.stems(w.form, w.accented)) stems.push_back(Expr::term(schema::term(schema::stem, s)));
    return Expr::combine(Op::synonym, std::move(stems));
}

Expr TextQueryBuilder::word(const Word& w) const {
    if (w.stopword) return Expr();
    // The exact accent-free form scores a little more than another word of the same stem.
    return Expr::combine(Op::or_, {word_stems(w), Expr::scaled(Expr::term(w.form), 0.25)});
}

std::vector<std::string> TextQueryBuilder::number_variants(const Word& w) {
    // Stems have no positions, so a phrase matches forms: accept the other number of each word
    // (`tiers-lieux` finds `tiers-lieu`, `centres-bourgs` finds `centre-bourg`).
    std::vector<std::string> out{w.form};
    if (w.stopword) return out;
    const std::string& f = w.form;
    auto ends_with = [&](std::string_view end) { return f.size() > end.size() && f.compare(f.size() - end.size(), end.size(), end) == 0; };
    auto add = [&](std::string variant) {
        if (std::find(out.begin(), out.end(), variant) == out.end()) out.push_back(std::move(variant));
    };
    if (ends_with("s") || ends_with("x")) {
        add(f.substr(0, f.size() - 1));
        if (ends_with("aux")) add(f.substr(0, f.size() - 3) + "al");
    } else if (!f.empty() && !std::isdigit(static_cast<unsigned char>(f.back()))) {
        add(f + "s");
        if (ends_with("eu") || ends_with("au")) add(f + "x");
        if (ends_with("al")) add(f.substr(0, f.size() - 2) + "aux");
    }
    return out;
}

Expr TextQueryBuilder::alternative(const Synonyms::Alternative& alternative) const {
    if (alternative.forms.size() == 1) {
        Word w;
        w.form = alternative.forms.front();
        return word_stems(w);
    }
    // A related term of several words: its words anywhere (weighed as terms, so that a word
    // with related terms is still ranked in memory; a related term is a looser match anyway).
    if (alternative.related) {
        std::vector<Expr> words;
        for (const auto& form : alternative.forms) {
            Word w;
            w.form = form;
            words.push_back(word_stems(w));
        }
        return Expr::combine(Op::and_, std::move(words));
    }
    // Several words: in order, close together (`maison de santé`, not `maison` and `santé`
    // anywhere), each in either number; one more word may come between (`voie verte cyclable`
    // for `voie cyclable`).
    std::vector<Expr> positions;
    for (const auto& form : alternative.forms) {
        Word w;
        w.form = form;
        std::vector<std::string> forms = number_variants(w);
        positions.push_back(Expr::any_term("", forms));
    }
    return Expr::phrase(std::move(positions), alternative.span + 1);
}

Expr TextQueryBuilder::with_synonyms(const Expr& matcher, const Expr& exact,
                                              const std::vector<Synonyms::Alternative>& alternatives) const {
    // The words and their synonyms weigh as one term (OP_SYNONYM), so a rare synonym does not
    // outweigh a common word; exact matches then add their own weight and rank first.
    // Related terms (`~>`) match as well, as one term of their own that weighs less.
    std::vector<Expr> any{matcher}, related;
    for (const auto& a : alternatives) (a.related ? related : any).push_back(alternative(a));
    // Related terms (words, or words anywhere: never a phrase) each weigh by their own rarity,
    // scaled down, and an aid counts only the best of them (OP_MAX): a rare one (`dépôts
    // sauvages` for `déchets`) is not drowned in the frequency of the others, and an aid that
    // lists many subjects does not add them up.
    std::vector<Expr> parts{Expr::combine(Op::synonym, std::move(any)), exact};
    if (!related.empty()) parts.push_back(Expr::scaled(Expr::combine(Op::max, std::move(related)), related_weight));
    return Expr::combine(Op::or_, std::move(parts));
}

Expr TextQueryBuilder::unit(const QueryUnit& u, bool expand) const {
    Expr base;
    if (u.phrase && u.words.size() > 1) {
        // The index has no stopwords: the other words in order, within the phrase's span.
        std::vector<Expr> positions;
        for (const auto& w : u.words) {
            if (w.stopword) continue;
            std::vector<std::string> forms = number_variants(w);
            positions.push_back(Expr::any_term("", forms));
        }
        if (positions.empty()) base = Expr();
        else if (positions.size() == 1) base = positions.front();
        else base = Expr::phrase(std::move(positions), static_cast<Xapian::termcount>(u.words.size()));
        // Hyphenated (`vidéo-protection`): the words run together (`vidéoprotection`) match too.
        bool hyphenated = std::all_of(u.words.begin() + 1, u.words.end(), [](const Word& w) { return w.joined; });
        if (hyphenated) base = Expr::combine(Op::or_, {base, word(analyzer_.compounds(u.words).front())});
    } else if (u.phrase) {
        base = Expr::term(u.words.front().form);  // a quoted word: that exact form
    } else {
        base = word(u.words.front());
    }
    if (!expand || u.quoted || synonyms_.empty()) return base;
    Synonyms::Phrase key;
    for (const auto& w : u.words)
        if (!w.stopword) key.push_back(analyzer_.stem(w.form));
    const auto& alternatives = synonyms_.expansions(key);
    if (alternatives.empty()) return base;
    return with_synonyms(u.phrase ? base : word_stems(u.words.front()), base, alternatives);
}

std::vector<TextQueryBuilder::Run> TextQueryBuilder::synonym_runs(const QueryGroup& g, const std::vector<bool>& keep) const {
    std::vector<Run> runs;
    const auto& units = g.required;
    auto kept = [&](std::size_t i) { return keep.empty() || keep[i]; };
    for (std::size_t i = 0; i < units.size();) {
        std::size_t matched = 0;
        for (std::size_t length = std::min(synonyms_.longest_key(), units.size() - i); length >= 2 && !matched; --length) {
            Synonyms::Phrase key;
            bool plain = true;
            for (std::size_t k = i; k < i + length; ++k) {
                if (!kept(k) || units[k].phrase) plain = false;
                else key.push_back(analyzer_.stem(units[k].words.front().form));
            }
            if (plain && !synonyms_.expansions(key).empty()) matched = length;
        }
        if (matched) runs.push_back(Run{i, i + matched});
        i += matched ? matched : 1;
    }
    return runs;
}

Expr TextQueryBuilder::run(const QueryGroup& g, const Run& r) const {
    // A several-word concept typed as words (`piste cyclable`): its words (each as a plain
    // word, without its own synonyms), or the concept's synonyms. Not as a phrase: a phrase is
    // left to Xapian's ranking, and most searches would lose the ranking in memory.
    Synonyms::Phrase key;
    std::vector<Expr> parts;
    for (std::size_t k = r.begin; k < r.end; ++k) {
        key.push_back(analyzer_.stem(g.required[k].words.front().form));
        parts.push_back(unit(g.required[k], false));
    }
    Expr all = Expr::combine(Op::and_, std::move(parts));
    return with_synonyms(all, all, synonyms_.expansions(key));
}

Expr TextQueryBuilder::group(const QueryGroup& g, const std::vector<bool>& keep) const {
    std::vector<Expr> required;
    const auto& units = g.required;
    auto kept = [&](std::size_t i) { return keep.empty() || keep[i]; };
    std::vector<Run> runs = synonym_runs(g, keep);
    auto next_run = runs.begin();
    for (std::size_t i = 0; i < units.size();) {
        if (next_run != runs.end() && next_run->begin == i) {
            required.push_back(run(g, *next_run));
            i = next_run->end;
            ++next_run;
        } else {
            if (kept(i)) required.push_back(unit(units[i]));
            ++i;
        }
    }
    // Exclusions alone (`-commerce`): everything but them.
    Expr query = units.empty() ? Expr::all() : Expr::combine(Op::and_, std::move(required));
    if (!g.excluded.empty()) {
        std::vector<Expr> excluded;
        for (const auto& u : g.excluded) excluded.push_back(unit(u, false));
        query = Expr::combine(Op::and_not, {query, Expr::combine(Op::or_, std::move(excluded))});
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
