#pragma once
// JSON <-> Aid, and the limits that keep hostile records bounded.
#include <aides/aid.hpp>
#include <aides/index.hpp>

#include <nlohmann/json.hpp>

namespace aides::json_io {

inline constexpr std::size_t max_text_bytes = 1 << 20;      // one text field
inline constexpr std::size_t max_array_items = 1000;        // one list field
inline constexpr std::size_t max_record_bytes = 16 << 20;   // one record
inline constexpr int max_depth = 16;                        // nesting of one record

/** Builds an Aid from a parsed JSON object. @throws DataError with the field name. */
Aid aid_from_json(const nlohmann::json& object);
class JsonWriter;

/** Which members of an aid write_aid_members() writes. */
enum class AidMembers {
    all,            ///< the whole canonical object
    after_leading,  ///< all but `id`, `slug`, `name`, `perimeter` and `submission_deadline`, that a search hit writes first
};

/** Writes the members of the canonical JSON object of an aid (the braces are the caller's), in
 *  the contract's order, empty optional fields omitted. */
void write_aid_members(JsonWriter& out, const Aid& aid, AidMembers which = AidMembers::all);

}  // namespace aides::json_io
