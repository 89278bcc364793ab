#!/usr/bin/python3
"""Relevance of aides-search on the judged set of the 274 real aids (issue 20).

The judgments (`judgments_real.json`, beside this file) hold our own queries, the ids of the
real aids of ../shared/data/aides-territoires/periurbain.jsonl and a grade 0/1/2 per pooled
aid; the aids themselves are read from ../shared at run time (never copied into the project).
Each query belongs to the `tuning` or the `heldout` half (split once, seed in the file).

    /usr/bin/python3 bench/relevance/evaluate.py                      # the engine, both halves
    /usr/bin/python3 bench/relevance/evaluate.py --systems aides,bm25,postgres --per-query heldout
    /usr/bin/python3 bench/relevance/evaluate.py --pool queries.txt   # print the pool to judge
    /usr/bin/python3 bench/relevance/evaluate.py --json out.json      # figures for a test

Systems: `aides` (this engine: a fresh index of the aids, `aides-search --include-expired
--size 20`), `bm25` (a plain BM25 written here: accent folding, a light plural/e stemmer, OR of
the words, name weighted 3), `postgres` (PostgreSQL 15 as Aides-territoires sets it up: a
`french_unaccent` configuration, name weight A, description B, websearch_to_tsquery, ts_rank;
a private cluster in a temporary directory; skipped when PostgreSQL is absent).
Metrics per query, averaged: nDCG@10 (gains 2^g - 1, ideal from all judged grades), P@5
(aids of grade >= 1 in the first 5, over min(5, judged relevant aids): most queries here have
fewer than 5 relevant aids, and a plain P@5 could not reach 1 for them), MRR (first aid of grade >= 1), recall@20 (judged relevant aids
found in the first 20), and `empty` (queries with no answer). Unjudged aids count as 0.
Exit 0; 3 when ../shared is absent (a caller may treat it as a skip).
Standard library only.
"""

import argparse
import glob
import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
JUDGMENTS = os.path.join(HERE, "judgments_real.json")
SKIP = 3


def shared_dir():
    explicit = os.environ.get("AIDES_SHARED_DIR")
    for candidate in ([explicit] if explicit else []) + [os.path.join(ROOT, "..", "shared"), "/work/shared"]:
        if candidate and os.path.isfile(os.path.join(candidate, "data", "aides-territoires", "periurbain.jsonl")):
            return candidate
    return None


def find_bin(explicit):
    if explicit:
        return explicit
    candidates = [os.path.join(ROOT, "build", "bin")] + sorted(
        glob.glob(os.path.join(ROOT, "build-*", "bin")), key=os.path.getmtime, reverse=True)
    for candidate in candidates:
        if all(os.access(os.path.join(candidate, tool), os.X_OK) for tool in ("aides-index", "aides-search")):
            return candidate
    sys.exit("evaluate.py: no build*/bin with aides-index and aides-search; build first or pass --bin")


def run(argv, **kwargs):
    done = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        sys.exit("evaluate.py: %s failed (%d): %s" % (" ".join(argv), done.returncode, done.stderr.strip()))
    return done.stdout


# --- the engine -------------------------------------------------------------------------------

class Aides:
    name = "aides"

    def __init__(self, bin_dir, aids_path, tmp, extra_search_args):
        self.bin_dir = bin_dir
        self.db = os.path.join(tmp, "aides-db")
        self.extra = extra_search_args
        run([os.path.join(bin_dir, "aides-index"), "--db", self.db, "--input", aids_path])

    def search(self, query, k):
        out = json.loads(run([os.path.join(self.bin_dir, "aides-search"), "--db", self.db, "--include-expired",
                              "--format", "json", "--size", str(k)] + self.extra + ["--", query]))
        return [str(r["id"]) for r in out["results"]]


# --- a plain BM25 -----------------------------------------------------------------------------

STOPWORDS = set("""a au aux avec ce ces dans de des du elle en et eux il je la le les leur lui ma mais me meme
mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos
votre vous c d j l m n s t y l qu d est sont etre""".split())


def fold(text):
    text = unicodedata.normalize("NFKD", text.lower().replace("œ", "oe").replace("æ", "ae"))
    return "".join(c for c in text if not unicodedata.combining(c))


def light_stem(word):
    if len(word) > 4 and word.endswith("aux"):
        word = word[:-3] + "al"
    elif len(word) > 3 and word[-1] in "sx":
        word = word[:-1]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def bm25_terms(text):
    return [light_stem(w) for w in re.findall(r"[a-z0-9]+", fold(re.sub(r"<[^>]*>", " ", text or "")))
            if w not in STOPWORDS]


class Bm25:
    name = "bm25"
    K1, B, NAME_WEIGHT = 1.2, 0.75, 3

    def __init__(self, aids):
        self.docs = []
        for aid in aids:
            tf = {}
            for weight, field in ((self.NAME_WEIGHT, aid.get("name")), (1, aid.get("description"))):
                for term in bm25_terms(field):
                    tf[term] = tf.get(term, 0) + weight
            self.docs.append((str(aid["id"]), tf, sum(tf.values())))
        self.avg_len = sum(d[2] for d in self.docs) / len(self.docs)
        self.df = {}
        for _, tf, _ in self.docs:
            for term in tf:
                self.df[term] = self.df.get(term, 0) + 1

    def search(self, query, k):
        terms = set(bm25_terms(query))
        n = len(self.docs)
        scored = []
        for aid_id, tf, length in self.docs:
            score = 0.0
            for term in terms:
                f = tf.get(term, 0)
                if f:
                    idf = math.log(1 + (n - self.df[term] + 0.5) / (self.df[term] + 0.5))
                    score += idf * f * (self.K1 + 1) / (f + self.K1 * (1 - self.B + self.B * length / self.avg_len))
            if score > 0:
                scored.append((-score, aid_id))
        return [aid_id for _, aid_id in sorted(scored)[:k]]


# --- PostgreSQL as Aides-territoires -----------------------------------------------------------

class Postgres:
    name = "postgres"
    PGBIN = "/usr/lib/postgresql/15/bin"

    @classmethod
    def available(cls):
        return os.access(os.path.join(cls.PGBIN, "initdb"), os.X_OK)

    def __init__(self, aids, tmp):
        self.work = os.path.join(tmp, "pg")
        os.makedirs(self.work)
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_pg:
            shutil.chown(self.work, "postgres")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = str(s.getsockname()[1])
        run(self.as_pg + [os.path.join(self.PGBIN, "initdb"), "-D", self.work + "/data", "-U", "bench", "-A", "trust",
                          "-E", "UTF8", "--locale=C.UTF-8"])
        run(self.as_pg + [os.path.join(self.PGBIN, "pg_ctl"), "-D", self.work + "/data", "-l", self.work + "/log", "-w",
                          "-o", "-c listen_addresses=127.0.0.1 -c port=%s -k %s" % (self.port, self.work), "start"])
        rows = os.path.join(self.work, "aids.tsv")
        with open(rows, "w", encoding="utf-8") as f:
            for aid in aids:
                clean = [re.sub(r"[\t\n\r\\]", " ", re.sub(r"<[^>]*>", " ", aid.get(k) or "")) for k in ("name", "description")]
                f.write("%s\t%s\t%s\n" % (aid["id"], clean[0], clean[1]))
        if self.as_pg:
            shutil.chown(rows, "postgres")
        self.psql(["-c", "CREATE EXTENSION unaccent",
                   "-c", "CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french)",
                   "-c", "ALTER TEXT SEARCH CONFIGURATION french_unaccent ALTER MAPPING FOR hword, hword_part, word "
                         "WITH unaccent, french_stem",
                   "-c", "CREATE TABLE aids (id text, name text, description text, tsv tsvector GENERATED ALWAYS AS ("
                         "setweight(to_tsvector('french_unaccent', coalesce(name, '')), 'A') || "
                         "setweight(to_tsvector('french_unaccent', coalesce(description, '')), 'B')) STORED)",
                   "-c", "\\copy aids (id, name, description) FROM '%s'" % rows])

    def psql(self, args, input=None):
        return run(self.as_pg + [os.path.join(self.PGBIN, "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                                 "-h", "127.0.0.1", "-p", self.port, "-U", "bench", "-d", "postgres"] + args, input=input)

    def search(self, query, k):
        sql = ("SELECT id FROM aids, websearch_to_tsquery('french_unaccent', :'q') q WHERE tsv @@ q "
               "ORDER BY ts_rank(tsv, q) DESC, id LIMIT %d" % k)
        out = self.psql(["-v", "q=" + query], input=sql)
        return [line for line in out.splitlines() if line]

    def close(self):
        subprocess.run(self.as_pg + [os.path.join(self.PGBIN, "pg_ctl"), "-D", self.work + "/data", "-m", "fast", "stop"],
                       capture_output=True)


# --- metrics ----------------------------------------------------------------------------------

def dcg(grades, k):
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:k]))


def metrics(ranked, grades):
    gains = [grades.get(i, 0) for i in ranked]
    ideal = dcg(sorted(grades.values(), reverse=True), 10)
    relevant = sum(1 for g in grades.values() if g > 0)
    first = next((rank for rank, g in enumerate(gains, 1) if g > 0), None)
    return {
        "ndcg10": dcg(gains, 10) / ideal if ideal > 0 else 0.0,
        # Over min(5, relevant): a query with two relevant aids that shows both first is perfect.
        "p5": sum(1 for g in gains[:5] if g > 0) / min(5, relevant) if relevant else 0.0,
        "mrr": 1.0 / first if first else 0.0,
        "recall20": sum(1 for g in gains[:20] if g > 0) / relevant if relevant else 0.0,
        "empty": 0 if ranked else 1,
    }


def mean(rows):
    keys = ("ndcg10", "p5", "mrr", "recall20")
    out = {k: sum(r[k] for r in rows) / len(rows) for k in keys} if rows else {k: 0.0 for k in keys}
    out["empty"] = sum(r["empty"] for r in rows)
    out["queries"] = len(rows)
    return out


def load_aids(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", help="directory holding aides-index and aides-search (default: newest build*/bin)")
    parser.add_argument("--systems", default="aides", help="comma-separated: aides,bm25,postgres")
    parser.add_argument("--judgments", default=JUDGMENTS)
    parser.add_argument("--pool", metavar="QUERIES", help="print the top 20 of every system for these queries (one a line)")
    parser.add_argument("--per-query", choices=("tuning", "heldout", "all"), help="print a table of that half")
    parser.add_argument("--json", metavar="FILE", help="write the mean figures per system and half")
    parser.add_argument("--search-arg", action="append", default=[], help="extra aides-search argument")
    parser.add_argument("--guard", metavar="MARKDOWN",
                        help="fail (exit 1) when the engine's held-out figures fall below the row between "
                             "'<!-- guard -->' markers of this file, minus --tolerance")
    parser.add_argument("--tolerance", type=float, default=0.02)
    args = parser.parse_args()

    shared = shared_dir()
    if not shared:
        print("evaluate.py: ../shared/data/aides-territoires/periurbain.jsonl absent; skipped")
        return SKIP
    aids_path = os.path.join(shared, "data", "aides-territoires", "periurbain.jsonl")
    aids = load_aids(aids_path)
    names = {str(a["id"]): a for a in aids}
    wanted = args.systems.split(",")

    with tempfile.TemporaryDirectory(prefix="aides-relevance-") as tmp:
        os.chmod(tmp, 0o755)
        systems = []
        if "aides" in wanted:
            systems.append(Aides(find_bin(args.bin), aids_path, tmp, args.search_arg))
        if "bm25" in wanted:
            systems.append(Bm25(aids))
        if "postgres" in wanted:
            if Postgres.available():
                systems.append(Postgres(aids, tmp))
            else:
                print("postgres: %s absent, skipped" % Postgres.PGBIN)
        try:
            if args.pool:
                return pool(systems, args.pool, names, aids)
            return evaluate(systems, args)
        finally:
            for system in systems:
                if hasattr(system, "close"):
                    system.close()


def pool(systems, queries_path, names, aids):
    number = {str(a["id"]): n for n, a in enumerate(aids)}
    with open(queries_path, encoding="utf-8") as f:
        queries = [line.rstrip("\n").split("|", 1)[-1] for line in f if line.strip()]
    for query in queries:
        seen = {}
        for system in systems:
            for rank, aid_id in enumerate(system.search(query, 20), 1):
                seen.setdefault(aid_id, []).append("%s%d" % (system.name[0], rank))
        print("## %s" % query)
        for aid_id, where in sorted(seen.items(), key=lambda kv: number[kv[0]]):
            aid = names[aid_id]
            text = re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", aid.get("description") or ""))[:160]
            print("%3d [%s] %s || %s" % (number[aid_id], " ".join(where), aid["name"][:110], text))
    return 0


def evaluate(systems, args):
    with open(args.judgments, encoding="utf-8") as f:
        judged = json.load(f)
    figures = {}
    for system in systems:
        rows = {"tuning": [], "heldout": []}
        for entry in judged["queries"]:
            ranked = system.search(entry["query"], 20)
            row = metrics(ranked, entry["grades"])
            row["query"], row["ranked"] = entry["query"], ranked
            rows[entry["half"]].append(row)
        figures[system.name] = {half: mean(r) for half, r in rows.items()}
        figures[system.name]["all"] = mean(rows["tuning"] + rows["heldout"])
        if args.per_query and system.name == systems[0].name:
            shown = rows["tuning"] + rows["heldout"] if args.per_query == "all" else rows[args.per_query]
            print("| query | nDCG@10 | P@5 | MRR | recall@20 |")
            print("|---|---:|---:|---:|---:|")
            for r in shown:
                print("| %s | %.2f | %.2f | %.2f | %.2f |" % (r["query"], r["ndcg10"], r["p5"], r["mrr"], r["recall20"]))
            print()
    print("| system | half | queries | nDCG@10 | P@5 | MRR | recall@20 | empty |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name, halves in figures.items():
        for half in ("tuning", "heldout", "all"):
            m = halves[half]
            print("| %s | %s | %d | %.3f | %.3f | %.3f | %.3f | %d |" % (
                name, half, m["queries"], m["ndcg10"], m["p5"], m["mrr"], m["recall20"], m["empty"]))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(figures, f, indent=1)
    if args.guard:
        return guard(figures["aides"]["heldout"], args.guard, args.tolerance)
    return 0


def guard(heldout, markdown, tolerance):
    """Compares the held-out figures with the row the documentation reports."""
    with open(markdown, encoding="utf-8") as f:
        text = f.read()
    found = re.search(r"<!-- guard -->\s*\n(\|[^\n]*\|)\s*\n\s*<!-- /guard -->", text)
    if not found:
        print("evaluate.py: no '<!-- guard -->' row in %s" % markdown)
        return 1
    cells = [c.strip() for c in found.group(1).strip("|").split("|")]
    # | system | half | queries | nDCG@10 | P@5 | MRR | recall@20 | empty |
    reported = dict(zip(("ndcg10", "p5", "mrr", "recall20"), map(float, cells[3:7])))
    failures = ["%s %.3f < %.3f - %.2f" % (k, heldout[k], v, tolerance) for k, v in reported.items() if heldout[k] < v - tolerance]
    if heldout["empty"] > int(cells[7]):
        failures.append("%d empty answers > %s" % (heldout["empty"], cells[7]))
    if failures:
        print("held-out figures below %s: %s" % (markdown, "; ".join(failures)))
        return 1
    print("held-out figures hold: %s" % ", ".join("%s %.3f" % (k, heldout[k]) for k in reported))
    return 0


if __name__ == "__main__":
    sys.exit(main())
