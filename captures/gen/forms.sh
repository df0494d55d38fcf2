#!/usr/bin/env bash
# Write captures/forms/: every captures/*.pcap in other capture-file forms,
# plus a few forms derived from one conversation. The analyzer must read every
# form exactly as it reads the classic pcap it was made from.
#
#   bash captures/gen/forms.sh           # (re)write captures/forms/
#   bash captures/gen/forms.sh --check   # the same, then compare every form
#                                        # with its original through tshark
#
# For each captures/NAME.pcap:
#   forms/NAME.pcapng     editcap -F pcapng      (Wireshark's pcapng writer)
#   forms/NAME.ns.pcap    editcap -F nsecpcap    (classic pcap, nanoseconds)
#   forms/NAME.be.pcap    node gen/byteswap.mjs  (classic pcap, big-endian)
#   forms/NAME.pcap.gz    gzip -n -9 of captures/NAME.pcap
#   forms/NAME.pcapng.gz  gzip -n -9 of forms/NAME.pcapng
# and:
#   forms/ws_echo.vlan.pcap  ws_echo.pcap with an 802.1Q tag (0x8100, VID 100)
#   forms/ws_echo.qinq.pcap  ws_echo.pcap with 802.1ad 0x88a8 VID 200 outside,
#                            802.1Q 0x8100 VID 100 inside  (node gen/vlan.mjs)
#   forms/merged_three_interfaces.pcapng
#       mergecap -F pcapng of ws_echo.pcap (Ethernet, microseconds),
#       forms/suricata_ping_sll.ns.pcap (Linux cooked v1, nanoseconds) and
#       forms/ws_echo_ipv6.ns.pcap (Ethernet, nanoseconds): three interfaces,
#       two link types, two timestamp resolutions (if_tsresol 6 and 9).
#
# The output is byte-for-byte reproducible with the same tool versions
# (editcap/mergecap 4.0.17, gzip 1.12). What Wireshark writes into the pcapng
# section header: editcap only shb_userappl ("Editcap (Wireshark) 4.0.17 ...");
# mergecap shb_userappl ("Mergecap (Wireshark) ...") and shb_os, the running
# kernel ("Linux <uname -r>"), so merged_three_interfaces.pcapng changes in
# those bytes when it is rewritten on another kernel.
#
# forms/ws_echo.any_sll.pcap and ws_echo.any_sll2.pcap are not written here:
# gen/record.sh records them together with captures/ws_echo.pcap.
#
# Needs editcap, mergecap, gzip and node (and tshark for --check).
set -Eeuo pipefail
export LC_ALL=C

GEN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CAPTURES_DIR=$(dirname "$GEN_DIR")
FORMS_DIR=$CAPTURES_DIR/forms
NODE=${NODE:-node}
MERGED=merged_three_interfaces.pcapng
RECORDED_TWINS=(ws_echo.any_sll.pcap ws_echo.any_sll2.pcap)   # written by record.sh

say() { printf '\033[1m[forms]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[forms] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

CHECK=0
case ${1:-} in
  '') ;;
  --check) CHECK=1 ;;
  *) die "usage: bash captures/gen/forms.sh [--check]" ;;
esac

for tool in editcap mergecap gzip "$NODE"; do
  command -v "$tool" >/dev/null || die "missing tool: $tool"
done
((CHECK == 0)) || command -v tshark >/dev/null || die "missing tool: tshark (for --check)"

mkdir -p "$FORMS_DIR"
cd "$CAPTURES_DIR"

mapfile -t BASES < <(for f in *.pcap; do printf '%s\n' "${f%.pcap}"; done)
((${#BASES[@]} > 0)) || die "no captures/*.pcap"

# write OUT CMD...: run CMD with its output file being a temporary name next
# to OUT (CMD must contain the word @OUT@ where the output goes), then move it
# into place, so that an interrupted run never leaves a half-written form.
write() {
  local out=$1; shift
  local tmp="$out.tmp" args=() a
  for a in "$@"; do [[ $a == @OUT@ ]] && args+=("$tmp") || args+=("$a"); done
  rm -f -- "$tmp"
  "${args[@]}" || { rm -f -- "$tmp"; die "failed: $*"; }
  mv -f -- "$tmp" "$out"
}
gz() { gzip -n -9 -c -- "$1" >"$2"; }

EXPECTED=()
for base in "${BASES[@]}"; do
  in=$base.pcap
  write "forms/$base.pcapng" editcap -F pcapng "$in" @OUT@
  write "forms/$base.ns.pcap" editcap -F nsecpcap "$in" @OUT@
  write "forms/$base.be.pcap" "$NODE" gen/byteswap.mjs "$in" @OUT@ --to big
  write "forms/$base.pcap.gz" gz "$in" @OUT@
  write "forms/$base.pcapng.gz" gz "forms/$base.pcapng" @OUT@
  EXPECTED+=("$base.pcapng" "$base.ns.pcap" "$base.be.pcap" "$base.pcap.gz" "$base.pcapng.gz")
done
say "${#BASES[@]} captures x 5 forms"

write forms/ws_echo.vlan.pcap "$NODE" gen/vlan.mjs ws_echo.pcap @OUT@ 0x8100:100
write forms/ws_echo.qinq.pcap "$NODE" gen/vlan.mjs ws_echo.pcap @OUT@ 0x88a8:200 0x8100:100
EXPECTED+=(ws_echo.vlan.pcap ws_echo.qinq.pcap)
say "ws_echo.vlan.pcap (802.1Q 100), ws_echo.qinq.pcap (802.1ad 200 + 802.1Q 100)"

# Interfaces are numbered in the order of the input files (0, 1, 2); the
# records are merged by timestamp, so the file starts with packets of
# interface 1 (suricata_ping_sll, 2014).
MERGE_INPUTS=(ws_echo.pcap forms/suricata_ping_sll.ns.pcap forms/ws_echo_ipv6.ns.pcap)
write "forms/$MERGED" mergecap -F pcapng -w @OUT@ "${MERGE_INPUTS[@]}"
EXPECTED+=("$MERGED")
say "$MERGED from ${MERGE_INPUTS[*]}"

# Anything else in forms/ was not written by this run: say so, delete nothing.
declare -A KNOWN=()
for name in "${EXPECTED[@]}" "${RECORDED_TWINS[@]}"; do KNOWN[$name]=1; done
for f in forms/*; do
  name=${f#forms/}
  [[ -n ${KNOWN[$name]:-} ]] || say "warning: forms/$name is not a form of any captures/*.pcap (stale?)"
done
for name in "${RECORDED_TWINS[@]}"; do
  [[ -e forms/$name ]] || say "note: forms/$name is missing (sudo bash captures/gen/record.sh ws_echo writes it)"
done

((CHECK == 1)) || { say "done"; exit 0; }

# ------------------------------------------------------------------ check --
# tshark must see, in every form, the packets of the original with the same
# number, time, length, TCP stream, sequence number and payload length.
FIELDS=(-e frame.number -e frame.time_epoch -e frame.cap_len -e tcp.stream -e tcp.seq -e tcp.len)
fields() { tshark -n -r "$1" -T fields "${FIELDS[@]}" "${@:2}" 2>/dev/null; }
failures=0
compare() { # compare NAME EXPECTED ACTUAL
  if [[ $2 == "$3" ]]; then return 0; fi
  say "MISMATCH: $1"; diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | head -5 >&2
  failures=$((failures + 1))
}
for base in "${BASES[@]}"; do
  want=$(fields "$base.pcap")
  [[ -n $want ]] || die "tshark read nothing from $base.pcap"
  for form in "$base.pcapng" "$base.ns.pcap" "$base.be.pcap" "$base.pcap.gz" "$base.pcapng.gz"; do
    compare "forms/$form" "$want" "$(fields "forms/$form")"
  done
done
# VLAN forms: the same, each frame 4 (or 8) bytes longer.
want=$(fields ws_echo.pcap)
for pair in vlan:4 qinq:8; do
  form=ws_echo.${pair%:*}.pcap grow=${pair#*:}
  compare "forms/$form" "$(awk -F'\t' -v g="$grow" 'BEGIN{OFS="\t"} {$3 += g; print}' <<<"$want")" "$(fields "forms/$form")"
  [[ $(tshark -n -r "forms/$form" -Y vlan 2>/dev/null | wc -l) -eq $(wc -l <<<"$want") ]] ||
    { say "MISMATCH: forms/$form: not every frame is VLAN-tagged for tshark"; failures=$((failures + 1)); }
done
# Merged file: interface k holds exactly the packets of input k (frame and
# stream numbers differ, so compare time, length, sequence number, length).
TIME_FIELDS=(-e frame.time_epoch -e frame.cap_len -e tcp.seq -e tcp.len)
for k in "${!MERGE_INPUTS[@]}"; do
  compare "forms/$MERGED interface $k" \
    "$(tshark -n -r "${MERGE_INPUTS[$k]}" -T fields "${TIME_FIELDS[@]}" 2>/dev/null)" \
    "$(tshark -n -r "forms/$MERGED" -Y "frame.interface_id == $k" -T fields "${TIME_FIELDS[@]}" 2>/dev/null)"
done
# The "any" twins recorded by record.sh: the same packets (not the same
# bytes: the link-layer header differs, and each capture stamped each packet
# itself, so times may differ by a few microseconds).
for twin in "${RECORDED_TWINS[@]}"; do
  [[ -e forms/$twin ]] || continue
  compare "forms/$twin (all but time and length)" \
    "$(fields ws_echo.pcap | cut -f1,4-)" "$(fields "forms/$twin" | cut -f1,4-)"
done
((failures == 0)) || die "$failures form(s) differ from their original"
say "check: every form reads like its original"
