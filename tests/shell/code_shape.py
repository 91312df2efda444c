#!/usr/bin/env python3
"""Size rules for the TCP library that a reader can check by eye and this script checks
by rote (run from tests/shell/layering.sh):

  - no class or struct in stack/tcp/ declares more member functions than its limit
    (kDefaultLimit, or the limit LIMITS names for it);
  - no function defined in a stack/tcp/ source file is longer than kMaxFunctionLines;
  - the connection's parts (Sender, Receiver, LossRecovery, Negotiation, TimerSet) keep
    no pointer or reference to the Connection.

Usage: code_shape.py SOURCE_DIR [--report]   (--report prints every count)
"""
import pathlib
import re
import sys

kDefaultLimit = 30
# Two classes are façades with a wide public surface. The connection's is the sockets'
# view of it (user calls, inputs, status and socket options: 30 functions); what it keeps
# besides is one function per RFC 9293 §3.10.7 step, timer and kind of segment sent, and
# two for the kernels' own checks before those steps (time-wait sockets; request sockets). The
# stack's is the sockets API itself (its deleted overloads, which catch arguments in the
# wrong order, are not counted) and the status lookups a display needs (by socket, all,
# by 4-tuple, the counters). Loss recovery owns the congestion controller, and one more
# function replaces it while the connection runs (TCP_CONGESTION), one restarts its
# window after an idle spell (RFC 5681 §4.1), and FreeBSD's per-ACK steps (its undo of a
# spurious timeout, its PRR) have one as Linux's undo checks do. The sender shows each
# send sequence variable of RFC 9293 §3.3.1, SND.WL1 included (Linux's PAWS test reads it).
LIMITS = {"Connection": 73, "TcpStack": 51, "LossRecovery": 33, "Sender": 31}
kMaxFunctionLines = 60
PARTS = ["sender.hpp", "receiver.hpp", "loss_recovery.hpp", "negotiation.hpp", "timer_set.hpp"]


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(\\.|[^"\\])*"', '""', text)


def class_bodies(text):
    """Yields (name, body) for every class or struct definition, nested ones included."""
    for m in re.finditer(r"\b(class|struct)\s+(\w+)\s*(final\s*)?(:[^{;]*)?\{", text):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        yield m.group(2), text[m.end():i - 1]


def member_functions(body):
    """Declarations at the top level of a class body that are functions."""
    statements, depth, current = [], 0, []
    for ch in body:
        if ch == "{":
            if depth == 0:
                statements.append("".join(current) + "{")
                current = []
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            if ch == ";":
                statements.append("".join(current))
                current = []
            else:
                current.append(ch)
    names = []
    for st in statements:
        st = re.sub(r"\b(public|private|protected)\s*:", "", st).strip()
        if not st or re.match(r"(using|friend|enum|class|struct|static_assert|template\s*<[^>]*>\s*(class|struct))\b", st):
            continue
        st = re.sub(r"^template\s*<[^>]*>\s*", "", st)
        m = re.search(r"(operator\s*[^\s(]+|~?\w+)\s*\(", st)
        if m is None or "=" in st[: m.start()]:
            continue  # a data member (perhaps with an initialiser that calls something)
        if re.search(r"=\s*delete\s*$", st):
            continue  # not a function the class has
        names.append(m.group(1))
    return names


def long_functions(path, text):
    """Bodies at the top level of a source file (namespaces aside) longer than the limit,
    counted from the line that opens the body to the line that closes it."""
    text = strip_comments(text)
    out = []
    depth = 0        # braces open inside functions (namespace braces not counted)
    namespaces = []  # for each open brace at depth 0: whether it opened a namespace
    start = 0
    line = 1
    last_stop = 0    # where the text since the last ';' or '}' starts
    for i, ch in enumerate(text):
        if ch == "\n":
            line += 1
        elif ch == "{":
            if depth == 0:
                head = text[last_stop:i]
                if re.search(r"\bnamespace\b[^;{}]*$", head) or re.search(r'extern\s+"C"', head):
                    namespaces.append(True)
                    last_stop = i + 1
                    continue
                start = line
            depth += 1
        elif ch == "}":
            if depth == 0:
                if namespaces:
                    namespaces.pop()
                last_stop = i + 1
                continue
            depth -= 1
            if depth == 0:
                length = line - start + 1
                if length > kMaxFunctionLines:
                    head = text[last_stop:text.index("{", last_stop)].strip().split("\n")[-1]
                    out.append((path, start, length, head))
                last_stop = i + 1
        elif ch == ";" and depth == 0:
            last_stop = i + 1
    return out


def main():
    root = pathlib.Path(sys.argv[1])
    report = "--report" in sys.argv
    tcp = root / "stack" / "tcp"
    status = 0
    for hpp in sorted(tcp.rglob("*.hpp")):
        text = strip_comments(hpp.read_text())
        for name, body in class_bodies(text):
            count = len(member_functions(body))
            limit = LIMITS.get(name, kDefaultLimit)
            if report:
                print(f"{hpp.relative_to(root)}: {name}: {count} member functions (limit {limit})")
            if count > limit:
                print(f"FAIL {hpp.relative_to(root)}: class {name} declares {count} member functions (limit {limit}): split it by concern")
                status = 1
    for cpp in sorted(tcp.rglob("*.cpp")):
        for path, line, length, head in long_functions(cpp.relative_to(root), cpp.read_text()):
            print(f"FAIL {path}:{line}: a function of {length} lines (limit {kMaxFunctionLines}): {head}")
            status = 1
    for part in PARTS:
        text = strip_comments((tcp / part).read_text())
        if re.search(r"\bConnection\s*[*&]", text) or re.search(r"\bclass\s+Connection\s*;", text):
            print(f"FAIL stack/tcp/{part}: a part of the connection refers back to Connection")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
