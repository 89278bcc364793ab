"""Communes as people name them, through the bindings: which commune a search answered for,
former names and codes, homonyms, five digits read two ways; warnings instead of silent zeros."""
import csv
from pathlib import Path

import pytest

import aides
from conftest import REPO, TODAY

PVD_LIST = REPO.parent / "shared" / "data" / "programmes" / "pvd_communes.csv"


def test_a_search_says_which_commune_it_answered_for(searcher):
    result = searcher.search(commune="Hesdin", today=TODAY)
    assert result.commune["code"] == "62447" and result.commune["name"] == "Hesdin-la-Forêt"
    assert result.commune["department"] == {"code": "62", "name": "Pas-de-Calais"}
    assert "Hesdin (62447) is part of Hesdin-la-Forêt" in result.commune["note"]
    assert result.to_dict()["commune"] == result.commune
    plain = searcher.search(commune="29103", today=TODAY)
    assert plain.commune == {"code": "29103", "name": "Landerneau", "department": {"code": "29", "name": "Finistère"}}
    assert searcher.search(perimeter="department:29", today=TODAY).commune is None


def test_resolve_reads_communes_as_people_name_them(searcher):
    geography = searcher.geography
    for written in ("Moulins (03)", "Moulins 03", "Moulins, Allier"):
        assert geography.resolve(written)["code"] == "03190"
    assert geography.resolve("93059")["code"] == "93066"
    assert "Pierrefitte-sur-Seine" in geography.resolve("93059")["note"]
    assert geography.resolve("insee:71500")["name"] == "Sarry"
    with pytest.raises(aides.UsageError, match="71500 Sarry.*Louhans-Châteaurenaud.*insee:71500 or cp:71500"):
        geography.resolve("71500")
    with pytest.raises(aides.UsageError, match="did you mean: 29103 Landerneau"):
        searcher.search(commune="Landernau", today=TODAY)
    assert searcher.profile("Hesdin").note.startswith("Hesdin (62447)")
    assert searcher.profile("29103").note == ""


def test_silent_zeros_are_said(searcher):
    with pytest.raises(aides.UsageError, match="petites-villes-de-demain"):
        searcher.search(commune="29103", programs=["pvd"], today=TODAY)
    with pytest.raises(aides.UsageError, match="urbanisme-logement-amenagement"):
        searcher.search(commune="29103", themes=["urbanisme"], today=TODAY)
    result = searcher.search(commune="29103", backers=["Banque des territoire"], today=TODAY)
    assert result.count == 0 and "banque des territoires" in result.warnings[0]
    result = searcher.search(commune="29103", page=50, today=TODAY)
    assert result.count > 0 and not result.results
    assert "page 50 is past the end" in result.warnings[0]


@pytest.mark.skipif(not PVD_LIST.is_file(), reason=f"no {PVD_LIST}: the PVD list is read from ../shared at test time")
def test_every_petite_ville_de_demain_resolves(searcher):
    geography = searcher.geography
    with open(PVD_LIST, encoding="utf-8") as f:
        towns = list(csv.DictReader(f))
    assert len(towns) == 1645
    for town in towns:
        code, name = town["insee_com"], town["lib_com"]
        assert geography.resolve("insee:" + code)["code"] == code
        try:
            found = geography.resolve(name)
        except aides.UsageError as error:
            assert "ambiguous" in str(error)
            department = geography.profile(code).department.code
            found = geography.resolve(f"{name} ({department})")
        assert found["code"] == code, (town, found)
