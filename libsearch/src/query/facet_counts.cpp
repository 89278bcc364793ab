#include "query/facet_counts.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "index/schema.hpp"

namespace aides {

std::shared_ptr<const FacetTable> FacetTable::build(const Xapian::Database& db) {
    auto table = std::make_shared<FacetTable>();
    table->revision_ = store::Revision::of(db);
    Xapian::docid last = db.get_lastdocid();
    table->offsets_.assign(static_cast<std::size_t>(last) + 2, 0);
    std::unordered_map<std::string, std::uint32_t> code_of;
    Xapian::docid filled = 0;  // offsets_ is set up to this docid
    for (auto it = db.valuestream_begin(schema::facets); it != db.valuestream_end(schema::facets); ++it) {
        Xapian::docid did = it.get_docid();
        if (did > last) break;
        auto here = static_cast<std::uint32_t>(table->codes_.size());
        for (; filled < did; ++filled) table->offsets_[filled + 1] = here;  // documents without facet values
        std::string values = *it;
        schema::for_each_facet_entry(values, [&](std::string_view entry) {
            auto [found, added] = code_of.try_emplace(std::string(entry), static_cast<std::uint32_t>(table->values_.size()));
            if (added) table->values_.emplace_back(entry);
            table->codes_.push_back(found->second);
        });
        table->offsets_[did + 1] = static_cast<std::uint32_t>(table->codes_.size());
        filled = did;
    }
    for (auto here = static_cast<std::uint32_t>(table->codes_.size()); filled <= last; ++filled) table->offsets_[filled + 1] = here;
    table->codes_.shrink_to_fit();
    table->value_order_.resize(table->values_.size());
    for (std::uint32_t code = 0; code < table->value_order_.size(); ++code) table->value_order_[code] = code;
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
        if (auto* facet = by_letter[static_cast<unsigned char>(value[0])]) facet->emplace_hint(facet->end(), value.substr(1), counts_[code]);
    }
    return out;
}

}  // namespace aides
