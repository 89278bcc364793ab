#pragma once
// Aid -> Xapian document: validation against the catalogue, free-text terms with field
// weights, boolean filter terms, sort values and facet values, as schema.hpp says.
#include <aides/aid.hpp>
#include <aides/analysis.hpp>

#include <xapian.h>

#include <string>
#include <vector>

#include "index/index_store.hpp"

namespace aides {

/** Field weights (wdf increments), in the Aides-territoires order. */
struct FieldWeights {
    static constexpr unsigned name = 6;
    static constexpr unsigned short_title = 4;
    static constexpr unsigned categories_programs = 3;
    // As the details: a long description lists many subjects, and an aid naming a word once
    // among them should not pass one whose name says it (measured: docs/relevance.md).
    static constexpr unsigned description = 1;
    static constexpr unsigned details = 1;  // eligibility, project examples, backers
};

/** One text field of an aid, as indexed (HTML stripped). */
struct TextField {
    const char* name;
    std::string text;
    unsigned weight;
};

/** The searchable text fields of an aid, in index order. */
std::vector<TextField> text_fields(const Aid& aid, const Taxonomy& taxonomy);
/** A backer name as a term value: folded, spaces collapsed. */
std::string backer_key(const Analyzer& analyzer, std::string_view name);

class DocumentBuilder {
  public:
    DocumentBuilder(const store::Catalogue& catalogue, Analyzer& analyzer)
        : catalogue_(catalogue), analyzer_(analyzer) {}

    /** Checks the aid against the taxonomy and geography and makes it canonical (category
     *  slugs, `SCALE:CODE` perimeter). @return warnings. @throws DataError naming the field. */
    std::vector<std::string> validate(Aid& aid) const;
    /** The document of a validated aid; its words go to `spelling` for "did you mean". */
    Xapian::Document build(const Aid& aid, std::vector<std::string>& spelling) const;

  private:
    const store::Catalogue& catalogue_;
    Analyzer& analyzer_;
};

}  // namespace aides
