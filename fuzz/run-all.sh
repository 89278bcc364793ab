#!/usr/bin/env bash
# `make fuzz`: every target within a wall-clock budget on JOBS cores, executions summed.
# The budget is split into equal slots, JOBS at a time: one slot per reader (thousands of
# executions a second) and one shared by fuzz_record and fuzz_query (they write and search an
# index: tens to hundreds a second), so that the slots fill the cores evenly.
# Usage: fuzz/run-all.sh BIN_DIR WORK_DIR MINUTES JOBS
set -euo pipefail
bin=${1:?usage: run-all.sh BIN_DIR WORK_DIR MINUTES JOBS}
work=${2:?}
minutes=${3:?}
jobs=${4:?}
here=$(cd "$(dirname "$0")" && pwd)
slots=(record+query reader_jsonl reader_json reader_at_api reader_at_csv reader_automatic)
# Each round of JOBS slots takes one slot's time; 10 s a slot are kept for start-up and seeds.
rounds=$(( (${#slots[@]} + jobs - 1) / jobs ))
slot_seconds=$(( minutes * 60 / rounds - 10 ))
[ "$slot_seconds" -ge 10 ] || { echo "fuzz: $minutes min is too short for ${#slots[@]} slots on $jobs cores" >&2; exit 2; }
mkdir -p "$work"
export bin work here slot_seconds
run_target() {  # NAME SECONDS
    local log="$work/$1.log"
    echo "fuzz: $1 for $2 s (log: $log)"
    # Shorter allocation stacks in reports: the allocator's bookkeeping was a tenth of the time.
    ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=5} \
      "$here/run.sh" "$bin/fuzz_$1" "$1" "$work" -max_total_time="$2" >"$log" 2>&1 \
      || { tail -40 "$log"; return 255; }
}
export -f run_target
started=$(date +%s)
printf '%s\n' "${slots[@]}" | xargs -P "$jobs" -I{} bash -c '
  case {} in
    *+*) for name in $(echo {} | tr + " "); do run_target "$name" $((slot_seconds / 2)) || exit 255; done ;;
    *) run_target {} "$slot_seconds" ;;
  esac'
elapsed=$(( $(date +%s) - started ))
total=0
for log in "$work"/record.log "$work"/query.log "$work"/reader_*.log; do
    name=$(basename "$log" .log)
    runs=$(awk '/^stat::number_of_executed_units/ {print $2}' "$log")
    final=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | grep -oE 'cov: [0-9]+ ft: [0-9]+' || true)
    printf '%-18s %12s executions  %s\n' "$name" "${runs:-?}" "$final"
    total=$(( total + ${runs:-0} ))
done
printf 'fuzz: %d executions in all, %d s on %d cores\n' "$total" "$elapsed" "$jobs"
