#!/usr/bin/env bash
# Record the real WebSocket captures in captures/*.pcap.
#
#   npm run record                      # every scenario, then the crafted textbook capture
#   npm run record -- ws_echo ws_fragmented
#   bash captures/gen/record.sh --list  # names of the scenarios
#
# Each scenario runs in a private network namespace ("wsdissect-rec") whose
# loopback has MTU 1500 and TSO/GSO/GRO turned off, so TCP segments have the
# sizes a real Ethernet link gives them (at most 1448 bytes of payload next to
# the TCP timestamp option, 1428 over IPv6). tcpdump writes a classic pcap
# (microsecond timestamps, link type EN10MB, as Linux loopback gives) to a
# temporary file which replaces captures/NAME.pcap only if the scenario and
# the capture both succeed. Needs root (ip netns), tcpdump, ethtool, node, and
# /usr/bin/python3 with Debian's python3-websockets for the Python scenarios.
#
# Note: lo's tx-checksum-ip-generic offload is fixed "on", so TCP checksums in
# the recorded files are the partial (pseudo-header only) sums the kernel hands
# to the "hardware"; tshark reports them as incorrect when checksum validation
# is enabled. The IPv4 header checksums are correct.
set -Eeuo pipefail

GEN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CAPTURES_DIR=$(dirname "$GEN_DIR")
ROOT_DIR=$(dirname "$CAPTURES_DIR")
SCENARIOS=captures/gen/scenarios          # relative to ROOT_DIR
NS=${WSDISSECT_NETNS:-wsdissect-rec}
NODE=${NODE:-node}
PY=${WSDISSECT_PYTHON:-/usr/bin/python3}
SCENARIO_TIMEOUT=20                        # seconds, hard limit for a client or server

# name | address | port | server command | client command
# (commands are run from the repository root, inside the namespace; the
#  scenario scripts take "server|client ADDRESS PORT" as arguments)
SCENARIO_TABLE=$(cat <<EOF
ws_echo|127.0.0.1|8080|$NODE $SCENARIOS/ws_echo.mjs|$NODE $SCENARIOS/ws_echo.mjs
ws_echo_ipv6|::1|8081|$NODE $SCENARIOS/ws_echo.mjs|$NODE $SCENARIOS/ws_echo.mjs
ws_fragmented|127.0.0.1|9001|$NODE $SCENARIOS/ws_fragmented.mjs|$NODE $SCENARIOS/ws_fragmented.mjs
ws_large_binary|127.0.0.1|50123|$NODE $SCENARIOS/ws_large_binary.mjs|$NODE $SCENARIOS/ws_large_binary.mjs
ws_server_close|127.0.0.1|3000|$NODE $SCENARIOS/ws_server_close.mjs|$NODE $SCENARIOS/ws_server_close.mjs
ws_rejected_403|127.0.0.1|80|$NODE $SCENARIOS/ws_rejected_403.mjs|$NODE $SCENARIOS/ws_rejected_403.mjs
py_client_ws_server|127.0.0.1|8765|$NODE $SCENARIOS/ws_interop.mjs|$PY $SCENARIOS/py_interop_client.py
py_echo_deflate|127.0.0.1|12345|$PY $SCENARIOS/py_echo_deflate.py|$PY $SCENARIOS/py_echo_deflate.py
EOF
)
CRAFTED=(textbook_rfc6455)

say() { printf '\033[1m[record]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[record] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

scenario_names() { cut -d'|' -f1 <<<"$SCENARIO_TABLE"; }

if [[ ${1:-} == --list || ${1:-} == -l ]]; then
  scenario_names
  printf '%s\n' "${CRAFTED[@]}"
  exit 0
fi

# ---------------------------------------------------------------- cleanup --
PIDS=()          # background processes started by this script
WORK_DIR=''
TMP_PCAP=''

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

cleanup() {
  local rc=$?
  trap - EXIT INT TERM ERR
  kill_started
  delete_netns
  [[ -n $TMP_PCAP && -e $TMP_PCAP ]] && rm -f -- "$TMP_PCAP"
  [[ -n $WORK_DIR && -d $WORK_DIR ]] && rm -rf -- "$WORK_DIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------- preconditions --
[[ $EUID -eq 0 ]] || die "must run as root (network namespaces, tcpdump); try: sudo npm run record"
for tool in ip nsenter ethtool tcpdump timeout "$NODE"; do
  command -v "$tool" >/dev/null || die "missing tool: $tool"
done
cd "$ROOT_DIR"
[[ -d node_modules/ws ]] || die "node_modules/ws is missing: run npm install first"
WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/wsdissect-record.XXXXXX")

# ---------------------------------------------------------------- helpers --
# Prefix that runs a command inside the namespace. nsenter execs the command
# itself (recent iproute2's "ip netns exec" forks and waits instead), and it
# is used as a simple command, not through a shell function, so that for a
# background job $! is the pid of the command itself and signals reach it.
IN_NS=(nsenter "--net=/run/netns/$NS" --)

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

record_scenario() {
  local name=$1 addr=$2 port=$3 server_cmd=$4 client_cmd=$5
  local out="$CAPTURES_DIR/$name.pcap"
  local tlog="$WORK_DIR/$name.tcpdump.log" slog="$WORK_DIR/$name.server.log"
  local sout="$WORK_DIR/$name.server.out" clog="$WORK_DIR/$name.client.log"
  local tpid spid rc=0
  : >"$tlog"; : >"$slog"; : >"$sout"; : >"$clog"
  TMP_PCAP="$CAPTURES_DIR/.$name.pcap.tmp"
  rm -f -- "$TMP_PCAP"

  say "$name: namespace $NS, lo mtu 1500, offloads off, $addr port $port"
  delete_netns
  ip netns add "$NS"
  "${IN_NS[@]}" ip link set lo mtu 1500 up
  "${IN_NS[@]}" ethtool -K lo tso off gso off gro off >/dev/null

  "${IN_NS[@]}" tcpdump -i lo -w "$TMP_PCAP" -U --immediate-mode -s 0 -Z root "tcp port $port" >"$tlog" 2>&1 &
  tpid=$!; PIDS+=("$tpid")
  wait_for_line "$tlog" 'listening on' "$tpid" 10 || { show_logs "$tlog"; die "$name: tcpdump did not start"; }

  # shellcheck disable=SC2086  # commands are word lists without spaces
  "${IN_NS[@]}" timeout -k 2 "$SCENARIO_TIMEOUT" $server_cmd server "$addr" "$port" >"$sout" 2>"$slog" &
  spid=$!; PIDS+=("$spid")
  wait_for_line "$sout" '^READY' "$spid" 10 || { show_logs "$sout" "$slog"; die "$name: server did not become ready"; }

  # shellcheck disable=SC2086
  "${IN_NS[@]}" timeout -k 2 "$SCENARIO_TIMEOUT" $client_cmd client "$addr" "$port" >"$clog" 2>&1 || rc=$?
  if ((rc != 0)); then
    show_logs "$clog" "$slog"
    die "$name: client failed with status $rc"
  fi
  wait_exit "$spid" "$SCENARIO_TIMEOUT" || rc=$?
  if ((rc != 0)); then
    show_logs "$clog" "$sout" "$slog"
    die "$name: server failed with status $rc"
  fi

  # Let the last ACK of the teardown reach the capture (--immediate-mode: no
  # buffering in the capture ring either), then stop tcpdump so
  # that it flushes and closes the file and prints its statistics. (SIGTERM,
  # not SIGINT: a non-interactive bash starts background jobs with SIGINT
  # ignored; tcpdump handles both signals alike.)
  sleep 0.3
  kill -TERM "$tpid"
  wait_exit "$tpid" 10 || { show_logs "$tlog"; die "$name: tcpdump did not stop cleanly"; }
  PIDS=()
  delete_netns

  local captured received dropped
  captured=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured.*/\1/p' "$tlog")
  received=$(sed -n 's/^\([0-9]*\) packets\{0,1\} received by filter.*/\1/p' "$tlog")
  dropped=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$tlog")
  [[ ${captured:-0} -gt 0 ]] || { show_logs "$tlog"; die "$name: no packet captured"; }
  [[ ${dropped:-1} -eq 0 ]] || { show_logs "$tlog"; die "$name: the kernel dropped $dropped packets"; }
  # On lo the filter sees every packet twice (outgoing and incoming) and
  # libpcap keeps one copy: anything else means tcpdump stopped too early.
  ((received == 2 * captured)) ||
    { show_logs "$tlog"; die "$name: tcpdump wrote $captured of $((received / 2)) packets"; }
  mv -f -- "$TMP_PCAP" "$out"
  TMP_PCAP=''
  say "$name: $captured packets -> ${out#"$ROOT_DIR"/}"
  sed 's/^/   | /' "$slog" "$clog" >&2
}

record_crafted() {
  local name=$1
  case $name in
    textbook_rfc6455) "$NODE" captures/gen/textbook.mjs ;;
    *) die "unknown crafted capture: $name" ;;
  esac
}

# ------------------------------------------------------------------- main --
declare -a wanted
if (($# > 0)); then wanted=("$@"); else mapfile -t wanted < <(scenario_names; printf '%s\n' "${CRAFTED[@]}"); fi

for name in "${wanted[@]}"; do
  line=$(awk -F'|' -v n="$name" '$1 == n' <<<"$SCENARIO_TABLE")
  if [[ -n $line ]]; then
    IFS='|' read -r n addr port server_cmd client_cmd <<<"$line"
    if [[ $server_cmd == *python3* || $client_cmd == *python3* ]]; then
      "$PY" -c 'import websockets' 2>/dev/null ||
        die "$name needs $PY with the websockets package (apt-get install python3-websockets)"
    fi
    record_scenario "$n" "$addr" "$port" "$server_cmd" "$client_cmd"
  elif printf '%s\n' "${CRAFTED[@]}" | grep -qx -- "$name"; then
    record_crafted "$name"
  else
    die "unknown scenario '$name' (see: bash captures/gen/record.sh --list)"
  fi
done
say "done: ${wanted[*]}"
