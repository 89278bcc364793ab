"""aides-serve's JSON API over HTTP: every endpoint, its errors, its headers, and results equal
to those of `aides-search --format json` for the same question."""
import gzip
import json
import os
import socket
import subprocess
import time
import unicodedata
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from conftest import BIN, CORPUS, TODAY, Server, cli_search, records

# The worked examples of the README (the contract's questions), as CLI flags and API parameters.
EXAMPLES = [
    (["--commune", "29103"], {"commune": "29103"}),
    (["--commune", "Landerneau", "renovation", "energetique"], {"commune": "Landerneau", "text": "renovation energetique"}),
    (["--commune", "29103", "--theme", "mobilite-transports", "--aid-type", "financial_group"],
     {"commune": "29103", "themes": "mobilite-transports", "aid_type": "financial_group"}),
    (["--perimeter", "department:29", "--facets"], {"perimeter": "department:29", "facets": "true"}),
    (["--commune", "29103", "--order", "deadline", "--apply-before", "2027-03-31"],
     {"commune": "29103", "order_by": "submission_deadline", "apply_before": "2027-03-31"}),
    (["--commune", "29103", '"centre-bourg", friche -commerce', "--explain"],
     {"commune": "29103", "text": '"centre-bourg", friche -commerce', "explain": "true"}),
    (["--commune", "Landerneau", "--program", "petites-villes-de-demain"],
     {"commune": "Landerneau", "programs": "petites-villes-de-demain"}),
    (["--commune", "29103", "--aid-type", "technical_group"], {"commune": "29103", "aid_type": "technical_group"}),
    (["--commune", "29103", "--aid-type", "financial_group", "--destination", "investment"],
     {"commune": "29103", "aid_type": "financial_group", "destinations": "investment"}),
    (["--commune", "29103", "maison", "de", "sante"], {"commune": "29103", "text": "maison de sante"}),
    (["--commune", "29103", 'velo, "voie verte"', "--explain"], {"commune": "29103", "text": 'velo, "voie verte"', "explain": "true"}),
    (["--commune", "29103", "friche", "-commerce"], {"commune": "29103", "text": "friche -commerce"}),
    (["--commune", "29103", "--like", "pvd-004"], {"commune": "29103", "like": "pvd-004"}),
    (["--commune", "29103", "--backer", "banque des territoires", "--call-for-projects"],
     {"commune": "29103", "backers": "banque des territoires", "call_for_projects_only": "true"}),
    (["--commune", "29103", "--portal", str(CORPUS / "portals" / "petites-villes-de-demain.json")],
     {"commune": "29103", "portal": "petites-villes-de-demain"}),
    (["--commune", "29103", "--order", "published", "--page", "2", "--size", "5", "--include-expired"],
     {"commune": "29103", "order_by": "publication_date", "page": "2", "size": "5", "include_expired": "true"}),
    (["--perimeter", "adhoc:pvd", "--audience", "commune", "--audience", "epci", "--step", "op"],
     [("perimeter", "adhoc:pvd"), ("targeted_audiences", "commune"), ("targeted_audiences", "epci"), ("mobilization_step", "op")]),
]


def query(params):
    items = list(params.items()) if isinstance(params, dict) else list(params)
    return urlencode(items + [("today", TODAY)])


@pytest.mark.parametrize("cli_args,params", EXAMPLES, ids=[" ".join(a) for a, _ in EXAMPLES])
def test_search_equals_cli(server, index_dir, cli_args, params):
    status, expected = cli_search(index_dir, *cli_args, "--today", TODAY)
    assert status == 0, expected
    page = server.json("/api/aids/?" + query(params))
    assert list(page)[:3] == ["count", "next", "previous"]
    assert page["results"] == expected["results"]
    # With explain=true, "explain" names the executor that answered: the CLI's first search is
    # Xapian's, a long-lived server may answer from memory (the same answer either way).
    assert {k: v for k, v in page.items() if k not in ("next", "previous", "explain")} == \
        {k: v for k, v in expected.items() if k != "explain"}
    assert page["count"] == expected["count"]


def test_pages_link_to_each_other(server, index_dir):
    first = server.json("/api/aids/?" + query({"commune": "29103", "size": "7"}))
    assert first["count"] > 14 and first["previous"] is None
    second_url = urlsplit(first["next"])
    assert second_url.netloc == f"127.0.0.1:{server.port}" and second_url.path == "/api/aids/"
    assert parse_qs(second_url.query)["page"] == ["2"]
    second = server.json(second_url.path + "?" + second_url.query)
    _, cli_second = cli_search(index_dir, "--commune", "29103", "--size", "7", "--page", "2", "--today", TODAY)
    assert second["results"] == cli_second["results"]
    assert parse_qs(urlsplit(second["previous"]).query)["page"] == ["1"]
    last_page = -(-first["count"] // 7)
    last = server.json("/api/aids/?" + query({"commune": "29103", "size": "7", "page": str(last_page)}))
    assert last["next"] is None and len(last["results"]) == first["count"] - 7 * (last_page - 1)


# Values the CLI refuses with exit 2, as (CLI flags, API parameters, the value the message names).
REFUSED = [
    (["--aid-type", "bogus"], {"aid_type": "bogus"}, "bogus"),
    (["--commune", "Nulle-Part-sur-Mer"], {"commune": "Nulle-Part-sur-Mer"}, "Nulle-Part-sur-Mer"),
    (["--apply-before", "2027-13-45"], {"apply_before": "2027-13-45"}, "2027-13-45"),
    (["--published-after", "hier"], {"published_after": "hier"}, "hier"),
    (["--order", "price"], {"order_by": "price"}, "price"),
    (["--perimeter", "planet:9"], {"perimeter": "planet:9"}, "planet:9"),
    (["--theme", "astronomie"], {"themes": "astronomie"}, "astronomie"),
    (["--audience", "martians"], {"targeted_audiences": "martians"}, "martians"),
    (["--step", "later"], {"mobilization_step": "later"}, "later"),
    (["--today", "2026-02-30"], {"today": "2026-02-30"}, "2026-02-30"),
    (["--page", "0"], {"page": "0"}, "0"),
    (["--size", "0"], {"size": "0"}, "0"),
]


@pytest.mark.parametrize("cli_args,params,value", REFUSED, ids=[v for _, _, v in REFUSED])
def test_refused_values_are_400_naming_them(server, index_dir, cli_args, params, value):
    status, message = cli_search(index_dir, *cli_args)
    assert status == 2, message
    code, headers, body = server.get("/api/aids/?" + urlencode(params))
    assert code == 400 and headers["Content-Type"].startswith("application/json")
    error = json.loads(body)["error"]
    assert value in error


@pytest.mark.parametrize("params,value", [
    ({"size": "101"}, "101"), ({"page": "deux"}, "deux"), ({"include_expired": "maybe"}, "maybe"),
    ({"portal": "nulle-part"}, "nulle-part"), ({"facets": "oui"}, "oui"), ({"strict": "2"}, "2"),
])
def test_api_bounds_are_400_naming_the_value(server, params, value):
    code, _, body = server.get("/api/aids/?" + urlencode(params))
    assert code == 400
    assert value in json.loads(body)["error"]


def test_long_values_and_targets_are_refused(server):
    code, _, body = server.get("/api/aids/?" + urlencode({"text": "velo " * 300}))
    assert code == 400 and "text" in json.loads(body)["error"]
    code, _, _ = server.get("/api/aids/?" + urlencode({"text": "a" * 5000}))
    assert code == 414


@pytest.mark.parametrize("path", ["/api/aids/nope-999/", "/api/communes/99999/", "/api/nope/", "/api/portals/nulle-part/",
                                  "/api/aids/pvd-001/extra/", "/portails/nulle-part/", "/nulle-part.html"])
def test_unknown_is_404(server, path):
    code, headers, body = server.get(path)
    assert code == 404, body
    if path.startswith("/api/"):
        assert "error" in json.loads(body)


def test_perimeter_name_is_the_same_in_every_output(server, index_dir):
    """The hit carries its perimeter's name: CLI json, jsonl and table, HTTP and Python agree."""
    args = ["--commune", "29103", "--size", "100", "--include-expired", "--today", TODAY]
    status, expected = cli_search(index_dir, *args)
    assert status == 0, expected
    by_json = [(hit["id"], hit["perimeter"], hit["perimeter_name"]) for hit in expected["results"]]
    # Names known independently of the engine, for perimeters of several scales.
    known = {"country:FRA": "France", "department:29": "Finistère", "region:53": "Bretagne", "commune:29103": "Landerneau"}
    seen = {perimeter: name for _, perimeter, name in by_json if perimeter in known}
    assert len(seen) >= 3 and all(known[p] == name for p, name in seen.items()), seen
    assert all(name for _, _, name in by_json)

    def run(*extra, columns="100"):
        done = subprocess.run([str(BIN / "aides-search"), "--db", str(index_dir), *args, *extra], capture_output=True,
                              text=True, timeout=60, env={**os.environ, "COLUMNS": columns})
        assert done.returncode == 0, done.stderr
        return done.stdout

    jsonl = [json.loads(line) for line in run("--format", "jsonl").splitlines()]
    assert [(hit["id"], hit["perimeter"], hit["perimeter_name"]) for hit in jsonl] == by_json
    # The table (narrower than 110 columns: the perimeter is under each row with --long).
    table = [line.strip()[len("perimeter: "):] for line in run("--format", "table", "--long").splitlines()
             if line.strip().startswith("perimeter: ")]
    assert table == [f"{name} ({perimeter.split(':')[0]})" for _, perimeter, name in by_json]
    page = server.json("/api/aids/?" + query({"commune": "29103", "size": "100", "include_expired": "true"}))
    assert [(hit["id"], hit["perimeter"], hit["perimeter_name"]) for hit in page["results"]] == by_json
    aides = pytest.importorskip("aides", reason="the Python bindings are not built (AIDES_BUILD_PYTHON=OFF)")
    result = aides.Searcher(index_dir).search(commune="29103", size=100, include_expired=True, today=TODAY)
    assert [(hit.id, hit.perimeter, hit.perimeter_name) for hit in result] == by_json


def test_aid_detail_by_id_and_slug(server):
    record = next(r for r in records() if r["id"] == "pvd-001")
    aid = server.json("/api/aids/pvd-001/")
    for field in ("id", "slug", "name", "perimeter", "financers", "categories", "description"):
        assert aid[field] == record[field]
    assert record["perimeter"] == "country:FRA" and aid["perimeter_name"] == "France"
    assert server.json(f"/api/aids/{record['slug']}/") == aid
    assert server.json("/api/aids/pvd-001") == aid  # without the final slash too
    local = next(r for r in records() if r.get("perimeter", "").startswith("department:29"))
    assert server.json(f"/api/aids/{local['id']}/")["perimeter_name"] == "Finistère"


def test_commune_profile_equals_cli(server, index_dir):
    status, expected = cli_search(index_dir, "--profile", "29103")
    assert status == 0
    assert server.json("/api/communes/29103/") == expected
    assert server.json("/api/communes/Landerneau/") == expected
    code, _, body = server.get("/api/communes/Saint-Martin/")  # dozens of homonyms
    assert code == 400 and "Saint-Martin" in json.loads(body)["error"]


def test_perimeter_autocomplete(server):
    found = server.json("/api/perimeters/?q=landern")
    assert found[0]["id"] == "commune:29103" and found[0]["name"] == "Landerneau"
    assert found[0]["scale"] == "commune" and "29800" in found[0]["zipcodes"]
    assert any(p["scale"] == "epci" and "Landerneau" in p["name"] for p in found)
    assert "commune:29103" in [p["id"] for p in server.json("/api/perimeters/?q=29800")]
    assert server.json("/api/perimeters/?q=29103")[0]["id"] == "commune:29103"
    assert server.json("/api/perimeters/?q=finis")[0]["id"] == "department:29"
    assert server.json("/api/perimeters/?q=bretagne")[0]["id"] == "region:53"
    assert "adhoc:pvd" in [p["id"] for p in server.json("/api/perimeters/?q=pvd")]
    assert server.json("/api/perimeters/?q=") == []
    assert len(server.json("/api/perimeters/?q=saint&size=30")) == 30


def fold(text):
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


def test_vocabularies_with_french_labels(server):
    types = {t["id"]: t for t in server.json("/api/aids/types/")}
    assert types["grant"]["name"] == "Subvention" and types["grant"]["group"]["id"] == "financial_group"
    assert types["technical_engineering"]["group"]["id"] == "technical_group"
    assert {a["id"]: a["name"] for a in server.json("/api/aids/audiences/")}["commune"] == "Communes"
    assert [s["id"] for s in server.json("/api/aids/steps/")] == ["preop", "op", "postop"]
    assert {d["id"] for d in server.json("/api/aids/destinations/")} == {"supply", "investment"}
    taxonomy = json.loads((CORPUS / "taxonomy.json").read_text(encoding="utf-8"))
    themes = {t["id"]: t for t in server.json("/api/themes/")}
    for theme in taxonomy["themes"]:
        assert themes[theme["slug"]]["name"] == theme["name"]
        assert {c["id"]: c["name"] for c in themes[theme["slug"]]["categories"]} == {c["slug"]: c["name"] for c in theme["categories"]}


def test_programs_and_backers_counted_from_the_catalogue(server):
    published = [r for r in records() if r.get("status", "published") == "published"]
    programs = {p["id"]: p for p in server.json("/api/programs/")}
    pvd = sum("petites-villes-de-demain" in r.get("programs", []) for r in published)
    assert programs["petites-villes-de-demain"]["count"] == pvd
    assert programs["petites-villes-de-demain"]["name"] == "Petites villes de demain"
    backers = server.json("/api/backers/?q=banque")
    assert backers and all("banque" in fold(b["name"]) for b in backers)
    bdt = next(b for b in backers if b["name"] == "Banque des Territoires")
    assert bdt["count"] == sum("Banque des Territoires" in r.get("financers", []) + r.get("instructors", []) for r in published)


def test_portals(server, index_dir):
    portals = server.json("/api/portals/")
    assert portals[0]["slug"] == "petites-villes-de-demain"
    portal = server.json("/api/portals/petites-villes-de-demain/")
    assert portal["filters"]["programs"] == ["petites-villes-de-demain"] and portal["highlighted"]
    page = server.json("/api/aids/?" + query({"portal": "petites-villes-de-demain", "commune": "29103"}))
    highlighted = len(portal["highlighted"])
    assert sorted(r["id"] for r in page["results"][:highlighted]) == sorted(portal["highlighted"])
    code, headers, body = server.get("/portails/petites-villes-de-demain/")
    assert code == 200 and headers["Content-Type"].startswith("text/html")


def test_portals_are_read_once_at_start(index_dir, tmp_path):
    """A portal file changed or added after the start changes nothing; a bad one stops the start."""
    portals = tmp_path / "portals"
    portals.mkdir()
    (portals / "velo.json").write_text(json.dumps({"name": "Vélo", "filters": {"themes": ["mobilite-transports"]}}))
    s = Server(index_dir, tmp_path / "access.log", "--portals", str(portals))
    try:
        before = s.json("/api/aids/?" + query({"portal": "velo", "size": "100"}))
        assert before["count"] > 0 and [p["slug"] for p in s.json("/api/portals/")] == ["velo"]
        (portals / "velo.json").write_text("{not json")
        (portals / "autre.json").write_text(json.dumps({"name": "Autre"}))
        assert s.json("/api/aids/?" + query({"portal": "velo", "size": "100"})) == before
        assert "autre" in s.json("/api/aids/?" + query({"portal": "autre"}), expect=400)["error"]
    finally:
        assert s.stop() == 0
    done = subprocess.run([str(BIN / "aides-serve"), "--db", str(index_dir), "--listen", "127.0.0.1:0", "--portals", str(portals)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and str(portals / "velo.json") in done.stderr, done.stderr


def test_status_shape(server):
    status = server.json("/api/status/")
    assert set(status) == {"revision", "age_seconds", "aids"}
    assert status["aids"] == len(records()) and status["revision"] >= 1 and 0 <= status["age_seconds"] < 3600


def test_gzip_etag_cache_and_cors(server):
    path = "/api/aids/?" + query({"commune": "29103", "size": "50"})
    code, plain_headers, plain = server.get(path)
    assert code == 200 and plain_headers.get("Content-Encoding") is None
    code, headers, packed = server.get(path, {"Accept-Encoding": "gzip"})
    assert code == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed) == plain and len(packed) < len(plain) / 2
    etag = plain_headers["ETag"]
    assert etag.startswith('"r') and "max-age" in plain_headers["Cache-Control"]
    assert plain_headers["Access-Control-Allow-Origin"] == "*"
    code, headers, body = server.get(path, {"If-None-Match": etag})
    assert code == 304 and body == b"" and headers["ETag"] == etag
    code, headers, _ = server.get("/api/aids/?" + urlencode({"aid_type": "bogus"}))
    assert code == 400 and "ETag" not in headers
    code, headers, _ = server.get("/api/aids/", method="OPTIONS")
    assert code == 204 and "GET" in headers["Access-Control-Allow-Methods"]


def test_keep_alive_serves_several_requests_on_one_connection(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        for _ in range(3):
            conn.sendall(b"GET /api/status/ HTTP/1.1\r\nHost: t\r\n\r\n")
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(4096)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(next(l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")).split(b":")[1])
            while len(body) < length:
                body += conn.recv(4096)
            assert head.startswith(b"HTTP/1.1 200") and b"revision" in body


def test_access_log_has_one_line_per_request(server):
    server.get("/api/aids/?commune=29103&size=3&marker=access-log-check")
    server.get("/api/aids/unknown-for-the-log/")
    time.sleep(0.2)  # the line is written after the answer
    lines = server.log_path.read_text(encoding="utf-8").splitlines()
    ok = [l for l in lines if "marker=access-log-check" in l]
    assert len(ok) == 1
    parts = ok[0].split()
    assert parts[0].endswith("Z") and parts[1] == "GET" and parts[3] == "200" and parts[4].endswith("ms")
    assert any("/api/aids/unknown-for-the-log/ 404 " in l for l in lines)


def test_openapi_document_describes_every_path(server):
    schema = server.json("/api/schema/")
    assert schema["openapi"].startswith("3.") and schema["info"]["title"]
    paths = schema["paths"]
    served = ["/api/aids/", "/api/aids/{id}/", "/api/communes/{code}/", "/api/perimeters/", "/api/themes/",
              "/api/programs/", "/api/backers/", "/api/aids/audiences/", "/api/aids/types/", "/api/aids/steps/",
              "/api/aids/destinations/", "/api/schema/", "/api/status/", "/api/portals/", "/api/portals/{slug}/",
              "/api/aids/feed/"]
    assert sorted(paths) == sorted(served)
    examples = {"{id}": "pvd-001", "{code}": "29103", "{slug}": "petites-villes-de-demain"}
    for path, item in paths.items():
        operation = item["get"]
        assert operation["responses"]["200"]["description"]
        for parameter in operation.get("parameters", []):
            assert parameter["in"] in ("query", "path") and "schema" in parameter
        concrete = path
        for placeholder, value in examples.items():
            concrete = concrete.replace(placeholder, value)
        if path == "/api/aids/feed/":
            concrete += "?since=2026-01-01"  # required
        assert server.get(concrete)[0] == 200, concrete
    # Every parameter /api/aids/ reads is documented, and the contract's names are all there.
    documented = {p["name"] for p in paths["/api/aids/"]["get"]["parameters"]}
    contract = {"text", "targeted_audiences", "perimeter", "themes", "categories", "aid_type", "mobilization_step",
                "destinations", "programs", "backers", "call_for_projects_only", "apply_before", "published_after",
                "order_by", "page", "size", "commune", "today", "include_expired", "facets", "explain", "strict"}
    assert contract <= documented
    refs = json.dumps(schema)
    for name in schema["components"]["schemas"]:
        assert f"#/components/schemas/{name}" in refs


@pytest.mark.parametrize("commune", ["insee:71500", "Hesdin", "Moulins (03)", "Moulins, Allier", "cp:29200"])
def test_communes_as_people_name_them_answer_as_the_cli(server, index_dir, commune):
    # Issue 21 over HTTP: the same resolution, and the JSON says which commune was searched.
    status, expected = cli_search(index_dir, "--commune", commune, "--today", TODAY)
    assert status == 0, expected
    page = server.json("/api/aids/?" + query({"commune": commune}))
    assert page["commune"] == expected["commune"]
    assert page["results"] == expected["results"]


@pytest.mark.parametrize("commune", ["71500", "cp:71500", "cp:29800", "Moulins", "Landernau"])
def test_ambiguous_or_unknown_communes_are_400_with_the_cli_message(server, index_dir, commune):
    status, message = cli_search(index_dir, "--commune", commune, "--today", TODAY)
    assert status == 2
    code, _, body = server.get("/api/aids/?" + query({"commune": commune}))
    assert code == 400
    error = json.loads(body)["error"]
    assert commune in error
    # Both readings of five digits are named, as the CLI names them.
    if commune == "71500":
        assert "Sarry" in error and "Louhans" in error
