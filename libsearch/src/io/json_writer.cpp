#include "io/json_writer.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>

namespace aides::json_io {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

void append_escaped_ascii(std::string& out, unsigned char c) {
    switch (c) {
        case '"': out += "\\\""; return;
        case '\\': out += "\\\\"; return;
        case '\b': out += "\\b"; return;
        case '\t': out += "\\t"; return;
        case '\n': out += "\\n"; return;
        case '\f': out += "\\f"; return;
        case '\r': out += "\\r"; return;
        default: {
            constexpr char hex[] = "0123456789abcdef";
            char escape[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            out.append(escape, sizeof escape);
        }
    }
}

// How many bytes at `text[at]` (a byte >= 0x80) form a well-formed UTF-8 sequence (RFC 3629:
// no overlong form, no surrogate, nothing past U+10FFFF), as a positive number; when they do
// not, minus how many bytes to drop before reading again. As nlohmann's decoder: a byte that
// cannot start a sequence is dropped; a sequence broken by a byte is dropped up to that byte,
// which is read again; a sequence cut by the end of the text is dropped.
long utf8_sequence(std::string_view text, std::size_t at) {
    const auto lead = static_cast<unsigned char>(text[at]);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the second byte's range
    if (lead >= 0xC2 && lead <= 0xDF) length = 2;
    else if (lead == 0xE0) length = 3, low = 0xA0;
    else if (lead == 0xED) length = 3, high = 0x9F;
    else if (lead >= 0xE1 && lead <= 0xEF) length = 3;
    else if (lead == 0xF0) length = 4, low = 0x90;
    else if (lead == 0xF4) length = 4, high = 0x8F;
    else if (lead >= 0xF1 && lead <= 0xF3) length = 4;
    else return -1;
    for (std::size_t k = 1; k < length; ++k) {
        if (at + k >= text.size()) return -static_cast<long>(text.size() - at);
        const auto byte = static_cast<unsigned char>(text[at + k]);
        if (byte < (k == 1 ? low : 0x80) || byte > (k == 1 ? high : 0xBF)) return -static_cast<long>(k);
    }
    return static_cast<long>(length);
}

// Whether none of the 8 bytes of `word` needs a look: none is a control character, `"`, `\`
// or non-ASCII (the "has a byte less than n" bit trick, exact for n <= 128).
bool plain_ascii(std::uint64_t word) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    auto has_zero_byte = [&](std::uint64_t x) { return (x - ones) & ~x & high; };
    return ((word & high) | ((word - ones * 0x20) & ~word & high) | has_zero_byte(word ^ (ones * '"')) |
            has_zero_byte(word ^ (ones * '\\'))) == 0;
}

}  // namespace

void append_string(std::string& out, std::string_view text) {
    out.reserve(out.size() + text.size() + 2);
    out += '"';
    std::size_t copied = 0;  // text[copied, at) is kept as it is, appended in one go
    std::size_t at = 0;
    while (at < text.size()) {
        // Eight bytes at a time through the plain runs: most of a description.
        while (at + 8 <= text.size()) {
            std::uint64_t word;
            std::memcpy(&word, text.data() + at, 8);
            if (!plain_ascii(word)) break;
            at += 8;
        }
        if (at >= text.size()) break;
        const auto c = static_cast<unsigned char>(text[at]);
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            ++at;
            continue;
        }
        if (c >= 0x80) {
            long sequence = utf8_sequence(text, at);
            if (sequence > 0) {
                at += static_cast<std::size_t>(sequence);
                continue;
            }
            out.append(text.data() + copied, at - copied);
            out += replacement;
            at += static_cast<std::size_t>(-sequence);
        } else {
            out.append(text.data() + copied, at - copied);
            append_escaped_ascii(out, c);
            ++at;
        }
        copied = at;
    }
    out.append(text.data() + copied, at - copied);
    out += '"';
}

void append_number(std::string& out, double value) {
    if (!std::isfinite(value)) {
        out += "null";
        return;
    }
    // nlohmann's own shortest-digits conversion (Grisu2), so that the digits are its digits.
    char digits[64];
    char* end = nlohmann::detail::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, end);
}

}  // namespace aides::json_io
