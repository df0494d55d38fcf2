# Shell helpers shared by the recorders (record.sh, violations.sh): waiting
# for a process's output or exit, showing logs, reading tcpdump's counters.
# Sourced, not run.

# wait_for_line FILE PATTERN PID SECONDS: wait until FILE has a line matching
# PATTERN; fail if PID dies first or the time runs out.
wait_for_line() {
  local file=$1 pattern=$2 pid=$3 deadline=$((SECONDS + $4))
  until grep -q -- "$pattern" "$file" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || return 1
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

# wait_exit PID SECONDS: wait for PID to exit and return its status; after
# SECONDS, kill it and return 124.
wait_exit() {
  local pid=$1 deadline=$((SECONDS + $2)) rc=0
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.05; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    return 124
  fi
  wait "$pid" || rc=$?
  return "$rc"
}

show_logs() {
  local f
  for f in "$@"; do
    [[ -s $f ]] || continue
    printf '   --- %s\n' "$(basename "$f")" >&2
    sed 's/^/   | /' "$f" >&2
  done
}

# capture_stats LOG: "captured received dropped" as tcpdump reported them.
capture_stats() {
  local n
  for n in captured 'received by filter' 'dropped by kernel'; do
    sed -n "s/^\([0-9]*\) packets\{0,1\} $n.*/\1/p" "$1" | grep . || echo -1
  done | paste -sd' '
}
