#pragma once
/** @file version.hpp */
namespace aides {
/** @brief Library version. */
inline constexpr const char* version = "0.1.0";
/** @brief On-disk index format; the tools refuse an index of another one. */
inline constexpr int index_format_version = 3;
}  // namespace aides
