"""Building and updating an index from Python: records as dicts or JSON, files, delete, sync."""
import datetime
import json
import pathlib

import pytest

import aides
from conftest import CORPUS, LANDERNEAU, PVD, TODAY


def aid(id, name="Aide au vélo", **fields):
    record = {"id": id, "name": name, "perimeter": "department:29", "targeted_audiences": ["commune"],
              "aid_types": ["grant"], "categories": ["mobilite-douce"], "recurrence": "ongoing"}
    record.update(fields)
    return record


def test_session_index_holds_the_catalogue(index_dir, records):
    with aides.Index.open(index_dir) as index:
        assert len(index) == len(records) == 178
        assert index.ids() == sorted(records)
        assert "pvd-001" in index and "nope" not in index


def test_ingest_reports(fresh_index):
    report = fresh_index.ingest([CORPUS / "aides.jsonl"])
    assert (report.read, report.indexed, report.rejected, report.committed) == (178, 178, 0, True)
    assert report.errors == [] and "IngestReport" in repr(report)
    assert len(fresh_index) == 178


def test_index_dicts_and_json_strings(fresh_index, index_dir):
    report = fresh_index.index([aid("py-1", "Pistes cyclables du Léon"),
                                json.dumps(aid(112, "Abris à vélos sécurisés")),
                                aid("py-3", "Stationnement vélo", start_date=datetime.date(2026, 1, 1))])
    assert (report.read, report.indexed, report.committed) == (3, 3, True)
    assert fresh_index.ids() == ["112", "py-1", "py-3"]
    searcher = aides.Searcher(fresh_index.path)
    result = searcher.search("pistes cyclables", commune=LANDERNEAU, today=TODAY)
    assert result.ids == ["py-1"]
    assert searcher.get(112)["name"] == "Abris à vélos sécurisés"
    assert searcher.get("py-3")["start_date"] == "2026-01-01"
    # The same id, given as an integer or a string, replaces the aid.
    fresh_index.index([aid("112", "Consignes à vélos")])
    assert len(fresh_index) == 3
    assert aides.Searcher(fresh_index.path).get(112)["name"] == "Consignes à vélos"


def test_records_are_normalised_like_files(fresh_index):
    fresh_index.index([aid("lab-1", aid_types=["Subvention"], targeted_audiences=["Communes"], recurrence="Permanente")])
    record = aides.Searcher(fresh_index.path).get("lab-1")
    assert record["aid_types"] == ["grant"] and record["targeted_audiences"] == ["commune"]
    assert record["recurrence"] == "ongoing"


def test_delete_and_sync(fresh_index, tmp_path):
    fresh_index.index([aid("a"), aid("b"), aid("c")])
    with pytest.warns(UserWarning, match="1 id\\(s\\) not in the index: zzz"):
        assert fresh_index.delete(["a", "zzz"]) == 1
    assert fresh_index.delete("b") == 1
    assert fresh_index.ids() == ["c"]
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(json.dumps(aid(i)) for i in ["d", "e"]) + "\n", encoding="utf-8")
    # Removing the only aid is 100 % of the index: refused unless the limit allows it.
    with pytest.raises(aides.DataError, match="would remove 1 of 1 aids"):
        fresh_index.sync(dump)
    assert fresh_index.ids() == ["c"]
    report = fresh_index.sync(dump, max_removals="100%")
    assert (report.indexed, report.deleted, report.committed) == (2, 1, True)
    assert (report.added_ids, report.removed_ids) == (["d", "e"], ["c"])
    assert fresh_index.ids() == ["d", "e"]


def _catalogue(index, count=30):
    index.index([aid(f"s-{i}", f"Aide numéro {i}") for i in range(count)])
    return index.ids()


@pytest.mark.parametrize("content", ["", "\n\n", "[]", "{\"id\": \"s-1\"}\n", "{\"id\": \"s-1\", \"name\": "])
def test_sync_never_empties_the_index(fresh_index, tmp_path, content):
    # Empty, blank, an empty array, no valid record, cut short: refused whatever skip_invalid says.
    ids = _catalogue(fresh_index)
    dump = tmp_path / "dump.jsonl"
    dump.write_text(content, encoding="utf-8")
    with pytest.raises(aides.DataError, match="refused: ") as raised:
        fresh_index.sync(dump, skip_invalid=True)
    assert raised.value.report.committed is False
    assert fresh_index.ids() == ids


def test_sync_of_a_missing_file_or_another_feed_is_refused(fresh_index, tmp_path):
    ids = _catalogue(fresh_index)
    with pytest.raises(aides.DataError, match="cannot open"):
        fresh_index.sync(tmp_path / "nope.jsonl", skip_invalid=True)
    other = tmp_path / "other.jsonl"
    other.write_text("".join(json.dumps(aid(f"o-{i}")) + "\n" for i in range(5)), encoding="utf-8")
    with pytest.raises(aides.DataError, match="would remove 30 of 30 aids"):
        fresh_index.sync(other)
    assert fresh_index.ids() == ids
    # A dry run reports what would change and writes nothing, whatever the limit.
    report = fresh_index.sync(other, dry_run=True, max_removals=100)
    assert (len(report.added_ids), len(report.removed_ids), report.committed) == (5, 30, False)
    assert fresh_index.ids() == ids
    with pytest.raises(aides.UsageError, match="bad --max-removals"):
        fresh_index.sync(other, max_removals="lots")


def test_ingest_takes_every_format_of_the_cli(fresh_index, tmp_path):
    csv = tmp_path / "export.csv"
    csv.write_text("Nom,Lien,Bénéficiaire,Types d'aides\n"
                   "Voirie,https://aides-territoires.beta.gouv.fr/aides/v1-voirie/,Communes,Subvention\n", encoding="utf-8")
    report = fresh_index.ingest(csv, format="at-csv")
    assert (report.read, report.valid, report.committed) == (1, 1, True)
    assert [c.kind for c in report.concerns] == ["national-by-default"]
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"count": 1, "next": None, "previous": None,
                                "results": [{"id": 9, "name": "Aide API", "targeted_audiences": ["Communes"]}]}), encoding="utf-8")
    assert fresh_index.ingest(page, format="at-api").valid == 1
    assert sorted(fresh_index.ids()) == ["9", "v1-voirie"]
    with pytest.raises(aides.UsageError, match="at-csv"):
        fresh_index.ingest(csv, format="csv")


def test_a_missing_input_fails_even_with_skip_invalid(fresh_index, tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(aid("g-1")) + "\n", encoding="utf-8")
    with pytest.raises(aides.DataError, match="cannot be read whole"):
        fresh_index.ingest([good, tmp_path / "missing.jsonl"], skip_invalid=True)
    assert len(fresh_index) == 0


def test_compact_keeps_the_aids_in_less_room(fresh_index):
    fresh_index.ingest([CORPUS / "aides.jsonl"])
    path = fresh_index.path
    searcher = aides.Searcher(path)
    before = searcher.search("rénovation", commune=LANDERNEAU, today=TODAY)
    size = sum(f.stat().st_size for f in pathlib.Path(path).iterdir())
    fresh_index.compact()
    assert sum(f.stat().st_size for f in pathlib.Path(path).iterdir()) < size
    assert sorted(p.name for p in pathlib.Path(path).parent.iterdir() if "compacting" in p.name) == []
    after = aides.Searcher(path).search("rénovation", commune=LANDERNEAU, today=TODAY)
    assert after.ids == before.ids and after.count == before.count > 0
    fresh_index.index([aid("after-compact")])
    assert "after-compact" in fresh_index and len(fresh_index) == 179


def test_skip_invalid_and_check(fresh_index, tmp_path):
    lines = [json.dumps(aid("ok-1")), json.dumps(aid("bad-2", aid_types=["bribe"])), json.dumps(aid("ok-3"))]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    checked = fresh_index.ingest(path, check=True)
    assert (checked.valid, checked.indexed, checked.rejected, checked.committed) == (2, 0, 1, False)
    assert len(fresh_index) == 0
    report = fresh_index.ingest(str(path), skip_invalid=True)
    assert (report.indexed, report.rejected, report.committed) == (2, 1, True)
    issue = report.errors[0]
    assert (issue.source, issue.line, issue.field) == (str(path), 2, "aid_types")
    assert "bribe" in issue.message and str(issue).startswith(f"{path}:2: aid_types: ")
    assert fresh_index.ids() == ["ok-1", "ok-3"]


def test_json_array_and_several_files(fresh_index, tmp_path):
    array = tmp_path / "array.json"
    array.write_text(json.dumps([aid("arr-1"), aid("arr-2")]), encoding="utf-8")
    lines = tmp_path / "lines.jsonl"
    lines.write_text(json.dumps(aid("line-1")) + "\n", encoding="utf-8")
    fresh_index.ingest([array, lines])
    assert fresh_index.ids() == ["arr-1", "arr-2", "line-1"]
    with pytest.raises(aides.DataError):
        fresh_index.ingest(array, format="jsonl")


def test_adhoc_lists_are_stored(tmp_path, geography_file):
    custom = tmp_path / "bourgs.txt"
    custom.write_text("# deux communes\n29103\n29043\n", encoding="utf-8")
    path = tmp_path / "idx"
    with aides.Index.open(path, geography=geography_file, adhoc={"pvd": PVD, "bourgs": custom}) as index:
        index.index([aid("bourg-1", perimeter="adhoc:bourgs")])
    searcher = aides.Searcher(path)
    assert searcher.geography.adhoc_names() == ["bourgs", "pvd"]
    assert searcher.geography.adhoc_members("bourgs") == ["29043", "29103"]
    assert searcher.search(commune=LANDERNEAU, today=TODAY).ids == ["bourg-1"]
    assert searcher.search(commune="29019", today=TODAY).ids == []  # Brest is not in the list


def test_reopen_keeps_reference_data(tmp_path, geography_file):
    path = tmp_path / "idx"
    with aides.Index.open(path, geography=geography_file, adhoc={"pvd": PVD}) as index:
        index.index([aid("x")])
    with aides.Index.open(path) as index:  # nothing given: what the index holds
        index.index([aid("y", perimeter="adhoc:pvd")])
        assert len(index) == 2
    assert aides.Searcher(path).profile(LANDERNEAU).perimeters[-1] == "adhoc:pvd"


def test_close_releases_the_lock(tmp_path, geography_file):
    path = tmp_path / "idx"
    index = aides.Index.open(path, geography=geography_file)
    with pytest.raises(aides.IndexLockedError):
        aides.Index.open(path)
    index.close()
    assert index.closed and "closed" in repr(index)
    with pytest.raises(aides.IndexError, match="closed"):
        len(index)
    with aides.Index.open(path) as again:
        assert len(again) == 0
