#include "search/plan/expr.hpp"

#include "index/schema.hpp"

#include <algorithm>
#include <cstdio>

namespace aides::plan {

namespace {
const std::string no_text;
const std::vector<Expr> no_parts;
}  // namespace

Expr Expr::all() {
    auto node = std::make_shared<Node>();
    node->op = Op::all;
    return Expr(std::move(node));
}

Expr Expr::term(std::string term) {
    auto node = std::make_shared<Node>();
    node->op = Op::term;
    node->text = std::move(term);
    return Expr(std::move(node));
}

Expr Expr::value_range(Xapian::valueno slot, std::string low, std::string high) {
    auto node = std::make_shared<Node>();
    node->op = Op::value_range;
    node->slot = slot;
    node->low = std::move(low);
    node->high = std::move(high);
    return Expr(std::move(node));
}

Expr Expr::combine(Op op, std::vector<Expr> parts) {
    const auto is_nothing = [](const Expr& e) { return e.op() == Op::nothing; };
    switch (op) {
        case Op::and_:
        case Op::filter:
            if (parts.empty() || std::any_of(parts.begin(), parts.end(), is_nothing)) return Expr();
            break;
        case Op::or_:
        case Op::max:
        case Op::synonym: parts.erase(std::remove_if(parts.begin(), parts.end(), is_nothing), parts.end()); break;
        case Op::and_not:
            if (parts.empty() || is_nothing(parts.front())) return Expr();
            parts.erase(std::remove_if(parts.begin() + 1, parts.end(), is_nothing), parts.end());
            break;
        default: return Expr();
    }
    if (parts.empty()) return Expr();
    if (parts.size() == 1) {
        // A synonym of one part is that part only when it weighs alike (a term, or a synonym).
        Op only = parts.front().op();
        if (op != Op::synonym || only == Op::term || only == Op::all || only == Op::synonym) return std::move(parts.front());
    }
    auto node = std::make_shared<Node>();
    node->op = op;
    node->parts = std::move(parts);
    return Expr(std::move(node));
}

Expr Expr::scaled(Expr part, double factor) {
    if (part.op() == Op::nothing) return part;
    auto node = std::make_shared<Node>();
    node->op = Op::scale;
    node->factor = factor;
    node->parts.push_back(std::move(part));
    return Expr(std::move(node));
}

Expr Expr::phrase(std::vector<Expr> positions, Xapian::termcount window) {
    if (positions.empty() || std::any_of(positions.begin(), positions.end(), [](const Expr& e) { return e.op() == Op::nothing; }))
        return Expr();
    auto node = std::make_shared<Node>();
    node->op = Op::phrase;
    node->window = window;
    node->parts = std::move(positions);
    return Expr(std::move(node));
}

Expr Expr::source(std::shared_ptr<const Xapian::PostingSource> source, std::string key) {
    auto node = std::make_shared<Node>();
    node->op = Op::source;
    node->source = std::move(source);
    node->text = std::move(key);
    return Expr(std::move(node));
}

Expr Expr::any_term(std::string_view prefix, const std::vector<std::string>& values) {
    std::vector<Expr> terms;
    terms.reserve(values.size());
    // Field values as the index wrote them (a long one is its head and a hash); words as typed.
    for (const auto& value : values) terms.push_back(term(prefix.empty() ? value : schema::term(prefix, value)));
    return combine(Op::or_, std::move(terms));
}

const std::string& Expr::text() const { return node_ ? node_->text : no_text; }
const std::vector<Expr>& Expr::parts() const { return node_ ? node_->parts : no_parts; }

bool Expr::has_phrase() const {
    if (op() == Op::phrase) return true;
    return std::any_of(parts().begin(), parts().end(), [](const Expr& part) { return part.has_phrase(); });
}

void Expr::collect_terms(std::vector<std::string>& out) const {
    if (op() == Op::term) out.push_back(node_->text);
    for (const Expr& part : parts()) part.collect_terms(out);
}

std::vector<std::string> Expr::terms() const {
    std::vector<std::string> out;
    collect_terms(out);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string Expr::key() const {
    // Strings carry their length, so that no term can pass for the structure around it.
    auto sized = [](const std::string& s) { return std::to_string(s.size()) + ':' + s; };
    switch (op()) {
        case Op::nothing: return "0";
        case Op::all: return "*";
        case Op::term: return "t" + sized(node_->text);
        case Op::value_range: return "v" + std::to_string(node_->slot) + ',' + sized(node_->low) + sized(node_->high);
        case Op::source: return "s" + sized(node_->text);
        default: break;
    }
    std::string out = "(" + std::to_string(static_cast<int>(op()));
    if (op() == Op::scale) {
        char factor[40];
        std::snprintf(factor, sizeof factor, "%a", node_->factor);  // exact
        out += '*';
        out += factor;
    }
    if (op() == Op::phrase) out += '~' + std::to_string(node_->window);
    for (const Expr& part : node_->parts) out += ' ' + part.key();
    return out + ')';
}

Xapian::Query Expr::to_query() const {
    using Q = Xapian::Query;
    // Xapian's Query::MatchAll and Query::MatchNothing are objects shared by the whole process
    // whose reference count is not atomic: copying them from two threads at once corrupts it (a
    // crash in ~Query under load). Each query is built of its own.
    switch (op()) {
        case Op::nothing: return Q();
        case Op::all: return Q(std::string());
        case Op::term: return Q(node_->text);
        case Op::value_range:
            if (node_->low.empty()) return Q(Q::OP_VALUE_LE, node_->slot, node_->high);
            if (node_->high.empty()) return Q(Q::OP_VALUE_GE, node_->slot, node_->low);
            return Q(Q::OP_VALUE_RANGE, node_->slot, node_->low, node_->high);
        case Op::source: return Q(node_->source->clone()->release());
        case Op::scale: return Q(Q::OP_SCALE_WEIGHT, node_->parts.front().to_query(), node_->factor);
        default: break;
    }
    std::vector<Q> parts;
    parts.reserve(node_->parts.size());
    for (const Expr& part : node_->parts) parts.push_back(part.to_query());
    switch (op()) {
        case Op::and_: return Q(Q::OP_AND, parts.begin(), parts.end());
        case Op::or_: return Q(Q::OP_OR, parts.begin(), parts.end());
        case Op::max: return Q(Q::OP_MAX, parts.begin(), parts.end());
        case Op::and_not: return Q(Q::OP_AND_NOT, parts.begin(), parts.end());
        case Op::filter: return Q(Q::OP_FILTER, parts.begin(), parts.end());
        case Op::synonym: return Q(Q::OP_SYNONYM, parts.begin(), parts.end());
        case Op::phrase: return Q(Q::OP_PHRASE, parts.begin(), parts.end(), node_->window);
        default: return Q();
    }
}

}  // namespace aides::plan
