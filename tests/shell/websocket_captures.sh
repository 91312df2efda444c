#!/usr/bin/env bash
# The WebSocket scenarios' reference captures dissect as WebSocket in tshark: each frame's
# sender, FIN bit, opcode and mask bit in order (client frames masked, server frames not,
# fragments as continuation frames, ping and pong, the two Close frames), the upgrade as
# HTTP 101, and no malformed frame or warning anywhere.
set -euo pipefail
: "${TCPSIM_SOURCE_DIR:?}"
command -v tshark >/dev/null || { echo "tshark is missing: run tools/setup.sh" >&2; exit 1; }
cd "$TCPSIM_SOURCE_DIR/captures"
status=0
fields() {  # one line per WebSocket frame: "C|S fin opcode mask", C = from the client side
  local name=$1 server=$2
  tshark -r "$name.pcapng" -Y websocket -T fields -e ip.src -e websocket.fin \
    -e websocket.opcode -e websocket.mask 2>/dev/null |
    awk -v s="$server" '{ printf "%s%s%s%s ", ($1 == s ? "S" : "C"), $2, $3, $4 }' |
    sed 's/ $//'
}
check() {
  local name=$1 server=$2 want=$3 want_http=$4
  local got http bad
  got=$(fields "$name" "$server")
  http=$(tshark -r "$name.pcapng" -Y http -T fields -e http.request.uri -e http.response.code \
    2>/dev/null | tr '\t\n' ' |' | sed 's/ *| */|/g; s/|$//')
  bad=$(tshark -r "$name.pcapng" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
    -Y "_ws.malformed || _ws.expert.severity >= warning" 2>/dev/null | wc -l)
  if [ "$got" != "$want" ] || [ "$http" != "$want_http" ] || [ "$bad" -ne 0 ]; then
    echo "FAIL $name: frames '$got'"
    echo "     want   '$want'"
    echo "     http '$http' (want '$want_http'), $bad malformed/warning frames"
    status=1
  else
    echo "ok   $name: $got"
  fi
}
# Frames are written FIN+opcode+MASK: C111 = client, FIN, text, masked.
# websocket-echo: a text; a text in 3 fragments; 70000 bytes binary in 5 fragments (echoed
# whole); ping/pong; 16 bytes binary; Close from the client, Close back from the server.
check websocket-echo 10.0.0.2 \
  "C111 S110 C011 C001 C101 S110 C021 C001 C001 C001 C101 S120 C191 S1100 C121 S120 C181 S180" \
  "/echo|101"
# Payloads as tshark unmasks them: the first text both ways, the ping and the close codes.
payloads=$(tshark -r websocket-echo.pcapng -Y websocket -T fields -e websocket.payload.text \
  -e websocket.payload.ping -e websocket.payload.close.status_code 2>/dev/null |
  awk -F'\t' 'NR <= 2 || $2 != "" || $3 != "" { print $1 "/" $2 "/" $3 }' | tr '\n' '|')
want_payloads="hello, tcpsim//|hello, tcpsim//|/61726520796f752074686572653f/|//1000|//1000|"
if [ "$payloads" != "$want_payloads" ]; then
  echo "FAIL websocket-echo payloads '$payloads' (want '$want_payloads')"
  status=1
else
  echo "ok   websocket-echo payloads: $payloads"
fi
# polling-vs-websocket: the WebSocket client's 20 pushed events and the closing handshake.
ws_events=$(printf 'S110 %.0s' $(seq 20))
check polling-vs-websocket 10.0.0.2 "${ws_events}C181 S180" \
  "$(tshark -r polling-vs-websocket.pcapng -Y http -T fields -e http.request.uri \
     -e http.response.code 2>/dev/null | tr '\t\n' ' |' | sed 's/ *| */|/g; s/|$//')"
# The polling transcript itself: every poll answered 200 or 204, every long poll 200, the
# upgrade 101.
codes=$(tshark -r polling-vs-websocket.pcapng -Y http.response -T fields -e http.response.code \
  2>/dev/null | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')
uris=$(tshark -r polling-vs-websocket.pcapng -Y http.request -T fields -e http.request.uri \
  2>/dev/null | sed 's/?.*//' | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')
echo "     polling-vs-websocket: requests $uris; responses $codes"
case "$uris" in *"/poll:"*"/wait:20 "*"/ws:1 "*) ;; *) echo "FAIL unexpected requests: $uris"; status=1 ;; esac
case "$codes" in "101:1 200:"*"204:"*) ;; *) echo "FAIL unexpected responses: $codes"; status=1 ;; esac
exit $status
