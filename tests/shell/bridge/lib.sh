# Shared by the tests/shell/bridge_*.sh tests (sourced, not run by ctest on its own).
#
# Each test makes its own network namespace (unique name), runs `tcpsim bridge` and the
# real clients and servers inside it with `ip netns exec`, and deletes it on exit. A TUN
# device created inside a namespace is private to it, so tests running at once do not
# clash, and nothing they send can leave it: the namespace has no route out.
#
# Every wait has a time limit. A machine that cannot run the tests makes them fail with a
# line saying what it lacks; they never skip.

: "${TCPSIM_BIN:?}" "${TCPSIM_TOOLS_DIR:?}" "${TCPSIM_SOURCE_DIR:?}"
PY=/usr/bin/python3
BRIDGE_HELPERS="$TCPSIM_SOURCE_DIR/tests/shell/bridge"

bridge_fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Fails with the list of what the machine lacks for these tests.
bridge_require() {
  local lacks=()
  [ "$(id -u)" -eq 0 ] || lacks+=("root (the test creates a network namespace and a TUN device)")
  [ -c /dev/net/tun ] || lacks+=("/dev/net/tun (the TUN driver: modprobe tun)")
  command -v ip >/dev/null || lacks+=("iproute2's ip (apt-get install iproute2)")
  command -v timeout >/dev/null || lacks+=("timeout (coreutils)")
  local tool
  for tool in "$@"; do
    case $tool in
      curl) command -v curl >/dev/null || lacks+=("curl (apt-get install curl)") ;;
      tshark) command -v tshark >/dev/null || lacks+=("tshark (apt-get install tshark)") ;;
      websockets) "$PY" -c 'import websockets' 2>/dev/null ||
        lacks+=("python3-websockets for $PY (apt-get install python3-websockets)") ;;
      python) [ -x "$PY" ] || lacks+=("$PY (apt-get install python3)") ;;
    esac
  done
  if [ ${#lacks[@]} -gt 0 ]; then
    local l
    for l in "${lacks[@]}"; do echo "this machine lacks: $l" >&2; done
    bridge_fail "cannot run the bridge tests here (run tools/setup.sh as root)"
  fi
}

BRIDGE_PIDS=()
NS=""
WORK=""

bridge_cleanup() {
  local pid
  for pid in "${BRIDGE_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${BRIDGE_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$NS" ]; then ip netns del "$NS" 2>/dev/null || true; fi
  if [ -n "$WORK" ] && [ -z "${KEEP_WORK:-}" ]; then rm -rf "$WORK"; fi
}

# Makes the namespace "tcpsim-<name>-<pid>" and a scratch directory; both go on exit.
bridge_setup() {
  local name=$1
  NS="tcpsim-$name-$$"
  WORK=$(mktemp -d "/tmp/tcpsim-$name.XXXXXX")
  trap bridge_cleanup EXIT
  trap 'exit 130' INT TERM
  ip netns add "$NS" 2>"$WORK/netns.err" ||
    bridge_fail "cannot create a network namespace ($(cat "$WORK/netns.err")): this machine lacks network namespace support or CAP_SYS_ADMIN"
  ip netns exec "$NS" ip link set lo up
}

# Runs a command inside the namespace, at most $T seconds (default 30).
in_ns() {
  ip netns exec "$NS" timeout "${T:-30}" "$@"
}

# Starts `tcpsim bridge ARGS...` in the namespace in the background, output to $WORK/$tag.log,
# and waits (at most 10 s) until its ready file appears. Sets BRIDGE_PID.
bridge_start() {
  local tag=$1
  shift
  rm -f "$WORK/$tag.ready"
  ip netns exec "$NS" timeout 120 "$TCPSIM_BIN" bridge --ready-file "$WORK/$tag.ready" "$@" \
    >"$WORK/$tag.log" 2>&1 &
  BRIDGE_PID=$!
  BRIDGE_PIDS+=("$BRIDGE_PID")
  local i
  for i in $(seq 100); do
    [ -f "$WORK/$tag.ready" ] && return 0
    if ! kill -0 "$BRIDGE_PID" 2>/dev/null; then
      cat "$WORK/$tag.log" >&2
      bridge_fail "tcpsim bridge $* exited before it was ready"
    fi
    sleep 0.1
  done
  cat "$WORK/$tag.log" >&2
  bridge_fail "tcpsim bridge $* was not ready within 10 s"
}

# Stops the bridge started last with SIGTERM and waits (at most 10 s) for its summary.
# Sets BRIDGE_RC.
bridge_stop() {
  local tag=$1
  kill -TERM "$BRIDGE_PID" 2>/dev/null || true
  local i
  for i in $(seq 100); do
    kill -0 "$BRIDGE_PID" 2>/dev/null || break
    sleep 0.1
  done
  BRIDGE_RC=0
  wait "$BRIDGE_PID" || BRIDGE_RC=$?
  grep -q "stopped by SIGTERM" "$WORK/$tag.log" || {
    cat "$WORK/$tag.log" >&2
    bridge_fail "the bridge ($tag) did not stop cleanly on SIGTERM (exit $BRIDGE_RC)"
  }
}

# Runs `tcpsim bridge ARGS...` in the foreground (a client run); output in $WORK/$tag.log,
# exit status in BRIDGE_RC.
bridge_run() {
  local tag=$1
  shift
  BRIDGE_RC=0
  ip netns exec "$NS" timeout 90 "$TCPSIM_BIN" bridge "$@" >"$WORK/$tag.log" 2>&1 || BRIDGE_RC=$?
}

# Waits (at most 10 s) for a file to appear.
wait_file() {
  local i
  for i in $(seq 100); do
    [ -s "$1" ] && return 0
    sleep 0.1
  done
  bridge_fail "$1 did not appear within 10 s"
}

# Waits (at most 15 s) until FILE has at least N lines containing TEXT (a running bridge's
# ladder, e.g. N connections reaching CLOSED: under loss the last FIN may need a
# retransmission after the client program has already exited).
wait_count() {
  local file=$1 text=$2 n=$3 i got=0
  for i in $(seq 150); do
    got=$(grep -cF -- "$text" "$file" || true)
    [ "$got" -ge "$n" ] && return 0
    sleep 0.1
  done
  bridge_fail "$(basename "$file"): $got lines with '$text' after 15 s, want $n"
}

# Every frame of a capture dissects cleanly: no malformed frame, no bad checksum, no
# expert error. Prints the frame count.
#
# With "lossy" as the second argument, TCP reassembly is off for the frame check: an
# egress capture keeps the frames the link then lost, so a retransmission covers bytes
# Wireshark has already reassembled, and it reports "New fragment overlaps old data"
# although the bytes are the same. That sameness is checked instead (same_bytes.py).
capture_clean() {
  local pcap=$1 mode=${2:-}
  [ -s "$pcap" ] || bridge_fail "capture $pcap is missing or empty"
  local opts=(-o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE)
  if [ "$mode" = lossy ]; then
    opts+=(-o tcp.desegment_tcp_streams:FALSE)
    local same
    same=$(tshark -r "$pcap" -Y "tcp.len > 0" -T fields -e tcp.stream -e tcp.srcport -e tcp.seq \
      -e tcp.payload 2>/dev/null | "$PY" "$BRIDGE_HELPERS/same_bytes.py") ||
      bridge_fail "$pcap: a retransmission differs from the original: $same"
  fi
  local filter="_ws.malformed || ip.checksum.status == 0 || tcp.checksum.status == 0 || _ws.expert.severity >= error"
  local bad frames
  bad=$(tshark -r "$pcap" "${opts[@]}" -Y "$filter" 2>/dev/null | wc -l)
  frames=$(tshark -r "$pcap" 2>/dev/null | wc -l)
  [ "$frames" -gt 0 ] || bridge_fail "tshark reads no frame from $pcap"
  if [ "$bad" -ne 0 ]; then
    tshark -r "$pcap" "${opts[@]}" -Y "$filter" >&2 2>/dev/null || true
    bridge_fail "$pcap: $bad of $frames frames are malformed or have bad checksums"
  fi
  echo "$frames"
}

# Expects the log to contain a line matching the extended regex.
expect_line() {
  local log=$1 re=$2
  grep -Eq -- "$re" "$log" || {
    cat "$log" >&2
    bridge_fail "$(basename "$log"): no line matches /$re/"
  }
}
