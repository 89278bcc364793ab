#!/usr/bin/env python3
"""Cuts the real Aides-territoires files of ../shared into fuzz seeds for one reader, at run
time (the files are read, never copied into the repository). Without ../shared it does nothing.

Usage: fuzz/make-seeds.py FORMAT DEST   (FORMAT: jsonl, json, at_api, at_csv, automatic)
"""
import json
import pathlib
import sys

MAX = 4_000  # the readers' -max_len: small inputs, fast executions
fmt, dest = sys.argv[1], pathlib.Path(sys.argv[2])
shared = pathlib.Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "aides-territoires"
if not shared.is_dir():
    print(f"make-seeds: {shared} absent: project seeds only")
    sys.exit(0)
count = 0


def seed(name: str, data: bytes) -> None:
    global count
    if len(data) <= MAX:
        (dest / f"shared-{name}").write_bytes(data)
        count += 1


def records(path: pathlib.Path):
    document = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(document, dict):
        for key in ("results", "aids", "data", "items"):
            if isinstance(document.get(key), list):
                return document[key]
        return [document]
    return document if isinstance(document, list) else []


jsonl = shared / "periurbain.jsonl"
lines = jsonl.read_text(encoding="utf-8").splitlines() if jsonl.exists() else []
if fmt in ("jsonl", "automatic"):
    for i in range(0, len(lines), 2):
        seed(f"periurbain-{i}.jsonl", ("\n".join(lines[i:i + 2]) + "\n").encode())
if fmt in ("json", "at_api", "automatic"):
    for path in sorted((shared / "provider_samples").glob("*.json")):
        items = records(path)
        for i in range(0, min(len(items), 40)):
            page = {"count": len(items), "next": None, "previous": None, "results": items[i:i + 1]}
            seed(f"{path.stem}-{i}.json", json.dumps(page, ensure_ascii=False).encode())
    for i in range(0, min(len(lines), 60)):
        seed(f"periurbain-array-{i}.json", ("[" + ",\n".join(lines[i:i + 1]) + "]").encode())
if fmt in ("at_csv", "automatic"):
    for path in (shared / "aides-territoires_periurbain.csv", shared / "aid_import_template.csv"):
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        header, _, body = text.partition("\n")
        # Rows may span lines (quoted newlines): cut on record boundaries by counting quotes.
        rows, current = [], ""
        for line in body.splitlines(keepends=True):
            current += line
            if current.count('"') % 2 == 0:
                rows.append(current)
                current = ""
        for i in range(0, min(len(rows), 120)):
            seed(f"{path.stem}-{i}.csv", (header + "\n" + "".join(rows[i:i + 1])).encode())
print(f"make-seeds: {count} seeds for {fmt} cut from {shared}")
