#!/usr/bin/env bash
# Sets up the machine, builds tcpsim and runs every test:
#   1. the dev build (Debug, -Werror): unit, scenario, script, capture and shell tests;
#   2. the asan build (AddressSanitizer + UBSan): the unit and scenario tests (their
#      program only is built);
#   3. the fuzz build (clang + libFuzzer): each fuzz target for a bounded time, two at once;
#   4. the release build (-O3, what the README's quick start builds): it compiles with
#      warnings as errors and runs the handshake walkthrough, writing a capture.
# Usage: bash tools/test.sh            (from anywhere; as root on a fresh machine)
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh

log_dir=build/test-logs
mkdir -p "$log_dir"
passed=0
failed=0

# run_preset PRESET [TARGET...]: configure, build (only TARGETs when given: what the
# preset's tests run) and run the preset's tests.
run_preset() {
  local preset=$1
  shift
  local targets=()
  [ $# -gt 0 ] && targets=(--target "$@")
  echo "== $preset: configure and build (at ${SECONDS} s)"
  cmake --preset "$preset" >"$log_dir/$preset-configure.log" || {
    cat "$log_dir/$preset-configure.log"; return 1; }
  cmake --build --preset "$preset" -j 2 "${targets[@]}"
  echo "== $preset: test (at ${SECONDS} s)"
  local status=0
  ctest --preset "$preset" 2>&1 | tee "$log_dir/$preset-ctest.log" || status=$?
  local line
  line=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$log_dir/$preset-ctest.log" | tail -1 || true)
  if [ -z "$line" ]; then
    echo "tools/test.sh: $preset ran no test" >&2
    return 1
  fi
  local total nfail
  total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
  nfail=$(sed -E 's/.*tests passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
  passed=$((passed + total - nfail))
  failed=$((failed + nfail))
  return $status
}

status=0
run_preset dev || status=1
# The sanitizer pass runs the unit tests only: it builds their program alone.
run_preset asan tcpsim_tests || status=1
fuzzers=()
for f in tests/fuzz/*.cpp; do fuzzers+=("$(basename "$f" .cpp)"); done
run_preset fuzz "${fuzzers[@]}" || status=1

# The quick start's main job, on the optimised build (optimisation brings warnings of its
# own, so this build is checked too).
echo "== release: configure, build and run the handshake walkthrough (at ${SECONDS} s)"
if cmake --preset release >"$log_dir/release-configure.log" &&
  cmake --build --preset release -j 2 &&
  build/release/tools/tcpsim run handshake --explain --pcap "$log_dir/handshake.pcapng" \
    >"$log_dir/release-handshake.log" &&
  [ -s "$log_dir/handshake.pcapng" ]; then
  echo "release: ok"
  passed=$((passed + 1))
else
  echo "release: FAILED (logs in $log_dir)"
  failed=$((failed + 1))
  status=1
fi

echo "tcpsim: $passed passed, $failed failed (${SECONDS} s)"
exit $status
