#pragma once
// The BM25 parameters of every weighted text search, in one place: Xapian's matcher is given
// them (bm25::weight()) and the in-memory ranking (search/memory/ranking.cpp) computes with the
// same, so both executors rank alike.
#include <xapian.h>

namespace aides::bm25 {

// k1 = 2 (Xapian's default is 1): a word said again in an aid's name or description keeps
// adding weight longer, so the aids about the word pass those naming it once in a list
// (measured on the tuning half of bench/relevance, docs/relevance.md). The others are Xapian's
// defaults; k2 = 0: no document-length extra.
constexpr double k1 = 2, k2 = 0, k3 = 1, b = 0.5, min_normlen = 0.5;

inline Xapian::BM25Weight weight() { return Xapian::BM25Weight(k1, k2, k3, b, min_normlen); }

}  // namespace aides::bm25
