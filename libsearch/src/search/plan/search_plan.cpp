#include "search/plan/search_plan.hpp"

#include <aides/errors.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "analysis/text_utils.hpp"
#include "index/document_builder.hpp"
#include "index/schema.hpp"
#include "model/dates.hpp"
#include "model/vocabulary.hpp"

namespace aides {

namespace {

using plan::Expr;
using Op = Expr::Op;

std::vector<std::string> normalize_all(vocabulary::Kind kind, const std::vector<std::string>& values, const char* flag) {
    std::vector<std::string> out;
    for (const auto& value : values) {
        auto machine = vocabulary::normalize(kind, value);
        if (!machine) {
            std::string allowed;
            for (const auto& v : vocabulary::values(kind)) allowed += (allowed.empty() ? "" : ", ") + v;
            throw UsageError(std::string("unknown ") + flag + " \"" + value + "\" (expected one of: " + allowed + ")", value);
        }
        out.push_back(*machine);
    }
    return out;
}

// The indexed values of a boolean prefix (programs, folded backer names).
std::vector<std::string> indexed_values(const Xapian::Database& db, std::string_view prefix) {
    std::vector<std::string> out;
    for (auto it = db.allterms_begin(std::string(prefix)); it != db.allterms_end(std::string(prefix)); ++it)
        out.push_back((*it).substr(prefix.size()));
    return out;
}

std::string listed(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
    return out;
}

std::string checked_date(const std::string& value, const char* flag) {
    if (!dates::valid(value)) throw UsageError(std::string("bad date for ") + flag + ": \"" + value + "\" (expected YYYY-MM-DD)", value);
    return value;
}

// Compiles one request; holds what every step reads.
class Planner {
  public:
    Planner(const store::Catalogue& catalogue, const Xapian::Database& db, const Analyzer& analyzer, const std::string& dir)
        : catalogue(catalogue), db(db), analyzer(analyzer), dir(dir) {}
    SearchPlan plan(const SearchRequest& request) const;

  private:
    Expr eligibility(SearchPlan& plan) const;
    void apply_portal(const Portal& portal, SearchRequest& request, SearchRequest& base, SearchPlan& plan) const;
    // `check_known`: a value no aid carries is a usage error (a programme) or a warning (a backer).
    void list_filters(const SearchRequest& request, std::vector<Expr>& filters, SearchPlan& plan, bool check_known) const;

    const store::Catalogue& catalogue;
    const Xapian::Database& db;
    const Analyzer& analyzer;
    const std::string& dir;
};

Expr Planner::eligibility(SearchPlan& plan) const {
    const Geography& geography = catalogue.geography;
    std::vector<std::string> perimeter_terms, inside_terms;
    if (!plan.commune.empty()) {
        plan.eligible = geography.perimeters_of_commune(plan.commune);
        for (const auto& p : plan.eligible) perimeter_terms.push_back(p.to_string());
    } else if (plan.perimeter) {
        const Perimeter& p = *plan.perimeter;
        plan.eligible.push_back(p);
        for (auto& a : geography.ancestors(p)) plan.eligible.push_back(std::move(a));
        for (auto& a : geography.adhoc_overlapping(p))
            if (std::find(plan.eligible.begin(), plan.eligible.end(), a) == plan.eligible.end()) plan.eligible.push_back(std::move(a));
        for (const auto& e : plan.eligible) perimeter_terms.push_back(e.to_string());
        inside_terms.push_back(p.to_string());
        // Inside an ad-hoc perimeter: its communes and the perimeters all of whose communes it holds.
        if (p.scale == Scale::adhoc)
            for (const auto& inside : geography.inside_adhoc(p.code)) perimeter_terms.push_back(inside.to_string());
    }
    std::vector<Expr> parts;
    parts.push_back(Expr::any_term(schema::perimeter, perimeter_terms));
    if (!inside_terms.empty()) parts.push_back(Expr::any_term(schema::inside, inside_terms));
    return Expr::combine(Op::or_, std::move(parts));
}

void Planner::apply_portal(const Portal& portal, SearchRequest& request, SearchRequest& base, SearchPlan& plan) const {
    // Portal filters narrow the request: kept in a request of their own, AND-ed in plan().
    base.programs = portal.programs;
    base.themes = portal.themes;
    base.categories = portal.categories;
    base.audiences = portal.audiences;
    base.aid_types = portal.aid_types;
    base.steps = portal.steps;
    base.destinations = portal.destinations;
    base.backers = portal.backers;
    base.recurrences = portal.recurrences;
    if (!portal.perimeter.empty() && request.perimeter.empty() && request.commune.empty()) request.perimeter = portal.perimeter;
    plan.highlighted_ids = portal.highlighted;
    plan.exclude_ids = portal.excluded;
}

void Planner::list_filters(const SearchRequest& request, std::vector<Expr>& filters, SearchPlan& plan, bool check_known) const {
    auto add_terms = [&](std::string_view prefix, const std::vector<std::string>& values, const char* label) {
        if (values.empty()) return;
        filters.push_back(Expr::any_term(prefix, values));
        std::string joined;
        for (const auto& v : values) joined += (joined.empty() ? "" : "|") + v;
        plan.filters_passed.push_back(std::string(label) + ":" + joined);
    };
    add_terms(schema::audience, normalize_all(vocabulary::Kind::audience, request.audiences, "audience"), "audience");
    std::vector<std::string> aid_types;
    for (const auto& value : request.aid_types) {
        auto group = vocabulary::aid_type_group(value);
        if (!group.empty()) aid_types.insert(aid_types.end(), group.begin(), group.end());
        else aid_types.push_back(normalize_all(vocabulary::Kind::aid_type, {value}, "aid type").front());
    }
    add_terms(schema::aid_type, aid_types, "aid_type");
    add_terms(schema::step, normalize_all(vocabulary::Kind::step, request.steps, "step"), "step");
    add_terms(schema::destination, normalize_all(vocabulary::Kind::destination, request.destinations, "destination"), "destination");
    add_terms(schema::recurrence, normalize_all(vocabulary::Kind::recurrence, request.recurrences, "recurrence"), "recurrence");

    std::vector<std::string> themes, categories, programs, backers;
    for (const auto& value : request.themes) {
        const auto* theme = catalogue.taxonomy.theme(value);
        if (!theme) {
            std::vector<std::string> known;
            for (const auto& [slug, t] : catalogue.taxonomy.themes()) known.push_back(slug);
            auto near = text::closest(value, known);
            throw UsageError("unknown theme \"" + value + "\"" + (near.empty() ? "" : " (did you mean: " + listed(near) + "?)"), value);
        }
        themes.push_back(theme->slug);
    }
    for (const auto& value : request.categories) {
        const auto* category = catalogue.taxonomy.category(value);
        if (!category) {
            std::vector<std::string> known;
            for (const auto& [slug, t] : catalogue.taxonomy.themes()) known.insert(known.end(), t.categories.begin(), t.categories.end());
            auto near = text::closest(value, known);
            throw UsageError("unknown category \"" + value + "\"" + (near.empty() ? "" : " (did you mean: " + listed(near) + "?)"), value);
        }
        categories.push_back(category->slug);
    }
    add_terms(schema::theme, themes, "theme");
    add_terms(schema::category, categories, "category");
    for (const auto& value : request.programs) {
        programs.push_back(text::ascii_lower(text::trim(value)));
        if (check_known && !db.term_exists(schema::term(schema::program, programs.back()))) {
            auto near = text::closest(value, indexed_values(db, schema::program));
            throw UsageError("unknown program \"" + value + "\": no aid of the index has it" +
                                 (near.empty() ? "" : " (did you mean: " + listed(near) + "?)"), value);
        }
    }
    add_terms(schema::program, programs, "program");
    for (const auto& value : request.backers) {
        backers.push_back(backer_key(analyzer, value));
        if (check_known && !db.term_exists(schema::term(schema::backer, backers.back()))) {
            auto near = text::closest(backers.back(), indexed_values(db, schema::backer));
            plan.warnings.push_back("backer \"" + value + "\" matches no aid" + (near.empty() ? "" : " (did you mean: " + listed(near) + "?)"));
        }
    }
    add_terms(schema::backer, backers, "backer");
}

SearchPlan Planner::plan(const SearchRequest& original) const {
    SearchPlan plan;
    SearchRequest request = original;
    SearchRequest portal;  // the portal's base filters, if any
    if (request.portal) apply_portal(*request.portal, request, portal, plan);
    if (request.page < 1) throw UsageError("--page must be 1 or more, got " + std::to_string(request.page), std::to_string(request.page));
    if (request.size < 1 || request.size > 1000)
        throw UsageError("--size must be between 1 and 1000, got " + std::to_string(request.size), std::to_string(request.size));
    if (static_cast<long long>(request.page) * request.size > 1'000'000)
        throw UsageError("--page " + std::to_string(request.page) + " is too deep (page x size over 1,000,000)", std::to_string(request.page));
    plan.today = request.today.empty() ? dates::today() : checked_date(request.today, "--today");

    const Geography& geography = catalogue.geography;
    std::vector<Expr> filters;
    // What a search must leave out, as an exclusion: unpublished aids and expired ones are few,
    // and skipping a short posting list costs far less than walking the published aids (95 %)
    // or the deadlines of every candidate.
    std::vector<Expr> hidden;
    for (const std::string& status : vocabulary::values(vocabulary::Kind::status))
        if (status != "published") hidden.push_back(Expr::term(schema::term(schema::status, status)));

    if (!request.commune.empty() && !request.perimeter.empty())
        throw UsageError("give --commune or --perimeter, not both", request.perimeter);
    if (!request.commune.empty()) {
        if (geography.commune_count() == 0) throw IndexError(dir + ": the index holds no geography; re-index with --geo");
        plan.commune_read = geography.resolve(request.commune);
        plan.commune = plan.commune_read->code;
        if (request.audiences.empty()) request.audiences.push_back("commune");
    } else if (!request.perimeter.empty()) {
        auto p = Perimeter::parse(request.perimeter);
        if (!p) throw UsageError("bad perimeter \"" + request.perimeter + "\" (expected SCALE:CODE, e.g. department:29)", request.perimeter);
        if (!geography.knows(*p) && !db.term_exists(schema::term(schema::perimeter, p->to_string())))
            throw UsageError("unknown perimeter \"" + request.perimeter + "\"", request.perimeter);
        plan.perimeter = p;
    }
    if (!plan.commune.empty() || plan.perimeter) filters.push_back(eligibility(plan));

    list_filters(request, filters, plan, true);
    list_filters(portal, filters, plan, false);
    if (request.call_for_projects) {
        filters.push_back(Expr::term(std::string(schema::flag_call)));
        plan.filters_passed.push_back("call_for_projects");
    }
    if (request.is_charged) {
        Expr charged = Expr::term(std::string(schema::flag_charged));
        filters.push_back(*request.is_charged ? charged : Expr::combine(Op::and_not, {Expr::all(), charged}));
        plan.filters_passed.push_back(*request.is_charged ? "is_charged" : "free");
    }
    if (!request.include_expired) {
        // Expired: a deadline before today (dates are 10 characters: below today's last
        // character, then anything), unless the aid is ongoing.
        std::string before_today = plan.today;
        --before_today.back();
        before_today += '\xff';
        hidden.push_back(Expr::combine(Op::and_not, {Expr::value_range(schema::deadline, "", before_today),
                                                     Expr::term(schema::term(schema::recurrence, "ongoing"))}));
        plan.filters_passed.push_back("open on " + plan.today);
    }
    if (!request.apply_before.empty()) {
        // Still open, with a deadline from today on: a stale deadline (an ongoing aid's past one)
        // counts as none, and so is dropped.
        checked_date(request.apply_before, "--apply-before");
        filters.push_back(Expr::value_range(schema::deadline, plan.today, request.apply_before));
        plan.filters_passed.push_back("deadline " + plan.today + ".." + request.apply_before);
        if (request.apply_before < plan.today)
            plan.warnings.push_back("--apply-before " + request.apply_before + " is before today (" + plan.today + "): no deadline can be met");
    }
    if (!request.published_after.empty()) {
        filters.push_back(Expr::value_range(schema::published, checked_date(request.published_after, "--published-after"), ""));
        plan.filters_passed.push_back("published >= " + request.published_after);
    }
    plan.filter = Expr::combine(Op::and_not, {filters.empty() ? Expr::all() : Expr::combine(Op::and_, std::move(filters)),
                                              Expr::combine(Op::or_, std::move(hidden))});
    if (!plan.exclude_ids.empty()) plan.filter = Expr::combine(Op::and_not, {plan.filter, Expr::any_term(schema::id, plan.exclude_ids)});

    plan.parsed = parse_text(request.text, analyzer);
    plan.text_given = !text::trim(request.text).empty();
    plan.like = request.like;
    plan.strict = request.strict;
    plan.order = request.order;
    plan.offset = static_cast<std::size_t>(request.page - 1) * static_cast<std::size_t>(request.size);
    plan.size = static_cast<std::size_t>(request.size);
    plan.facets = request.facets;
    plan.execution = request.execution;
    return plan;
}

}  // namespace

SearchPlan make_plan(const SearchRequest& request, const store::Catalogue& catalogue, const Xapian::Database& db,
                     const Analyzer& analyzer, const std::string& dir) {
    return Planner(catalogue, db, analyzer, dir).plan(request);
}

}  // namespace aides
