#!/usr/bin/env bash
# Runs the same bulk transfer in tcpsim and in ns-3 (Debian's 3.37) and compares how long
# each takes, wall clock and CPU: BYTES over a 1 Gbit/s point-to-point link with 5 ms one-way
# delay, TCP NewReno with SACK, MSS 1448, a 1000-packet drop-tail queue. docs/benchmarks.md
# describes the set-up, what differs between the two models, and measured figures.
#
# Usage: tests/bench/compare_ns3.sh [TCPSIM_BIN] [BYTES]
#   TCPSIM_BIN  default build/release/tools/tcpsim (cmake --preset release && cmake --build
#               --preset release); used as it is, never rebuilt here
#   BYTES       default 100000000; a plain count or with a decimal suffix: 50MB, 1GB, 800KB
#   RUNS=N      runs of each simulator (default 3); the table shows the median wall time
#               and the median CPU time
#
# The ns-3 program (tests/bench/ns3/bulk_send.cc) is compiled into build/bench-ns3/ and
# rebuilt only when its source is newer than the binary. Exit status: 0 when both delivered
# every byte on every run, 1 when one did not, 2 for bad usage or a missing prerequisite.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tcpsim="${1:-$root/build/release/tools/tcpsim}"
bytes_arg="${2:-100000000}"
runs="${RUNS:-3}"

# die STATUS MESSAGE...: one line on stderr, then exit with STATUS.
die() {
  local status="$1"
  shift
  echo "compare_ns3: $*" >&2
  exit "$status"
}

case "$bytes_arg" in
  *[!0-9]*)
    num="${bytes_arg%%[!0-9]*}"
    suffix="${bytes_arg#"$num"}"
    case "$suffix" in
      KB) mult=1000 ;;
      MB) mult=1000000 ;;
      GB) mult=1000000000 ;;
      *) num="" ;;
    esac
    [ -n "$num" ] || die 2 "BYTES must be a count, optionally with KB, MB or GB: got '$bytes_arg'"
    bytes=$((num * mult))
    ;;
  *) bytes="$bytes_arg" ;;
esac
[ "$bytes" -gt 0 ] || die 2 "BYTES must be more than 0"
case "$runs" in '' | *[!0-9]* | 0) die 2 "RUNS must be a positive integer: got '$runs'" ;; esac

[ -x "$tcpsim" ] || die 2 "no tcpsim binary at $tcpsim" \
  "(build it: cmake --preset release && cmake --build --preset release)"

ns3_modules=(ns3-core ns3-network ns3-internet ns3-point-to-point ns3-applications
  ns3-traffic-control)
if ! command -v pkg-config >/dev/null || ! command -v g++ >/dev/null ||
  ! pkg-config --exists "${ns3_modules[@]}"; then
  die 2 "ns-3 is not installed (pkg-config finds no ${ns3_modules[*]}): run tools/setup_bench.sh"
fi
ns3_version="$(pkg-config --modversion ns3-core)"

# Build the ns-3 program when it is missing or older than its source.
src="$here/ns3/bulk_send.cc"
build_dir="$root/build/bench-ns3"
ns3_bin="$build_dir/bulk_send"
mkdir -p "$build_dir"
if [ ! -x "$ns3_bin" ] || [ "$src" -nt "$ns3_bin" ]; then
  echo "compare_ns3: compiling $src against ns-3 $ns3_version" >&2
  # shellcheck disable=SC2046  # pkg-config's output is a list of words by design
  g++ -std=c++17 -O2 -o "$ns3_bin.tmp" "$src" $(pkg-config --cflags --libs "${ns3_modules[@]}") ||
    die 2 "compiling the ns-3 program failed (is libgsl-dev installed? run tools/setup_bench.sh)"
  mv "$ns3_bin.tmp" "$ns3_bin"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Runs a command, its output to $work/NAME.out, and prints "WALL CPU": its wall time and
# the CPU time (user + system) it used, in seconds, from bash's `time`. CPU time is less
# disturbed than wall time when other jobs share the machine. A command that fails ends the
# script (timed runs in a subshell, so set -e carries that out).
timed() {
  local name="$1"
  shift
  local status=0 TIMEFORMAT='%3R %3U %3S'
  { time "$@" >"$work/$name.out" 2>"$work/$name.err" || status=$?; } 2>"$work/$name.time"
  if [ "$status" -ne 0 ]; then
    echo "compare_ns3: $name failed (exit status $status):" >&2
    cat "$work/$name.out" "$work/$name.err" >&2
    exit 1
  fi
  awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$work/$name.time"
}

# The field KEY=VALUE from the text on stdin.
field() { grep -o "\b$1=[^ ]*" | head -n1 | cut -d= -f2; }

median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) printf "%.3f", v[(NR + 1) / 2]
    else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ns3_walls=() ns3_cpus=()
tcpsim_walls=() tcpsim_cpus=()
echo "compare_ns3: $bytes bytes, $runs runs of each (alternating)" >&2
for ((i = 1; i <= runs; i++)); do
  # Alternate the two so a change in the machine's load hits both alike.
  times="$(timed ns3 "$ns3_bin" --bytes="$bytes")"
  read -r wall cpu <<<"$times"
  ns3_walls+=("$wall") ns3_cpus+=("$cpu")
  out="$(cat "$work/ns3.out")"
  received="$(field received <<<"$out")"
  [ "$received" = "$bytes" ] ||
    die 1 "ns-3 run $i: the sink received ${received:-nothing}, not $bytes bytes: $out"
  ns3_out="$out"

  times="$(timed tcpsim "$tcpsim" run bulk --set bytes="$bytes" \
    --set link.rate=1Gbps --set link.delay=5ms --set tcp.cc=newreno --quiet)"
  read -r wall cpu <<<"$times"
  tcpsim_walls+=("$wall") tcpsim_cpus+=("$cpu")
  out="$(cat "$work/tcpsim.out")"
  grep -q 'integrity=ok' <<<"$out" || die 1 "tcpsim run $i: no integrity=ok in its summary: $out"
  grep -q "check ok  : server receives at least $bytes bytes" <<<"$out" ||
    die 1 "tcpsim run $i: the server did not receive $bytes bytes: $out"
  tcpsim_out="$out"
  echo "  run $i: ns-3 ${ns3_walls[-1]} s (cpu ${ns3_cpus[-1]} s)," \
    "tcpsim ${tcpsim_walls[-1]} s (cpu ${tcpsim_cpus[-1]} s)" >&2
done

ns3_wall="$(median "${ns3_walls[@]}")"
tcpsim_wall="$(median "${tcpsim_walls[@]}")"
ns3_cpu="$(median "${ns3_cpus[@]}")"
tcpsim_cpu="$(median "${tcpsim_cpus[@]}")"
# Simulated figures are deterministic; they come from the last run of each.
ns3_sim="$(field completion_ms <<<"$ns3_out")"
ns3_events="$(field events <<<"$ns3_out")"
ns3_frames="$(field frames <<<"$ns3_out")"
ns3_retx="$(field retransmissions <<<"$ns3_out")"
ns3_drops="$(field queue_drops <<<"$ns3_out")"
tcpsim_sim="$(grep -o 'client in [0-9.]* ms' <<<"$tcpsim_out" | awk '{ print $3 }')"
tcpsim_events="$(field events <<<"$tcpsim_out")"
tcpsim_frames="$(field segments <<<"$tcpsim_out")"
tcpsim_retx="$(field retransmissions <<<"$tcpsim_out" | tr -d ,)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

echo
echo "bulk transfer: $bytes bytes, 1 Gbit/s, 5 ms one way, NewReno + SACK, MSS 1448," \
  "1000-packet drop-tail queue"
echo "wall and CPU (user + system) time: median of $runs runs;" \
  "simulated time: connect to last byte (tcpsim: to close)"
echo
fmt='%-12s %8s %8s %14s %10s %10s %16s %12s\n'
# shellcheck disable=SC2059  # one format for every row
printf "$fmt" "simulator" "wall s" "cpu s" "simulated ms" "events" "frames" \
  "retransmissions" "queue drops"
# shellcheck disable=SC2059
printf "$fmt" "ns-3 $ns3_version" "$ns3_wall" "$ns3_cpu" "$ns3_sim" "$ns3_events" \
  "$ns3_frames" "$ns3_retx" "$ns3_drops"
# shellcheck disable=SC2059
printf "$fmt" "tcpsim" "$tcpsim_wall" "$tcpsim_cpu" "$tcpsim_sim" "$tcpsim_events" \
  "$tcpsim_frames" "$tcpsim_retx" "-"
echo
echo "ratio ns-3/tcpsim: wall $(ratio "$ns3_wall" "$tcpsim_wall")," \
  "cpu $(ratio "$ns3_cpu" "$tcpsim_cpu")"
echo "  ns-3 wall:   ${ns3_walls[*]}"
echo "  tcpsim wall: ${tcpsim_walls[*]}"
