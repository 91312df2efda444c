#!/usr/bin/env bash
# Linux's SYN options — MSS, SACK-permitted, timestamps, window scaling — are negotiated
# with tcpsim and honoured both ways, read from the bridge's capture with tshark:
#  - curl (kernel) -> tcpsim HTTP server: the kernel's SYN and tcpsim's SYN-ACK;
#  - tcpsim -> kernel echo server: tcpsim's SYN and the kernel's SYN-ACK;
# each with 5% loss, so the receivers of bulk data send SACK blocks, and over IPv4 (MSS 1460) and IPv6
# (MSS 1440). Honoured: no segment exceeds the MSS the receiver offered, every segment
# after the handshake carries a timestamp, tshark knows both window scale factors.
set -euo pipefail
source "$TCPSIM_SOURCE_DIR/tests/shell/bridge/lib.sh"
bridge_require curl tshark python
bridge_setup synopt

# check_options PCAP CLIENT SERVER MSS SACKERS: runs syn_options.py on the capture; SACKERS
# is the regex of the "sack_blocks" part it must print (which ends sent SACK blocks).
check_options() {
  local pcap=$1 client=$2 server=$3 mss=$4 sackers=$5
  local out
  out=$(tshark -r "$pcap" -T fields -e ip.src -e ipv6.src -e tcp.flags -e tcp.len \
    -e tcp.options.mss_val -e tcp.options.sack_perm -e tcp.options.timestamp.tsval \
    -e tcp.options.wscale.shift -e tcp.options.sack_le -e tcp.window_size_scalefactor \
    2>/dev/null | sed -E 's/^([^\t]*)\t([^\t]*)\t/\1\2\t/' |
    "$PY" "$BRIDGE_HELPERS/syn_options.py" "$client" "$server" "$mss") ||
    bridge_fail "$pcap: $out"
  grep -Eq "sack_blocks $sackers" <<<"$out" ||
    bridge_fail "$pcap: SACK blocks not as expected under loss: want /$sackers/ ($out)"
  echo "$out"
}

# Kernel client, tcpsim server.
bridge_start srv --serve http --pcap "$WORK/srv.pcapng" --set link.loss=0.05 --seed 11
in_ns curl -sS --fail -m 50 -o /dev/null http://198.18.0.2/bytes/1000000
in_ns curl -sS --fail -m 50 -g -o /dev/null "http://[fd00:7c5::2]/bytes/1000000"
bridge_stop srv
tshark -r "$WORK/srv.pcapng" -Y ip -w "$WORK/srv4.pcapng" 2>/dev/null
tshark -r "$WORK/srv.pcapng" -Y ipv6 -w "$WORK/srv6.pcapng" 2>/dev/null
# Only the kernel receives bulk data here, so only it has holes to report with SACK.
out=$(check_options "$WORK/srv4.pcapng" 198.18.0.1 198.18.0.2 1460 "198.18.0.1=yes")
echo "ok   kernel SYN -> tcpsim SYN-ACK, IPv4: $out"
out=$(check_options "$WORK/srv6.pcapng" fd00:7c5::1 fd00:7c5::2 1440 "fd00:7c5::1=yes")
echo "ok   kernel SYN -> tcpsim SYN-ACK, IPv6: $out"

# tcpsim client, kernel echo server: data both ways.
for target in 198.18.0.1:7007 "[fd00:7c5::1]:7007"; do
  rm -f "$WORK/echo.ready"
  ip netns exec "$NS" timeout 60 "$PY" "$BRIDGE_HELPERS/kernel_server.py" echo 7007 \
    "$WORK/echo.ready" "$WORK/echo.result" >"$WORK/echo.out" 2>&1 &
  server=$!
  BRIDGE_PIDS+=("$server")
  wait_file "$WORK/echo.ready"
  bridge_run cli --connect "$target" --send-bytes 1MB --pcap "$WORK/cli.pcapng" \
    --set link.loss=0.05 --seed 5 --quiet
  [ "$BRIDGE_RC" -eq 0 ] || { cat "$WORK/cli.log" >&2; bridge_fail "client $target: exit $BRIDGE_RC"; }
  wait "$server" || bridge_fail "echo server: $(cat "$WORK/echo.out")"
  if [ "${target:0:1}" = "[" ]; then
    out=$(check_options "$WORK/cli.pcapng" fd00:7c5::2 fd00:7c5::1 1440 \
      "fd00:7c5::2=yes fd00:7c5::1=yes")
  else
    out=$(check_options "$WORK/cli.pcapng" 198.18.0.2 198.18.0.1 1460 \
      "198.18.0.2=yes 198.18.0.1=yes")
  fi
  capture_clean "$WORK/cli.pcapng" lossy >/dev/null
  echo "ok   tcpsim SYN -> kernel SYN-ACK, $target: $out"
done
