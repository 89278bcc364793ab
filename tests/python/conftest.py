"""Fixtures of the Python suite: the sample catalogue indexed once per session, and the CLI.

Environment (set by ctest, see bindings/python/CMakeLists.txt): PYTHONPATH (the built
package), AIDES_GEOGRAPHY_FILE, AIDES_CORPUS_DIR, AIDES_BIN_DIR (the built tools).
"""
import datetime
import json
import os
import subprocess
from pathlib import Path

import pytest

import aides

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("AIDES_CORPUS_DIR") or REPO / "corpus")
GEOGRAPHY = Path(os.environ.get("AIDES_GEOGRAPHY_FILE") or REPO / "build" / "geo" / "geography.tsv")
BIN_DIR = os.environ.get("AIDES_BIN_DIR", "")
PVD = CORPUS / "adhoc" / "pvd-extrait.txt"
# Every search of the suite runs "on" this day, so that results do not depend on the clock.
TODAY = datetime.date(2026, 6, 15)
LANDERNEAU = "29103"


@pytest.fixture(scope="session")
def geography_file():
    if not GEOGRAPHY.is_file():
        pytest.fail(f"no geography at {GEOGRAPHY}: run `make geography` (or set AIDES_GEOGRAPHY_FILE)")
    return str(GEOGRAPHY)


@pytest.fixture(scope="session")
def records():
    """The sample catalogue, id -> record."""
    with open(CORPUS / "aides.jsonl", encoding="utf-8") as f:
        out = {}
        for line in f:
            if line.strip():
                record = json.loads(line)
                out[str(record["id"])] = record
        return out


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory, geography_file):
    """corpus/aides.jsonl with the national geography and the ad-hoc list adhoc:pvd."""
    path = tmp_path_factory.mktemp("index") / "idx"
    with aides.Index.open(path, geography=geography_file, adhoc={"pvd": PVD}) as index:
        report = index.ingest(CORPUS / "aides.jsonl")
        assert report.committed and not report.errors
    return str(path)


@pytest.fixture(scope="session")
def searcher(index_dir):
    with aides.Searcher(index_dir) as s:
        yield s


@pytest.fixture
def fresh_index(tmp_path, geography_file):
    """An empty index of one test, with the national geography."""
    with aides.Index.open(tmp_path / "idx", geography=geography_file, adhoc={"pvd": PVD}) as index:
        yield index


def tool(name):
    path = Path(BIN_DIR) / name if BIN_DIR else None
    if not path or not path.is_file():
        pytest.skip(f"{name} not built (AIDES_BIN_DIR={BIN_DIR!r})")
    return str(path)


@pytest.fixture(scope="session")
def cli(index_dir):
    """Runs aides-search on the session index; returns (exit status, stdout, stderr)."""
    binary = tool("aides-search")

    def run(*args):
        done = subprocess.run([binary, "--db", index_dir, *args], capture_output=True, text=True, timeout=120)
        return done.returncode, done.stdout, done.stderr

    return run
