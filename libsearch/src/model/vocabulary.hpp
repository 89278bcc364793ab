#pragma once
// The enumerations of the record and their Aides-territoires French labels: the one place
// where labels map to machine values.
#include <optional>
#include <string>
#include <string_view>
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
/** Aid-type groups: `financial_group`, `technical_group` -> their members; empty otherwise. */
std::vector<std::string> aid_type_group(std::string_view group);

}  // namespace aides::vocabulary
