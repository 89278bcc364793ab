#include "options.hpp"

#include <aides/errors.hpp>

#include <boost/program_options.hpp>

#include "command_line.hpp"

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace po = boost::program_options;

namespace aides::cli {

namespace {

po::options_description describe() {
    po::options_description options("Options", 110, 50);
    using strings = std::vector<std::string>;
    options.add_options()
        ("help,h", "show this help and exit")
        ("db", po::value<std::string>()->value_name("DIR"), "index directory, created if missing; e.g. --db idx")
        ("input,i", po::value<strings>()->composing()->value_name("FILE"),
         "records to add or replace (repeatable): JSON Lines, a JSON array or an Aides-territoires API page; "
         "`-` reads stdin; e.g. --input corpus/aides.jsonl")
        ("format", po::value<std::string>()->default_value("auto")->value_name("F"),
         "input format: auto, jsonl, json (canonical records), at-api (Aides-territoires API data as served), "
         "at-csv (the Aides-territoires CSV export); auto tells them apart; e.g. --format at-csv")
        ("skip-invalid", "index the valid records even when some are bad (they are still reported); e.g. --skip-invalid")
        ("dry-run,n", "read and validate, print what would be added, replaced and removed (one `add|replace|remove ID` "
                       "line each on stdout), write nothing; e.g. --dry-run --sync dump.jsonl")
        ("check", "the same as --dry-run")
        ("delete", po::value<strings>()->multitoken()->composing()->value_name("ID..."),
         "remove these aid ids, naming those not found; e.g. --delete pvd-001 pvd-002")
        ("sync", po::value<strings>()->composing()->value_name("FILE"),
         "make the index equal to this full dump: add, replace, and remove the aids not in it (repeatable). Refused, "
         "index unchanged, when a file cannot be read whole, the dump is empty or has no valid record, or it would "
         "remove more than --max-removals; e.g. --sync dump.jsonl")
        ("max-removals", po::value<std::string>()->default_value("10%")->value_name("N|P%"),
         "the most aids a sync may remove: a count or a percentage of the index; e.g. --max-removals 500, --max-removals 100%")
        ("geo", po::value<std::string>()->value_name("PATH"),
         "geography: a geography.tsv or an npm data/ directory (default: the one fetched by make); e.g. --geo build/geo/geography.tsv")
        ("taxonomy", po::value<std::string>()->value_name("FILE"), "themes and categories (default: corpus/taxonomy.json); e.g. --taxonomy my-taxonomy.json")
        ("synonyms", po::value<std::string>()->value_name("FILE"), "synonym dictionary (default: corpus/synonyms.txt); e.g. --synonyms my-synonyms.txt")
        ("adhoc", po::value<strings>()->composing()->value_name("NAME=FILE"),
         "ad-hoc perimeter adhoc:NAME made of the INSEE codes in FILE (repeatable); e.g. --adhoc pvd=corpus/adhoc/pvd-extrait.txt")
        ("compact", "rewrite the index with full blocks after the changes (about 15 % smaller); done by itself when "
                    "this run creates the index; e.g. --compact")
        ("no-compact", "do not compact a newly created index (faster when more updates follow at once)")
        ("quiet,q", "print errors only; e.g. --quiet");
    return options;
}

}  // namespace

std::string index_help() {
    std::ostringstream out;
    out << "usage: aides-index --db DIR [--input FILE|-]... [options]\n\n"
           "Adds or replaces aids in a search index, atomically: when any record is bad nothing is\n"
           "written (exit 1) unless --skip-invalid is given. Bad records are reported as FILE:LINE: reason.\n"
           "A file that cannot be read whole (missing, empty, cut short) always refuses the run.\n"
           "Accepted aids a search may miss (no audience, no perimeter) are counted in warnings.\n"
           "An index created by the run is then compacted (see --compact).\n\n"
        << describe()
        << "\nExamples:\n"
           "  aides-index --db idx --input corpus/aides.jsonl --adhoc pvd=corpus/adhoc/pvd-extrait.txt\n"
           "  aides-index --db idx --input new.jsonl --skip-invalid\n"
           "  aides-index --db idx --dry-run --input export.json\n"
           "  aides-index --db idx --format at-csv --input aides-territoires.csv --skip-invalid\n"
           "  aides-index --db idx --delete pvd-001 pvd-002\n"
           "  aides-index --db idx --sync full-dump.jsonl --dry-run\n"
           "  aides-index --db idx --sync full-dump.jsonl --max-removals 25%\n"
           "  aides-index --db idx --compact                 # after many updates: full blocks, smaller\n\n"
           "Exit codes: 0 success, 1 bad data or I/O error (index unchanged), 2 usage error.\n";
    return out.str();
}

IndexParams parse_index_args(int argc, const char* const* argv) {
    IndexParams params;
    po::variables_map vm = tools::parse_tool_command_line(tools::arguments(argc, argv), describe(), params);
    if (params.help) return params;
    if (vm.count("input")) params.inputs = vm["input"].as<std::vector<std::string>>();
    if (vm.count("sync")) params.sync_inputs = vm["sync"].as<std::vector<std::string>>();
    if (vm.count("delete")) params.delete_ids = vm["delete"].as<std::vector<std::string>>();
    if (!params.sync_inputs.empty() && !params.inputs.empty()) throw UsageError("give --input or --sync, not both");
    std::string format = vm["format"].as<std::string>();
    if (format == "auto") params.ingest.format = InputFormat::automatic;
    else if (format == "jsonl") params.ingest.format = InputFormat::jsonl;
    else if (format == "json") params.ingest.format = InputFormat::json;
    else if (format == "at-api" || format == "at_api") params.ingest.format = InputFormat::at_api;
    else if (format == "at-csv" || format == "at_csv") params.ingest.format = InputFormat::at_csv;
    else throw UsageError("unknown --format \"" + format + "\" (expected auto, jsonl, json, at-api or at-csv)", format);
    params.ingest.skip_invalid = vm.count("skip-invalid") > 0;
    params.ingest.dry_run = vm.count("check") > 0 || vm.count("dry-run") > 0;
    params.ingest.max_removals = RemovalLimit::parse(vm["max-removals"].as<std::string>());
    if (!vm["max-removals"].defaulted() && params.sync_inputs.empty())
        throw UsageError("--max-removals applies to --sync only");
    params.quiet = vm.count("quiet") > 0;
    if (vm.count("compact") && vm.count("no-compact")) throw UsageError("give --compact or --no-compact, not both");
    if (vm.count("compact")) params.compact = Compaction::always;
    if (vm.count("no-compact")) params.compact = Compaction::never;
    if (vm.count("geo")) params.index.geography_path = vm["geo"].as<std::string>();
    if (vm.count("taxonomy")) params.index.taxonomy_path = vm["taxonomy"].as<std::string>();
    if (vm.count("synonyms")) params.index.synonyms_path = vm["synonyms"].as<std::string>();
    if (vm.count("adhoc")) {
        for (const auto& spec : vm["adhoc"].as<std::vector<std::string>>()) {
            auto eq = spec.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
                throw UsageError("--adhoc expects NAME=FILE, got \"" + spec + "\"", spec);
            params.index.adhoc.emplace_back(spec.substr(0, eq), spec.substr(eq + 1));
        }
    }
    return params;
}

namespace {

// "a, b, c (and 12 more)": the first ids of a list, for one-line messages.
std::string first_ids(const std::vector<std::string>& ids, std::size_t shown = 10) {
    std::string text;
    for (std::size_t i = 0; i < ids.size() && i < shown; ++i) text += (i ? ", " : "") + ids[i];
    if (ids.size() > shown) text += " (and " + std::to_string(ids.size() - shown) + " more)";
    return text;
}

void print_report(const IndexParams& params, const IngestReport& report, std::size_t index_size, std::ostream& out,
                  std::ostream& err) {
    const bool dry_run = params.ingest.dry_run, sync = !params.sync_inputs.empty();
    for (const auto& issue : report.errors) err << issue.to_string() << "\n";
    if (params.quiet) {
        // A file that cannot be read is already its own line; other refusals need theirs.
        bool file_error = std::any_of(report.errors.begin(), report.errors.end(), [](const RecordIssue& e) { return e.whole_file; });
        if (!report.refusal.empty() && !file_error) err << "aides-index: refused: " << report.refusal << "\n";
        return;
    }
    for (const auto& issue : report.warnings) err << "warning: " << issue.to_string() << "\n";
    for (const auto& concern : report.concerns) {
        err << "warning: " << concern.summary << "; first:";
        for (const auto& issue : concern.first) err << " " << issue.source << ":" << issue.line << (issue.id.empty() ? "" : " (" + issue.id + ")");
        err << "\n";
    }
    if (dry_run) {
        for (const auto& id : report.added_ids) out << "add " << id << "\n";
        for (const auto& id : report.replaced_ids) out << "replace " << id << "\n";
        for (const auto& id : report.removed_ids) out << "remove " << id << "\n";
    }
    err << "aides-index: " << report.read << " read, " << report.valid << " valid, " << report.rejected << " rejected; ";
    if (report.committed) {
        err << report.added_ids.size() << " added, " << report.replaced_ids.size() << " replaced";
        if (sync) err << ", " << report.removed_ids.size() << " removed";
    } else {
        err << "would add " << report.added_ids.size() << ", replace " << report.replaced_ids.size();
        if (sync) err << ", remove " << report.removed_ids.size();
    }
    err << "; ";
    if (!report.refusal.empty()) err << "refused: " << report.refusal << "\n";
    else if (dry_run) err << "dry run, nothing written\n";
    else if (report.committed) err << "committed, index holds " << index_size << " aids\n";
    else err << "nothing written (fix the records or use --skip-invalid)\n";
}

}  // namespace

int run_index(const IndexParams& params, std::ostream& out, std::ostream& err) {
    try {
        Index index = Index::open(params.db, params.index);
        IngestOptions options = params.ingest;
        auto started = std::chrono::steady_clock::now();
        if (!params.quiet)
            options.progress = [&](std::size_t read, const std::string& source) {
                double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                err << "aides-index: " << read << " records read (" << source << ", "
                    << static_cast<long>(read / std::max(seconds, 1e-3)) << " records/s)\n";
            };
        int status = 0;
        bool committed = false;
        if (!params.delete_ids.empty()) {
            RemovalReport removal = index.remove(params.delete_ids, options.dry_run);
            if (options.dry_run)
                for (const auto& id : removal.removed) out << "remove " << id << "\n";
            if (!removal.not_found.empty())
                err << "aides-index: warning: " << removal.not_found.size() << " id(s) not in the index: " << first_ids(removal.not_found) << "\n";
            if (!params.quiet)
                err << "aides-index: " << removal.removed.size() << " of " << params.delete_ids.size() << " ids "
                    << (options.dry_run ? "would be removed (dry run)" : "removed") << "\n";
        }
        bool has_inputs = !params.inputs.empty() || !params.sync_inputs.empty();
        if (has_inputs || params.delete_ids.empty()) {
            IngestReport report = params.sync_inputs.empty() ? index.ingest(params.inputs, options)
                                                             : index.sync(params.sync_inputs, options);
            print_report(params, report, index.size(), out, err);
            if (!report.refusal.empty() || (!report.errors.empty() && (!options.skip_invalid || options.dry_run))) status = 1;
            committed = report.committed;
        }
        bool compact = params.compact == Compaction::always || (params.compact == Compaction::when_created && index.created() && committed);
        if (compact && !options.dry_run) {
            auto before = std::chrono::steady_clock::now();
            try {
                index.compact();
                if (!params.quiet) {
                    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - before).count();
                    std::ostringstream shown;
                    shown << std::fixed << std::setprecision(seconds < 10 ? 2 : 1) << seconds;
                    err << "aides-index: compacted in " << shown.str() << " s\n";
                }
            } catch (const Error& e) {
                // The changes are committed and whole; only the space saving is lost.
                err << "aides-index: warning: " << e.what() << " (the index is complete, not compacted)\n";
            }
        }
        return status;
    } catch (const UsageError& e) {
        err << "aides-index: " << e.what() << "\n";
        return 2;
    } catch (const DataError& e) {
        err << "aides-index: " << (e.source().empty() ? "" : e.source() + (e.line() ? ":" + std::to_string(e.line()) : "") + ": ")
            << e.what() << "\n";
        return 1;
    } catch (const Error& e) {
        err << "aides-index: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace aides::cli
