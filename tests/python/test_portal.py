"""The example portal (bindings/python/examples/portal.py), end to end over HTTP."""
import html
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

from conftest import LANDERNEAU, REPO, TODAY

PORTAL = REPO / "bindings" / "python" / "examples" / "portal.py"


@pytest.fixture(scope="module")
def portal(index_dir):
    """Starts the portal on 127.0.0.1 with a free port (--port 0); yields its base URL."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    process = subprocess.Popen([sys.executable, str(PORTAL), index_dir, "--host", "127.0.0.1", "--port", "0",
                                "--today", TODAY.isoformat()],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = process.stdout.readline()  # "serving on http://127.0.0.1:PORT/", once listening
        if not first.startswith("serving on "):
            process.kill()
            pytest.fail(f"portal did not start: {first!r} {process.stderr.read()}")
        yield first.split()[-1].rstrip("/")
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.headers.get("Content-Type"), response.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode("utf-8")


def test_form(portal):
    status, content_type, page = get(portal + "/")
    assert status == 200 and content_type.startswith("text/html")
    assert '<form method="get"' in page and 'name="commune"' in page and 'name="q"' in page
    assert '<option value="mobilite-transports">' in page


def test_results_for_a_commune_and_themes(portal, searcher):
    query = {"commune": LANDERNEAU, "theme": ["mobilite-transports", "energies-dechets-climat"], "q": "vélo"}
    status, _, page = get(portal + "/?" + urlencode(query, doseq=True))
    assert status == 200
    expected = searcher.search("vélo", commune=LANDERNEAU, themes=query["theme"], today=TODAY, size=50)
    assert expected.count > 0
    assert f"<h2>{expected.count} aide" in page and "Landerneau (29103)" in page
    shown = [line.split('data-id="')[1].split('"')[0] for line in page.split("<li")[1:]]
    assert shown == expected.ids
    for hit in expected:
        assert html.escape(hit.name) in page
    assert "<mark>" in page
    assert '<option value="mobilite-transports" selected>' in page


def test_names_are_escaped(portal):
    status, _, page = get(portal + "/?" + urlencode({"commune": LANDERNEAU, "q": "anah"}))
    assert status == 200
    assert "OPAH-RU : financement du suivi-animation par l&#x27;Anah" in page
    assert "par l'Anah" not in page
    status, _, page = get(portal + "/?" + urlencode({"commune": LANDERNEAU, "q": '<script>alert("x")</script>'}))
    assert status == 200
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_unknown_commune_is_a_400_naming_it(portal):
    status, _, page = get(portal + "/?" + urlencode({"commune": "<b>99999</b>"}))
    assert status == 400
    assert "unknown commune" in page and "&lt;b&gt;99999&lt;/b&gt;" in page and "<b>99999" not in page


def test_json_api_is_the_library_json(portal, searcher):
    status, content_type, text = get(portal + "/api/search?" + urlencode({"commune": "Landerneau", "q": "rénovation"}))
    assert status == 200 and content_type == "application/json"
    assert json.loads(text) == searcher.search("rénovation", commune="Landerneau", today=TODAY, size=50).to_dict()
    status, _, text = get(portal + "/api/search?" + urlencode({"commune": LANDERNEAU, "theme": "nope"}))
    assert status == 400 and "nope" in json.loads(text)["error"]


def test_missing_page(portal):
    assert get(portal + "/nowhere")[0] == 404


def test_bad_index_exits_with_a_message(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    done = subprocess.run([sys.executable, str(PORTAL), str(tmp_path / "none"), "--port", "0"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 1 and done.stderr.startswith("portal: ")

