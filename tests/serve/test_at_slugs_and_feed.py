"""Aides-territoires' own theme and category slugs, at the CLI and the API, and the Atom alert
feed /api/aids/feed/, checked against an independent reading of corpus/aides.jsonl."""
import json
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest

from conftest import CORPUS, TODAY, cli_search, records

ATOM = "{http://www.w3.org/2005/Atom}"

# (Aides-territoires slug, the project's slug) for themes and categories.
THEMES = [("energies-dechets", "energies-dechets-climat"), ("eau", "eau-milieux-aquatiques"),
          ("solidarites-lien-social", "solidarites-sante-social")]
CATEGORIES = [("espace-public", "espaces-publics"), ("mobilite-pour-tous", "mobilites-partagees"),
              ("revitalisation", "revitalisation-centre-bourg"), ("transition-energetique", "energies-renouvelables")]


@pytest.mark.parametrize("at_slug,own_slug", THEMES + CATEGORIES, ids=[a for a, _ in THEMES + CATEGORIES])
def test_cli_and_api_accept_aides_territoires_slugs(server, index_dir, at_slug, own_slug):
    option, parameter = ("--theme", "themes") if (at_slug, own_slug) in THEMES else ("--category", "categories")
    common = ["--today", TODAY, "--include-expired", "--size", "100"]
    status, own = cli_search(index_dir, option, own_slug, *common)
    assert status == 0, own
    assert own["count"] > 0, f"{own_slug} finds nothing in the sample catalogue: the check would prove nothing"
    status, aliased = cli_search(index_dir, option, at_slug, *common)
    assert status == 0, aliased
    assert aliased == own
    page = server.json("/api/aids/?" + urlencode([(parameter, at_slug), ("today", TODAY),
                                                   ("include_expired", "true"), ("size", "100")]))
    assert page["results"] == own["results"] and page["count"] == own["count"]


def test_unknown_slug_is_still_refused(server):
    status, _, body = server.get("/api/aids/?categories=pas-une-categorie")
    assert status == 400 and b"pas-une-categorie" in body


# --- the alert feed --------------------------------------------------------------------------

def changed_day(record):
    """The later of date_published and date_updated, by day ('' when neither)."""
    return max((record.get("date_published") or "")[:10], (record.get("date_updated") or "")[:10])


def search_oracle(matches):
    """Ids of the published records a search with no place finds, `matches` being its filters:
    a local variant (generic_aid) is left out when its generic aid is found too."""
    found = {r["id"]: r for r in records() if r.get("status", "published") == "published" and matches(r)}
    return {i: r for i, r in found.items() if r.get("generic_aid") not in found}


def theme_of_category():
    taxonomy = json.loads((CORPUS / "taxonomy.json").read_text(encoding="utf-8"))
    return {c["slug"]: t["slug"] for t in taxonomy["themes"] for c in t["categories"]}


def feed(server, params):
    status, headers, body = server.get("/api/aids/feed/?" + urlencode(params))
    assert status == 200, body[:300]
    assert headers["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(body)  # well-formed XML, or this raises
    assert root.tag == ATOM + "feed"
    return root


def entries(root):
    out = []
    for entry in root.findall(ATOM + "entry"):
        out.append({"id": entry.findtext(ATOM + "id"), "title": entry.findtext(ATOM + "title"),
                    "updated": entry.findtext(ATOM + "updated"), "summary": entry.findtext(ATOM + "summary"),
                    "link": entry.find(ATOM + "link").get("href")})
    return out


@pytest.mark.parametrize("since", ["2026-05-01", "2026-09-01", "2030-01-01"])
def test_feed_holds_the_aids_changed_since_the_date_newest_first(server, since):
    root = feed(server, [("since", since), ("include_expired", "true"), ("today", TODAY)])
    for name in ("id", "title", "updated"):
        assert root.findtext(ATOM + name), name
    got = entries(root)
    # The oracle: the aids of the search (every published one) changed on or after the date.
    by_id = {i: r for i, r in search_oracle(lambda r: True).items() if changed_day(r) >= since}
    assert len(by_id) <= 100, "the oracle assumes the whole answer fits in one feed"
    assert sorted(e["id"] for e in got) == sorted(f"tag:aides-serve,2026:aid/{i}" for i in by_id)
    if since == "2030-01-01":
        assert got == []
    else:
        assert got, "no entry: the check would prove nothing"
    days = [e["updated"] for e in got]
    assert days == sorted(days, reverse=True), "newest first"
    for entry in got:
        record = by_id[entry["id"].rsplit("/", 1)[1]]
        assert entry["title"] == record["name"]  # unescaped back to the record's text by the parser
        assert entry["updated"] == changed_day(record) + "T00:00:00Z"
        assert entry["link"] == record["url"]
        assert entry["summary"] and "<" not in entry["summary"]


def test_feed_follows_the_search_filters(server):
    since = "2026-03-01"
    theme = "energies-dechets"  # an Aides-territoires slug, as a portal's saved search holds it
    got = entries(feed(server, [("since", since), ("themes", theme), ("include_expired", "true"), ("today", TODAY)]))
    category_theme = theme_of_category()
    of_theme = search_oracle(lambda r: any(category_theme.get(c) == "energies-dechets-climat"
                                           for c in r.get("categories", [])))
    expected = {i for i, r in of_theme.items() if changed_day(r) >= since}
    assert expected, "no aid of that theme changed since the date: the check would prove nothing"
    assert {e["id"].rsplit("/", 1)[1] for e in got} == expected
    # size bounds the entries, keeping the newest.
    all_days = [e["updated"] for e in got]
    two = entries(feed(server, [("since", since), ("themes", theme), ("include_expired", "true"),
                                ("today", TODAY), ("size", "2")]))
    assert [e["updated"] for e in two] == all_days[:2]


def test_feed_ids_are_stable_and_text_is_escaped(server):
    params = [("since", "2026-01-01"), ("text", "eau & <assainissement>"), ("include_expired", "true"), ("today", TODAY)]
    first = feed(server, params)
    second = feed(server, params)
    assert first.findtext(ATOM + "id") == second.findtext(ATOM + "id")
    assert first.findtext(ATOM + "id").startswith("tag:aides-serve,2026:")
    assert [e["id"] for e in entries(first)] == [e["id"] for e in entries(second)]
    self_link = [link.get("href") for link in first.findall(ATOM + "link") if link.get("rel") == "self"]
    assert len(self_link) == 1 and "%26" in self_link[0] and "%3C" in self_link[0]


@pytest.mark.parametrize("query,value", [("", "since"), ("since=2026-02-30", "2026-02-30"),
                                         ("since=demain", "demain"), ("since=2026-01-01&themes=inconnu", "inconnu")])
def test_feed_errors_are_400_naming_the_value(server, query, value):
    status, _, body = server.get("/api/aids/feed/?" + query)
    assert status == 400, body[:200]
    assert value in json.loads(body)["error"]
