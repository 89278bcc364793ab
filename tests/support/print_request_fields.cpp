// Prints the one table of request fields (tools/common/request_fields.cpp) as JSON, for the
// Python check that the binding, its stub and aides-search --help agree with it
// (tests/python/test_request_fields.py).
#include <nlohmann/json.hpp>

#include <iostream>
#include <string>

#include "request_fields.hpp"

int main() {
    static const char* const kinds[] = {"value", "list", "number", "choice", "toggle"};
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& field : aides::tools::request_fields())
        out.push_back({{"member", field.member},
                       {"flag", field.flag},
                       {"python", field.python},
                       {"http", field.http},
                       {"kind", kinds[static_cast<int>(field.kind)]},
                       {"value_name", field.value_name},
                       {"help", field.help}});
    std::cout << out.dump(1) << "\n";
    return 0;
}
