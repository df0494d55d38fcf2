#!/usr/bin/env bash
# Reads a capture while it is being made: dumpcap (pcapng) or tcpdump (pcap)
# writes to a pipe into `wsdissect -` while the ws_echo scenario runs in a
# private network namespace (loopback only). The connection's report must
# appear while the capture is still running, and the whole run must end
# cleanly once the capturing tool stops. Needs root; run after `npm install`:
#   bash captures/gen/live-check.sh            # tcpdump, classic pcap
#   bash captures/gen/live-check.sh dumpcap    # dumpcap, pcapng
set -euo pipefail
cd "$(dirname "$0")/../.."
TOOL=${1:-tcpdump}
NS=wsdissect-live
OUT=$(mktemp)
cleanup() {
  pkill -TERM -f "$TOOL .*-w - " 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT
ip netns del "$NS" 2>/dev/null || true
ip netns add "$NS"
IN=(nsenter "--net=/run/netns/$NS" --)
"${IN[@]}" ip link set lo mtu 1500 up
"${IN[@]}" ethtool -K lo tso off gso off gro off >/dev/null
case $TOOL in
  tcpdump) CAPTURE=(tcpdump -i lo -U --immediate-mode -s 0 -w - 'tcp port 8080') ;;
  dumpcap) CAPTURE=(dumpcap -q -i lo -w - -f 'tcp port 8080') ;;
  *) echo "usage: $0 [tcpdump|dumpcap]" >&2; exit 2 ;;
esac
( "${IN[@]}" "${CAPTURE[@]}" 2>/dev/null | node dist/cli.js - >"$OUT" 2>&1; echo "wsdissect exited $?" >>"$OUT" ) &
sleep 1
"${IN[@]}" timeout 20 node captures/gen/scenarios/ws_echo.mjs server 127.0.0.1 8080 >/dev/null 2>&1 &
sleep 0.5
"${IN[@]}" timeout 20 node captures/gen/scenarios/ws_echo.mjs client 127.0.0.1 8080 >/dev/null 2>&1
sleep 7
echo "while $TOOL still runs:"
grep -q '^Connection 0: ' "$OUT" || { echo "FAIL: no report yet"; cat "$OUT"; exit 1; }
grep -E '^Connection|Verdict' "$OUT"
pkill -TERM -f "$TOOL .*-w - "
for _ in $(seq 50); do grep -q 'wsdissect exited' "$OUT" && break; sleep 0.1; done
echo "after $TOOL stopped:"
grep -E '^Summary|wsdissect exited' "$OUT"
grep -q 'wsdissect exited 0' "$OUT" || { echo "FAIL"; exit 1; }
echo "OK"
