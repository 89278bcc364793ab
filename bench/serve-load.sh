#!/usr/bin/env bash
# Load test of aides-serve on loopback (issue 22), run on demand, never by `make test`:
# the generated catalogue (100,000 aids by default) indexed once, aides-serve over it, and
# `wrk` (Debian) with CLIENTS connections for SECONDS (at most 60) cycling through distinct
# queries: half a commune's whole offer (the profile search), half a commune and 1 to 3 words
# of the catalogue's own vocabulary. Prints q/s, latency percentiles, errors and the server's
# RSS sampled every second (to see that memory stays flat).
#
#   bench/serve-load.sh BUILD_DIR [--count 100000] [--seconds 30] [--clients 16] [--threads 16] [--queries 5000]
#                      [--searches N] [--server PATH]   (another aides-serve binary over the same index, to compare builds)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:?usage: bench/serve-load.sh BUILD_DIR [options]}" && pwd)"
shift
count=100000 seconds=30 clients=16 threads=16 queries=5000 server="$build/bin/aides-serve" searches=""
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --queries) queries="$2"; shift 2 ;;
    --server) server="$(realpath "$2")"; shift 2 ;;
    --searches) searches="$2"; shift 2 ;;
    *) echo "serve-load: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$seconds" -le 60 ] || { echo "serve-load: --seconds is at most 60" >&2; exit 2; }
command -v wrk >/dev/null || { echo "serve-load: needs wrk (apt-get install wrk)" >&2; exit 1; }
work="$build/bench-serve"
mkdir -p "$work"
catalogue="$work/catalogue-$count.jsonl"
index="$work/idx-$count"
if [ ! -s "$catalogue" ]; then
  /usr/bin/python3 "$root/scripts/generate-catalogue.py" --count "$count" --geography "$build/geo/geography.tsv" \
    --taxonomy "$root/corpus/taxonomy.json" --sample "$root/corpus/aides.jsonl" --out "$catalogue"
fi
if [ ! -d "$index" ]; then
  "$build/bin/aides-index" --db "$index" --input "$catalogue" --adhoc "pvd=$root/corpus/adhoc/pvd-extrait.txt"
fi

# Distinct queries: communes drawn from the geography, words from the catalogue's names.
/usr/bin/python3 "$root/bench/serve_load_paths.py" "$catalogue" "$build/geo/geography.tsv" "$queries" > "$work/paths.txt"
{
  echo "local paths = {}"
  echo "for line in io.lines(\"$work/paths.txt\") do paths[#paths + 1] = line end"
  echo "local i = 0"
  echo "function init(args) i = math.random(#paths) end"
  echo "function request() i = i % #paths + 1; return wrk.format(\"GET\", paths[i]) end"
} > "$work/paths.lua"

# Appended to, so that emptying the log after the warm-up leaves no hole where it had written.
: > "$work/access.log"
"$server" --db "$index" --listen 127.0.0.1:0 --threads "$threads" ${searches:+--searches "$searches"} > "$work/serve.out" 2>> "$work/access.log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q listening "$work/serve.out" && break; sleep 0.1; done
url=$(awk '{print $3}' "$work/serve.out")
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
echo "serve-load: $server, $count aids, $(wc -l < "$work/paths.txt") distinct queries, $clients clients, $threads threads, ${searches:-default} searches at once, ${seconds}s, $(nproc) cores"
echo "serve-load: RSS before warm-up: $(rss) kB"
wrk -t2 -c"$clients" -d5s -s "$work/paths.lua" "$url" > /dev/null  # warm-up: caches filled
echo "serve-load: RSS after warm-up: $(rss) kB"
: > "$work/access.log"
( for _ in $(seq "$seconds"); do sleep 1; rss; done ) > "$work/rss.txt" &
sampler=$!
wrk -t2 -c"$clients" -d"${seconds}s" --latency -s "$work/paths.lua" "$url" | tee "$work/wrk.txt"
wait $sampler || true
echo "serve-load: RSS during the run (kB, every second): $(tr '\n' ' ' < "$work/rss.txt")"
echo "serve-load: requests logged: $(awk '$2 == "GET"' "$work/access.log" | wc -l), answers other than 200: $(awk '$2 == "GET" && $4 != 200' "$work/access.log" | wc -l)"
