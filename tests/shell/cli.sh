#!/usr/bin/env bash
# The tcpsim command line: help and version, scenario listing, runs with capture and
# trace, --step from piped stdin, the summary, and exit codes for bad input (2) and
# failed checks (1).
set -euo pipefail
: "${TCPSIM_BIN:?}" "${TCPSIM_SOURCE_DIR:?}"
source "$TCPSIM_SOURCE_DIR/tests/shell/lib/cli_expect.sh"

T="$TCPSIM_BIN"
expect_exit 0 "--version" -- "$T" --version
contains "version text" "tcpsim 0."
for sub in "" scenarios run; do
  expect_exit 0 "--help $sub" -- "$T" $sub --help
done
for opt in --pcap --trace --step --explain --seed --set --quiet --per-flow; do
  contains "run --help lists $opt" "$opt"
done

expect_exit 0 "scenarios" -- "$T" scenarios
for name in handshake teardown simultaneous-open simultaneous-close half-close refused reset syn-loss data-loss zero-window; do
  contains "scenario $name listed" "$name"
done

# A run with everything on.
expect_exit 0 "run handshake" -- "$T" run handshake --explain --pcap "$tmp/h.pcapng" --trace "$tmp/h.jsonl"
contains "ladder shows the SYN with options" "──SYN seq=0 win=65535 len=0 <mss 1460,sackOK,TS val"
contains "ladder shows the server's transition" "LISTEN → SYN-RECEIVED"
contains "--explain prints the rule" "└ server: RFC 9293 §3.10.7.2"
contains "summary connection line" "client 10.0.0.1:40000 > 10.0.0.2:7777: delivered 5 B to server"
contains "summary integrity" "integrity=ok"
contains "summary totals" "sim_time="
[ -s "$tmp/h.pcapng" ] && pass "pcapng written" || bad "pcapng missing"
if python3 - "$tmp/h.jsonl" <<'PY'
import json, sys
types = set()
with open(sys.argv[1]) as f:
    for n, line in enumerate(f, 1):
        e = json.loads(line)
        for k in ("t_ns", "type"):
            assert k in e, f"line {n}: no {k}"
        types.add(e["type"])
need = {"state", "segment-sent", "segment-delivered", "timer-set", "rtt", "cwnd", "app-write", "app-read"}
missing = need - types
assert not missing, f"missing event types: {missing}"
PY
then pass "trace is JSON Lines with the expected event types"; else bad "trace check"; fi

# Same seed, same capture; the classic pcap variant.
"$T" run handshake --quiet --pcap "$tmp/h2.pcapng" >/dev/null
cmp -s "$tmp/h.pcapng" "$tmp/h2.pcapng" && pass "same seed, same capture" || bad "captures differ between runs"
expect_exit 0 "classic pcap" -- "$T" run handshake --quiet --pcap "$tmp/h.pcap"

# --quiet prints only the summary.
expect_exit 0 "--quiet" -- "$T" run handshake --quiet
if grep -q "──" "$tmp/out"; then bad "--quiet printed the ladder"; else pass "--quiet hides the ladder"; fi

# --step from piped stdin: next, next, print TCBs, break on TIME-WAIT, quit.
printf '\n\np\nb TIME-WAIT\nq\n' | "$T" run handshake --step >"$tmp/out" 2>&1 || true
contains "--step prompts" "step> "
contains "--step p prints the TCBs" "SND.UNA="
contains "--step b stops at TIME-WAIT" "FIN-WAIT-2 → TIME-WAIT"
contains "--step q stops the run" "(stopped by the user)"
if grep -q "TIME-WAIT → CLOSED" "$tmp/out"; then bad "--step q still ran to the end"; else pass "--step q quits before the end"; fi
printf 'c\n' | "$T" run handshake --step >"$tmp/out" 2>&1
contains "--step c runs to the end" "TIME-WAIT → CLOSED"

# --set and --seed.
expect_exit 0 "--set link.delay" -- "$T" run handshake --quiet --set link.delay=50ms
contains "--set changes the run" "delivered 5 B to server, 0 B to client in 150.175 ms"
expect_exit 0 "--seed" -- "$T" run handshake --quiet --seed 42

# Many connections: figures over all of them instead of a line each.
expect_exit 0 "dumbbell with 10 flows" -- "$T" run dumbbell --set flows=10 --set bytes=1MB --quiet
contains "figures: totals" "  10 connections: 1000.0 KB delivered in "
contains "figures: integrity over all" "integrity=ok"
contains "figures: a class per congestion control" "  class cubic: 5 flows, 500.0 KB delivered, mean goodput "
contains "figures: the other class" "  class newreno: 5 flows, 500.0 KB delivered, mean goodput "
contains "figures: fairness" "  fairness: Jain's index "
contains "figures: completion spread" "  completion: min "
if grep -q "^  drops" "$tmp/out"; then pass "figures: drops"; else bad "figures: no drops line"; fi
if grep -q "10.1.0.1:40000 > 10.0.0.2:5001: delivered" "$tmp/out"; then
  bad "a line per connection above 8 connections"
else
  pass "no line per connection above 8 connections"
fi
# --per-flow: a row per connection, then the figures; up to 8 the usual lines stay.
expect_exit 0 "--per-flow" -- "$T" run dumbbell --set flows=10 --set bytes=1MB --quiet --per-flow
contains "--per-flow header" "  flow  client           server         cc        bytes  duration_ms       goodput  retx  integrity"
rows=$(grep -cE "^  c[0-9]  +10\.1\.0\.[0-9]+:40000 +10\.0\.0\.2:5001  (cubic|newreno) +100000 .* ok$" "$tmp/out" || true)
[ "$rows" -eq 10 ] && pass "--per-flow: one row per flow" || bad "--per-flow: $rows rows, wanted 10"
contains "--per-flow: figures follow" "  10 connections: "
expect_exit 0 "--per-flow, one connection" -- "$T" run handshake --quiet --per-flow
contains "--per-flow row of handshake" "  client  10.0.0.1:40000  10.0.0.2:7777  newreno      5"
contains "--per-flow figures of handshake" "  1 connection: 5 B delivered in "
expect_exit 0 "few connections, no --per-flow" -- "$T" run dumbbell --set flows=2 --set bytes=20KB --quiet
contains "a line per connection up to 8" "  c1 10.1.0.2:40000 > 10.0.0.2:5001: delivered 10.0 KB to server"
if grep -q "connections:" "$tmp/out"; then bad "figures printed for 2 connections"; else pass "no figures for 2 connections"; fi

# Bad input: exit 2 with one line naming what and where.
expect_exit 2 "unknown scenario" -- "$T" run no-such-scenario
contains "unknown scenario message" "unknown scenario 'no-such-scenario'"
expect_exit 2 "unknown --set key" -- "$T" run handshake --set bytez=1
contains "unknown --set message" "unknown --set key 'bytez'"
expect_exit 2 "malformed --set" -- "$T" run handshake --set novalue
expect_exit 2 "bad --set value" -- "$T" run handshake --set link.loss=2
contains "bad value message" "loss: 2"
expect_exit 2 "unknown option" -- "$T" run handshake --frobnicate
expect_exit 2 "bad capture extension" -- "$T" run handshake --pcap "$tmp/x.txt"
expect_exit 2 "unwritable capture" -- "$T" run handshake --pcap /nonexistent-dir/x.pcapng
cat >"$tmp/broken.toml" <<'TOML'
name = "broken"
[[host]]
name = "a"
address = "10.0.0.1"
[[link]]
between = ["a", "b"]
TOML
expect_exit 2 "broken scenario file" -- "$T" run "$tmp/broken.toml"
contains "file:line:col in the message" "broken.toml:6:"
contains "key and what is wrong" "between: unknown node 'b'"
printf 'name = "x"\n[[host]\n' >"$tmp/syntax.toml"
expect_exit 2 "TOML syntax error" -- "$T" run "$tmp/syntax.toml"
contains "syntax error location" "syntax.toml:2:"

# A replicated table: errors name the original's place and the copy.
expect_exit 2 "bad count" -- "$T" run dumbbell --set flows=0
contains "count out of range" "dumbbell.toml:27:9: count: 0 is outside [1, 100000]"
expect_exit 2 "a copy's bad value" -- "$T" run dumbbell --set flows=3 --set cc=cubic:50%,vegas:50% --quiet
contains "the copy is named" "dumbbell.toml:31:14: cc: unknown congestion control 'vegas' (allowed: reno, newreno, cubic) (copy i = 1)"

# A scenario whose check fails: exit 1.
sed 's/state = "TIME-WAIT"/state = "CLOSING"/' "$TCPSIM_SOURCE_DIR/docs/scenarios/handshake.toml" >"$tmp/fails.toml"
expect_exit 1 "failed check" -- "$T" run "$tmp/fails.toml" --quiet
contains "failed check reported" "check FAIL: client enters CLOSING"

# A file under docs/scenarios runs exactly like the built-in of the same name.
"$T" run "$TCPSIM_SOURCE_DIR/docs/scenarios/syn-loss.toml" --quiet --pcap "$tmp/f.pcapng" >/dev/null
"$T" run syn-loss --quiet --pcap "$tmp/b.pcapng" >/dev/null
cmp -s "$tmp/f.pcapng" "$tmp/b.pcapng" && pass "file and built-in give the same capture" || bad "file and built-in differ"

echo "cli: $fails failure(s)"
[ "$fails" -eq 0 ]
