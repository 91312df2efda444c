#!/usr/bin/env bash
# Installs the Debian packages that the ns-3 comparison (tests/bench/compare_ns3.sh) needs:
# ns-3's headers and shared libraries (Debian 12 ships ns-3.37 as libns3-dev/libns3.37),
# plus pkg-config and g++ to build the small ns-3 program. The Google Benchmark programs
# need only what tools/setup.sh installs.
# Idempotent: when every package is already present it returns at once.
# Usage (as root on Debian 12):  bash tools/setup_bench.sh
set -euo pipefail

packages=(
  libns3-dev   # headers and the ns3-*.pc files; pulls in libns3.37 (the shared libraries)
  # The ns3-*.pc link lines name libgsl.so, libgslcblas.so and libsqlite3.so by path, but
  # libns3-dev does not depend on the packages that ship those files.
  libgsl-dev libsqlite3-dev
  pkg-config   # reads the ns3-*.pc files for compile and link flags
  g++          # compiles tests/bench/ns3/bulk_send.cc
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup_bench: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup_bench: missing packages: ${missing[*]}" >&2
  echo "setup_bench: run this script as root (or install them yourself)" >&2
  exit 1
fi

echo "setup_bench: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup_bench: done"
