#!/usr/bin/env bash
# tshark reads the sample pcap and pcapng files written through tcpsim's capture writers
# (tests/tools/write_sample_capture.cpp) and finds nothing wrong with them: five frames,
# every one TCP with verified-good checksums, no malformed frames or expert warnings, the
# expected flags and payload, nanosecond timestamps, and in the pcapng the comments on the
# right frames. Deliberately damaged copies prove that the "nothing wrong" check fires.
set -euo pipefail

fail() {
  echo "tshark_sample_capture: FAIL: $*" >&2
  exit 1
}

tools_dir=${TCPSIM_TOOLS_DIR:?TCPSIM_TOOLS_DIR must name the directory holding the test tools}
tool="$tools_dir/write_sample_capture"
[[ -x "$tool" ]] || fail "$tool is missing; build the 'write_sample_capture' target"
command -v tshark >/dev/null 2>&1 ||
  fail "tshark is not installed; run tools/setup.sh as root (Debian package 'tshark')"

work=$(mktemp -d "${TMPDIR:-/tmp}/tcpsim_tshark.XXXXXX")
trap 'rm -rf "$work"' EXIT

# tshark with checksum verification on. It is off by default, and then every checksum
# status is "unverified", which the filters below would never flag. As root, tshark warns
# about running as root on stderr; that line is dropped, anything else is shown. Output
# goes to a file and a non-zero exit (unreadable file, unknown field or preference, bad
# filter) fails the test at once: an empty answer is exactly what the "nothing wrong"
# check expects, so a failing tshark must never look like one.
tshark_to() {
  local out=$1 rc=0
  shift
  tshark -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE "$@" >"$out" 2>"$work/stderr" ||
    rc=$?
  grep -v -e '^Running as user "root"' "$work/stderr" >&2 || true
  ((rc == 0)) || fail "tshark $* exited with $rc"
}

# Sets $frames to the numbers of the frames of file $1 matching display filter $2,
# space-separated.
frames_matching() {
  tshark_to "$work/frames" -r "$1" -Y "$2" -T fields -e frame.number
  frames=$(tr '\n' ' ' <"$work/frames")
  frames=${frames% }
}

expect_eq() {
  local what=$1 got=$2 want=$3
  [[ "$got" == "$want" ]] || fail "$what: expected [$want], got [$got]"
}

# Anything wrong with a frame. && binds more tightly than || in Wireshark display
# filters, so each clause stands alone here: a frame is flagged when it is malformed, OR
# has an expert item of warning severity or worse, OR fails either checksum check. This
# flags a superset of "_ws.malformed || severity >= warning && (bad checksum)": a bad
# checksum is itself an expert error.
bad_filter='_ws.malformed || _ws.expert.severity >= warning || tcp.checksum.status == 0 || ip.checksum.status == 0'

# --- bad arguments are refused -------------------------------------------------------
rc=0
"$tool" "$work/only_one.pcap" 2>"$work/usage" || rc=$?
expect_eq "exit code with one file name" "$rc" 2
grep -q "usage: write_sample_capture" "$work/usage" || fail "no usage line on bad arguments"
rc=0
"$tool" "$work/a.txt" "$work/b.pcapng" 2>/dev/null || rc=$?
expect_eq "exit code with a .txt file" "$rc" 2

# --- the clean capture ------------------------------------------------------------------
"$tool" "$work/sample.pcap" "$work/sample.pcapng" || fail "write_sample_capture failed"

# One line per frame. Fields: number, time since the epoch (2024-01-01T00:00:00Z plus
# simulated time, to the nanosecond), TCP ports (present only when TCP dissected the
# frame), TCP flags, TCP and IPv4 checksum status (1 = verified good), TCP payload in hex.
fields=(frame.number frame.time_epoch tcp.srcport tcp.dstport tcp.flags tcp.checksum.status
  ip.checksum.status tcp.payload)
expected_frames=(
  "1|1704067200.000000000|40000|80|0x0002|1|1|"          # SYN
  "2|1704067200.005000321|80|40000|0x0012|1|1|"          # SYN+ACK
  "3|1704067200.010000642|40000|80|0x0010|1|1|"          # ACK
  "4|1704067200.010051007|40000|80|0x0018|1|1|68656c6c6f" # PSH+ACK "hello"
  "5|1704067200.015051329|80|40000|0x0010|1|1|"          # ACK
)
# The comments in the pcapng; classic pcap has none. tshark 4.0 calls the field
# frame.comment (inside the pkt_comment protocol item).
expected_comments=(
  "client: CLOSED → SYN-SENT (RFC 9293 §3.10.1)"
  "server: LISTEN → SYN-RECEIVED (RFC 9293 §3.10.7.2)"
  "client: SYN-SENT → ESTABLISHED (RFC 9293 §3.10.7.3)"
  "client: SEND 5 bytes (RFC 9293 §3.10.2)"
  ""
)

for file in "$work/sample.pcap" "$work/sample.pcapng"; do
  name=$(basename "$file")
  args=()
  for f in "${fields[@]}" frame.comment; do args+=(-e "$f"); done
  tshark_to "$work/table" -r "$file" -T fields -E separator='|' "${args[@]}"
  mapfile -t lines <"$work/table"
  expect_eq "$name: frame count" "${#lines[@]}" "${#expected_frames[@]}"
  for i in "${!expected_frames[@]}"; do
    comment=""
    [[ "$name" == *.pcapng ]] && comment=${expected_comments[$i]}
    expect_eq "$name: frame $((i + 1)) (${fields[*]} frame.comment)" \
      "${lines[$i]}" "${expected_frames[$i]}|$comment"
  done
  frames_matching "$file" "$bad_filter"
  expect_eq "$name: frames malformed, with warnings or with bad checksums" "$frames" ""
done

# Wireshark also lists each comment in Expert Info, at "Comment" severity.
frames_matching "$work/sample.pcapng" frame.comment.expert
expect_eq "sample.pcapng: frames with a comment in Expert Info" "$frames" "1 2 3 4"

# --- damaged copies must be flagged, or the check above proves nothing -------------------
# The damage is in the frame bytes, which are the same in both formats; the pcapng copy is
# enough. Columns: variant, damaged frame, the clause that must catch it on its own.
checks=(
  "tcp-checksum 3 tcp.checksum.status == 0"
  "ip-checksum  2 ip.checksum.status == 0"
  "malformed    4 _ws.malformed"
)
for check in "${checks[@]}"; do
  read -r variant frame clause <<<"$check"
  file="$work/$variant.pcapng"
  "$tool" "--corrupt=$variant" "$work/$variant.pcap" "$file" ||
    fail "write_sample_capture --corrupt=$variant failed"
  for filter in "$bad_filter" '_ws.expert.severity >= warning'; do
    frames_matching "$file" "$filter"
    [[ " $frames " == *" $frame "* ]] ||
      fail "$variant.pcapng: damaged frame $frame not caught by '$filter' (caught: [$frames])"
  done
  frames_matching "$file" "$clause"
  expect_eq "$variant.pcapng: frames caught by '$clause' alone" "$frames" "$frame"
done

tshark_to "$work/version" -v
echo "tshark_sample_capture: ok ($(head -n 1 "$work/version"))"
