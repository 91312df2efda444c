#!/usr/bin/env bash
# The HTTP scenarios' reference captures dissect as HTTP in tshark: the request lines and
# status codes each scenario should show, with no malformed frame and no warning.
set -euo pipefail
: "${TCPSIM_SOURCE_DIR:?}"
command -v tshark >/dev/null || { echo "tshark is missing: run tools/setup.sh" >&2; exit 1; }
cd "$TCPSIM_SOURCE_DIR/captures"
status=0
check() {
  local name=$1 want=$2 allowed_warnings=${3:-0}
  local got bad
  got=$(tshark -r "$name.pcapng" -Y http -T fields -e http.request.method -e http.request.uri \
          -e http.response.code 2>/dev/null | tr '\t\n' ' |' | sed 's/ *| */|/g; s/|$//')
  bad=$(tshark -r "$name.pcapng" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
          -Y "_ws.malformed || _ws.expert.severity >= warning" 2>/dev/null | wc -l)
  if [ "$got" != "$want" ] || [ "$bad" -ne "$allowed_warnings" ]; then
    echo "FAIL $name: http fields '$got' (want '$want'), $bad malformed/warning frames"
    status=1
  else
    echo "ok   $name: $got"
  fi
}
check http-get "GET /bytes/20000|200"
check http-keepalive "GET /|200|GET /bytes/5000|200|GET /missing|404"
check http-pipelining "GET,GET,GET /,/bytes/3000,/bytes/1000|200|200,200"
# The one frame Wireshark warns about is the request itself: it flags the same smuggling
# shape (Content-Length with Transfer-Encoding) that made the server answer 400.
check http-bad-request "POST /upload|400" 1
warning=$(tshark -r http-bad-request.pcapng -Y "_ws.expert.severity >= warning" -T fields \
  -e _ws.expert.message 2>/dev/null)
case "$warning" in
  *"Content-Length and Transfer-Encoding"*) echo "ok   http-bad-request: tshark agrees: $warning" ;;
  *) echo "FAIL http-bad-request: unexpected warning '$warning'"; status=1 ;;
esac
exit $status
