// The binary form of a record in the index: every field survives, and damaged bytes give an
// IndexError, never a crash or another exception.
#include "test_support.hpp"

#include <aides/errors.hpp>

#include "index/stored_record.hpp"

namespace aides {
namespace {

Aid every_field_set() {
    Aid aid;
    aid.id = "aide-42";
    aid.slug = "aide-42-slug";
    aid.url = "https://example.org/aides/42";
    aid.name = "Rénovation « énergétique » des écoles";
    aid.name_initial = "Rénovation";
    aid.short_title = "Écoles";
    aid.description = std::string("<p>Texte avec un octet nul \0 au milieu</p>", 42);
    aid.eligibility = "Communes de moins de 20 000 habitants.";
    aid.project_examples = "Isolation, chauffage";
    aid.financers = {"Région Bretagne", "Ademe"};
    aid.instructors = {"DDT du Finistère"};
    aid.programs = {"petites-villes-de-demain"};
    aid.categories = {"renovation-energetique"};
    aid.targeted_audiences = {"commune", "epci"};
    aid.aid_types = {"grant", "loan"};
    aid.mobilization_steps = {"op"};
    aid.destinations = {"investment", "supply"};
    aid.recurrence = "oneoff";
    aid.is_call_for_project = true;
    aid.is_charged = true;
    aid.perimeter = "department:29";
    aid.start_date = "2026-01-01";
    aid.predeposit_date = "2026-02-01";
    aid.submission_deadline = "2026-12-31";
    aid.subvention_rate_lower_bound = 0;
    aid.subvention_rate_upper_bound = 100;
    aid.loan_amount = 1000000000000LL;
    aid.recoverable_advance_amount = 1;
    aid.date_published = "2026-01-02T10:00:00Z";
    aid.date_updated = "2026-03-04";
    aid.status = "draft";
    aid.generic_aid = "aide-1";
    return aid;
}

TEST(StoredRecord, EveryFieldSurvives) {
    Aid full = every_field_set();
    EXPECT_EQ(stored::decode(stored::encode(full)), full);
    EXPECT_EQ(stored::stored_id(stored::encode(full)), "aide-42");

    Aid minimal;
    minimal.id = "1";
    minimal.name = "x";
    EXPECT_EQ(stored::decode(stored::encode(minimal)), minimal);

    Aid negative = full;  // not valid input, but the encoding must not care
    negative.loan_amount = -5;
    negative.subvention_rate_lower_bound = -1;
    negative.is_call_for_project = false;
    EXPECT_EQ(stored::decode(stored::encode(negative)), negative);
}

TEST(StoredRecord, EveryAidOfTheCatalogueSurvives) {
    std::size_t n = 0;
    for (const auto& record : test::read_jsonl(test::corpus("aides.jsonl"))) {
        Aid aid = parse_aid(record.dump());
        std::string bytes = stored::encode(aid);
        EXPECT_EQ(stored::decode(bytes), aid) << aid.id;
        EXPECT_EQ(stored::stored_id(bytes), aid.id);
        EXPECT_LT(bytes.size(), to_json(aid).size()) << aid.id;  // no field names, no escapes
        ++n;
    }
    EXPECT_GT(n, 100u);
}

TEST(StoredRecord, DamagedBytesAreAnIndexError) {
    const std::string bytes = stored::encode(every_field_set());
    // Every truncation is refused.
    for (std::size_t length = 0; length < bytes.size(); ++length)
        EXPECT_THROW(stored::decode(bytes.substr(0, length)), IndexError) << "cut at " << length;
    EXPECT_THROW(stored::decode(bytes + "x"), IndexError);
    // Any byte changed: an IndexError or some aid, nothing else.
    for (std::size_t at = 0; at < bytes.size(); ++at) {
        for (unsigned char value : {0x00, 0x01, 0x7F, 0x80, 0xFF}) {
            std::string damaged = bytes;
            damaged[at] = static_cast<char>(value);
            try {
                (void)stored::decode(damaged);
            } catch (const IndexError&) {
            }
        }
    }
    // A record of format 1 (JSON) is not read as this encoding.
    EXPECT_THROW(stored::decode(to_json(every_field_set())), IndexError);
    EXPECT_THROW(stored::stored_id(""), IndexError);
}

}  // namespace
}  // namespace aides
