#include "options.hpp"

#include <aides/errors.hpp>

#include <boost/program_options.hpp>

#include <cctype>
#include <iostream>
#include <sstream>

namespace po = boost::program_options;

namespace aides::cli {

namespace {

using strings = std::vector<std::string>;

const std::string exclusion_marker = "\x1f";

po::options_description describe() {
    po::options_description options("Options (repeated values of one flag are OR-ed, different flags AND-ed)");
    options.add_options()
        ("help,h", "show this help and exit")
        ("db", po::value<std::string>(), "index directory built by aides-index")
        ("commune", po::value<std::string>(), "INSEE code, unique name or postcode; implies --audience commune\n  e.g. --commune 29103, --commune Landerneau")
        ("perimeter", po::value<std::string>(), "any perimeter SCALE:CODE: also its wider and narrower ones\n  e.g. --perimeter department:29, --perimeter adhoc:pvd")
        ("audience", po::value<strings>()->composing(), "targeted audience, e.g. commune, epci, association")
        ("theme", po::value<strings>()->composing(), "theme slug (any of its categories), e.g. mobilite-transports")
        ("category", po::value<strings>()->composing(), "category slug, e.g. mobilite-douce")
        ("aid-type", po::value<strings>()->composing(), "grant, loan, ..., or financial_group / technical_group")
        ("step", po::value<strings>()->composing(), "project step: preop, op, postop")
        ("destination", po::value<strings>()->composing(), "supply (operating) or investment")
        ("program", po::value<strings>()->composing(), "programme slug, e.g. petites-villes-de-demain")
        ("backer", po::value<strings>()->composing(), "financer or instructor, whole name, any case or accents\n  e.g. --backer \"Banque des Territoires\"")
        ("recurrence", po::value<strings>()->composing(), "oneoff, ongoing, recurring")
        ("call-for-projects", "only calls for projects")
        ("charged", po::value<std::string>(), "yes: only paid services; no: only free ones")
        ("apply-before", po::value<std::string>(), "deadline on or before DATE (YYYY-MM-DD); aids without deadline dropped")
        ("published-after", po::value<std::string>(), "published on or after DATE")
        ("today", po::value<std::string>(), "the date used for \"open\" (default: today)")
        ("include-expired", "keep aids whose deadline has passed")
        ("order", po::value<std::string>()->default_value("relevance"), "relevance, deadline (soonest first) or published (newest first)")
        ("page", po::value<int>()->default_value(1), "1-based page")
        ("size", po::value<int>()->default_value(20), "results per page, 1 to 1000")
        ("facets", "add facet counts (themes, categories, aid types, audiences, programmes, backers)")
        ("explain", "add to each result why it matched")
        ("like", po::value<std::string>(), "aids similar to this aid id, e.g. --like pvd-012")
        ("portal", po::value<std::string>(), "a portal JSON file: base filters, highlighted and excluded ids")
        ("profile", po::value<std::string>(), "print the profile of a commune (code, name or postcode) and exit")
        ("format", po::value<std::string>(), "table, json or jsonl (default: table on a terminal, json otherwise)")
        ("text", po::value<strings>()->composing(), "search words (also given as plain arguments)");
    return options;
}

strings many(const po::variables_map& vm, const char* name) {
    return vm.count(name) ? vm[name].as<strings>() : strings{};
}

}  // namespace

std::string search_help() {
    std::ostringstream out;
    out << "usage: aides-search --db DIR [filters] [TEXT...]\n\n"
           "Finds the aids that fit a commune or a perimeter. TEXT: words are AND-ed (stems, accents and\n"
           "synonyms handled), a comma separates OR-groups, \"...\" is a phrase, -word excludes.\n\n"
        << describe()
        << "\nExamples:\n"
           "  aides-search --db idx --commune 29103 rénovation énergétique\n"
           "  aides-search --db idx --commune Landerneau --theme mobilite-transports --aid-type financial_group\n"
           "  aides-search --db idx --perimeter department:29 --facets --format json\n"
           "  aides-search --db idx --commune 29103 --order deadline --apply-before 2027-03-31\n"
           "  aides-search --db idx --commune 29103 \"centre-bourg\", friche -commerce\n"
           "  aides-search --db idx --profile 29103\n\n"
           "Exit codes: 0 success (also with no result), 1 missing or corrupt index, 2 usage error.\n";
    return out.str();
}

SearchParams parse_search_args(int argc, const char* const* argv, bool stdout_is_terminal) {
    SearchParams params;
    po::positional_options_description positional;
    positional.add("text", -1);
    // `-word` in the text is an exclusion, not a short option: hide it from the option parser.
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        bool exclusion = arg.size() > 1 && arg[0] == '-' && arg[1] != '-' && arg != "-h" &&
                         !std::isdigit(static_cast<unsigned char>(arg[1]));
        args.push_back(exclusion ? exclusion_marker + arg : arg);
    }
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(describe()).positional(positional).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
    if (vm.count("help")) {
        params.help = true;
        return params;
    }
    if (!vm.count("db")) throw UsageError("--db DIR is required");
    params.db = vm["db"].as<std::string>();
    SearchRequest& r = params.request;
    for (auto word : many(vm, "text")) {
        if (word.rfind(exclusion_marker, 0) == 0) word.erase(0, exclusion_marker.size());
        r.text += (r.text.empty() ? "" : " ") + word;
    }
    if (vm.count("commune")) r.commune = vm["commune"].as<std::string>();
    if (vm.count("perimeter")) r.perimeter = vm["perimeter"].as<std::string>();
    r.audiences = many(vm, "audience");
    r.themes = many(vm, "theme");
    r.categories = many(vm, "category");
    r.aid_types = many(vm, "aid-type");
    r.steps = many(vm, "step");
    r.destinations = many(vm, "destination");
    r.programs = many(vm, "program");
    r.backers = many(vm, "backer");
    r.recurrences = many(vm, "recurrence");
    r.call_for_projects = vm.count("call-for-projects") > 0;
    if (vm.count("charged")) {
        std::string value = vm["charged"].as<std::string>();
        if (value == "yes" || value == "true") r.is_charged = true;
        else if (value == "no" || value == "false") r.is_charged = false;
        else throw UsageError("--charged expects yes or no, got \"" + value + "\"", value);
    }
    if (vm.count("apply-before")) r.apply_before = vm["apply-before"].as<std::string>();
    if (vm.count("published-after")) r.published_after = vm["published-after"].as<std::string>();
    if (vm.count("today")) r.today = vm["today"].as<std::string>();
    r.include_expired = vm.count("include-expired") > 0;
    std::string order = vm["order"].as<std::string>();
    if (order == "relevance") r.order = Order::relevance;
    else if (order == "deadline") r.order = Order::deadline;
    else if (order == "published") r.order = Order::published;
    else throw UsageError("unknown --order \"" + order + "\" (expected relevance, deadline or published)", order);
    r.page = vm["page"].as<int>();
    r.size = vm["size"].as<int>();
    r.facets = vm.count("facets") > 0;
    r.explain = vm.count("explain") > 0;
    if (vm.count("like")) r.like = vm["like"].as<std::string>();
    if (vm.count("portal")) r.portal_path = vm["portal"].as<std::string>();
    if (vm.count("profile")) params.profile = vm["profile"].as<std::string>();
    params.format = stdout_is_terminal ? OutputFormat::table : OutputFormat::json;
    if (vm.count("format")) {
        std::string format = vm["format"].as<std::string>();
        if (format == "table") params.format = OutputFormat::table;
        else if (format == "json") params.format = OutputFormat::json;
        else if (format == "jsonl") params.format = OutputFormat::jsonl;
        else throw UsageError("unknown --format \"" + format + "\" (expected table, json or jsonl)", format);
    }
    // Early checks that need no index, so that usage errors win over a missing index.
    if (r.size < 1 || r.size > 1000) throw UsageError("--size must be between 1 and 1000, got " + std::to_string(r.size));
    if (r.page < 1) throw UsageError("--page must be 1 or more, got " + std::to_string(r.page));
    return params;
}

int run_search(const SearchParams& params, std::ostream& out, std::ostream& err) {
    try {
        Searcher searcher(params.db);
        if (!params.profile.empty()) {
            CommuneProfile profile = searcher.profile(params.profile);
            if (params.format == OutputFormat::table) print_profile(profile, out);
            else out << to_json(profile) << "\n";
            return 0;
        }
        SearchResponse response = searcher.search(params.request);
        switch (params.format) {
            case OutputFormat::json: out << to_json(response, &searcher.geography()) << "\n"; break;
            case OutputFormat::jsonl:
                for (const auto& hit : response.results) out << to_json(hit) << "\n";
                break;
            case OutputFormat::table: print_table(response, searcher.geography(), out); break;
        }
        if (!response.ignored.empty() && response.count == 0) {
            // A text of common words alone matches nothing rather than everything: say why.
            err << "aides-search: no result; common words ignored:";
            for (const auto& word : response.ignored) err << " " << word;
            err << "\n";
        }
        return 0;
    } catch (const UsageError& e) {
        err << "aides-search: " << e.what() << "\n";
        return 2;
    } catch (const Error& e) {
        err << "aides-search: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace aides::cli
