"""aides-serve while the index changes and when it is stopped: a new commit seen without a
restart, the last good revision kept when the index cannot be reopened, SIGTERM with a
request in flight."""
import json
import shutil
import signal
import socket
import time
from urllib.parse import urlencode

from conftest import CORPUS, TODAY, Server, build_index, records, wait_until

NEW_AID = {"id": "serve-new-1", "name": "Aide au xylophone municipal", "description": "Achat de xylophones pour les écoles.",
           "perimeter": "country:FRA", "targeted_audiences": ["commune"], "aid_types": ["grant"],
           "categories": [], "status": "published"}


def test_new_commit_is_seen_without_restart(tmp_path):
    index = tmp_path / "idx"
    build_index(index, CORPUS / "aides.jsonl")
    server = Server(index, tmp_path / "access.log")
    try:
        before = server.json("/api/status/")
        assert server.json("/api/aids/?" + urlencode({"text": "xylophone", "today": TODAY}))["count"] == 0
        server.json("/api/aids/serve-new-1/", expect=404)
        added = tmp_path / "new.jsonl"
        added.write_text(json.dumps(NEW_AID, ensure_ascii=False) + "\n", encoding="utf-8")
        build_index(index, added)  # the indexer commits while the server runs
        after = server.json("/api/status/")
        assert after["revision"] > before["revision"] and after["aids"] == before["aids"] + 1
        found = server.json("/api/aids/?" + urlencode({"text": "xylophone", "today": TODAY}))
        assert [r["id"] for r in found["results"]] == ["serve-new-1"]
        assert server.json("/api/aids/serve-new-1/")["name"] == NEW_AID["name"]
    finally:
        assert server.stop() == 0


def test_last_good_revision_served_when_the_index_cannot_be_reopened(tmp_path):
    index = tmp_path / "idx"
    build_index(index, CORPUS / "aides.jsonl")
    server = Server(index, tmp_path / "access.log")
    try:
        path = "/api/aids/?" + urlencode({"commune": "29103", "today": TODAY})
        good = server.json(path)
        status = server.json("/api/status/")
        # Damage the version file the next reopening reads; the revision held stays whole.
        version = index / "iamglass"
        saved = version.read_bytes()
        version.write_bytes(b"not a glass version file")
        for _ in range(3):
            assert server.json(path) == good
        assert server.json("/api/status/")["revision"] == status["revision"]
        version.write_bytes(saved)
        assert server.json(path) == good
    finally:
        assert server.stop() == 0


def test_sigterm_finishes_the_request_in_flight_and_exits_0(tmp_path):
    index = tmp_path / "idx"
    build_index(index, CORPUS / "aides.jsonl")
    server = Server(index, tmp_path / "access.log")
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=20) as conn:
            # Half a request: the server is reading it when the signal comes.
            conn.sendall(b"GET /api/aids/?commune=29103&today=" + TODAY.encode() + b" HTTP/1.1\r\nHost: t\r\n")
            time.sleep(0.3)
            server.process.send_signal(signal.SIGTERM)
            time.sleep(0.3)
            assert server.process.poll() is None  # still finishing
            conn.sendall(b"Connection: close\r\n\r\n")
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200")
        assert json.loads(body)["count"] > 0
        assert wait_until(lambda: server.process.poll() is not None, 20)
        assert server.process.returncode == 0
        # A new connection is refused once stopped.
        try:
            socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
            refused = False
        except OSError:
            refused = True
        assert refused
    finally:
        server.stop()


def exchange(conn, path):
    """Sends a GET on an open connection and reads one answer: (status line, body)."""
    conn.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head.split(b"\r\n")[0].decode(), body


def test_connections_beyond_the_pool_and_its_queue_get_503(tmp_path):
    index = tmp_path / "idx"
    build_index(index, CORPUS / "aides.jsonl")
    server = Server(index, tmp_path / "access.log", "--max-pending", "1", threads=1)
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=20) as kept:
            assert exchange(kept, "/api/status/")[0].endswith("200 OK")  # the only worker now waits on it
            with socket.create_connection(("127.0.0.1", server.port), timeout=20) as queued:
                time.sleep(0.3)  # accepted and queued
                with socket.create_connection(("127.0.0.1", server.port), timeout=20) as refused:
                    status, body = exchange(refused, "/api/status/")
                    assert " 503 " in status and "busy" in json.loads(body)["error"]
                kept.close()  # frees the worker for the queued connection
                assert exchange(queued, "/api/status/")[0].endswith("200 OK")
    finally:
        assert server.stop() == 0
