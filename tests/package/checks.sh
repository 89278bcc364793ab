# Shared by check-install.sh and check-deb.sh (sourced): checks of an installed aides tree.
# Expects: $source_dir, $build (the build directory), $work (a scratch directory).
unset AIDES_DATA_DIR AIDES_GEOGRAPHY AIDES_TAXONOMY AIDES_SYNONYMS

fail() { echo "$(basename "$0"): $*" >&2; exit 1; }

# expect_files ROOT PATH...: each PATH exists under ROOT.
expect_files() {
  local root=$1; shift
  for path in "$@"; do [ -e "$root/$path" ] || fail "$root: $path was not installed"; done
}

# The build tree's tools on the project's corpus: the oracle the installed tools must match.
# Prints the JSON of a commune search and of a text search.
build_tree_results() {
  local db=$work/oracle-index
  rm -rf "$db"
  "$build/bin/aides-index" --db "$db" --input "$source_dir/corpus/aides.jsonl" \
    --adhoc pvd="$source_dir/corpus/adhoc/pvd-extrait.txt" >"$work/oracle-index.log" 2>&1 \
    || { cat "$work/oracle-index.log"; fail "the build tree's aides-index failed"; }
  "$build/bin/aides-search" --db "$db" --commune 29103 --size 100 --format json
  "$build/bin/aides-search" --db "$db" renovation energetique --size 100 --format json
}

# check_tools PREFIX: the tools of PREFIX, with only the data of PREFIX/share/aides (found from
# their own path), index the installed sample and answer as the build tree does; without
# their taxonomy they fail naming PREFIX's; AIDES_DATA_DIR points them elsewhere.
check_tools() {
  local prefix=$1 data=$1/share/aides db=$work/index-$RANDOM
  local help
  help=$("$prefix/bin/aides-search" --help) || fail "$prefix/bin/aides-search --help failed"
  grep -q -- '--db' <<<"$help" || fail "$prefix/bin/aides-search --help does not describe --db"
  "$prefix/bin/aides-index" --db "$db" --input "$data/aides.jsonl" --adhoc pvd="$data/adhoc/pvd-extrait.txt" >"$db.log" 2>&1 \
    || { cat "$db.log"; fail "$prefix/bin/aides-index failed on its own data"; }
  local got expected
  got=$("$prefix/bin/aides-search" --db "$db" --commune 29103 --size 100 --format json
        "$prefix/bin/aides-search" --db "$db" renovation energetique --size 100 --format json)
  expected=$(build_tree_results)
  grep -q '"count": *[1-9]' <<<"$got" || fail "$prefix: the searches found nothing: ${got:0:300}"
  [ "$got" = "$expected" ] || fail "$prefix: the installed tools answer differently from the build tree's"

  # The data really comes from PREFIX: hide its taxonomy (the build tree's is still there).
  mv "$data/taxonomy.json" "$work/taxonomy.json.hidden"
  local message
  if message=$("$prefix/bin/aides-index" --db "$work/index-no-taxonomy" --input "$data/aides.jsonl" 2>&1); then
    fail "$prefix: aides-index ran without $data/taxonomy.json (it read other data)"
  fi
  grep -qF "$data/taxonomy.json" <<<"$message" || fail "$prefix: the error does not name $data/taxonomy.json: $message"
  # ... and AIDES_DATA_DIR, when set, is where it looks.
  mkdir -p "$work/elsewhere"
  cp "$work/taxonomy.json.hidden" "$work/elsewhere/taxonomy.json"
  AIDES_DATA_DIR=$work/elsewhere "$prefix/bin/aides-index" --db "$work/index-elsewhere" --input "$data/aides.jsonl" \
    >"$work/index-elsewhere.log" 2>&1 || { cat "$work/index-elsewhere.log"; fail "$prefix: aides-index did not take the taxonomy of AIDES_DATA_DIR"; }
  mv "$work/taxonomy.json.hidden" "$data/taxonomy.json"
}

# check_consumer PREFIX NAME: tests/package/consumer configured with find_package(aides) against
# PREFIX, built, and run on PREFIX's data: prints `<count> <version>`.
check_consumer() {
  local prefix=$1 dir=$work/$2
  cmake -S "$source_dir/tests/package/consumer" -B "$dir" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_BUILD_TYPE=Release >"$dir.log" 2>&1 || { cat "$dir.log"; fail "consumer: configure against $prefix failed"; }
  cmake --build "$dir" -j 2 >>"$dir.log" 2>&1 || { cat "$dir.log"; fail "consumer: build against $prefix failed"; }
  local out
  out=$(AIDES_DATA_DIR=$prefix/share/aides "$dir/aides_consumer" "$dir/index") || fail "consumer: run failed"
  # Two of its three aids speak of bikes; the version is the project's.
  [ "$out" = "2 $version" ] || fail "consumer: printed '$out', expected '2 $version'"
}
