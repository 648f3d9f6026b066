"""`pytest-shapes explain [FILE]` (or `python -m pytest_shapes explain`): the diagnoses the engine can
make from a pasted traceback or a CI log alone, without TensorFlow.

Exit status: 0 when at least one error was diagnosed, 1 when none was, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

# a CI log's own line prefixes: a GitHub Actions timestamp, pytest's `E   ` gutter
_PREFIX = re.compile(r"^(?:\d{4}-\d\d-\d\dT[\d:.]+Z ?)?(?:E(?: +|$))?")
# an exception line: a (dotted) class name ending in Error or Exception, then its message
_HEADER = re.compile(r"^(?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*(?:Error|Exception))(?::[ \t]?(.*))?$")
# where one error's message ends: the next traceback, chain note, pytest separator or location line
_STOP = re.compile(
    r"^(?:Traceback \(most recent call last\)|The above exception was|During handling of the above|"
    r"[=_\-]{5,}|\S+\.py:\d+: \w+|FAILED |ERROR |PASSED |\s*File \")"
)
# a frame of the framework's own code, in a Python traceback or pytest's location lines
_FRAMEWORK_FRAME = re.compile(r"[/\\](?:tensorflow|keras|tf_keras)[/\\]")
_FRAME = re.compile(r'^\s*File "([^"]+)"|^(\S+\.py):\d+: ')
_MAX_MESSAGE_LINES = 200
_MAX_HEADER = 20_000  # a longer line is no exception's first line: not matched at all (linear cost)


@dataclass
class FoundError:
    line: int  # where its header is in the text, from 1
    type_name: str  # as printed: "InvalidArgumentError", "ValueError"
    message: str
    from_framework: bool | None  # None: the text shows no frame to tell


def find_errors(text: str) -> Iterator[FoundError]:
    """Each exception in `text` with its message, in order; one that repeats (the traceback and the
    short summary both quote it) is found once."""
    from pytest_shapes.safe_text import terminal_safe

    lines = [_PREFIX.sub("", line) for line in terminal_safe(text).splitlines()]
    seen: set[tuple[str, str]] = set()
    last_frame: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        frame = _FRAME.match(line)
        if frame:
            last_frame = frame.group(1) or frame.group(2)
        header = _HEADER.match(line) if len(line) <= _MAX_HEADER else None
        if header is None:
            index += 1
            continue
        at = index + 1  # lines count from 1
        body = [header.group(2) or ""]
        index += 1
        while index < len(lines) and len(body) < _MAX_MESSAGE_LINES:
            following = lines[index]
            if _STOP.match(following) or (_HEADER.match(following) and not following.startswith(" ")):
                break
            body.append(following)
            index += 1
        message = "\n".join(body).strip()
        # pytest prints where the error was raised right after it ("path.py:12: ValueError")
        after = _FRAME.match(lines[index]) if index < len(lines) else None
        if after and after.group(2):
            last_frame = after.group(2)
        key = (header.group(1), message)
        if key in seen or not message:
            continue
        seen.add(key)
        framework = None if last_frame is None else bool(_FRAMEWORK_FRAME.search(last_frame))
        yield FoundError(at, header.group(1), message, framework)
        last_frame = None


def explain_log(text: str, out: TextIO) -> int:
    """Print what each error in `text` tells; the number of errors diagnosed."""
    from pytest_shapes.explainers import explain_text
    from pytest_shapes.report.outputs import trimmed

    diagnosed = found = 0
    for error in find_errors(text):
        found += 1
        first = error.message.splitlines()[0] if error.message else ""
        out.write(f"{error.type_name} (line {error.line}): {trimmed(first, 160)}\n")
        diagnosis = explain_text(error.type_name, error.message, from_framework=error.from_framework is not False)
        if diagnosis is None:
            why = "raised by your code, not by TensorFlow/Keras" if error.from_framework is False else "no shape error"
            out.write(f"  not diagnosed: {why} (as far as the text shows)\n\n")
            continue
        if diagnosis.kind == "unknown-shape-error":
            out.write(f"  {diagnosis.headline}\n  the text alone does not say which kind: run the test with ")
            out.write("pytest-shapes installed, which also reads the model and the data\n\n")
            continue
        diagnosed += 1
        out.write(f"  {diagnosis.headline}\n")
        if diagnosis.expected is not None:
            out.write(f"  expected: {diagnosis.expected}\n")
        if diagnosis.actual is not None:
            out.write(f"  actual:   {diagnosis.actual}\n")
        if diagnosis.hint:
            out.write(f"  hint:     {diagnosis.hint}\n")
        out.write("\n")
    if not found:
        out.write("no Python exception found in the text (paste the traceback, with its last line)\n")
    else:
        out.write(f"{diagnosed} of {found} errors diagnosed from the text alone\n")
    return diagnosed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="pytest-shapes",
        description="Diagnose TensorFlow/Keras shape errors from a traceback or CI log (no TensorFlow needed).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    explain = commands.add_parser("explain", help="diagnose the errors in a pasted traceback or a CI log")
    explain.add_argument("file", nargs="?", default="-", help="the log to read (default: standard input)")
    options = parser.parse_args(argv)  # bad usage: argparse exits with status 2
    if options.command != "explain":
        parser.print_usage(sys.stderr)
        sys.stderr.write("pytest-shapes: error: choose a command: explain\n")
        return 2
    try:
        if options.file == "-":
            text = sys.stdin.read()
        else:
            with open(options.file, encoding="utf-8", errors="replace") as stream:
                text = stream.read()
    except OSError as error:
        sys.stderr.write(f"pytest-shapes: error: cannot read {options.file}: {error.strerror or error}\n")
        return 2
    return 0 if explain_log(text, sys.stdout) else 1
