#include "options.hpp"

#include <aides/errors.hpp>

#include <boost/program_options.hpp>

#include "command_line.hpp"
#include "request_fields.hpp"

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
    options.add_options()
        ("help,h", "show this help and exit")
        ("db", text()->value_name("DIR"), "index directory built by aides-index; e.g. --db idx");
    tools::add_request_options(options);  // the request's fields, from the one table of them
    options.add_options()
        ("profile", text()->value_name("CODE"), "print a commune's profile (read as --commune) and exit; e.g. --profile 29103, --profile \"Moulins (03)\"")
        ("format", text()->value_name("F"), "table, json or jsonl (default: table on a terminal, json otherwise); the table fits the terminal (COLUMNS, else 80); e.g. --format json")
        ("long", "with the table: each aid's extract, link and why under its row; e.g. --format table --long");
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
    po::variables_map vm = tools::parse_tool_command_line(args, describe(), params, &positional);
    if (params.help) return params;
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
    if (vm.count("portal")) r.portal = std::make_shared<const Portal>(Portal::load(vm["portal"].as<std::string>()));
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
            case OutputFormat::json: out << to_json(response) << "\n"; break;
            case OutputFormat::jsonl:
                for (const auto& hit : response.results) out << to_json(hit) << "\n";
                break;
            case OutputFormat::table: print_table(response, out, params.table); break;
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
