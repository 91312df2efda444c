#!/usr/bin/env bash
# The ns-3 comparison's scripts (tests/bench/compare_ns3.sh, tests/bench/build_ns3.sh) on
# their command lines, without ns-3 and without running a benchmark: --help prints the
# usage, bad arguments and a missing prerequisite exit 2 with one line on stderr.
set -euo pipefail
: "${TCPSIM_BIN:?}" "${TCPSIM_SOURCE_DIR:?}"
source "$TCPSIM_SOURCE_DIR/tests/shell/lib/cli_expect.sh"

C="$TCPSIM_SOURCE_DIR/tests/bench/compare_ns3.sh"
B="$TCPSIM_SOURCE_DIR/tests/bench/build_ns3.sh"

# one_line DESCRIPTION: the output of the last command is exactly one line.
one_line() {
  local n
  n=$(wc -l <"$tmp/out")
  if [ "$n" -eq 1 ]; then pass "$1: one line"; else bad "$1: $n lines, wanted 1"; fi
}

expect_exit 0 "compare --help" -- bash "$C" --help
contains "usage names --ns3" "--ns3 release|debian"
contains "usage names --dumbbell" "--dumbbell FLOWS[,FLOWS...]"
contains "usage names NS3_TIMEOUT" "NS3_TIMEOUT=S"

expect_exit 2 "unknown option" -- bash "$C" --frobnicate
contains "names the option" "compare_ns3: unknown option '--frobnicate'"
one_line "unknown option"
expect_exit 2 "bad --ns3" -- bash "$C" --ns3 fedora
contains "names what is allowed" "--ns3 must be release or debian: got 'fedora'"
one_line "bad --ns3"
expect_exit 2 "--ns3 without a value" -- bash "$C" --ns3
one_line "--ns3 without a value"
expect_exit 2 "bad flow count" -- bash "$C" --dumbbell 10,ten
contains "names the list" "got '10,ten'"
one_line "bad flow count"
expect_exit 2 "zero flows" -- bash "$C" --dumbbell=0
one_line "zero flows"
expect_exit 2 "no flow counts" -- bash "$C" --dumbbell=
contains "asks for flow counts" "--dumbbell needs flow counts"
one_line "no flow counts"
expect_exit 2 "more flows than bytes" -- bash "$C" --dumbbell 10,100 "$TCPSIM_BIN" 50
contains "names the flows and bytes" "100 flows cannot share 50 bytes"
one_line "more flows than bytes"
expect_exit 2 "too many flows" -- bash "$C" --dumbbell 64001 "$TCPSIM_BIN"
contains "names the limit" "1 to 64000"
expect_exit 2 "bad BYTES" -- bash "$C" "$TCPSIM_BIN" 5XB
contains "names BYTES" "BYTES must be a count, optionally with KB, MB or GB: got '5XB'"
one_line "bad BYTES"
expect_exit 2 "three positional arguments" -- bash "$C" "$TCPSIM_BIN" 1MB extra
one_line "three positional arguments"
RUNS=0 expect_exit 2 "RUNS=0" -- bash "$C" "$TCPSIM_BIN"
NS3_TIMEOUT=soon expect_exit 2 "bad NS3_TIMEOUT" -- bash "$C" --dumbbell 10 "$TCPSIM_BIN"
contains "names NS3_TIMEOUT" "NS3_TIMEOUT must be whole seconds: got 'soon'"
expect_exit 2 "no tcpsim binary" -- bash "$C" "$tmp/no-tcpsim"
contains "says how to build it" "cmake --preset release"
one_line "no tcpsim binary"

# A checkout without the optimised ns-3: the default build is missing, and says how to
# make it (compare_ns3.sh finds the checkout from its own path).
if command -v g++ >/dev/null; then
  mkdir -p "$tmp/checkout/tests/bench"
  cp "$C" "$tmp/checkout/tests/bench/"
  expect_exit 2 "no optimised ns-3" -- bash "$tmp/checkout/tests/bench/compare_ns3.sh" "$TCPSIM_BIN"
  contains "points at build_ns3.sh" "(build it: tests/bench/build_ns3.sh; or use --ns3 debian)"
  one_line "no optimised ns-3"
fi

expect_exit 0 "build_ns3 --help" -- bash "$B" --help
contains "usage names --jobs" "--jobs N"
expect_exit 2 "build_ns3 bad --jobs" -- bash "$B" --jobs many
contains "names --jobs" "--jobs must be a positive integer: got 'many'"
one_line "build_ns3 bad --jobs"
expect_exit 2 "build_ns3 unknown argument" -- bash "$B" --fast
one_line "build_ns3 unknown argument"

echo "bench_scripts_cli: $fails failure(s)"
[ "$fails" -eq 0 ]
