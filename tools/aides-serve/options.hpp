#pragma once
// aides-serve arguments: parsed into a params struct by a function unit tests call in-process.
#include <iosfwd>
#include <string>

namespace aides::serve {

struct ServeParams {
    std::string db;
    std::string host = "127.0.0.1";
    int port = 8080;              ///< 0: a free port, printed on stdout
    int threads = 16;             ///< worker threads; each holds one open connection at a time
    int max_pending = 64;         ///< connections waiting for a worker; beyond: 503 at once
    int searches = 0;             ///< API requests answered at once, the others wait their turn; 0: `threads`
    int timeout_seconds = 5;      ///< socket read and write time limit per request
    std::string web_dir;          ///< the search page (web/); empty: none served
    std::string dsfr_dir;         ///< the DSFR's dist/ (scripts/fetch-dsfr.sh); empty: none
    std::string portals_dir;      ///< portal JSON files (corpus/portals/)
    bool help = false;
};

/** Parses argv. @throws UsageError naming the bad flag or value. */
ServeParams parse_serve_args(int argc, const char* const* argv);
std::string serve_help();
/** Serves until SIGTERM or SIGINT; "listening on ..." to `out`, the access log to `err`.
 *  @return the exit code (0 after a signal, 1 when the index cannot be opened or the address bound). */
int run_serve(const ServeParams& params, std::ostream& out, std::ostream& err);

}  // namespace aides::serve
