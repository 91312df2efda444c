#!/usr/bin/env bash
# curl on the kernel's TCP <-> tcpsim's HTTP server over the bridge: several requests on
# one kept-alive connection, a 1 MB body whose SHA-256 matches the server's byte stream,
# over IPv4 and IPv6, then the same with 5% loss on the bridge's link. Every capture
# dissects cleanly in tshark and shows the HTTP exchanges.
set -euo pipefail
source "$TCPSIM_SOURCE_DIR/tests/shell/bridge/lib.sh"
bridge_require curl tshark
bridge_setup http

want=$("$TCPSIM_TOOLS_DIR/stream_sha256" 1000000)

# body_sha URL: fetches URL with curl in the namespace and prints the body's SHA-256.
body_sha() {
  T=60 ip netns exec "$NS" timeout 60 curl -sS --fail -m 50 -g -o "$WORK/body" "$1"
  sha256sum "$WORK/body" | cut -d' ' -f1
}

run_case() {
  local tag=$1 mode=$2
  shift 2
  bridge_start "$tag" --serve http --pcap "$WORK/$tag.pcapng" --trace "$WORK/$tag.jsonl" "$@"
  # Three requests on one connection: curl reuses it for URLs of the same server.
  local codes
  codes=$(in_ns curl -sS -m 20 -w '%{http_code} %{num_connects}\n' -o /dev/null -o /dev/null \
    -o /dev/null http://198.18.0.2/ http://198.18.0.2/bytes/5000 http://198.18.0.2/missing)
  [ "$(echo $codes)" = "200 1 200 0 404 0" ] ||
    bridge_fail "$tag: keep-alive requests gave '$codes' (want 200 1 200 0 404 0: one connection)"
  local v4 v6
  v4=$(body_sha http://198.18.0.2/bytes/1000000)
  v6=$(body_sha "http://[fd00:7c5::2]/bytes/1000000")
  [ "$v4" = "$want" ] || bridge_fail "$tag: IPv4 1 MB body sha256 $v4, want $want"
  [ "$v6" = "$want" ] || bridge_fail "$tag: IPv6 1 MB body sha256 $v6, want $want"
  wait_count "$WORK/$tag.log" "LAST-ACK → CLOSED" 3
  bridge_stop "$tag"
  local log=$WORK/$tag.log
  expect_line "$log" "server: 5 requests, 0 bad requests"
  # One connection for the three kept-alive requests, one per 1 MB body; the server
  # closed each after curl did.
  local conns
  conns=$(grep -c "^  connection .*LISTEN SYN-RECEIVED ESTABLISHED CLOSE-WAIT LAST-ACK CLOSED" "$log" || true)
  [ "$conns" -eq 3 ] || { cat "$log" >&2; bridge_fail "$tag: $conns complete connections, want 3"; }
  expect_line "$log" "connection \[fd00:7c5::2\]:80 <> \[fd00:7c5::1\]:"
  local frames http
  frames=$(capture_clean "$WORK/$tag.pcapng" "$mode")
  http=$(tshark -r "$WORK/$tag.pcapng" -Y http.response -T fields -e http.response.code 2>/dev/null | tr '\n' ' ')
  [ "$http" = "200 200 404 200 200 " ] ||
    bridge_fail "$tag: tshark sees HTTP responses '$http' (want 200 200 404 200 200)"
  echo "ok   $tag: keep-alive 200/200/404 on one connection, 1 MB IPv4+IPv6 sha256 ok, $frames clean frames"
}

run_case clean strict
run_case lossy lossy --set link.loss=0.05 --seed 3
log=$WORK/lossy.log
expect_line "$log" "link tcpsim -> kernel: dropped [0-9]+ loss"
expect_line "$log" "link kernel -> tcpsim: dropped [0-9]+ loss"
retx=$(grep -c '"what":"retransmit"' "$WORK/lossy.jsonl" || true)
[ "$retx" -gt 0 ] || bridge_fail "lossy: tcpsim retransmitted nothing under 5% loss"
echo "ok   lossy: $retx retransmissions by tcpsim, bodies intact"

# Delay and reordering on the link apply to the kernel's packets too: with 15 ms each way
# curl's connect takes at least the 30 ms round trip; 10% of packets are held back 5 ms.
bridge_start slow --serve http --pcap "$WORK/slow.pcapng" --set link.delay=15ms \
  --set link.reorder=0.1 --set link.reorder_delay=5ms
connect=$(in_ns curl -sS --fail -m 20 -o /dev/null -w '%{time_connect}' http://198.18.0.2/)
v4=$(body_sha http://198.18.0.2/bytes/1000000)
wait_count "$WORK/slow.log" "LAST-ACK → CLOSED" 2
bridge_stop slow
[ "$v4" = "$want" ] || bridge_fail "slow: 1 MB body sha256 $v4, want $want"
"$PY" -c "import sys; sys.exit(0 if float('$connect') >= 0.030 else 1)" ||
  bridge_fail "slow: curl connected in ${connect}s, want at least the 30 ms round trip"
frames=$(capture_clean "$WORK/slow.pcapng" lossy)
echo "ok   slow: connect took ${connect}s over 2 x 15 ms, 1 MB intact through reordering, $frames clean frames"
