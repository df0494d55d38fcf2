# Shell helpers shared by the recorders (record.sh, violations.sh): waiting
# for a process's output or exit, showing logs, reading tcpdump's counters.
# Sourced, not run. They use the caller's NS (namespace name) and PIDS (the
# processes it started).

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

kill_started() {
  local pid
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}

delete_netns() {
  if ip netns list 2>/dev/null | awk '{print $1}' | grep -qxF -- "$NS"; then
    # Kill what is left of our own scenario processes inside it, then delete it.
    ip netns pids "$NS" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
  fi
  # A stale mount point can outlive a crashed run.
  [[ -e /run/netns/$NS ]] && { umount "/run/netns/$NS" 2>/dev/null || true; rm -f "/run/netns/$NS"; }
  return 0
}
