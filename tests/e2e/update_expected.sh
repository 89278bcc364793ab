#!/bin/sh
# Rewrites tests/e2e/expected/*.json from the current tools, on purpose only; review the diff
# (git diff tests/e2e/expected) before committing.   usage: tests/e2e/update_expected.sh [BUILD_DIR]
set -eu
build=${1:-build}
cmake --build "$build" --target cli_e2e_test
AIDES_UPDATE_EXPECTED=1 "$build/bin/cli_e2e_test" --gtest_brief=1
echo "expected files rewritten; review them: git diff -- tests/e2e/expected"
