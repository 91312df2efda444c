#!/usr/bin/env bash
# tcpsim's client -> servers on the kernel's TCP, over the bridge:
#  - 1 MB to a Python echo server and back, over IPv4 and IPv6; tcpsim closes first
#    (FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT on tcpsim; the kernel sees the FIN first), and
#    `tcpsim inspect` infers both ends' states from the bridge's capture;
#  - the kernel closes first: a server that answers and closes, tcpsim in CLOSE-WAIT and
#    LAST-ACK;
#  - `python3 -m http.server`: a GET whose body's SHA-256 matches the file;
#  - a closed port: the kernel answers RST and tcpsim reports ECONNREFUSED.
set -euo pipefail
source "$TCPSIM_SOURCE_DIR/tests/shell/bridge/lib.sh"
bridge_require python tshark
bridge_setup client

# kernel_server MODE PORT ARGS...: starts the Python server in the namespace, waits until it
# listens. Its result goes to $WORK/MODE-PORT.result.
kernel_server() {
  local mode=$1 port=$2
  shift 2
  rm -f "$WORK/$mode-$port.ready" "$WORK/$mode-$port.result"
  ip netns exec "$NS" timeout 60 "$PY" "$BRIDGE_HELPERS/kernel_server.py" "$mode" "$port" \
    "$WORK/$mode-$port.ready" "$WORK/$mode-$port.result" "$@" >"$WORK/$mode-$port.out" 2>&1 &
  BRIDGE_PIDS+=("$!")
  SERVER_PID=$!
}

# field NAME LINE: the value of NAME=VALUE in LINE.
field() {
  sed -nE "s/.*(^| )$1=([^ ]*).*/\\2/p" <<<"$2"
}

# The servers bind [::], so they can start before the bridge gives the device its addresses.
echo_case() {
  local tag=$1 target=$2 port=$3
  kernel_server echo "$port"
  wait_file "$WORK/echo-$port.ready"
  bridge_run "$tag" --connect "$target" --send-bytes 1MB --pcap "$WORK/$tag.pcapng" --quiet
  local log=$WORK/$tag.log
  [ "$BRIDGE_RC" -eq 0 ] || { cat "$log" >&2; bridge_fail "$tag: tcpsim bridge exited $BRIDGE_RC"; }
  wait "$SERVER_PID" || bridge_fail "$tag: the echo server failed: $(cat "$WORK/echo-$port.out")"
  local line result
  line=$(grep -E "^  client " "$log")
  result=$(cat "$WORK/echo-$port.result")
  [ "$(field sent "$line")" = 1000000 ] || bridge_fail "$tag: tcpsim sent '$(field sent "$line")'"
  [ "$(field received "$line")" = 1000000 ] || bridge_fail "$tag: tcpsim got back $(field received "$line") bytes"
  [ "$(field received_sha256 "$line")" = "$(field sent_sha256 "$line")" ] ||
    bridge_fail "$tag: the echo differs from what tcpsim sent"
  [ "$(field received_sha256 "$result")" = "$(field sent_sha256 "$line")" ] ||
    bridge_fail "$tag: the kernel received other bytes than tcpsim sent ($result)"
  [ "$(field peer_closed_first "$result")" = yes ] ||
    bridge_fail "$tag: the kernel server did not see tcpsim's FIN first ($result)"
  expect_line "$log" "connection .*: CLOSED SYN-SENT ESTABLISHED FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT$"
  expect_line "$log" "^  finished$"
  local frames first_fin
  frames=$(capture_clean "$WORK/$tag.pcapng")
  first_fin=$(tshark -r "$WORK/$tag.pcapng" -Y "tcp.flags.fin == 1" -T fields -e tcp.srcport 2>/dev/null | sed -n 1p)
  [ "$first_fin" != "$port" ] || bridge_fail "$tag: the capture shows the kernel's FIN first"
  # An observer of the capture infers the states both ends went through (docs/inspect.md).
  "$TCPSIM_BIN" inspect "$WORK/$tag.pcapng" --quiet >"$WORK/$tag.inspect" ||
    bridge_fail "$tag: tcpsim inspect failed on the bridge's capture"
  expect_line "$WORK/$tag.inspect" \
    "^    [^ ]+ +CLOSED → SYN-SENT → ESTABLISHED → FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT$"
  expect_line "$WORK/$tag.inspect" \
    "^    [^ ]+:$port +LISTEN → SYN-RECEIVED → ESTABLISHED → CLOSE-WAIT → LAST-ACK → CLOSED$"
  echo "ok   $tag: 1 MB echoed intact, tcpsim closed first (TIME-WAIT), $frames clean frames, states inferred from the capture"
}

echo_case echo-v4 198.18.0.1:7001 7001
echo_case echo-v6 "[fd00:7c5::1]:7002" 7002

# The kernel closes first: it reads 5000 bytes, answers 20000, closes.
kernel_server reply 7003 5000 20000
wait_file "$WORK/reply-7003.ready"
bridge_run reply --connect 198.18.0.1:7003 --send-bytes 5000 --close after-peer \
  --pcap "$WORK/reply.pcapng" --quiet
[ "$BRIDGE_RC" -eq 0 ] || { cat "$WORK/reply.log" >&2; bridge_fail "reply: exit $BRIDGE_RC"; }
wait "$SERVER_PID" || bridge_fail "reply: the server failed: $(cat "$WORK/reply-7003.out")"
line=$(grep -E "^  client " "$WORK/reply.log")
result=$(cat "$WORK/reply-7003.result")
[ "$(field received "$line")" = 20000 ] || bridge_fail "reply: tcpsim got $(field received "$line") bytes"
[ "$(field received_sha256 "$line")" = "$(field sent_sha256 "$result")" ] ||
  bridge_fail "reply: tcpsim got other bytes than the kernel sent"
[ "$(field received_sha256 "$result")" = "$(field sent_sha256 "$line")" ] ||
  bridge_fail "reply: the kernel got other bytes than tcpsim sent"
[ "$(field peer_closed_first "$result")" = no ] || bridge_fail "reply: the kernel did not close first"
expect_line "$WORK/reply.log" "connection .*: CLOSED SYN-SENT ESTABLISHED CLOSE-WAIT LAST-ACK CLOSED$"
expect_line "$WORK/reply.log" " peer_closed"
first_fin=$(tshark -r "$WORK/reply.pcapng" -Y "tcp.flags.fin == 1" -T fields -e tcp.srcport 2>/dev/null | sed -n 1p)
[ "$first_fin" = 7003 ] || bridge_fail "reply: the capture's first FIN is from port '$first_fin', not the kernel's 7003"
frames=$(capture_clean "$WORK/reply.pcapng")
echo "ok   reply: kernel closed first (tcpsim CLOSE-WAIT, LAST-ACK), bytes intact, $frames clean frames"

# python3 -m http.server serves a file; tcpsim GETs it.
mkdir -p "$WORK/www"
head -c 300000 /dev/urandom >"$WORK/www/file.bin"
want=$(sha256sum "$WORK/www/file.bin" | cut -d' ' -f1)
(cd "$WORK/www" && exec ip netns exec "$NS" timeout 60 "$PY" -m http.server --bind :: 8000 \
  >"$WORK/http.server.out" 2>&1) &
BRIDGE_PIDS+=("$!")
for i in $(seq 100); do
  in_ns "$PY" -c 'import socket; socket.create_connection(("::1", 8000), 1).close()' 2>/dev/null && break
  sleep 0.1
done
for target in 198.18.0.1:8000 "[fd00:7c5::1]:8000"; do
  bridge_run http --connect "$target" --request /file.bin --pcap "$WORK/http.pcapng"
  [ "$BRIDGE_RC" -eq 0 ] || { cat "$WORK/http.log" >&2; bridge_fail "http.server $target: exit $BRIDGE_RC"; }
  expect_line "$WORK/http.log" "client GET /file.bin: status=200 body=300000 body_sha256=$want"
  frames=$(capture_clean "$WORK/http.pcapng")
  echo "ok   http.server $target: GET /file.bin 200, 300000 bytes, sha256 ok, $frames clean frames"
done

# Nothing listens on port 9: the kernel answers the SYN with RST,ACK.
bridge_run refused --connect 198.18.0.1:9 --send-bytes 100 --pcap "$WORK/refused.pcapng"
[ "$BRIDGE_RC" -eq 1 ] || { cat "$WORK/refused.log" >&2; bridge_fail "refused: exit $BRIDGE_RC, want 1"; }
expect_line "$WORK/refused.log" "^  client .* error=ECONNREFUSED"
flags=$(tshark -r "$WORK/refused.pcapng" -T fields -e tcp.flags 2>/dev/null | "$PY" "$TCPSIM_SOURCE_DIR/tests/shell/flags_of.py")
[ "$flags" = "S RA" ] || bridge_fail "refused: capture flags '$flags', want 'S RA'"
capture_clean "$WORK/refused.pcapng" >/dev/null
echo "ok   refused: SYN, RST,ACK from the kernel, ECONNREFUSED, exit 1"
