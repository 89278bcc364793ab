#!/usr/bin/env bash
# `cmake --install` of the build into a staging prefix, then: a downstream project built with
# find_package(aides) against it, and the staged tools run on the staged data only, after the
# staged tree is moved (its data is found relative to the programs, not where it was built).
# Usage: tests/package/check-install.sh BUILD_DIR WORK_DIR VERSION   (ctest package.install)
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath "$1")
version=$3
rm -rf "$2" && mkdir -p "$2" && work=$(realpath "$2")
. "$source_dir/tests/package/checks.sh"

stage=$work/stage
cmake --install "$build" --prefix "$stage" >"$work/install.log"
lib=$(cd "$stage" && find . -name libaides.a -printf '%h\n' | head -1 | sed 's|^\./||')
[ -n "$lib" ] || fail "$stage: libaides.a was not installed"
expect_files "$stage" bin/aides-index bin/aides-search bin/aides-geo-convert \
  include/aides/aides.hpp include/aides/version.hpp \
  "$lib/cmake/aides/aidesConfig.cmake" "$lib/cmake/aides/aidesConfigVersion.cmake" \
  "$lib/cmake/aides/aidesTargets.cmake" "$lib/cmake/aides/FindXapian.cmake" \
  share/aides/taxonomy.json share/aides/synonyms.txt share/aides/aid.schema.json share/aides/aides.jsonl \
  share/aides/portals share/aides/adhoc/pvd-extrait.txt
[ -e "$stage/share/aides/geography.tsv" ] || fail "$stage: no geography.tsv installed (run make geography first)"
grep -q "version = \"$version\"" "$stage/include/aides/version.hpp" || fail "version.hpp does not carry $version"

check_consumer "$stage" consumer

moved=$work/moved
mv "$stage" "$moved"
check_tools "$moved"
echo "check-install: staged install, consumer and moved tools OK"
