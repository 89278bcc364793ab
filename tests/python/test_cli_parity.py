"""The JSON of a Python search equals the JSON of aides-search for the same request."""
import json

import pytest

from conftest import LANDERNEAU, TODAY

T = ["--today", TODAY.isoformat()]

# (keyword arguments of Searcher.search, aides-search arguments)
CASES = [
    (dict(commune=LANDERNEAU), ["--commune", LANDERNEAU]),
    (dict(text="rénovation énergétique bâtiments", commune="Landerneau", facets=True, explain=True),
     ["--commune", "Landerneau", "--facets", "--explain", "rénovation", "énergétique", "bâtiments"]),
    (dict(perimeter="department:29", themes=["mobilite-transports"], aid_types=["financial_group"], facets=True),
     ["--perimeter", "department:29", "--theme", "mobilite-transports", "--aid-type", "financial_group", "--facets"]),
    (dict(text='"centre-bourg", friche -commerce', commune=LANDERNEAU, explain=True),
     ["--commune", LANDERNEAU, "--explain", '"centre-bourg", friche -commerce']),
    (dict(commune=LANDERNEAU, order="deadline", apply_before="2027-03-31", page=2, size=5),
     ["--commune", LANDERNEAU, "--order", "deadline", "--apply-before", "2027-03-31", "--page", "2", "--size", "5"]),
    (dict(perimeter="region:53", order="published", published_after="2025-06-01", include_expired=True),
     ["--perimeter", "region:53", "--order", "published", "--published-after", "2025-06-01", "--include-expired"]),
    (dict(audiences=["association", "epci"], steps="preop", destinations=["supply"], recurrences=["ongoing"]),
     ["--audience", "association", "--audience", "epci", "--step", "preop", "--destination", "supply",
      "--recurrence", "ongoing"]),
    (dict(programs="petites-villes-de-demain", backers=["Banque des Territoires"], categories=["etudes-diagnostics"]),
     ["--program", "petites-villes-de-demain", "--backer", "Banque des Territoires", "--category", "etudes-diagnostics"]),
    (dict(call_for_projects=True, is_charged=False, facets=True), ["--call-for-projects", "--charged", "no", "--facets"]),
    (dict(is_charged=True), ["--charged", "yes"]),
    (dict(like="pvd-155", commune=LANDERNEAU), ["--like", "pvd-155", "--commune", LANDERNEAU]),
    (dict(text="rénovation xylophone"), ["rénovation", "xylophone"]),
    (dict(text="renovaton"), ["renovaton"]),
    (dict(text="vélo", commune=LANDERNEAU, snippets=False), ["--commune", LANDERNEAU, "--no-snippets", "vélo"]),
    (dict(text="le la des"), ["le", "la", "des"]),
]


@pytest.mark.parametrize("kwargs,argv", CASES, ids=[" ".join(argv)[:60] for _, argv in CASES])
def test_search_json_equals_cli_json(searcher, cli, kwargs, argv):
    status, out, err = cli(*T, "--format", "json", *argv)
    assert status == 0, err
    assert searcher.search(today=TODAY, **kwargs).to_dict() == json.loads(out)


def test_portal_json_equals_cli_json(searcher, cli, tmp_path):
    portal = tmp_path / "portal.json"
    portal.write_text(json.dumps({"filters": {"programs": ["petites-villes-de-demain"]},
                                  "highlighted": ["pvd-151"], "excluded": ["pvd-001"]}))
    status, out, err = cli(*T, "--format", "json", "--commune", LANDERNEAU, "--portal", str(portal))
    assert status == 0, err
    assert searcher.search(commune=LANDERNEAU, today=TODAY, portal=portal).to_dict() == json.loads(out)


def test_raw_json_is_the_cli_output(searcher, cli):
    status, out, _ = cli(*T, "--format", "json", "--commune", LANDERNEAU, "--facets")
    assert status == 0
    assert searcher.search(commune=LANDERNEAU, today=TODAY, facets=True).to_json() + "\n" == out


@pytest.mark.parametrize("commune", [LANDERNEAU, "Landerneau", "2A004", "insee:97411", "Hesdin"])
def test_profile_json_equals_cli_json(searcher, cli, commune):
    status, out, err = cli("--profile", commune, "--format", "json")
    assert status == 0, err
    assert searcher.profile(commune).to_dict() == json.loads(out)


def test_hits_equal_cli_jsonl(searcher, cli):
    status, out, _ = cli(*T, "--format", "jsonl", "--commune", LANDERNEAU, "--size", "10")
    assert status == 0
    lines = [json.loads(line) for line in out.splitlines()]
    hits = [hit.to_dict() for hit in searcher.search(commune=LANDERNEAU, today=TODAY, size=10)]
    # Each line is the hit as Python has it, its perimeter's name included.
    assert hits == lines and all(line["perimeter_name"] for line in lines)


@pytest.mark.parametrize("kwargs,argv", [
    (dict(commune="99999"), ["--commune", "99999"]),
    (dict(aid_types=["bribe"]), ["--aid-type", "bribe"]),
    (dict(today="2026-13-01"), ["--today", "2026-13-01"]),
])
def test_usage_errors_match_exit_code_2(searcher, cli, kwargs, argv):
    import aides
    status, _, err = cli(*argv)
    assert status == 2
    with pytest.raises(aides.UsageError) as caught:
        searcher.search(**kwargs)
    assert str(caught.value) in err
