#pragma once
/** @file version.hpp */
namespace aides {
/** @brief Library version. */
inline constexpr const char* version = "0.1.0";
/** @brief On-disk index format, written by this build; the tools refuse an index of another one
 *  but the oldest readable (4 packs the geography metadata; 3 stored it as text). */
inline constexpr int index_format_version = 4;
inline constexpr int oldest_readable_index_format = 3;
}  // namespace aides
