// Aides-territoires import: API pages as served (older and newer shapes), the CSV export,
// auto-detection, precise rejections, and the real data of ../shared when it is present.
#include "test_support.hpp"

#include <fstream>
#include <set>

#include "model/vocabulary.hpp"  // the category table (library-internal)

namespace aides {
namespace {

using test::TempDir;

// An API page in the shape of API v1.6 (Django): labels, names, "Theme|Category",
// "Name (Scale)" perimeters, relative URLs, date_created.
constexpr const char* older_page = R"json({"count": 3, "next": null, "previous": null,
"results": [
 {"id": 1234, "slug": "renover-les-ecoles", "url": "/aides/renover-les-ecoles/",
  "name": "R&eacute;nover les &eacute;coles et les mairies", "short_title": null,
  "financers": ["Conseil départemental du Finistère"], "instructors": ["Préfecture du Finistère"],
  "programs": ["Petites villes de demain", "Fonds vert"],
  "description": "<p>Le Département finance la rénovation énergétique des écoles.</p>",
  "eligibility": "Communes de moins de 5 000 habitants.", "perimeter": "Finistère (Département)",
  "mobilization_steps": ["Réflexion / conception", "Mise en œuvre / réalisation"],
  "origin_url": "https://www.finistere.fr/aides/ecoles", "application_url": null,
  "categories": ["Énergies / Déchets|Economie d'énergie et rénovation énergétique",
                 "Urbanisme / logement / aménagement|Bâtiments et construction"],
  "is_call_for_project": true, "targeted_audiences": ["Communes", "Intercommunalités / Pays"],
  "aid_types": ["Subvention", "Ingénierie technique"], "is_charged": false,
  "destinations": ["Dépenses d'investissement"], "start_date": "2026-01-15", "predeposit_date": null,
  "submission_deadline": "2026-09-30", "subvention_rate_lower_bound": 20, "subvention_rate_upper_bound": 50,
  "loan_amount": null, "recoverable_advance_amount": null, "contact": "<p>aides@finistere.fr</p>",
  "recurrence": "Ponctuelle", "project_examples": "", "import_data_url": null,
  "date_created": "2025-11-02T10:15:00+01:00", "date_updated": "2025-12-01T08:00:00+01:00"},
 {"id": 1235, "slug": "commerce-landerneau", "url": "/aides/commerce-landerneau/",
  "name": "Aide au commerce de centre-ville", "financers": ["Ville de Landerneau"], "instructors": [],
  "programs": [], "perimeter": "Landerneau (Commune – 29800)", "mobilization_steps": [],
  "categories": ["Développement économique / production et consommation|Commerces et services"],
  "is_call_for_project": false, "targeted_audiences": ["Entreprises privées"], "aid_types": ["Subvention"],
  "destinations": [], "submission_deadline": null, "recurrence": "Permanente",
  "date_created": "2024-03-01T09:00:00+01:00", "date_updated": null},
 {"id": 1236, "slug": "velo-france", "url": "/aides/velo-france/", "name": "Plan vélo national",
  "financers": ["Ministère de la Transition écologique"], "perimeter": "France",
  "categories": ["Mobilité / transports|Modes actifs : vélo, marche et aménagements associés"],
  "targeted_audiences": ["Communes"], "aid_types": ["Subvention"], "recurrence": "Récurrente",
  "date_created": "2024-05-01T09:00:00+02:00"}
]})json";

// The same aids as the newer API serves them (Symfony): *_full objects, perimeter_scale,
// "Theme / Category", ATOM dates, empty lists where *_full holds the data, and machine values
// spelt with `-` (`private-sector`).
constexpr const char* newer_page = R"json({"count": 3, "previous": null, "next": null, "results": [
 {"id": 1234, "slug": "renover-les-ecoles", "url": "/aides/renover-les-ecoles/",
  "name": "Rénover les écoles et les mairies", "name_initial": null, "short_title": null,
  "financers": [], "financers_full": [{"id": 41, "name": "Conseil départemental du Finistère", "logo": null}],
  "instructors": [], "instructors_full": [{"id": 7, "name": "Préfecture du Finistère", "logo": null}],
  "programs": ["Petites villes de demain", "Fonds vert"],
  "description": "<p>Le Département finance la rénovation énergétique des écoles.</p>",
  "eligibility": "Communes de moins de 5 000 habitants.",
  "perimeter": "Finistère", "perimeter_scale": "Département",
  "mobilization_steps": ["Réflexion / conception", "Mise en œuvre / réalisation"],
  "origin_url": "https://www.finistere.fr/aides/ecoles",
  "categories": ["Énergies / Déchets / Economie d'énergie et rénovation énergétique",
                 "Urbanisme / logement / aménagement / Bâtiments et construction"],
  "is_call_for_project": true, "application_url": null,
  "targeted_audiences": ["Communes", "Intercommunalités / Pays"],
  "aid_types": [], "aid_types_full": [{"id": 1, "name": "Subvention", "group": {"id": 1, "name": "Aide financière"}},
                                      {"id": 6, "name": "Ingénierie technique", "group": {"id": 2, "name": "Aide en ingénierie"}}],
  "is_charged": false, "destinations": ["Dépenses d’investissement"],
  "start_date": "2026-01-15", "predeposit_date": null, "submission_deadline": "2026-09-30",
  "subvention_rate_lower_bound": 20, "subvention_rate_upper_bound": 50, "subvention_comment": null,
  "loan_amount": null, "recoverable_advance_amount": null, "contact": "<p>aides@finistere.fr</p>",
  "recurrence": "Ponctuelle", "project_examples": "", "import_data_url": null,
  "date_created": "2025-11-02T10:15:00+01:00", "date_updated": "2025-12-01T08:00:00+01:00",
  "project_references": [], "european_aid": null, "is_live": true},
 {"id": 1235, "slug": "commerce-landerneau", "url": "/aides/commerce-landerneau/",
  "name": "Aide au commerce de centre-ville", "financers": ["Ville de Landerneau"],
  "financers_full": [{"id": 9, "name": "Ville de Landerneau", "logo": null}], "instructors": [],
  "programs": [], "perimeter": "Landerneau", "perimeter_scale": "Commune", "mobilization_steps": [],
  "categories": ["Développement économique / production et consommation / Commerces et services"],
  "is_call_for_project": false, "targeted_audiences": ["private-sector"], "aid_types": ["grant"],
  "destinations": [], "submission_deadline": null, "recurrence": "ongoing",
  "date_created": "2024-03-01T09:00:00+01:00", "date_updated": null, "is_live": true},
 {"id": 1236, "slug": "velo-france", "url": "/aides/velo-france/", "name": "Plan vélo national",
  "financers": ["Ministère de la Transition écologique"], "perimeter": "France", "perimeter_scale": "Pays",
  "categories": ["Mobilité / transports / Modes actifs : vélo, marche et aménagements associés"],
  "targeted_audiences": ["Communes"], "aid_types": ["Subvention"], "recurrence": "Récurrente",
  "date_created": "2024-05-01T09:00:00+02:00", "is_live": true}
]})json";

IndexOptions national() {
    IndexOptions options;
    options.geography_path = test::geography_file();
    return options;
}

std::vector<SourcedAid> read_ok(const std::string& path, InputFormat format) {
    std::vector<RecordIssue> issues;
    auto records = read_records(path, format, issues);
    for (const auto& issue : issues) ADD_FAILURE() << issue.to_string();
    return records;
}

// What the index holds for an id.
Aid stored(const std::string& db, const std::string& id) {
    Searcher searcher(db);
    auto aid = searcher.get(id);
    EXPECT_TRUE(aid.has_value()) << id;
    return aid.value_or(Aid{});
}

TEST(AtImport, OlderApiPageBecomesCanonicalRecords) {
    TempDir dir;
    test::write_file(dir.str("page.json"), older_page);
    auto records = read_ok(dir.str("page.json"), InputFormat::at_api);
    ASSERT_EQ(records.size(), 3u);
    const Aid& aid = records[0].aid;
    EXPECT_EQ(aid.id, "1234");
    EXPECT_EQ(records[0].line, 3u);
    EXPECT_EQ(records[1].line, 20u);
    EXPECT_EQ(aid.name, "Rénover les écoles et les mairies");  // entities decoded
    EXPECT_EQ(aid.url, "https://aides-territoires.beta.gouv.fr/aides/renover-les-ecoles/");
    EXPECT_EQ(aid.programs, (std::vector<std::string>{"petites-villes-de-demain", "fonds-vert"}));
    EXPECT_EQ(aid.categories, (std::vector<std::string>{"renovation-energetique-batiments", "batiments-communaux"}));
    EXPECT_EQ(aid.targeted_audiences, (std::vector<std::string>{"commune", "epci"}));
    EXPECT_EQ(aid.aid_types, (std::vector<std::string>{"grant", "technical_engineering"}));
    EXPECT_EQ(aid.mobilization_steps, (std::vector<std::string>{"preop", "op"}));
    EXPECT_EQ(aid.destinations, std::vector<std::string>{"investment"});
    EXPECT_EQ(aid.recurrence, "oneoff");
    EXPECT_TRUE(aid.is_call_for_project);
    EXPECT_EQ(aid.submission_deadline, "2026-09-30");
    EXPECT_EQ(aid.subvention_rate_upper_bound, 50);
    EXPECT_EQ(aid.date_published.substr(0, 10), "2025-11-02");  // date_created stands for it
    EXPECT_EQ(aid.perimeter, "department:Finistère");            // resolved by the index
    EXPECT_EQ(records[1].aid.perimeter, "commune:Landerneau");
    EXPECT_EQ(records[1].aid.recurrence, "ongoing");
    EXPECT_EQ(records[2].aid.perimeter, "country:FRA");

    // Through the index: names resolved through the geography, no error, no doubt.
    Index index = Index::open(dir.str("db"), national());
    IngestReport report = index.ingest({dir.str("page.json")}, {.format = InputFormat::at_api});
    for (const auto& issue : report.errors) ADD_FAILURE() << issue.to_string();
    for (const auto& issue : report.warnings) ADD_FAILURE() << issue.to_string();
    ASSERT_TRUE(report.committed);
    EXPECT_EQ(stored(dir.str("db"), "1234").perimeter, "department:29");
    EXPECT_EQ(stored(dir.str("db"), "1235").perimeter, "commune:29103");
    EXPECT_EQ(stored(dir.str("db"), "1236").categories, std::vector<std::string>{"mobilite-douce"});
}

TEST(AtImport, NewerApiShapeGivesTheSameAids) {
    TempDir dir;
    test::write_file(dir.str("old.json"), older_page);
    test::write_file(dir.str("new.json"), newer_page);
    IndexOptions options = national();
    Index old_index = Index::open(dir.str("old"), options);
    Index new_index = Index::open(dir.str("new"), options);
    ASSERT_TRUE(old_index.ingest({dir.str("old.json")}, {.format = InputFormat::at_api}).committed);
    IngestReport report = new_index.ingest({dir.str("new.json")}, {.format = InputFormat::at_api});
    for (const auto& issue : report.errors) ADD_FAILURE() << issue.to_string();
    for (const auto& issue : report.warnings) ADD_FAILURE() << issue.to_string();
    ASSERT_TRUE(report.committed);
    for (const char* id : {"1234", "1235", "1236"}) {
        Aid before = stored(dir.str("old"), id), after = stored(dir.str("new"), id);
        EXPECT_EQ(before, after) << id << "\n" << to_json(before) << "\n" << to_json(after);
    }
    Aid aid = stored(dir.str("new"), "1234");
    EXPECT_EQ(aid.financers, std::vector<std::string>{"Conseil départemental du Finistère"});
    EXPECT_EQ(aid.instructors, std::vector<std::string>{"Préfecture du Finistère"});
    EXPECT_EQ(aid.aid_types, (std::vector<std::string>{"grant", "technical_engineering"}));
}

TEST(AtImport, AutomaticFormatRecognisesApiData) {
    TempDir dir;
    test::write_file(dir.str("page.json"), newer_page);
    auto explicit_records = read_ok(dir.str("page.json"), InputFormat::at_api);
    auto automatic = read_ok(dir.str("page.json"), InputFormat::automatic);
    ASSERT_EQ(automatic.size(), explicit_records.size());
    for (std::size_t i = 0; i < automatic.size(); ++i) EXPECT_EQ(automatic[i].aid, explicit_records[i].aid);

    // JSON Lines of API records: recognised record by record (they carry origin_url...).
    auto page = nlohmann::json::parse(newer_page);
    std::string lines;
    for (const auto& record : page["results"]) lines += record.dump() + "\n";
    test::write_file(dir.str("api.jsonl"), lines);
    auto from_lines = read_ok(dir.str("api.jsonl"), InputFormat::automatic);
    ASSERT_EQ(from_lines.size(), 3u);
    EXPECT_EQ(from_lines[0].aid, explicit_records[0].aid);

    // The strict canonical format does not convert: *_full and "Theme / Category" are ignored
    // or kept as given (and the index then rejects the category, naming it).
    auto canonical = read_ok(dir.str("api.jsonl"), InputFormat::jsonl);
    ASSERT_EQ(canonical.size(), 3u);
    EXPECT_TRUE(canonical[0].aid.aid_types.empty());
    EXPECT_TRUE(canonical[0].aid.financers.empty());
    EXPECT_EQ(canonical[0].aid.categories.front(), "Énergies / Déchets / Economie d'énergie et rénovation énergétique");
}

TEST(AtImport, CanonicalRecordsPassThroughTheImporterUnchanged) {
    auto canonical = read_ok(test::corpus("aides.jsonl"), InputFormat::jsonl);
    auto imported = read_ok(test::corpus("aides.jsonl"), InputFormat::at_api);
    ASSERT_EQ(canonical.size(), imported.size());
    ASSERT_GE(canonical.size(), 150u);
    for (std::size_t i = 0; i < canonical.size(); ++i)
        EXPECT_EQ(canonical[i].aid, imported[i].aid) << canonical[i].aid.id;
}

TEST(AtImport, CategoryTableMapsIntoTheShippedTaxonomy) {
    // Every target of the table is a category of corpus/taxonomy.json (read here directly).
    auto taxonomy = nlohmann::json::parse(test::read_file(test::corpus("taxonomy.json")));
    std::set<std::string> slugs;
    for (const auto& theme : taxonomy["themes"])
        for (const auto& category : theme["categories"]) slugs.insert(category["slug"].get<std::string>());
    auto table = vocabulary::at_category_table();
    ASSERT_GE(table.size(), 60u);
    for (const auto& [label, slug] : table) EXPECT_TRUE(slugs.count(slug)) << label << " -> " << slug;

    using vocabulary::at_category;
    EXPECT_EQ(at_category("Nature / environnement|Biodiversité"), "biodiversite");
    EXPECT_EQ(at_category("Nature / environnement / Biodiversité"), "biodiversite");
    EXPECT_EQ(at_category("  nature / ENVIRONNEMENT | biodiversite "), "biodiversite");
    EXPECT_EQ(at_category("Biodiversité"), "biodiversite");
    // A category whose name holds " / " itself, with a typographic apostrophe.
    EXPECT_EQ(at_category("Eau et milieux aquatiques / Cours d’eau / canaux / plans d’eau"), "cours-eau-zones-humides");
    EXPECT_EQ(at_category("Cours d'eau / canaux / plans d'eau"), "cours-eau-zones-humides");
    // The same category name under two themes.
    EXPECT_EQ(at_category("Développement économique / production et consommation|Education et renforcement des compétences"),
              "emploi-insertion");
    EXPECT_EQ(at_category("Solidarités / lien social|Education et renforcement des compétences"), "jeunesse-engagement");
    EXPECT_EQ(at_category("Thème inconnu|Catégorie inconnue"), std::nullopt);
    EXPECT_EQ(at_category("Cimetière / Enclos paroissiaux"), std::nullopt);
}

TEST(AtImport, UnmappableValuesAreRejectedWithFileLineAndField) {
    TempDir dir;
    test::write_file(dir.str("page.json"), R"json({"count": 4, "next": null, "previous": null, "results": [
{"id": 1, "name": "Bonne aide", "perimeter": "Bretagne", "perimeter_scale": "Région", "categories": ["Nature / environnement|Forêts"]},
{"id": 2, "name": "Catégorie inconnue", "categories": ["Thème inconnu|Catégorie inconnue"]},
{"id": 3, "name": "Type inconnu", "aid_types": ["Don en nature"]},
{"id": 4, "name": "Bassin", "perimeter": "Loire-Bretagne (Bassin hydrographique)"},
{"id": 5, "name": "Echelle", "perimeter": "Loire-Bretagne", "perimeter_scale": "Bassin hydrographique"}
]})json");
    Index index = Index::open(dir.str("db"), national());
    IngestReport report = index.ingest({dir.str("page.json")}, {.format = InputFormat::at_api, .skip_invalid = true});
    ASSERT_EQ(report.errors.size(), 4u);
    EXPECT_EQ(report.indexed, 1u);
    struct Expected {
        std::size_t line;
        const char* field;
        const char* part;
    };
    const Expected expected[] = {{3, "categories", "Thème inconnu|Catégorie inconnue"},
                                 {4, "aid_types", "Don en nature"},
                                 {5, "perimeter", "Loire-Bretagne (Bassin hydrographique)"},
                                 {6, "perimeter", "Bassin hydrographique"}};
    for (std::size_t i = 0; i < 4; ++i) {
        const RecordIssue& issue = report.errors[i];
        EXPECT_EQ(issue.source, dir.str("page.json"));
        EXPECT_EQ(issue.line, expected[i].line) << issue.to_string();
        EXPECT_EQ(issue.field, expected[i].field) << issue.to_string();
        EXPECT_NE(issue.message.find(expected[i].part), std::string::npos) << issue.to_string();
    }
    EXPECT_EQ(stored(dir.str("db"), "1").perimeter, "region:53");
    EXPECT_EQ(stored(dir.str("db"), "1").categories, std::vector<std::string>{"agriculture-alimentation"});
}

TEST(AtImport, ProviderShapesAreNamedInTheReason) {
    TempDir dir;
    // Another provider's feed: records under its own key, with its own field names.
    test::write_file(dir.str("feed.json"), "{\"total\": 2,\n \"items\": [\n  {\"id\": \"a1\", \"titre\": \"Une aide\"},\n"
                                           "  {\"ID\": \"b2\", \"post_title\": \"Une autre\"}\n ]\n}\n");
    Index index = Index::open(dir.str("db"), national());
    IngestReport report = index.ingest({dir.str("feed.json")});
    ASSERT_EQ(report.errors.size(), 2u);
    EXPECT_EQ(report.errors[0].line, 3u);
    EXPECT_EQ(report.errors[0].field, "name");
    EXPECT_NE(report.errors[0].message.find("titre"), std::string::npos) << report.errors[0].to_string();
    EXPECT_EQ(report.errors[1].line, 4u);
    EXPECT_EQ(report.errors[1].field, "id");
    EXPECT_NE(report.errors[1].message.find("post_title"), std::string::npos) << report.errors[1].to_string();
    ASSERT_EQ(report.warnings.size(), 1u);
    EXPECT_NE(report.warnings[0].to_string().find("items"), std::string::npos);
    EXPECT_FALSE(report.committed);
}

TEST(AtImport, BarePerimeterNamesResolveToTheWidestPerimeter) {
    TempDir dir;
    test::write_file(dir.str("page.json"), R"json({"count": 3, "next": null, "previous": null, "results": [
{"id": "a", "name": "Drôme", "perimeter": "Drôme", "origin_url": "https://example.org/a"},
{"id": "b", "name": "Paris", "perimeter": "Paris", "origin_url": "https://example.org/b"},
{"id": "c", "name": "Nulle part", "perimeter": "Atlantide", "origin_url": "https://example.org/c"}
]})json");
    Index index = Index::open(dir.str("db"), national());
    IngestReport report = index.ingest({dir.str("page.json")}, {.skip_invalid = true});
    ASSERT_EQ(report.errors.size(), 1u);
    EXPECT_EQ(report.errors[0].line, 4u);
    EXPECT_EQ(report.errors[0].field, "perimeter");
    EXPECT_NE(report.errors[0].message.find("Atlantide"), std::string::npos);
    EXPECT_EQ(stored(dir.str("db"), "a").perimeter, "department:26");
    EXPECT_EQ(stored(dir.str("db"), "b").perimeter, "department:75");
    // Paris is a department and a commune: the doubt is reported.
    ASSERT_EQ(report.warnings.size(), 1u);
    EXPECT_EQ(report.warnings[0].line, 3u);
    EXPECT_NE(report.warnings[0].message.find("commune:75056"), std::string::npos) << report.warnings[0].to_string();
}

// ------------------------------------------------------------------------------------------ CSV
// A CSV export in the shape of the site's: quoted fields, "" escapes, line breaks inside
// fields, `;`-separated lists of labels, French dates, a byte-order mark and CRLF ends.
const std::string csv_header = "\xEF\xBB\xBFNom,Lien,Financeurs,Bénéficiaire,Types d'aides,AAP/AMI,Récurrence,Descriptif,Date Clôture\r\n";

TEST(AtImport, CsvExportIsParsedWithQuotesAndLineBreaks) {
    TempDir dir;
    std::string csv = csv_header +
        "Rénovation des écoles,https://aides-territoires.beta.gouv.fr/aides/a1b2-renovation-des-ecoles/,"
        "\"Conseil départemental du Morbihan;ADEME\",Communes;Intercommunalités / Pays,Subvention;Ingénierie technique,Oui,"
        "Ponctuelle,\"Une aide \"\"écoles\"\" :\r\nligne deux\r\nligne trois\",31/12/2026\r\n"
        "Conseil en urbanisme,https://aides-territoires.beta.gouv.fr/aides/c3d4-conseil-urbanisme/?source=export,"
        "Syndicat Départemental d'Energies du Calvados (SDEC ENERGIE),"
        "\"Communes;Entreprises publiques locales (Sem, Spl, SemOp);Établissements publics (écoles, bibliothèques…) / Services de l'État\","
        "Ingénierie Juridique / administrative,,Permanente,Conseil gratuit.,\r\n"
        "\r\n"
        "Région et département,https://aides-territoires.beta.gouv.fr/aides/e5f6-deux/,"
        "Conseil régional de Bretagne;Conseil départemental du Finistère,Régions,Prêt,,Récurrente,Texte,1/2/2027";
    test::write_file(dir.str("export.csv"), csv);
    auto records = read_ok(dir.str("export.csv"), InputFormat::at_csv);
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[0].line, 2u);
    EXPECT_EQ(records[1].line, 5u);  // the first record spans lines 2-4
    EXPECT_EQ(records[2].line, 7u);  // after a blank line
    const Aid& first = records[0].aid;
    EXPECT_EQ(first.id, "a1b2-renovation-des-ecoles");
    EXPECT_EQ(first.slug, "a1b2-renovation-des-ecoles");
    EXPECT_EQ(first.url, "https://aides-territoires.beta.gouv.fr/aides/a1b2-renovation-des-ecoles/");
    EXPECT_EQ(first.financers, (std::vector<std::string>{"Conseil départemental du Morbihan", "ADEME"}));
    EXPECT_EQ(first.targeted_audiences, (std::vector<std::string>{"commune", "epci"}));
    EXPECT_EQ(first.aid_types, (std::vector<std::string>{"grant", "technical_engineering"}));
    EXPECT_TRUE(first.is_call_for_project);
    EXPECT_EQ(first.recurrence, "oneoff");
    EXPECT_EQ(first.description, "Une aide \"écoles\" :\nligne deux\nligne trois");
    EXPECT_EQ(first.submission_deadline, "2026-12-31");
    EXPECT_EQ(first.perimeter, "department:morbihan");
    const Aid& second = records[1].aid;
    EXPECT_EQ(second.id, "c3d4-conseil-urbanisme");  // query string dropped
    EXPECT_EQ(second.targeted_audiences, (std::vector<std::string>{"commune", "public_cies", "public_org"}));
    EXPECT_FALSE(second.is_call_for_project);
    EXPECT_FALSE(second.submission_deadline.has_value());
    EXPECT_EQ(second.perimeter, "country:FRA");  // a departmental syndicate is not the department
    // Two backers naming different perimeters: no guess.
    EXPECT_EQ(records[2].aid.perimeter, "country:FRA");
    EXPECT_EQ(records[2].aid.submission_deadline, "2027-02-01");

    // The same file with `;` between fields and a name the reader does not know: auto-detected.
    std::string semicolons = "Nom;Lien;Types d'aides;Date Clôture\n"
                             "\"Aide; avec point-virgule\";https://aides-territoires.beta.gouv.fr/aides/x1-aide/;Subvention;15/03/2027\n";
    test::write_file(dir.str("export.txt"), semicolons);
    auto more = read_ok(dir.str("export.txt"), InputFormat::automatic);
    ASSERT_EQ(more.size(), 1u);
    EXPECT_EQ(more[0].aid.name, "Aide; avec point-virgule");
    EXPECT_EQ(more[0].aid.submission_deadline, "2027-03-15");
}

TEST(AtImport, CsvInferredPerimetersAreResolvedAndReported) {
    TempDir dir;
    test::write_file(dir.str("export.csv"),
                     csv_header +
                         "Voirie,https://aides-territoires.beta.gouv.fr/aides/v1-voirie/,Conseil départemental du Morbihan,Communes,Subvention,,Permanente,Texte,\n"
                         "Fibre,https://aides-territoires.beta.gouv.fr/aides/f1-fibre/,Conseil régional d'Ile de France,Communes,Subvention,,Permanente,Texte,\n"
                         "Eau,https://aides-territoires.beta.gouv.fr/aides/e1-eau/,DDTM du Finistère,Communes,Subvention,,Permanente,Texte,\n");
    Index index = Index::open(dir.str("db"), national());
    IngestReport report = index.ingest({dir.str("export.csv")});
    for (const auto& issue : report.errors) ADD_FAILURE() << issue.to_string();
    ASSERT_TRUE(report.committed);
    EXPECT_EQ(stored(dir.str("db"), "v1-voirie").perimeter, "department:56");
    EXPECT_EQ(stored(dir.str("db"), "f1-fibre").perimeter, "region:11");
    EXPECT_EQ(stored(dir.str("db"), "e1-eau").perimeter, "department:29");
    // Each inference is told, as one concern counted per kind; none is unresolved.
    EXPECT_TRUE(report.warnings.empty());
    ASSERT_EQ(report.concerns.size(), 1u);
    const RecordConcern& inferred = report.concerns[0];
    EXPECT_EQ(inferred.kind, "perimeter-inferred");
    EXPECT_EQ(inferred.count, 3u);
    ASSERT_EQ(inferred.first.size(), 3u);
    EXPECT_EQ(inferred.first[0].line, 2u);
    EXPECT_EQ(inferred.first[0].id, "v1-voirie");
    EXPECT_EQ(inferred.first[0].field, "perimeter");
    EXPECT_NE(inferred.first[0].message.find("Conseil départemental du Morbihan"), std::string::npos);
}

TEST(AtImport, BadCsvRowsAreRejectedWithLineAndColumn) {
    TempDir dir;
    test::write_file(dir.str("export.csv"),
                     csv_header +
                         "Bonne,https://aides-territoires.beta.gouv.fr/aides/ok/,ADEME,Communes,Subvention,,Permanente,Texte,\n"
                         "Date,https://aides-territoires.beta.gouv.fr/aides/date/,ADEME,Communes,Subvention,,Ponctuelle,Texte,31/02/2026\n"
                         "Oui,https://aides-territoires.beta.gouv.fr/aides/aap/,ADEME,Communes,Subvention,Peut-être,Ponctuelle,Texte,\n"
                         "Type,https://aides-territoires.beta.gouv.fr/aides/type/,ADEME,Communes,Don,,Ponctuelle,Texte,\n"
                         "Champs,https://aides-territoires.beta.gouv.fr/aides/champs/,ADEME,Communes\n"
                         "Sans lien,,ADEME,Communes,Subvention,,Ponctuelle,Texte,\n"
                         "Ouverte,https://aides-territoires.beta.gouv.fr/aides/ouverte/,ADEME,Communes,Subvention,,Ponctuelle,\"Texte\n"
                         "jamais fermé,\n");
    struct Expected {
        std::size_t line;
        const char* field;
        const char* part;
    };
    const Expected expected[] = {
        {3, "submission_deadline", "\"31/02/2026\" (expected DD/MM/YYYY) (column \"Date Clôture\")"},
        {4, "is_call_for_project", "Peut-être"},
        {5, "aid_types", "\"Don\" (column \"Types d'aides\")"},
        {6, "", "4 fields where the header has 9"},
        {7, "id", "missing"},
        {8, "", "opened on line 8 is never closed"},
    };
    // --check and a real run report the same; neither writes anything.
    for (bool dry_run : {true, false}) {
        Index index = Index::open(dir.str("db"), national());
        IngestReport report = index.ingest({dir.str("export.csv")}, {.format = InputFormat::at_csv, .dry_run = dry_run});
        ASSERT_EQ(report.errors.size(), std::size(expected));
        for (std::size_t i = 0; i < std::size(expected); ++i) {
            const RecordIssue& issue = report.errors[i];
            EXPECT_EQ(issue.line, expected[i].line) << issue.to_string();
            EXPECT_EQ(issue.field, expected[i].field) << issue.to_string();
            EXPECT_NE(issue.to_string().find(expected[i].part), std::string::npos) << issue.to_string();
        }
        EXPECT_FALSE(report.committed);
        EXPECT_EQ(index.size(), 0u);
    }
    // A header without the name column is a file error at line 1.
    test::write_file(dir.str("nameless.csv"), "Lien,Financeurs\nhttps://x.org/aides/a/,ADEME\n");
    std::vector<RecordIssue> issues;
    EXPECT_TRUE(read_records(dir.str("nameless.csv"), InputFormat::at_csv, issues).empty());
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].line, 1u);
    EXPECT_EQ(issues[0].field, "name");
}

// ---------------------------------------------------------------------- real data in ../shared
// Every record of the real files is either indexed or rejected with a line and a field.
struct Outcome {
    std::size_t indexed = 0;
    std::vector<RecordIssue> errors, warnings;
    std::vector<RecordConcern> concerns;
};

Outcome import_file(const std::string& path, InputFormat format) {
    TempDir dir;
    Index index = Index::open(dir.str("db"), national());
    IngestReport report = index.ingest({path}, {.format = format, .skip_invalid = true});
    EXPECT_TRUE(report.committed || report.indexed == 0);
    Outcome outcome{report.indexed, report.errors, report.warnings, report.concerns};
    for (const auto& issue : report.errors) {
        EXPECT_GT(issue.line, 0u) << issue.to_string();
        EXPECT_FALSE(issue.field.empty()) << issue.to_string();
        EXPECT_FALSE(issue.message.empty()) << issue.to_string();
    }
    return outcome;
}

TEST(AtImportSharedData, PeriurbainCsvImportsEveryRealAid) {
    if (!test::shared_available()) GTEST_SKIP() << "../shared is absent";
    std::string csv = test::shared("data/aides-territoires/aides-territoires_periurbain.csv");
    Outcome outcome = import_file(csv, InputFormat::at_csv);
    EXPECT_EQ(outcome.indexed + outcome.errors.size(), 274u);
    EXPECT_EQ(outcome.indexed, 274u);
    // Only told inferences and aids said to be national, never an unknown place.
    EXPECT_TRUE(outcome.warnings.empty()) << outcome.warnings[0].to_string();
    std::size_t concerned = 0;
    for (const auto& concern : outcome.concerns) {
        EXPECT_TRUE(concern.kind == "perimeter-inferred" || concern.kind == "national-by-default" ||
                    concern.kind == "perimeter-not-inferred" || concern.kind == "no-audience")
            << concern.summary;
        if (concern.kind != "no-audience") concerned += concern.count;
    }
    EXPECT_EQ(concerned, 274u) << "the CSV has no perimeter column: every aid's perimeter is inferred or said national";

    // Checked against the JSON Lines the steering repository derived from the same CSV by
    // its own converter: same ids, names, labels, deadlines and calls for projects.
    auto reference = test::read_jsonl(test::shared("data/aides-territoires/periurbain.jsonl"));
    ASSERT_EQ(reference.size(), 274u);
    auto records = read_ok(csv, InputFormat::automatic);
    ASSERT_EQ(records.size(), 274u);
    TempDir dir;
    {
        Index index = Index::open(dir.str("db"), national());
        ASSERT_TRUE(index.ingest({csv}).committed);
    }
    Searcher searcher(dir.str("db"));
    std::size_t perimeters_compared = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const Aid& aid = records[i].aid;
        const auto& expected = reference[i];
        auto set_of = [](const std::vector<std::string>& v) { return std::set<std::string>(v.begin(), v.end()); };
        auto json_set = [&](const char* field) {
            std::set<std::string> out;
            if (expected.contains(field))
                for (const auto& item : expected[field]) out.insert(item.get<std::string>());
            return out;
        };
        EXPECT_EQ(aid.id, expected["id"].get<std::string>());
        EXPECT_EQ(aid.name, expected["name"].get<std::string>()) << aid.id;
        EXPECT_EQ(set_of(aid.targeted_audiences), json_set("targeted_audiences")) << aid.id;
        EXPECT_EQ(set_of(aid.aid_types), json_set("aid_types")) << aid.id;
        EXPECT_EQ(set_of(aid.financers), json_set("financers")) << aid.id;
        EXPECT_EQ(aid.recurrence, expected.value("recurrence", std::string())) << aid.id;
        EXPECT_EQ(aid.is_call_for_project, expected.value("is_call_for_project", false)) << aid.id;
        std::optional<std::string> deadline;
        if (expected.contains("submission_deadline") && expected["submission_deadline"].is_string())
            deadline = expected["submission_deadline"].get<std::string>();
        EXPECT_EQ(aid.submission_deadline, deadline) << aid.id;
        // Where we infer a perimeter from a backer, the reference found the same one (it
        // knows more backers: it has more perimeters).
        std::string perimeter = searcher.get(aid.id).value_or(Aid{}).perimeter;
        if (perimeter != "country:FRA") {
            EXPECT_EQ(perimeter, expected.value("perimeter", std::string("country:FRA"))) << aid.id;
            ++perimeters_compared;
        }
    }
    EXPECT_GT(perimeters_compared, 50u);
}

TEST(AtImportSharedData, ProviderSamplesAreIndexedOrRejectedRecordByRecord) {
    if (!test::shared_available()) GTEST_SKIP() << "../shared is absent";
    std::string dir = test::shared("data/aides-territoires/provider_samples");
    std::size_t files = 0, total_indexed = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".json") continue;
        ++files;
        // How many records the file holds, counted here from its JSON.
        auto document = nlohmann::json::parse(test::read_file(entry.path().string()));
        std::size_t records = 0;
        if (document.is_array()) {
            records = document.size();
        } else {
            for (const auto& [key, value] : document.items())
                if (value.is_array() && !value.empty() && value.front().is_object()) records = value.size();
        }
        ASSERT_GT(records, 0u) << entry.path();
        Outcome outcome = import_file(entry.path().string(), InputFormat::at_api);
        EXPECT_EQ(outcome.indexed + outcome.errors.size(), records) << entry.path();
        total_indexed += outcome.indexed;
        if (entry.path().filename() == "departement_drome_data.json") {
            // An Aides-territoires page: all three aids, on the Drôme.
            EXPECT_EQ(outcome.indexed, 3u);
            EXPECT_TRUE(outcome.errors.empty());
        }
    }
    EXPECT_EQ(files, 6u);
    EXPECT_GE(total_indexed, 6u);
}

}  // namespace
}  // namespace aides
