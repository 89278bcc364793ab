#!/usr/bin/env bash
# Runs one libFuzzer target on its seeds: fuzz/seeds/NAME (reader_*: fuzz/seeds/reader and the
# real files of ../shared cut by make-seeds.py), plus for records each line of the bundled
# catalogue and of the test fixtures. New inputs go to WORK/NAME/corpus, crashes to
# WORK/NAME/. Usage: fuzz/run.sh FUZZER NAME WORK [libFuzzer options...]
set -euo pipefail
fuzzer=${1:?usage: run.sh FUZZER NAME WORK [options]}
name=${2:?}
work=${3:?}
shift 3
here=$(cd "$(dirname "$0")" && pwd)
seeds="$work/$name/seeds"
corpus="$work/$name/corpus"
rm -rf "$seeds"
mkdir -p "$seeds" "$corpus"
case "$name" in
  reader_*) cp "$here/seeds/reader"/* "$seeds/"
            /usr/bin/python3 "$here/make-seeds.py" "${name#reader_}" "$seeds" ;;
  *) cp "$here/seeds/$name"/* "$seeds/" ;;
esac
if [ "$name" = record ] || [ "$name" = reader_jsonl ] || [ "$name" = reader_automatic ]; then
  for file in "$here/../corpus/aides.jsonl" "$here"/../tests/fixtures/*.jsonl; do
    [ -f "$file" ] || continue
    split -l 1 -a 4 "$file" "$seeds/$(basename "$file" .jsonl)-"
  done
fi
dict=()
[ -f "$here/$name.dict" ] && dict=("-dict=$here/$name.dict")
# Readers: small inputs (1 KiB: a short record, a few lines) keep each execution short, for
# millions of them; at 4 KiB they ran half as fast for no more coverage.
max_len=65536
case "$name" in reader_*) dict=("-dict=$here/record.dict"); max_len=1024 ;; esac
# Inputs over 64 KiB or taking over 10 s are findings too; one failure stops the run.
exec "$fuzzer" "${dict[@]}" -max_len=$max_len -timeout=10 -print_final_stats=1 \
  -artifact_prefix="$work/$name/" "$@" "$corpus" "$seeds"
