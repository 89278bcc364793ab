// The one table of request fields (tools/common/request_fields.cpp) against the two front ends
// written in C++: aides-search's options (made from the table, parsed by hand) and aides-serve's
// /api/aids/ parameters. The Python keywords and stub are checked in tests/python/test_request_fields.py.
#include <aides/errors.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

// Both tools name their options header options.hpp: aides-search's by its path.
#include "../../tools/aides-search/options.hpp"
#include "api.hpp"
#include "request_fields.hpp"
#include "test_support.hpp"

namespace aides {
namespace {

SearchRequest http(const serve::Params& params) {
    static const serve::Portals portals = serve::load_portals(test::corpus("portals"));
    return serve::search_request(params, portals);
}

// The one table of request fields (tools/common/request_fields.cpp): each field's flag, given its
// example, asks aides-search the same question as its /api/aids/ parameter with its HTTP example:
// both front ends map every field onto the same SearchRequest member.
TEST(RequestFields, EveryFieldMeansTheSameOnTheCommandLineAndOverHttp) {
    const std::string portal_file = test::corpus("portals/petites-villes-de-demain.json");
    auto by_cli = [&](const std::vector<std::string>& flags) {
        std::vector<const char*> argv{"aides-search", "--db", "idx"};
        for (const auto& flag : flags) argv.push_back(flag.c_str());
        return cli::parse_search_args(static_cast<int>(argv.size()), argv.data(), false).request;
    };
    // The defaults agree too (a portal aside, compared by content below).
    EXPECT_EQ(by_cli({}), http({}));
    std::set<std::string> members;
    for (const tools::RequestField& field : tools::request_fields()) {
        const std::string member(field.member);
        EXPECT_TRUE(members.insert(member).second) << member << " twice in the table";
        ASSERT_FALSE(field.flag.empty() || field.http.empty()) << member << ": every field is a flag and a parameter";
        std::vector<std::string> flags{"--" + std::string(field.flag)};
        if (field.kind != tools::FlagKind::toggle) flags.push_back(field.example == "@portal" ? portal_file : std::string(field.example));
        SearchRequest by_flag = by_cli(flags);
        SearchRequest by_parameter = http({{std::string(field.http), std::string(field.http_example)}});
        EXPECT_NE(by_flag, by_cli({})) << "--" << field.flag << " changes nothing";
        if (member == "portal") {
            ASSERT_TRUE(by_flag.portal && by_parameter.portal);
            EXPECT_EQ(*by_flag.portal, *by_parameter.portal);
            by_flag.portal = by_parameter.portal = nullptr;
        }
        EXPECT_EQ(by_flag, by_parameter) << "--" << field.flag << " and " << field.http << "= differ";
    }
    EXPECT_EQ(members.size(), 28u) << "a SearchRequest member left out of the table, or one added";
}

}  // namespace
}  // namespace aides
