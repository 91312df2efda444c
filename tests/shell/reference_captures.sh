#!/usr/bin/env bash
# The reference captures in captures/ never go stale: regenerate every one with the
# built tcpsim and compare byte for byte; then check with tshark that each dissects with
# no malformed frame and no bad checksum, and shows the expected TCP flag sequence
# (captures/expected-flags.txt).
set -euo pipefail
: "${TCPSIM_SOURCE_DIR:?}" "${TCPSIM_BIN:?}"
command -v tshark >/dev/null || { echo "tshark is missing: run tools/setup.sh" >&2; exit 1; }
src="$TCPSIM_SOURCE_DIR"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bash "$src/tools/make_captures.sh" "$TCPSIM_BIN" "$tmp" >/dev/null
status=0
want=$(cd "$src/captures" && ls *.pcapng | sort)
got=$(cd "$tmp" && ls *.pcapng | sort)
if [ "$want" != "$got" ]; then
  echo "captures/ holds: $want"
  echo "tcpsim writes:   $got"
  status=1
fi
n=0
for f in "$tmp"/*.pcapng; do
  name=$(basename "$f" .pcapng)
  n=$((n + 1))
  if ! cmp -s "$f" "$src/captures/$name.pcapng"; then
    echo "FAIL $name: differs from captures/$name.pcapng (refresh: bash tools/make_captures.sh $TCPSIM_BIN)"
    status=1
  fi
  bad=$(tshark -r "$f" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
    -Y "_ws.malformed || tcp.checksum.status == 0 || ip.checksum.status == 0" 2>/dev/null | wc -l)
  # One pass for the rest: a line per frame, its TCP flags (empty when not TCP).
  tshark -r "$f" -T fields -e tcp.flags 2>/dev/null >"$tmp/$name.flags"
  frames=$(wc -l <"$tmp/$name.flags")
  total=$(grep -c . "$tmp/$name.flags" || true)
  # http-bad-request sends a malformed request on purpose (Content-Length with chunked);
  # Wireshark flags that one frame, and tests/shell/http_captures.sh checks it is that one.
  allowed=0
  [ "$name" = http-bad-request ] && allowed=1
  if [ "$bad" -ne "$allowed" ] || [ "$total" -ne "$frames" ] || [ "$frames" -eq 0 ]; then
    echo "FAIL $name: $bad malformed/bad-checksum frames, $total of $frames frames are TCP"
    status=1
  fi
  flags=$(grep . "$tmp/$name.flags" | python3 "$src/tests/shell/flags_of.py")
  expected=$(grep "^$name: " "$src/captures/expected-flags.txt" | sed "s/^$name: //" || true)
  if [ "$flags" != "$expected" ]; then
    echo "FAIL $name: flags '$flags', expected '$expected'"
    status=1
  else
    echo "ok   $name: $frames frames, flags $flags"
  fi
done
[ "$n" -gt 0 ] || { echo "no captures were written"; exit 1; }
exit $status
