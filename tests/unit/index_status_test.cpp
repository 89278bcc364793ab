// Searcher::status(), find() by id or slug, themes(), and the vocabularies: what a server
// needs of the library beyond search().
#include <aides/aides.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "test_support.hpp"

namespace aides {
namespace {

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Aid new_aid(const std::string& id, const std::string& slug) {
    Aid aid;
    aid.id = id;
    aid.slug = slug;
    aid.name = "Aide au xylophone municipal";
    aid.targeted_audiences = {"commune"};
    aid.aid_types = {"grant"};
    return aid;
}

TEST(IndexStatus, RevisionCommitTimeAndCountFollowCommits) {
    test::TempDir dir;
    std::int64_t before = now_seconds();
    test::build_index(dir.str("idx"), {test::corpus("aides.jsonl")});
    Searcher searcher(dir.str("idx"));
    IndexStatus first = searcher.status();
    EXPECT_EQ(first.aids, test::read_jsonl(test::corpus("aides.jsonl")).size());
    EXPECT_GE(first.revision, 1u);
    EXPECT_GE(first.committed_at, before - 2);
    EXPECT_LE(first.committed_at, now_seconds() + 2);
    EXPECT_FALSE(first.stale);
    {
        IndexOptions options;
        options.geography_path = test::geography_file();
        Index index = Index::open(dir.str("idx"), options);
        index.add({new_aid("xylo-1", "aide-au-xylophone")});
    }
    IndexStatus second = searcher.status();
    EXPECT_GT(second.revision, first.revision);
    EXPECT_EQ(second.aids, first.aids + 1);
}

TEST(IndexStatus, FindsByIdThenBySlugAcrossCommits) {
    test::TempDir dir;
    test::build_index(dir.str("idx"), {test::corpus("aides.jsonl")});
    Searcher searcher(dir.str("idx"));
    auto record = test::read_jsonl(test::corpus("aides.jsonl")).front();
    auto by_id = searcher.find(record["id"].get<std::string>());
    ASSERT_TRUE(by_id);
    auto by_slug = searcher.find(record["slug"].get<std::string>());
    ASSERT_TRUE(by_slug);
    EXPECT_EQ(*by_slug, *by_id);
    EXPECT_FALSE(searcher.find("no-such-aid-or-slug"));
    EXPECT_FALSE(searcher.find("aide-au-xylophone"));  // the slug table is read at this revision...
    {
        IndexOptions options;
        options.geography_path = test::geography_file();
        Index index = Index::open(dir.str("idx"), options);
        index.add({new_aid("xylo-1", "aide-au-xylophone")});
    }
    auto added = searcher.find("aide-au-xylophone");  // ...and again at the next
    ASSERT_TRUE(added);
    EXPECT_EQ(added->id, "xylo-1");
}

TEST(IndexStatus, KeepsTheLastGoodRevisionWhenTheIndexCannotBeReopened) {
    test::TempDir dir;
    test::build_index(dir.str("idx"), {test::corpus("aides.jsonl")});
    Searcher searcher(dir.str("idx"));
    SearchRequest request;
    request.commune = "29103";
    request.today = "2026-06-15";
    std::vector<std::string> good = test::ids(test::search(searcher, request));
    ASSERT_FALSE(good.empty());
    std::string version_path = dir.str("idx/iamglass");
    std::string saved = test::read_file(version_path);
    test::write_file(version_path, "not a glass version file");
    EXPECT_EQ(test::ids(test::search(searcher, request)), good);
    EXPECT_TRUE(searcher.status().stale);
    test::write_file(version_path, saved);
    EXPECT_EQ(test::ids(test::search(searcher, request)), good);
    EXPECT_FALSE(searcher.status().stale);
    // A searcher opened on a damaged index still fails at once.
    test::write_file(version_path, "not a glass version file");
    EXPECT_THROW(Searcher(dir.str("idx")), IndexError);
}

TEST(IndexStatus, ThemesAreTheTaxonomyOfTheIndex) {
    test::TempDir dir;
    test::build_index(dir.str("idx"), {test::corpus("aides.jsonl")});
    Searcher searcher(dir.str("idx"));
    nlohmann::json taxonomy = nlohmann::json::parse(test::read_file(test::corpus("taxonomy.json")));
    auto themes = searcher.themes();
    ASSERT_EQ(themes.size(), taxonomy["themes"].size());
    for (const auto& expected : taxonomy["themes"]) {
        auto theme = std::find_if(themes.begin(), themes.end(), [&](const ThemeEntry& t) { return t.slug == expected["slug"]; });
        ASSERT_NE(theme, themes.end()) << expected["slug"];
        EXPECT_EQ(theme->name, expected["name"]);
        ASSERT_EQ(theme->categories.size(), expected["categories"].size());
        for (std::size_t i = 0; i < theme->categories.size(); ++i) {
            auto category = std::find_if(expected["categories"].begin(), expected["categories"].end(),
                                         [&](const auto& c) { return c["slug"] == theme->categories[i].value; });
            ASSERT_NE(category, expected["categories"].end()) << theme->categories[i].value;
            EXPECT_EQ(theme->categories[i].label, (*category)["name"]);
        }
    }
}

TEST(Vocabulary, EntriesHaveFrenchLabelsAndGroups) {
    auto types = vocabulary_entries("aid_types");
    ASSERT_FALSE(types.empty());
    EXPECT_EQ(types.front().value, "grant");
    EXPECT_EQ(types.front().label, "Subvention");
    EXPECT_EQ(types.front().group, "financial_group");
    auto engineering = std::find_if(types.begin(), types.end(), [](const auto& t) { return t.value == "technical_engineering"; });
    ASSERT_NE(engineering, types.end());
    EXPECT_EQ(engineering->group, "technical_group");
    EXPECT_EQ(aid_type_group_label("financial_group"), "Aides financières");
    auto audiences = vocabulary_entries("targeted_audiences");
    EXPECT_EQ(audiences.front().value, "commune");
    EXPECT_EQ(audiences.front().label, "Communes");
    for (const auto& a : audiences) EXPECT_TRUE(a.group.empty());
    EXPECT_EQ(vocabulary_entries("mobilization_steps").size(), 3u);
    EXPECT_EQ(vocabulary_entries("destinations").size(), 2u);
    EXPECT_THROW(vocabulary_entries("colours"), UsageError);
}

}  // namespace
}  // namespace aides
