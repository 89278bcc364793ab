// The records of shown pages kept in memory (query/record_cache): Xapian's bytes, the least
// recently used forgotten beyond the budget, nothing of an older revision served for a newer one.
#include "test_support.hpp"

#include <xapian.h>

#include "index/index_store.hpp"
#include "search/memory/record_cache.hpp"

namespace aides {
namespace {

std::string record_of(Xapian::docid did) { return "record " + std::to_string(did) + std::string(100, 'x'); }

struct RecordIndex {
    test::TempDir dir;
    std::string path = dir.str("db");
    RecordIndex() {
        Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OVERWRITE);
        for (Xapian::docid did = 1; did <= 10; ++did) {
            Xapian::Document doc;
            doc.set_data(record_of(did));
            db.add_document(doc);
        }
        db.commit();
    }
    void replace(Xapian::docid did, const std::string& data) {
        Xapian::WritableDatabase db(path);
        Xapian::Document doc;
        doc.set_data(data);
        db.replace_document(did, doc);
        db.commit();
    }
};

const std::size_t one_record = record_of(1).size() + 96;  // as RecordCache counts it

TEST(RecordCache, ServesXapiansRecordAndKeepsIt) {
    RecordIndex index;
    Xapian::Database db(index.path);
    RecordCache cache;
    const auto revision = store::Revision::of(db);
    for (Xapian::docid did : {3u, 7u, 3u}) EXPECT_EQ(*cache.get(db, revision, did), record_of(did));
    EXPECT_TRUE(cache.holds(3));
    EXPECT_TRUE(cache.holds(7));
    EXPECT_FALSE(cache.holds(1));
    EXPECT_EQ(cache.bytes(), 2 * one_record);
    // Kept, not read again: the same object.
    EXPECT_EQ(cache.get(db, revision, 3).get(), cache.get(db, revision, 3).get());
}

TEST(RecordCache, ForgetsTheLeastRecentlyUsedBeyondItsBudget) {
    RecordIndex index;
    Xapian::Database db(index.path);
    RecordCache cache(2 * one_record);
    const auto revision = store::Revision::of(db);
    cache.get(db, revision, 1);
    cache.get(db, revision, 2);
    cache.get(db, revision, 1);  // 2 is now the least recently used
    EXPECT_EQ(*cache.get(db, revision, 3), record_of(3));
    EXPECT_TRUE(cache.holds(1));
    EXPECT_FALSE(cache.holds(2));
    EXPECT_TRUE(cache.holds(3));
    EXPECT_LE(cache.bytes(), 2 * one_record);
    // A record larger than the whole budget is served, not kept.
    RecordCache tiny(one_record - 1);
    EXPECT_EQ(*tiny.get(db, revision, 4), record_of(4));
    EXPECT_FALSE(tiny.holds(4));
    EXPECT_EQ(tiny.bytes(), 0u);
}

TEST(RecordCache, EachRevisionIsServedItsOwnRecords) {
    RecordIndex index;
    Xapian::Database old_reader(index.path);
    RecordCache cache;
    EXPECT_EQ(*cache.get(old_reader, store::Revision::of(old_reader), 5), record_of(5));
    index.replace(5, "replaced five");  // the same docid, a new record
    Xapian::Database new_reader(index.path);
    ASSERT_NE(store::Revision::of(new_reader).number, store::Revision::of(old_reader).number);
    EXPECT_EQ(*cache.get(new_reader, store::Revision::of(new_reader), 5), "replaced five");
    EXPECT_TRUE(cache.holds(5));
    // A search still on the older revision, then one on the newer, in turn.
    for (int round = 0; round < 2; ++round) {
        EXPECT_EQ(*cache.get(old_reader, store::Revision::of(old_reader), 5), record_of(5));
        EXPECT_EQ(*cache.get(new_reader, store::Revision::of(new_reader), 5), "replaced five");
    }
    EXPECT_EQ(cache.bytes(), std::string("replaced five").size() + 96);
}

TEST(RecordCache, TwoIndexesSharingACacheGetTheirOwnRecords) {
    RecordIndex first, second;
    second.replace(2, "second index, two");
    Xapian::Database a(first.path), b(second.path);
    ASSERT_NE(store::Revision::of(a).uuid, store::Revision::of(b).uuid);
    RecordCache cache;
    for (int round = 0; round < 2; ++round) {
        EXPECT_EQ(*cache.get(a, store::Revision::of(a), 2), record_of(2));
        EXPECT_EQ(*cache.get(b, store::Revision::of(b), 2), "second index, two");
    }
}

}  // namespace
}  // namespace aides
