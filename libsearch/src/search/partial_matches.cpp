#include "search/partial_matches.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <unordered_map>

#include "search/plan/bm25.hpp"

namespace aides {

namespace {

bool all_digits(const std::string& form) {
    return !form.empty() && std::all_of(form.begin(), form.end(), [](char c) { return c >= '0' && c <= '9'; });
}

using plan::Expr;

struct UnitInfo {
    Expr query;
    std::shared_ptr<const DocSet> set;
    double idf = 0;
    bool meaningful = false;
};

// A word that says what is done rather than on what (`! ...` in the dictionary) weighs this
// much of its rarity: `remplacement luminaires` is first about luminaires.
constexpr double generic_weight = 0.25;
// A word of a several-word concept found without the rest of it (`rénovation` without
// `énergétique` for `rénovation énergétique école`) is not the concept: it weighs this much of
// its rarity, so the aids having the concept whole come before those having its pieces.
constexpr double broken_concept_weight = 0.25;

// The rarity of a unit: the idf of its most frequent term (the word's own stems and forms, not
// its synonyms), from the index's own frequencies, so both paths agree.
double idf_of(const Xapian::Database& db, const Expr& query) {
    Xapian::doccount df = 0;
    for (const std::string& term : query.terms()) df = std::max(df, db.get_termfreq(term));
    double n = static_cast<double>(db.get_doccount());
    return std::log((n + 1.0) / (static_cast<double>(df) + 0.5));
}

}  // namespace

bool meaningful_unit(const QueryUnit& unit) {
    return std::any_of(unit.words.begin(), unit.words.end(), [](const Word& w) { return !w.stopword && !all_digits(w.form); });
}

PartialMatches find_partial_matches(const Xapian::Database& db, const std::vector<QueryGroup>& groups,
                                    const TextQueryBuilder& builder,
                                    const std::function<std::shared_ptr<const DocSet>(const Expr&)>& docs_of,
                                    const DocSet& full, std::size_t skip, std::size_t wanted) {
    PartialMatches out;
    struct RunInfo {
        std::uint32_t bits;
        Expr query;
        std::shared_ptr<const DocSet> set;
    };
    struct GroupInfo {
        const QueryGroup* group;
        std::vector<UnitInfo> units;
        std::vector<RunInfo> runs;
        std::vector<std::uint32_t> concepts;  // the units of each several-word concept, as bits
        double total = 0;
    };
    std::vector<GroupInfo> infos;
    // Per document, its best coverage over the groups: (coverage, group, units present).
    struct Best {
        double coverage;
        std::size_t group;
        std::uint32_t mask;
    };
    std::unordered_map<Xapian::docid, Best> best;
    DocSet every(full.last());  // every partial match, for the count
    for (const QueryGroup& group : groups) {
        const std::size_t n = group.required.size();
        if (n < 2 || n > 32 || std::none_of(group.required.begin(), group.required.end(), meaningful_unit)) continue;
        GroupInfo info{&group, {}, {}, {}, 0};
        const auto runs = builder.synonym_runs(group);
        std::uint32_t in_runs = 0;
        for (const auto& run : runs) {
            std::uint32_t bits = 0;
            for (std::size_t k = run.begin; k < run.end; ++k) bits |= 1u << k;
            info.concepts.push_back(bits);
            in_runs |= bits;
        }
        for (const QueryUnit& unit : group.required) {
            UnitInfo u;
            u.query = builder.unit(unit);
            u.meaningful = meaningful_unit(unit);
            u.idf = idf_of(db, builder.unit(unit, false));
            bool generic = std::all_of(unit.words.begin(), unit.words.end(), [&](const Word& w) {
                return w.stopword || builder.synonyms().generic(builder.analyzer().stem(w.form));
            });
            // Within a concept (`rénovation énergétique`) the word is part of the object.
            if (generic && !(in_runs >> info.units.size() & 1)) u.idf *= generic_weight;
            u.set = docs_of(u.query);
            info.total += u.idf;
            info.units.push_back(std::move(u));
        }
        // A several-word concept (`salle de sport`) found whole, or through its synonyms
        // (`gymnase`), has all its words.
        for (const auto& run : runs) {
            RunInfo r{0, builder.run(group, run), nullptr};
            for (std::size_t k = run.begin; k < run.end; ++k) r.bits |= 1u << k;
            r.set = docs_of(r.query);
            if (r.set) info.runs.push_back(std::move(r));
        }
        if (info.total <= 0) continue;
        DocSet candidates(full.last());
        for (const UnitInfo& u : info.units)
            if (u.meaningful && u.set) candidates.unite(*u.set);
        for (const RunInfo& r : info.runs) candidates.unite(*r.set);
        candidates.subtract(full);
        if (!group.excluded.empty()) {
            std::vector<Expr> excluded;
            for (const QueryUnit& unit : group.excluded) excluded.push_back(builder.unit(unit, false));
            if (auto set = docs_of(Expr::combine(Expr::Op::or_, std::move(excluded)))) candidates.subtract(*set);
        }
        every.unite(candidates);
        if (wanted == 0) continue;  // the count is all the page needs
        const std::uint32_t all = n == 32 ? ~0u : (1u << n) - 1;
        const std::size_t index = infos.size();
        candidates.for_each([&](Xapian::docid did) {
            std::uint32_t mask = 0;
            double weight = 0;
            for (std::size_t i = 0; i < n; ++i)
                if (info.units[i].set && info.units[i].set->contains(did)) mask |= 1u << i;
            for (const RunInfo& r : info.runs)
                if (r.set->contains(did)) mask |= r.bits;
            std::uint32_t broken = 0;
            for (std::uint32_t bits : info.concepts)
                if ((mask & bits) != bits) broken |= mask & bits;
            for (std::size_t i = 0; i < n; ++i)
                if (mask >> i & 1) weight += info.units[i].idf * (broken >> i & 1 ? broken_concept_weight : 1.0);
            // Every word, yet outside the full match: a concept's words were not together.
            // Just below the aids that have it whole.
            double coverage = mask == all ? 0.999 : weight / info.total;
            auto [it, added] = best.try_emplace(did, Best{coverage, index, mask});
            if (!added && coverage > it->second.coverage) it->second = Best{coverage, index, mask};
        });
        infos.push_back(std::move(info));
    }
    out.count = every.count();
    if (best.empty()) return out;

    // Tiers of equal coverage and units, best first; within a tier, Xapian's ranking of the
    // units the tier has (weight, then docid).
    using TierKey = std::tuple<double, std::size_t, std::uint32_t>;
    auto better = [](const TierKey& a, const TierKey& b) {
        if (std::get<0>(a) != std::get<0>(b)) return std::get<0>(a) > std::get<0>(b);
        if (std::get<1>(a) != std::get<1>(b)) return std::get<1>(a) < std::get<1>(b);
        return std::get<2>(a) > std::get<2>(b);
    };
    std::map<TierKey, std::vector<Xapian::docid>, decltype(better)> tiers(better);
    for (const auto& [did, b] : best) tiers[{b.coverage, b.group, b.mask}].push_back(did);
    // The words a tier lacks, as typed; a concept whose words are all there but apart is missing
    // as one, in quotes.
    auto missing_of = [&](std::size_t g, std::uint32_t mask) {
        const GroupInfo& info = infos[g];
        std::vector<std::string> missing;
        for (std::size_t i = 0; i < info.units.size(); ++i)
            if (!(mask >> i & 1)) missing.push_back(info.group->required[i].display);
        if (missing.empty())
            for (const auto& run : builder.synonym_runs(*info.group)) {
                std::string phrase;
                for (std::size_t k = run.begin; k < run.end; ++k) phrase += (phrase.empty() ? "" : " ") + info.group->required[k].display;
                missing.push_back("\"" + phrase + "\"");
            }
        return missing;
    };
    out.best_missing = missing_of(std::get<1>(tiers.begin()->first), std::get<2>(tiers.begin()->first));
    for (auto& [key, docids] : tiers) {
        if (out.page.size() >= wanted) break;
        if (skip >= docids.size()) {
            skip -= docids.size();
            continue;
        }
        const auto& [coverage, g, mask] = key;
        const GroupInfo& info = infos[g];
        std::vector<Expr> present;
        for (std::size_t i = 0; i < info.units.size(); ++i)
            if (mask >> i & 1) present.push_back(info.units[i].query);
        for (const RunInfo& r : info.runs)
            if ((mask & r.bits) == r.bits) present.push_back(r.query);
        const std::vector<std::string> missing = missing_of(g, mask);
        std::sort(docids.begin(), docids.end());
        auto tier = std::make_shared<const DocSet>(DocSet::of_docids(full.last(), docids));
        Xapian::Enquire enquire(db);
        enquire.set_weighting_scheme(bm25::weight());
        enquire.set_query(Expr::combine(Expr::Op::filter, {Expr::combine(Expr::Op::or_, std::move(present)), DocSetSource::expr(tier)})
                              .to_query());
        Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(skip), static_cast<Xapian::doccount>(wanted - out.page.size()));
        skip = 0;
        for (auto it = mset.begin(); it != mset.end(); ++it) out.page.push_back(PartialHit{*it, coverage, it.get_weight(), missing});
    }
    return out;
}

}  // namespace aides
