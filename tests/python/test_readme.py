"""Every Python example of README.md runs as written (issue 21: the README's examples are run
by tests; its command-line ones are run by tests/e2e/readable_cli_test.cpp)."""
import contextlib
import io
import os
import re
import shutil

import pytest

from conftest import CORPUS, REPO

BLOCKS = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)


def test_the_readme_has_python_examples():
    assert BLOCKS, "README.md lost its Python example"


@pytest.mark.parametrize("number", range(len(BLOCKS)))
def test_readme_python_example_runs(number, tmp_path, monkeypatch):
    # The examples use paths relative to the repository root (corpus/...) and write `idx`.
    shutil.copytree(CORPUS, tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(BLOCKS[number], f"README.md python block {number + 1}", "exec"), {})
    out = printed.getvalue()
    if "Searcher" in BLOCKS[number]:
        assert out.strip(), "the example printed nothing"
    assert os.path.isdir(tmp_path / "idx") or "Index.open" not in BLOCKS[number]
