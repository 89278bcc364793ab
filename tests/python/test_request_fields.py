"""The one table of request fields (tools/common/request_fields.cpp) against the front ends that
restate it: aides-search --help, the keywords of aides.Searcher.search, the `.pyi` stub of the
binding's SearchRequest and the binding itself. A field added to one and not the others fails here.

The table comes from the built print_request_fields (AIDES_REQUEST_FIELDS, set by ctest)."""
import ast
import inspect
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

import aides
from aides import _aides
from conftest import tool

# aides-search flags that are not request fields: the tool's own.
TOOL_FLAGS = {"help", "db", "profile", "format", "long"}


@pytest.fixture(scope="module")
def table():
    printer = os.environ.get("AIDES_REQUEST_FIELDS")
    if not printer or not Path(printer).is_file():
        pytest.skip(f"print_request_fields not built (AIDES_REQUEST_FIELDS={printer!r}): the tools are off")
    fields = json.loads(subprocess.run([printer], check=True, capture_output=True, text=True, timeout=30).stdout)
    assert len(fields) > 20 and len({f["member"] for f in fields}) == len(fields)
    return fields


def test_cli_help_lists_the_table_flags(table):
    done = subprocess.run([tool("aides-search"), "--help"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    options = done.stdout.split("Options", 1)[1].split("\nExamples:", 1)[0]
    # Boost prints each option two spaces in (`  --flag VALUE   help`, `  -h [ --help ]`); the
    # wrapped lines of the help are indented further.
    listed = set(re.findall(r"^  (?:-\w \[ )?--([a-z][a-z-]*)", options, re.M))
    assert listed == {f["flag"] for f in table} | TOOL_FLAGS
    for field in table:
        if field["value_name"]:
            assert re.search(rf"--{field['flag']} {re.escape(field['value_name'])}\b", options), field["flag"]


def test_python_keywords_are_the_table_keywords(table):
    parameters = inspect.signature(aides.Searcher.search).parameters
    assert [name for name in parameters if name != "self"] and set(parameters) - {"self"} == {f["python"] for f in table}
    # Each is documented in the method's docstring, as the CLI documents each flag.
    doc = inspect.getdoc(aides.Searcher.search)
    for field in table:
        assert field["python"] in doc, field["python"]


def test_binding_and_stub_have_the_table_members(table):
    members = {f["member"] for f in table}
    assert {m for m in dir(_aides.SearchRequest) if not m.startswith("_")} == members
    stub = Path(_aides.__file__).with_name("_aides.pyi")
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    request = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "SearchRequest")
    assert {n.target.id for n in request.body if isinstance(n, ast.AnnAssign)} == members
