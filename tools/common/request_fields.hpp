#pragma once
// The one table of search request fields: each SearchRequest member with its aides-search flag,
// its Python keyword (aides.Searcher.search) and its /api/aids/ parameter. aides-search's
// options are made from it; tests check the Python binding, its stub and aides-serve against it.
#include <boost/program_options/options_description.hpp>

#include <string_view>
#include <vector>

namespace aides::tools {

/** How a field is given on the command line. */
enum class FlagKind {
    value,    ///< one value (`--commune 29103`)
    list,     ///< repeatable, the values OR-ed (`--audience commune --audience epci`)
    number,   ///< an integer with a default (`--page 2`)
    choice,   ///< one word of a few, with a default (`--order deadline`)
    toggle,   ///< no value (`--facets`)
};

/** One field of a search request. An empty name in a front end: that front end lacks it. */
struct RequestField {
    std::string_view member;      ///< SearchRequest member (and name in the `.pyi` stub)
    std::string_view flag;        ///< aides-search flag, without `--`
    std::string_view python;      ///< keyword of aides.Searcher.search
    std::string_view http;        ///< /api/aids/ query parameter
    FlagKind kind;                ///< how the flag takes its value
    std::string_view value_name;  ///< what the help calls the value (`CODE`); empty for a toggle
    std::string_view fallback;    ///< the flag's default shown by --help; empty: none
    std::string_view example;     ///< a value the CLI accepts (empty for a toggle; `@portal`: a portal file)
    std::string_view http_example;  ///< the same question as an /api/aids/ value
    std::string_view help;        ///< the flag's help line
};

/** Every field of SearchRequest, in the order of aides-search --help. */
const std::vector<RequestField>& request_fields();

/** Adds one option per field that has a flag to `options` (the flag, its value, its help). */
void add_request_options(boost::program_options::options_description& options);

}  // namespace aides::tools
