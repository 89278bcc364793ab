// SQLite FTS5 fed with the library's pre-analysed terms (a whitespace tokenizer keeps them as
// they are), bm25 with the library's field weights, filters and facets through a table of
// (kind, value, aid) rows: the embedded peer.
#include <sqlite3.h>

#include <aides/errors.hpp>

#include <cstdio>
#include <cstdlib>
#include <map>

#include "harness.hpp"
#include "rows.hpp"

namespace bench {

namespace {

// ------------------------------------------------------------------ the whitespace tokenizer
int ws_create(void*, const char**, int, Fts5Tokenizer** out) {
    static int instance = 0;
    *out = reinterpret_cast<Fts5Tokenizer*>(&instance);
    return SQLITE_OK;
}
void ws_delete(Fts5Tokenizer*) {}
int ws_tokenize(Fts5Tokenizer*, void* context, int, const char* text, int size,
                int (*token)(void*, int, const char*, int, int, int)) {
    int i = 0;
    while (i < size) {
        while (i < size && text[i] == ' ') ++i;
        int start = i;
        while (i < size && text[i] != ' ') ++i;
        if (i > start) {
            int rc = token(context, 0, text + start, i - start, start, i);
            if (rc != SQLITE_OK) return rc;
        }
    }
    return SQLITE_OK;
}

class Database {
  public:
    Database(const std::string& path, int flags) {
        if (sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
            std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            throw aides::Error("sqlite: " + path + ": " + message);
        }
        fts5_api* api = nullptr;
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db_, "SELECT fts5(?1)", -1, &statement, nullptr) == SQLITE_OK) {
            sqlite3_bind_pointer(statement, 1, &api, "fts5_api_ptr", nullptr);
            sqlite3_step(statement);
        }
        sqlite3_finalize(statement);
        if (!api) throw aides::Error("sqlite: this SQLite has no FTS5");
        static fts5_tokenizer tokenizer{ws_create, ws_delete, ws_tokenize};
        api->xCreateTokenizer(api, "aides", nullptr, &tokenizer, nullptr);
    }
    ~Database() {
        for (auto& [sql, statement] : cache_) sqlite3_finalize(statement);
        sqlite3_close(db_);
    }
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(const std::string& sql) {
        char* error = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
            std::string message = error ? error : "?";
            sqlite3_free(error);
            throw aides::Error("sqlite: " + message + " in: " + sql.substr(0, 200));
        }
    }
    // A prepared statement, reset and cleared, kept for the next call with the same text.
    sqlite3_stmt* statement(const std::string& sql) {
        auto it = cache_.find(sql);
        if (it != cache_.end()) {
            sqlite3_reset(it->second);
            sqlite3_clear_bindings(it->second);
            return it->second;
        }
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) != SQLITE_OK)
            throw aides::Error(std::string("sqlite: ") + sqlite3_errmsg(db_) + " in: " + sql);
        cache_.emplace(sql, statement);
        return statement;
    }
    void check(int rc, const char* what) {
        if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) throw aides::Error(std::string("sqlite: ") + what + ": " + sqlite3_errmsg(db_));
    }
    sqlite3* get() const { return db_; }

  private:
    sqlite3* db_ = nullptr;
    std::map<std::string, sqlite3_stmt*> cache_;
};

void bind_text(sqlite3_stmt* statement, int index, const std::string& value) {
    sqlite3_bind_text(statement, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}

std::string json_list(const std::vector<std::string>& values) { return nlohmann::json(values).dump(); }

std::string match_of(const TermTree& tree) {
    if (tree.op == TermTree::Op::term) {
        std::string out = "\"";
        for (char c : tree.term) out += c == '"' ? std::string("\"\"") : std::string(1, c);
        return out + "\"";
    }
    std::string out = "(";
    for (std::size_t i = 0; i < tree.children.size(); ++i) {
        if (i) out += tree.op == TermTree::Op::all ? " AND " : " OR ";
        out += match_of(tree.children[i]);
    }
    return out + ")";
}

const std::pair<const char*, const char*> facet_kinds[] = {{"t", "themes"},   {"c", "categories"},         {"y", "aid_types"},
                                                           {"a", "targeted_audiences"}, {"g", "programs"}, {"b", "backers"}};

class SqliteEngine : public Engine {
  public:
    explicit SqliteEngine(const Target& target) : db_(target.sqlite, SQLITE_OPEN_READONLY), target_(target) {
        db_.exec("PRAGMA mmap_size = 4294967296");
        sqlite3_stmt* statement = db_.statement("SELECT EXISTS (SELECT 1 FROM aids WHERE generic IS NOT NULL)");
        has_variants_ = sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_int(statement, 0) == 1;
        sqlite3_reset(statement);
    }
    Outcome search(const QuerySpec& q) override {
        bool text = q.terms.has_value();
        std::vector<std::string> params;
        auto param = [&](std::string value) {
            params.push_back(std::move(value));
            return "?" + std::to_string(params.size());
        };
        std::string today = param(target_.today);
        std::string match = text ? param(match_of(*q.terms)) : "";
        // The text match first, then the aids it found (CROSS JOIN keeps that order: else the
        // planner may run the whole MATCH once per candidate aid).
        std::string from = text ? "(SELECT rowid AS n, bm25(fts, 6.0, 3.0, 2.0, 1.0) AS r FROM fts WHERE fts MATCH " + match +
                                      ") f CROSS JOIN aids a ON a.n = f.n"
                                : "aids a";
        std::string perimeters = q.perimeters.empty() ? "" : param(json_list(q.perimeters));
        std::string audiences = q.audiences.empty() ? "" : param(json_list(q.audiences));
        std::string themes = q.themes.empty() ? "" : param(json_list(q.themes));
        // The conditions on an aid `t`; `main` for the aid joined to the FTS table.
        auto matches = [&](const std::string& t, bool main) {
            std::string w = t + ".status = 'published' AND (" + t + ".deadline >= " + today + " OR " + t + ".deadline IS NULL OR " + t +
                            ".recurrence = 'ongoing')";
            // `+` keeps the planner from driving the lookup of `t` by the matching rowids.
            if (text && !main) w += " AND +" + t + ".n IN (SELECT rowid FROM fts WHERE fts MATCH " + match + ")";
            if (!perimeters.empty()) w += " AND " + t + ".perimeter IN (SELECT value FROM json_each(" + perimeters + "))";
            auto attribute = [&](const char* kind, const std::string& values) {
                if (values.empty()) return;
                w += std::string(" AND EXISTS (SELECT 1 FROM attrs WHERE kind = '") + kind + "' AND value IN (SELECT value FROM json_each(" + values +
                     ")) AND attrs.n = " + t + ".n)";
            };
            attribute("a", audiences);
            attribute("t", themes);
            return w;
        };
        std::string where = matches("a", true);
        // Generic aids and local variants, as the library shows them (see engine_postgres.cpp).
        if (has_variants_) {
            if (!q.perimeters.empty()) where += " AND NOT EXISTS (SELECT 1 FROM aids v WHERE v.generic = a.id AND " + matches("v", false) + ")";
            else where += " AND (a.generic IS NULL OR NOT EXISTS (SELECT 1 FROM aids g WHERE g.id = a.generic AND " + matches("g", false) + "))";
        }
        // bm25() cannot sit beside a window function: the count is taken one level up.
        std::string rank = text ? "f.r" : "0";
        std::string order;
        if (q.order == aides::Order::deadline) order = "deadline_order, r";
        else if (text) order = "r";
        else order = "scale_rank, deadline_order";
        std::string sql = "SELECT id, data, count(*) OVER () FROM (SELECT a.id, a.data, a.scale_rank, a.deadline_order, " + rank +
                          " AS r FROM " + from + " WHERE " + where + ") ORDER BY " + order + " LIMIT " + std::to_string(target_.page_size);
        Outcome out;
        if (std::getenv("AIDES_BENCH_SHOW_SQL")) std::fprintf(stderr, "%s\n", sql.c_str());
        sqlite3_stmt* statement = db_.statement(sql);
        for (std::size_t i = 0; i < params.size(); ++i) bind_text(statement, static_cast<int>(i + 1), params[i]);
        int rc;
        while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
            ++out.returned;
            out.count = static_cast<std::size_t>(sqlite3_column_int64(statement, 2));
            (void)sqlite3_column_text(statement, 1);
        }
        db_.check(rc, "search");
        if (q.facets) {
            std::string facets = "SELECT kind, value, count(*) FROM attrs WHERE n IN (SELECT a.n FROM " + from + " WHERE " + where +
                                 ") GROUP BY kind, value";
            statement = db_.statement(facets);
            for (std::size_t i = 0; i < params.size(); ++i) bind_text(statement, static_cast<int>(i + 1), params[i]);
            Facets counts;
            std::map<std::string, std::string> names;
            for (const auto& [kind, name] : facet_kinds) {
                counts[name];
                names[kind] = name;
            }
            while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
                std::string kind = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
                std::string value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 1));
                counts[names[kind]][value] = static_cast<std::size_t>(sqlite3_column_int64(statement, 2));
            }
            db_.check(rc, "facets");
            out.facets = std::move(counts);
        }
        return out;
    }

  private:
    Database db_;
    const Target& target_;
    bool has_variants_ = false;
};

class SqliteFactory : public EngineFactory {
  public:
    explicit SqliteFactory(const Target& target) : target_(target) {}
    std::unique_ptr<Engine> make() override { return std::make_unique<SqliteEngine>(target_); }

  private:
    Target target_;
};

}  // namespace

std::unique_ptr<EngineFactory> make_sqlite(const Target& target) { return std::make_unique<SqliteFactory>(target); }

LoadReport load_sqlite(const std::string& input, const std::string& file, const std::string& index_dir) {
    LoadReport report;
    std::remove(file.c_str());
    std::remove((file + "-wal").c_str());
    std::remove((file + "-shm").c_str());
    auto start = Clock::now();
    Database db(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144");
    db.exec(R"(CREATE TABLE aids (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, status TEXT, perimeter TEXT, generic TEXT, deadline TEXT,
                                   deadline_order TEXT, recurrence TEXT, scale_rank INTEGER, data TEXT);
               CREATE TABLE attrs (kind TEXT, value TEXT, n INTEGER, PRIMARY KEY (kind, value, n)) WITHOUT ROWID;
               CREATE VIRTUAL TABLE fts USING fts5(name, classified, description, details, tokenize = 'aides', content = ''))");
    db.exec("BEGIN");
    sqlite3_stmt* aid_row = db.statement("INSERT INTO aids VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    sqlite3_stmt* attr_row = db.statement("INSERT OR IGNORE INTO attrs VALUES (?1, ?2, ?3)");
    sqlite3_stmt* text_row = db.statement("INSERT INTO fts (rowid, name, classified, description, details) VALUES (?1, ?2, ?3, ?4, ?5)");
    sqlite3_int64 n = 0;
    report.aids = for_each_row(input, index_dir, true, [&](const Row& row) {
        const aides::Aid& aid = row.aid;
        ++n;
        sqlite3_reset(aid_row);
        sqlite3_bind_int64(aid_row, 1, n);
        bind_text(aid_row, 2, aid.id);
        bind_text(aid_row, 3, aid.status);
        bind_text(aid_row, 4, aid.perimeter);
        if (aid.generic_aid) bind_text(aid_row, 5, *aid.generic_aid);
        else sqlite3_bind_null(aid_row, 5);
        if (row.deadline) bind_text(aid_row, 6, *row.deadline);
        else sqlite3_bind_null(aid_row, 6);
        bind_text(aid_row, 7, row.deadline_order);
        if (aid.recurrence.empty()) sqlite3_bind_null(aid_row, 8);
        else bind_text(aid_row, 8, aid.recurrence);
        sqlite3_bind_int(aid_row, 9, row.scale_rank);
        bind_text(aid_row, 10, aides::to_json(aid));
        db.check(sqlite3_step(aid_row), "insert aid");
        auto attributes = [&](const char* kind, const std::vector<std::string>& values) {
            for (const auto& value : values) {
                sqlite3_reset(attr_row);
                bind_text(attr_row, 1, kind);
                bind_text(attr_row, 2, value);
                sqlite3_bind_int64(attr_row, 3, n);
                db.check(sqlite3_step(attr_row), "insert attribute");
            }
        };
        attributes("t", row.themes);
        attributes("c", row.categories);
        attributes("y", row.aid_types);
        attributes("a", row.audiences);
        attributes("g", row.programs);
        attributes("b", row.backers);
        sqlite3_reset(text_row);
        sqlite3_bind_int64(text_row, 1, n);
        bind_text(text_row, 2, row.name_terms);
        bind_text(text_row, 3, row.classified_terms);
        bind_text(text_row, 4, row.description_terms);
        bind_text(text_row, 5, row.details_terms);
        db.check(sqlite3_step(text_row), "insert text");
    });
    db.exec("COMMIT");
    db.exec("CREATE INDEX aids_perimeter ON aids (perimeter); CREATE INDEX aids_generic ON aids (generic) WHERE generic IS NOT NULL; CREATE INDEX attrs_by_aid ON attrs (n, kind, value);");
    db.exec("INSERT INTO fts (fts) VALUES ('optimize'); ANALYZE; PRAGMA wal_checkpoint(TRUNCATE)");
    report.seconds = seconds_since(start);
    report.bytes = disk_usage(file);
    return report;
}

}  // namespace bench
