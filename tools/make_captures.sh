#!/usr/bin/env bash
# Regenerates the reference captures in captures/: one pcapng per built-in scenario,
# written by `tcpsim run NAME --pcap captures/NAME.pcapng`.
# Usage: bash tools/make_captures.sh [PATH_TO_TCPSIM] [OUTPUT_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$root/build/release/tools/tcpsim}"
out="${2:-$root/captures}"
[ -x "$bin" ] || { echo "make_captures: no tcpsim at $bin (build first)" >&2; exit 2; }
mkdir -p "$out"
"$bin" scenarios | while read -r name _; do
  extra=()
  # The bulk transfer is captured small; its default (100 MB) belongs in no repository.
  [ "$name" = bulk ] && extra=(--set bytes=200KB)
  # The dumbbell likewise: three flows of 10 KB show its shape.
  [ "$name" = dumbbell ] && extra=(--set flows=3 --set bytes=30KB)
  "$bin" run "$name" --quiet "${extra[@]}" --pcap "$out/$name.pcapng" >/dev/null
  echo "captures: $out/$name.pcapng"
done
