#!/usr/bin/python3
"""Distinct /api/aids/ queries for bench/serve-load.sh, one path a line (deterministic):
half a commune's whole offer, half a commune and 1 to 3 words of the catalogue's names.

    serve_load_paths.py CATALOGUE.jsonl GEOGRAPHY.tsv COUNT
"""
import json
import random
import sys
from urllib.parse import urlencode


def main(catalogue, geography, count):
    rng = random.Random(22)
    with open(geography, encoding="utf-8") as f:
        communes = [line.split("\t")[1] for line in f if line.startswith("C\t")]
    words = set()
    with open(catalogue, encoding="utf-8") as f:
        for number, line in enumerate(f):
            if number >= 20000:
                break
            words.update(w.strip(",.:;()«»'’").lower() for w in json.loads(line)["name"].split() if len(w) > 3)
    words = sorted(w for w in words if w.isalpha())
    seen = set()
    for _ in range(count * 10):  # bounded: duplicates are drawn again at most this often
        if len(seen) >= count:
            break
        params = {"commune": "insee:" + rng.choice(communes), "size": "20"}
        if rng.random() < 0.5:
            params["text"] = " ".join(rng.sample(words, rng.randint(1, 3)))
        path = "/api/aids/?" + urlencode(params)
        if path not in seen:
            seen.add(path)
            print(path)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
