#!/usr/bin/env bash
# Record the mixed-traffic captures: WebSocket among other TCP protocols.
#
#   sudo bash captures/gen/mixed.sh                    # both
#   sudo bash captures/gen/mixed.sh mixed_network      # captures/mixed_network.pcap
#   sudo bash captures/gen/mixed.sh mixed_midstream    # captures/mixed_midstream.pcap
#   sudo npm run record -- mixed_network mixed_midstream   # the same, through record.sh
#
# mixed_network: one tcpdump on lo (filter "tcp") while real clients talk to
#   real servers, all started within about a second of each other, so that
#   their packets interleave:
#     8080  ws:// `ws` client <-> `ws` server, permessage-deflate (threshold 0)
#     9001  ws:// `ws` <-> `ws`, no extension, the server closes
#     8081  two upgrades refused by a Node http server: 401 (ws's
#           verifyClient, text/html) and 403 (written by hand, text/plain)
#     80    Node http server: curl GET /, GET /status.json, POST /api/echo
#           on one keep-alive connection; a `ws` client's upgrade request,
#           answered 200 OK (the server has no 'upgrade' listener)
#     8443  openssl s_server -www: curl TLS 1.3 (SNI wsd.test, ALPN h2 and
#           http/1.1), then curl TLS 1.2 (ALPN http/1.1)
#     8444  wss:// Node https server + `ws` server, `ws` client (SNI wss.test)
#     2222  OpenSSH sshd, ssh root@127.0.0.1 echo hello
#     6379  redis-server, redis-cli PING, SET, GET (three runs, a connection each)
#     3306  mariadbd, mariadb client SELECT 1 over TCP, no TLS
#     445   smbd, smbclient ls and get of a 36-byte file
# mixed_midstream: the same kind of servers; the clients connect first
#   (8080 ws:// with permessage-deflate, 9001 ws:// without, 8444 wss://,
#   2222 ssh, 6379 redis-cli, 3306 mariadb), go through their handshakes and
#   a first exchange, wait; 1 s after the last one is ready tcpdump starts,
#   and only then are they told (a file appears) to go on: the capture holds
#   no SYN of any connection, only their middle and their end.
#
# Like record.sh: a private network namespace ("wsdissect-mixed") whose lo
# has MTU 1500 and TSO/GSO/GRO off; tcpdump -i lo -y EN10MB -U
# --immediate-mode -s 0 writes a temporary file that replaces
# captures/NAME.pcap only if every client and server succeeded, tcpdump
# dropped nothing and the capture holds exactly the connections expected.
# Certificates, SSH keys, the MariaDB data directory and the Samba state
# are made afresh in a temporary directory (nothing secret is committed).
# Needs root, ip, nsenter, ethtool, tcpdump, ss, node (with the root
# package's `ws`), openssl, curl, OpenSSH (sshd, ssh, ssh-keygen),
# redis-server and redis-cli, mariadb-install-db, mariadbd and mariadb,
# smbd and smbclient (Debian packages tcpdump, ethtool, iproute2,
# openssh-server, openssh-client, redis-server, mariadb-server, samba,
# smbclient, curl, openssl).
set -Eeuo pipefail
export LC_ALL=C
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GEN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CAPTURES_DIR=$(dirname "$GEN_DIR")
ROOT_DIR=$(dirname "$CAPTURES_DIR")
PEERS=captures/gen/mixed/peers.mjs          # relative to ROOT_DIR
NS=${WSDISSECT_MIXED_NETNS:-wsdissect-mixed}
NODE=${NODE:-node}
SERVER_TIMEOUT=90                           # seconds, hard limit for a server
CLIENT_TIMEOUT=40                           # seconds, hard limit for a client

say() { printf '\033[1m[mixed]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[mixed] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

ALL=(mixed_network mixed_midstream)
if [[ ${1:-} == --list || ${1:-} == -l ]]; then printf '%s\n' "${ALL[@]}"; exit 0; fi

# ---------------------------------------------------------------- cleanup --
PIDS=()          # every background process started by this script
WORK_DIR=''
TMP_FILE=''
MADE_RUN_SSHD=0  # 1 if this script created /run/sshd (sshd's privilege separation directory)

cleanup() {
  local rc=$?
  trap - EXIT INT TERM ERR
  kill_started
  delete_netns
  [[ -z $TMP_FILE ]] || rm -f -- "$TMP_FILE"
  [[ -n $WORK_DIR && -d $WORK_DIR ]] && rm -rf -- "$WORK_DIR"
  ((MADE_RUN_SSHD == 0)) || rmdir /run/sshd 2>/dev/null || true
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------- preconditions --
[[ $EUID -eq 0 ]] || die "must run as root (network namespaces, tcpdump, the servers)"
for tool in ip nsenter ethtool tcpdump ss timeout "$NODE" openssl curl /usr/sbin/sshd ssh ssh-keygen \
  redis-server redis-cli mariadb-install-db mariadbd mariadb smbd smbclient; do
  command -v "$tool" >/dev/null || die "missing tool: $tool"
done
cd "$ROOT_DIR"
[[ -d node_modules/ws ]] || die "node_modules/ws is missing: run npm ci first"

IN_NS=(nsenter "--net=/run/netns/$NS" --)

# ---------------------------------------------------------------- helpers --
# bg NAME SECONDS CMD...: run CMD inside the namespace in the background,
# under `timeout SECONDS`, stdout to $WORK_DIR/NAME.out, stderr to NAME.log;
# its pid (the timeout process) is left in BG_PID and remembered in PIDS.
BG_PID=''
bg() {
  local name=$1 secs=$2; shift 2
  "${IN_NS[@]}" timeout -k 2 "$secs" "$@" >"$WORK_DIR/$name.out" 2>"$WORK_DIR/$name.log" &
  BG_PID=$!; PIDS+=("$BG_PID")
}

# wait_listen PORT PID SECONDS: wait until something listens on 127.0.0.1:PORT in the namespace.
wait_listen() {
  local port=$1 pid=$2 deadline=$((SECONDS + $3))
  until [[ -n $("${IN_NS[@]}" ss -Hltn "sport = :$port") ]]; do
    kill -0 "$pid" 2>/dev/null || return 1
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

new_netns() {
  delete_netns
  ip netns add "$NS"
  "${IN_NS[@]}" ip link set lo mtu 1500 up
  "${IN_NS[@]}" ethtool -K lo tso off gso off gro off >/dev/null
}

TCPDUMP_PID=''
start_tcpdump() {
  local out=$1
  : >"$WORK_DIR/tcpdump.log"
  "${IN_NS[@]}" tcpdump -i lo -y EN10MB -w "$out" -U --immediate-mode -s 0 -Z root tcp >"$WORK_DIR/tcpdump.log" 2>&1 &
  TCPDUMP_PID=$!; PIDS+=("$TCPDUMP_PID")
  wait_for_line "$WORK_DIR/tcpdump.log" 'listening on' "$TCPDUMP_PID" 10 ||
    { show_logs "$WORK_DIR/tcpdump.log"; die "tcpdump did not start"; }
  grep -q 'listening on lo, link-type EN10MB ' "$WORK_DIR/tcpdump.log" ||
    { show_logs "$WORK_DIR/tcpdump.log"; die "tcpdump does not capture EN10MB on lo"; }
}

# stop_tcpdump: let the last packets reach the capture, stop tcpdump, check
# that it wrote every packet its filter received and the kernel dropped none.
CAPTURED=0
stop_tcpdump() {
  sleep 0.5
  kill -TERM "$TCPDUMP_PID"
  wait_exit "$TCPDUMP_PID" 10 || { show_logs "$WORK_DIR/tcpdump.log"; die "tcpdump did not stop cleanly"; }
  local captured received dropped
  read -r captured received dropped < <(capture_stats "$WORK_DIR/tcpdump.log")
  ((captured > 0)) || { show_logs "$WORK_DIR/tcpdump.log"; die "no packet captured"; }
  ((dropped == 0)) || { show_logs "$WORK_DIR/tcpdump.log"; die "the kernel dropped $dropped packets"; }
  # On lo the filter sees every packet twice (out and in); libpcap keeps one.
  ((received == 2 * captured)) ||
    { show_logs "$WORK_DIR/tcpdump.log"; die "tcpdump wrote $captured of $((received / 2)) packets"; }
  CAPTURED=$captured
}

# wait_all NAME=PID...: wait for each process to exit (at most its timeout),
# fail with its logs if one exits non-zero.
wait_all() {
  local item name pid rc
  for item in "$@"; do
    name=${item%%=*} pid=${item#*=} rc=0
    wait_exit "$pid" "$CLIENT_TIMEOUT" || rc=$?
    ((rc == 0)) || { show_logs "$WORK_DIR/$name.out" "$WORK_DIR/$name.log"; die "$name failed with status $rc"; }
  done
}

# expect_out NAME TEXT: the stdout of NAME must be exactly TEXT.
expect_out() {
  [[ $(cat "$WORK_DIR/$1.out") == "$2" ]] ||
    { show_logs "$WORK_DIR/$1.out" "$WORK_DIR/$1.log"; die "$1: unexpected output (wanted: $2)"; }
}

# stop_daemons NAME=PID...: SIGTERM each (timeout passes it on), wait.
stop_daemons() {
  local item name pid
  for item in "$@"; do kill -TERM "${item#*=}" 2>/dev/null || true; done
  for item in "$@"; do
    name=${item%%=*} pid=${item#*=}
    wait_exit "$pid" 20 || true
  done
}

# syn_ports FILE: the server port of every connection opened in FILE (one
# line per SYN without ACK), sorted, as "COUNT PORT" lines.
syn_ports() {
  tcpdump -r "$1" -nn 'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn' 2>/dev/null |
    awk '{ for (i = 1; i <= NF; i++) if ($i == ">") { p = $(i + 1); sub(/:$/, "", p); sub(/.*\./, "", p); print p } }' |
    sort -n | uniq -c | awk '{ print $1, $2 }'
}

# server_ports FILE: every port below 10000 seen in FILE (the servers' ports;
# the clients' ephemeral ports are above 32767), sorted.
server_ports() {
  tcpdump -r "$1" -nn 2>/dev/null |
    awk '{ for (i = 1; i <= NF; i++) if ($i == ">") { print $(i - 1); d = $(i + 1); sub(/:$/, "", d); print d } }' |
    sed 's/.*\.//' | awk '$1 < 10000' | sort -nu | paste -sd' '
}

# ------------------------------------------------------ the servers' setup --
make_tls_cert() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=wsd.test \
    -addext 'subjectAltName=DNS:wsd.test,DNS:wss.test' \
    -keyout "$WORK_DIR/tls.key" -out "$WORK_DIR/tls.crt" 2>"$WORK_DIR/openssl-req.log" ||
    { show_logs "$WORK_DIR/openssl-req.log"; die "openssl req failed"; }
}

make_ssh() {
  local d=$WORK_DIR/ssh
  mkdir -p "$d"
  ssh-keygen -q -t ed25519 -N '' -C wsdissect-host -f "$d/host_key"
  ssh-keygen -q -t ed25519 -N '' -C wsdissect-client -f "$d/client_key"
  cp "$d/client_key.pub" "$d/authorized_keys"
  cat >"$d/sshd_config" <<EOF
Port 2222
ListenAddress 127.0.0.1
HostKey $d/host_key
PidFile none
AuthorizedKeysFile $d/authorized_keys
StrictModes no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowAgentForwarding no
AllowTcpForwarding no
EOF
  if [[ ! -d /run/sshd ]]; then mkdir -p /run/sshd; chmod 755 /run/sshd; MADE_RUN_SSHD=1; fi
}
SSH_CLIENT=()
ssh_client() {
  SSH_CLIENT=(ssh -F /dev/null -p 2222 -i "$WORK_DIR/ssh/client_key" -o IdentitiesOnly=yes -o IdentityAgent=none
    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -n root@127.0.0.1)
}

make_mariadb() {
  "${IN_NS[@]}" timeout 120 mariadb-install-db --no-defaults --datadir="$WORK_DIR/mysql" --user=root \
    --auth-root-authentication-method=socket --skip-test-db >"$WORK_DIR/mariadb-install-db.log" 2>&1 ||
    { show_logs "$WORK_DIR/mariadb-install-db.log"; die "mariadb-install-db failed"; }
}
MARIADB_CLIENT=(mariadb --no-defaults -h 127.0.0.1 -P 3306 --protocol=TCP -u wsd -pwsd-pass --skip-ssl)

make_smb() {
  local d=$WORK_DIR/smb
  mkdir -p "$d"/{share,lock,state,cache,private,pid,ncalrpc,log}
  printf 'Hello from the wsdissect SMB share.\n' >"$d/share/hello.txt"
  cat >"$d/smb.conf" <<EOF
[global]
  workgroup = WSDISSECT
  netbios name = WSDSMB
  server role = standalone server
  server string = wsdissect test share
  map to guest = Bad User
  guest account = root
  smb ports = 445
  interfaces = 127.0.0.1
  bind interfaces only = yes
  disable netbios = yes
  load printers = no
  printing = bsd
  printcap name = /dev/null
  disable spoolss = yes
  lock directory = $d/lock
  state directory = $d/state
  cache directory = $d/cache
  private dir = $d/private
  pid directory = $d/pid
  ncalrpc dir = $d/ncalrpc
  log file = $d/log/log.%m
  log level = 1
  usershare path =
[share]
  path = $d/share
  read only = yes
  guest ok = yes
EOF
}

# start_daemons WHICH...: start the named servers, wait until each listens;
# leaves "name=pid" items in DAEMONS.
DAEMONS=()
start_daemons() {
  local which
  for which in "$@"; do
    case $which in
      sshd)
        bg sshd "$SERVER_TIMEOUT" /usr/sbin/sshd -D -e -f "$WORK_DIR/ssh/sshd_config"
        wait_listen 2222 "$BG_PID" 10 || { show_logs "$WORK_DIR/sshd.log"; die "sshd did not start"; } ;;
      redis)
        bg redis "$SERVER_TIMEOUT" redis-server --port 6379 --bind 127.0.0.1 --save '' --appendonly no \
          --dir "$WORK_DIR" --daemonize no --logfile ''
        wait_listen 6379 "$BG_PID" 10 || { show_logs "$WORK_DIR/redis.out"; die "redis-server did not start"; } ;;
      mariadbd)
        bg mariadbd "$SERVER_TIMEOUT" mariadbd --no-defaults --user=root --datadir="$WORK_DIR/mysql" \
          --socket="$WORK_DIR/mysqld.sock" --port=3306 --bind-address=127.0.0.1 --pid-file="$WORK_DIR/mysqld.pid" \
          --skip-name-resolve --skip-ssl --skip-log-bin --innodb-buffer-pool-size=16M
        wait_listen 3306 "$BG_PID" 30 || { show_logs "$WORK_DIR/mariadbd.log"; die "mariadbd did not start"; }
        # The client's account, made over the Unix socket (not captured).
        "${IN_NS[@]}" timeout 20 mariadb --no-defaults -S "$WORK_DIR/mysqld.sock" -u root \
          -e "CREATE USER 'wsd'@'127.0.0.1' IDENTIFIED BY 'wsd-pass'; GRANT SELECT ON *.* TO 'wsd'@'127.0.0.1';" ||
          die "could not create the MariaDB user" ;;
      smbd)
        bg smbd "$SERVER_TIMEOUT" smbd --foreground --no-process-group --debug-stdout --configfile="$WORK_DIR/smb/smb.conf"
        wait_listen 445 "$BG_PID" 20 || { show_logs "$WORK_DIR/smbd.out"; die "smbd did not start"; } ;;
      s_server)
        # -www: answers a GET with an HTML status page (HTTP/1.0), then
        # closes; -naccept 2: exits after two connections.
        bg s_server "$SERVER_TIMEOUT" openssl s_server -accept 127.0.0.1:8443 -cert "$WORK_DIR/tls.crt" \
          -key "$WORK_DIR/tls.key" -www -naccept 2
        wait_listen 8443 "$BG_PID" 10 || { show_logs "$WORK_DIR/s_server.out" "$WORK_DIR/s_server.log"; die "s_server did not start"; } ;;
      *) die "unknown daemon $which" ;;
    esac
    DAEMONS+=("$which=$BG_PID")
  done
}

# start_node_server NAME PORT ARGS...: a peers.mjs server; waits for READY.
NODE_SERVERS=()
start_node_server() {
  local name=$1; shift
  bg "$name" "$SERVER_TIMEOUT" "$NODE" "$PEERS" "$@"
  wait_for_line "$WORK_DIR/$name.out" '^READY' "$BG_PID" 10 ||
    { show_logs "$WORK_DIR/$name.out" "$WORK_DIR/$name.log"; die "$name did not become ready"; }
  NODE_SERVERS+=("$name=$BG_PID")
}

# finish NAME EXPECTED_SYNS: check the capture's connections and move it into place.
finish() {
  local name=$1 expected=$2 out="$CAPTURES_DIR/$1.pcap" got
  got=$(syn_ports "$TMP_FILE" | paste -sd' ')
  [[ $got == "$expected" ]] ||
    die "$name: connections opened in the capture (count port): '$got', expected '$expected'"
  mv -f -- "$TMP_FILE" "$out"
  TMP_FILE=''
  say "$name: $CAPTURED packets, servers on ports $(server_ports "$out") -> ${out#"$ROOT_DIR"/}"
  cat "$WORK_DIR"/*.log 2>/dev/null | grep -E '^\[' | sed 's/^/   | /' >&2 || true
}

# ------------------------------------------------------------ the captures --
record_mixed_network() {
  local name=mixed_network
  WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/wsdissect-mixed.XXXXXX")
  TMP_FILE="$CAPTURES_DIR/.$name.pcap.tmp"
  rm -f -- "$TMP_FILE"
  say "$name: namespace $NS, lo mtu 1500, offloads off; setting up the servers"
  new_netns
  make_tls_cert; make_ssh; make_mariadb; make_smb; ssh_client
  DAEMONS=(); NODE_SERVERS=()
  start_daemons sshd redis mariadbd smbd s_server
  start_node_server ws_deflate_server ws-server 8080 net-deflate
  start_node_server ws_plain_server ws-server 9001 net-plain
  start_node_server gate_server gate-server 8081
  start_node_server http_server http-server 80
  start_node_server wss_server ws-server 8444 net-tls "$WORK_DIR/tls.crt" "$WORK_DIR/tls.key"

  start_tcpdump "$TMP_FILE"
  say "$name: capturing (tcp on lo); 13 clients, started 80 ms apart"
  local -a clients=()
  local step=0.08
  bg ws_deflate "$CLIENT_TIMEOUT" "$NODE" "$PEERS" ws-client 8080 net-deflate; clients+=("ws_deflate=$BG_PID"); sleep $step
  bg curl_http "$CLIENT_TIMEOUT" curl -sS --http1.1 http://127.0.0.1/ http://127.0.0.1/status.json \
    --next -H 'Content-Type: application/json' -d '{"name":"wsdissect","n":1}' http://127.0.0.1/api/echo
  clients+=("curl_http=$BG_PID"); sleep $step
  bg ssh "$CLIENT_TIMEOUT" "${SSH_CLIENT[@]}" echo hello; clients+=("ssh=$BG_PID"); sleep $step
  bg ws_plain "$CLIENT_TIMEOUT" "$NODE" "$PEERS" ws-client 9001 net-plain; clients+=("ws_plain=$BG_PID"); sleep $step
  # Three redis-cli runs, a connection each (with commands as arguments;
  # reading them from stdin, redis-cli would first fetch COMMAND DOCS, 180 kB).
  bg redis_cli "$CLIENT_TIMEOUT" bash -c 'r() { redis-cli -h 127.0.0.1 -p 6379 "$@"; }; r PING && r SET wsdissect "mixed capture" && r GET wsdissect'
  clients+=("redis_cli=$BG_PID"); sleep $step
  bg curl_tls13 "$CLIENT_TIMEOUT" curl -sS -k --tlsv1.3 --resolve wsd.test:8443:127.0.0.1 -o /dev/null \
    -w '%{http_code} %{ssl_verify_result}\n' https://wsd.test:8443/
  clients+=("curl_tls13=$BG_PID"); sleep $step
  bg refused_401 "$CLIENT_TIMEOUT" "$NODE" "$PEERS" refused-client 8081 /needs-token 401; clients+=("refused_401=$BG_PID"); sleep $step
  bg mariadb "$CLIENT_TIMEOUT" "${MARIADB_CLIENT[@]}" -e 'SELECT 1'; clients+=("mariadb=$BG_PID"); sleep $step
  bg wss "$CLIENT_TIMEOUT" "$NODE" "$PEERS" ws-client 8444 net-tls; clients+=("wss=$BG_PID"); sleep $step
  bg refused_403 "$CLIENT_TIMEOUT" "$NODE" "$PEERS" refused-client 8081 /forbidden 403; clients+=("refused_403=$BG_PID"); sleep $step
  bg smbclient "$CLIENT_TIMEOUT" smbclient --configfile="$WORK_DIR/smb/smb.conf" //127.0.0.1/share -p 445 -N \
    -c "ls; get hello.txt $WORK_DIR/hello.got"
  clients+=("smbclient=$BG_PID"); sleep $step
  bg curl_tls12 "$CLIENT_TIMEOUT" curl -sS -k --tls-max 1.2 --http1.1 --resolve wsd.test:8443:127.0.0.1 -o /dev/null \
    -w '%{http_code} %{ssl_verify_result}\n' https://wsd.test:8443/
  clients+=("curl_tls12=$BG_PID"); sleep $step
  bg upgrade_200 "$CLIENT_TIMEOUT" "$NODE" "$PEERS" upgrade-200-client 80; clients+=("upgrade_200=$BG_PID")

  wait_all "${clients[@]}"
  wait_all "${NODE_SERVERS[@]}"
  wait_all "s_server=${DAEMONS[-1]#*=}"   # s_server exits after its two connections
  expect_out ssh hello
  expect_out redis_cli $'PONG\nOK\nmixed capture'
  expect_out mariadb $'1\n1'
  expect_out curl_tls13 '200 18'     # 18: self-signed, accepted with -k
  expect_out curl_tls12 '200 18'
  expect_out curl_http $'<!doctype html>\n<title>wsdissect</title>\n<p>plain HTTP/1.1, no WebSocket here</p>\n{"status":"ok","connections":1,"version":"0.1.0"}{"received":{"name":"wsdissect","n":1}}'
  cmp -s "$WORK_DIR/hello.got" "$WORK_DIR/smb/share/hello.txt" || die "smbclient did not get the file"
  stop_tcpdump
  unset 'DAEMONS[-1]'
  stop_daemons "${DAEMONS[@]}"
  PIDS=()
  delete_netns
  finish "$name" '2 80 1 445 1 2222 1 3306 3 6379 1 8080 2 8081 2 8443 1 8444 1 9001'
  rm -rf -- "$WORK_DIR"; WORK_DIR=''
}

record_mixed_midstream() {
  local name=mixed_midstream
  WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/wsdissect-mixed.XXXXXX")
  TMP_FILE="$CAPTURES_DIR/.$name.pcap.tmp"
  rm -f -- "$TMP_FILE"
  local go=$WORK_DIR/go
  say "$name: namespace $NS, lo mtu 1500, offloads off; setting up the servers"
  new_netns
  make_tls_cert; make_ssh; make_mariadb; ssh_client
  DAEMONS=(); NODE_SERVERS=()
  start_daemons sshd redis mariadbd
  start_node_server ws_deflate_server ws-server 8080 mid-deflate
  start_node_server ws_plain_server ws-server 9001 mid-plain
  start_node_server wss_server ws-server 8444 mid-tls "$WORK_DIR/tls.crt" "$WORK_DIR/tls.key"

  # The clients connect and do their first exchange now, then wait for $go.
  local -a clients=()
  local wait_go="while [ ! -e $go ]; do sleep 0.02; done"
  bg ws_deflate "$CLIENT_TIMEOUT" "$NODE" "$PEERS" ws-client 8080 mid-deflate "$go"; clients+=("ws_deflate=$BG_PID")
  bg ws_plain "$CLIENT_TIMEOUT" "$NODE" "$PEERS" ws-client 9001 mid-plain "$go"; clients+=("ws_plain=$BG_PID")
  bg wss "$CLIENT_TIMEOUT" "$NODE" "$PEERS" ws-client 8444 mid-tls "$go"; clients+=("wss=$BG_PID")
  bg ssh "$CLIENT_TIMEOUT" "${SSH_CLIENT[@]}" "echo ready; $wait_go; for i in 1 2 3 4 5; do echo line \$i; sleep 0.2; done"
  clients+=("ssh=$BG_PID")
  # redis-cli reads its commands from the pipe as they come, one a line.
  bg redis_cli "$CLIENT_TIMEOUT" bash -c "{ echo PING; $wait_go
    for i in 1 2 3 4 5 6 7 8 9 10; do
      echo 'INCR mid:counter'; echo \"SET mid:key:\$i value-\$i\"; echo \"GET mid:key:\$i\"; sleep 0.2
    done; } | redis-cli -h 127.0.0.1 -p 6379"
  clients+=("redis_cli=$BG_PID")
  bg mariadb "$CLIENT_TIMEOUT" bash -c "{ echo \"SELECT 'ready' AS state;\"; $wait_go
    for q in 'SELECT 1;' 'SELECT 6*7 AS answer;' 'SELECT SLEEP(0.2) AS slept;' 'SHOW DATABASES;' \"SELECT CONCAT('line ', 5) AS last;\"; do
      echo \"\$q\"; sleep 0.3
    done; } | ${MARIADB_CLIENT[*]} --unbuffered"
  clients+=("mariadb=$BG_PID")
  local item n pid marker
  for item in "${clients[@]}"; do
    n=${item%%=*} pid=${item#*=}
    case $n in ws_*|wss) marker='^ESTABLISHED$' ;; ssh) marker='^ready$' ;; redis_cli) marker='^PONG$' ;; mariadb) marker='^ready$' ;; esac
    wait_for_line "$WORK_DIR/$n.out" "$marker" "$pid" 20 ||
      { show_logs "$WORK_DIR/$n.out" "$WORK_DIR/$n.log"; die "$n did not get ready"; }
  done
  say "$name: 6 connections established; tcpdump starts in 1 s"
  sleep 1
  start_tcpdump "$TMP_FILE"
  touch "$go"
  wait_all "${clients[@]}"
  wait_all "${NODE_SERVERS[@]}"
  expect_out ssh $'ready\nline 1\nline 2\nline 3\nline 4\nline 5'
  [[ $(grep -c '^value-' "$WORK_DIR/redis_cli.out") == 10 ]] || { show_logs "$WORK_DIR/redis_cli.out"; die "redis-cli: unexpected output"; }
  grep -qx 42 "$WORK_DIR/mariadb.out" || { show_logs "$WORK_DIR/mariadb.out"; die "mariadb: unexpected output"; }
  stop_tcpdump
  stop_daemons "${DAEMONS[@]}"
  PIDS=()
  delete_netns
  # No connection may start in the capture; every one must end in it (a FIN
  # from each side).
  local fins
  fins=$(tcpdump -r "$TMP_FILE" -nn 'tcp[tcpflags] & tcp-fin != 0' 2>/dev/null | wc -l)
  ((fins == 12)) || die "$name: $fins FIN segments, expected 12 (one from each side of 6 connections)"
  [[ $(server_ports "$TMP_FILE") == '2222 3306 6379 8080 8444 9001' ]] ||
    die "$name: unexpected server ports: $(server_ports "$TMP_FILE")"
  finish "$name" ''
  rm -rf -- "$WORK_DIR"; WORK_DIR=''
}

# ------------------------------------------------------------------- main --
declare -a wanted
if (($# > 0)); then wanted=("$@"); else wanted=("${ALL[@]}"); fi
for name in "${wanted[@]}"; do
  case $name in
    mixed_network) record_mixed_network ;;
    mixed_midstream) record_mixed_midstream ;;
    *) die "unknown capture '$name' (known: ${ALL[*]})" ;;
  esac
done
say "done: ${wanted[*]}"
