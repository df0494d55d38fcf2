#!/usr/bin/env bash
# Cross-check the wss:// recordings of captures/tls/ with tshark: decrypted
# with their key log, each must show the WebSocket frames of the
# conversation of gen/scenarios/wss_common.mjs (14 frames, 7 each way), and
# none without it.
#
#   bash captures/gen/tls-check.sh                 # every wss_tls12_*/wss_tls13_* .pcap (but wss_tls12_resume) and *.dsb.pcapng
#   bash captures/gen/tls-check.sh captures/tls/wss_tls13_aes128.pcap
#
# A NAME.pcap is read with `-o tls.keylog_file:NAME.keys`; a NAME.dsb.pcapng
# without it (its key log is in the file). For each file it prints the
# frames as DIRECTION:OPCODE:PAYLOAD_LENGTH (C>S client to server, S>C
# server to client; a "z" after the opcode: RSV1 set, compressed), their
# number each way, and how many tshark finds without the keys (0 for a
# .pcap; not tried for a .dsb.pcapng).
# Needs tshark (Debian's 4.0 is known to work). Exits non-zero when a file
# does not show the expected frames.
set -Eeuo pipefail
export LC_ALL=C
GEN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CAPTURES_DIR=$(dirname "$GEN_DIR")
PORT=443    # the server's port in every tls/ scenario (record.sh's table)
# The conversation, as this script prints it.
EXPECTED='C>S:1:17 S>C:1:17 C>S:2:5 S>C:2:5 C>S:1z:77 S>C:1z:77 C>S:2:40000 S>C:2:40000 C>S:9:11 S>C:10:11 S>C:9:11 C>S:10:11 C>S:8:5 S>C:8:5'

command -v tshark >/dev/null || { echo "tls-check: missing tool: tshark" >&2; exit 1; }
files=("$@")
if ((${#files[@]} == 0)); then
  # wss_tls12_resume has a conversation of its own (three connections)
  for f in "$CAPTURES_DIR"/tls/wss_tls1[23]_*.pcap "$CAPTURES_DIR"/tls/*.dsb.pcapng; do
    [[ $f == */wss_tls12_resume.pcap ]] || files+=("$f")
  done
fi
status=0
err=$(mktemp); trap 'rm -f -- "$err"' EXIT
for f in "${files[@]}"; do
  opts=()
  if [[ $f == *.pcap ]]; then opts=(-o "tls.keylog_file:${f%.pcap}.keys"); fi
  frames=$(tshark -r "$f" "${opts[@]}" -Y websocket -T fields -e frame.number -e tcp.dstport \
    -e websocket.opcode -e websocket.rsv -e websocket.payload_length -e websocket.payload_length_ext_16 2>"$err") ||
    { printf '%s: tshark failed:\n' "$f"; grep -v '^Running as user' "$err"; status=1; continue; }
  summary=$(awk -v port="$PORT" -F'\t' '
    { d = ($2 == port) ? "C>S" : "S>C"; n[d]++
      printf "%s%s:%s%s:%s", (NR > 1 ? " " : ""), d, $3, ($4 == "0x04" ? "z" : ""), ($6 != "" ? $6 : $5) }
    END { printf "\t%d\t%d\t%d", NR, n["C>S"], n["S>C"] }' <<<"$frames")
  IFS=$'\t' read -r list total c2s s2c <<<"$summary"
  plain='not tried (keys embedded)'
  [[ $f == *.pcapng ]] || plain=$(tshark -r "$f" -Y websocket 2>/dev/null | wc -l)
  printf '%s: %s WebSocket frames (%s C>S, %s S>C); without the keys: %s\n  %s\n' \
    "${f#"$(dirname "$CAPTURES_DIR")"/}" "$total" "$c2s" "$s2c" "$plain" "$list"
  [[ $list == "$EXPECTED" ]] || { echo "  ^ expected: $EXPECTED"; status=1; }
done
exit "$status"
