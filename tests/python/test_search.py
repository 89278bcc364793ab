"""Every search option of aides.Searcher.search, checked against the sample catalogue itself."""
import datetime
import json

import pytest

import aides
from conftest import CORPUS, LANDERNEAU, TODAY

ALL = 1000  # one page holds every result of the sample


def taxonomy():
    with open(CORPUS / "taxonomy.json", encoding="utf-8") as f:
        return {t["slug"]: {c["slug"] for c in t["categories"]} for t in json.load(f)["themes"]}


def is_open(record, today=TODAY):
    deadline = record.get("submission_deadline")
    return deadline is None or deadline >= today.isoformat() or record.get("recurrence") == "ongoing"


def expected(records, keep, today=TODAY, include_expired=False):
    """Ids of the published aids `keep` accepts, open on `today`; a local variant is left out
    when its generic aid is in (no commune or perimeter searched: the contract's rule)."""
    ids = {i for i, r in records.items()
           if r.get("status", "published") == "published" and (include_expired or is_open(r, today)) and keep(r)}
    return {i for i in ids if str(records[i].get("generic_aid")) not in ids}


def ids(searcher, **kwargs):
    """The aids matching every word (strict: the partial matches that follow them have their
    own test)."""
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("strict", True)
    result = searcher.search(size=ALL, **kwargs)
    assert result.count == len(result.results), "one page holds every result"
    return set(result.ids)


@pytest.mark.parametrize("field,values,keep", [
    ("audiences", ["association"], lambda r: "association" in r.get("targeted_audiences", [])),
    ("aid_types", ["loan", "cee"], lambda r: {"loan", "cee"} & set(r.get("aid_types", []))),
    ("aid_types", ["technical_group"],
     lambda r: {"technical_engineering", "financial_engineering", "legal_engineering"} & set(r.get("aid_types", []))),
    ("steps", ["preop"], lambda r: "preop" in r.get("mobilization_steps", [])),
    ("destinations", ["supply"], lambda r: "supply" in r.get("destinations", [])),
    ("programs", ["petites-villes-de-demain"], lambda r: "petites-villes-de-demain" in r.get("programs", [])),
    ("categories", ["mobilite-douce"], lambda r: "mobilite-douce" in r.get("categories", [])),
    ("recurrences", ["ongoing"], lambda r: r.get("recurrence") == "ongoing"),
    ("backers", ["banque des territoires"],
     lambda r: "Banque des Territoires" in r.get("financers", []) + r.get("instructors", [])),
])
def test_list_filters_match_the_catalogue(searcher, records, field, values, keep):
    found = ids(searcher, **{field: values})
    assert found and found == expected(records, keep)


def test_theme_matches_any_of_its_categories(searcher, records):
    categories = taxonomy()["mobilite-transports"]
    found = ids(searcher, themes=["mobilite-transports"])
    assert found == expected(records, lambda r: categories & set(r.get("categories", [])))
    assert len(found) > len(ids(searcher, categories=["mobilite-douce"]))


def test_values_of_one_filter_are_ored_and_filters_anded(searcher):
    loan, grant = ids(searcher, aid_types="loan"), ids(searcher, aid_types="grant")
    assert ids(searcher, aid_types=["loan", "grant"]) == loan | grant
    association = ids(searcher, audiences="association")
    assert ids(searcher, aid_types="grant", audiences="association") == grant & association


def test_one_string_is_one_value(searcher):
    assert ids(searcher, programs="fonds-vert") == ids(searcher, programs=["fonds-vert"])
    assert ids(searcher, programs=("fonds-vert",)) == ids(searcher, programs=["fonds-vert"])


def test_labels_and_dash_spellings_are_accepted(searcher):
    assert ids(searcher, aid_types=["Subvention"]) == ids(searcher, aid_types=["grant"])
    assert ids(searcher, aid_types=["technical-engineering"]) == ids(searcher, aid_types=["technical_engineering"])


def test_flags(searcher, records):
    assert ids(searcher, call_for_projects=True) == expected(records, lambda r: r.get("is_call_for_project"))
    assert ids(searcher, is_charged=True) == expected(records, lambda r: r.get("is_charged"))
    assert ids(searcher, is_charged=False) == expected(records, lambda r: not r.get("is_charged"))
    assert ids(searcher, is_charged=None) == expected(records, lambda r: True)


def test_today_and_include_expired(searcher, records):
    later = datetime.date(2027, 1, 15)
    assert ids(searcher) == expected(records, lambda r: True)
    assert ids(searcher, today=later) == expected(records, lambda r: True, today=later)
    assert ids(searcher, today=later) < ids(searcher)
    assert ids(searcher, include_expired=True) == expected(records, lambda r: True, include_expired=True)


def test_dates_as_date_datetime_or_string(searcher, records):
    by_date = ids(searcher, apply_before=datetime.date(2026, 12, 31))
    assert by_date == ids(searcher, apply_before="2026-12-31")
    assert by_date == ids(searcher, apply_before=datetime.datetime(2026, 12, 31, 18, 30))
    assert by_date == expected(records, lambda r: r.get("submission_deadline") and r["submission_deadline"] <= "2026-12-31")
    assert ids(searcher, published_after="2026-09-01") == expected(
        records, lambda r: r.get("date_published", "")[:10] >= "2026-09-01")
    assert ids(searcher, today="2026-06-15") == ids(searcher, today=TODAY)


def test_commune_gives_aids_of_its_perimeters_for_communes(searcher):
    result = searcher.search(commune=LANDERNEAU, today=TODAY, size=ALL)
    perimeters = set(searcher.profile(LANDERNEAU).perimeters)
    assert result.count > 20
    for hit in result:
        assert hit.perimeter in perimeters, hit
        assert "commune" in hit.targeted_audiences, hit
    scales = {hit.perimeter.split(":")[0] for hit in result}
    assert {"commune", "epci", "department", "region", "adhoc", "country", "continent"} <= scales
    by_name = searcher.search(commune="Landerneau", today=TODAY, size=ALL)
    assert by_name.to_dict() == result.to_dict()
    # An explicit audience replaces the implied one.
    assert {"epci"} <= set(searcher.search(commune=LANDERNEAU, audiences="epci", today=TODAY).results[0].targeted_audiences)


def test_perimeter_gives_wider_narrower_and_overlapping_aids(searcher):
    geography = searcher.geography
    result = searcher.search(perimeter="department:29", today=TODAY, size=ALL)
    assert result.count > 0
    pvd = geography.adhoc_overlapping("department:29")
    assert pvd == ["adhoc:pvd"]
    for hit in result:
        p = hit.perimeter
        assert geography.contains(p, "department:29") or geography.contains("department:29", p) or p in pvd, hit
    assert any(hit.perimeter == f"commune:{LANDERNEAU}" for hit in result)  # narrower
    assert any(hit.perimeter == "region:53" for hit in result)  # wider
    assert not any(hit.perimeter == "department:35" for hit in result)  # beside


def test_order(searcher):
    by_deadline = searcher.search(order="deadline", today=TODAY, size=ALL).results
    deadlines = [hit.submission_deadline for hit in by_deadline]
    dated = [d for d in deadlines if d]
    assert dated == sorted(dated) and deadlines == dated + [None] * (len(deadlines) - len(dated))
    published = [hit.date_published[:10] for hit in searcher.search(order="published", today=TODAY, size=ALL)]
    assert published == sorted(published, reverse=True)
    scores = [hit.score for hit in searcher.search("rénovation énergétique", today=TODAY, size=ALL)]
    assert scores and scores == sorted(scores, reverse=True) and 0 < scores[-1] <= scores[0] <= 1


def test_pages(searcher):
    everything = searcher.search(commune=LANDERNEAU, today=TODAY, size=ALL)
    pages = [searcher.search(commune=LANDERNEAU, today=TODAY, page=p, size=7) for p in range(1, 5)]
    assert all(page.count == everything.count and page.size == 7 for page in pages)
    assert [p.page for p in pages] == [1, 2, 3, 4]
    assert sum((p.ids for p in pages), []) == everything.ids[:28]
    assert len(searcher.search(today=TODAY)) == 20  # default size


def test_facets(searcher):
    plain = searcher.search(commune=LANDERNEAU, today=TODAY, size=ALL)
    assert plain.facets is None and "facets" not in plain.to_dict()
    result = searcher.search(commune=LANDERNEAU, today=TODAY, size=ALL, facets=True)
    facets = result.facets
    assert {"themes", "aid_types", "targeted_audiences", "programs", "backers"} <= set(facets)
    grants = sum(1 for hit in result if "grant" in hit.aid_types)
    assert facets["aid_types"]["grant"] == grants
    pvd = sum(1 for hit in result if "petites-villes-de-demain" in hit.programs)
    assert facets["programs"]["petites-villes-de-demain"] == pvd


def test_without_snippets_only_the_extracts_go(searcher):
    full = searcher.search("vélo, friche", commune=LANDERNEAU, today=TODAY, facets=True)
    bare = searcher.search("vélo, friche", commune=LANDERNEAU, today=TODAY, facets=True, snippets=False)
    assert full.results and bare.ids == full.ids and bare.count == full.count and bare.facets == full.facets
    assert [h.score for h in bare] == [h.score for h in full]
    assert all(h.snippet for h in full) and not any(h.snippet for h in bare)


def test_explain(searcher):
    plain = searcher.search("vélo", commune=LANDERNEAU, today=TODAY)
    assert plain.results and all(hit.why is None for hit in plain)
    result = searcher.search("vélo", commune=LANDERNEAU, today=TODAY, explain=True)
    assert result.ids == plain.ids
    for hit in result:
        assert isinstance(hit.why, aides.Explanation)
        assert hit.why.perimeter.startswith(hit.perimeter)
        assert "audience:commune" in hit.why.filters
        assert hit.why.matched, hit


def test_text_phrase_or_groups_exclusion(searcher):
    velo = ids(searcher, text="vélo")
    friche = ids(searcher, text="friche")
    assert velo and friche
    assert ids(searcher, text="vélo, friche") == velo | friche
    assert ids(searcher, text="velo") == velo  # accents
    without = ids(searcher, text="vélo -gare")
    assert without < velo
    phrase = ids(searcher, text='"voie verte"')
    assert phrase and phrase <= ids(searcher, text="voie verte")


def test_relaxed_missing_suggestion_ignored(searcher):
    relaxed = searcher.search("rénovation xylophone", today=TODAY, strict=True)
    assert relaxed.relaxed and relaxed.missing == ["xylophone"] and relaxed.count > 0
    assert not searcher.search("rénovation", today=TODAY).relaxed
    assert searcher.search("renovaton", today=TODAY).suggestion == "renovation"
    stop = searcher.search("le la des", today=TODAY)
    assert stop.count == 0 and stop.ignored == ["le", "la", "des"]


def test_like(searcher, records):
    result = searcher.search(like="pvd-155", today=TODAY)
    assert result.count > 0 and "pvd-155" not in result.ids
    assert result.results[0].score > 0
    assert searcher.search(like="pvd-155", today=TODAY).ids == result.ids


def test_portal_file(searcher, tmp_path):
    portal = tmp_path / "portal.json"
    portal.write_text(json.dumps({"filters": {"programs": ["petites-villes-de-demain"]},
                                  "highlighted": ["pvd-151"], "excluded": ["pvd-001"]}))
    result = searcher.search(commune=LANDERNEAU, today=TODAY, size=ALL, portal=portal)
    assert result.count > 0
    assert all("petites-villes-de-demain" in hit.programs for hit in result)
    assert "pvd-001" not in result.ids
    assert result.ids[0] == "pvd-151"
    assert searcher.search(commune=LANDERNEAU, today=TODAY, size=ALL, portal=str(portal)).ids == result.ids
    # Loaded once, then shared by the searches: the same answer, and a file changed afterwards
    # does not change the loaded portal.
    loaded = aides.Portal.load(portal)
    assert loaded.programs == ["petites-villes-de-demain"] and loaded.excluded == ["pvd-001"]
    portal.write_text("{not json")
    assert searcher.search(commune=LANDERNEAU, today=TODAY, size=ALL, portal=loaded).ids == result.ids
    with pytest.raises(aides.UsageError, match=str(portal)):
        aides.Portal.load(portal)


def test_hits_are_dataclass_like(searcher, records):
    hit = searcher.search("voie verte Élorn", commune=LANDERNEAU, today=TODAY).results[0]
    record = records[hit.id]
    assert hit.name == record["name"] and hit.slug == record["slug"]
    assert hit.perimeter == record["perimeter"] and hit.perimeter_name == "Landerneau"
    assert hit.submission_deadline == record["submission_deadline"]
    assert hit.aid_types == record["aid_types"] and hit.financers == record["financers"]
    assert hit.instructors == record.get("instructors", []) and hit.loan_amount is None
    assert hit.aid["id"] == hit.id and "score" not in hit.aid and "snippet" not in hit.aid
    assert hit.to_dict()["score"] == hit.score and hit.get("perimeter_name") == "Landerneau"
    assert "<mark>" in hit.snippet
    with pytest.raises(AttributeError):
        hit.no_such_field
    hit.to_dict()["name"] = "changed"
    assert hit.name == record["name"]  # to_dict() is a copy


def test_result_object(searcher):
    result = searcher.search(commune=LANDERNEAU, today=TODAY, size=5)
    data = result.to_dict()
    assert data == json.loads(result.to_json())
    assert data["count"] == result.count and data["page"] == 1 and data["size"] == 5
    assert [h["id"] for h in data["results"]] == result.ids == [h.id for h in result]
    assert len(result) == 5 and result[0].id == result.ids[0]
    assert "SearchResult" in repr(result)


def test_profile_and_geography(searcher):
    profile = searcher.profile(LANDERNEAU)
    assert (profile.code, profile.name, profile.zone) == (LANDERNEAU, "Landerneau", "mainland")
    assert profile.department == aides.Place("29", "Finistère") and profile.region.name == "Bretagne"
    assert profile.epci.code == "242900801" and "adhoc:pvd" in profile.perimeters
    assert profile.to_dict()["perimeters"] == profile.perimeters
    assert searcher.profile("Landerneau") == profile
    geography = searcher.geography
    assert searcher.resolve_commune("Landerneau") == geography.resolve_commune(LANDERNEAU) == LANDERNEAU
    assert searcher.find_communes("landerneau") == [LANDERNEAU]
    assert LANDERNEAU in geography.find_communes("29800") and len(geography.find_communes("29800")) > 1
    with pytest.raises(aides.UsageError, match="ambiguous"):
        geography.resolve_commune("29800")  # a postcode shared by several communes
    assert searcher.perimeters_of_commune(LANDERNEAU) == profile.perimeters
    assert geography.profile(LANDERNEAU) == profile and geography.profile("00000") is None
    assert geography.name_of("department:29") == "Finistère"
    assert geography.find_by_name("department", "finistere") == "department:29"
    assert geography.knows("region:53") and not geography.knows("region:99")
    assert geography.adhoc_names() == ["pvd"] and LANDERNEAU in geography.adhoc_members("pvd")
    assert "region:53" in geography.ancestors("department:29")
    assert len(geography) > 30000 and LANDERNEAU in geography.commune_codes()


def test_get_and_len(searcher, records):
    assert len(searcher) == len(records)
    assert searcher.get("pvd-001")["name"] == records["pvd-001"]["name"]
    drafts = [i for i, r in records.items() if r.get("status") == "draft"]
    assert drafts and searcher.get(drafts[0])["status"] == "draft"
    assert searcher.get("no-such-aid") is None


def test_partial_matches_follow_the_full_ones(searcher):
    # No aid has both words: the page holds the aids with one of them, each saying which it lacks.
    result = searcher.search("vélo piscine", today=TODAY, include_expired=True)
    assert result.count == 0 and result.relaxed
    assert len(result) > 0 and result.partial_count == len(result)
    for hit in result:
        assert hit.partial and len(hit.missing) == 1 and hit.missing[0] in ("vélo", "piscine")
        assert "partial" not in hit.aid and "missing" not in hit.aid
    assert result.to_dict()["results"][0]["partial"] is True
    # Full matches first, then partial ones; strict keeps only the full ones.
    mixed = searcher.search("rénovation énergétique écoles", today=TODAY, include_expired=True, size=40)
    assert 0 < mixed.count < len(mixed)
    assert [hit.partial for hit in mixed] == [False] * mixed.count + [True] * (len(mixed) - mixed.count)
    strict = searcher.search("rénovation énergétique écoles", today=TODAY, include_expired=True, size=40, strict=True)
    assert strict.count == mixed.count and not any(hit.partial for hit in strict) and strict.partial_count == 0
    assert strict.ids == mixed.ids[:mixed.count]
    # A number alone is never the reason an aid is shown.
    assert len(searcher.search("xylophone 2027", today=TODAY, include_expired=True)) == 0
