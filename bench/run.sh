#!/usr/bin/env bash
# Side-by-side benchmark (issue 8): this library, raw Xapian on the same index, PostgreSQL 15
# full-text search set up as Aides-territoires does, and SQLite FTS5, on the same generated
# catalogue and the same query mix. Writes its section of docs/benchmarks.md.
#
#   bench/run.sh BUILD_DIR [--sizes 10000,100000] [--seed 42] [--per-class 50] [--today DATE]
#                          [--budget SECONDS] [--systems aides,aides-records,xapian,postgres,postgres-pre,sqlite]
#                          [--input FILE] [--geo FILE] [--append] [--keep] [--no-doc]
#                          [--distinct 2000] [--distinct-warmup 500] [--soak 50000]
#
# --distinct N: the headline class, N distinct text + profile queries each run once after a
# warm-up on --distinct-warmup others (issue 23). --soak N: at sizes of 100,000 aids and more,
# N further distinct queries on the library, its RSS tabled every 5,000 (0: skipped).
# --input FILE benchmarks that catalogue instead of generating one per size. The results (JSON)
# land in BUILD_DIR/bench-results (cleared first unless --append, which adds sizes to a previous
# run); --keep keeps the indexes and the PostgreSQL cluster's files.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:?usage: bench/run.sh BUILD_DIR [options]}"
shift
build="$(cd "$build" && pwd)"
sizes="10000,100000"
seed=42
per_class=50
today="2026-03-02"
budget=15
input=""
geo=""
systems="aides,aides-records,xapian,postgres,postgres-pre,sqlite"
append=0
keep=0
doc=1
distinct=2000
distinct_warmup=500
soak=50000
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --per-class) per_class="$2"; shift 2 ;;
    --today) today="$2"; shift 2 ;;
    --budget) budget="$2"; shift 2 ;;
    --input) input="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    --geo) geo="$2"; shift 2 ;;
    --systems) systems="$2"; shift 2 ;;
    --append) append=1; shift ;;
    --keep) keep=1; shift ;;
    --no-doc) doc=0; shift ;;
    --distinct) distinct="$2"; shift 2 ;;
    --distinct-warmup) distinct_warmup="$2"; shift 2 ;;
    --soak) soak="$2"; shift 2 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

bin="$build/bin"
[ -n "$geo" ] || geo="$build/geo/geography.tsv"
for tool in aides-bench aides-search aides-index; do
  [ -x "$bin/$tool" ] || { echo "run.sh: $bin/$tool missing (configure with -DAIDES_BUILD_BENCH=ON and build)" >&2; exit 1; }
done
[ -s "$geo" ] || { echo "run.sh: $geo missing (make geography)" >&2; exit 1; }
if [ -z "$input" ] && [ ! -f "$root/scripts/generate-catalogue.py" ]; then
  echo "run.sh: scripts/generate-catalogue.py missing: give --input FILE" >&2; exit 1
fi

# PostgreSQL 15 and the SQLite shell, from Debian, when missing.
pgbin=/usr/lib/postgresql/15/bin
if [ ! -x "$pgbin/initdb" ] || ! command -v sqlite3 >/dev/null; then
  "$root/scripts/install-deps.sh" postgresql postgresql-contrib libpq-dev libsqlite3-dev sqlite3
fi

results="$build/bench-results"
work="$(mktemp -d "${TMPDIR:-/tmp}/aides-bench.XXXXXX")"
mkdir -p "$results"
[ "$append" -eq 1 ] || rm -f "$results"/*.json
has() { case ",$systems," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
has_pg() { has postgres || has postgres-pre; }

# A private cluster on 127.0.0.1 and a free port, as postgres when we are root (initdb refuses root).
as_pg=()
pgwork="$work/pg"
mkdir -p "$pgwork"
if [ "$(id -u)" -eq 0 ]; then
  chmod 755 "$work"
  chown postgres: "$pgwork"
  as_pg=(runuser -u postgres --)
fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cleanup() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgwork/data" -m fast stop >/dev/null 2>&1 || true
  if [ "$keep" -eq 0 ]; then rm -rf "$work"; else echo "run.sh: kept $work"; fi
}
trap cleanup EXIT
"${as_pg[@]}" "$pgbin/initdb" -D "$pgwork/data" -U bench -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgwork/data" -l "$pgwork/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$pgwork -c shared_buffers=1GB -c work_mem=64MB -c maintenance_work_mem=1GB -c jit=off" \
  start >/dev/null
psql_cmd=("$pgbin/psql" -X -q -h 127.0.0.1 -p "$port" -U bench)

titles="$root/../shared/data/aides-territoires/fonds-vert-2023-export.csv"
[ -f "$titles" ] || titles=""

{
  echo "{\"command\": \"bench/run.sh BUILD --sizes $sizes --seed $seed --per-class $per_class --distinct $distinct --today $today --budget $budget --systems $systems --soak $soak\","
  echo " \"date\": \"$(date -u +%Y-%m-%dT%H:%MZ)\", \"titles\": \"$([ -n "$titles" ] && echo fonds-vert-2023-export.csv || echo generated)\","
  echo " \"postgres\": \"$("$pgbin/postgres" --version)\", \"sqlite\": \"$(sqlite3 --version | cut -d' ' -f1)\","
  echo " \"xapian\": \"$(xapian-config --version 2>/dev/null | awk '{print $NF}')\","
  echo " \"commit\": \"$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)\","
  echo " \"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
} > "$results/$([ "$append" -eq 1 ] && echo "meta-append-${sizes//,/-}.json" || echo meta.json)"
lscpu > "$results/lscpu.txt"

IFS=, read -r -a size_list <<< "$sizes"
for n in "${size_list[@]}"; do
  echo "== $n aids"
  data="$work/aids-$n.jsonl"
  if [ -n "$input" ]; then
    data="$input"
  else
    python3 "$root/scripts/generate-catalogue.py" --count "$n" --seed "$seed" --geography "$geo" --out "$data"
  fi
  # Above 200,000 aids the library ingests 100,000 per transaction (a transaction holds its
  # changes in memory), as successive aides-index runs would.
  inputs="$data"
  if [ "$n" -gt 200000 ] && [ -z "$input" ]; then
    split -l 100000 -d -a 3 "$data" "$work/part-$n-"
    inputs="$(ls "$work"/part-"$n"-* | paste -sd,)"
  fi
  idx="$work/index-$n"
  db="aides_$n"
  conninfo="host=127.0.0.1 port=$port user=bench dbname=$db"
  sqlite_file="$work/sqlite-$n.db"
  "${psql_cmd[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"

  echo "-- load: aides, postgres, sqlite"
  "$bin/aides-bench" load --system aides --input "$inputs" --index "$idx" --geo "$geo" --out "$results/load-aides-$n.json"
  if has_pg; then
    "$bin/aides-bench" load --system postgres --input "$inputs" --pg "$conninfo" --index "$idx" --out "$results/load-postgres-$n.json"
  fi
  if has sqlite; then
    "$bin/aides-bench" load --system sqlite --input "$inputs" --sqlite "$sqlite_file" --index "$idx" --out "$results/load-sqlite-$n.json"
  fi

  echo "-- query mix"
  "$bin/aides-bench" mix --index "$idx" ${titles:+--titles "$titles"} --today "$today" --per-class "$per_class" --seed "$seed" \
    --distinct "$distinct" --distinct-warmup "$distinct_warmup" --out "$results/mix-$n.json"

  # The library is also timed query by query against raw Xapian (--pair): ratios that the load
  # of a shared machine cannot skew.
  for system in aides aides-records xapian postgres postgres-pre sqlite; do
    has "$system" || continue
    echo "-- run: $system"
    pair=()
    case "$system" in aides|aides-records) pair=(--pair xapian) ;; esac
    "$bin/aides-bench" run --system "$system" "${pair[@]}" --mix "$results/mix-$n.json" --index "$idx" --pg "$conninfo" \
      --sqlite "$sqlite_file" --budget "$budget" --out "$results/run-$system-$n.json"
  done

  if has aides && [ "$soak" -gt 0 ] && [ "$n" -ge 100000 ]; then
    echo "-- soak: $soak distinct queries, RSS every 5,000"
    "$bin/aides-bench" soak --index "$idx" ${titles:+--titles "$titles"} --today "$today" --seed "$seed" --queries "$soak" \
      --every 5000 --out "$results/soak-aides-$n.json"
  fi

  echo "-- start-up: aides-search, psql, sqlite3"
  "$bin/aides-bench" startup --runs 20 --mix "$results/mix-$n.json" --out "$results/startup-aides-$n.json" -- \
    "$bin/aides-search" --db "$idx" --commune "{commune}" --today "$today" --size 20 --format json
  # Start-up without a search: open the index, load the whole geography, answer a commune's profile.
  "$bin/aides-bench" startup --runs 20 --mix "$results/mix-$n.json" --out "$results/startup-aides-open-$n.json" -- \
    "$bin/aides-search" --db "$idx" --profile "{commune}" --format json
  if has_pg; then
    "$bin/aides-bench" startup --runs 20 --out "$results/startup-psql-$n.json" -- \
      "${psql_cmd[@]}" -d "$db" -Atc "SELECT id, name FROM aids WHERE status = 'published' AND perimeter = 'country:FRA' ORDER BY deadline_order LIMIT 20"
  fi
  if has sqlite; then
    "$bin/aides-bench" startup --runs 20 --out "$results/startup-sqlite3-$n.json" -- \
      sqlite3 -readonly "$sqlite_file" "SELECT id, data FROM aids WHERE status = 'published' AND perimeter = 'country:FRA' ORDER BY deadline_order LIMIT 20"
  fi

  "${psql_cmd[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null
  [ "$keep" -eq 1 ] || rm -rf "$idx" "$sqlite_file" "$sqlite_file"-*
  [ -n "$input" ] || [ "$keep" -eq 1 ] || rm -f "$data" "$work"/part-"$n"-*
done

python3 "$root/bench/report.py" "$results" $([ "$doc" -eq 1 ] && echo "--doc $root/docs/benchmarks.md")
