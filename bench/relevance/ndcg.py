#!/usr/bin/python3
"""nDCG@10 of aides-search over judged query sets.

Builds a fresh index of each corpus with aides-index, runs every judged query with
`aides-search --format json --include-expired --size 10`, and prints nDCG@10 per query and
the mean (graded gains 2^grade - 1, log2 discount, ideal ranking from the judgments).

    /usr/bin/python3 bench/relevance/ndcg.py                # sample catalogue (+ periurbain if present)
    /usr/bin/python3 bench/relevance/ndcg.py --bin build-x/bin --show

The second set runs when ../shared/data/aides-territoires/periurbain.jsonl exists (274 real
aids from Aides-territoires), with the project's own judgments_periurbain.json.
Standard library only.
"""

import argparse
import glob
import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PERIURBAIN = os.path.join(ROOT, "..", "shared", "data", "aides-territoires", "periurbain.jsonl")
K = 10


def find_bin(explicit):
    if explicit:
        return explicit
    candidates = [os.path.join(ROOT, "build", "bin")] + sorted(
        glob.glob(os.path.join(ROOT, "build-*", "bin")), key=os.path.getmtime, reverse=True)
    for candidate in candidates:
        if os.access(os.path.join(candidate, "aides-search"), os.X_OK) and \
                os.access(os.path.join(candidate, "aides-index"), os.X_OK):
            return candidate
    sys.exit("ndcg.py: no build*/bin with aides-index and aides-search; build first or pass --bin")


def run(argv):
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit("ndcg.py: %s failed (%d): %s" % (" ".join(argv), done.returncode, done.stderr.strip()))
    return done.stdout


def dcg(grades):
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:K]))


def evaluate(bin_dir, name, corpus, judgments_path, index_args, show):
    with open(judgments_path, encoding="utf-8") as f:
        judged = json.load(f)["queries"]
    with tempfile.TemporaryDirectory(prefix="aides-ndcg-") as tmp:
        db = os.path.join(tmp, "db")
        run([os.path.join(bin_dir, "aides-index"), "--db", db, "--input", corpus] + index_args)
        rows = []
        for entry in judged:
            query, relevant = entry["query"], entry["relevant"]
            out = json.loads(run([os.path.join(bin_dir, "aides-search"), "--db", db, "--include-expired",
                                  "--format", "json", "--size", str(K), "--", query]))
            ranked = [str(r["id"]) for r in out["results"]]
            gains = [relevant.get(i, 0) for i in ranked]
            ideal = dcg(sorted(relevant.values(), reverse=True))
            score = dcg(gains) / ideal if ideal > 0 else 0.0
            found = sum(1 for g in gains if g > 0)
            rows.append((query, score, found, min(len(relevant), K), out["count"], ranked, gains))
    print("## %s: %s (%d queries)" % (name, os.path.relpath(corpus, ROOT), len(rows)))
    print("%-45s %8s %10s %7s" % ("query", "nDCG@10", "rel@10", "count"))
    for query, score, found, possible, count, ranked, gains in rows:
        print("%-45s %8.3f %7d/%-2d %7d" % (query, score, found, possible, count))
        if show:
            print("    " + " ".join("%s(%d)" % (i, g) for i, g in zip(ranked, gains)))
    mean = sum(r[1] for r in rows) / len(rows)
    print("%-45s %8.3f" % ("mean", mean))
    print()
    return mean


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", help="directory holding aides-index and aides-search (default: newest build*/bin)")
    parser.add_argument("--show", action="store_true", help="print the top 10 ids and their grades")
    parser.add_argument("--periurbain", default=PERIURBAIN, help="the 274 real aids (skipped when absent)")
    args = parser.parse_args()
    bin_dir = find_bin(args.bin)
    print("binaries: %s\n" % os.path.relpath(bin_dir, ROOT))
    means = [evaluate(bin_dir, "sample catalogue", os.path.join(ROOT, "corpus", "aides.jsonl"),
                      os.path.join(HERE, "judgments.json"),
                      ["--adhoc", "pvd=" + os.path.join(ROOT, "corpus", "adhoc", "pvd-extrait.txt")], args.show)]
    if os.path.exists(args.periurbain):
        means.append(evaluate(bin_dir, "periurbain (Aides-territoires)", os.path.abspath(args.periurbain),
                              os.path.join(HERE, "judgments_periurbain.json"), [], args.show))
    else:
        print("periurbain: %s absent, skipped" % args.periurbain)
    return 0


if __name__ == "__main__":
    sys.exit(main())
