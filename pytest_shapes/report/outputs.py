"""The session's outputs: each finished test goes to every one, and a rerun's attempt replaces the
one before (`forget`), so they count the last attempt of each test.

- `SummaryLine`: after pytest's short test summary, each diagnosed failure with its hint, then the
  `shapes: N contracts checked, M violated, K errors diagnosed` line;
- `JsonFile`: `--shapes-report=PATH`, every check and diagnosis, written atomically at the end.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any


class SummaryLine:
    """The terminal's closing block, from the reports (so an xdist controller agrees with a serial run):
    each diagnosed failure (its test, headline and hint), then the counts line, right above pytest's
    final counts, where a reader's eye lands."""

    def __init__(self) -> None:
        # per test: (checked, violated, explained, [(kind, message, hint) of each diagnosis]) per report
        self._by_test: dict[str, list[tuple[int, int, int, list[tuple[str, str, str]]]]] = {}

    def add(self, nodeid: str, outcome: str, payload: dict[str, Any], location: Any = None) -> None:
        # the block lists failures: a test that caught its diagnosis (pytest.raises) passed
        failed = outcome in ("failed", "error")
        diagnoses = [(d["kind"], d["message"], d.get("hint") or "") for d in payload["diagnoses"]] if failed else []
        entry = (payload["checked"], payload["violated"], payload["explained"], diagnoses)
        self._by_test.setdefault(nodeid, []).append(entry)

    def forget(self, nodeid: str) -> None:
        self._by_test.pop(nodeid, None)

    def write(self, terminal: Any, *, verbosity: int, width: int | None) -> None:
        """`verbosity` as pytest's (-q: -1, -qq: -2); `width`: trim lines to it (None: full lines)."""
        checked = violated = explained = 0
        lines: list[str] = []
        for nodeid in sorted(self._by_test):
            for checks, violations, explanations, diagnoses in self._by_test[nodeid]:
                checked += checks
                violated += violations
                explained += explanations
                for kind, message, hint in diagnoses:
                    headline = f"{nodeid} - [{kind}] {message}"
                    if verbosity < 0:  # -q: one line each, trimmed as pytest trims its summary
                        lines.append(trimmed(headline, width))
                        continue
                    if width is None or len(headline) <= width:
                        lines.append(headline)
                    else:  # folded: the test id on a line of its own, the diagnosis under it
                        lines.append(nodeid)
                        lines.extend(_wrapped(f"  [{kind}] {message}", width, "    "))
                    if hint:
                        lines.extend(_wrapped(f"  hint: {hint}", width, "        "))
        if not (checked or violated or explained or lines):
            return
        show = lines and verbosity > -2  # -qq: the counts alone
        terminal.write_sep("=", "shape diagnoses" if show else "shapes")
        for line in lines if show else ():
            terminal.write_line(line)
        terminal.write_line(f"shapes: {checked} contracts checked, {violated} violated, {explained} errors diagnosed")


def _wrapped(line: str, width: int | None, indent: str) -> list[str]:
    """`line` folded to the terminal's width (None: one line, as on CI), never inside a shape."""
    if width is None or len(line) <= width:
        return [line]
    import textwrap

    kept = _keep_shapes_whole(line)
    folded = textwrap.wrap(kept, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)
    return [part.replace(_JOINER, " ") for part in folded]


_JOINER = "\x00"  # stands for a space inside (...) or [...] while a line is folded


def _keep_shapes_whole(line: str) -> str:
    depth, out = 0, []
    for char in line:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        out.append(_JOINER if char == " " and depth > 0 else char)
    return "".join(out)


def trimmed(line: str, width: int | None) -> str:
    """As pytest trims its short summary: to the terminal's width, the cut marked."""
    if width is None or len(line) <= width:
        return line
    return line[: max(width - 3, 0)] + "..."


class JsonFile:
    """`--shapes-report=PATH`: every check and diagnosis, version 1, written atomically."""

    VERSION = 1

    def __init__(self, path: str | os.PathLike[str] | None):
        self.path = os.fspath(path) if path is not None else None
        self._by_test: dict[str, list[dict[str, Any]]] = {}

    def add(self, nodeid: str, outcome: str, payload: dict[str, Any], location: Any = None) -> None:
        if self.path is None:
            return
        entry = {"nodeid": nodeid, "outcome": outcome, "checks": payload["checks"], "diagnoses": payload["diagnoses"]}
        self._by_test.setdefault(nodeid, []).append(entry)

    def forget(self, nodeid: str) -> None:
        self._by_test.pop(nodeid, None)

    def write(self) -> None:
        if self.path is None:
            return
        import json  # only runs that write a report pay for these imports
        import tempfile

        tests = [entry for entries in self._by_test.values() for entry in entries]
        # sorted, so the file is the same whatever order the tests (or xdist workers) finished in
        document = {"version": self.VERSION, "tests": sorted(tests, key=lambda test: test["nodeid"])}
        target = os.path.abspath(self.path)
        directory = os.path.dirname(target)
        os.makedirs(directory, exist_ok=True)
        # write beside the target, then rename: readers never see a half-written file
        handle, temporary = tempfile.mkstemp(prefix=".shapes-report-", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(document, stream, indent=2)
                stream.write("\n")
            os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it private; a report is an ordinary file
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
