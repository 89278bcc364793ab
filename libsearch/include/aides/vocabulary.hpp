#pragma once
/** @file vocabulary.hpp
 *  @brief The enumerated fields of a record and their French labels (Aides-territoires'
 *  wording), for forms and for APIs that list them.
 */
#include <string>
#include <string_view>
#include <vector>

namespace aides {

/** @brief One value of an enumerated field. */
struct VocabularyEntry {
    std::string value;  ///< machine value, e.g. `grant`
    std::string label;  ///< French label, e.g. `Subvention`
    std::string group;  ///< aid types only: `financial_group` or `technical_group`; else empty
};

/** @brief Every value of an enumerated field, in the contract's order, with French labels.
 *  @param field `targeted_audiences`, `aid_types`, `mobilization_steps`, `destinations` or
 *  `recurrence`.
 *  @throws UsageError for another field name. */
std::vector<VocabularyEntry> vocabulary_entries(std::string_view field);

/** @brief The French label of an aid-type group: `Aides financières` for `financial_group`,
 *  `Aides en ingénierie` for `technical_group`; empty for anything else. */
std::string aid_type_group_label(std::string_view group);

}  // namespace aides
