#!/usr/bin/env bash
# Instructions per request of aides-serve, counted by callgrind: a figure that the machine's
# load does not move, to compare two builds on a shared machine (issue 22). The server runs
# under valgrind over serve-load's index (bench/serve-load.sh makes it) and the first REQUESTS
# paths of its query list are sent twice over one connection: once to fill the caches, then
# again with counting on. Prints the instructions per request (the server's threads, kernel
# excluded) and leaves the profile for callgrind_annotate. On demand, never in `make test`.
#
#   bench/serve-callgrind.sh BUILD_DIR [--server PATH] [--requests 300] [--count 100000]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:?usage: bench/serve-callgrind.sh BUILD_DIR [options]}" && pwd)"
shift
count=100000 requests=300 server="$build/bin/aides-serve"
while [ $# -gt 0 ]; do
  case "$1" in
    --server) server="$(realpath "$2")"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --count) count="$2"; shift 2 ;;
    *) echo "serve-callgrind: unknown option $1" >&2; exit 2 ;;
  esac
done
command -v valgrind >/dev/null || { echo "serve-callgrind: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
work="$build/bench-serve"
index="$work/idx-$count"
[ -d "$index" ] || { echo "serve-callgrind: no index at $index (run bench/serve-load.sh $build first)" >&2; exit 1; }
/usr/bin/python3 "$root/bench/serve_load_paths.py" "$work/catalogue-$count.jsonl" "$build/geo/geography.tsv" 5000 > "$work/paths.txt"
name="$(basename "$server")"
out="$work/callgrind.$name"
rm -f "$out" "$out".*
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out" \
  "$server" --db "$index" --listen 127.0.0.1:0 --threads 2 --timeout 300 > "$work/callgrind-serve.out" 2> "$work/callgrind-serve.err" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1200); do grep -q listening "$work/callgrind-serve.out" && break; sleep 0.5; done
url=$(awk '{print $3}' "$work/callgrind-serve.out")
[ -n "$url" ] || { echo "serve-callgrind: the server did not start" >&2; cat "$work/callgrind-serve.err" >&2; exit 1; }
/usr/bin/python3 "$root/bench/serve_replay.py" "$url" "$work/paths.txt" "$requests" > /dev/null  # caches filled
callgrind_control -i on "$pid" > /dev/null 2>&1
/usr/bin/python3 "$root/bench/serve_replay.py" "$url" "$work/paths.txt" "$requests"
callgrind_control -d "$pid" > /dev/null 2>&1
callgrind_control -i off "$pid" > /dev/null 2>&1
profile=$(ls "$out".* | head -1)
total=$(awk '/^summary:/ {print $2}' "$profile")
echo "serve-callgrind: $server: $total instructions for $requests requests, $((total / requests)) per request; profile $profile"
