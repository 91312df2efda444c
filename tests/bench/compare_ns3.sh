#!/usr/bin/env bash
# Runs the same transfers in tcpsim and in ns-3 3.37 and compares how long each takes, wall
# clock and CPU. By default one bulk transfer: BYTES over a 1 Gbit/s point-to-point link
# with 5 ms one-way delay, TCP NewReno with SACK, MSS 1448, a 1000-packet drop-tail queue.
# With --dumbbell, tcpsim's `dumbbell` scenario (all NewReno) against the same topology in
# ns-3, once per number of flows. docs/benchmarks.md describes the set-ups, what differs
# between the two models, and measured figures.
#
# Usage: tests/bench/compare_ns3.sh [--ns3 release|debian] [--dumbbell FLOWS[,FLOWS...]]
#                                   [TCPSIM_BIN] [BYTES]
#   --ns3 release   (the default) ns-3 built with its release profile (no logging, no
#                   asserts) by tests/bench/build_ns3.sh into build/ns3-release/
#   --ns3 debian    Debian's packaged ns-3 (libns3-dev, logging compiled in), via pkg-config
#   --dumbbell L    the many-flow comparison, for each number of flows in the list L
#   TCPSIM_BIN      default build/release/tools/tcpsim (cmake --preset release && cmake
#                   --build --preset release); used as it is, never rebuilt here
#   BYTES           default 100000000, in total over all flows; a plain count or with a
#                   decimal suffix: 50MB, 1GB, 800KB
#   RUNS=N          runs of each simulator (default 3, with --dumbbell 1); the tables show
#                   the median wall time and the median CPU time
#   NS3_TIMEOUT=S   with --dumbbell: stop an ns-3 run after S seconds and show it as such
#
# The ns-3 programs (tests/bench/ns3/*.cc) are compiled into build/bench-ns3/BUILD/ and
# rebuilt only when their source or the ns-3 build is newer than the binary. Exit status:
# 0 when both delivered every byte on every run, 1 when one did not, 2 for bad usage or a
# missing prerequisite.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

# die STATUS MESSAGE...: one line on stderr, then exit with STATUS.
die() {
  local status="$1"
  shift
  echo "compare_ns3: $*" >&2
  exit "$status"
}

usage() { sed -n '/^# Usage:/,/^#   NS3_TIMEOUT/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

# The byte count BYTES means, from a plain count or one with KB, MB or GB.
parse_bytes() {
  local arg="$1" num suffix mult=1
  case "$arg" in
    *[!0-9]*)
      num="${arg%%[!0-9]*}"
      suffix="${arg#"$num"}"
      case "$suffix" in
        KB) mult=1000 ;;
        MB) mult=1000000 ;;
        GB) mult=1000000000 ;;
        *) num="" ;;
      esac
      [ -n "$num" ] || die 2 "BYTES must be a count, optionally with KB, MB or GB: got '$arg'"
      ;;
    *) num="$arg" ;;
  esac
  [ "$((num * mult))" -gt 0 ] || die 2 "BYTES must be more than 0"
  echo "$((num * mult))"
}

ns3_build=release dumbbell="" dumbbell_given="" positional=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help)
      usage
      exit 0
      ;;
    --ns3 | --dumbbell)
      [ $# -ge 2 ] || die 2 "$1 needs a value (see --help)"
      if [ "$1" = --ns3 ]; then ns3_build="$2"; else dumbbell="$2" dumbbell_given=1; fi
      shift 2
      ;;
    --ns3=*) ns3_build="${1#*=}" && shift ;;
    --dumbbell=*) dumbbell="${1#*=}" dumbbell_given=1 && shift ;;
    -*) die 2 "unknown option '$1' (allowed: --ns3 release|debian, --dumbbell FLOWS, --help)" ;;
    *) positional+=("$1") && shift ;;
  esac
done
[ "${#positional[@]}" -le 2 ] ||
  die 2 "too many arguments: '${positional[2]}' (usage: [TCPSIM_BIN] [BYTES])"
case "$ns3_build" in
  release | debian) ;;
  *) die 2 "--ns3 must be release or debian: got '$ns3_build'" ;;
esac
flow_counts=()
if [ -n "$dumbbell_given" ]; then
  IFS=, read -r -a flow_counts <<<"$dumbbell"
  [ "${#flow_counts[@]}" -gt 0 ] || die 2 "--dumbbell needs flow counts, e.g. --dumbbell 10,100"
  for n in "${flow_counts[@]}"; do
    case "$n" in
      '' | *[!0-9]* | 0)
        die 2 "--dumbbell takes flow counts 1 to 64000, comma-separated: got '$dumbbell'"
        ;;
    esac
    [ "$n" -le 64000 ] || die 2 "--dumbbell takes flow counts 1 to 64000: got $n"
  done
fi
tcpsim="${positional[0]:-$root/build/release/tools/tcpsim}"
bytes="$(parse_bytes "${positional[1]:-100000000}")"
for n in "${flow_counts[@]}"; do
  [ "$n" -le "$bytes" ] ||
    die 2 "--dumbbell: $n flows cannot share $bytes bytes (one byte each at least)"
done
runs="${RUNS:-$([ -n "$dumbbell_given" ] && echo 1 || echo 3)}"
case "$runs" in '' | *[!0-9]* | 0) die 2 "RUNS must be a positive integer: got '$runs'" ;; esac
ns3_timeout="${NS3_TIMEOUT:-}"
case "$ns3_timeout" in
  *[!0-9]* | 0) die 2 "NS3_TIMEOUT must be whole seconds: got '$ns3_timeout'" ;;
esac

[ -x "$tcpsim" ] || die 2 "no tcpsim binary at $tcpsim" \
  "(build it: cmake --preset release && cmake --build --preset release)"
command -v g++ >/dev/null || die 2 "no g++ to compile the ns-3 programs: run tools/setup_bench.sh"

# The compiler and linker flags for the chosen ns-3 build, in ns3_flags; its version in
# ns3_version, a label for the tables in ns3_label, and a file whose change means rebuild.
ns3_modules=(ns3-core ns3-network ns3-internet ns3-point-to-point ns3-applications
  ns3-traffic-control)
if [ "$ns3_build" = release ]; then
  prefix="$root/build/ns3-release/install"
  ns3_stamp="$root/build/ns3-release/complete"
  [ -f "$ns3_stamp" ] || die 2 "no optimised ns-3 in $root/build/ns3-release" \
    "(build it: tests/bench/build_ns3.sh; or use --ns3 debian)"
  ns3_version="$(sed -n 's/^Version: *//p' "$prefix/lib/pkgconfig/ns3-core.pc")"
  # Not pkg-config: its .pc files name the prefix the build was configured with. The rpath
  # is DT_RPATH, which the libraries' own dependencies on each other are found by too.
  ns3_flags=(-I"$prefix/include" -L"$prefix/lib" "-Wl,--disable-new-dtags,-rpath,$prefix/lib")
  for m in "${ns3_modules[@]}"; do ns3_flags+=("-l$m"); done
  ns3_label="ns-3 $ns3_version, release profile (build/ns3-release, tests/bench/build_ns3.sh)"
else
  if ! command -v pkg-config >/dev/null || ! pkg-config --exists "${ns3_modules[@]}"; then
    die 2 "Debian's ns-3 is not installed (pkg-config finds no ${ns3_modules[*]}):" \
      "run tools/setup_bench.sh"
  fi
  ns3_version="$(pkg-config --modversion ns3-core)"
  read -r -a ns3_flags <<<"$(pkg-config --cflags --libs "${ns3_modules[@]}")"
  ns3_stamp="$(pkg-config --variable=libdir ns3-core)/libns3-core.so"
  ns3_label="ns-3 $ns3_version, Debian's package (libns3-dev: logging compiled in)"
fi

# The path of the ns-3 program NAME (tests/bench/ns3/NAME.cc), compiled when it is missing
# or older than its source or the ns-3 build.
ns3_program() {
  local name="$1" src="$here/ns3/$1.cc" dir="$root/build/bench-ns3/$ns3_build"
  local bin="$dir/$name"
  mkdir -p "$dir"
  if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ "$ns3_stamp" -nt "$bin" ]; then
    echo "compare_ns3: compiling $src against $ns3_label" >&2
    g++ -std=c++17 -O2 -o "$bin.tmp" "$src" "${ns3_flags[@]}" >&2 ||
      die 2 "compiling the ns-3 program failed (is libgsl-dev installed? run tools/setup_bench.sh)"
    mv "$bin.tmp" "$bin"
  fi
  echo "$bin"
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Runs a command, its output to $work/NAME.out, and prints "WALL CPU": its wall time and
# the CPU time (user + system) it used, in seconds, from bash's `time`. CPU time is less
# disturbed than wall time when other jobs share the machine. A command that fails ends the
# script (timed runs in a subshell, so exit carries that out), except that with
# NS3_TIMEOUT an ns-3 run stopped by `timeout` prints "timeout".
timed() {
  local name="$1"
  shift
  local status=0 TIMEFORMAT='%3R %3U %3S'
  { time "$@" >"$work/$name.out" 2>"$work/$name.err" || status=$?; } 2>"$work/$name.time"
  if [ "$status" -eq 124 ] && [ "$1" = timeout ]; then
    echo "timeout"
    return
  fi
  if [ "$status" -ne 0 ]; then
    echo "compare_ns3: $name failed (exit status $status):" >&2
    cat "$work/$name.out" "$work/$name.err" >&2
    exit 1
  fi
  awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$work/$name.time"
}

# The field KEY=VALUE from the text on stdin; nothing when it is not there.
field() { { grep -o "\b$1=[^ ]*" || true; } | head -n1 | cut -d= -f2; }

median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) printf "%.3f", v[(NR + 1) / 2]
    else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# A / B to two decimals, or n/a when either is not a number (an ns-3 run that timed out).
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else print "n/a" }'
}

# The single bulk transfer: RUNS runs of each, alternating, and one table.
compare_bulk() {
  local ns3_bin times wall cpu out received ns3_out="" tcpsim_out="" i
  local ns3_walls=() ns3_cpus=() tcpsim_walls=() tcpsim_cpus=()
  ns3_bin="$(ns3_program bulk_send)"
  echo "compare_ns3: $bytes bytes, $runs runs of each (alternating); $ns3_label" >&2
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

  local ns3_wall tcpsim_wall ns3_cpu tcpsim_cpu
  ns3_wall="$(median "${ns3_walls[@]}")"
  tcpsim_wall="$(median "${tcpsim_walls[@]}")"
  ns3_cpu="$(median "${ns3_cpus[@]}")"
  tcpsim_cpu="$(median "${tcpsim_cpus[@]}")"
  echo
  echo "bulk transfer: $bytes bytes, 1 Gbit/s, 5 ms one way, NewReno + SACK, MSS 1448," \
    "1000-packet drop-tail queue"
  echo "ns-3 build: $ns3_label"
  echo "wall and CPU (user + system) time: median of $runs runs;" \
    "simulated time: connect to last byte (tcpsim: to close)"
  echo
  # Simulated figures are deterministic; they come from the last run of each.
  local fmt='%-12s %8s %8s %14s %10s %10s %16s %12s\n'
  # shellcheck disable=SC2059  # one format for every row
  printf "$fmt" "simulator" "wall s" "cpu s" "simulated ms" "events" "frames" \
    "retransmissions" "queue drops"
  # shellcheck disable=SC2059
  printf "$fmt" "ns-3 $ns3_version" "$ns3_wall" "$ns3_cpu" \
    "$(field completion_ms <<<"$ns3_out")" "$(field events <<<"$ns3_out")" \
    "$(field frames <<<"$ns3_out")" "$(field retransmissions <<<"$ns3_out")" \
    "$(field queue_drops <<<"$ns3_out")"
  # shellcheck disable=SC2059
  printf "$fmt" "tcpsim" "$tcpsim_wall" "$tcpsim_cpu" \
    "$(grep -o 'client in [0-9.]* ms' <<<"$tcpsim_out" | awk '{ print $3 }')" \
    "$(field events <<<"$tcpsim_out")" "$(field segments <<<"$tcpsim_out")" \
    "$(field retransmissions <<<"$tcpsim_out" | tr -d ,)" "-"
  echo
  echo "ratio ns-3/tcpsim: wall $(ratio "$ns3_wall" "$tcpsim_wall")," \
    "cpu $(ratio "$ns3_cpu" "$tcpsim_cpu")"
  echo "  ns-3 wall:   ${ns3_walls[*]}"
  echo "  tcpsim wall: ${tcpsim_walls[*]}"
}

# From a tcpsim dumbbell summary on stdin: "BYTES OK RETX COMPLETION_MS", the bytes
# delivered (from its rounded figures), whether every connection says integrity=ok and how
# many connections there are (OK is the count of those that do, or 0 when the figures over
# all of them say otherwise), the retransmissions and the latest completion. With more than
# 8 flows the summary has one line over all of them; with fewer, one line per flow.
tcpsim_dumbbell_figures() {
  awk '
    function scale(unit) { return unit == "GB" ? 1e9 : unit == "MB" ? 1e6 : unit == "KB" ? 1e3 : 1 }
    function retx_of(line, r) {
      r = line; sub(/.*retransmissions=/, "", r); sub(/,.*/, "", r); return r
    }
    # With more than 8: "N connections: 100.0 MB delivered in T ms, ..., integrity=ok".
    /^ *[0-9]+ connections?: [0-9.]+ [KMG]?B delivered in / {
      all = 1; n = $1; total = $3 * scale($4); done = $7
      retx = retx_of($0); ok = ($0 ~ /integrity=ok/) ? n : 0
    }
    # With fewer: "c0 ...: delivered 1000.0 KB to server, ... in T ms, ..., integrity=ok".
    !all && / delivered [0-9.]+ [KMG]?B to server/ {
      for (i = 1; i <= NF; i++) {
        if ($i == "delivered") total += $(i + 1) * scale($(i + 2))
        if ($i == "in" && $(i + 2) ~ /^ms/ && $(i + 1) > done) done = $(i + 1)
      }
      retx += retx_of($0); ok += ($0 ~ /integrity=ok/)
    }
    END { printf "%.0f %d %d %s\n", total, ok, retx, done }'
}

# One flow count of the dumbbell: RUNS runs of each, alternating; prints the table row to
# $work/rows and the simulated figures to $work/sims.
dumbbell_point() {
  local n="$1" ns3_bin="$2" per_flow total times wall cpu i
  local ns3_walls=() ns3_cpus=() tcpsim_walls=() tcpsim_cpus=() timeout_cmd=()
  per_flow=$((bytes / n))
  total=$((per_flow * n))
  [ -z "$ns3_timeout" ] || timeout_cmd=(timeout "$ns3_timeout")
  local ns3_out="" tcpsim_out="" ns3_timed_out=""
  for ((i = 1; i <= runs; i++)); do
    if [ -z "$ns3_timed_out" ]; then
      times="$(timed ns3 "${timeout_cmd[@]}" "$ns3_bin" --flows="$n" --bytes="$bytes")"
      if [ "$times" = timeout ]; then
        ns3_timed_out=1
      else
        read -r wall cpu <<<"$times"
        ns3_walls+=("$wall") ns3_cpus+=("$cpu")
        ns3_out="$(cat "$work/ns3.out")"
        [ "$(field received <<<"$ns3_out")" = "$total" ] ||
          die 1 "ns-3, $n flows, run $i: the sink did not receive $total bytes: $ns3_out"
      fi
    fi

    times="$(timed tcpsim "$tcpsim" run dumbbell --set flows="$n" --set bytes="$bytes" \
      --set cc=newreno --quiet)"
    read -r wall cpu <<<"$times"
    tcpsim_walls+=("$wall") tcpsim_cpus+=("$cpu")
    tcpsim_out="$(cat "$work/tcpsim.out")"
    check_tcpsim_dumbbell "$n" "$total" "$i" "$tcpsim_out"
    echo "  $n flows, run $i: ns-3 ${ns3_walls[-1]:-timeout} s (cpu ${ns3_cpus[-1]:--} s)," \
      "tcpsim ${tcpsim_walls[-1]} s (cpu ${tcpsim_cpus[-1]} s)" >&2
  done
  dumbbell_rows "$n" "$ns3_out" "$tcpsim_out"
}

# Checks one tcpsim dumbbell run: every connection intact, every byte delivered.
check_tcpsim_dumbbell() {
  local n="$1" total="$2" i="$3" out="$4" got ok retx last_ms
  grep -q 'check ok  : every stream arrives intact (SHA-256)' <<<"$out" ||
    die 1 "tcpsim, $n flows, run $i: the integrity check did not pass: $out"
  read -r got ok retx last_ms < <(tcpsim_dumbbell_figures <<<"$out")
  [ "$ok" = "$n" ] ||
    die 1 "tcpsim, $n flows, run $i: integrity=ok on $ok of $n connections: $out"
  # The summary rounds to 0.1 of its unit, so allow half a percent.
  awk -v a="$got" -v b="$total" 'BEGIN { exit !(a >= b * 0.995 && a <= b * 1.005) }' ||
    die 1 "tcpsim, $n flows, run $i: delivered about $got bytes, not $total: $out"
}

# The rows of both tables for one flow count, from the medians of the runs that
# dumbbell_point collected (its arrays, which bash's dynamic scope makes visible here) and
# the last runs' output.
dumbbell_rows() {
  local n="$1" ns3_out="$2" tcpsim_out="$3" tw tc nw="timeout" nc="-" segs per_seg
  tw="$(median "${tcpsim_walls[@]}")"
  tc="$(median "${tcpsim_cpus[@]}")"
  if [ "${#ns3_walls[@]}" -gt 0 ]; then
    nw="$(median "${ns3_walls[@]}")"
    nc="$(median "${ns3_cpus[@]}")"
  elif [ -n "$ns3_timeout" ]; then
    nw="> $ns3_timeout"
  fi
  segs="$(field segments <<<"$tcpsim_out")"
  per_seg="$(awk -v w="$tw" -v s="$segs" 'BEGIN {
    if (s > 0) printf "%.2f", w * 1e6 / s; else print "n/a" }')"
  # shellcheck disable=SC2059  # one format for every row
  printf "$row_fmt" "$n" "$tw" "$tc" "$per_seg" "$nw" "$nc" "$(ratio "$nw" "$tw")" \
    "$(ratio "$nc" "$tc")" >>"$work/rows"
  local got ok retx last_ms drops
  read -r got ok retx last_ms < <(tcpsim_dumbbell_figures <<<"$tcpsim_out")
  drops="$(field queue-full <<<"$tcpsim_out" | tr -d ,)"
  # shellcheck disable=SC2059
  printf "$sim_fmt" "$n" "$last_ms" "$(field events <<<"$tcpsim_out")" "$segs" "$retx" \
    "${drops:--}" "$(field completion_ms <<<"$ns3_out")" "$(field events <<<"$ns3_out")" \
    "$(field retransmissions <<<"$ns3_out")" "$(field queue_drops <<<"$ns3_out")" >>"$work/sims"
}

# The dumbbell for every flow count in the list, then two tables: the times, and the
# simulated figures of the last run of each.
compare_dumbbell() {
  local ns3_bin n
  ns3_bin="$(ns3_program dumbbell)"
  row_fmt='%7s %10s %10s %12s %10s %10s %10s %10s\n'
  sim_fmt='%7s %14s %10s %10s %8s %8s %14s %10s %8s %8s\n'
  echo "compare_ns3: dumbbell, $bytes bytes over each of ${flow_counts[*]} flows," \
    "$runs run(s) of each (alternating); $ns3_label" >&2
  for n in "${flow_counts[@]}"; do
    dumbbell_point "$n" "$ns3_bin"
  done
  echo
  echo "dumbbell: N senders on 10 Gbit/s, 1 ms access links share a 1 Gbit/s, 5 ms link with a"
  echo "1000-packet drop-tail queue; $bytes bytes in total, split evenly; NewReno + SACK, MSS 1448"
  echo "ns-3 build: $ns3_label"
  echo "wall and CPU (user + system) time in seconds, median of $runs run(s);" \
    "per segment: tcpsim's wall time / its segments"
  echo
  # shellcheck disable=SC2059  # one format for every row
  printf "$row_fmt" "flows" "tcpsim s" "tcpsim cpu" "us/segment" "ns-3 s" "ns-3 cpu" \
    "ratio wall" "ratio cpu"
  cat "$work/rows"
  echo
  echo "simulated (last run of each): when the last flow finished, in ms (tcpsim: the span"
  echo "from the first connect to the last connection's end, with 8 flows or fewer the longest"
  echo "connection; ns-3: from t=0 to the last byte), events, retransmissions, drops"
  echo
  # shellcheck disable=SC2059
  printf "$sim_fmt" "flows" "tcpsim ms" "events" "segments" "retx" "drops" "ns-3 ms" \
    "events" "retx" "drops"
  cat "$work/sims"
}

if [ -n "$dumbbell_given" ]; then
  compare_dumbbell
else
  compare_bulk
fi
