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
contains "help names --profile" "--profile"
contains "help names -D" "-D,--define"
contains "help names --tolerance_usecs" "--tolerance_usecs"

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

# packetdrill's flags on the command line win over the script's first line.
cat >"$tmp/flags.pkt" <<'PKT'
--tcpsim_profile=linux --mtu=1200
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
+0    connect(3, ..., ...) = -1 EINPROGRESS
#if defined(FreeBSD) && MSS == 1460
+0    > S 0:0(0) <mss 1460,nop,wscale 6,sackOK,TS val 1 ecr 0>
#elif defined(Linux)
+0    > S 0:0(0) <mss 1160,sackOK,TS val 1 ecr 0,nop,wscale 8>
#else
+0    > S 0:0(0) <mss 9999>
#endif
PKT
expect_exit 0 "first-line options" -- "$T" script "$tmp/flags.pkt"
expect_exit 0 "--profile, --mtu and -D win" -- "$T" script "$tmp/flags.pkt" --profile freebsd --mtu 1500 -D MSS=1460
expect_exit 0 "--tcpsim_profile= and --define" -- "$T" script "$tmp/flags.pkt" --tcpsim_profile=freebsd --mtu=1500 --define MSS=1460
expect_exit 1 "without the define the #else branch runs" -- "$T" script "$tmp/flags.pkt" --profile freebsd
contains "the line of the kept branch" "flags.pkt:10: error handling packet"
expect_exit 0 "recorded and ignored flags" -- "$T" script "$tmp/flags.pkt" --gateway_ip=192.168.0.254 --netmask_ip=255.255.255.0 --tolerance_usecs=1000 --tolerance_percent=5 --tcp_ts_tick_usecs=1000 --ip_version=ipv4 --local_ip=192.168.0.1 --remote_ip=192.0.2.1 --wire_server_ip=10.0.0.1 --frobnicate=1
contains "harness flag noted" "command line: option --wire_server_ip has no meaning in tcpsim: ignored"
contains "unknown flag warned" "command line: warning: unknown option --frobnicate: ignored"
expect_exit 2 "bad --mtu" -- "$T" script "$tmp/flags.pkt" --mtu 67
contains "names the flag" "command line: bad --mtu: '67' (an MTU from 68 (IPv4's minimum) to 65535)"
expect_exit 2 "bad --profile" -- "$T" script "$tmp/flags.pkt" --profile solaris
expect_exit 2 "bad --gateway_ip" -- "$T" script "$tmp/flags.pkt" --gateway_ip=nowhere
expect_exit 2 "a second positional argument" -- "$T" script "$tmp/flags.pkt" other.pkt
printf -- '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n#ifdef Linux\n' >"$tmp/open-if.pkt"
expect_exit 2 "unbalanced #ifdef" -- "$T" script "$tmp/open-if.pkt"
contains "file:line and the directive" "open-if.pkt:2: #ifdef without #endif"

# ICMP errors: a bad line is named by file:line before anything runs (exit 2); a good one
# reaches the capture as an ICMP message tshark dissects.
icmp_head='0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n+0 < S 0:0(0) win 65535 <mss 1460>\n+0 > S. 0:0(0) ack 1 <...>\n+.1 < . 1:1(0) ack 1 win 65535\n'
printf -- "${icmp_head}+0 < icmp unreachable frobnicated [0:0(0)]\n" >"$tmp/icmp-code.pkt"
expect_exit 2 "unknown ICMP code" -- "$T" script "$tmp/icmp-code.pkt"
contains "names the line and the code" "icmp-code.pkt:7: unknown ICMPv4 code 'frobnicated' for unreachable"
printf -- "${icmp_head}+0 < icmp echo_request\n" >"$tmp/icmp-type.pkt"
expect_exit 2 "unknown ICMP type" -- "$T" script "$tmp/icmp-type.pkt"
contains "names the line and the type" "icmp-type.pkt:7: unknown ICMPv4 error type 'echo_request'"
printf -- "${icmp_head}+0 < icmp unreachable frag_needed [1:1(0)]\n" >"$tmp/icmp-mtu.pkt"
expect_exit 2 "ICMP frag_needed without mtu" -- "$T" script "$tmp/icmp-mtu.pkt"
contains "names the line and the missing mtu" "icmp-mtu.pkt:7: missing mtu: unreachable frag_needed reports the next-hop MTU"
printf -- "${icmp_head}+0 < icmp packet_too_big mtu 1280\n" >"$tmp/icmp-v6type.pkt"
expect_exit 2 "an ICMPv6 type under IPv4" -- "$T" script "$tmp/icmp-v6type.pkt"
contains "names the line" "icmp-v6type.pkt:7: unknown ICMPv4 error type 'packet_too_big'"
printf -- "${icmp_head}+0 > icmp unreachable port_unreachable\n" >"$tmp/icmp-out.pkt"
expect_exit 2 "outbound ICMP" -- "$T" script "$tmp/icmp-out.pkt"
contains "names the line" "icmp-out.pkt:7:"
printf -- "${icmp_head}+0 < udp (10)\n" >"$tmp/udp.pkt"
expect_exit 2 "UDP stays unsupported" -- "$T" script "$tmp/udp.pkt"
contains "names the line" "udp.pkt:7:"
expect_exit 0 "ICMP into the capture" -- "$T" script "$S/linux/icmp-frag-needed.pkt" --pcap "$tmp/icmp.pcap"
if command -v tshark >/dev/null 2>&1; then
  tshark -r "$tmp/icmp.pcap" -Y icmp -T fields -e icmp.type -e icmp.code -e icmp.mtu \
    -e icmp.checksum.status >"$tmp/icmp.txt" 2>/dev/null || true
  grep -q "^3	4	1200	1" "$tmp/icmp.txt" && pass "tshark dissects the frag-needed message" ||
    bad "tshark: $(head -1 "$tmp/icmp.txt")"
fi

# --compare: one script under several profiles; exit 1 when the wire differs, 0 when not.
expect_exit 0 "help names --compare" -- "$T" script --help
contains "--compare in help" "--compare"
expect_exit 1 "--compare, the wire differs" -- "$T" script "$S/three-kernels.pkt" --compare linux,freebsd,rfc
contains "each profile's verdict" "  freebsd  departs from the script at line 10 (3 departures in all)"
contains "the first difference" "line 9: +0    < S 0:0(0) win 65535"
contains "freebsd's SYN,ACK" "  freebsd  0.000000 S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 6,sackOK>"
contains "the rule behind freebsd's layout" "tcp_addoptions(), sys/netinet/tcp_output.c"
contains "the delayed-ACK timeouts" "      rfc      200 ms (RFC 1122 4.2.3.2"
printf -- '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n+0 < . 1:1(0) ack 1 win 100\n+0 > R 1:1(0)\n' >"$tmp/rst.pkt"
expect_exit 0 "--compare, the same wire" -- "$T" script "$tmp/rst.pkt" --compare linux,freebsd,rfc
contains "says so" "The wire is the same under every profile."
expect_exit 1 "--compare with --pcap" -- "$T" script "$S/three-kernels.pkt" --compare linux,freebsd --pcap "$tmp/cmp.pcap"
[ -s "$tmp/cmp-linux.pcap" ] && [ -s "$tmp/cmp-freebsd.pcap" ] && pass "one capture per profile" || bad "captures per profile missing"
cmp -s "$tmp/cmp-linux.pcap" "$tmp/cmp-freebsd.pcap" && bad "the two captures are the same" || pass "the captures differ"
expect_exit 2 "--compare with one profile" -- "$T" script "$S/three-kernels.pkt" --compare linux
contains "asks for two" "--compare: name at least two profiles, comma-separated (known: linux, freebsd, rfc)"
expect_exit 2 "--compare with an unknown profile" -- "$T" script "$S/three-kernels.pkt" --compare linux,solaris
contains "names it" "--compare: unknown profile 'solaris' (known: linux, freebsd, rfc)"
expect_exit 2 "--compare with a profile twice" -- "$T" script "$S/three-kernels.pkt" --compare linux,linux
expect_exit 2 "--compare with --profile" -- "$T" script "$S/three-kernels.pkt" --compare linux,rfc --profile freebsd
contains "says why" "--profile and --compare cannot be used together"
expect_exit 2 "--compare of a malformed script" -- "$T" script "$S/failing/syntax-error.pkt" --compare linux,rfc
contains "each run says why" "  rfc    cannot run:"

expect_exit 2 "--compare where one profile alone can run the script" -- "$T" script "$S/linux/cork.pkt" --compare linux,freebsd,rfc
contains "says so" "Nothing to compare: 1 of the 3 profiles could run the script."
contains "on stderr too" "--compare: 1 of 3 profiles could run"
expect_exit 2 "--compare with an empty list" -- "$T" script "$S/three-kernels.pkt" --compare ""
contains "names it" "--compare: unknown profile ''"

echo "script_cli: $fails failure(s)"
[ "$fails" -eq 0 ]
