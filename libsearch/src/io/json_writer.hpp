#pragma once
// Compact JSON written straight to a string, without a DOM: a page of 20 results built as
// nlohmann's ordered_json and dumped was a third of aides-serve's time (an allocation per
// member and per value, and a linear scan per key). The text is byte for byte what
// `ordered_json::dump(-1, ' ', false, error_handler_t::replace)` prints for the same members in
// the same order (tests/unit/output_json_test.cpp compares them).
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace aides::json_io {

/** Appends `text` as a JSON string, quotes included: `"` `\` and the control characters
 *  U+0000-U+001F escaped (`\n`, `\t`... or `\u001f`), every other character kept as UTF-8
 *  (U+007F and U+2028 too), and each invalid UTF-8 sequence replaced by U+FFFD as nlohmann's
 *  `error_handler_t::replace` does. */
void append_string(std::string& out, std::string_view text);

/** Appends a double as nlohmann prints it (shortest round trip, `1.0` for one, null when not
 *  finite). */
void append_number(std::string& out, double value);

/** Writes members and values in the order called; commas and colons are its business. Nothing
 *  checks that objects and arrays are balanced or that a key precedes each member: the callers
 *  are a few functions of this library, tested against nlohmann's output. */
class JsonWriter {
  public:
    explicit JsonWriter(std::string& out) : out_(out) {}

    JsonWriter& begin_object() { return open('{'); }
    JsonWriter& end_object() { return close('}'); }
    JsonWriter& begin_array() { return open('['); }
    JsonWriter& end_array() { return close(']'); }

    /** The next member's name. */
    JsonWriter& key(std::string_view name) {
        separate();
        append_string(out_, name);
        out_ += ':';
        need_comma_ = false;
        return *this;
    }

    JsonWriter& string(std::string_view text) {
        separate();
        append_string(out_, text);
        return done();
    }
    JsonWriter& boolean(bool value) {
        separate();
        out_ += value ? "true" : "false";
        return done();
    }
    JsonWriter& null() {
        separate();
        out_ += "null";
        return done();
    }
    template <typename Integer>
        requires std::is_integral_v<Integer> && (!std::is_same_v<Integer, bool>)
    JsonWriter& integer(Integer value) {
        separate();
        char digits[24];
        auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
        out_.append(digits, end);
        return done();
    }
    JsonWriter& number(double value) {
        separate();
        append_number(out_, value);
        return done();
    }
    /** An array of strings (`[]` when empty). */
    JsonWriter& strings(const std::vector<std::string>& values) {
        begin_array();
        for (const auto& value : values) string(value);
        return end_array();
    }
    /** A value already written as JSON text (one of this writer's, or nlohmann's compact dump). */
    JsonWriter& raw(std::string_view json) {
        separate();
        out_ += json;
        return done();
    }

  private:
    void separate() {
        if (need_comma_) out_ += ',';
    }
    JsonWriter& done() {
        need_comma_ = true;
        return *this;
    }
    JsonWriter& open(char bracket) {
        separate();
        out_ += bracket;
        need_comma_ = false;
        return *this;
    }
    JsonWriter& close(char bracket) {
        out_ += bracket;
        return done();
    }

    std::string& out_;
    bool need_comma_ = false;  // a value or member was written at this level
};

}  // namespace aides::json_io
