#!/usr/bin/env python3
"""The docs cannot go stale: every ```console block of README.md and docs/*.md is a
transcript, run and compared with what the program prints.

A block holds commands (lines starting with `$ `, with the text of a here-document
following a `<<'EOF'` line) and, after each, the output it must print (stdout and stderr
together, as a terminal shows them). The blocks of one file run in order in one fresh
directory, with the built tcpsim first on PATH (under that name) and NO_COLOR set, so a
later block can use a file an earlier one wrote; TCPSIM_SOURCE_DIR names the source tree.

Expected output may use two wildcards, and nothing else is special:
  [...]   inside a line: any text (temporary paths, figures that vary)
  …       a line of its own (or `...`): any number of lines, none included
Wall-clock figures are never compared: `wall_time=0.003s` in the doc matches any
`wall_time=` the run prints, and `wall 1.234 s` likewise. Nor is tshark's warning that it
runs as root (a container, a CI runner), which a reader's run does not print.

A command exits 0 unless it ends with `# exits N`. An HTML comment just before a block
can say how to run it:
  <!-- transcript: setup COMMAND -->   runs COMMAND first (silently; it must succeed)
  <!-- transcript: commands-only -->   checks the exit status but not the output (for a
                                        block whose output is abridged in the text)
  <!-- transcript: skip REASON -->     does not run the block; REASON is printed

Usage: doc_transcripts.py SOURCE_DIR TCPSIM_BIN [FILE.md ...]
"""
import difflib
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

DIRECTIVE = re.compile(r"<!--\s*transcript:\s*(setup|skip|commands-only)\b\s*(.*?)\s*-->")
EXITS = re.compile(r"#\s*exits\s+(\d+)\s*$")
HEREDOC = re.compile(r"<<-?\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)['\"]?")
TIMEOUT_S = 120


class Command:
    def __init__(self, text, line):
        self.text = text      # the shell text, here-document included
        self.line = line      # where the `$ ` line is
        self.expected = []    # output lines
        m = EXITS.search(text.split("\n", 1)[0])
        self.status = int(m.group(1)) if m else 0


class Block:
    def __init__(self, path, line):
        self.path = path
        self.line = line
        self.commands = []
        self.setup = []
        self.skip = None
        self.output_checked = True


def parse(path, text):
    """The console blocks of one markdown file, with their directives."""
    blocks = []
    lines = text.split("\n")
    pending = []  # directives seen since the last block
    i = 0
    while i < len(lines):
        line = lines[i]
        m = DIRECTIVE.search(line)
        if m:
            pending.append((m.group(1), m.group(2)))
            i += 1
            continue
        if not re.match(r"^\s*```console\s*$", line):
            if line.strip() and not line.lstrip().startswith("<!--"):
                pending = []
            i += 1
            continue
        block = Block(path, i + 1)
        for kind, arg in pending:
            if kind == "setup":
                block.setup.append(arg)
            elif kind == "skip":
                block.skip = arg or "no reason given"
            else:
                block.output_checked = False
        pending = []
        i += 1
        current = None
        while i < len(lines) and not re.match(r"^\s*```", lines[i]):
            row = lines[i]
            if row.startswith("$ "):
                current = Command(row[2:], i + 1)
                block.commands.append(current)
                h = HEREDOC.search(row)
                if h:
                    end = h.group(1)
                    body = []
                    i += 1
                    while i < len(lines) and lines[i] != end:
                        body.append(lines[i])
                        i += 1
                    if i == len(lines):
                        raise SystemExit(f"{path}:{current.line}: here-document never ends ({end})")
                    current.text += "\n" + "\n".join(body + [end])
            elif current is not None:
                current.expected.append(row)
            elif row.strip():
                raise SystemExit(f"{path}:{i + 1}: output before any command in a console block")
            i += 1
        if i == len(lines):
            raise SystemExit(f"{path}:{block.line}: a console block is never closed")
        blocks.append(block)
        i += 1
    return blocks


WALL = [re.compile(r"wall_time=[0-9.]+s"), re.compile(r"wall [0-9.]+ s")]
# Lines of the machine, not of the example: left out of what a command printed.
NOT_OUTPUT = [re.compile(r'^Running as user "[^"]*" and group "[^"]*"\. This could be dangerous\.$')]


def normalise(line):
    for w in WALL:
        line = w.sub(lambda m: m.group(0).split("=")[0] + "=…" if "=" in m.group(0) else "wall … s",
                     line)
    return line.rstrip()


def is_any_lines(line):
    return line.strip() in ("...", "…")


def line_matches(pattern, actual):
    pattern, actual = normalise(pattern), normalise(actual)
    if "[...]" not in pattern:
        return pattern == actual
    parts = [re.escape(p) for p in pattern.rstrip().split("[...]")]
    return re.fullmatch(".*".join(parts), actual.rstrip(), flags=re.S) is not None


def output_matches(expected, actual):
    """Matches lines in order; a `...` line takes any number of actual lines."""
    # Trailing blank lines are not part of a transcript.
    while expected and not expected[-1].strip():
        expected = expected[:-1]
    while actual and not actual[-1].strip():
        actual = actual[:-1]
    memo = {}

    def match(i, j):
        key = (i, j)
        if key in memo:
            return memo[key]
        if i == len(expected):
            result = j == len(actual)
        elif is_any_lines(expected[i]):
            result = any(match(i + 1, k) for k in range(j, len(actual) + 1))
        else:
            result = j < len(actual) and line_matches(expected[i], actual[j]) and match(i + 1, j + 1)
        memo[key] = result
        return result

    return match(0, 0)


def run(cmd, cwd, env):
    p = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=cwd, env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=TIMEOUT_S)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    src = pathlib.Path(sys.argv[1]).resolve()
    tcpsim = pathlib.Path(sys.argv[2]).resolve()
    if not tcpsim.is_file() or not os.access(tcpsim, os.X_OK):
        raise SystemExit(f"doc_transcripts: {sys.argv[2]} is not an executable")
    files = [pathlib.Path(f) for f in sys.argv[3:]] or \
        [src / "README.md"] + sorted((src / "docs").glob("*.md"))
    # The docs call the program `tcpsim`, whatever the binary under test is named.
    bin_dir = tempfile.mkdtemp(prefix="tcpsim_transcript_bin.")
    os.symlink(tcpsim, os.path.join(bin_dir, "tcpsim"))
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["NO_COLOR"] = "1"
    env["TCPSIM_SOURCE_DIR"] = str(src)
    env.pop("COLUMNS", None)
    failures, commands, skipped = 0, 0, []
    for path in files:
        rel = path.relative_to(src) if path.is_absolute() else path
        blocks = parse(rel, path.read_text())
        if not blocks:
            continue
        work = tempfile.mkdtemp(prefix="tcpsim_transcript.")
        try:
            for block in blocks:
                if block.skip is not None:
                    skipped.append(f"{rel}:{block.line}: {block.skip}")
                    continue
                for setup in block.setup:
                    rc, out = run(setup, work, env)
                    if rc != 0:
                        print(f"FAIL {rel}:{block.line}: setup `{setup}` exited {rc}\n{out}")
                        failures += 1
                for c in block.commands:
                    commands += 1
                    try:
                        rc, out = run(c.text, work, env)
                    except subprocess.TimeoutExpired:
                        print(f"FAIL {rel}:{c.line}: `{c.text.splitlines()[0]}` ran over {TIMEOUT_S} s")
                        failures += 1
                        continue
                    actual = out.split("\n")
                    if actual and actual[-1] == "":
                        actual = actual[:-1]
                    actual = [a for a in actual if not any(n.match(a) for n in NOT_OUTPUT)]
                    if rc != c.status:
                        print(f"FAIL {rel}:{c.line}: `{c.text.splitlines()[0]}` exited {rc}, "
                              f"the doc says {c.status}\n" + "".join(f"    {a}\n" for a in actual[:20]))
                        failures += 1
                    elif block.output_checked and not output_matches(c.expected, actual):
                        diff = difflib.unified_diff(c.expected, actual, "the doc says",
                                                    "tcpsim printed", lineterm="")
                        print(f"FAIL {rel}:{c.line}: `{c.text.splitlines()[0]}` printed something else:")
                        print("\n".join("    " + d for d in diff))
                        failures += 1
        finally:
            shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(bin_dir, ignore_errors=True)
    for s in skipped:
        print(f"skipped {s}")
    print(f"doc_transcripts: {commands} commands, {failures} failed, {len(skipped)} blocks skipped")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
