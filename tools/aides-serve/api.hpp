#pragma once
// The JSON API without HTTP: a path and its query parameters in, a status and a body out. The
// server (server.cpp) wires it to sockets; tests call it in-process too.
#include <aides/perimeters.hpp>
#include <aides/search.hpp>

#include <map>
#include <memory>
#include <string>

namespace aides::serve {

/** Query parameters, decoded; a repeated parameter appears once per value. */
using Params = std::multimap<std::string, std::string>;

struct Reply {
    int status = 200;
    std::string body;
    std::string content_type = "application/json";
    bool cacheable = false;  ///< depends only on the index revision and the date: gets an ETag
};

/** Bounds of a request, beyond the HTTP library's own (8 KB request line and headers). */
struct Limits {
    std::size_t max_size = 100;        ///< `size` of a page
    int max_page = 10000;              ///< `page`
    std::size_t max_value_bytes = 1000;  ///< one parameter value
    std::size_t max_values = 50;       ///< values of one repeated parameter
};

/** The portals a server offers, by slug (the file name `SLUG.json` without its extension). */
using Portals = std::map<std::string, std::shared_ptr<const Portal>>;

/** Reads every `DIR/SLUG.json` once (slugs of `a-z`, `0-9` and `-`); none when DIR is absent.
 *  @throws UsageError naming the file of a portal that cannot be read. */
Portals load_portals(const std::string& dir);

/** The request that `aides-search` builds for the same question, from the Aides-territoires
 *  v1.6 parameter names of `/api/aids/` (and this contract's own). Unknown parameters are
 *  ignored, as Aides-territoires does. `portal` names one of `portals` by its slug.
 *  @throws UsageError naming the parameter and its bad value. */
SearchRequest search_request(const Params& params, const Portals& portals, const Limits& limits = {});

/** `{"revision", "age_seconds", "aids"}` of a status, `now` in seconds since 1970. */
std::string status_json(const IndexStatus& status, std::int64_t now);

class Api {
  public:
    /** Opens the index and reads the portals of `portals_dir` (load_portals()), once.
     *  @throws IndexError when the index cannot be opened, UsageError for a bad portal file. */
    Api(const std::string& db, std::string portals_dir, Limits limits = {});

    /** Answers GET `path` (e.g. `/api/aids/`); `base_url` (`http://host:port`) prefixes the
     *  `next` and `previous` links. Never throws: errors are 400, 404 or 503 replies with
     *  `{"error": "..."}`. */
    Reply handle(const std::string& path, const Params& params, const std::string& base_url) const;
    /** The revision now read (IndexError when unreadable). */
    IndexStatus status() const { return searcher_.status(); }
    const Searcher& searcher() const { return searcher_; }
    /** True when `slug` is one of the portals read at start. */
    bool has_portal(const std::string& slug) const { return portals_.count(slug) > 0; }

  private:
    Reply route(const std::string& path, const Params& params, const std::string& base_url) const;
    Reply search(const Params& params, const std::string& base_url) const;
    /** The Atom feed of the search's aids published or updated since `since`, newest first. */
    Reply feed(const Params& params, const std::string& base_url) const;
    Reply aid(const std::string& id_or_slug) const;
    Reply commune(const std::string& code) const;
    Reply perimeters(const Params& params) const;
    Reply programs() const;
    Reply backers(const Params& params) const;
    Reply portals() const;
    Reply portal(const std::string& slug) const;

    Searcher searcher_;
    PerimeterFinder perimeter_finder_;
    std::string portals_dir_;
    Portals portals_;
    Limits limits_;
};

/** The OpenAPI 3 document of the API (generated from tools/aides-serve/openapi.json). */
const std::string& openapi_document();

}  // namespace aides::serve
