#include "search/memory/facet_counts.hpp"

#include <algorithm>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "index/schema.hpp"

namespace aides {

std::shared_ptr<const FacetTable> FacetTable::build(const Xapian::Database& db) {
    auto table = std::make_shared<FacetTable>();
    table->revision_ = store::Revision::of(db);
    const Xapian::docid last = db.get_lastdocid();
    std::unordered_map<std::string, std::uint32_t> code_of;
    auto code = [&](std::string value) {
        auto [found, added] = code_of.try_emplace(std::move(value), static_cast<std::uint32_t>(table->values_.size()));
        if (added) table->values_.push_back(found->first);
        return found->second;
    };
    // offsets_[did + 1] counts the codes of `did` first, then becomes the end of its run.
    auto& offsets = table->offsets_;
    offsets.assign(static_cast<std::size_t>(last) + 2, 0);

    // Facets with a boolean term per value, from their posting lists: each code's documents.
    std::vector<Xapian::docid> posted;
    std::vector<std::pair<std::uint32_t, std::size_t>> runs;  // code, end of its documents in `posted`
    for (const auto& [letter, prefix] : schema::facets_from_terms) {
        const std::string from(prefix);
        for (auto term = db.allterms_begin(from); term != db.allterms_end(from); ++term) {
            std::uint32_t value = code(letter + (*term).substr(prefix.size()));
            for (auto doc = db.postlist_begin(*term); doc != db.postlist_end(*term); ++doc) {
                if (*doc > last) break;
                posted.push_back(*doc);
                ++offsets[*doc + 1];
            }
            runs.emplace_back(value, posted.size());
        }
    }
    // The others, from the facet slot.
    std::vector<std::pair<Xapian::docid, std::uint32_t>> slotted;
    for (auto it = db.valuestream_begin(schema::facets); it != db.valuestream_end(schema::facets); ++it) {
        Xapian::docid did = it.get_docid();
        if (did > last) break;
        std::string values = *it;
        const std::size_t first_of_document = slotted.size();
        schema::for_each_facet_entry(values, [&](std::string_view entry) {
            std::uint32_t value = code(std::string(entry));
            for (std::size_t i = first_of_document; i < slotted.size(); ++i)
                if (slotted[i].second == value) return;  // once per document, as a term is
            slotted.emplace_back(did, value);
            ++offsets[did + 1];
        });
    }

    for (std::size_t did = 1; did < offsets.size(); ++did) offsets[did] += offsets[did - 1];
    table->codes_.resize(offsets.back());

    // A value is dense when a bitmap of the index costs fewer words than it has documents / 2.
    std::vector<std::uint32_t> documents(table->values_.size(), 0);
    {
        std::size_t from = 0;
        for (const auto& [value, end] : runs) {
            documents[value] += static_cast<std::uint32_t>(end - from);
            from = end;
        }
        for (const auto& [did, value] : slotted) ++documents[value];
    }
    const std::size_t dense_from = std::max<std::size_t>(2, static_cast<std::size_t>(last) / 32);
    std::vector<int> dense_index(table->values_.size(), -1);
    for (std::uint32_t value = 0; value < documents.size(); ++value)
        if (documents[value] >= dense_from) {
            dense_index[value] = static_cast<int>(table->dense_.size());
            table->dense_.emplace_back(value, DocSet(last));
        }

    // Each document's run: its dense codes, then the others.
    std::vector<std::uint32_t> next(offsets.begin(), offsets.end() - 1);  // where a document's next code goes
    auto place = [&](bool dense) {
        std::size_t from = 0;
        for (const auto& [value, end] : runs) {
            bool is_dense = dense_index[value] >= 0;
            for (; from < end; ++from)
                if (is_dense == dense) table->codes_[next[posted[from]]++] = value;
        }
        for (const auto& [did, value] : slotted)
            if ((dense_index[value] >= 0) == dense) table->codes_[next[did]++] = value;
    };
    place(true);
    table->sparse_from_ = next;
    place(false);
    for (std::size_t did = 1; did + 1 < offsets.size(); ++did)
        for (std::uint32_t i = offsets[did]; i < table->sparse_from_[did]; ++i) {
            std::uint32_t value = table->codes_[i];
            table->dense_[static_cast<std::size_t>(dense_index[value])].second.add(static_cast<Xapian::docid>(did));
        }

    table->value_order_.resize(table->values_.size());
    for (std::uint32_t c = 0; c < table->value_order_.size(); ++c) table->value_order_[c] = c;
    std::sort(table->value_order_.begin(), table->value_order_.end(),
              [&](std::uint32_t a, std::uint32_t b) { return table->values_[a] < table->values_[b]; });
    return table;
}

bool FacetTable::matches(const Xapian::Database& db) const {
    return store::Revision::of(db) == revision_;
}

std::shared_ptr<const FacetTable> FacetTableCache::get(const Xapian::Database& db) {
    std::lock_guard lock(mutex_);
    if (!table_ || !table_->matches(db)) table_ = FacetTable::build(db);
    return table_;
}

void FacetCounter::add(const DocSet& matched) {
    const FacetTable& table = *table_;
    // One AND and popcount per 64 documents and dense value, against about one increment per
    // matching document that has the value: the bitmaps win once the match is an eighth of the index.
    if (matched.count() * 8 < static_cast<std::size_t>(matched.last())) {
        matched.for_each([&](Xapian::docid did) { add(did); });
        return;
    }
    for (const auto& [code, documents] : table.dense()) counts_[code] += static_cast<std::uint32_t>(matched.count_common(documents));
    matched.for_each([&](Xapian::docid did) { count(table.sparse_begin(did), table.end(did)); });
}

Facets FacetCounter::facets() const {
    Facets out;
    std::map<std::string, std::size_t>* by_letter[256] = {};
    for (auto [letter, name] : {std::pair{schema::facet_theme, "themes"}, {schema::facet_category, "categories"},
                                {schema::facet_aid_type, "aid_types"}, {schema::facet_audience, "targeted_audiences"},
                                {schema::facet_program, "programs"}, {schema::facet_backer, "backers"}})
        by_letter[static_cast<unsigned char>(letter)] = &out[name];
    // In value order, each value goes at the end of its map: no search, no rebalancing.
    for (std::uint32_t code : table_->in_value_order()) {
        if (!counts_[code]) continue;
        const std::string& value = table_->value(code);
        if (auto* facet = by_letter[static_cast<unsigned char>(value[0])])
            facet->emplace_hint(facet->end(), std::piecewise_construct, std::forward_as_tuple(value, 1),
                                std::forward_as_tuple(counts_[code]));
    }
    return out;
}

}  // namespace aides
