#!/usr/bin/env bash
# `tcpsim run handshake --step` on a real terminal: tmux gives it a pseudo-terminal; we
# press keys and read the screen after each step.
set -euo pipefail
: "${TCPSIM_BIN:?}"
command -v tmux >/dev/null || { echo "tmux is missing: run tools/setup.sh" >&2; exit 1; }
sock="tcpsim-step-$$"
session="step"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; }
trap cleanup EXIT

tmux -L "$sock" new-session -d -s "$session" -x 220 -y 50 "NO_COLOR=1 '$TCPSIM_BIN' run handshake --step; echo EXITED-\$?; sleep 30"
screen() { tmux -L "$sock" capture-pane -p -t "$session"; }
# Waits until the screen shows $1 (up to 10 s).
wait_for() {
  for _ in $(seq 1 100); do
    local shown
    shown=$(screen)
    if grep -qF -- "$1" <<<"$shown"; then return 0; fi
    sleep 0.1
  done
  echo "FAIL: the screen never showed '$1'; it shows:"
  screen
  exit 1
}
count() {
  local shown
  shown=$(screen)
  grep -cF -- "$1" <<<"$shown" || true
}
# Whether the screen shows $1 (the screen is read first: no pipe for grep -q to cut).
shows() {
  local shown
  shown=$(screen)
  grep -qF -- "$1" <<<"$shown"
}

wait_for "step>"
wait_for "CLOSED → SYN-SENT"
wait_for "──SYN seq=0"
echo "ok   first stop: the client's CLOSED → SYN-SENT and its SYN"
if shows "LISTEN → SYN-RECEIVED"; then echo "FAIL: ran past the first event"; screen; exit 1; fi

tmux -L "$sock" send-keys -t "$session" Enter
wait_for "LISTEN → SYN-RECEIVED"
[ "$(count "step>")" -eq 2 ] || { echo "FAIL: expected two prompts"; screen; exit 1; }
if shows "SYN-SENT → ESTABLISHED"; then echo "FAIL: ran past the second event"; screen; exit 1; fi
echo "ok   Enter: the SYN arrives, the server's LISTEN → SYN-RECEIVED"

tmux -L "$sock" send-keys -t "$session" "p" Enter
wait_for "SND.UNA="
wait_for "server 10.0.0.2:7777>10.0.0.1:40000  SYN-RECEIVED"
echo "ok   p prints both TCBs (client in SYN-SENT, server in SYN-RECEIVED)"
shows "client 10.0.0.1:40000>10.0.0.2:7777  SYN-SENT" || { echo "FAIL: client TCB missing"; screen; exit 1; }

tmux -L "$sock" send-keys -t "$session" "b TIME-WAIT" Enter
wait_for "FIN-WAIT-2 → TIME-WAIT"
echo "ok   b TIME-WAIT runs until the client enters TIME-WAIT"
if shows "LAST-ACK → CLOSED"; then echo "FAIL: ran past the breakpoint"; screen; exit 1; fi

tmux -L "$sock" send-keys -t "$session" "c" Enter
wait_for "EXITED-0"
wait_for "TIME-WAIT → CLOSED"
wait_for "check ok  : client enters TIME-WAIT"
echo "ok   c runs to the end and prints the summary"
