#include "options.hpp"

#include <aides/errors.hpp>

#include <boost/program_options.hpp>

#include "command_line.hpp"

#include <sstream>

namespace po = boost::program_options;

namespace aides::serve {

namespace {

po::options_description describe() {
    po::options_description options("Options", 110, 55);
    options.add_options()
        ("help,h", "show this help and exit")
        ("db", po::value<std::string>()->value_name("DIR"), "index directory built by aides-index; e.g. --db idx")
        ("listen", po::value<std::string>()->default_value("127.0.0.1:8080")->value_name("HOST:PORT"),
         "address to listen on; port 0 picks a free one (printed); e.g. --listen :0, --listen [::1]:8080")
        ("threads", po::value<int>()->default_value(16)->value_name("N"),
         "worker threads, 1 to 1024; each serves one connection at a time (kept alive 5 s idle)")
        ("max-pending", po::value<int>()->default_value(64)->value_name("N"),
         "connections waiting for a worker, 1 to 65536; more are answered 503 at once")
        ("searches", po::value<int>()->default_value(0)->value_name("N"),
         "API requests answered at once, 0 to 1024 (0: as many as threads); the others wait their turn, first come first served")
        ("timeout", po::value<int>()->default_value(5)->value_name("S"), "seconds to read a request or write an answer, 1 to 300")
        ("web", po::value<std::string>()->default_value(AIDES_SERVE_WEB_DIR)->value_name("DIR"),
         "the search page's files, served at /; empty: no page")
        ("dsfr", po::value<std::string>()->default_value(AIDES_SERVE_DSFR_DIR)->value_name("DIR"),
         "the State design system's dist/ directory (scripts/fetch-dsfr.sh), served at /dsfr/")
        ("portals", po::value<std::string>()->default_value(AIDES_SERVE_PORTALS_DIR)->value_name("DIR"),
         "portal JSON files: /portails/SLUG/ and /api/aids/?portal=SLUG read DIR/SLUG.json");
    return options;
}

int bounded(const po::variables_map& vm, const char* name, int low, int high) {
    int value = vm[name].as<int>();
    if (value < low || value > high)
        throw UsageError("--" + std::string(name) + " must be between " + std::to_string(low) + " and " +
                             std::to_string(high) + ", got " + std::to_string(value),
                         std::to_string(value));
    return value;
}

}  // namespace

std::string serve_help() {
    std::ostringstream out;
    out << "usage: aides-serve --db DIR [--listen HOST:PORT] [--threads N]\n\n"
           "Serves the aids of an index over HTTP: the JSON API under /api/ (described at /api/schema/)\n"
           "and the search page at /. A new commit of the index is seen at the next request; SIGTERM or\n"
           "SIGINT finishes the requests in flight and exits 0.\n\n"
        << describe()
        << "\nExamples:\n"
           "  aides-serve --db idx\n"
           "  aides-serve --db idx --listen 0.0.0.0:8080 --threads 32\n"
           "  curl 'http://127.0.0.1:8080/api/aids/?commune=29103&text=velo&size=5'\n\n"
           "Exit codes: 0 stopped by a signal, 1 index or address unusable, 2 usage error.\n";
    return out.str();
}

ServeParams parse_serve_args(int argc, const char* const* argv) {
    ServeParams params;
    po::variables_map vm = tools::parse_tool_command_line(tools::arguments(argc, argv), describe(), params);
    if (params.help) return params;
    std::string listen = vm["listen"].as<std::string>();
    std::size_t colon = listen.rfind(':');
    if (colon == std::string::npos) throw UsageError("--listen expects HOST:PORT, got \"" + listen + "\"", listen);
    std::string host = listen.substr(0, colon), port = listen.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (!host.empty()) params.host = host;
    bool digits = !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoi(port) > 65535) throw UsageError("--listen: bad port \"" + port + "\" (0 to 65535)", port);
    params.port = std::stoi(port);
    params.threads = bounded(vm, "threads", 1, 1024);
    params.max_pending = bounded(vm, "max-pending", 1, 65536);
    params.searches = bounded(vm, "searches", 0, 1024);
    params.timeout_seconds = bounded(vm, "timeout", 1, 300);
    params.web_dir = vm["web"].as<std::string>();
    params.dsfr_dir = vm["dsfr"].as<std::string>();
    params.portals_dir = vm["portals"].as<std::string>();
    return params;
}

}  // namespace aides::serve
