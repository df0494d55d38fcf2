#!/usr/bin/env bash
# Records captures/violations/CODE.pcap, one capture per wsdissect diagnostic
# code, then writes captures/violations/expected.json (packet numbers located
# with tshark). Needs root (network namespace, tcpdump), node, tcpdump, tshark.
# No npm, no node_modules:
#
#   bash captures/gen/violations.sh                       # everything (~2 min)
#   bash captures/gen/violations.sh frame.client-unmasked tcp.gap   # only these
#   bash captures/gen/violations.sh --list                # the codes
#   node captures/gen/violations.mjs show CODE            # what a scenario sends
#
# Every scenario runs in a fresh private network namespace ($NS) whose only
# interface is its loopback (MTU 1500, TSO/GSO/GRO off), like record.sh: a raw
# Node `net` server and client (captures/gen/violations.mjs) talk over
# 127.0.0.1 on the scenario's own port while
#   tcpdump -i lo -y EN10MB -U --immediate-mode -s SNAPLEN -w FILE 'tcp port P'
# records them (SNAPLEN 0, i.e. 262144, except for capture.truncated-packet).
# The captures that must be rewritten (crafted) are first recorded the same way
# into a temporary file, then rewritten by `violations.mjs craft`.
# Each side of a scenario is bounded by `timeout`; the namespace is deleted and
# every process this script started is stopped on exit, success or not.
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GEN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CAPTURES_DIR=$(dirname "$GEN_DIR")
ROOT_DIR=$(dirname "$CAPTURES_DIR")
OUT_DIR=$CAPTURES_DIR/violations
GEN=captures/gen/violations.mjs             # relative to ROOT_DIR
NS=${WSDISSECT_NETNS:-wsdissect-viol}
NODE=${NODE:-node}
ADDR=127.0.0.1
SIDE_TIMEOUT=15                              # seconds, hard limit for a client or server

say() { printf '\033[1m[violations]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[violations] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

cd "$ROOT_DIR"
if [[ ${1:-} == --list || ${1:-} == -l ]]; then
  "$NODE" "$GEN" list
  exit 0
fi

# ---------------------------------------------------------------- cleanup --
PIDS=()          # background processes started by this script
WORK_DIR=''

cleanup() {
  local rc=$?
  trap - EXIT INT TERM ERR
  kill_started
  delete_netns
  [[ -n $WORK_DIR && -d $WORK_DIR ]] && rm -rf -- "$WORK_DIR"
  rm -f -- "$OUT_DIR"/.*.tmp
  ((rc == 0)) || printf '\033[1;31m[violations] FAILED (status %d)\033[0m\n' "$rc" >&2
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------- preconditions --
[[ $EUID -eq 0 ]] || die "must run as root (network namespaces, tcpdump); try: sudo bash $0"
for tool in ip nsenter ethtool tcpdump tshark timeout "$NODE"; do
  command -v "$tool" >/dev/null || die "missing tool: $tool"
done
mkdir -p "$OUT_DIR"
WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/wsdissect-violations.XXXXXX")
PLAN=$("$NODE" "$GEN" plan "$@") || die "bad scenario name (see: bash $0 --list)"

IN_NS=(nsenter "--net=/run/netns/$NS" --)

# record CODE PORT SNAPLEN OUT: run the scenario CODE in a fresh namespace and
# record it into OUT.
record() {
  local code=$1 port=$2 snaplen=$3 out=$4
  local tlog="$WORK_DIR/$code.tcpdump.log" slog="$WORK_DIR/$code.server.log"
  local sout="$WORK_DIR/$code.server.out" clog="$WORK_DIR/$code.client.log"
  local tmp tpid spid rc=0
  tmp="$(dirname "$out")/.$(basename "$out").tmp"
  : >"$tlog"; : >"$slog"; : >"$sout"; : >"$clog"
  rm -f -- "$tmp"

  delete_netns
  ip netns add "$NS"
  "${IN_NS[@]}" ip link set lo mtu 1500 up
  "${IN_NS[@]}" ethtool -K lo tso off gso off gro off >/dev/null

  "${IN_NS[@]}" tcpdump -i lo -y EN10MB -w "$tmp" -U --immediate-mode -s "$snaplen" -Z root "tcp port $port" >"$tlog" 2>&1 &
  tpid=$!; PIDS+=("$tpid")
  wait_for_line "$tlog" 'listening on' "$tpid" 10 || { show_logs "$tlog"; die "$code: tcpdump did not start"; }

  "${IN_NS[@]}" timeout -k 2 "$SIDE_TIMEOUT" "$NODE" "$GEN" server "$code" "$ADDR" "$port" >"$sout" 2>"$slog" &
  spid=$!; PIDS+=("$spid")
  wait_for_line "$sout" '^READY' "$spid" 10 || { show_logs "$sout" "$slog"; die "$code: server did not become ready"; }

  "${IN_NS[@]}" timeout -k 2 "$SIDE_TIMEOUT" "$NODE" "$GEN" client "$code" "$ADDR" "$port" >"$clog" 2>&1 || rc=$?
  ((rc == 0)) || { show_logs "$clog" "$slog"; die "$code: client failed with status $rc"; }
  wait_exit "$spid" "$SIDE_TIMEOUT" || rc=$?
  ((rc == 0)) || { show_logs "$clog" "$sout" "$slog"; die "$code: server failed with status $rc"; }

  # Let the last ACK reach the capture, then stop tcpdump (SIGTERM: it flushes
  # the file and prints its statistics).
  sleep 0.3
  kill -TERM "$tpid"
  wait_exit "$tpid" 10 || { show_logs "$tlog"; die "$code: tcpdump did not stop cleanly"; }
  PIDS=()
  delete_netns

  local captured received dropped
  read -r captured received dropped < <(capture_stats "$tlog")
  ((captured > 0)) || { show_logs "$tlog"; die "$code: no packet captured"; }
  ((dropped == 0)) || { show_logs "$tlog"; die "$code: the kernel dropped $dropped packets"; }
  # On lo the filter sees each packet twice (out and in); libpcap keeps one.
  ((received == 2 * captured)) || { show_logs "$tlog"; die "$code: tcpdump wrote $captured of $((received / 2)) packets"; }
  mv -f -- "$tmp" "$out"
  say "$code: port $port, $captured packets$( ((snaplen == 0)) || echo ", snapshot length $snaplen") -> ${out#"$ROOT_DIR"/}"
  if [[ -n ${VERBOSE:-} ]]; then sed 's/^/   | /' "$clog" "$slog" >&2; fi
}

while IFS='|' read -r code port snaplen kind; do
  case $kind in
    recorded) record "$code" "$port" "$snaplen" "$OUT_DIR/$code.pcap" ;;
    crafted)
      record "$code" "$port" "$snaplen" "$WORK_DIR/$code.base.pcap"
      "$NODE" "$GEN" craft "$code" "$WORK_DIR/$code.base.pcap" "$OUT_DIR" || die "$code: crafting failed"
      ;;
    *) die "bad plan line: $code|$port|$snaplen|$kind" ;;
  esac
done <<<"$PLAN"

"$NODE" "$GEN" expected "$OUT_DIR" || die "could not write expected.json"
say "done"
