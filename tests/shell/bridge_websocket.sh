#!/usr/bin/env bash
# Python's `websockets` client (on the kernel's TCP) <-> tcpsim's WebSocket echo server
# (sim/app/websocket_app.hpp) over the bridge: text and binary messages, fragmented and
# 70 KB ones, a ping, and a clean close with code 1000 seen on both sides; over IPv4 and
# IPv6, and with 5% loss. Every capture dissects cleanly.
set -euo pipefail
source "$TCPSIM_SOURCE_DIR/tests/shell/bridge/lib.sh"
bridge_require websockets tshark python
bridge_setup ws

ws_case() {
  local tag=$1 mode=$2
  shift 2
  bridge_start "$tag" --serve websocket --pcap "$WORK/$tag.pcapng" "$@"
  local url
  for url in ws://198.18.0.2/ "ws://[fd00:7c5::2]/"; do
    T=90 in_ns "$PY" "$BRIDGE_HELPERS/ws_client.py" "$url" >"$WORK/$tag.client" 2>&1 || {
      cat "$WORK/$tag.client" >&2
      bridge_fail "$tag: the websockets client failed against $url"
    }
    expect_line "$WORK/$tag.client" "^ok close: code 1000 both ways$"
  done
  # RFC 6455 §7.1.1: after the closing handshake the server closes the TCP connection
  # first, so tcpsim ends in TIME-WAIT (the kernel's last FIN may need a retransmission).
  wait_count "$WORK/$tag.log" "FIN-WAIT-2 → TIME-WAIT" 2
  bridge_stop "$tag"
  local closed
  closed=$(grep -c "^  connection .*: LISTEN SYN-RECEIVED ESTABLISHED FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT$" "$WORK/$tag.log" || true)
  [ "$closed" -eq 2 ] || { cat "$WORK/$tag.log" >&2; bridge_fail "$tag: $closed connections closed by the server first, want 2"; }
  # Two sessions, 8 messages each echoed, both closed with 1000 as the server saw it.
  expect_line "$WORK/$tag.log" "server: 2 sessions, 16 messages in, 16 out, 0 refused, close codes: 1000 1000$"
  local frames ws
  frames=$(capture_clean "$WORK/$tag.pcapng" "$mode")
  ws=$(tshark -r "$WORK/$tag.pcapng" -Y websocket -T fields -e websocket.opcode 2>/dev/null |
    tr ',' '\n' | sort | uniq -c | tr -s ' \n' ' ')
  # Opcodes: 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong.
  local op
  for op in " 0" " 1" " 2" " 8" " 9" " 10"; do
    grep -Eq "[0-9]+$op( |$)" <<<"$ws" || bridge_fail "$tag: tshark sees no WebSocket opcode$op (counts:$ws)"
  done
  echo "ok   $tag: websockets client, IPv4 and IPv6, 16 echoes, ping, close 1000; $frames clean frames; opcodes:$ws"
}

ws_case clean strict
ws_case lossy lossy --set link.loss=0.05 --seed 4
