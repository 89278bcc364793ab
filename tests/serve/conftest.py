"""Fixtures of the aides-serve API tests: an index of the sample catalogue built with the
built aides-index, and aides-serve started on 127.0.0.1:0 over it (stopped at the end).

Environment (set by ctest, see tests/CMakeLists.txt): AIDES_BIN_DIR (the built tools),
AIDES_CORPUS_DIR. Run alone: AIDES_BIN_DIR=build/bin /usr/bin/python3 -m pytest tests/serve
"""
import gzip
import json
import os
import select
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("AIDES_CORPUS_DIR") or REPO / "corpus")
BIN = Path(os.environ.get("AIDES_BIN_DIR") or REPO / "build" / "bin")
PVD = CORPUS / "adhoc" / "pvd-extrait.txt"
# Every search runs "on" this day, so that results do not depend on the clock.
TODAY = "2026-06-15"


def build_index(path, *inputs):
    subprocess.run([str(BIN / "aides-index"), "--db", str(path), "--adhoc", f"pvd={PVD}"]
                   + [a for i in inputs for a in ("--input", str(i))],
                   check=True, capture_output=True, text=True, timeout=120)


class Server:
    """One aides-serve process; its stderr (the access log) goes to a file."""

    def __init__(self, index_dir, log_path, *extra, threads=4):
        self.log_path = Path(log_path)
        self.log = open(self.log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen([str(BIN / "aides-serve"), "--db", str(index_dir),
                                         "--listen", "127.0.0.1:0", "--threads", str(threads), *extra],
                                        stdout=subprocess.PIPE, stderr=self.log, text=True)
        ready, _, _ = select.select([self.process.stdout], [], [], 60)
        first = self.process.stdout.readline() if ready else ""
        if not first.startswith("listening on http://127.0.0.1:"):
            self.stop()
            pytest.fail(f"aides-serve did not start: {first!r}: {self.log_path.read_text()}")
        self.url = first.split()[-1]
        self.port = int(self.url.rsplit(":", 1)[1])

    def stop(self):
        """SIGTERM, then SIGKILL if it has not exited within 20 s; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
        self.process.stdout.close()
        self.log.close()
        return self.process.returncode

    def get(self, path, headers=None, method="GET"):
        """(status, headers, body bytes) of a request; bodies of errors too."""
        request = urllib.request.Request(self.url + path, headers=headers or {}, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def json(self, path, expect=200):
        status, headers, body = self.get(path)
        assert status == expect, f"{path}: {status} {body[:300]!r}"
        if headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return json.loads(body)


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("serve") / "idx"
    build_index(path, CORPUS / "aides.jsonl")
    return path


@pytest.fixture(scope="session")
def server(index_dir, tmp_path_factory):
    s = Server(index_dir, tmp_path_factory.mktemp("log") / "access.log")
    yield s
    assert s.stop() == 0


def cli_search(index_dir, *args):
    """`aides-search --format json` on the index: (exit status, parsed JSON or stderr)."""
    done = subprocess.run([str(BIN / "aides-search"), "--db", str(index_dir), "--format", "json", *args],
                          capture_output=True, text=True, timeout=60)
    return done.returncode, (json.loads(done.stdout) if done.returncode == 0 else done.stderr)


def records():
    with open(CORPUS / "aides.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def wait_until(condition, seconds=20):
    """Polls `condition` every 0.1 s for at most `seconds`; returns its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)
