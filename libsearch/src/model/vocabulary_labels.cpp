// The public listing of the enumerations (aides/vocabulary.hpp), read from model/vocabulary.
#include <aides/vocabulary.hpp>

#include <aides/errors.hpp>

#include <algorithm>

#include "model/vocabulary.hpp"

namespace aides {

std::vector<VocabularyEntry> vocabulary_entries(std::string_view field) {
    using vocabulary::Kind;
    for (Kind kind : {Kind::audience, Kind::aid_type, Kind::step, Kind::destination, Kind::recurrence}) {
        if (vocabulary::field_name(kind) != field) continue;
        std::vector<VocabularyEntry> out;
        for (const auto& value : vocabulary::values(kind)) {
            VocabularyEntry entry{value, vocabulary::label(kind, value), {}};
            if (kind == Kind::aid_type) {
                for (const char* group : {"financial_group", "technical_group"}) {
                    auto members = vocabulary::aid_type_group(group);
                    if (std::find(members.begin(), members.end(), value) != members.end()) entry.group = group;
                }
            }
            out.push_back(std::move(entry));
        }
        return out;
    }
    throw UsageError("unknown vocabulary \"" + std::string(field) +
                         "\" (expected targeted_audiences, aid_types, mobilization_steps, destinations or recurrence)",
                     std::string(field));
}

std::string aid_type_group_label(std::string_view group) {
    if (group == "financial_group") return "Aides financières";
    if (group == "technical_group") return "Aides en ingénierie";
    return {};
}

}  // namespace aides
