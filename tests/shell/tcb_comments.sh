#!/usr/bin/env bash
# `tcpsim run --tcb-comments` and the Wireshark plugin tools/wireshark/tcpsim.lua: a lossy
# bulk transfer is captured with and without TCB comments and traced. The frames are the
# same bytes at the same times either way, and the state-change comments stay as they
# were; tshark with the plugin reads back, for every frame, the TCB that the trace's
# segment-sent line recorded for it (state, cwnd, ssthresh, pipe, srtt, rto, ...), and the
# state matches the connection's own state changes in the trace. Without the option the
# plugin adds nothing; a RST for a closed port carries no TCB; bad usage exits 2.
set -euo pipefail
: "${TCPSIM_SOURCE_DIR:?}" "${TCPSIM_BIN:?}"

fail() {
  echo "tcb_comments: FAIL: $*" >&2
  exit 1
}
command -v tshark >/dev/null || fail "tshark is missing: run tools/setup.sh"
plugin="$TCPSIM_SOURCE_DIR/tools/wireshark/tcpsim.lua"
[[ -f "$plugin" ]] || fail "$plugin is missing"
work=$(mktemp -d "${TMPDIR:-/tmp}/tcpsim_tcb.XXXXXX")
trap 'rm -rf "$work"' EXIT

# tshark with the plugin. Debian's tshark runs Lua scripts as root too, after a warning on
# stderr; that line is dropped, anything else (a Lua error) is shown and fails the test.
tshark_lua() {
  local out=$1 rc=0
  shift
  tshark -X "lua_script:$plugin" "$@" >"$out" 2>"$work/stderr" || rc=$?
  grep -v -e '^Running as user "root"' "$work/stderr" >"$work/stderr.rest" || true
  [[ -s "$work/stderr.rest" ]] && fail "tshark printed: $(cat "$work/stderr.rest")"
  ((rc == 0)) || fail "tshark $* exited with $rc"
}

# --- bad usage: exit 2 and one line naming the option ---------------------------------
for args in "--tcb-comments" "--tcb-comments --pcap $work/x.pcap"; do
  rc=0
  # shellcheck disable=SC2086
  "$TCPSIM_BIN" run handshake $args --quiet >/dev/null 2>"$work/err" || rc=$?
  ((rc == 2)) || fail "run handshake $args: exit $rc, expected 2"
  [[ $(wc -l <"$work/err") -eq 1 ]] && grep -q -- '--tcb-comments' "$work/err" ||
    fail "run handshake $args: stderr should be one line naming --tcb-comments: $(cat "$work/err")"
done
[[ ! -e "$work/x.pcap" ]] || fail "a refused run still wrote $work/x.pcap"

# --- the same run with and without TCB comments ---------------------------------------
run=(run bulk --set bytes=200KB --set link.loss=0.01 --quiet)
"$TCPSIM_BIN" "${run[@]}" --pcap "$work/plain.pcapng" >/dev/null
"$TCPSIM_BIN" "${run[@]}" --pcap "$work/tcb.pcapng" --tcb-comments --trace "$work/t.jsonl" >/dev/null
"$TCPSIM_BIN" "${run[@]}" --pcap "$work/tcb2.pcapng" --tcb-comments >/dev/null
cmp -s "$work/tcb.pcapng" "$work/tcb2.pcapng" || fail "two runs with --tcb-comments differ"

fields=(frame.number tcpsim.host tcpsim.state tcpsim.cwnd tcpsim.ssthresh tcpsim.pipe
  tcpsim.in_flight tcpsim.srtt tcpsim.rto tcpsim.snd_una tcpsim.snd_nxt tcpsim.rwnd)
tshark_lua "$work/tcb.tsv" -r "$work/tcb.pcapng" -T fields -E occurrence=a "${fields[@]/#/-e}"
tshark_lua "$work/plain.tsv" -r "$work/plain.pcapng" -T fields "${fields[@]/#/-e}"
tshark_lua "$work/plain.tcpsim" -r "$work/plain.pcapng" -Y tcpsim
[[ ! -s "$work/plain.tcpsim" ]] || fail "without --tcb-comments the plugin still added fields"

python3 - "$work" <<'EOF' || fail "see above"
import json, struct, sys

work = sys.argv[1]

def frames(path):
    """(timestamp, bytes, [comments]) for each Enhanced Packet Block."""
    data, out, at = open(path, "rb").read(), [], 0
    while at < len(data):
        kind, size = struct.unpack_from("<II", data, at)
        if kind == 6:
            _, hi, lo, cap, _ = struct.unpack_from("<IIIII", data, at + 8)
            body = data[at + 28 : at + 28 + cap]
            comments, o = [], at + 28 + (cap + 3) // 4 * 4
            while o < at + size - 4:
                code, n = struct.unpack_from("<HH", data, o)
                if code == 0:
                    break
                if code == 1:
                    comments.append(data[o + 4 : o + 4 + n].decode())
                o += 4 + (n + 3) // 4 * 4
            out.append(((hi << 32) | lo, body, comments))
        at += size
    return out

def rows(path):
    return [line.rstrip("\n").split("\t") for line in open(path)]

problems = []
def check(ok, what):
    if not ok and len(problems) < 10:
        problems.append(what)

plain, tcb = frames(f"{work}/plain.pcapng"), frames(f"{work}/tcb.pcapng")
check(len(plain) == len(tcb) and len(plain) > 150, f"{len(plain)} vs {len(tcb)} frames")

# The trace's segment-sent lines of hosts (not routers), in order: one per captured frame.
events = [json.loads(l) for l in open(f"{work}/t.jsonl")]
sent = [e for e in events if e["type"] == "segment-sent"]
keys = ["state", "cwnd", "ssthresh", "pipe", "in_flight", "srtt_ns", "rto_ns",
        "snd_una", "snd_nxt", "rwnd"]
last_state = {}  # (host, conn) -> the state it last entered, from the `state` lines
entered = []     # that state as each segment-sent line is written
for e in events:
    if e["type"] == "state":
        last_state[(e["host"], e["conn"])] = e["to"]
    elif e["type"] == "segment-sent":
        entered.append(last_state.get((e["host"], e["conn"])))
check(len(sent) == len(tcb), f"{len(sent)} segment-sent lines for {len(tcb)} frames")

got = rows(f"{work}/tcb.tsv")
check(len(got) == len(tcb), f"tshark shows {len(got)} of {len(tcb)} frames")
with_tcb, states, ssthreshes = 0, set(), set()
for i, ((t0, b0, c0), (t1, b1, c1), e, state, row) in enumerate(
        zip(plain, tcb, sent, entered, got), start=1):
    check(t0 == t1 and b0 == b1, f"frame {i}: bytes or time differ with --tcb-comments")
    check(t1 - 1_700_000_000 * 10**9 == e["t_ns"], f"frame {i}: not the trace's line {e}")
    has = "cwnd" in e
    check(c1 == c0 + ([c1[-1]] if has else []), f"frame {i}: comments {c0} became {c1}")
    check(row[0] == str(i), f"tshark row {i} is frame {row[0]}")
    if not has:
        check(all(v == "" for v in row[1:]), f"frame {i}: no TCB in the trace, plugin shows {row}")
        continue
    with_tcb += 1
    want = [e["host"], e["state"], str(e["cwnd"]), str(e["ssthresh"]), str(e["pipe"]),
            str(e["in_flight"]), str(e["srtt_ns"] // 1000), str(e["rto_ns"] // 1000),
            str(e["snd_una"]), str(e["snd_nxt"]), str(e["rwnd"])]
    check(row[1:] == want, f"frame {i}: plugin shows {row[1:]}, trace says {want}")
    check(e["state"] == state, f"frame {i}: TCB state {e['state']}, connection entered {state}")
    states.add(e["state"])
    ssthreshes.add(e["ssthresh"])
check(with_tcb == len(tcb), f"only {with_tcb} of {len(tcb)} frames carry a TCB")
check({"SYN-SENT", "ESTABLISHED"} <= states, f"states seen: {sorted(states)}")
check(len(ssthreshes) > 1, "no loss changed ssthresh: the run does not exercise recovery")

# Without the option: the same frames, and the plugin's columns stay empty.
for row in rows(f"{work}/plain.tsv"):
    check(all(v == "" for v in row[1:]), f"plain capture, frame {row[0]}: plugin shows {row}")

for p in problems:
    print("tcb_comments:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF

# --- a RST for a closed port: its host has no connection, so no TCB -------------------
"$TCPSIM_BIN" run refused --pcap "$work/r.pcapng" --tcb-comments --quiet >/dev/null
tshark_lua "$work/syn" -r "$work/r.pcapng" -Y "tcp.flags.syn == 1" -T fields -e tcpsim.state
tshark_lua "$work/rst" -r "$work/r.pcapng" -Y "tcp.flags.reset == 1" -T fields -e tcpsim.state
[[ $(sort -u "$work/syn") == SYN-SENT ]] || fail "refused: the SYNs show [$(cat "$work/syn")]"
[[ -s "$work/rst" && -z $(tr -d '\n' <"$work/rst") ]] ||
  fail "refused: the RSTs should carry no TCB, plugin shows [$(cat "$work/rst")]"
echo "tcb_comments: ok"
