#!/usr/bin/env bash
# Builds an optimised ns-3 for the tcpsim/ns-3 comparison (tests/bench/compare_ns3.sh) from
# Debian's own source package of it (3.37 on Debian 12), so that the comparison does not
# pay for what Debian's packaged build compiles in: Debian configures ns-3 with its
# `release` profile but adds --enable-logs, so every NS_LOG statement in the libraries
# still costs a check at run time. This build uses the `release` profile as
# `ns3 configure --build-profile=release` sets it (CMake build type `release`, -O3, no
# logging, no asserts), with only the modules the comparison links, and no examples or
# tests. docs/benchmarks.md describes it.
#
# Usage: tests/bench/build_ns3.sh [--jobs N]
#   --jobs N  parallel compile jobs (default 2); the build runs under `nice`
#
# The cache is build/ns3-release/ in the checkout: src/ (the unpacked source package),
# build/ (CMake's build tree), install/ (headers and libraries, what compare_ns3.sh uses)
# and the stamp file `complete`, written last. With a complete cache the script does
# nothing; delete build/ns3-release/ to build again. Needs apt-get with a deb-src entry for
# bookworm main, dpkg-source, cmake, ninja and g++ (tools/setup.sh --bench sets all this
# up) and ns-3's build dependencies libgsl-dev and libsqlite3-dev (optional for these
# modules, but found and linked when present). Takes about half an hour on 2 shared cores.
# Exit status: 0 when the cache is complete, 1 when a step failed, 2 for bad usage or a
# missing prerequisite.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="$root/build/ns3-release"
jobs=2

# die STATUS MESSAGE...: one line on stderr, then exit with STATUS.
die() {
  local status="$1"
  shift
  echo "build_ns3: $*" >&2
  exit "$status"
}

usage() {
  sed -n '/^# Usage:/,/^#   --jobs/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help)
      usage
      exit 0
      ;;
    --jobs)
      [ $# -ge 2 ] || die 2 "--jobs needs a value (a positive integer)"
      jobs="$2"
      shift 2
      ;;
    *) die 2 "unknown argument '$1' (allowed: --jobs N, --help)" ;;
  esac
done
case "$jobs" in '' | *[!0-9]* | 0) die 2 "--jobs must be a positive integer: got '$jobs'" ;; esac

# The modules bulk_send.cc and dumbbell.cc link; CMake adds what they depend on (bridge,
# stats). The first four flags are ns-3's `release` build profile.
modules="core;network;internet;point-to-point;applications;traffic-control"
configure_flags=(
  -DCMAKE_BUILD_TYPE=release -DNS3_ASSERT=OFF -DNS3_LOG=OFF -DNS3_WARNINGS_AS_ERRORS=OFF
  -DNS3_EXAMPLES=OFF -DNS3_TESTS=OFF "-DNS3_ENABLED_MODULES=$modules"
)
# Build the libraries by name rather than `all`: in 3.37, `all` also compiles src/test's
# object library, whose TCP test suites include the csma module's headers even when csma
# is not enabled, and fail.
targets=(libcore libnetwork libinternet libpoint-to-point libapplications libtraffic-control)
stamp="$cache/complete"
stamp_text="ns-3 release profile: ${configure_flags[*]}"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$stamp_text" ] &&
  [ -f "$cache/install/include/ns3/core-module.h" ]; then
  echo "build_ns3: $cache is complete; nothing to do" >&2
  exit 0
fi
rm -f "$stamp"

for tool in apt-get dpkg-source cmake ninja g++; do
  command -v "$tool" >/dev/null ||
    die 2 "no $tool: run tools/setup.sh --bench (as root)"
done

# 1. The source: Debian's source package, patches applied. It unpacks to ns3-3.37/ with
#    upstream's tree in ns3-3.37/ns-3.37/ (beside netanim, which is not built).
source_dir() { find "$cache/src" -mindepth 2 -maxdepth 2 -type d -name 'ns-3.*' | head -n1; }
if [ -z "$(source_dir 2>/dev/null)" ]; then
  rm -rf "$cache/src"
  mkdir -p "$cache/src"
  echo "build_ns3: fetching Debian's ns3 source package into $cache/src" >&2
  (cd "$cache/src" && apt-get source --only-source ns3 >"$cache/src/apt-get.log" 2>&1) ||
    die 2 "apt-get source ns3 failed (no deb-src entry? run tools/setup.sh --bench):" \
      "$(tail -n1 "$cache/src/apt-get.log")"
fi
src="$(source_dir)"
[ -n "$src" ] || die 1 "no ns-3.* directory in the unpacked source under $cache/src"

# 2. Configure with CMake directly (ns-3's `ns3` wrapper would do the same, plus
#    bookkeeping this script does not need).
echo "build_ns3: configuring $src" >&2
mkdir -p "$cache/build"
cmake -S "$src" -B "$cache/build" -G Ninja "${configure_flags[@]}" \
  -DCMAKE_INSTALL_PREFIX="$cache/install" >"$cache/configure.log" 2>&1 ||
  die 1 "configuring failed; see $cache/configure.log"

# 3. Build the libraries and install them with their headers.
echo "build_ns3: building ${targets[*]} with $jobs jobs (log: $cache/build.log)" >&2
nice -n 10 cmake --build "$cache/build" -j "$jobs" --target "${targets[@]}" \
  >"$cache/build.log" 2>&1 || die 1 "building failed; see $cache/build.log"
cmake --install "$cache/build" >"$cache/install.log" 2>&1 ||
  die 1 "installing failed; see $cache/install.log"
[ -f "$cache/install/include/ns3/core-module.h" ] ||
  die 1 "the install left no include/ns3/core-module.h under $cache/install"
echo "$stamp_text" >"$stamp"
echo "build_ns3: done: $cache/install" >&2
