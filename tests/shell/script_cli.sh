#!/usr/bin/env bash
# `tcpsim script`: exit 0 for a passing script, 1 for a failing one (with packetdrill's
# file:line message on stderr), 2 for a malformed one or bad usage; --pcap writes a capture
# that tshark or libpcap can read; --verbose prints each event.
set -euo pipefail
: "${TCPSIM_BIN:?}" "${TCPSIM_SOURCE_DIR:?}"
source "$TCPSIM_SOURCE_DIR/tests/shell/lib/cli_expect.sh"

T="$TCPSIM_BIN"
S="$TCPSIM_SOURCE_DIR/tests/scripts"

expect_exit 0 "script --help" -- "$T" script --help
contains "help names --pcap" "--pcap"
contains "help names --verbose" "--verbose"

expect_exit 0 "passing script" -- "$T" script "$S/passive-open.pkt"
contains "pass line" "passive-open.pkt: pass (17 events"

expect_exit 0 "--verbose" -- "$T" script "$S/active-open.pkt" --verbose
contains "verbose shows the SYN" "0.000000 > S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 8>"
contains "verbose shows the blocked connect returning" "connect() returns 0"

expect_exit 0 "--pcap" -- "$T" script "$S/close-active.pkt" --pcap "$tmp/c.pcap"
[ -s "$tmp/c.pcap" ] && pass "capture written" || bad "capture missing"
if command -v tshark >/dev/null 2>&1; then
  tshark -r "$tmp/c.pcap" -T fields -e tcp.flags.str >"$tmp/flags" 2>"$tmp/tshark.err" || true
  n=$(wc -l <"$tmp/flags")
  [ "$n" -eq 13 ] && pass "tshark reads 13 frames" || bad "tshark read $n frames, wanted 13"
  grep -q "F" "$tmp/flags" && pass "the FIN is in the capture" || bad "no FIN in the capture"
fi
expect_exit 0 "--pcap as pcapng" -- "$T" script "$S/passive-open.pkt" --pcap "$tmp/p.pcapng"
[ -s "$tmp/p.pcapng" ] && pass "pcapng written" || bad "pcapng missing"

expect_exit 1 "failing script" -- "$T" script "$S/failing/wrong-ack.pkt"
contains "packetdrill-style message" "wrong-ack.pkt:13: error handling packet: live packet field tcp_ack_seq: expected: 1001 (0x3e9) vs actual: 101 (0x65)"
contains "the script packet" "script packet: 0.140000 . 1:1(0) ack 1001"
contains "the actual packet" "actual packet: 0.100000 . 1:1(0) ack 101 win 65535"

expect_exit 2 "malformed script" -- "$T" script "$S/failing/syntax-error.pkt"
contains "file:line:column" "syntax-error.pkt:4:7: expected '= result' after listen(...)"
expect_exit 2 "missing script" -- "$T" script "$tmp/none.pkt"
contains "names the file" "cannot read script"
expect_exit 2 "bad capture extension" -- "$T" script "$S/passive-open.pkt" --pcap "$tmp/x.txt"
expect_exit 2 "no script argument" -- "$T" script
printf -- '--frobnicate\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n' >"$tmp/warn.pkt"
expect_exit 0 "unknown option warns" -- "$T" script "$tmp/warn.pkt"
contains "warning on stderr" "warning: unknown option --frobnicate: ignored"

echo "script_cli: $fails failure(s)"
[ "$fails" -eq 0 ]
