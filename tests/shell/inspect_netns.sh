#!/usr/bin/env bash
# `tcpsim inspect` on captures of real Linux TCP: two network namespaces joined by a veth
# pair, a Python server in one and a client in the other, tcpdump capturing in the
# client's namespace. The states inspect infers must be the ones RFC 9293 gives both ends:
#  - close: the client sends 200 kB and closes first; client FIN-WAIT-1, FIN-WAIT-2,
#    TIME-WAIT; server CLOSE-WAIT, LAST-ACK, CLOSED (captured on the veth: Ethernet);
#  - reset: the server aborts with SO_LINGER 0; its RST is acceptable and both ends are
#    CLOSED (captured with `tcpdump -i any`: Linux cooked frames);
#  - refused: a SYN to a closed port, answered with RST,ACK; the client SYN-SENT, CLOSED.
# A machine that cannot run it (not root, no namespaces, no tcpdump) fails with a line
# saying what it lacks; the test never skips.
set -euo pipefail
: "${TCPSIM_BIN:?}" "${TCPSIM_SOURCE_DIR:?}"
PY=/usr/bin/python3
PEER="$TCPSIM_SOURCE_DIR/tests/shell/inspect/peer.py"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

lacks=()
[ "$(id -u)" -eq 0 ] || lacks+=("root (the test creates network namespaces)")
command -v ip >/dev/null || lacks+=("iproute2's ip (apt-get install iproute2)")
command -v tcpdump >/dev/null || lacks+=("tcpdump (apt-get install tcpdump)")
command -v timeout >/dev/null || lacks+=("timeout (coreutils)")
[ -x "$PY" ] || lacks+=("$PY (apt-get install python3)")
if [ ${#lacks[@]} -gt 0 ]; then
  for l in "${lacks[@]}"; do echo "this machine lacks: $l" >&2; done
  fail "cannot run the inspect namespace test here (run tools/setup.sh as root)"
fi

CL="tcpsim-insp-c-$$"
SV="tcpsim-insp-s-$$"
WORK=$(mktemp -d /tmp/tcpsim-inspect.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$CL" 2>/dev/null || true
  ip netns del "$SV" 2>/dev/null || true
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
ip netns add "$CL" 2>"$WORK/err" && ip netns add "$SV" 2>>"$WORK/err" ||
  fail "cannot create a network namespace ($(cat "$WORK/err")): this machine lacks network namespace support or CAP_SYS_ADMIN"
ip link add veth-c netns "$CL" type veth peer name veth-s netns "$SV" 2>"$WORK/err" ||
  fail "cannot create a veth pair ($(cat "$WORK/err")): this machine lacks the veth driver"
ip -n "$CL" addr add 10.254.0.1/24 dev veth-c
ip -n "$SV" addr add 10.254.0.2/24 dev veth-s
ip -n "$CL" link set lo up
ip -n "$SV" link set lo up
ip -n "$CL" link set veth-c up
ip -n "$SV" link set veth-s up
# Segments as the sockets write them: no offload merging what the kernel sent.
ip netns exec "$CL" ethtool -K veth-c tso off gso off gro off >/dev/null 2>&1 || true

# capture TAG IFACE: starts tcpdump in the client's namespace, waits until it listens.
capture() {
  local tag=$1 iface=$2
  ip netns exec "$CL" timeout 60 tcpdump --immediate-mode -U -n -i "$iface" -w "$WORK/$tag.pcap" tcp \
    2>"$WORK/$tag.tcpdump" &
  CAP_PID=$!
  PIDS+=("$CAP_PID")
  local i
  for i in $(seq 100); do
    grep -q "listening on" "$WORK/$tag.tcpdump" && return 0
    sleep 0.1
  done
  fail "$tag: tcpdump did not start: $(cat "$WORK/$tag.tcpdump")"
}

stop_capture() {
  sleep 0.5
  kill -INT "$CAP_PID"
  wait "$CAP_PID" || true
}

# exchange TAG PORT MODE BYTES: a server in MODE and a client sending BYTES.
exchange() {
  local tag=$1 port=$2 mode=$3 bytes=$4
  ip netns exec "$SV" timeout 30 "$PY" "$PEER" server "$port" "$WORK/$tag.ready" "$mode" &
  local server=$!
  PIDS+=("$server")
  local i
  for i in $(seq 100); do
    [ -f "$WORK/$tag.ready" ] && break
    sleep 0.1
  done
  ip netns exec "$CL" timeout 30 "$PY" "$PEER" client 10.254.0.2 "$port" "$bytes" "$mode" \
    >"$WORK/$tag.client" 2>&1 || fail "$tag: the client failed: $(cat "$WORK/$tag.client")"
  wait "$server" || fail "$tag: the server failed"
}

# inspect TAG: runs tcpsim inspect on the capture; its output in $WORK/TAG.out.
inspect() {
  local rc=0
  "$TCPSIM_BIN" inspect "$WORK/$1.pcap" >"$WORK/$1.out" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] || { cat "$WORK/$1.out" >&2; fail "$1: tcpsim inspect exited $rc"; }
}

# expect TAG ENDPOINT PATH: the summary gives ENDPOINT exactly the states PATH.
expect() {
  local tag=$1 who=$2 want=$3
  grep -Eq "^    $who +$want\$" "$WORK/$tag.out" || {
    cat "$WORK/$tag.out" >&2
    fail "$tag: $who should pass through '$want'"
  }
  echo "ok   $tag: $who $want"
}

capture close veth-c
exchange close 7001 close 200000
stop_capture
inspect close
grep -q "link type 1," "$WORK/close.out" || fail "close: not an Ethernet capture"
expect close "10.254.0.1:[0-9]+" \
  "CLOSED → SYN-SENT → ESTABLISHED → FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT"
expect close "10.254.0.2:7001" \
  "LISTEN → SYN-RECEIVED → ESTABLISHED → CLOSE-WAIT → LAST-ACK → CLOSED"
grep -q "handshake=seen" "$WORK/close.out" || fail "close: the handshake was not seen"

capture reset any
exchange reset 7002 reset 1000
stop_capture
inspect reset
grep -Eq "link type (113|276)," "$WORK/reset.out" || fail "reset: not a Linux cooked capture"
grep -q "rst-acceptable" "$WORK/reset.out" || { cat "$WORK/reset.out" >&2; fail "reset: no acceptable RST"; }
expect reset "10.254.0.1:[0-9]+" "CLOSED → SYN-SENT → ESTABLISHED → CLOSED"
expect reset "10.254.0.2:7002" "LISTEN → SYN-RECEIVED → ESTABLISHED → CLOSED"

capture refused veth-c
ip netns exec "$CL" timeout 10 "$PY" -c '
import socket
try:
    socket.create_connection(("10.254.0.2", 7009), timeout=5)
except ConnectionRefusedError:
    pass
else:
    raise SystemExit("connected to a closed port")
'
stop_capture
inspect refused
expect refused "10.254.0.1:[0-9]+" "CLOSED → SYN-SENT → CLOSED"
expect refused "10.254.0.2:7009" "no state seen"
echo "ok   real Linux TCP: close, reset and refused inferred as RFC 9293 gives them"
