#!/usr/bin/env python3
"""Fails when a declaration of a public header has no doc comment.

Every type, alias, enumerator list, function and data member declared in
libsearch/include/aides/*.hpp must carry a doc comment, in the style of Xapian's headers: a
`/** ... */` or `///` block right above it, or a `///<` after it on its line (or on the
line a multi-line declaration ends). What a class keeps private is not checked.

Usage: scripts/check-public-docs.py [ROOT]   (exit 1 and one line per undocumented declaration)
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
HEADERS = sorted((ROOT / "libsearch" / "include" / "aides").glob("*.hpp"))

# Lines that declare nothing: preprocessor, namespaces, access labels, braces, friend-less ends.
SKIP = re.compile(r"^(#|namespace\b|}|public:|protected:|private:|\{|template\b)")


def undocumented(path: pathlib.Path) -> list[str]:
    failures = []
    lines = path.read_text(encoding="utf-8").splitlines()
    documented_above = False  # the last thing read was a doc comment
    in_comment = False
    private = False
    statement: list[tuple[int, str]] = []  # the lines of the declaration being read
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if in_comment:
            if "*/" in line:
                in_comment = False
                documented_above = True
            continue
        if line.startswith("/**"):
            in_comment = "*/" not in line
            documented_above = not in_comment
            continue
        if line.startswith("///"):
            documented_above = True
            continue
        if not line or line.startswith("//"):
            continue
        if line in ("public:", "protected:"):
            private = False
        if line == "private:":
            private = True
        if line.startswith("};"):
            private = False  # the end of a class: its private part ends with it
        if SKIP.match(line) and not statement:
            documented_above = False
            continue
        statement.append((number, line))
        code = line.split("///<")[0].strip()
        text = " ".join(t.split("///<")[0] for _, t in statement)
        balanced = text.count("(") == text.count(")")
        if not balanced or not (code.endswith(";") or code.endswith("{") or code.endswith(",") or code.endswith("}")
                                or "///<" in line):
            continue  # a declaration over several lines: judged when it ends
        first_number, first = statement[0]
        has_trailing = any("///<" in text for _, text in statement)
        if not private and not documented_above and not has_trailing and not first.startswith("}"):
            failures.append(f"{path.relative_to(ROOT)}:{first_number}: no doc comment: {first}")
        statement = []
        documented_above = False
    return failures


def main() -> int:
    failures = [f for header in HEADERS for f in undocumented(header)]
    for failure in failures:
        print(failure)
    if failures:
        print(f"check-public-docs: {len(failures)} public declarations without a doc comment")
        return 1
    print(f"check-public-docs: every declaration of the {len(HEADERS)} public headers is documented")
    return 0


if __name__ == "__main__":
    sys.exit(main())
