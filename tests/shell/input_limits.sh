#!/usr/bin/env bash
# Every input tcpsim reads is bounded and type-checked: a device, a FIFO, a directory or an
# oversized file given to `run` or `script`, an overlong --set value (run and bridge) or an
# overlong --step command line each end with exit status 2 and one line on stderr. Each
# command runs under `timeout`, so a reader that waits on a FIFO fails the test instead of
# hanging it.
set -euo pipefail
: "${TCPSIM_BIN:?}" "${TCPSIM_SOURCE_DIR:?}"
source "$TCPSIM_SOURCE_DIR/tests/shell/lib/cli_expect.sh"

T="$TCPSIM_BIN"

# expect_refusal DESCRIPTION EXPECTED-STDERR-LINE -- command...
# Exit status 2, nothing on stdout, exactly the one expected line on stderr.
expect_refusal() {
  local what=$1 line=$2
  shift 3
  local rc=0
  timeout 20 "$@" >"$tmp/stdout" 2>"$tmp/stderr" </dev/null || rc=$?
  if [ "$rc" -eq 124 ]; then
    bad "$what: still running after 20 s (it waited on its input)"
    return
  fi
  [ "$rc" -eq 2 ] && pass "$what (exit 2)" || bad "$what: exit $rc, wanted 2"
  if [ "$(cat "$tmp/stderr")" = "$line" ] && [ "$(wc -l <"$tmp/stderr")" -eq 1 ]; then
    pass "$what: the one line"
  else
    bad "$what: stderr is not the expected line"
    echo "     wanted: $line"
    sed -n '1,5s/^/     got:    /p' "$tmp/stderr"
  fi
  [ ! -s "$tmp/stdout" ] && pass "$what: nothing on stdout" || bad "$what: wrote to stdout"
}

mkfifo "$tmp/fifo.toml" "$tmp/fifo.pkt"
mkdir "$tmp/dir.pkt"
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' '#' >"$tmp/big.toml"
head -c $((4 * 1024 * 1024 + 1)) /dev/zero | tr '\0' '/' >"$tmp/big.pkt"
scenarios="scenarios are read from regular files of at most 1 MiB"
scripts="scripts are read from regular files of at most 4 MiB"

expect_refusal "run /dev/urandom" \
  "tcpsim: /dev/urandom: not a regular file (a character device); $scenarios" \
  -- "$T" run /dev/urandom
expect_refusal "run a FIFO" \
  "tcpsim: $tmp/fifo.toml: not a regular file (a FIFO or pipe); $scenarios" \
  -- "$T" run "$tmp/fifo.toml"
expect_refusal "run a directory" \
  "tcpsim: $tmp/dir.pkt: not a regular file (a directory); $scenarios" \
  -- "$T" run "$tmp/dir.pkt"
expect_refusal "run an oversized file" \
  "tcpsim: $tmp/big.toml: too large (1048577 bytes); $scenarios" \
  -- "$T" run "$tmp/big.toml"
# stdin that is a pipe is a FIFO too.
expect_refusal "run /dev/stdin from a pipe" \
  "tcpsim: /dev/stdin: not a regular file (a FIFO or pipe); $scenarios" \
  -- bash -c 'yes | "$0" run /dev/stdin' "$T"

expect_refusal "script /dev/urandom" \
  "tcpsim: /dev/urandom: not a regular file (a character device); $scripts" \
  -- "$T" script /dev/urandom
expect_refusal "script a FIFO" \
  "tcpsim: $tmp/fifo.pkt: not a regular file (a FIFO or pipe); $scripts" \
  -- "$T" script "$tmp/fifo.pkt"
expect_refusal "script a directory" \
  "tcpsim: $tmp/dir.pkt: not a regular file (a directory); $scripts" \
  -- "$T" script "$tmp/dir.pkt"
expect_refusal "script an oversized file" \
  "tcpsim: $tmp/big.pkt: too large (4194305 bytes); $scripts" \
  -- "$T" script "$tmp/big.pkt"

long=$(head -c 5000 /dev/zero | tr '\0' '9')
expect_refusal "run --set with a 5000-byte value" \
  "tcpsim: --set link.delay: a value of 5000 bytes is too long; --set values are at most 4 KiB" \
  -- "$T" run handshake --set "link.delay=$long"
# The bridge checks its options before it touches any device, so this needs no privileges.
expect_refusal "bridge --set with a 5000-byte value" \
  "tcpsim bridge: --set link.delay: a value of 5000 bytes is too long; --set values are at most 4 KiB" \
  -- "$T" bridge --serve http --set "link.delay=$long"
expect_refusal "bridge --request with a 5000-byte path" \
  "tcpsim bridge: --request: a value of 5001 bytes is too long; --request values are at most 4 KiB" \
  -- "$T" bridge --connect 198.18.0.1:80 --request "/$long"

# --step reads commands from a pipe, a line at a time: a line that never ends is cut short.
rc=0
head -c 100000 /dev/zero | timeout 20 "$T" run handshake --step >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
[ "$rc" -eq 2 ] && pass "--step with an endless line (exit 2)" || bad "--step with an endless line: exit $rc, wanted 2"
want="tcpsim: --step: a command line longer than 1024 bytes on stdin; commands are Enter, c, b STATE, p and q, one a line"
[ "$(cat "$tmp/stderr")" = "$want" ] && pass "--step: the one line" || { bad "--step: stderr"; cat "$tmp/stderr"; }

# Within the limits the same inputs still work.
cp "$TCPSIM_SOURCE_DIR/docs/scenarios/handshake.toml" "$tmp/ok.toml"
expect_exit 0 "run a regular scenario file" -- timeout 20 "$T" run "$tmp/ok.toml" --quiet
expect_exit 0 "script a regular file" -- timeout 20 "$T" script "$TCPSIM_SOURCE_DIR/tests/scripts/passive-open.pkt"

echo "input_limits: $fails failure(s)"
[ "$fails" -eq 0 ]
