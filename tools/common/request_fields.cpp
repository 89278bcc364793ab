#include "request_fields.hpp"

#include <boost/program_options.hpp>

#include <string>

namespace po = boost::program_options;

namespace aides::tools {

const std::vector<RequestField>& request_fields() {
    using K = FlagKind;
    // member, flag, Python keyword, HTTP parameter, kind, value name, default, example, HTTP example, help
    static const std::vector<RequestField> fields{
        {"commune", "commune", "commune", "commune", K::value, "CODE", "", "29103", "29103",
         "INSEE code, postcode or name (today's or a former one), with its department when shared; insee:CODE or cp:CODE when five digits read both ways; implies --audience commune; e.g. --commune 29103, --commune Landerneau, --commune \"Moulins (03)\", --commune \"Moulins, Allier\", --commune Hesdin, --commune insee:71500, --commune cp:13016"},
        {"perimeter", "perimeter", "perimeter", "perimeter", K::value, "SCALE:CODE", "", "department:29", "department:29",
         "any perimeter, with the wider and narrower ones; e.g. --perimeter department:29, --perimeter epci:242900801, --perimeter adhoc:pvd"},
        {"audiences", "audience", "audiences", "targeted_audiences", K::list, "A", "", "epci", "epci",
         "targeted audience: commune epci department region special association private_person farmer private_sector public_cies public_org researcher; e.g. --audience epci"},
        {"themes", "theme", "themes", "themes", K::list, "SLUG", "", "mobilite-transports", "mobilite-transports",
         "theme (any of its categories), or its Aides-territoires slug; e.g. --theme mobilite-transports"},
        {"categories", "category", "categories", "categories", K::list, "SLUG", "", "mobilite-douce", "mobilite-douce",
         "category, or an Aides-territoires category slug; e.g. --category mobilite-douce"},
        {"aid_types", "aid-type", "aid_types", "aid_type", K::list, "T", "", "grant", "grant",
         "grant loan recoverable_advance cee other technical_engineering financial_engineering legal_engineering, or the groups financial_group technical_group; e.g. --aid-type grant"},
        {"steps", "step", "steps", "mobilization_step", K::list, "S", "", "preop", "preop",
         "project step: preop op postop; e.g. --step preop"},
        {"destinations", "destination", "destinations", "destinations", K::list, "D", "", "investment", "investment",
         "supply (operating costs) or investment; e.g. --destination investment"},
        {"programs", "program", "programs", "programs", K::list, "SLUG", "", "petites-villes-de-demain", "petites-villes-de-demain",
         "programme slug (one that no aid has is an error, with the closest ones); e.g. --program petites-villes-de-demain"},
        {"backers", "backer", "backers", "backers", K::list, "NAME", "", "Banque des Territoires", "Banque des Territoires",
         "financer or instructor, whole name, any case or accents (a warning when no aid has it); e.g. --backer \"Banque des Territoires\""},
        {"recurrences", "recurrence", "recurrences", "recurrence", K::list, "R", "", "ongoing", "ongoing",
         "oneoff ongoing recurring; e.g. --recurrence ongoing"},
        {"call_for_projects", "call-for-projects", "call_for_projects", "call_for_projects_only", K::toggle, "", "", "", "true",
         "only calls for projects; e.g. --call-for-projects"},
        {"is_charged", "charged", "is_charged", "is_charged", K::value, "yes|no", "", "no", "false",
         "yes: only paid services; no: only free ones; e.g. --charged no"},
        {"apply_before", "apply-before", "apply_before", "apply_before", K::value, "DATE", "", "2027-03-31", "2027-03-31",
         "still open, deadline between today and DATE (aids without one dropped, as ongoing aids whose deadline has passed); e.g. --apply-before 2027-03-31"},
        {"published_after", "published-after", "published_after", "published_after", K::value, "DATE", "", "2026-09-01", "2026-09-01",
         "published on or after DATE; e.g. --published-after 2026-09-01"},
        {"today", "today", "today", "today", K::value, "DATE", "", "2026-11-26", "2026-11-26",
         "the date used for \"open\" (default: today); e.g. --today 2026-11-26"},
        {"include_expired", "include-expired", "include_expired", "include_expired", K::toggle, "", "", "", "true",
         "keep aids whose deadline has passed; e.g. --include-expired"},
        {"order", "order", "order", "order_by", K::choice, "O", "relevance", "deadline", "submission_deadline",
         "relevance (by score with text; else narrowest perimeter, then soonest deadline), deadline (soonest first; none, or an ongoing aid's past one, last), published (newest first); e.g. --order deadline"},
        {"page", "page", "page", "page", K::number, "N", "1", "2", "2", "1-based page; e.g. --page 2"},
        {"size", "size", "size", "size", K::number, "N", "20", "50", "50", "results per page, 1 to 1000; e.g. --size 50"},
        {"facets", "facets", "facets", "facets", K::toggle, "", "", "", "true",
         "add exact counts of themes, categories, aid types, audiences, programmes, backers; e.g. --facets"},
        {"explain", "explain", "explain", "explain", K::toggle, "", "", "", "true",
         "add to each result why it matched (perimeter, filters, words per field); e.g. --explain"},
        {"strict", "strict", "strict", "strict", K::toggle, "", "", "", "true",
         "only aids with every word; by default, when they do not fill the page, aids with part of the words follow, marked with the words they lack; e.g. --strict"},
        // The flag says the opposite of the member: snippets are on unless --no-snippets.
        {"snippets", "no-snippets", "snippets", "snippets", K::toggle, "", "", "", "false",
         "leave out the extract of each result's description (a list of titles, an export: faster); e.g. --no-snippets"},
        {"execution", "executor", "execution", "executor", K::choice, "E", "auto", "xapian", "xapian",
         "auto (default: in memory when it can, Xapian otherwise), xapian or memory (a search memory cannot run, e.g. a phrase, falls back to Xapian and --explain says why); the answer is the same, only its cost differs; e.g. --executor xapian --explain"},
        {"like", "like", "like", "like", K::value, "ID", "", "pvd-012", "pvd-012",
         "aids similar to this aid, within the other filters; e.g. --like pvd-012"},
        {"portal", "portal", "portal", "portal", K::value, "FILE", "", "@portal", "petites-villes-de-demain",
         "a portal JSON file: base filters, highlighted and excluded aid ids; e.g. --portal corpus/portals/petites-villes-de-demain.json"},
        {"text", "text", "text", "text", K::list, "WORDS", "", "maison de santé", "maison de santé",
         "search words, also given as plain arguments; e.g. --text \"maison de santé\""},
    };
    return fields;
}

void add_request_options(po::options_description& options) {
    for (const RequestField& field : request_fields()) {
        if (field.flag.empty()) continue;
        const std::string flag(field.flag), value_name(field.value_name), fallback(field.fallback), help(field.help);
        auto init = options.add_options();
        switch (field.kind) {
            case FlagKind::value: init(flag.c_str(), po::value<std::string>()->value_name(value_name), help.c_str()); break;
            case FlagKind::list:
                init(flag.c_str(), po::value<std::vector<std::string>>()->composing()->value_name(value_name), help.c_str());
                break;
            case FlagKind::number:
                init(flag.c_str(), po::value<int>()->default_value(std::stoi(fallback))->value_name(value_name), help.c_str());
                break;
            case FlagKind::choice:
                init(flag.c_str(), po::value<std::string>()->default_value(fallback)->value_name(value_name), help.c_str());
                break;
            case FlagKind::toggle: init(flag.c_str(), help.c_str()); break;
        }
    }
}

}  // namespace aides::tools
