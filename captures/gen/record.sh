#!/usr/bin/env bash
# Record the real WebSocket captures in captures/*.pcap.
#
#   npm run record                      # every scenario, then the crafted textbook capture
#   npm run record -- ws_echo ws_fragmented
#   npm run record -- app/stomp_ws      # writes captures/app/stomp_ws.pcap
#   bash captures/gen/record.sh --list  # names of the scenarios
#   npm run record -- snaplen           # captures/snaplen/deflate_{full,s120,s200}.pcap
#   npm run record -- mixed_network mixed_midstream   # runs gen/mixed.sh
#   npm run record -- tapmerge          # runs gen/tap-merge.sh
#   npm run record -- tls/wss_tls13_aes128   # captures/tls/wss_tls13_aes128.{pcap,keys}
#   npm run record -- browser/chromium_ws_plain  # captures/browser/chromium_ws_plain.pcap
#   npm run record -- h2/h2c_ws          # captures/h2/h2c_ws.pcap (WebSocket over HTTP/2)
#   npm run record -- bench/ws_busy     # bench-data/ws-real-100mb.pcap (not in the default run)
#
# The scenarios named app/NAME (application protocols over WebSocket: STOMP,
# SockJS, Socket.IO, MQTT, GraphQL, JSON-RPC) run captures/gen/app/NAME.mjs
# with the libraries of the separate package captures/gen/app/ (its own
# package.json and package-lock.json; the root package does not depend on
# them). When captures/gen/app/node_modules is missing, the script first runs
# `npm ci --prefix captures/gen/app`. Their captures go to captures/app/.
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
# For the scenarios listed in ANY_TWINS (ws_echo), two more tcpdumps run at the
# same time on the pseudo-interface "any" of the namespace (whose only
# interface is lo), with the same filter: one with -y LINUX_SLL (Linux cooked
# v1, link type 113) and one with -y LINUX_SLL2 (Linux cooked v2, 276).
# They write captures/forms/NAME.any_sll.pcap and NAME.any_sll2.pcap, which
# hold the same packets as captures/NAME.pcap, in the same order (checked),
# and are replaced together with it. Their timestamps differ by a few
# microseconds: every packet socket stamps a packet when the packet reaches it
# (TCP's packets on lo carry a monotonic departure time, so the kernel keeps
# no reception timestamp for them to share), the "any" sockets just before
# the lo one; the script reports how many differ and by how much at most.
#
# The sets in SNAP_SETS ("snaplen") run one scenario once with one tcpdump
# per snapshot length, all on lo at the same time (-s 0, -s 120, -s 200 for
# ws_deflate_takeover), into the files the set names (captures/snaplen/);
# the scenario's own capture captures/NAME.pcap is not touched. The files
# must hold the same packets in the same order, the shorter ones cut
# (checked byte for byte by gen/snap-compare.mjs).
#
# The scenarios named tls/NAME (wss://: gen/scenarios/wss_common.mjs with one
# TLS version and cipher suite each, three other implementations:
# py_wss_tls13.py, chromium_wss.mjs, openssl_keyupdate.mjs, then
# openssl_tls12_cbc.mjs and wss_tls12_resume.mjs, then the headless Chromium
# ones of gen/scenarios/chromium_common.mjs, chromium_tls13_*.mjs and
# chromium_tls12_*.mjs, whose plain ws:// twin browser/chromium_ws_plain
# writes captures/browser/chromium_ws_plain.pcap) also write the
# TLS session keys in the NSS key log format (SSLKEYLOGFILE) to
# captures/tls/NAME.keys, beside captures/tls/NAME.pcap. The script makes a
# fresh self-signed certificate (openssl req, RSA 2048, CN and
# subjectAltName wss.test) in its temporary directory and hands the scenario
# the paths in the environment (WSDISSECT_TLS_CERT, WSDISSECT_TLS_KEY); the
# client writes its key log to WSDISSECT_KEYLOG (a temporary file next to the
# final one: Node's 'keylog' event, Python's SSLContext.keylog_filename,
# Chromium's SSLKEYLOGFILE, s_client's -keylogfile), the server its own to
# WSDISSECT_KEYLOG_SERVER. The two must hold the same lines (comment lines
# aside), all of one session (one client random): 5 for TLS 1.3 (and the
# CLIENT_/SERVER_TRAFFIC_SECRET_N lines OpenSSL adds at each KeyUpdate), 1
# (CLIENT_RANDOM) for TLS 1.2; for a browser (KEYLOG_SESSIONS), the client's
# may hold several sessions and must hold all of the server's lines (see
# check_keylog); for several TLS 1.2 connections (TLS12_SESSIONS:
# tls/wss_tls12_resume, one session resumed twice), one CLIENT_RANDOM line
# per client random, and the script also writes NAME.first-only.keys, the
# first connection's line alone. The .keys file (and the first-only one) is
# replaced together with the .pcap, only when both are good. For the names in
# DSB_PCAPNG (tls/wss_tls13_aes128), `editcap --inject-secrets` (Wireshark's
# editcap) also writes captures/tls/NAME.dsb.pcapng: the same packets in
# pcapng with the key log in a Decryption Secrets Block, replaced together
# with the other two.
#
# The scenarios named h2/NAME record WebSocket over HTTP/2 (RFC 8441, the
# extended CONNECT) into captures/h2/NAME.pcap: gen/scenarios/h2_common.mjs,
# a Node `http2` client and server (SETTINGS_ENABLE_CONNECT_PROTOCOL from the
# server) with `ws`'s own framing, extension and closing code on the streams:
# one connection carrying plain requests, two WebSockets at the same time and
# a refused extended CONNECT. h2/h2c_ws is HTTP/2 in the clear with prior
# knowledge (the client starts with the connection preface), on port 8200,
# which tshark decodes with `-d tcp.port==8200,http2`. Over TLS they are
# tls/ scenarios like the others above, with the same key log checks:
# tls/h2_ws_tls13 (the same conversation, TLS 1.3, ALPN h2 only) and
# tls/chromium_h2_ws (headless Chromium opening two WebSockets on its page's
# HTTP/2 connection; in KEYLOG_SESSIONS, as the other browser scenarios).
#
# The scenarios of BENCH_TABLE (bench/ws_busy: gen/scenarios/ws_busy.mjs, a
# busy `ws` echo service of 4 connections, about 200 000 frames and 100 MB)
# make the real recordings that test/bench/bench.mjs measures beside its
# generated capture. They are recorded as the others (same namespace, lo MTU
# 1500, offloads off, same checks), with a 64 MiB capture buffer (-B; the
# default 2 MiB drops packets at this rate) and a longer time limit
# (BENCH_TIMEOUT), into the file the table names under bench-data/, which
# git ignores: they are not committed, not in the default run, and not
# moved by WSDISSECT_RECORD_OUT.
#
# Three more names run the other recorders: mixed_network and
# mixed_midstream run gen/mixed.sh (WebSocket among other TCP traffic, and a
# capture that starts in the middle of its connections; it also needs sshd,
# redis, MariaDB, Samba, curl and openssl, so these two are not in the
# default run), and tapmerge runs gen/tap-merge.sh (tap-merged forms of
# committed captures, after the scenarios in the default run).
#
# WSDISSECT_RECORD_OUT=DIR writes a scenario's files under DIR instead of
# captures/ (DIR/NAME.pcap, DIR/tls/NAME.keys, ..., the same relative paths),
# leaving the committed captures alone: for checking that a changed scenario
# still records the same conversation. It covers the scenarios of
# SCENARIO_TABLE and SNAP_SETS, not the crafted capture nor the other
# recorders (mixed_*, tapmerge), which always write to captures/.
#   sudo WSDISSECT_RECORD_OUT=/tmp/rec npm run record -- tls/openssl_keyupdate
#
# Note: lo's tx-checksum-ip-generic offload is fixed "on", so TCP checksums in
# the recorded files are the partial (pseudo-header only) sums the kernel hands
# to the "hardware"; tshark reports them as incorrect when checksum validation
# is enabled. The IPv4 header checksums are correct.
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GEN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CAPTURES_DIR=$(dirname "$GEN_DIR")
ROOT_DIR=$(dirname "$CAPTURES_DIR")
# where the recorded files go (see WSDISSECT_RECORD_OUT above)
OUT_DIR=${WSDISSECT_RECORD_OUT:-$CAPTURES_DIR}
SCENARIOS=captures/gen/scenarios          # relative to ROOT_DIR
APP=captures/gen/app                       # relative to ROOT_DIR; its own npm package
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
ws_deflate_takeover|127.0.0.1|7681|$NODE $SCENARIOS/ws_deflate_takeover.mjs|$NODE $SCENARIOS/ws_deflate_takeover.mjs
ws_deflate_no_takeover|127.0.0.1|7682|$NODE $SCENARIOS/ws_deflate_no_takeover.mjs|$NODE $SCENARIOS/ws_deflate_no_takeover.mjs
py_deflate_fragmented|127.0.0.1|7683|$PY $SCENARIOS/py_deflate_fragmented.py|$PY $SCENARIOS/py_deflate_fragmented.py
chromium_deflate|127.0.0.1|8090|$NODE $SCENARIOS/chromium_deflate.mjs|$NODE $SCENARIOS/chromium_deflate.mjs
app/stomp_ws|127.0.0.1|61614|$NODE $APP/stomp_ws.mjs|$NODE $APP/stomp_ws.mjs
app/sockjs_stomp|127.0.0.1|15674|$NODE $APP/sockjs_stomp.mjs|$NODE $APP/sockjs_stomp.mjs
app/socketio|127.0.0.1|3100|$NODE $APP/socketio.mjs|$NODE $APP/socketio.mjs
app/socketio_v2|127.0.0.1|3102|$NODE $APP/socketio_v2.mjs|$NODE $APP/socketio_v2.mjs
app/mqtt_v311|127.0.0.1|8083|$NODE $APP/mqtt_v311.mjs|$NODE $APP/mqtt_v311.mjs
app/mqtt_v5|127.0.0.1|8084|$NODE $APP/mqtt_v5.mjs|$NODE $APP/mqtt_v5.mjs
app/graphql_transport_ws|127.0.0.1|4000|$NODE $APP/graphql_transport_ws.mjs|$NODE $APP/graphql_transport_ws.mjs
app/graphql_ws_legacy|127.0.0.1|4001|$NODE $APP/graphql_ws_legacy.mjs|$NODE $APP/graphql_ws_legacy.mjs
app/jsonrpc|127.0.0.1|8546|$NODE $APP/jsonrpc.mjs|$NODE $APP/jsonrpc.mjs
tls/wss_tls13_aes128|127.0.0.1|443|$NODE $SCENARIOS/wss_tls13_aes128.mjs|$NODE $SCENARIOS/wss_tls13_aes128.mjs
tls/wss_tls13_aes256|127.0.0.1|443|$NODE $SCENARIOS/wss_tls13_aes256.mjs|$NODE $SCENARIOS/wss_tls13_aes256.mjs
tls/wss_tls13_chacha|127.0.0.1|443|$NODE $SCENARIOS/wss_tls13_chacha.mjs|$NODE $SCENARIOS/wss_tls13_chacha.mjs
tls/wss_tls12_aes128gcm|127.0.0.1|443|$NODE $SCENARIOS/wss_tls12_aes128gcm.mjs|$NODE $SCENARIOS/wss_tls12_aes128gcm.mjs
tls/wss_tls12_aes256gcm|127.0.0.1|443|$NODE $SCENARIOS/wss_tls12_aes256gcm.mjs|$NODE $SCENARIOS/wss_tls12_aes256gcm.mjs
tls/wss_tls12_chacha|127.0.0.1|443|$NODE $SCENARIOS/wss_tls12_chacha.mjs|$NODE $SCENARIOS/wss_tls12_chacha.mjs
tls/wss_tls12_cbc|127.0.0.1|443|$NODE $SCENARIOS/wss_tls12_cbc.mjs|$NODE $SCENARIOS/wss_tls12_cbc.mjs
tls/py_wss_tls13|127.0.0.1|443|$PY $SCENARIOS/py_wss_tls13.py|$PY $SCENARIOS/py_wss_tls13.py
tls/chromium_wss|127.0.0.1|443|$NODE $SCENARIOS/chromium_wss.mjs|$NODE $SCENARIOS/chromium_wss.mjs
tls/openssl_keyupdate|127.0.0.1|443|$NODE $SCENARIOS/openssl_keyupdate.mjs|$NODE $SCENARIOS/openssl_keyupdate.mjs
tls/openssl_tls12_cbc|127.0.0.1|443|$NODE $SCENARIOS/openssl_tls12_cbc.mjs|$NODE $SCENARIOS/openssl_tls12_cbc.mjs
tls/wss_tls12_resume|127.0.0.1|443|$NODE $SCENARIOS/wss_tls12_resume.mjs|$NODE $SCENARIOS/wss_tls12_resume.mjs
tls/chromium_tls13_aes128|127.0.0.1|443|$NODE $SCENARIOS/chromium_tls13_aes128.mjs|$NODE $SCENARIOS/chromium_tls13_aes128.mjs
tls/chromium_tls13_aes256|127.0.0.1|443|$NODE $SCENARIOS/chromium_tls13_aes256.mjs|$NODE $SCENARIOS/chromium_tls13_aes256.mjs
tls/chromium_tls13_chacha|127.0.0.1|443|$NODE $SCENARIOS/chromium_tls13_chacha.mjs|$NODE $SCENARIOS/chromium_tls13_chacha.mjs
tls/chromium_tls12_aes128gcm|127.0.0.1|443|$NODE $SCENARIOS/chromium_tls12_aes128gcm.mjs|$NODE $SCENARIOS/chromium_tls12_aes128gcm.mjs
tls/chromium_tls12_aes256gcm|127.0.0.1|443|$NODE $SCENARIOS/chromium_tls12_aes256gcm.mjs|$NODE $SCENARIOS/chromium_tls12_aes256gcm.mjs
tls/chromium_tls12_chacha|127.0.0.1|443|$NODE $SCENARIOS/chromium_tls12_chacha.mjs|$NODE $SCENARIOS/chromium_tls12_chacha.mjs
tls/chromium_tls12_cbc|127.0.0.1|443|$NODE $SCENARIOS/chromium_tls12_cbc.mjs|$NODE $SCENARIOS/chromium_tls12_cbc.mjs
browser/chromium_ws_plain|127.0.0.1|80|$NODE $SCENARIOS/chromium_ws_plain.mjs|$NODE $SCENARIOS/chromium_ws_plain.mjs
h2/h2c_ws|127.0.0.1|8200|$NODE $SCENARIOS/h2c_ws.mjs|$NODE $SCENARIOS/h2c_ws.mjs
tls/h2_ws_tls13|127.0.0.1|443|$NODE $SCENARIOS/h2_ws_tls13.mjs|$NODE $SCENARIOS/h2_ws_tls13.mjs
tls/chromium_h2_ws|127.0.0.1|443|$NODE $SCENARIOS/chromium_h2_ws.mjs|$NODE $SCENARIOS/chromium_h2_ws.mjs
EOF
)
# Recordings for the benchmark (see above): the same columns, then the
# capture file, relative to the repository root.
BENCH_TABLE=$(cat <<EOF
bench/ws_busy|127.0.0.1|8080|$NODE $SCENARIOS/ws_busy.mjs|$NODE $SCENARIOS/ws_busy.mjs|bench-data/ws-real-100mb.pcap
EOF
)
BENCH_TIMEOUT=120                          # seconds, the same limit for BENCH_TABLE's scenarios
CRAFTED=(textbook_rfc6455)
# Scenarios also captured on "any" (Linux cooked v1 and v2), see above.
ANY_TWINS=(ws_echo)
# wss:// scenarios whose key log is also embedded in a pcapng, see above.
DSB_PCAPNG=(tls/wss_tls13_aes128)
# wss:// scenarios whose client key log may hold several sessions (see check_keylog).
KEYLOG_SESSIONS=(tls/chromium_wss tls/chromium_tls13_aes128 tls/chromium_tls13_aes256 tls/chromium_tls13_chacha
  tls/chromium_tls12_aes128gcm tls/chromium_tls12_aes256gcm tls/chromium_tls12_chacha tls/chromium_tls12_cbc
  tls/chromium_h2_ws)
# wss:// scenarios of several TLS 1.2 connections, one CLIENT_RANDOM line each
# (see check_keylog); their NAME.first-only.keys holds the first line alone.
TLS12_SESSIONS=(tls/wss_tls12_resume)
# Snapshot-length sets: name | scenario | SNAPLEN:FILE ... (FILE relative to
# captures/, without .pcap; the first, with SNAPLEN 0, is the full capture
# the others are compared with), see above.
SNAP_SETS=$(cat <<'EOF'
snaplen|ws_deflate_takeover|0:snaplen/deflate_full 120:snaplen/deflate_s120 200:snaplen/deflate_s200
EOF
)
# Captures made by the other recorders (see above); MIXED is not in the default run.
MIXED=(mixed_network mixed_midstream)
DERIVED=(tapmerge)

say() { printf '\033[1m[record]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[record] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

scenario_names() { cut -d'|' -f1 <<<"$SCENARIO_TABLE"; }
snap_set_names() { cut -d'|' -f1 <<<"$SNAP_SETS"; }

if [[ ${1:-} == --list || ${1:-} == -l ]]; then
  scenario_names
  snap_set_names
  cut -d'|' -f1 <<<"$BENCH_TABLE"
  printf '%s\n' "${CRAFTED[@]}" "${MIXED[@]}" "${DERIVED[@]}"
  exit 0
fi

# ---------------------------------------------------------------- cleanup --
PIDS=()          # background processes started by this script
WORK_DIR=''
TMP_FILES=()     # temporary capture files of the scenario being recorded

cleanup() {
  local rc=$?
  trap - EXIT INT TERM ERR
  kill_started
  delete_netns
  ((${#TMP_FILES[@]} == 0)) || rm -f -- "${TMP_FILES[@]}"
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

# packet_lines FILE: one line per packet, "SECONDS.MICROSECONDS<TAB>the IP
# and TCP decoding" (absolute sequence numbers), without the link-layer part
# that differs between lo and "any" ("lo In " or "In " before "IP").
packet_lines() {
  tcpdump -r "$1" -tt -nn -S -v 2>/dev/null |
    awk '/^[0-9]/ { if (line != "") print line; line = $0; next } { line = line " " $0 } END { if (line != "") print line }' |
    sed -E 's/^([0-9]+\.[0-9]+) .*\<(IP6?) /\1\t\2 /'
}

# compare_twin A B: succeed if B holds the same packets as A, in the same
# order; print how many timestamps differ and by how much at most (usually
# 1-3 µs, but now and then one packet reaches the lo socket a millisecond or
# more after the "any" ones, e.g. when the virtual CPU is paused).
compare_twin() {
  local a b
  a=$(packet_lines "$1"); b=$(packet_lines "$2")
  [[ $(cut -f2- <<<"$a") == "$(cut -f2- <<<"$b")" ]] || {
    diff <(cut -f2- <<<"$a") <(cut -f2- <<<"$b") | head -10 >&2
    return 1
  }
  paste <(cut -f1 <<<"$a") <(cut -f1 <<<"$b") | awk -F'\t' '
    function us(t,  p) { split(t, p, "."); return p[1] * 1000000 + p[2] }
    { d = us($2) - us($1); if (d < 0) d = -d; if (d > 0) n++; if (d > max) max = d }
    END { printf "%d packets, %d timestamps differ, by at most %d us\n", NR, n, max }'
}

# make_tls_cert: the wss:// server's certificate and key, made once per run
# in WORK_DIR (nothing secret is committed) and handed to the tls/ scenarios
# through the environment.
make_tls_cert() {
  [[ -z ${WSDISSECT_TLS_CERT:-} ]] || return 0
  command -v openssl >/dev/null || die "missing tool: openssl (for the tls/ scenarios)"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=wss.test \
    -addext 'subjectAltName=DNS:wss.test' \
    -keyout "$WORK_DIR/tls.key" -out "$WORK_DIR/tls.crt" 2>"$WORK_DIR/openssl-req.log" ||
    { show_logs "$WORK_DIR/openssl-req.log"; die "openssl req failed"; }
  export WSDISSECT_TLS_CERT="$WORK_DIR/tls.crt" WSDISSECT_TLS_KEY="$WORK_DIR/tls.key"
}

# check_keylog NAME CLIENT_KEYS SERVER_KEYS: the client's key log is the
# server's (same lines, any order), of one session, with the lines TLS 1.3
# or TLS 1.2 gives; print a one-line summary. Comment lines ('#', as
# Python's ssl module writes at the top of a new file) are allowed and left
# out of the comparison. For the names in KEYLOG_SESSIONS (a browser's
# SSLKEYLOGFILE: every TLS connection it made, the page's as well as the
# WebSocket's), the client's log may hold several sessions, all with the 5
# TLS 1.3 lines or all with one TLS 1.2 CLIENT_RANDOM line, and must hold
# every line of the server's (which logs every connection it accepted). For the names in TLS12_SESSIONS (several TLS 1.2
# connections), the same lines each side, one CLIENT_RANDOM line per client
# random.
check_keylog() {
  local name=$1 keys=$2 server_keys=$3 labels randoms r kinds=''
  local secrets server_secrets
  [[ -s $keys ]] || die "$name: the client wrote no key log"
  [[ -s $server_keys ]] || die "$name: the server wrote no key log"
  secrets=$(grep -v '^#' "$keys" | sort) || true
  server_secrets=$(grep -v '^#' "$server_keys" | sort) || true
  [[ -n $secrets ]] || die "$name: the client's key log holds only comments"
  grep -Evq '^[A-Z0-9_]+ [0-9a-f]{64} [0-9a-f]+$' <<<"$secrets" && die "$name: a key log line is not in the NSS format"
  randoms=$(cut -d' ' -f2 <<<"$secrets" | sort -u | wc -l)
  if [[ " ${KEYLOG_SESSIONS[*]} " == *" $name "* ]]; then
    [[ -z $(comm -13 <(echo "$secrets") <(echo "$server_secrets")) ]] ||
      { comm -13 <(echo "$secrets") <(echo "$server_secrets") | head -10 >&2; die "$name: the server logged lines the client did not"; }
    for r in $(cut -d' ' -f2 <<<"$secrets" | sort -u); do
      labels=$(grep " $r " <<<"$secrets" | cut -d' ' -f1 | sort | paste -sd' ')
      case $labels in
        'CLIENT_HANDSHAKE_TRAFFIC_SECRET CLIENT_TRAFFIC_SECRET_0 EXPORTER_SECRET SERVER_HANDSHAKE_TRAFFIC_SECRET SERVER_TRAFFIC_SECRET_0') kinds+=' 1.3' ;;
        CLIENT_RANDOM) kinds+=' 1.2' ;;
        *) die "$name: unexpected key log lines for client random $r: $labels" ;;
      esac
    done
    [[ $kinds != *1.2* || $kinds != *1.3* ]] || die "$name: TLS 1.2 and TLS 1.3 sessions in one key log"
    if [[ $kinds == *1.3* ]]; then kinds='TLS 1.3 (5 lines each)'; else kinds='TLS 1.2 (1 CLIENT_RANDOM line each)'; fi
    echo "$(wc -l <<<"$secrets") lines, $randoms sessions of $kinds; the server's $(wc -l <<<"$server_secrets") lines among them"
    return 0
  fi
  [[ $secrets == "$server_secrets" ]] ||
    { diff <(echo "$secrets") <(echo "$server_secrets") | head -10 >&2; die "$name: the client's and the server's key logs differ"; }
  if [[ " ${TLS12_SESSIONS[*]} " == *" $name "* ]]; then
    labels=$(cut -d' ' -f1 <<<"$secrets" | sort -u | paste -sd' ')
    [[ $labels == CLIENT_RANDOM ]] || die "$name: unexpected key log lines: $labels"
    (($(wc -l <<<"$secrets") == randoms)) || die "$name: a client random with more than one line"
    echo "$randoms lines (CLIENT_RANDOM, $randoms connections), the same as the server's"
    return 0
  fi
  ((randoms == 1)) || die "$name: the key log holds $randoms sessions, not 1"
  # OpenSSL (3.0 too) also logs the secret of each new generation after a
  # TLS 1.3 KeyUpdate, under the literal labels CLIENT_TRAFFIC_SECRET_N and
  # SERVER_TRAFFIC_SECRET_N (the sender's and the receiver's OpenSSL alike).
  local updates extra
  updates=$(grep -cE '^(CLIENT|SERVER)_TRAFFIC_SECRET_N ' <<<"$secrets") || true
  labels=$(grep -vE '^(CLIENT|SERVER)_TRAFFIC_SECRET_N ' <<<"$secrets" | cut -d' ' -f1 | sort | paste -sd' ')
  case $labels in
    'CLIENT_HANDSHAKE_TRAFFIC_SECRET CLIENT_TRAFFIC_SECRET_0 EXPORTER_SECRET SERVER_HANDSHAKE_TRAFFIC_SECRET SERVER_TRAFFIC_SECRET_0') ;;
    CLIENT_RANDOM) ((updates == 0)) || die "$name: KeyUpdate secrets in a TLS 1.2 key log" ;;
    *) die "$name: unexpected key log lines: $labels" ;;
  esac
  extra=''
  ((updates == 0)) || extra=", and $updates after KeyUpdates"
  echo "$(wc -l <<<"$secrets") lines ($labels$extra), the same as the server's"
}

# record_scenario NAME ADDRESS PORT SERVER_COMMAND CLIENT_COMMAND [SNAPS [OUT]]:
# with SNAPS ("SNAPLEN:FILE ...", from SNAP_SETS), NAME is the set's name and
# the captures are one tcpdump on lo per SNAPLEN into captures/FILE.pcap;
# with OUT (BENCH_TABLE's file, SNAPS empty), the one capture goes to OUT,
# with a 64 MiB capture buffer and BENCH_TIMEOUT as the time limit.
record_scenario() {
  local name=$1 addr=$2 port=$3 server_cmd=$4 client_cmd=$5 snaps=${6:-} out=${7:-}
  local limit=$SCENARIO_TIMEOUT
  local base=${name//\//_}   # app/stomp_ws -> app_stomp_ws, for the log files
  local slog="$WORK_DIR/$base.server.log" sout="$WORK_DIR/$base.server.out"
  local clog="$WORK_DIR/$base.client.log"
  local spid rc=0 i
  # The captures of this scenario: interface, link type (tcpdump -y: on
  # "any", tcpdump 4.99 would pick LINUX_SLL2 by itself), capture buffer in
  # KiB (empty: the default), final file. Capture 0 is captures/NAME.pcap.
  # On "any", a 16 MiB capture buffer (-B): in immediate mode libpcap uses a
  # TPACKET_V2 ring whose slots are snaplen-sized (256 KiB) for any link type
  # but Ethernet, so the default 2 MiB holds 7 packets and the kernel drops
  # some when the three tcpdumps compete for the CPUs.
  # Snapshot length (tcpdump -s; 0: whole packets).
  local -a cap_if=(lo) cap_dlt=(EN10MB) cap_buf=('') cap_snap=(0) cap_out=("$OUT_DIR/$name.pcap")
  local spec
  if [[ -n $out ]]; then
    cap_buf=(65536)
    cap_out=("$ROOT_DIR/$out")
    limit=$BENCH_TIMEOUT
  elif [[ -n $snaps ]]; then
    cap_if=() cap_dlt=() cap_buf=() cap_snap=() cap_out=()
    for spec in $snaps; do
      cap_if+=(lo); cap_dlt+=(EN10MB); cap_buf+=(''); cap_snap+=("${spec%%:*}")
      cap_out+=("$OUT_DIR/${spec#*:}.pcap")
    done
  elif [[ " ${ANY_TWINS[*]} " == *" $name "* ]]; then
    cap_if+=(any any)
    cap_dlt+=(LINUX_SLL LINUX_SLL2)
    cap_buf+=(16384 16384)
    cap_snap+=(0 0)
    cap_out+=("$OUT_DIR/forms/$name.any_sll.pcap" "$OUT_DIR/forms/$name.any_sll2.pcap")
  fi
  local -a tmp=() tlog=() tpid=() opts
  for i in "${!cap_if[@]}"; do
    tmp[i]="$(dirname "${cap_out[i]}")/.$(basename "${cap_out[i]}").tmp"
    tlog[i]="$WORK_DIR/$base.tcpdump$i.log"
    : >"${tlog[i]}"
  done
  # tls/ scenarios: the key log (and for DSB_PCAPNG the pcapng with it)
  # go beside capture 0, replaced together with it.
  local keys_tmp='' keys_out='' server_keys='' dsb_tmp='' dsb_out='' first_tmp='' first_out=''
  if [[ $name == tls/* && -z $snaps ]]; then
    make_tls_cert
    keys_out="$OUT_DIR/$name.keys"
    keys_tmp="$(dirname "$keys_out")/.$(basename "$keys_out").tmp"
    server_keys="$WORK_DIR/$base.server.keys"
    if [[ " ${TLS12_SESSIONS[*]} " == *" $name "* ]]; then
      first_out="$OUT_DIR/$name.first-only.keys"
      first_tmp="$(dirname "$first_out")/.$(basename "$first_out").tmp"
    fi
    if [[ " ${DSB_PCAPNG[*]} " == *" $name "* ]]; then
      command -v editcap >/dev/null || die "missing tool: editcap (Wireshark's, for $name.dsb.pcapng)"
      dsb_out="$OUT_DIR/$name.dsb.pcapng"
      dsb_tmp="$(dirname "$dsb_out")/.$(basename "$dsb_out").tmp"
    fi
  fi
  TMP_FILES=("${tmp[@]}" $keys_tmp $dsb_tmp $first_tmp)
  rm -f -- "${TMP_FILES[@]}"
  [[ -z $server_keys ]] || rm -f -- "$server_keys"
  : >"$slog"; : >"$sout"; : >"$clog"

  say "$name: namespace $NS, lo mtu 1500, offloads off, $addr port $port, capture on ${cap_if[*]}${snaps:+ (snapshot lengths ${cap_snap[*]})}"
  delete_netns
  ip netns add "$NS"
  "${IN_NS[@]}" ip link set lo mtu 1500 up
  "${IN_NS[@]}" ethtool -K lo tso off gso off gro off >/dev/null

  for i in "${!cap_if[@]}"; do
    mkdir -p "$(dirname "${tmp[i]}")"
    opts=(-y "${cap_dlt[i]}")
    [[ -z ${cap_buf[i]} ]] || opts+=(-B "${cap_buf[i]}")
    "${IN_NS[@]}" tcpdump -i "${cap_if[i]}" "${opts[@]}" -w "${tmp[i]}" -U --immediate-mode -s "${cap_snap[i]}" -Z root "tcp port $port" >"${tlog[i]}" 2>&1 &
    tpid[i]=$!; PIDS+=("${tpid[i]}")
  done
  for i in "${!cap_if[@]}"; do
    wait_for_line "${tlog[i]}" 'listening on' "${tpid[i]}" 10 ||
      { show_logs "${tlog[i]}"; die "$name: tcpdump on ${cap_if[i]} did not start"; }
    grep -q "listening on ${cap_if[i]}, link-type ${cap_dlt[i]} " "${tlog[i]}" ||
      { show_logs "${tlog[i]}"; die "$name: tcpdump on ${cap_if[i]} does not capture ${cap_dlt[i]}"; }
  done

  export WSDISSECT_KEYLOG=$keys_tmp WSDISSECT_KEYLOG_SERVER=$server_keys
  # shellcheck disable=SC2086  # commands are word lists without spaces
  "${IN_NS[@]}" timeout -k 2 "$limit" $server_cmd server "$addr" "$port" >"$sout" 2>"$slog" &
  spid=$!; PIDS+=("$spid")
  wait_for_line "$sout" '^READY' "$spid" 10 || { show_logs "$sout" "$slog"; die "$name: server did not become ready"; }

  # shellcheck disable=SC2086
  "${IN_NS[@]}" timeout -k 2 "$limit" $client_cmd client "$addr" "$port" >"$clog" 2>&1 || rc=$?
  if ((rc != 0)); then
    show_logs "$clog" "$slog"
    die "$name: client failed with status $rc"
  fi
  wait_exit "$spid" "$limit" || rc=$?
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
  kill -TERM "${tpid[@]}"
  for i in "${!cap_if[@]}"; do
    wait_exit "${tpid[i]}" 10 || { show_logs "${tlog[i]}"; die "$name: tcpdump on ${cap_if[i]} did not stop cleanly"; }
  done
  PIDS=()
  delete_netns

  local captured received dropped lo_captured=''
  for i in "${!cap_if[@]}"; do
    read -r captured received dropped < <(capture_stats "${tlog[i]}")
    ((captured > 0)) || { show_logs "${tlog[i]}"; die "$name: no packet captured on ${cap_if[i]}"; }
    ((dropped == 0)) || { show_logs "${tlog[i]}"; die "$name: the kernel dropped $dropped packets on ${cap_if[i]}"; }
    # On lo the filter sees every packet twice (outgoing and incoming) and
    # libpcap keeps one copy; on "any" too, since lo is the namespace's only
    # interface (libpcap drops the outgoing copy of a loopback packet there as
    # well). Anything else means tcpdump stopped too early.
    ((received == 2 * captured)) ||
      { show_logs "${tlog[i]}"; die "$name: tcpdump on ${cap_if[i]} wrote $captured of $((received / 2)) packets"; }
    [[ -n $lo_captured ]] || lo_captured=$captured
    ((captured == lo_captured)) ||
      { show_logs "${tlog[@]}"; die "$name: $captured packets on ${cap_if[i]} (${cap_dlt[i]}) but $lo_captured on lo"; }
  done
  # The "any" twins must hold the same packets, in the same order; so must
  # the snapshot-length twins, cut short.
  local twin_report
  for ((i = 1; i < ${#cap_if[@]}; i++)); do
    if [[ -n $snaps ]]; then
      twin_report=$("$NODE" "$GEN_DIR/snap-compare.mjs" "${tmp[0]}" "${tmp[i]}" "${cap_snap[i]}") ||
        die "$name: the capture with -s ${cap_snap[i]} differs from the one with -s ${cap_snap[0]}"
      say "$name: -s ${cap_snap[i]} vs -s ${cap_snap[0]}: same packets; $twin_report"
      continue
    fi
    twin_report=$(compare_twin "${tmp[0]}" "${tmp[i]}") ||
      die "$name: the capture on ${cap_if[i]} (${cap_dlt[i]}) differs from the one on lo: $twin_report"
    say "$name: ${cap_if[i]} (${cap_dlt[i]}) vs lo: same packets; $twin_report"
  done
  if [[ -n $keys_tmp ]]; then
    twin_report=$(check_keylog "$name" "$keys_tmp" "$server_keys")
    say "$name: key log: $twin_report"
  fi
  if [[ -n $first_tmp ]]; then
    # the first connection's line: the client logs its connections in turn
    grep -v '^#' "$keys_tmp" | head -1 >"$first_tmp"
    say "$name: the first connection's line alone: client random $(cut -d' ' -f2 "$first_tmp")"
  fi
  if [[ -n $dsb_tmp ]]; then
    editcap --inject-secrets "tls,$keys_tmp" -F pcapng "${tmp[0]}" "$dsb_tmp" ||
      die "$name: editcap --inject-secrets failed"
  fi
  [[ -z $keys_tmp ]] || { mv -f -- "$keys_tmp" "$keys_out"; say "$name: key log -> ${keys_out#"$ROOT_DIR"/}"; }
  [[ -z $first_tmp ]] || { mv -f -- "$first_tmp" "$first_out"; say "$name: its first line -> ${first_out#"$ROOT_DIR"/}"; }
  [[ -z $dsb_tmp ]] || { mv -f -- "$dsb_tmp" "$dsb_out"; say "$name: pcapng with the key log -> ${dsb_out#"$ROOT_DIR"/}"; }
  for i in "${!cap_if[@]}"; do
    mv -f -- "${tmp[i]}" "${cap_out[i]}"
    say "$name: $lo_captured packets on ${cap_if[i]} (${cap_dlt[i]}${snaps:+, -s ${cap_snap[i]}}) -> ${cap_out[i]#"$ROOT_DIR"/}"
  done
  TMP_FILES=()
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
if (($# > 0)); then
  wanted=("$@")
else
  mapfile -t wanted < <(scenario_names; snap_set_names; printf '%s\n' "${CRAFTED[@]}" "${DERIVED[@]}")
fi

for name in "${wanted[@]}"; do
  line=$(awk -F'|' -v n="$name" '$1 == n' <<<"$SCENARIO_TABLE")
  snap_set=$(awk -F'|' -v n="$name" '$1 == n' <<<"$SNAP_SETS")
  bench=$(awk -F'|' -v n="$name" '$1 == n' <<<"$BENCH_TABLE")
  if [[ -n $bench ]]; then
    IFS='|' read -r n addr port server_cmd client_cmd out <<<"$bench"
    record_scenario "$n" "$addr" "$port" "$server_cmd" "$client_cmd" '' "$out"
  elif [[ -n $snap_set ]]; then
    IFS='|' read -r n scenario snaps <<<"$snap_set"
    line=$(awk -F'|' -v n="$scenario" '$1 == n' <<<"$SCENARIO_TABLE")
    [[ -n $line ]] || die "$name: unknown scenario $scenario"
    IFS='|' read -r _ addr port server_cmd client_cmd <<<"$line"
    record_scenario "$n" "$addr" "$port" "$server_cmd" "$client_cmd" "$snaps"
  elif printf '%s\n' "${MIXED[@]}" | grep -qx -- "$name"; then
    bash "$GEN_DIR/mixed.sh" "$name" || die "$name: gen/mixed.sh failed"
  elif [[ $name == tapmerge ]]; then
    bash "$GEN_DIR/tap-merge.sh" || die "$name: gen/tap-merge.sh failed"
  elif [[ -n $line ]]; then
    IFS='|' read -r n addr port server_cmd client_cmd <<<"$line"
    if [[ $n == app/* && ! -d $APP/node_modules ]]; then
      say "$APP/node_modules is missing: npm ci --prefix $APP"
      npm ci --prefix "$APP" || die "npm ci --prefix $APP failed"
    fi
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
