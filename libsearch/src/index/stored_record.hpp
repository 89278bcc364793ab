#pragma once
// The form in which the index stores each aid (Xapian document data): a compact binary
// encoding of the Aid, read back for every result of every page. Decoding it costs a tenth of
// parsing the record's JSON, and it is a third smaller before Xapian's compression.
//
// Layout: a format byte, then the fields in declaration order of Aid. Strings are a varint
// length and the bytes; lists a varint count and strings; optional values a presence byte and
// the value; integers zigzag varints; the two flags one byte. The id comes first, so that
// stored_id() reads it without decoding the rest.
#include <aides/aid.hpp>

#include <string>
#include <string_view>

namespace aides::stored {

std::string encode(const Aid& aid);

// Throws IndexError when the bytes are not a record of this encoding (a damaged index).
Aid decode(std::string_view bytes);
std::string stored_id(std::string_view bytes);

}  // namespace aides::stored
