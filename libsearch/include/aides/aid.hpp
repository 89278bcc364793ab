#pragma once
/** @file aid.hpp
 *  @brief The canonical aid record (Aides-territoires API v1.6 field names) and its JSON form.
 */
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aides {

/** @brief One aid. Enumerated fields hold machine values (`grant`, `commune`...), dates hold
 *  `YYYY-MM-DD`. A default-constructed Aid is not valid: id and name are required. */
struct Aid {
    std::string id;  ///< always a string: 112 and "112" are the same aid
    std::string slug, url, name, name_initial, short_title;  ///< name is required, non-empty
    std::string description, eligibility, project_examples;  ///< may hold HTML
    std::vector<std::string> financers, instructors;  ///< backer names
    std::vector<std::string> programs;    ///< programme slugs
    std::vector<std::string> categories;  ///< category slugs of the taxonomy
    std::vector<std::string> targeted_audiences, aid_types, mobilization_steps, destinations;  ///< machine values
    std::string recurrence;  ///< oneoff, ongoing, recurring or empty
    bool is_call_for_project = false;  ///< a call for projects (`--call-for-projects`)
    bool is_charged = false;           ///< a paid service
    std::string perimeter = "country:FRA";  ///< SCALE:CODE
    std::optional<std::string> start_date, predeposit_date, submission_deadline;  ///< YYYY-MM-DD
    std::optional<int> subvention_rate_lower_bound, subvention_rate_upper_bound;  ///< percent, 0 to 100
    std::optional<long long> loan_amount, recoverable_advance_amount;             ///< euros
    std::string date_published, date_updated;  ///< ISO date or date-time, may be empty
    std::string status = "published";  ///< `published`, `draft`, `reviewable`, `deleted` or `merged`
    std::optional<std::string> generic_aid;  ///< id of the generic aid this one localises

    /** @brief True when the aid can be found by searches (status `published`). */
    bool searchable() const { return status == "published"; }
    bool operator==(const Aid&) const = default;  ///< field by field
};

/** @brief The canonical JSON object of an aid (one line, fields in contract order, empty
 *  optional fields omitted). Re-reading it gives the same Aid. */
std::string to_json(const Aid& aid);

/** @brief The French label of an enumerated field's machine value, as Aides-territoires shows it:
 *  `french_label("aid_types", "grant")` is `Subvention`. Fields: `targeted_audiences`,
 *  `aid_types`, `mobilization_steps`, `destinations`, `recurrence`, `status`. The value itself
 *  when the field or the value is unknown. */
std::string french_label(std::string_view field, std::string_view value);

}  // namespace aides
