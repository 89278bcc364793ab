"""Library errors arrive as aides.* exceptions with their details, never as "unknown exception"."""
import builtins
import json

import pytest

import aides
from conftest import LANDERNEAU, TODAY


def test_hierarchy():
    for cls in (aides.UsageError, aides.DataError, aides.IndexError, aides.IndexLockedError):
        assert issubclass(cls, aides.Error) and cls.__module__ == "aides"
    assert issubclass(aides.Error, Exception)
    assert issubclass(aides.UsageError, ValueError) and issubclass(aides.DataError, ValueError)
    assert issubclass(aides.IndexLockedError, aides.IndexError)
    assert aides.IndexError is not builtins.IndexError
    assert not issubclass(aides.IndexError, builtins.IndexError)
    assert "IndexError" not in aides.__all__
    namespace = {}
    exec("from aides import *", namespace)
    assert "IndexError" not in namespace and "UsageError" in namespace


@pytest.mark.parametrize("kwargs,value", [
    ({"commune": "99999"}, "99999"),
    ({"commune": "Nulle-Part-sur-Mer"}, "Nulle-Part-sur-Mer"),
    ({"perimeter": "department:999"}, "department:999"),
    ({"perimeter": "planet:earth"}, "planet:earth"),
    ({"aid_types": ["grant", "bribe"]}, "bribe"),
    ({"audiences": ["martians"]}, "martians"),
    ({"steps": ["someday"]}, "someday"),
    ({"destinations": ["moon"]}, "moon"),
    ({"recurrences": ["hourly"]}, "hourly"),
    ({"themes": ["no-such-theme"]}, "no-such-theme"),
    ({"categories": ["no-such-category"]}, "no-such-category"),
    ({"today": "2026-13-01"}, "2026-13-01"),
    ({"apply_before": "tomorrow"}, "tomorrow"),
    ({"published_after": "2026-02-30"}, "2026-02-30"),
    ({"order": "random"}, "random"),
    ({"size": 0}, "0"),
    ({"size": 1001}, "1001"),
    ({"page": 0}, "0"),
    ({"like": "no-such-aid"}, "no-such-aid"),
])
def test_usage_errors_name_the_value(searcher, kwargs, value):
    with pytest.raises(aides.UsageError) as caught:
        searcher.search(**kwargs)
    assert caught.value.value == value
    assert value in str(caught.value)


def test_more_usage_errors(searcher, tmp_path):
    with pytest.raises(aides.UsageError, match="not both"):
        searcher.search(commune=LANDERNEAU, perimeter="department:29", today=TODAY)
    with pytest.raises(aides.UsageError, match="unknown commune"):
        searcher.profile("99999")
    bad_portal = tmp_path / "portal.json"
    bad_portal.write_text("{not json", encoding="utf-8")
    with pytest.raises(aides.UsageError):
        searcher.search(portal=bad_portal, today=TODAY)
    with pytest.raises(aides.UsageError, match="bad perimeter"):
        searcher.geography.name_of("department-29")


def test_wrong_python_types_are_type_errors(searcher):
    with pytest.raises(TypeError):
        searcher.search(today=20260615)
    with pytest.raises(TypeError):
        searcher.search(themes=[1, 2])
    with pytest.raises(TypeError):
        searcher.search(size="20")
    with pytest.raises(TypeError):
        searcher.search(["vélo"])


def test_bad_record_names_position_and_field(fresh_index):
    good = {"id": "ok", "name": "Aide", "perimeter": "department:29"}
    with pytest.raises(aides.DataError) as caught:
        fresh_index.index([good, {"id": "x", "name": "Aide", "aid_types": ["bribe"]}])
    error = caught.value
    assert (error.source, error.line, error.field) == ("record", 2, "aid_types")
    assert "bribe" in error.reason and str(error).startswith("record:2: aid_types: ")
    assert len(fresh_index) == 0  # all or nothing

    with pytest.raises(aides.DataError, match="duplicate") as caught:
        fresh_index.index([good, good])
    assert (caught.value.line, caught.value.field) == (2, "id")
    with pytest.raises(aides.DataError, match="missing") as caught:
        fresh_index.index([good, {"name": "no id"}])
    assert (caught.value.line, caught.value.field) == (2, "id")

    with pytest.raises(aides.DataError) as caught:
        fresh_index.index([good, '{"id": "y", "name": '])
    assert caught.value.line == 2 and "malformed JSON" in str(caught.value)
    assert "json.exception" not in str(caught.value)

    with pytest.raises(aides.DataError) as caught:
        fresh_index.index([{"id": "z", "name": "Aide", "submission_deadline": "2026-02-30"}])
    assert (caught.value.line, caught.value.field) == (1, "submission_deadline")

    with pytest.raises(aides.DataError) as caught:
        fresh_index.index([{"id": "w", "name": "Aide", "perimeter": "department:29", "extra": object()}])
    assert caught.value.line == 1
    with pytest.raises(TypeError):
        fresh_index.index([42])
    assert len(fresh_index) == 0


def test_bad_file_raises_with_every_issue(fresh_index, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([json.dumps({"id": "a", "name": "A"}), "{oops", json.dumps({"id": "b"}),
                               json.dumps({"id": "c", "name": "C"})]) + "\n", encoding="utf-8")
    with pytest.raises(aides.DataError) as caught:
        fresh_index.ingest(path)
    error = caught.value
    assert (error.source, error.line) == (str(path), 2)
    assert [(issue.line, issue.field) for issue in error.errors] == [(2, error.field), (3, "name")]
    assert error.report.committed is False and "1 more bad record" in str(error)
    assert len(fresh_index) == 0
    with pytest.raises(aides.DataError) as caught:
        fresh_index.ingest(tmp_path / "missing.jsonl")
    assert caught.value.source == str(tmp_path / "missing.jsonl")
    with pytest.raises(aides.UsageError):
        fresh_index.ingest(path, format="xml")


def test_bad_reference_files(tmp_path, geography_file):
    adhoc = tmp_path / "list.txt"
    adhoc.write_text("29103\n", encoding="utf-8")
    with pytest.raises(aides.DataError):
        aides.Index.open(tmp_path / "a", geography=tmp_path / "missing.tsv")
    with pytest.raises(aides.DataError):
        aides.Index.open(tmp_path / "b", geography=geography_file, adhoc={"bad name": adhoc})
    broken = tmp_path / "geo.tsv"
    broken.write_text("this is not a geography\n", encoding="utf-8")
    with pytest.raises(aides.DataError) as caught:
        aides.Geography.load(broken)
    assert caught.value.source == str(broken)


def test_index_errors(tmp_path, index_dir):
    with pytest.raises(aides.IndexError, match="missing|no index"):
        aides.Searcher(tmp_path / "nowhere")
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(aides.IndexError):
        aides.Index.open(tmp_path / "junk")
    with pytest.raises(aides.IndexError):
        aides.Searcher(tmp_path / "junk")
    searcher = aides.Searcher(index_dir)
    searcher.close()
    with pytest.raises(aides.IndexError, match="closed"):
        searcher.search()


def test_second_writer_is_locked_out(index_dir):
    with aides.Index.open(index_dir):
        with pytest.raises(aides.IndexLockedError) as caught:
            aides.Index.open(index_dir)
        assert isinstance(caught.value, aides.IndexError)
        aides.Searcher(index_dir).search(today=TODAY)  # readers are not blocked
