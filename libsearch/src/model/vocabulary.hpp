#pragma once
// The enumerations of the record and their Aides-territoires French labels: the one place
// where labels map to machine values.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aides::vocabulary {

enum class Kind { audience, aid_type, step, destination, recurrence, status };

/** The field name of a kind (`targeted_audiences`...), for messages. */
std::string_view field_name(Kind kind);
/** Machine value for a machine value, its `-` spelling or its French label, any case and
 *  accents; nullopt when unknown. */
std::optional<std::string> normalize(Kind kind, std::string_view value);
/** Every machine value of a kind, in contract order. */
std::vector<std::string> values(Kind kind);
/** The French label of a machine value (the value itself when it has none). */
std::string label(Kind kind, std::string_view value);
/** The category slug of the shipped taxonomy (corpus/taxonomy.json) for an Aides-territoires
 *  category label: `Theme|Category` (API up to v1.6), `Theme / Category` (newer API) or the
 *  category alone, any case and accents. nullopt when the table has no entry: the label is then
 *  left for the taxonomy to resolve, or to reject. */
std::optional<std::string> at_category(std::string_view label);
/** Every entry of that table as {`Theme|Category` (theme empty when any), slug}, for tests. */
std::vector<std::pair<std::string, std::string>> at_category_table();
/** Aid-type groups: `financial_group`, `technical_group` -> their members; empty otherwise. */
std::vector<std::string> aid_type_group(std::string_view group);

}  // namespace aides::vocabulary
