#pragma once
// Aides-territoires shapes -> canonical records: API records as served (the older `_` fields
// and the newer ones: `*_full` objects, `perimeter_scale`, `Theme / Category`) and the CSV
// export of the site. Labels map through model/vocabulary; categories through its table.
#include <aides/aid.hpp>

#include <nlohmann/json.hpp>

#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "io/record_reader.hpp"

namespace aides::json_io::at {

/** A value accepted with a doubt (or a conversion worth telling): the caller adds where. */
struct Note {
    std::string field;
    std::string message;
    std::string kind;  ///< a RecordIssue::kind (a concern counted per kind), or empty
};

/** True when a JSON object carries fields that only the Aides-territoires API serves
 *  (`origin_url`, `perimeter_scale`, `financers_full`, `date_created`...): auto-detection. */
bool looks_like_api_record(const nlohmann::json& object);

/** An API record rewritten in the canonical shape: lists given as a string or as objects
 *  become lists of names, `*_full` fill in missing lists, programme names become slugs,
 *  categories map through vocabulary::at_category, `Name (Scale)` perimeters become
 *  `scale:Name`, a relative `url` becomes absolute, `date_created` stands for a missing
 *  `date_published`. Canonical records pass through unchanged.
 *  @throws DataError naming the field. */
nlohmann::json api_to_canonical(const nlohmann::json& object, std::vector<Note>& notes);

/** api_to_canonical() then aid_from_json(). @throws DataError naming the field. */
Aid aid_from_api(const nlohmann::json& object, std::vector<Note>& notes);

/** For a record without id or name: a hint naming the fields that show another provider's
 *  shape (`title`, `titre`, `post_title`...); empty when there are none. */
std::string foreign_hint(const nlohmann::json& object);

/** Where the records of a JSON document are: `results` (an API page), else, for an object
 *  that is not itself a record, its only member holding an array of objects (`aides`...).
 *  Empty when none. */
std::string records_key(const nlohmann::json& document);

/** True when a first line looks like the header of an Aides-territoires CSV export. */
bool looks_like_csv_header(std::string_view line);

/** Reads a CSV export (RFC 4180: `,` `;` or tab separated, quoted fields with `""` and line
 *  breaks). `first_line` (line `first_line_number`) is the header, already read from `in`.
 *  Each record is reported at the line where it starts. */
void read_csv(std::istream& in, std::string first_line, std::size_t first_line_number, const std::string& source,
              const RecordSink& on_record, const IssueSink& on_issue, const IssueSink& on_warning);

/** `Petites villes de demain` -> `petites-villes-de-demain`; a slug is left as it is. */
std::string slugify(std::string_view name);

/** `31/12/2026` (also `31-12-2026`, `1/2/2026`) or an ISO date -> `2026-12-31`; nullopt when
 *  malformed or impossible. */
std::optional<std::string> french_date(std::string_view text);

}  // namespace aides::json_io::at
