#!/usr/bin/env python3
"""Fails when a source file includes a header of a layer it may not reach.

The layers of libsearch/src, from the bottom (docs/DESIGN.md, "Which may include which"):
  analysis, geo  ->  model  ->  io  ->  index  ->  search/plan  ->  search/memory, search/xapian  ->  search
(the two executors are siblings: neither includes the other)
A layer may include its own headers and those of the layers below it, never above.
Public headers (<aides/...>) hold standard types only and may be included anywhere. Tools,
bindings, benchmarks and tests outside the unit suites may include public headers only.

Usage: scripts/check-includes.py [ROOT]   (exit 1 and one line per forbidden include)
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
SRC = ROOT / "libsearch" / "src"

# Each layer and the layers it may include (itself included).
ALLOWED = {
    "analysis": {"analysis"},
    "geo": {"geo", "analysis"},
    "model": {"model", "analysis", "geo"},
    "io": {"io", "model", "analysis", "geo"},
    "index": {"index", "io", "model", "analysis", "geo"},
    "search/plan": {"search/plan", "index", "model", "analysis", "geo"},
    "search/memory": {"search/memory", "search/plan", "index", "model", "analysis", "geo"},
    "search/xapian": {"search/xapian", "search/plan", "index", "model", "analysis", "geo"},
    "search": {"search", "search/memory", "search/plan", "search/xapian", "index", "io", "model", "analysis", "geo"},
}
# Folders outside the library that may include public headers only (and, for the tools, the
# code they share in tools/common).
PUBLIC_ONLY = ["tools", "bindings/python/src"]
TOOLS_COMMON = ROOT / "tools" / "common"

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def layer_of(relative: str) -> str | None:
    """The layer of a path relative to libsearch/src ("search/memory/ranking.hpp" -> "search/memory")."""
    parts = relative.split("/")
    if len(parts) < 2:
        return None
    if parts[0] == "search" and len(parts) >= 3 and f"search/{parts[1]}" in ALLOWED:
        return f"search/{parts[1]}"
    return parts[0] if parts[0] in ALLOWED else None


def main() -> int:
    failures = []
    for path in sorted(SRC.rglob("*")):
        if path.suffix not in (".cpp", ".hpp"):
            continue
        relative = path.relative_to(SRC).as_posix()
        layer = layer_of(relative)
        if layer is None:
            failures.append(f"{relative}: file outside every layer ({', '.join(ALLOWED)})")
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            target = match.group(1)
            target_layer = layer_of(target)
            if target_layer is None:
                # A header of the same folder named without its folder.
                if (path.parent / target).exists():
                    continue
                failures.append(f"libsearch/src/{relative}:{number}: \"{target}\" is in no layer")
            elif target_layer not in ALLOWED[layer]:
                failures.append(f"libsearch/src/{relative}:{number}: {layer} may not include {target_layer} (\"{target}\")")
    for folder in PUBLIC_ONLY:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".cpp", ".hpp"):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                match = INCLUDE.match(line)
                shared = folder == "tools" and (TOOLS_COMMON / match.group(1)).exists() if match else False
                if match and not (path.parent / match.group(1)).exists() and not shared:
                    failures.append(f"{path.relative_to(ROOT)}:{number}: a tool includes the library's internals (\"{match.group(1)}\"); "
                                    "use the public headers <aides/...>")
    for failure in failures:
        print(failure)
    if failures:
        print(f"check-includes: {len(failures)} forbidden include(s)", file=sys.stderr)
        return 1
    print("check-includes: every include points down the layers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
