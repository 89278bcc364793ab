#include "index/document_builder.hpp"

#include <aides/errors.hpp>

#include <algorithm>

#include "analysis/text_utils.hpp"
#include "index/schema.hpp"
#include "index/stored_record.hpp"

namespace aides {

std::vector<TextField> text_fields(const Aid& aid, const Taxonomy& taxonomy) {
    auto join = [](const std::vector<std::string>& items) {
        std::string out;
        for (const auto& item : items) out += (out.empty() ? "" : " ; ") + item;
        return out;
    };
    std::string classification;
    for (const auto& slug : aid.categories) {
        if (const auto* category = taxonomy.category(slug)) {
            classification += category->name + " ; ";
            if (const auto* theme = taxonomy.theme(category->theme)) classification += theme->name + " ; ";
        }
    }
    for (const auto& program : aid.programs) {
        std::string words = program;
        std::replace(words.begin(), words.end(), '-', ' ');  // petites-villes-de-demain
        classification += words + " ; ";
    }
    std::vector<std::string> backers = aid.financers;
    backers.insert(backers.end(), aid.instructors.begin(), aid.instructors.end());
    return {
        {"name", aid.name, FieldWeights::name},
        {"short_title", aid.short_title, FieldWeights::short_title},
        {"categories", classification, FieldWeights::categories_programs},
        {"description", text::strip_html(aid.description), FieldWeights::description},
        {"eligibility", text::strip_html(aid.eligibility), FieldWeights::details},
        {"project_examples", text::strip_html(aid.project_examples), FieldWeights::details},
        {"backers", join(backers), FieldWeights::details},
    };
}

std::string backer_key(const Analyzer& analyzer, std::string_view name) {
    std::string folded = analyzer.fold(name), out;
    for (char c : folded) {
        if (c == ' ' || c == '\t' || c == '\n') {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += c;
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::vector<std::string> DocumentBuilder::validate(Aid& aid) const {
    std::vector<std::string> warnings;
    // Categories: slugs or "Theme|Category" labels of the taxonomy.
    std::vector<std::string> slugs;
    for (const auto& given : aid.categories) {
        const auto* category = catalogue_.taxonomy.category(given);
        if (!category) throw DataError("unknown category \"" + given + "\"", {}, 0, "categories");
        if (std::find(slugs.begin(), slugs.end(), category->slug) == slugs.end()) slugs.push_back(category->slug);
    }
    aid.categories = std::move(slugs);

    // Perimeter: SCALE:CODE, or SCALE-LABEL:NAME resolved through the geography.
    const Geography& geography = catalogue_.geography;
    auto colon = aid.perimeter.find(':');
    if (colon == std::string::npos) {
        // A bare name (Aides-territoires data without perimeter_scale): the widest perimeter
        // of that name (Paris is a department and a commune of the same extent).
        std::optional<Perimeter> found;
        std::string also;
        for (Scale scale : {Scale::region, Scale::department, Scale::epci, Scale::commune}) {
            if (auto match = geography.find_by_name(scale, aid.perimeter)) {
                if (found) also += (also.empty() ? "" : ", ") + match->to_string();
                else found = match;
            }
        }
        if (!found)
            throw DataError("no region, department, EPCI or commune named \"" + aid.perimeter +
                                "\" (expected SCALE:CODE, or a name with perimeter_scale)", {}, 0, "perimeter");
        if (!also.empty())
            warnings.push_back("perimeter: \"" + aid.perimeter + "\" taken as " + found->to_string() + ", not " + also);
        aid.perimeter = found->to_string();
        return warnings;
    }
    auto scale = parse_scale(aid.perimeter.substr(0, colon));
    if (!scale) throw DataError("unknown perimeter scale \"" + aid.perimeter.substr(0, colon) + "\"", {}, 0, "perimeter");
    std::string code(text::trim(std::string_view(aid.perimeter).substr(colon + 1)));
    auto perimeter = Perimeter::parse(std::string(scale_name(*scale)) + ":" + code);
    if (!perimeter) throw DataError("malformed perimeter \"" + aid.perimeter + "\"", {}, 0, "perimeter");
    if (!geography.knows(*perimeter)) {
        if (auto by_name = geography.find_by_name(*scale, code)) {
            perimeter = by_name;
        } else if (geography.commune_count() > 0 || perimeter->scale == Scale::adhoc) {
            // Kept searchable by its code: the geography may be older or newer than the data.
            warnings.push_back("perimeter: unknown " + std::string(scale_name(*scale)) + " \"" + code +
                               "\" in the geography; the aid stays searchable by this code");
        }
    }
    aid.perimeter = perimeter->to_string();
    return warnings;
}

Xapian::Document DocumentBuilder::build(const Aid& aid, std::vector<std::string>& spelling) const {
    Xapian::Document doc;
    using namespace schema;
    doc.add_boolean_term(term(id, aid.id));

    // Free text.
    Xapian::termpos base = 0;
    for (const TextField& field : text_fields(aid, catalogue_.taxonomy)) {
        if (field.text.empty()) continue;
        std::vector<Word> words = analyzer_.words(field.text);
        for (const Word& word : words) {
            // Stopwords are not indexed (two fifths of the words of French text: of the
            // positions, of the index and of the indexing time); they keep their positions, so a
            // phrase spans them (`maison de santé`: `maison`, then `santé` two places on).
            // A "word" longer than any French word (a run of letters in a backer's name, a
            // pasted hash) is not indexed: Xapian refuses terms over 245 bytes.
            if (word.stopword || word.form.size() > max_word_bytes) continue;
            doc.add_posting(word.form, base + word.position + 1, field.weight);
            for (const auto& stem_form : analyzer_.stems(word.form, word.accented))
                doc.add_term(term(stem, stem_form), field.weight);
            if (word.form.size() >= 4 && std::string_view(field.name) != "backers") spelling.push_back(word.form);
        }
        // Hyphenated words also as one word, without position: `vidéo-protection` = `vidéoprotection`.
        for (const Word& compound : analyzer_.compounds(words)) {
            if (compound.form.size() > max_word_bytes) continue;
            doc.add_term(compound.form, field.weight);
            for (const auto& stem_form : analyzer_.stems(compound.form, compound.accented))
                doc.add_term(term(stem, stem_form), field.weight);
        }
        base += static_cast<Xapian::termpos>(words.size()) + field_gap;
    }

    // Filters.
    auto perimeter = Perimeter::parse(aid.perimeter);
    doc.add_boolean_term(term(schema::perimeter, aid.perimeter));
    if (perimeter && perimeter->scale != Scale::adhoc)
        for (const auto& outer : catalogue_.geography.ancestors(*perimeter))
            doc.add_boolean_term(term(inside, outer.to_string()));
    for (const auto& value : aid.targeted_audiences) doc.add_boolean_term(term(audience, value));
    for (const auto& value : aid.aid_types) doc.add_boolean_term(term(aid_type, value));
    for (const auto& value : aid.mobilization_steps) doc.add_boolean_term(term(step, value));
    for (const auto& value : aid.destinations) doc.add_boolean_term(term(destination, value));
    for (const auto& value : aid.programs) doc.add_boolean_term(term(program, text::ascii_lower(value)));
    for (const auto& slug : aid.categories) {
        doc.add_boolean_term(term(category, slug));
        const std::string& theme_slug = catalogue_.taxonomy.category(slug)->theme;
        doc.add_boolean_term(term(theme, theme_slug));
    }
    std::vector<std::string> backers = aid.financers;
    for (const auto& name : aid.instructors)
        if (std::find(backers.begin(), backers.end(), name) == backers.end()) backers.push_back(name);
    for (const auto& name : backers) doc.add_boolean_term(term(backer, backer_key(analyzer_, name)));
    if (!aid.recurrence.empty()) doc.add_boolean_term(term(recurrence, aid.recurrence));
    doc.add_boolean_term(term(status, aid.status));
    if (aid.is_call_for_project) doc.add_boolean_term(std::string(flag_call));
    if (aid.is_charged) doc.add_boolean_term(std::string(flag_charged));
    if (!aid.submission_deadline) doc.add_boolean_term(std::string(flag_no_deadline));
    if (aid.generic_aid) {
        doc.add_boolean_term(std::string(flag_variant));
        doc.add_boolean_term(term(generic, *aid.generic_aid));
    }

    // Sort values.
    if (aid.submission_deadline) doc.add_value(deadline, *aid.submission_deadline);
    std::string deadline_key = aid.submission_deadline.value_or("9999-12-31");
    doc.add_value(deadline_order, deadline_key);
    doc.add_value(published, aid.date_published.empty() ? "0000-00-00" : aid.date_published.substr(0, 10));
    doc.add_value(place_order, static_cast<char>('0' + static_cast<int>(perimeter ? perimeter->scale : Scale::country)) + deadline_key);

    // Facet values no term holds as shown (schema.hpp).
    std::string facet_values;
    auto add_facet = [&](char kind, const std::string& value) {
        facet_values += kind;
        facet_values += value;
        facet_values += '\n';
    };
    for (const auto& value : aid.programs) add_facet(facet_program, value);
    for (const auto& value : backers) add_facet(facet_backer, value);
    doc.add_value(facets, facet_values);

    doc.set_data(stored::encode(aid));
    return doc;
}

}  // namespace aides
