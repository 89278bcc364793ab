#include "options.hpp"

#include <aides/errors.hpp>

#include <boost/program_options.hpp>

#include <sys/ioctl.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <iostream>
#include <sstream>

namespace po = boost::program_options;

namespace aides::cli {

namespace {

using strings = std::vector<std::string>;

const std::string exclusion_marker = "\x1f";

po::options_description describe() {
    // 80 columns: the help fits a terminal of any size.
    po::options_description options("Options (one flag repeated: OR; different flags: AND)", 80, 40);
    auto text = [] { return po::value<std::string>(); };
    auto list = [] { return po::value<strings>()->composing(); };
    options.add_options()
        ("help,h", "show this help and exit")
        ("db", text()->value_name("DIR"), "index directory built by aides-index; e.g. --db idx")
        ("commune", text()->value_name("CODE"), "INSEE code, postcode or name (today's or a former one), with its department when shared; insee:CODE or cp:CODE when five digits read both ways; implies --audience commune; e.g. --commune 29103, --commune Landerneau, --commune \"Moulins (03)\", --commune \"Moulins, Allier\", --commune Hesdin, --commune insee:71500, --commune cp:13016")
        ("perimeter", text()->value_name("SCALE:CODE"), "any perimeter, with the wider and narrower ones; e.g. --perimeter department:29, --perimeter epci:242900801, --perimeter adhoc:pvd")
        ("audience", list()->value_name("A"), "targeted audience: commune epci department region special association private_person farmer private_sector public_cies public_org researcher; e.g. --audience epci")
        ("theme", list()->value_name("SLUG"), "theme (any of its categories), or its Aides-territoires slug; e.g. --theme mobilite-transports")
        ("category", list()->value_name("SLUG"), "category, or an Aides-territoires category slug; e.g. --category mobilite-douce")
        ("aid-type", list()->value_name("T"), "grant loan recoverable_advance cee other technical_engineering financial_engineering legal_engineering, or the groups financial_group technical_group; e.g. --aid-type grant")
        ("step", list()->value_name("S"), "project step: preop op postop; e.g. --step preop")
        ("destination", list()->value_name("D"), "supply (operating costs) or investment; e.g. --destination investment")
        ("program", list()->value_name("SLUG"), "programme slug (one that no aid has is an error, with the closest ones); e.g. --program petites-villes-de-demain")
        ("backer", list()->value_name("NAME"), "financer or instructor, whole name, any case or accents (a warning when no aid has it); e.g. --backer \"Banque des Territoires\"")
        ("recurrence", list()->value_name("R"), "oneoff ongoing recurring; e.g. --recurrence ongoing")
        ("call-for-projects", "only calls for projects; e.g. --call-for-projects")
        ("charged", text()->value_name("yes|no"), "yes: only paid services; no: only free ones; e.g. --charged no")
        ("apply-before", text()->value_name("DATE"), "still open, deadline between today and DATE (aids without one dropped, as ongoing aids whose deadline has passed); e.g. --apply-before 2027-03-31")
        ("published-after", text()->value_name("DATE"), "published on or after DATE; e.g. --published-after 2026-09-01")
        ("today", text()->value_name("DATE"), "the date used for \"open\" (default: today); e.g. --today 2026-11-26")
        ("include-expired", "keep aids whose deadline has passed; e.g. --include-expired")
        ("order", po::value<std::string>()->default_value("relevance")->value_name("O"), "relevance (by score with text; else narrowest perimeter, then soonest deadline), deadline (soonest first; none, or an ongoing aid's past one, last), published (newest first); e.g. --order deadline")
        ("page", po::value<int>()->default_value(1)->value_name("N"), "1-based page; e.g. --page 2")
        ("size", po::value<int>()->default_value(20)->value_name("N"), "results per page, 1 to 1000; e.g. --size 50")
        ("facets", "add exact counts of themes, categories, aid types, audiences, programmes, backers; e.g. --facets")
        ("explain", "add to each result why it matched (perimeter, filters, words per field), and to the JSON an \"explain\" block naming the executor that answered; e.g. --explain")
        ("executor", text()->value_name("E"), "auto (default: in memory when it can, Xapian otherwise), xapian or memory (a search memory cannot run, e.g. a phrase, falls back to Xapian and --explain says why); the answer is the same, only its cost differs; e.g. --executor xapian --explain")
        ("strict", "only aids with every word; by default, when they do not fill the page, aids with part of the words follow, marked with the words they lack; e.g. --strict")
        ("no-snippets", "leave out the extract of each result's description (a list of titles, an export: faster); e.g. --no-snippets")
        ("like", text()->value_name("ID"), "aids similar to this aid, within the other filters; e.g. --like pvd-012")
        ("portal", text()->value_name("FILE"), "a portal JSON file: base filters, highlighted and excluded aid ids; e.g. --portal corpus/portals/petites-villes-de-demain.json")
        ("profile", text()->value_name("CODE"), "print a commune's profile (read as --commune) and exit; e.g. --profile 29103, --profile \"Moulins (03)\"")
        ("format", text()->value_name("F"), "table, json or jsonl (default: table on a terminal, json otherwise); the table fits the terminal (COLUMNS, else 80); e.g. --format json")
        ("long", "with the table: each aid's extract, link and why under its row; e.g. --format table --long")
        ("text", list()->value_name("WORDS"), "search words, also given as plain arguments; e.g. --text \"maison de santé\"");
    return options;
}

strings many(const po::variables_map& vm, const char* name) {
    return vm.count(name) ? vm[name].as<strings>() : strings{};
}

}  // namespace

std::string search_help() {
    std::ostringstream out;
    out << "usage: aides-search --db DIR [filters] [TEXT...]\n\n"
           "Finds the aids that fit a commune or a perimeter. TEXT: words are AND-ed (stems,\n"
           "accents and synonyms handled), a comma separates OR-groups, \"...\" is a phrase,\n"
           "-word excludes.\n\n"
        << describe()
        << "\nExamples:\n"
           "  aides-search --db idx --commune 29103 rénovation énergétique\n"
           "  aides-search --db idx --commune Landerneau --theme mobilite-transports \\\n"
           "      --aid-type financial_group\n"
           "  aides-search --db idx --perimeter department:29 --facets --format json\n"
           "  aides-search --db idx --commune 29103 --order deadline \\\n"
           "      --apply-before 2027-03-31\n"
           "  aides-search --db idx --commune 29103 '\"centre-bourg\", friche -commerce'\n"
           "  aides-search --db idx --commune \"Moulins (03)\" --format table --long\n"
           "  aides-search --db idx --profile 29103\n\n"
           "Exit codes: 0 success (also with no result), 1 missing or corrupt index,\n"
           "2 usage error.\n";
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
    r.snippets = vm.count("no-snippets") == 0;
    r.strict = vm.count("strict") > 0;
    if (vm.count("executor")) {
        std::string executor = vm["executor"].as<std::string>();
        auto execution = parse_execution(executor);
        if (!execution) throw UsageError("unknown --executor \"" + executor + "\" (expected auto, xapian or memory)", executor);
        r.execution = *execution;
    }
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
    params.table.long_form = vm.count("long") > 0;
    if (params.table.long_form && params.format != OutputFormat::table) throw UsageError("--long goes with --format table");
    if (params.format == OutputFormat::table) {
        r.snippets = params.table.long_form;  // only the long table shows them
        r.explain = r.explain || params.table.long_form;
        params.table.width = terminal_width(stdout_is_terminal);
    }
    // Early checks that need no index, so that usage errors win over a missing index.
    if (r.size < 1 || r.size > 1000) throw UsageError("--size must be between 1 and 1000, got " + std::to_string(r.size));
    if (r.page < 1) throw UsageError("--page must be 1 or more, got " + std::to_string(r.page));
    return params;
}

std::size_t terminal_width(bool stdout_is_terminal) {
    if (const char* columns = std::getenv("COLUMNS")) {
        char* end = nullptr;
        long value = std::strtol(columns, &end, 10);
        if (end != columns && *end == '\0' && value > 0) return static_cast<std::size_t>(value);
    }
    winsize size{};
    if (stdout_is_terminal && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
    return 80;
}

int run_search(const SearchParams& params, std::ostream& out, std::ostream& err) {
    try {
        Searcher searcher(params.db);
        if (!params.profile.empty()) {
            CommuneProfile profile = searcher.profile(params.profile);
            if (params.format == OutputFormat::table) print_profile(profile, out, params.table.width);
            else out << to_json(profile) << "\n";
            return 0;
        }
        SearchResponse response = searcher.search(params.request);
        switch (params.format) {
            case OutputFormat::json: out << to_json(response, &searcher.geography()) << "\n"; break;
            case OutputFormat::jsonl:
                for (const auto& hit : response.results) out << to_json(hit) << "\n";
                break;
            case OutputFormat::table: print_table(response, searcher.geography(), out, params.table); break;
        }
        // Said on stderr whatever the format: how the commune was read, what matched nothing.
        if (params.format != OutputFormat::table && response.commune && !response.commune->note.empty())
            err << "aides-search: note: " << response.commune->note << "\n";
        for (const auto& warning : response.warnings) err << "aides-search: warning: " << warning << "\n";
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
