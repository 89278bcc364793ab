// PostgreSQL full-text search as Aides-territoires sets it up: a `french_unaccent` text search
// configuration (french with unaccent before the stemmer), a weighted tsvector (A name, B
// description, C categories, D eligibility and backers) under a GIN index, filters on array
// columns, ts_rank ordering. A second table holds the library's pre-analysed terms as a
// tsvector, for the exact cross-check of text queries.
#include <libpq-fe.h>

#include <aides/errors.hpp>

#include <fstream>
#include <sstream>

#include "harness.hpp"
#include "rows.hpp"

namespace bench {

namespace {

const char* const facet_columns[][2] = {{"themes", "themes"},         {"categories", "categories"},
                                        {"aid_types", "aid_types"},   {"targeted_audiences", "audiences"},
                                        {"programs", "programs"},     {"backers", "backers"}};

class Connection {
  public:
    explicit Connection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
        if (PQstatus(conn_) != CONNECTION_OK) {
            std::string message = PQerrorMessage(conn_);
            PQfinish(conn_);
            throw aides::Error("postgres: " + message);
        }
    }
    ~Connection() { PQfinish(conn_); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    PGconn* get() const { return conn_; }

    void exec(const std::string& sql) {
        PGresult* result = PQexec(conn_, sql.c_str());
        auto status = PQresultStatus(result);
        std::string message = PQresultErrorMessage(result);
        PQclear(result);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw aides::Error("postgres: " + message + " in: " + sql.substr(0, 200));
    }
    std::string scalar(const std::string& sql) {
        PGresult* result = PQexec(conn_, sql.c_str());
        std::string value = PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) > 0 ? PQgetvalue(result, 0, 0) : "";
        PQclear(result);
        return value;
    }
    // COPY text format, fed in large chunks.
    void copy(const std::string& sql, const std::function<void(const std::function<void(const std::string&)>&)>& produce) {
        PGresult* result = PQexec(conn_, sql.c_str());
        if (PQresultStatus(result) != PGRES_COPY_IN) {
            std::string message = PQresultErrorMessage(result);
            PQclear(result);
            throw aides::Error("postgres: " + message);
        }
        PQclear(result);
        std::string buffer;
        auto flush = [&] {
            if (!buffer.empty() && PQputCopyData(conn_, buffer.data(), static_cast<int>(buffer.size())) != 1)
                throw aides::Error(std::string("postgres: COPY: ") + PQerrorMessage(conn_));
            buffer.clear();
        };
        produce([&](const std::string& line) {
            buffer += line;
            if (buffer.size() > (1 << 20)) flush();
        });
        flush();
        if (PQputCopyEnd(conn_, nullptr) != 1) throw aides::Error(std::string("postgres: COPY end: ") + PQerrorMessage(conn_));
        while ((result = PQgetResult(conn_)) != nullptr) {
            bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
            std::string message = PQresultErrorMessage(result);
            PQclear(result);
            if (!ok) throw aides::Error("postgres: COPY: " + message);
        }
    }

  private:
    PGconn* conn_;
};

// COPY text format escaping of one field.
std::string copy_field(const std::string& value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '\t': out += "\\t"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            default: out += c;
        }
    }
    return out;
}

// A text[] literal: {"a","b"}.
std::string array_literal(const std::vector<std::string>& values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += ',';
        out += '"';
        for (char c : values[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

std::string lexeme(const std::string& term) {
    std::string out = "'";
    for (char c : term) {
        if (c == '\'' || c == '\\') out += c;
        out += c;
    }
    return out + "'";
}

// The pre-analysed terms as a tsvector literal, with positions and weights (A B C D).
std::string tsvector_literal(const Row& row) {
    std::map<std::string, std::string> positions;
    std::map<std::string, int> counts;
    int position = 0;
    auto add = [&](const std::string& terms, char weight) {
        std::istringstream in(terms);
        for (std::string term; in >> term;) {
            if (term.size() > 2000) continue;
            position = std::min(position + 1, 16383);
            if (++counts[term] > 256) continue;  // PostgreSQL keeps 256 positions per lexeme
            auto& list = positions[term];
            if (!list.empty()) list += ',';
            list += std::to_string(position);
            list += weight;
        }
        position = std::min(position + 100, 16383);
    };
    add(row.name_terms, 'A');
    add(row.classified_terms, 'C');
    add(row.description_terms, 'B');
    add(row.details_terms, 'D');
    std::string out;
    for (const auto& [term, list] : positions) {
        if (!out.empty()) out += ' ';
        out += lexeme(term);
        out += ':';
        out += list;
    }
    return out;
}

std::string tsquery_of(const TermTree& tree) {
    if (tree.op == TermTree::Op::term) return lexeme(tree.term);
    std::string out = "(";
    for (std::size_t i = 0; i < tree.children.size(); ++i) {
        if (i) out += tree.op == TermTree::Op::all ? " & " : " | ";
        out += tsquery_of(tree.children[i]);
    }
    return out + ")";
}

long process_hwm_kib(const std::string& pid) {
    std::ifstream status("/proc/" + pid + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

class PostgresEngine : public Engine {
  public:
    PostgresEngine(const Target& target, bool pre) : connection_(target.conninfo), target_(target), pre_(pre) {
        connection_.exec("SET jit = off");
        backend_pid_ = connection_.scalar("SELECT pg_backend_pid()");
        has_variants_ = connection_.scalar("SELECT EXISTS (SELECT 1 FROM aids WHERE generic IS NOT NULL)") == "t";
    }
    ~PostgresEngine() override {
        // The backend's peak RSS, read before it ends with the connection.
        long hwm = process_hwm_kib(backend_pid_);
        if (hwm > peak_backend_kib) peak_backend_kib = hwm;
    }
    static inline long peak_backend_kib = -1;

    Outcome search(const QuerySpec& q) override {
        std::vector<std::string> params;
        auto param = [&](std::string value) {
            params.push_back(std::move(value));
            return "$" + std::to_string(params.size());
        };
        bool text = q.terms.has_value();
        std::string today = param(target_.today), from = "aids a", rank, tsq;
        if (text && pre_) {
            tsq = param(tsquery_of(*q.terms)) + "::tsquery";
            from += " JOIN aid_pre p ON p.n = a.n";
            rank = "ts_rank(p.tsv, " + tsq + ")";
        } else if (text) {
            from += ", websearch_to_tsquery('french_unaccent', " + param(q.text) + ") q";
            rank = "ts_rank(a.tsv, q)";
        }
        std::string perimeters = q.perimeters.empty() ? "" : param(array_literal(q.perimeters)) + "::text[]";
        std::string audiences = q.audiences.empty() ? "" : param(array_literal(q.audiences)) + "::text[]";
        std::string themes = q.themes.empty() ? "" : param(array_literal(q.themes)) + "::text[]";
        // The conditions on an aid `t`; `main` for the aid of the FROM clause (joined to p).
        auto matches = [&](const std::string& t, bool main) {
            std::string w = t + ".status = 'published' AND (" + t + ".deadline >= " + today + "::date OR " + t + ".deadline IS NULL OR " + t +
                            ".recurrence = 'ongoing')";
            if (text && pre_) w += main ? " AND p.tsv @@ " + tsq : " AND EXISTS (SELECT 1 FROM aid_pre tp WHERE tp.n = " + t + ".n AND tp.tsv @@ " + tsq + ")";
            else if (text) w += " AND " + t + ".tsv @@ q";
            if (!perimeters.empty()) w += " AND " + t + ".perimeter = ANY(" + perimeters + ")";
            if (!audiences.empty()) w += " AND " + t + ".audiences && " + audiences;
            if (!themes.empty()) w += " AND " + t + ".themes && " + themes;
            return w;
        };
        std::string where = matches("a", true);
        // Generic aids and local variants, as the library shows them: searching a commune keeps
        // the variant (its perimeter holds the commune) and drops its generic aid; searching no
        // place keeps the generic aid and drops the variant.
        if (has_variants_) {
            if (!q.perimeters.empty()) where += " AND NOT EXISTS (SELECT 1 FROM aids v WHERE v.generic = a.id AND " + matches("v", false) + ")";
            else where += " AND (a.generic IS NULL OR NOT EXISTS (SELECT 1 FROM aids g WHERE g.id = a.generic AND " + matches("g", false) + "))";
        }
        std::string order;
        if (q.order == aides::Order::deadline) order = "a.deadline_order" + (text ? ", " + rank + " DESC" : std::string());
        else if (text) order = rank + " DESC";
        else order = "a.scale_rank, a.deadline_order";
        std::string sql = "SELECT a.id, a.name, a.description, count(*) OVER () FROM " + from + " WHERE " + where +
                          " ORDER BY " + order + " LIMIT " + std::to_string(target_.page_size);
        Outcome out;
        run(sql, params, [&](PGresult* result) {
            out.returned = static_cast<std::size_t>(PQntuples(result));
            out.count = out.returned ? std::stoul(PQgetvalue(result, 0, 3)) : 0;
        });
        if (q.facets) {
            std::string facets = "WITH m AS (SELECT a.themes, a.categories, a.aid_types, a.audiences, a.programs, a.backers FROM " +
                                 from + " WHERE " + where + ")";
            for (std::size_t i = 0; i < std::size(facet_columns); ++i) {
                facets += i ? " UNION ALL " : " ";
                facets += "SELECT " + std::to_string(i) + ", v, count(*) FROM m, unnest(m." + facet_columns[i][1] + ") v GROUP BY v";
            }
            Facets counts;
            for (const auto& column : facet_columns) counts[column[0]];
            run(facets, params, [&](PGresult* result) {
                for (int r = 0; r < PQntuples(result); ++r)
                    counts[facet_columns[std::stoi(PQgetvalue(result, r, 0))][0]][PQgetvalue(result, r, 1)] =
                        std::stoul(PQgetvalue(result, r, 2));
            });
            out.facets = std::move(counts);
        }
        return out;
    }

  private:
    template <class Read>
    void run(const std::string& sql, const std::vector<std::string>& params, Read&& read) {
        std::vector<const char*> values;
        for (const auto& p : params) values.push_back(p.c_str());
        PGresult* result = PQexecParams(connection_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                        nullptr, nullptr, 0);
        if (PQresultStatus(result) != PGRES_TUPLES_OK) {
            std::string message = PQresultErrorMessage(result);
            PQclear(result);
            throw aides::Error("postgres: " + message + " in: " + sql);
        }
        read(result);
        PQclear(result);
    }

    Connection connection_;
    const Target& target_;
    bool pre_;
    std::string backend_pid_;
    bool has_variants_ = false;
};

class PostgresFactory : public EngineFactory {
  public:
    PostgresFactory(const Target& target, bool pre) : target_(target), pre_(pre) {}
    std::unique_ptr<Engine> make() override { return std::make_unique<PostgresEngine>(target_, pre_); }

  private:
    Target target_;
    bool pre_;
};

}  // namespace

std::unique_ptr<EngineFactory> make_postgres(const Target& target, bool pre_analysed) {
    return std::make_unique<PostgresFactory>(target, pre_analysed);
}

long postgres_backend_peak_kib() { return PostgresEngine::peak_backend_kib; }

LoadReport load_postgres(const std::string& input, const std::string& conninfo, const std::string& index_dir) {
    LoadReport report;
    Connection db(conninfo);
    db.exec("SET client_min_messages = warning");
    db.exec("DROP TABLE IF EXISTS aid_pre");
    db.exec("DROP TABLE IF EXISTS aids");
    db.exec("CREATE EXTENSION IF NOT EXISTS unaccent");
    db.exec("DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent");
    db.exec("CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french)");
    db.exec("ALTER TEXT SEARCH CONFIGURATION french_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem");
    db.exec(R"(CREATE TABLE aids (
        n integer PRIMARY KEY, id text NOT NULL UNIQUE, slug text, name text, classified text, description text, details text,
        status text, perimeter text, generic text, deadline date, deadline_order date, recurrence text, scale_rank smallint, published text,
        audiences text[], themes text[], categories text[], aid_types text[], programs text[], backers text[],
        tsv tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('french_unaccent', coalesce(name, '')), 'A') ||
            setweight(to_tsvector('french_unaccent', coalesce(classified, '')), 'C') ||
            setweight(to_tsvector('french_unaccent', coalesce(description, '')), 'B') ||
            setweight(to_tsvector('french_unaccent', coalesce(details, '')), 'D')) STORED))");
    db.exec("CREATE TABLE aid_pre (n integer PRIMARY KEY, tsv tsvector)");

    auto start = Clock::now();
    std::size_t n = 0;
    db.copy("COPY aids (n, id, slug, name, classified, description, details, status, perimeter, generic, deadline, deadline_order, "
            "recurrence, scale_rank, published, audiences, themes, categories, aid_types, programs, backers) FROM STDIN",
            [&](const auto& put) {
                report.aids = for_each_row(input, index_dir, false, [&](const Row& row) {
                    const aides::Aid& aid = row.aid;
                    std::string line = std::to_string(++n);
                    for (const std::string* field : {&aid.id, &aid.slug, &row.name, &row.classified, &row.description, &row.details,
                                                     &aid.status, &aid.perimeter}) {
                        line += '\t';
                        line += copy_field(*field);
                    }
                    line += '\t' + (aid.generic_aid ? copy_field(*aid.generic_aid) : std::string("\\N"));
                    line += '\t' + (row.deadline ? *row.deadline : std::string("\\N"));
                    line += '\t' + row.deadline_order;
                    line += '\t' + (aid.recurrence.empty() ? std::string("\\N") : aid.recurrence);
                    line += '\t' + std::to_string(row.scale_rank);
                    line += '\t' + row.published;
                    for (const auto* list : {&row.audiences, &row.themes, &row.categories, &row.aid_types, &row.programs, &row.backers}) {
                        line += '\t';
                        line += copy_field(array_literal(*list));
                    }
                    line += '\n';
                    put(line);
                });
            });
    double copy_seconds = seconds_since(start);
    auto step = Clock::now();
    db.exec("CREATE INDEX aids_tsv ON aids USING gin (tsv)");
    double gin_seconds = seconds_since(step);
    step = Clock::now();
    db.exec("CREATE INDEX aids_perimeter ON aids (perimeter)");
    db.exec("CREATE INDEX aids_generic ON aids (generic) WHERE generic IS NOT NULL");
    db.exec("CREATE INDEX aids_audiences ON aids USING gin (audiences)");
    db.exec("CREATE INDEX aids_themes ON aids USING gin (themes)");
    db.exec("ANALYZE aids");
    double filters_seconds = seconds_since(step);
    report.seconds = seconds_since(start);
    report.bytes = std::stoull(db.scalar("SELECT pg_total_relation_size('aids')"));

    // The pre-analysed column, timed apart: it is not part of the Aides-territoires setup.
    step = Clock::now();
    n = 0;
    db.copy("COPY aid_pre (n, tsv) FROM STDIN", [&](const auto& put) {
        for_each_row(input, index_dir, true, [&](const Row& row) {
            put(std::to_string(++n) + '\t' + copy_field(tsvector_literal(row)) + '\n');
        });
    });
    db.exec("CREATE INDEX aid_pre_tsv ON aid_pre USING gin (tsv)");
    db.exec("ANALYZE aid_pre");
    double pre_seconds = seconds_since(step);
    report.details = {{"copy_with_tsvector_s", copy_seconds},
                      {"gin_s", gin_seconds},
                      {"filter_indexes_and_analyze_s", filters_seconds},
                      {"pre_analysed_s", pre_seconds},
                      {"pre_analysed_bytes", std::stoull(db.scalar("SELECT pg_total_relation_size('aid_pre')"))},
                      {"table_bytes", std::stoull(db.scalar("SELECT pg_relation_size('aids') + coalesce(pg_relation_size(reltoastrelid), 0) FROM pg_class WHERE relname = 'aids'"))},
                      {"tsv_gin_bytes", std::stoull(db.scalar("SELECT pg_relation_size('aids_tsv')"))}};
    return report;
}

}  // namespace bench
