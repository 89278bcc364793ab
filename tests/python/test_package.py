"""The package itself: documentation, type stubs, names."""
import ast
import inspect
import pydoc
from pathlib import Path

import aides
from aides import _aides


def test_help_is_useful():
    text = pydoc.render_doc(aides, renderer=pydoc.plaintext)
    for needle in ("Index.open", "Searcher", "search(", "to_dict()", "UsageError", "DataError",
                   "aides.IndexError", "IndexLockedError", "profile(", "GIL"):
        assert needle in text, needle
    search_doc = pydoc.render_doc(aides.Searcher.search, renderer=pydoc.plaintext)
    for option in ("commune", "perimeter", "themes", "aid_types", "today", "include_expired", "order", "facets",
                   "explain", "like", "portal", "UsageError"):
        assert option in search_doc, option


def test_public_api_is_documented():
    for name in aides.__all__:
        obj = getattr(aides, name)
        if inspect.isclass(obj):
            assert obj.__doc__, name
            for member_name, member in vars(obj).items():
                if not member_name.startswith("_") and callable(member) and not isinstance(member, type):
                    assert inspect.getdoc(member), f"{name}.{member_name}"
    assert aides.Searcher.__module__ == "aides" and aides.Hit.__module__ == "aides"
    assert aides.__version__ and aides.index_format_version >= 1


def test_stubs_match_the_module():
    stub = Path(_aides.__file__).with_name("_aides.pyi")
    assert stub.is_file()
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    declared = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            declared[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)} | {
                n.target.id for n in node.body if isinstance(n, ast.AnnAssign)}
        elif isinstance(node, ast.AnnAssign):
            declared[node.target.id] = set()
    public = {name for name in dir(_aides) if not name.startswith("_")} | {"__version__"}
    assert set(declared) == public
    for name, members in declared.items():
        obj = getattr(_aides, name)
        if inspect.isclass(obj) and not issubclass(obj, BaseException):
            actual = {m for m in dir(obj) if not m.startswith("_")} - {"name", "value"}
            assert members - {"__init__", "name", "value"} == actual, name
    assert (Path(_aides.__file__).parent / "py.typed").is_file()
