#!/usr/bin/env bash
# Write captures/cut/: committed clean captures with the upgrade request
# missing, as a capture started too late (a ring buffer, a tap switched on
# during the conversation) or one that lost the request's packet shows them:
# the server's 101 Switching Protocols answers a request the file does not
# hold, and the frames follow.
#
#   bash captures/gen/cut-start.sh                  # every file in TABLE below
#   bash captures/gen/cut-start.sh IN.pcap OUT.pcap RANGES...   # another one
#
# Each output is `editcap -F pcap -r IN OUT RANGES` (the records kept, in
# their order, bytes and timestamps unchanged). The script checks that the
# output holds exactly the kept records, that the upgrade request is not among
# them while the 101 is, and prints tshark's count of WebSocket frames (it
# finds none without the request). Deterministic; needs editcap and tshark;
# no root, no traffic.
set -Eeuo pipefail
export LC_ALL=C

GEN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CAPTURES_DIR=$(dirname "$GEN_DIR")

# input (captures/NAME.pcap) | records kept | output (captures/..., without .pcap)
TABLE=$(cat <<'EOF'
ws_echo|5-25|cut/ws_echo.after-request
ws_echo|1-3 5-25|cut/ws_echo.request-lost
py_echo_deflate|5-28|cut/py_echo_deflate.after-request
EOF
)

cut_one() {
  local in=$1 out=$2
  shift 2
  # shellcheck disable=SC2068
  editcap -F pcap -r "$in" "$out" $@
  local kept total
  kept=$(tshark -r "$out" -T fields -e frame.number | wc -l)
  total=0
  for range in $@; do
    local a=${range%-*} b=${range#*-}
    total=$((total + b - a + 1))
  done
  [ "$kept" -eq "$total" ] || { echo "cut-start: $out holds $kept records, not $total" >&2; exit 1; }
  [ "$(tshark -r "$out" -Y 'http.request' | wc -l)" -eq 0 ] || { echo "cut-start: $out still holds a request" >&2; exit 1; }
  [ "$(tshark -r "$out" -Y 'http.response.code == 101' | wc -l)" -eq 1 ] || { echo "cut-start: $out lacks the 101" >&2; exit 1; }
  echo "$out: $kept records; tshark WebSocket frames: $(tshark -r "$out" -Y websocket | wc -l)"
}

if [ $# -ge 3 ]; then
  in=$1 out=$2
  shift 2
  cut_one "$in" "$out" "$@"
  exit 0
fi

mkdir -p "$CAPTURES_DIR/cut"
while IFS='|' read -r name ranges out; do
  # shellcheck disable=SC2086
  cut_one "$CAPTURES_DIR/$name.pcap" "$CAPTURES_DIR/$out.pcap" $ranges
done <<<"$TABLE"
