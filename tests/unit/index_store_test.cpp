// What an index holds besides the aids (index/index_store): the geography is stored packed, and
// an index that stored it as plain text (before) reads the same; the spelling dictionary counts
// every word of the aids' text, the same whether the aids come in one transaction or in many.
#include "test_support.hpp"

#include <aides/errors.hpp>
#include <aides/index.hpp>
#include <aides/search.hpp>

#include <xapian.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>

#include "index/document_builder.hpp"
#include "index/index_store.hpp"
#include "index/schema.hpp"
#include "index/stored_record.hpp"

namespace aides {
namespace {

TEST(PackedMetadata, UnpacksToTheSameTextAndReadsPlainTextAsIs) {
    std::mt19937 random(3);
    std::string noise;
    for (int i = 0; i < 300000; ++i) noise += static_cast<char>(random() % 256);
    const std::string geography = test::read_file(test::geography_file());
    for (const std::string& text : {std::string(), std::string("R\t53\tBretagne\n"), std::string("\0zli", 4), noise, geography}) {
        std::string stored = store::packed(text);
        EXPECT_EQ(store::unpacked(stored, "idx", "geography"), text) << text.size() << " bytes";
    }
    EXPECT_LT(store::packed(geography).size() * 3, geography.size()) << "the geography packs to under a third";
    // Older indexes stored the text itself.
    EXPECT_EQ(store::unpacked(geography, "idx", "geography"), geography);
}

TEST(PackedMetadata, ACorruptPackIsAnIndexErrorNamingTheIndex) {
    std::string stored = store::packed(test::read_file(test::geography_file()));
    std::string truncated = stored.substr(0, stored.size() / 2);
    std::string flipped = stored;
    flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x5A);
    std::string short_header = stored.substr(0, 8);
    std::string huge = stored;  // a size header of 2^40 bytes: refused before any allocation
    for (int i = 0; i < 8; ++i) huge[5 + static_cast<std::size_t>(i)] = i == 5 ? '\x01' : '\0';
    for (const std::string& bad : {truncated, flipped, short_header, huge}) {
        try {
            store::unpacked(bad, "/data/idx", "geography");
            ADD_FAILURE() << "a corrupt pack of " << bad.size() << " bytes was read";
        } catch (const IndexError& e) {
            EXPECT_NE(std::string(e.what()).find("/data/idx"), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("geography"), std::string::npos) << e.what();
        }
    }
}

TEST(PackedMetadata, AnIndexStoresItsGeographyPackedAndReadsAnOlderPlainOne) {
    test::TempDir dir;
    const std::string db_dir = dir.str("db");
    test::build_index(db_dir, {test::corpus("aides.jsonl")});
    const std::string plain = test::read_file(test::geography_file());
    std::string stored = Xapian::Database(db_dir).get_metadata(schema::meta_geography);
    EXPECT_LT(stored.size() * 3, plain.size()) << "stored packed";
    const Geography& national = test::national_geography();
    auto same_geography = [&](const Searcher& searcher) {
        EXPECT_EQ(searcher.geography().commune_count(), national.commune_count());
        EXPECT_EQ(searcher.profile("29103").perimeters, national.profile("29103")->perimeters);
        // Names and postcodes, whose look-ups are built each on its own when first needed.
        EXPECT_EQ(searcher.geography().resolve("Landerneau").code, "29103");
        const std::vector<std::string> postcode = searcher.geography().find_communes("29800");
        EXPECT_EQ(postcode, national.find_communes("29800"));
        EXPECT_NE(std::find(postcode.begin(), postcode.end(), "29103"), postcode.end());
    };
    same_geography(Searcher(db_dir));
    {
        Xapian::WritableDatabase writer(db_dir, Xapian::DB_OPEN);
        writer.set_metadata(schema::meta_geography, plain);  // as an index of format 3 holds it
        writer.set_metadata(schema::meta_format, "3");
        writer.commit();
    }
    same_geography(Searcher(db_dir));
}

TEST(Spelling, CountsEveryWordOfTheTextAsOftenAsItOccurs) {
    // What did-you-mean learns from: each word of four letters or more, stopwords and backer
    // names aside, as often as the aids' text holds it (the indexer counts them per record).
    test::TempDir dir;
    test::build_index(dir.str("idx"), {test::corpus("aides.jsonl")});
    Xapian::Database db(dir.str("idx"));
    Analyzer analyzer;
    const store::Catalogue catalogue = store::load_catalogue(db, dir.str("idx"), analyzer);
    std::map<std::string, Xapian::termcount> expected;
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
        Aid aid = stored::decode(db.get_document(*it).get_data());
        for (const TextField& field : text_fields(aid, catalogue.taxonomy)) {
            if (std::string_view(field.name) == "backers") continue;
            for (const Word& word : analyzer.words(field.text))
                if (!word.stopword && word.form.size() >= 4) ++expected[word.form];
        }
    }
    std::map<std::string, Xapian::termcount> stored;
    for (auto it = db.spellings_begin(); it != db.spellings_end(); ++it) stored[*it] = it.get_termfreq();
    ASSERT_GT(expected.size(), 1000u);
    EXPECT_EQ(stored, expected);
}

namespace {
// Everything a search can read of an index: each document's terms (wdf, positions), values and
// record, every term's frequencies, and the spelling dictionary with its counts.
std::vector<std::string> index_content(const std::string& dir) {
    Xapian::Database db(dir);
    std::vector<std::string> out;
    out.push_back("documents " + std::to_string(db.get_doccount()) + " length " + std::to_string(db.get_total_length()));
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
        Xapian::Document doc = db.get_document(*it);
        out.push_back("doc " + std::to_string(*it) + " record " + doc.get_data());
        for (auto term = doc.termlist_begin(); term != doc.termlist_end(); ++term) {
            std::string line = "  " + *term + " wdf " + std::to_string(term.get_wdf()) + " at";
            for (auto pos = term.positionlist_begin(); pos != term.positionlist_end(); ++pos) line += " " + std::to_string(*pos);
            out.push_back(line);
        }
        for (auto value = doc.values_begin(); value != doc.values_end(); ++value)
            out.push_back("  value " + std::to_string(value.get_valueno()) + " " + *value);
    }
    for (auto term = db.allterms_begin(); term != db.allterms_end(); ++term)
        out.push_back("term " + *term + " " + std::to_string(term.get_termfreq()) + " " + std::to_string(db.get_collection_freq(*term)));
    for (auto word = db.spellings_begin(); word != db.spellings_end(); ++word)
        out.push_back("spelling " + *word + " " + std::to_string(word.get_termfreq()));
    return out;
}
}  // namespace

TEST(Spelling, OneTransactionGivesTheIndexAndAnswersOfOneCommitPerAid) {
    // The indexer adds the spelling words once per transaction, with their summed counts
    // (issue 23). An index made one aid per transaction, where each aid's words reach Xapian
    // with that aid (as every aid's did before), must read the same to a search: same
    // documents, terms, spelling counts, and the same answers and suggestions.
    test::TempDir dir;
    const std::string bulk = dir.str("bulk"), each = dir.str("each");
    test::build_index(bulk, {test::corpus("aides.jsonl")});
    {
        IndexOptions options;
        options.geography_path = test::geography_file();
        Index index = Index::open(each, options);
        const std::vector<nlohmann::json> records = test::read_jsonl(test::corpus("aides.jsonl"));
        ASSERT_GT(records.size(), 100u);
        for (std::size_t i = 0; i < records.size(); ++i) {
            const std::string one = dir.str("aid-" + std::to_string(i) + ".jsonl");
            test::write_file(one, records[i].dump() + "\n");
            IngestReport report = index.ingest({one}, {});
            ASSERT_TRUE(report.committed) << i;
        }
    }
    const std::vector<std::string> expected = index_content(each), actual = index_content(bulk);
    ASSERT_GT(std::count_if(expected.begin(), expected.end(), [](const std::string& line) { return line.rfind("spelling ", 0) == 0; }), 1000);
    ASSERT_EQ(actual.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) ASSERT_EQ(actual[i], expected[i]) << "line " << i;

    const Searcher one_per_aid(each), one_transaction(bulk);
    std::size_t suggested = 0, found = 0;
    for (const char* text : {"mediateque", "renovation energetique", "eclairrage public", "velo piscine", "batimens communaux",
                             "friche", "\"maison de sante\"", "assainisement"}) {
        for (const char* commune : {"", "29103"}) {
            SearchRequest request;
            request.text = text;
            request.commune = commune;
            request.today = "2026-03-02";
            request.facets = true;
            SearchResponse expected_answer = test::search(one_per_aid, request), answer = test::search(one_transaction, request);
            EXPECT_EQ(to_json(answer), to_json(expected_answer)) << text << " @" << commune;
            suggested += answer.suggestion.has_value();
            found += answer.count > 0;
        }
    }
    EXPECT_GE(suggested, 4u) << "the misspelt words get suggestions";
    EXPECT_GE(found, 6u);
}

// Where the reference data is found: $AIDES_DATA_DIR, else the data of the installed tree the
// program runs from (<prefix>/bin/tool -> <prefix>/share/aides), else the build tree's paths.
struct DataLookupTest : ::testing::Test {
    test::TempDir dir;
    store::DataLookup lookup;
    void SetUp() override {
        std::filesystem::create_directories(dir.path() / "prefix/bin");
        lookup.executable = dir.str("prefix/bin/aides-index");
        lookup.installed_from_bin = "../share/aides";
        lookup.build_tree = {"/build/corpus", "/build/geo/geography.tsv", "/build/corpus/taxonomy.json", "/build/corpus/synonyms.txt"};
    }
    std::string installed(const std::string& file) const { return dir.str("prefix/share/aides/" + file); }
};

TEST_F(DataLookupTest, TheBuildTreeWhenNothingIsInstalledBesideTheProgram) {
    store::DataFiles files = store::find_data_files(lookup);
    EXPECT_EQ(files.geography, "/build/geo/geography.tsv");
    EXPECT_EQ(files.taxonomy, "/build/corpus/taxonomy.json");
    EXPECT_EQ(files.synonyms, "/build/corpus/synonyms.txt");
    lookup.executable.clear();  // /proc/self/exe unreadable
    EXPECT_EQ(store::find_data_files(lookup).taxonomy, "/build/corpus/taxonomy.json");
}

TEST_F(DataLookupTest, TheInstalledTreeOfTheProgramBeforeTheBuildTree) {
    std::filesystem::create_directories(dir.path() / "prefix/share/aides");
    store::DataFiles files = store::find_data_files(lookup);
    EXPECT_EQ(files.directory, dir.str("prefix/share/aides"));
    EXPECT_EQ(files.geography, installed("geography.tsv"));
    EXPECT_EQ(files.taxonomy, installed("taxonomy.json"));
    EXPECT_EQ(files.synonyms, installed("synonyms.txt"));
    // Moved elsewhere, the tree finds its own data.
    std::filesystem::rename(dir.path() / "prefix", dir.path() / "moved");
    lookup.executable = dir.str("moved/bin/aides-index");
    EXPECT_EQ(store::find_data_files(lookup).taxonomy, dir.str("moved/share/aides/taxonomy.json"));
}

TEST_F(DataLookupTest, TheDataDirGivenAtRunTimeBeforeAnything) {
    std::filesystem::create_directories(dir.path() / "prefix/share/aides");
    lookup.data_dir = dir.str("mine");  // named even when absent: the error will say so
    store::DataFiles files = store::find_data_files(lookup);
    EXPECT_EQ(files.directory, dir.str("mine"));
    EXPECT_EQ(files.geography, dir.str("mine/geography.tsv"));
    EXPECT_EQ(files.taxonomy, dir.str("mine/taxonomy.json"));
    EXPECT_EQ(files.synonyms, dir.str("mine/synonyms.txt"));
}

// The process's own lookup: the environment, this test program, the paths of this build tree.
TEST(DataLookup, ThisProcessReadsTheEnvironmentAndItsOwnPath) {
    ::unsetenv("AIDES_DATA_DIR");
    ::unsetenv("AIDES_TAXONOMY");
    store::DataLookup lookup = store::current_data_lookup();
    EXPECT_EQ(lookup.data_dir, "");
    EXPECT_EQ(std::filesystem::path(lookup.executable).filename(), "index_store_test");
    EXPECT_EQ(lookup.installed_from_bin, "../share/aides");
    EXPECT_EQ(lookup.build_tree.taxonomy, test::corpus("taxonomy.json"));
    EXPECT_EQ(lookup.build_tree.geography, test::geography_file());
    EXPECT_EQ(store::default_taxonomy_path(), test::corpus("taxonomy.json")) << "nothing installed beside build/bin";

    test::TempDir data;
    ::setenv("AIDES_DATA_DIR", data.str().c_str(), 1);
    EXPECT_EQ(store::default_taxonomy_path(), data.str("taxonomy.json"));
    EXPECT_EQ(store::default_synonyms_path(), data.str("synonyms.txt"));
    EXPECT_EQ(store::default_geography_path(), data.str("geography.tsv"));
    // A file named on its own still wins.
    ::setenv("AIDES_TAXONOMY", "/elsewhere/taxonomy.json", 1);
    EXPECT_EQ(store::default_taxonomy_path(), "/elsewhere/taxonomy.json");
    ::unsetenv("AIDES_TAXONOMY");
    ::unsetenv("AIDES_DATA_DIR");
}

// A fresh index takes the taxonomy of AIDES_DATA_DIR: a taxonomy with one category there makes
// an aid of that category valid, and one of the bundled taxonomy's categories unknown.
TEST(DataLookup, AFreshIndexStoresTheDataOfAidesDataDir) {
    test::TempDir data, idx;
    test::write_file(data.str("taxonomy.json"),
                     R"({"themes": [{"slug": "t", "name": "T", "categories": [{"slug": "only-here", "name": "Only here"}]}]})");
    ::setenv("AIDES_DATA_DIR", data.str().c_str(), 1);
    Index index = Index::open(idx.str());
    ::unsetenv("AIDES_DATA_DIR");
    Aid aid;
    aid.id = "x";
    aid.name = "Une aide";
    aid.categories = {"only-here"};
    EXPECT_NO_THROW(index.add({aid}));
    aid.categories = {"revitalisation-centre-bourg"};
    EXPECT_THROW(index.add({aid}), DataError);
}

}  // namespace
}  // namespace aides
