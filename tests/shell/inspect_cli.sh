#!/usr/bin/env bash
# `tcpsim inspect` from the command line: a capture of a built-in scenario read back with
# the ladder, --quiet, --conn and --report; and bad input, each one line on stderr and
# exit 2: a missing file, a file that is not a capture, a link type not read, a capture
# cut short (inspected as far as it reads, then the error), --conn matching nothing.
set -euo pipefail
: "${TCPSIM_BIN:?}" "${TCPSIM_SOURCE_DIR:?}"
source "$TCPSIM_SOURCE_DIR/tests/shell/lib/cli_expect.sh"
T="$TCPSIM_BIN"

one_line_stderr() {
  local n
  n=$("$@" 2>&1 >/dev/null | wc -l) || true
  [ "$n" -eq 1 ] && pass "one line on stderr: ${*:2}" || bad "$n lines on stderr: ${*:2}"
}

"$T" run teardown --quiet --pcap "$tmp/t.pcap" >/dev/null
"$T" run refused --quiet --pcap "$tmp/r.pcapng" >/dev/null

expect_exit 0 "inspect a scenario's capture" -- "$T" inspect "$tmp/t.pcap"
contains "ladder arrow" "──SYN seq=0 win=65535 len=0 <mss 1460"
contains "inferred change in the ladder" "LISTEN → SYN-RECEIVED"
contains "client's path" "10.0.0.1:40000  CLOSED → SYN-SENT → ESTABLISHED → FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT"
contains "server's path" "10.0.0.2:7777   LISTEN → SYN-RECEIVED → ESTABLISHED → CLOSE-WAIT → LAST-ACK → CLOSED"
contains "totals" "connections=1"

expect_exit 0 "--quiet" -- "$T" inspect "$tmp/t.pcap" --quiet
if grep -q "──" "$tmp/out"; then bad "--quiet printed the ladder"; else pass "--quiet hides the ladder"; fi
contains "--quiet keeps the summary" "handshake=seen anomalies=0"

expect_exit 0 "pcapng, refused" -- "$T" inspect "$tmp/r.pcapng"
contains "RST judged" "rst-acceptable"
contains "refused path" "CLOSED → SYN-SENT → CLOSED"
contains "the closed port has no state" "no state seen"

expect_exit 0 "--conn matching" -- "$T" inspect "$tmp/t.pcap" --conn :7777 --quiet
contains "--conn keeps the match" "10.0.0.1:40000>10.0.0.2:7777"
expect_exit 2 "--conn matching nothing" -- "$T" inspect "$tmp/t.pcap" --conn :9999
contains "--conn names an id to copy" "no connection of '$tmp/t.pcap' matches"

expect_exit 0 "--report" -- "$T" inspect "$tmp/t.pcap" --quiet --report "$tmp/t.html"
grep -q "<html" "$tmp/t.html" && pass "report page written" || bad "no report page"
expect_exit 2 "--report not .html" -- "$T" inspect "$tmp/t.pcap" --report "$tmp/t.txt"
contains "--report says what is allowed" "ending in .html"

expect_exit 2 "missing file" -- "$T" inspect "$tmp/none.pcap"
contains "missing file named" "cannot read capture '$tmp/none.pcap'"
contains "what is read" "inspect reads pcap and pcapng files"
one_line_stderr "$T" inspect "$tmp/none.pcap"

echo "not a capture" >"$tmp/text.pcap"
expect_exit 2 "not a capture" -- "$T" inspect "$tmp/text.pcap"
contains "not a capture: why" "unknown file format; inspect reads pcap and pcapng files"
one_line_stderr "$T" inspect "$tmp/text.pcap"

# A classic pcap header with LINKTYPE_IEEE802_11 (105).
python3 -c 'import struct, sys; open(sys.argv[1], "wb").write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 105))' "$tmp/wifi.pcap"
expect_exit 2 "unsupported link type" -- "$T" inspect "$tmp/wifi.pcap"
contains "link type named with what is allowed" "link type 105 is not read; allowed: Ethernet (1), raw IP"
one_line_stderr "$T" inspect "$tmp/wifi.pcap"

# Cut inside the last frame: the frames before it are inspected, then the error.
size=$(stat -c %s "$tmp/t.pcap")
head -c $((size - 10)) "$tmp/t.pcap" >"$tmp/cut.pcap"
rc=0
"$T" inspect "$tmp/cut.pcap" >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 2 ] && pass "cut capture: exit 2" || bad "cut capture: exit $rc"
grep -q "LISTEN → SYN-RECEIVED" "$tmp/out" && pass "cut capture: what was read is shown" ||
  bad "cut capture: nothing shown"
grep -q "error reading capture '$tmp/cut.pcap' after" "$tmp/err" && pass "cut capture: error named" ||
  bad "cut capture: $(cat "$tmp/err")"

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
