#!/usr/bin/env bash
# Write tap-merged forms of committed captures into captures/tapmerge/: what a
# capture looks like when its two directions were recorded by the two ports
# of a network tap (or two SPAN sessions) whose clocks or paths differ, and
# then merged by time: one direction's packets are late, so ACKs appear
# before the data they acknowledge, answers before their questions, a
# SYN-ACK before its SYN.
#
#   bash captures/gen/tap-merge.sh              # every file in TABLE below
#   bash captures/gen/tap-merge.sh IN.pcap OUT.pcap PORT client|server SECONDS
#
# For each: the committed clean capture is split by direction with tcpdump
# (-r IN -w ... 'tcp dst port PORT' for client -> server, 'tcp src port PORT'
# for server -> client), the packets of the delayed direction are shifted
# SECONDS later with `editcap -t SECONDS`, and both halves are merged back in
# time order with `mergecap -F pcap -w` (mergecap's default, chronological
# merge; -F pcap keeps the classic microsecond pcap of the inputs, link
# type EN10MB). Only timestamps and the order of the records change; every
# packet's bytes are those of the original. The script checks that no packet
# is lost on the way, that the output differs from the input only in
# that way, and, with tshark, that ACKs of segments not yet seen
# (tcp.analysis.ack_lost_segment) now occur; it prints tshark's counts.
#
# Deterministic: the same inputs give the same bytes (same tcpdump, editcap
# and mergecap versions). Needs tcpdump, editcap, mergecap and tshark; no
# root, no traffic.
set -Eeuo pipefail
export LC_ALL=C

GEN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CAPTURES_DIR=$(dirname "$GEN_DIR")
ROOT_DIR=$(dirname "$CAPTURES_DIR")

# input (captures/NAME.pcap) | server port | delayed direction | delay (s) | output (captures/..., without .pcap)
TABLE=$(cat <<'EOF'
ws_deflate_takeover|7681|client|0.005|tapmerge/ws_deflate_takeover.skew5ms
py_echo_deflate|12345|server|0.020|tapmerge/py_echo_deflate.skew20ms
EOF
)

say() { printf '\033[1m[tap-merge]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[tap-merge] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

for tool in tcpdump editcap mergecap tshark; do
  command -v "$tool" >/dev/null || die "missing tool: $tool"
done

WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/wsdissect-tapmerge.XXXXXX")
trap 'rm -rf -- "$WORK_DIR"' EXIT

count() { tcpdump -r "$1" -nn 2>/dev/null | wc -l; }

# records FILE: one line per packet, "TIMESTAMP<TAB>HEX OF THE BYTES", in file order.
records() {
  tshark -r "$1" -T fields -e frame.time_epoch -e frame.cap_len -e frame.len 2>/dev/null |
    paste - <(tcpdump -r "$1" -nn -xx 2>/dev/null |
      awk '/^[0-9]/ { if (h != "") print h; h = ""; next } { for (i = 2; i <= NF; i++) h = h $i } END { if (h != "") print h }')
}

# tshark_count FILE FILTER: how many packets of FILE match the display filter.
tshark_count() { tshark -r "$1" -Y "$2" 2>/dev/null | wc -l; }

merge_one() {
  local in=$1 out=$2 port=$3 delayed=$4 secs=$5
  [[ -f $in ]] || die "no such capture: $in"
  [[ $delayed == client || $delayed == server ]] || die "the delayed direction is client or server, not '$delayed'"
  [[ $secs =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "bad delay '$secs'"
  local c2s="$WORK_DIR/c2s.pcap" s2c="$WORK_DIR/s2c.pcap" shifted="$WORK_DIR/shifted.pcap" tmp="$out.tmp"
  rm -f -- "$c2s" "$s2c" "$shifted" "$tmp"
  tcpdump -r "$in" -w "$c2s" "tcp dst port $port" 2>/dev/null || die "tcpdump -r $in (client -> server) failed"
  tcpdump -r "$in" -w "$s2c" "tcp src port $port" 2>/dev/null || die "tcpdump -r $in (server -> client) failed"
  local n_in n_c2s n_s2c
  n_in=$(count "$in"); n_c2s=$(count "$c2s"); n_s2c=$(count "$s2c")
  ((n_c2s + n_s2c == n_in && n_c2s > 0 && n_s2c > 0)) ||
    die "$in: $n_c2s + $n_s2c packets by direction, $n_in in all"
  if [[ $delayed == client ]]; then
    editcap -F pcap -t "$secs" "$c2s" "$shifted"
    mkdir -p "$(dirname "$out")"
    mergecap -F pcap -w "$tmp" "$shifted" "$s2c"
  else
    editcap -F pcap -t "$secs" "$s2c" "$shifted"
    mkdir -p "$(dirname "$out")"
    mergecap -F pcap -w "$tmp" "$c2s" "$shifted"
  fi
  # The same packets, bytes unchanged, each of the delayed direction exactly
  # SECONDS later (the lists are compared sorted by time, then bytes).
  local usecs hport
  usecs=$(awk -v s="$secs" 'BEGIN { printf "%.0f", s * 1000000 }')
  hport=$(printf '%04x' "$port")
  diff <(records "$in" | awk -F'\t' -v hp="$hport" -v d="$delayed" -v u="$usecs" '
           { split($1, t, "."); us = t[1] * 1000000 + substr(t[2] "000000", 1, 6)
             from_server = substr($4, 69, 4) == hp   # the TCP source port (Ethernet, IPv4 without options)
             if ((d == "client" && !from_server) || (d == "server" && from_server)) us += u
             printf "%.0f\t%s\t%s\t%s\n", us, $2, $3, $4 }' | sort -t$'\t' -k1,1n -k4,4) \
       <(records "$tmp" | awk -F'\t' '
           { split($1, t, "."); us = t[1] * 1000000 + substr(t[2] "000000", 1, 6)
             printf "%.0f\t%s\t%s\t%s\n", us, $2, $3, $4 }' | sort -t$'\t' -k1,1n -k4,4) >/dev/null ||
    die "$out: the merged file does not hold the original packets, one direction $secs s later"
  [[ $(head -c 24 "$tmp" | od -An -tx1 | tr -d ' \n') == "$(head -c 24 "$in" | od -An -tx1 | tr -d ' \n')" ]] ||
    die "$out: its file header differs from the input's"
  mv -f -- "$tmp" "$out"
  local ack_lost ooo lost
  ack_lost=$(tshark_count "$out" tcp.analysis.ack_lost_segment)
  ooo=$(tshark_count "$out" tcp.analysis.out_of_order)
  lost=$(tshark_count "$out" tcp.analysis.lost_segment)
  ((ack_lost > 0)) || die "$out: tshark sees no ACK of an unseen segment"
  local late='client -> server'
  [[ $delayed == client ]] || late='server -> client'
  say "${out#"$ROOT_DIR"/}: $n_in packets ($n_c2s client -> server, $n_s2c server -> client), $late $secs s later; tshark: $ack_lost tcp.analysis.ack_lost_segment, $ooo tcp.analysis.out_of_order, $lost tcp.analysis.lost_segment"
}

if (($# == 0)); then
  while IFS='|' read -r name port delayed secs out; do
    merge_one "$CAPTURES_DIR/$name.pcap" "$CAPTURES_DIR/$out.pcap" "$port" "$delayed" "$secs"
  done <<<"$TABLE"
elif (($# == 5)); then
  merge_one "$@"
else
  die "usage: bash captures/gen/tap-merge.sh [IN.pcap OUT.pcap PORT client|server SECONDS]"
fi
