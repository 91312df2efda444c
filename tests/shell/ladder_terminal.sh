#!/usr/bin/env bash
# `tcpsim run` on a real terminal: `script` and tmux give it a pseudo-terminal of a known
# width. The ladder fits the width, long runs fold (every state change kept), a progress
# line shows on a terminal's stderr only, and colour shows only on a terminal without
# NO_COLOR.
set -euo pipefail
: "${TCPSIM_BIN:?}"
command -v script >/dev/null || { echo "script (util-linux) is missing" >&2; exit 1; }
command -v tmux >/dev/null || { echo "tmux is missing: run tools/setup.sh" >&2; exit 1; }
unset COLUMNS NO_COLOR
dir=$(mktemp -d)
sock="tcpsim-ladder-$$"
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  exit 1
}

# Runs "$@" on a pseudo-terminal of $cols columns; the terminal's output (\r\n lines) goes
# to $out with the \r taken off line ends.
on_pty() {
  local cols=$1 out=$2
  shift 2
  script -qec "stty cols $cols rows 50; $*" /dev/null </dev/null | sed 's/\r$//' >"$out"
}
# The widest line of the ladder in $1 (escape sequences not counted; up to "summary:").
widest() {
  python3 - "$1" <<'PY'
import re, sys
w = 0
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("summary:"):
        break
    w = max(w, len(re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", line.rstrip("\n"))))
print(w)
PY
}

# Width: 80 columns (stty), colour off.
for s in handshake data-loss zero-window; do
  on_pty 80 "$dir/$s.80" "NO_COLOR=1 '$TCPSIM_BIN' run $s --explain"
  grep -q "ESTABLISHED" "$dir/$s.80" || fail "$s: no ladder on the terminal"
  w=$(widest "$dir/$s.80")
  [ "$w" -le 80 ] || fail "$s: a line of $w columns on an 80-column terminal"
  if grep -q $'\033' "$dir/$s.80"; then fail "$s: escape sequences with NO_COLOR=1"; fi
done
grep -q "<mss 1460.*…>" "$dir/handshake.80" || fail "the SYN's options are not shortened"
echo "ok   80 columns: handshake, data-loss, zero-window fit; options shortened; NO_COLOR"

# Width: a tmux window of 100 columns; capture-pane -J joins wrapped lines again.
tmux -L "$sock" new-session -d -s w -x 100 -y 50 \
  "'$TCPSIM_BIN' run zero-window --explain; echo EXITED-\$?; sleep 30"
for _ in $(seq 1 100); do
  tmux -L "$sock" capture-pane -p -J -S - -t w >"$dir/tmux" || true
  grep -q "EXITED-" "$dir/tmux" && break
  sleep 0.1
done
grep -q "EXITED-0" "$dir/tmux" || fail "zero-window in tmux did not finish"
w=$(widest "$dir/tmux")
[ "$w" -le 100 ] || fail "a line of $w columns in a 100-column tmux window"
echo "ok   100 columns (tmux): zero-window fits, widest line $w"

# Colour: on a terminal without NO_COLOR, not through a pipe, not with NO_COLOR.
on_pty 100 "$dir/color" "'$TCPSIM_BIN' run handshake"
grep -q $'\033\\[' "$dir/color" || fail "no colour on a terminal"
on_pty 100 "$dir/color-empty" "NO_COLOR= '$TCPSIM_BIN' run handshake"
grep -q $'\033\\[32m' "$dir/color-empty" || fail "NO_COLOR set but empty turned colour off"
"$TCPSIM_BIN" run handshake >"$dir/pipe"
if grep -q $'\033' "$dir/pipe"; then fail "escape sequences in a file"; fi
echo "ok   colour on a terminal only"

# COLUMNS fits output to a file too; without it a file gets the fixed layout.
COLUMNS=70 "$TCPSIM_BIN" run handshake >"$dir/c70"
w=$(widest "$dir/c70")
[ "$w" -le 70 ] || fail "COLUMNS=70: a line of $w columns"
w=$(widest "$dir/pipe")
[ "$w" -gt 140 ] || fail "a file without COLUMNS: widest line $w, expected the fixed layout"
echo "ok   COLUMNS=70 fits a file; no COLUMNS keeps the fixed layout"

# Folding: bulk of 2 MB prints far fewer lines than with --full, every state change kept.
on_pty 100 "$dir/fold" "NO_COLOR=1 '$TCPSIM_BIN' run bulk --set bytes=2MB"
on_pty 100 "$dir/full" "NO_COLOR=1 '$TCPSIM_BIN' run bulk --set bytes=2MB --full"
folded=$(wc -l <"$dir/fold")
full=$(wc -l <"$dir/full")
[ $((folded * 20)) -lt "$full" ] || fail "folded $folded lines, --full $full"
grep -q "data segments and .* ACKs, .* ms …" "$dir/fold" || fail "no fold line"
states() { grep -E '[A-Z-]+ → [A-Z-]+' "$1" | grep -v '─' || true; }
[ "$(states "$dir/full" | wc -l)" -ge 8 ] || fail "--full shows too few state changes"
diff <(states "$dir/full") <(states "$dir/fold") || fail "state changes differ when folded"
echo "ok   bulk 2MB: $folded lines folded, $full with --full, the same state changes"

# Progress: a run longer than a second (500 MB takes several in the dev build) shows it
# on a terminal's stderr (\r), not when stderr is a file.
on_pty 100 "$dir/progress" "'$TCPSIM_BIN' run bulk --set bytes=500MB --quiet"
grep -aq $'\r\033\\[K  sim [0-9.]* s  delivered [0-9.]* MB' "$dir/progress" ||
  fail "no progress line on the terminal"
grep -q "integrity=ok" "$dir/progress" || fail "the run did not finish"
on_pty 100 "$dir/quiet" "'$TCPSIM_BIN' run bulk --set bytes=500MB --quiet 2>'$dir/err'"
[ ! -s "$dir/err" ] || fail "stderr a file: it got $(head -c 80 "$dir/err")"
if grep -q "  sim [0-9.]* s  delivered" "$dir/quiet"; then fail "progress on stdout"; fi
echo "ok   progress on a terminal's stderr, none when stderr is a file"
