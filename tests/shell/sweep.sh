#!/usr/bin/env bash
# tcpsim sweep: a local sweep's rows (count, columns, order, determinism across --jobs,
# retransmissions on a lossy point), a run that crashes becoming a row, the emitted GNU
# parallel job file run by the real `parallel` and collected, the Slurm script run task by
# task and collected, and the bad-input errors (exit 2, one line, nothing run).
set -euo pipefail
: "${TCPSIM_BIN:?}" "${TCPSIM_SOURCE_DIR:?}"
source "$TCPSIM_SOURCE_DIR/tests/shell/lib/cli_expect.sh"

T="$TCPSIM_BIN"
grid=(half-close --set link.delay=5ms --grid link.loss=0,0.05 --grid tcp.cc=newreno,cubic --seeds 2)

# The CSV without its wall_time_s column, which is the only one that may differ.
no_wall() {
  python3 - "$1" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
i = rows[0].index("wall_time_s")
for r in rows:
    print(",".join(r[:i] + r[i + 1:]))
PY
}
same_rows() {
  if diff <(no_wall "$2") <(no_wall "$3") >"$tmp/diff"; then pass "$1"; else bad "$1"; sed -n '1,10s/^/     /p' "$tmp/diff"; fi
}

# A local sweep, 2x2 points x 2 seeds, one job at a time.
expect_exit 0 "local sweep, --jobs 1" -- "$T" sweep "${grid[@]}" --jobs 1 --out "$tmp/a"
contains "summary line" "sweep: 8 runs (4 points x 2 seeds), 8 ok, 0 failed"
if python3 - "$tmp/a/sweep.csv" "$tmp/a/sweep.jsonl" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
cols = ["run", "point", "link.loss", "tcp.cc", "seed", "goodput_bps", "retransmissions",
        "delivered_bytes", "integrity", "checks_passed", "checks_failed", "sim_time_ms",
        "wall_time_s", "status", "error"]
assert list(rows[0].keys()) == cols, list(rows[0].keys())
assert len(rows) == 8, len(rows)
order = [(r["link.loss"], r["tcp.cc"], r["seed"]) for r in rows]
want = [(l, c, s) for l in ("0", "0.05") for c in ("newreno", "cubic") for s in ("1", "2")]
assert order == want, order
assert [r["run"] for r in rows] == [str(i) for i in range(8)]
assert [r["point"] for r in rows] == [str(i // 2) for i in range(8)]
for r in rows:
    assert r["status"] == "ok" and r["integrity"] == "ok", r
    assert int(r["delivered_bytes"]) == 50500, r
    assert int(r["checks_passed"]) == 3 and int(r["checks_failed"]) == 0, r
    assert int(r["goodput_bps"]) > 0 and float(r["sim_time_ms"]) > 0, r
    lossy = r["link.loss"] != "0"
    assert (int(r["retransmissions"]) > 0) == lossy, r
lines = [json.loads(l) for l in open(sys.argv[2])]
assert len(lines) == 8
assert list(lines[0].keys()) == cols
for j, r in zip(lines, rows):
    assert j["retransmissions"] == int(r["retransmissions"]) and j["tcp.cc"] == r["tcp.cc"]
    assert j["link.loss"] == r["link.loss"] and isinstance(j["goodput_bps"], int)
PY
then pass "8 rows, columns, (point, seed) order, retransmissions only where lossy, JSONL agrees"; else bad "rows"; fi

# The same sweep with three jobs gives the same rows, in the same order.
expect_exit 0 "local sweep, --jobs 3" -- "$T" sweep "${grid[@]}" --jobs 3 --csv "$tmp/b.csv" --jsonl "$tmp/b.jsonl"
same_rows "--jobs 1 and --jobs 3 give the same CSV" "$tmp/a/sweep.csv" "$tmp/b.csv"
strip_json() { python3 -c 'import json,sys
for l in open(sys.argv[1]):
    d = json.loads(l); d.pop("wall_time_s"); print(json.dumps(d))' "$1"; }
cmp -s <(strip_json "$tmp/a/sweep.jsonl") <(strip_json "$tmp/b.jsonl") && pass "and the same JSONL" || bad "JSONL differs between --jobs"

# No output option: CSV on stdout. --only K: the row of run K alone, as the sweep has it.
"$T" sweep "${grid[@]}" --no-progress >"$tmp/stdout.csv" 2>/dev/null
same_rows "CSV on standard output" "$tmp/a/sweep.csv" "$tmp/stdout.csv"
"$T" sweep "${grid[@]}" --only 5 >"$tmp/only.csv"
if diff <(no_wall "$tmp/only.csv" | tail -1) <(no_wall "$tmp/a/sweep.csv" | sed -n 7p) >/dev/null; then
  pass "--only 5 prints the sixth row"; else bad "--only 5 differs from the sweep's row"; fi

# --progress forces the progress line on a stderr that is not a terminal.
"$T" sweep half-close --seeds 2 --progress --csv "$tmp/p.csv" 2>"$tmp/out" >/dev/null
contains "--progress shows the progress line" "runs done"

# A run that fails a check is a row like any other, and the sweep exits 1.
expect_exit 1 "a failed check makes the sweep exit 1" -- "$T" sweep half-close --grid app.server.send=50KB,10KB --csv "$tmp/chk.csv"
contains "and it says so" "sweep: 2 runs (2 points x 1 seed), 1 ok, 1 failed"
if python3 - "$tmp/chk.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert [r["status"] for r in rows] == ["ok", "check-failed"], rows
assert rows[1]["checks_failed"] == "1" and rows[1]["checks_passed"] == "2", rows[1]
assert rows[1]["delivered_bytes"] == "10500" and rows[0]["seed"] == "1", rows
PY
then pass "the failed check's row"; else bad "failed check row"; fi

# A run that dies (here: out of CPU time) is a row with its error; the others still run.
rc=0
(ulimit -t 2; exec "$T" sweep bulk --grid bytes=10KB,2GB --jobs 2 --csv "$tmp/crash.csv") >"$tmp/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && pass "a crashed run makes the sweep exit 1" || bad "crash: exit $rc, wanted 1"
if python3 - "$tmp/crash.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == 2, rows
assert rows[0]["status"] == "ok" and rows[0]["delivered_bytes"] == "10000", rows[0]
assert rows[1]["status"] == "crashed" and rows[1]["error"].startswith("killed by signal"), rows[1]
assert rows[1]["bytes"] == "2GB" and rows[1]["seed"] == "", rows[1]
PY
then pass "the crashed run's row says how it died"; else bad "crash row"; fi

# GNU parallel: one command per run, each writing its own row file; then --collect.
expect_exit 0 "--emit parallel" -- "$T" sweep "${grid[@]}" --emit parallel "$tmp/jobs.txt" --out "$tmp/par"
[ "$(wc -l <"$tmp/jobs.txt")" -eq 8 ] && pass "job file has 8 lines" || bad "job file: $(wc -l <"$tmp/jobs.txt") lines"
grep -q -- "--only 7$" "$tmp/jobs.txt" && pass "last job is --only 7" || bad "job file lacks --only 7"
grep -q -- "--set link.delay=5ms --grid" "$tmp/jobs.txt" && pass "jobs keep --set" || bad "job file lacks --set"
if command -v parallel >/dev/null; then
  parallel --will-cite -j 2 <"$tmp/jobs.txt" >"$tmp/out" 2>&1 || true
  [ "$(ls "$tmp/par/rows" | wc -l)" -eq 8 ] && pass "parallel wrote 8 row files" || bad "row files: $(ls "$tmp/par/rows")"
  expect_exit 0 "--collect after parallel" -- "$T" sweep --collect "$tmp/par"
  contains "collect summary" "sweep: collected 8 runs (4 points x 2 seeds), 8 ok, 0 failed"
  same_rows "collected rows = local rows (but wall time)" "$tmp/a/sweep.csv" "$tmp/par/sweep.csv"
  cmp -s <(strip_json "$tmp/a/sweep.jsonl") <(strip_json "$tmp/par/sweep.jsonl") && pass "and the same JSONL" || bad "collected JSONL differs"
else
  bad "GNU parallel is not installed (Debian package 'parallel'; tools/setup.sh)"
fi

# Slurm: one array task per run; sbatch is not here, so run the tasks by hand.
expect_exit 0 "--emit slurm" -- "$T" sweep "${grid[@]}" --emit slurm "$tmp/sweep.sbatch" --out "$tmp/slurm"
cp "$tmp/sweep.sbatch" "$tmp/out"
contains "array range" "#SBATCH --array=0-7"
contains "task index" '--only "${SLURM_ARRAY_TASK_ID:?'
[ "$(grep -v '^#' "$tmp/sweep.sbatch" | grep -c -- ' sweep ')" -eq 1 ] && pass "one command, indexed by the task" || bad "slurm script commands"
[ -x "$tmp/sweep.sbatch" ] && pass "script is executable" || bad "script not executable"
expect_exit 1 "the script refuses to run outside an array" -- bash "$tmp/sweep.sbatch"
for i in $(seq 0 7); do SLURM_ARRAY_TASK_ID=$i bash "$tmp/sweep.sbatch"; done
expect_exit 0 "--collect after the array" -- "$T" sweep --collect "$tmp/slurm" --csv "$tmp/slurm.csv"
same_rows "Slurm rows = local rows (but wall time)" "$tmp/a/sweep.csv" "$tmp/slurm.csv"

# A missing run: --collect names it and writes nothing.
rm "$tmp/slurm/rows/run-5.csv" "$tmp/slurm/sweep.jsonl"
expect_exit 2 "--collect with a missing run" -- "$T" sweep --collect "$tmp/slurm"
contains "names the missing run" "1 of 8 runs have no row file"
contains "and its values" "5 (link.loss=0.05 tcp.cc=newreno seed=2)"
[ ! -e "$tmp/slurm/sweep.jsonl" ] && pass "nothing written" || bad "--collect wrote despite a missing run"
[ "$(wc -l <"$tmp/out")" -eq 1 ] && pass "one line" || bad "not one line"
cp "$tmp/slurm/rows/run-4.csv" "$tmp/slurm/rows/run-5.csv"
expect_exit 2 "--collect with a row file of another run" -- "$T" sweep --collect "$tmp/slurm"
contains "names the file" "rows/run-5.csv: the row of another run (run is '4', expected '5')"
sed -i 's/^4,2,/5,2,/' "$tmp/slurm/rows/run-5.csv"
expect_exit 2 "--collect with a row of another seed" -- "$T" sweep --collect "$tmp/slurm"
contains "names the seed" "rows/run-5.csv: the row of another run (seed is '1', expected '2')"
expect_exit 2 "--collect on a directory without a plan" -- "$T" sweep --collect "$tmp"
contains "no plan message" "no sweep.plan in it"

# Bad input: exit 2, one line, before anything runs (no output file is made).
bad_in() {
  local what=$1 msg=$2
  shift 2
  expect_exit 2 "$what" -- "$T" sweep "$@" --csv "$tmp/never.csv"
  contains "$what: message" "$msg"
  [ "$(wc -l <"$tmp/out")" -eq 1 ] && pass "$what: one line" || bad "$what: not one line"
  [ ! -e "$tmp/never.csv" ] && pass "$what: nothing ran" || bad "$what: output written"
}
bad_in "unknown key" "tcpsim sweep: --grid bytez=1: unknown --set key 'bytez'" half-close --grid bytez=1
bad_in "bad value" "tcpsim sweep: --grid link.loss=2: docs/scenarios/half-close.toml (--set): loss: 2 is not a probability" half-close --grid link.loss=0,2
bad_in "empty value" "tcpsim sweep: --grid 'link.loss=0,,0.1': value 2 of 3 is empty" half-close --grid link.loss=0,,0.1
bad_in "no values" "value 1 of 1 is empty" half-close --grid tcp.cc=
bad_in "bad --set" "tcpsim sweep: --set link.delay=fast: " half-close --set link.delay=fast --grid tcp.cc=reno
bad_in "--set and --grid on one key" "--grid tcp.cc: the key is also given to --set" half-close --set tcp.cc=reno --grid tcp.cc=cubic
bad_in "seed as a grid key" "give the seeds with --seeds" half-close --grid seed=1,2
bad_in "bad seeds" "--seeds '3-1': the range is empty" half-close --seeds 3-1
bad_in "unknown scenario" "unknown scenario 'nope'" nope --seeds 2
bad_in "no scenario" "SCENARIO is required" --seeds 2
bad_in "unknown --emit kind" "--emit 'make': unknown kind" "${grid[@]}" --emit make "$tmp/x" --out "$tmp/never"
expect_exit 2 "--only out of range" -- "$T" sweep "${grid[@]}" --only 8
contains "--only message" "--only 8: the sweep has runs 0 to 7"
expect_exit 2 "--only with --csv" -- "$T" sweep "${grid[@]}" --only 1 --csv "$tmp/x.csv"

[ "$fails" -eq 0 ] && echo "sweep: all passed" || { echo "sweep: $fails failed"; exit 1; }
