#!/usr/bin/env bash
# Replicas on Xapian's own replication, between hosts made of Linux network namespaces.
#
# A master host runs xapian-replicate-server on the index that aides-index writes; two replica
# hosts run xapian-replicate, each joined to the master by its own veth pair (10.250.X.0/30 and
# 10.250.X.4/30; every packet stays inside these namespaces). It checks that
#   1. a commit on the master is answered by the replica within a bounded time (changesets);
#   2. a --compact on the master (a new database: new UUID) reaches the replica as a full copy,
#      served by the server started before the compaction;
#   3. a replica killed during that full copy still answers its last revision, whole, and
#      catches up once restarted;
#   4. with the master's server stopped, the replica keeps answering its last revision, and
#      catches up when the server is back.
# What a replica answers is read by one function, replica_status: through aides-serve's
# /api/status/ when build/bin/aides-serve exists, else through aides-search (count) and
# xapian-delve (revision). The replicas read the index with no reference file at hand.
#
# Needs root and `ip netns`; exits 77 (ctest: skipped) with a message when it cannot make
# namespaces. Every wait is bounded; every process, namespace and file is removed at exit.
#
# Usage: replication_test.sh --bin DIR --geography FILE --source DIR
#          [--aids N (2000)] [--update N (200)] [--measure]
# --measure prints the figures of docs/deployment.md (lag of an update, time of a full copy).
set -euo pipefail

bin="" geography="" source_dir="" aids=2000 update=200 measure=0
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --geography) geography=$2; shift 2 ;;
    --source) source_dir=$2; shift 2 ;;
    --aids) aids=$2; shift 2 ;;
    --update) update=$2; shift 2 ;;
    --measure) measure=1; shift ;;
    *) echo "replication_test: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$bin" ] && [ -n "$geography" ] && [ -n "$source_dir" ] || {
  echo "usage: replication_test.sh --bin DIR --geography FILE --source DIR [--aids N] [--update N] [--measure]" >&2; exit 2; }

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAILED: $*" >&2; exit 1; }
step() { echo "== $*"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# ------------------------------------------------------------------------------ requirements
[ "$(id -u)" -eq 0 ] || skip "network namespaces need root (run as root to test replication)"
command -v ip >/dev/null || skip "no ip command (iproute2): cannot make network namespaces"
for tool in xapian-replicate xapian-replicate-server xapian-delve; do
  command -v $tool >/dev/null || fail "$tool not found: install xapian-tools (scripts/install-deps.sh)"
done
for tool in aides-index aides-search; do [ -x "$bin/$tool" ] || fail "$bin/$tool not built"; done
[ -s "$geography" ] || fail "$geography missing (make geography)"

# The bounds of every wait grow with the index: a full copy of 100,000 aids is ~50x 2,000.
scale=$((aids / 20000 + 1))
# Names carry this script's pid: a run killed outright (SIGKILL) leaves namespaces that the next
# run removes, with what still runs inside them, once that pid is gone.
run_id="$$-$(printf '%02x' $((RANDOM % 256)))"
for stale in $(ip netns list 2>/dev/null | sed -n 's/^\(aides-repl-\([0-9]*\)-[0-9a-f]*-[a-z0-9]*\).*/\1 \2/p' | tr ' ' ':'); do
  name=${stale%%:*} owner=${stale##*:}
  kill -0 "$owner" 2>/dev/null && continue
  for pid in $(ip netns pids "$name" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  ip netns del "$name" 2>/dev/null && echo "removed $name, left by an earlier run" || true
done
ns_master="aides-repl-$run_id-master"
ns_replica=("aides-repl-$run_id-r1" "aides-repl-$run_id-r2")
net="10.250.$((RANDOM % 250 + 1))"
port=7010
work=$(mktemp -d "${TMPDIR:-/tmp}/aides-replication.XXXXXX")
pids=()
namespaces=()
watchdog=""

cleanup() {
  local status=$?
  set +e
  trap '' INT TERM
  [ -n "$watchdog" ] && kill -TERM "$watchdog" 2>/dev/null && wait "$watchdog" 2>/dev/null
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 50); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  for ns in "${namespaces[@]}"; do
    # Anything still inside a namespace of this run was started by this run.
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  if [ $status -ne 0 ] && [ $status -ne 77 ]; then
    for log in "$work"/*.log; do [ -f "$log" ] && { echo "--- $log"; tail -20 "$log"; }; done
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
trap 'echo "FAILED: interrupted" >&2; exit 130' INT TERM
# Ends the run (and so cleans up) before ctest's TIMEOUT would kill it outright.
( trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM; sleep $((240 * scale)) & sleeper=$!; wait "$sleeper"
  echo "FAILED: the run took more than $((240 * scale)) s" >&2; kill -TERM $$ ) &
watchdog=$!

# ------------------------------------------------------------------------------ the hosts
ip netns add "$ns_master" 2>"$work/netns.err" || skip "cannot make a network namespace: $(cat "$work/netns.err")"
namespaces+=("$ns_master")
ip -n "$ns_master" link set lo up
master_addr=()
for i in 0 1; do
  ns=${ns_replica[$i]}
  ip netns add "$ns"
  namespaces+=("$ns")
  ip -n "$ns" link set lo up
  # Created inside the namespaces: no name is ever seen by the host's own network.
  ip link add "to-r$((i + 1))" netns "$ns_master" type veth peer name to-master netns "$ns" 2>"$work/veth.err" ||
    skip "cannot make a veth pair between namespaces: $(cat "$work/veth.err")"
  base=$((i * 4))
  ip -n "$ns_master" addr add "$net.$((base + 1))/30" dev "to-r$((i + 1))"
  ip -n "$ns" addr add "$net.$((base + 2))/30" dev to-master
  ip -n "$ns_master" link set "to-r$((i + 1))" up
  ip -n "$ns" link set to-master up
  master_addr+=("$net.$((base + 1))")
done
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
echo "hosts: $ns_master, ${ns_replica[0]} (via $net.0/30), ${ns_replica[1]} (via $net.4/30)"

# Starts a command in the background, its outputs in $work/NAME.log; sets started_pid. In a
# session of its own: xapian-replicate-server, on SIGTERM, signals its whole process group
# (this script's, without setsid). setsid execs (no fork): the pid is the command's.
start() {
  local name=$1; shift
  setsid "$@" >>"$work/$name.log" 2>&1 </dev/null &
  started_pid=$!
  pids+=("$started_pid")
}
stop() {
  local pid=$1 signal=${2:-TERM}
  kill -"$signal" "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# ------------------------------------------------------------------------------ the data
# Generated aids, all published and none a local variant of another (a search shows one of the
# two), so that every checker counts every aid.
generate() {  # COUNT SEED PREFIX FILE
  python3 "$source_dir/scripts/generate-catalogue.py" --count "$1" --seed "$2" --id-prefix "$3" \
    --geography "$geography" --taxonomy "$source_dir/corpus/taxonomy.json" --sample "$source_dir/corpus/aides.jsonl" |
    sed -E 's/"status": "[a-z]+"/"status": "published"/; s/, "generic_aid": "[^"]*"//' >"$4"
  [ "$(wc -l <"$4")" -eq "$1" ] || fail "generate-catalogue.py wrote $(wc -l <"$4") aids, not $1"
}
mkdir -p "$work/master" "$work/r1" "$work/r2"
master="$work/master/index"
generate "$aids" 1 base- "$work/base.jsonl"
generate "$update" 2 upd1- "$work/update1.jsonl"
generate "$update" 3 upd2- "$work/update2.jsonl"

# The indexer keeps changesets for the replicas (Xapian writes none unless asked).
export XAPIAN_MAX_CHANGESETS=16
index() { "$bin/aides-index" --db "$master" --geo "$geography" "$@" >>"$work/indexer.log" 2>&1 || fail "aides-index $* failed"; }

# ------------------------------------------------------------------------------ the checker
# Revision and uuid of a database as Xapian's own tool reads it (a replica through its stub).
delve_field() {  # DB FIELD
  xapian-delve "$1" 2>/dev/null | sed -n "s/^$2 = //p" || true
}
# The replicas read nothing but their index: no geography, taxonomy or synonyms file at hand.
no_reference=(env AIDES_GEOGRAPHY=/nonexistent AIDES_TAXONOMY=/nonexistent AIDES_SYNONYMS=/nonexistent)
serve_url=()
if [ -x "$bin/aides-serve" ]; then
  checker="aides-serve /api/status/ (revision, aids)"
else
  checker="aides-search --format json (count of aids) + xapian-delve (revision): build/bin/aides-serve not built"
fi
echo "checker: $checker"

start_serving() {  # REPLICA-INDEX (1 or 2): a long-lived aides-serve on the replica host
  [ -x "$bin/aides-serve" ] || return 0
  local i=$1 ns=${ns_replica[$(($1 - 1))]}
  start "serve-r$i" ip netns exec "$ns" "${no_reference[@]}" "$bin/aides-serve" --db "$work/r$i/index" --listen 127.0.0.1:0
  local url=""
  for _ in $(seq $((200 * scale))); do
    url=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$work/serve-r$i.log" | head -1)
    [ -n "$url" ] && break
    sleep 0.05
  done
  [ -n "$url" ] || fail "aides-serve on r$i printed no 'listening on' line within $((10 * scale)) s"
  serve_url[$i]=$url
}

# Prints "REVISION AIDS" as replica I answers, or "unavailable" when it does not answer.
replica_status() {  # I
  local i=$1 ns=${ns_replica[$(($1 - 1))]} db="$work/r$1/index"
  if [ -x "$bin/aides-serve" ]; then
    in_ns "$ns" curl -sf --max-time 5 "${serve_url[$i]%/}/api/status/" 2>/dev/null |
      python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["revision"], s["aids"])' 2>/dev/null || echo unavailable
  else
    local count revision
    count=$(in_ns "$ns" "${no_reference[@]}" "$bin/aides-search" --db "$db" --include-expired --size 1 --format json 2>/dev/null |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])' 2>/dev/null) || { echo unavailable; return; }
    revision=$(delve_field "$db" revision)
    [ -n "$revision" ] && echo "$revision $count" || echo unavailable
  fi
}
master_revision() { delve_field "$master" revision; }

# Waits (bounded) until replica I answers "REVISION AIDS"; sets waited to the seconds taken.
wait_for() {  # I EXPECTED SECONDS WHAT
  local i=$1 expected=$2 limit=$(($3 * scale)) what=$4 begin got=""
  local deadline=$((SECONDS + limit))
  begin=$(now)
  while [ $SECONDS -lt $deadline ]; do
    got=$(replica_status "$i")
    [ "$got" = "$expected" ] && { waited=$(elapsed "$begin" "$(now)"); return 0; }
    sleep 0.1
  done
  fail "$what: replica r$i answers '$got', expected '$expected' (revision, aids) within $limit s"
}

# A commune search answers alike on master and replica: the geography came inside the index.
same_commune_answer() {  # I
  local i=$1 on_master on_replica
  on_master=$("$bin/aides-search" --db "$master" --commune 29103 --include-expired --size 5 --format json | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["count"], [h["id"] for h in r["results"]])')
  on_replica=$(in_ns "${ns_replica[$((i - 1))]}" "${no_reference[@]}" "$bin/aides-search" --db "$work/r$i/index" --commune 29103 --include-expired --size 5 --format json |
    python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["count"], [h["id"] for h in r["results"]])')
  [ "$on_master" = "$on_replica" ] || fail "commune 29103: master answers $on_master, replica r$i $on_replica"
}

replicate() {  # I [extra options]: xapian-replicate of replica I, polling every second
  local i=$1; shift
  start "replicate-r$i" ip netns exec "${ns_replica[$((i - 1))]}" xapian-replicate -v -h "${master_addr[$((i - 1))]}" -p "$port" \
    -m index -i 1 -r 1 -t 10 "$@" "$work/r$i/index"
}
serve_replication() {
  start server ip netns exec "$ns_master" xapian-replicate-server -I 0.0.0.0 -p "$port" "$work/master"
  server_pid=$started_pid
  for _ in $(seq 100); do
    in_ns "$ns_master" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null && return 0
    sleep 0.05
  done
  fail "xapian-replicate-server does not listen on port $port within 5 s"
}
full_copies() { grep -c 'Update complete: [1-9][0-9]* copies' "$work/replicate-r$1.log" 2>/dev/null || true; }

# ------------------------------------------------------------------------------ 0. first copies
step "0. master indexes $aids aids; both replicas take a full copy"
index --input "$work/base.jsonl"
serve_replication
begin=$(now)
replicate 1
replica1_pid=$started_pid
replicate 2
replica2_pid=$started_pid
expected="$(master_revision) $aids"
# A replica starts with an empty database, and aides-serve reads the reference data when it
# opens: it starts once the first copy is live (as aides-serve@ after aides-replica@'s first
# round), which Xapian's own tool tells.
uuid_before=$(delve_field "$master" UUID)
copy_done() { [ "$(delve_field "$work/r$1/index" UUID) $(delve_field "$work/r$1/index" revision)" = "$uuid_before ${expected% *}" ]; }
deadline=$((SECONDS + 120 * scale))
until copy_done 1; do [ $SECONDS -lt $deadline ] || fail "r1 has no full copy after $((120 * scale)) s"; sleep 0.1; done
first_copy=$(elapsed "$begin" "$(now)")
until copy_done 2; do [ $SECONDS -lt $deadline ] || fail "r2 has no full copy after $((120 * scale)) s"; sleep 0.1; done
start_serving 1
start_serving 2
wait_for 1 "$expected" 10 "the checker on the first copy"
wait_for 2 "$expected" 10 "the checker on the first copy"
same_commune_answer 1
[ "$(delve_field "$work/r1/index" UUID)" = "$uuid_before" ] || fail "r1 holds another database than the master's"
echo "ok: both replicas answer revision ${expected% *} with $aids aids (first copy in $first_copy s)"
stop "$replica2_pid"  # r2 stays behind until step 3

# ------------------------------------------------------------------------------ 1. a commit
step "1. a commit of $update aids on the master reaches r1"
begin=$(now)
index --input "$work/update1.jsonl"
committed=$(now)
expected="$(master_revision) $((aids + update))"
wait_for 1 "$expected" 60 "commit"
lag=$(elapsed "$committed" "$(now)")
indexing=$(elapsed "$begin" "$committed")
[ "$(delve_field "$work/r1/index" UUID)" = "$uuid_before" ] || fail "the commit reached r1 as a new database, not as changesets"
same_commune_answer 1
echo "ok: r1 answers revision ${expected% *} with $((aids + update)) aids, $lag s after the commit ($indexing s of indexing before)"

# ------------------------------------------------------------------------------ 2. --compact
step "2. aides-index --compact on the master reaches r1 as a full copy"
stub_before=$(grep -v '^#' "$work/r1/index/XAPIANDB")
copies_before=$(full_copies 1)
begin=$(now)
index --compact
compacted=$(now)
uuid_after=$(delve_field "$master" UUID)
[ "$uuid_after" != "$uuid_before" ] || fail "the compacted index kept its UUID: replicas would not take it whole"
expected="$(master_revision) $((aids + update))"
for _ in $(seq 600); do
  [ "$(delve_field "$work/r1/index" UUID)" = "$uuid_after" ] && break
  sleep 0.1
done
wait_for 1 "$expected" 60 "compaction"
compact_copy=$(elapsed "$compacted" "$(now)")
compacting=$(elapsed "$begin" "$compacted")
[ "$(delve_field "$work/r1/index" UUID)" = "$uuid_after" ] || fail "r1 does not hold the compacted database"
stub_after=$(grep -v '^#' "$work/r1/index/XAPIANDB")
[ "$stub_before" != "$stub_after" ] || fail "r1's stub still names $stub_before: no full copy was made live"
[ "$(full_copies 1)" -gt "$copies_before" ] || fail "xapian-replicate logged no full copy for r1"
same_commune_answer 1
echo "ok: r1 took the compacted index whole ($stub_before -> $stub_after), $compact_copy s after the compaction ($compacting s)"

# ------------------------------------------------------------------------------ 3. killed
step "3. r2, killed during its full copy, keeps its last revision and catches up when restarted"
old_expected="$(delve_field "$work/r2/index" revision) $aids"
[ "$(replica_status 2)" = "$old_expected" ] || fail "r2 answers '$(replica_status 2)', not its last revision '$old_expected'"
# The copy is slowed on r2's link only, to take seconds: time to kill it half-way.
size=$(du -sb "$master" | cut -f1)
rate=$(( size * 8 / 4 ))
[ $rate -lt 1000000 ] && rate=1000000
in_ns "$ns_master" tc qdisc add dev to-r2 root tbf rate "${rate}bit" burst 64kb latency 2s ||
  fail "cannot slow the link to r2 (tc tbf)"
live2=$(sed -n 's/^auto replica_\([01]\)$/\1/p' "$work/r2/index/XAPIANDB")
offline2="$work/r2/index/replica_$((1 - live2))"
replicate 2
replica2_pid=$started_pid
half=0
for _ in $(seq 600); do
  if [ -d "$offline2" ] && [ "$(du -sb "$offline2" 2>/dev/null | cut -f1)" -gt $((size / 8)) ] 2>/dev/null; then half=1; break; fi
  sleep 0.02
done
[ $half -eq 1 ] || fail "r2's full copy never got under way within 12 s"
during=$(replica_status 2)
stop "$replica2_pid" KILL
copied=$(du -sb "$offline2" 2>/dev/null | cut -f1 || echo 0)
[ "${copied:-0}" -lt "$size" ] || fail "the kill came too late: r2 had already copied $copied of $size bytes"
[ "$during" = "$old_expected" ] || fail "during its copy r2 answered '$during', not '$old_expected'"
after_kill=$(replica_status 2)
[ "$after_kill" = "$old_expected" ] || fail "killed half-way ($copied of $size bytes), r2 answers '$after_kill', not '$old_expected'"
echo "ok: killed with $copied of $size bytes copied, r2 answers its last revision whole: $after_kill"
in_ns "$ns_master" tc qdisc del dev to-r2 root
replicate 2
replica2_pid=$started_pid
wait_for 2 "$expected" 120 "restarted replica"
[ "$(delve_field "$work/r2/index" UUID)" = "$uuid_after" ] || fail "r2 restarted does not hold the master's database"
same_commune_answer 2
echo "ok: restarted, r2 answers revision ${expected% *} with $((aids + update)) aids"

# ------------------------------------------------------------------------------ 4. master down
step "4. the master's server stopped: r1 answers its last revision; back, r1 catches up"
stop "$server_pid"
last="$expected"
index --input "$work/update2.jsonl"
for _ in $(seq 30); do
  got=$(replica_status 1)
  [ "$got" = "$last" ] || fail "master stopped: r1 answers '$got', not its last revision '$last'"
  sleep 0.1
done
sleep 2  # xapian-replicate has tried the master at least once meanwhile
[ "$(replica_status 1)" = "$last" ] || fail "master stopped: r1 no longer answers '$last'"
kill -0 "$replica1_pid" 2>/dev/null || fail "xapian-replicate of r1 exited when the master went away"
echo "ok: r1 answers $last with the master's server down"
serve_replication
expected="$(master_revision) $((aids + 2 * update))"
wait_for 1 "$expected" 60 "master back"
wait_for 2 "$expected" 60 "master back"
echo "ok: both replicas answer revision ${expected% *} with $((aids + 2 * update)) aids"

if [ $measure -eq 1 ]; then
  echo "measure: aids=$aids update=$update index=$(du -sb "$master" | cut -f1) bytes"
  echo "measure: first full copy, two replicas at once (xapian-replicate started -> r1's copy live): $first_copy s"
  echo "measure: update of $update aids: indexing $indexing s, then commit -> r1 answers: $lag s"
  echo "measure: --compact: compaction $compacting s, then full copy -> r1 answers: $compact_copy s"
fi
echo "PASSED (checker: $checker)"
