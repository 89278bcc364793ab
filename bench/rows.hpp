#pragma once
// A record as the relational peers store it: the same validation as the library (canonical
// category slugs and perimeter), the same text fields, the same facet values, and the
// library's analysed terms for the peers that take pre-analysed tokens.
#include <aides/aid.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace bench {

struct Row {
    aides::Aid aid;  // validated
    // Text fields, HTML stripped, grouped as the Aides-territoires setup weighs them.
    std::string name;        // name and short title (A)
    std::string classified;  // category and theme names, programmes (C)
    std::string description; // (B)
    std::string details;     // eligibility, project examples, backers (D)
    // Pre-analysed terms of the same groups: accent-free forms and `Z` stems, space-separated,
    // as the library indexes them (a term per word position, stems right after their form).
    std::string name_terms, classified_terms, description_terms, details_terms;
    // Filter and facet values, as the library's index holds them.
    std::vector<std::string> themes, categories, aid_types, audiences, programs, backers;
    std::optional<std::string> deadline;
    std::string deadline_order, published;
    int scale_rank = 0;
};

/** Reads `input` (JSON Lines...; several files comma-separated), validates each record against the catalogue stored in the
 *  library's index at `index_dir`, and calls `sink` with its row. With `analyse` false the
 *  *_terms fields stay empty. Returns the number of rows; bad records are skipped. */
std::size_t for_each_row(const std::string& input, const std::string& index_dir, bool analyse,
                         const std::function<void(const Row&)>& sink);

}  // namespace bench
