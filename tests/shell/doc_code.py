#!/usr/bin/env python3
"""The C++ examples of the docs are compiled and run: every ```cpp block of
docs/coursework.md and docs/tcp.md must appear, line for line (indentation aside), in a
file of tests/install/, the outside project that the install and package tests build and
run against the installed library. So an example that no longer compiles, or no longer
passes, fails the test suite, and one edited in a doc without its file fails here.

Usage: doc_code.py SOURCE_DIR
"""
import pathlib
import sys

DOCS = ["docs/coursework.md", "docs/tcp.md"]


def cpp_blocks(text):
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```cpp":
            start = i + 1
            j = start
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            yield start + 1, lines[start:j]
            i = j
        i += 1


def contains(haystack, needle):
    """Whether the lines of `needle` occur as consecutive lines of `haystack`, each
    compared without its leading and trailing whitespace."""
    h = [x.strip() for x in haystack]
    n = [x.strip() for x in needle]
    return any(h[k:k + len(n)] == n for k in range(len(h) - len(n) + 1))


def main():
    src = pathlib.Path(sys.argv[1])
    files = {p: p.read_text().split("\n") for p in sorted((src / "tests/install").glob("*.?pp"))}
    failures = 0
    blocks = 0
    for doc in DOCS:
        for line, block in cpp_blocks((src / doc).read_text()):
            blocks += 1
            where = [p.name for p, text in files.items() if contains(text, block)]
            if not where:
                print(f"FAIL {doc}:{line}: this C++ example is in no file of tests/install/, so "
                      f"nothing compiles it; put it there as printed (or fix the doc to match)")
                failures += 1
    print(f"doc_code: {blocks} C++ examples, {failures} not compiled")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
