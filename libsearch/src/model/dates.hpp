#pragma once
// Calendar dates as `YYYY-MM-DD` strings: they sort as they compare.
#include <optional>
#include <string>
#include <string_view>

namespace aides::dates {

/** True for a real calendar day `YYYY-MM-DD` (2026-02-30 is not). */
bool valid(std::string_view date);
/** The date part of an ISO date or date-time, when valid. */
std::optional<std::string> date_part(std::string_view iso);
/** Today in local time, `YYYY-MM-DD`. */
std::string today();

}  // namespace aides::dates
