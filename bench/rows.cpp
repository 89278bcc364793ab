#include "rows.hpp"

#include <aides/analysis.hpp>
#include <aides/errors.hpp>

#include <xapian.h>

#include <algorithm>

#include "index/document_builder.hpp"
#include "index/index_store.hpp"
#include "index/schema.hpp"
#include "io/record_reader.hpp"

namespace bench {

namespace {

void add_unique(std::vector<std::string>& list, const std::string& value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

// The library's terms of a text, in its order: each word's form, then its stems.
void analyse(const aides::Analyzer& analyzer, const std::string& text, std::string& out) {
    for (const aides::Word& word : analyzer.words(text)) {
        if (!out.empty()) out += ' ';
        out += word.form;
        if (word.stopword) continue;
        for (const auto& stem : analyzer.stems(word.form, word.accented)) {
            out += ' ';
            out += aides::schema::term(aides::schema::stem, stem);
        }
    }
}

void append(std::string& out, const std::string& text) {
    if (text.empty()) return;
    if (!out.empty()) out += " ; ";
    out += text;
}

}  // namespace

std::size_t for_each_row(const std::string& input, const std::string& index_dir, bool with_terms,
                         const std::function<void(const Row&)>& sink) {
    aides::Analyzer analyzer;
    aides::store::Catalogue catalogue = aides::store::translate_errors(index_dir, [&] {
        Xapian::Database db(index_dir);
        return aides::store::load_catalogue(db, index_dir, analyzer);
    });
    aides::DocumentBuilder builder(catalogue, analyzer);
    std::size_t rows = 0;
    Row row;
    for (std::size_t from = 0; from <= input.size();) {  // comma-separated files
    std::size_t comma = std::min(input.find(',', from), input.size());
    std::string file = input.substr(from, comma - from);
    from = comma + 1;
    aides::json_io::for_each_record(
        file, aides::InputFormat::automatic,
        [&](aides::SourcedAid&& record) {
            row = Row{};
            row.aid = std::move(record.aid);
            try {
                builder.validate(row.aid);
            } catch (const aides::DataError&) {
                return;
            }
            const aides::Aid& aid = row.aid;
            for (const auto& field : aides::text_fields(aid, catalogue.taxonomy)) {
                std::string_view name = field.name;
                bool is_name = name == "name" || name == "short_title";
                bool is_classified = name == "categories";
                bool is_description = name == "description";
                std::string& text = is_name ? row.name : is_classified ? row.classified : is_description ? row.description : row.details;
                append(text, field.text);
                if (with_terms) {
                    std::string& terms = is_name ? row.name_terms
                                         : is_classified ? row.classified_terms
                                         : is_description ? row.description_terms
                                                          : row.details_terms;
                    analyse(analyzer, field.text, terms);
                }
            }
            for (const auto& slug : aid.categories) {
                row.categories.push_back(slug);
                add_unique(row.themes, catalogue.taxonomy.category(slug)->theme);
            }
            row.aid_types = aid.aid_types;
            row.audiences = aid.targeted_audiences;
            for (const auto& program : aid.programs) row.programs.push_back(program);
            row.backers = aid.financers;
            for (const auto& name : aid.instructors) add_unique(row.backers, name);
            row.deadline = aid.submission_deadline;
            row.deadline_order = aid.submission_deadline.value_or("9999-12-31");
            row.published = aid.date_published.empty() ? "0000-00-00" : aid.date_published.substr(0, 10);
            auto perimeter = aides::Perimeter::parse(aid.perimeter);
            row.scale_rank = static_cast<int>(perimeter ? perimeter->scale : aides::Scale::country);
            ++rows;
            sink(row);
        },
        [](aides::RecordIssue&&) {});
    }
    return rows;
}

}  // namespace bench
