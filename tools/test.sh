#!/usr/bin/env bash
# Sets up the machine, builds tcpsim and runs every test:
#   1. the dev build (Debug, -Werror): unit, scenario, script, capture and shell tests;
#   2. the asan build (AddressSanitizer + UBSan, with clang: on 2 cores it built the
#      tests' program in about 300 s where GCC took 410-480 s): the unit and scenario
#      tests (their program only is built);
#   (the unit and scenario tests' one program runs in two shards at once, one process
#   each, rather than once per test through ctest: the same tests, far faster under the
#   sanitizers; ctest runs the rest)
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

# run_unit PRESET: the unit and scenario tests' program (build/PRESET/tests/tcpsim_tests)
# in two shards at once; a shard that crashes, leaks or hangs (30 minutes) fails.
run_unit() {
  local preset=$1 bin=build/$1/tests/tcpsim_tests status=0 i
  echo "== $preset: unit and scenario tests (at ${SECONDS} s)"
  local pids=()
  for i in 0 1; do
    GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=$i timeout 1800 "$bin" --gtest_brief=1 \
      >"$log_dir/$preset-unit-$i.log" 2>&1 &
    pids+=($!)
  done
  for i in 0 1; do
    local rc=0 log="$log_dir/$preset-unit-$i.log"
    wait "${pids[$i]}" || rc=$?
    local ran nfail
    ran=$(sed -nE 's/^\[==========\] ([0-9]+) tests? from .* ran\..*/\1/p' "$log" | tail -1)
    nfail=$(sed -nE 's/^\[  FAILED  \] ([0-9]+) tests?, listed below:.*/\1/p' "$log" | tail -1)
    nfail=${nfail:-0}
    if [ -z "$ran" ] || [ "$ran" -eq 0 ]; then
      echo "tools/test.sh: $preset unit shard $i ran no test (exit $rc):" >&2
      tail -n 30 "$log" >&2
      failed=$((failed + 1))
      status=1
      continue
    fi
    if [ "$rc" -ne 0 ]; then
      grep -E '^\[  FAILED  \]|ERROR: AddressSanitizer|runtime error|LeakSanitizer' "$log" | head -40
      [ "$nfail" -eq 0 ] && nfail=1  # a crash, a leak or a timeout after the last test
      status=1
    fi
    echo "$preset unit shard $i: $((ran - nfail)) of $ran passed"
    passed=$((passed + ran - nfail))
    failed=$((failed + nfail))
  done
  return $status
}

# run_preset PRESET [--no-unit] [TARGET...]: configure, build (only TARGETs when given:
# what the preset's tests run) and run the preset's tests; with --no-unit, ctest leaves
# the unit label to run_unit.
run_preset() {
  local preset=$1
  shift
  local filter=()
  if [ "${1:-}" = --no-unit ]; then
    filter=(-LE unit)
    shift
  fi
  local targets=()
  [ $# -gt 0 ] && targets=(--target "$@")
  echo "== $preset: configure and build (at ${SECONDS} s)"
  cmake --preset "$preset" >"$log_dir/$preset-configure.log" || {
    cat "$log_dir/$preset-configure.log"; return 1; }
  cmake --build --preset "$preset" -j 2 "${targets[@]}"
  echo "== $preset: test (at ${SECONDS} s)"
  local status=0
  ctest --preset "$preset" "${filter[@]}" 2>&1 | tee "$log_dir/$preset-ctest.log" || status=$?
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
run_preset dev --no-unit || status=1
run_unit dev || status=1
# The sanitizer pass runs the unit tests only: it builds their program alone.
echo "== asan: configure and build (at ${SECONDS} s)"
if cmake --preset asan >"$log_dir/asan-configure.log" &&
  cmake --build --preset asan -j 2 --target tcpsim_tests; then
  run_unit asan || status=1
else
  cat "$log_dir/asan-configure.log"
  echo "asan: build FAILED"
  failed=$((failed + 1))
  status=1
fi
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
