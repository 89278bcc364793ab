#pragma once
// The plan's own expression of what matches and how it weighs: filters (terms, value ranges)
// and text (words, synonyms, scaled parts, phrases). Both executors read it: the memory one
// walks it (search/memory), the Xapian one writes it as a Xapian::Query (to_query), which is
// never read back. It simplifies as Xapian's Query does (an AND with nothing matches nothing,
// an OR drops what matches nothing, one part stands for itself), so that both executors weigh
// the same tree.
#include <xapian.h>

#include <memory>
#include <string>
#include <vector>

namespace aides::plan {

class Expr {
  public:
    enum class Op {
        nothing,      ///< matches no document (the default)
        all,          ///< every document
        term,         ///< the documents indexing term()
        value_range,  ///< a value of slot() in [low(), high()] (an empty bound is open)
        and_,         ///< every part; weights added
        or_,          ///< any part; weights added
        max,          ///< any part; the greatest weight of the matching parts
        and_not,      ///< the first part, none of the others; the first's weight
        filter,       ///< every part; the first's weight (the others only match)
        synonym,      ///< any part, weighed as one term
        scale,        ///< the one part, its weight times factor()
        phrase,       ///< the parts in order within window() positions
        source,       ///< the documents of a posting source an executor supplies (a set in memory)
    };

    Expr() = default;  // nothing
    static Expr all();
    static Expr term(std::string term);
    static Expr value_range(Xapian::valueno slot, std::string low, std::string high);
    /** and_, or_, max, and_not, filter or synonym of `parts`, simplified as Xapian simplifies. */
    static Expr combine(Op op, std::vector<Expr> parts);
    static Expr scaled(Expr part, double factor);
    static Expr phrase(std::vector<Expr> positions, Xapian::termcount window);
    /** `source` is cloned for each Xapian query written from the expression. */
    static Expr source(std::shared_ptr<const Xapian::PostingSource> source, std::string key);
    /** An OR of the terms `prefix` + value. */
    static Expr any_term(std::string_view prefix, const std::vector<std::string>& values);

    Op op() const { return node_ ? node_->op : Op::nothing; }
    const std::string& text() const;  ///< a term's term
    Xapian::valueno slot() const { return node_->slot; }
    const std::string& low() const { return node_->low; }
    const std::string& high() const { return node_->high; }
    double factor() const { return node_->factor; }
    Xapian::termcount window() const { return node_->window; }
    const std::vector<Expr>& parts() const;
    const Xapian::PostingSource& posting_source() const { return *node_->source; }

    /** Whether phrases are part of it (their positions are Xapian's to check). */
    bool has_phrase() const;
    /** The distinct terms it names, sorted. */
    std::vector<std::string> terms() const;
    /** A string naming it exactly (a cache key): equal keys, equal expressions. */
    std::string key() const;
    /** The expression written as Xapian's query. */
    Xapian::Query to_query() const;

  private:
    struct Node {
        Op op = Op::nothing;
        std::string text;  // a term; a source's key
        Xapian::valueno slot = 0;
        std::string low, high;
        double factor = 1;
        Xapian::termcount window = 0;
        std::vector<Expr> parts;
        std::shared_ptr<const Xapian::PostingSource> source;
    };
    explicit Expr(std::shared_ptr<const Node> node) : node_(std::move(node)) {}
    void collect_terms(std::vector<std::string>& out) const;
    std::shared_ptr<const Node> node_;  // null: nothing
};

}  // namespace aides::plan
