"""The session's outputs: each finished test goes to every one, and a rerun's attempt replaces the
one before (`forget`), so they count the last attempt of each test.

- `SummaryLine`: the `shapes: N contracts checked, M violated, K errors diagnosed` line (and with
  `-v`, the diagnoses by kind) after pytest's short test summary;
- `JsonFile`: `--shapes-report=PATH`, every check and diagnosis, written atomically at the end.
"""

from __future__ import annotations

import contextlib
import os
from collections import defaultdict
from typing import Any


class SummaryLine:
    """Counts for the terminal summary, from the reports (so an xdist controller agrees with a serial run)."""

    def __init__(self) -> None:
        # per test: (checked, violated, explained, [(kind, message) of each diagnosis]) per report
        self._by_test: dict[str, list[tuple[int, int, int, list[tuple[str, str]]]]] = {}

    def add(self, nodeid: str, outcome: str, payload: dict[str, Any]) -> None:
        diagnoses = [(d["kind"], d["message"]) for d in payload["diagnoses"]]
        entry = (payload["checked"], payload["violated"], payload["explained"], diagnoses)
        self._by_test.setdefault(nodeid, []).append(entry)

    def forget(self, nodeid: str) -> None:
        self._by_test.pop(nodeid, None)

    def write(self, terminal: Any, *, verbose: bool) -> None:
        checked = violated = explained = 0
        by_kind: dict[str, list[str]] = defaultdict(list)
        for nodeid, entries in self._by_test.items():
            for checks, violations, explanations, diagnoses in entries:
                checked += checks
                violated += violations
                explained += explanations
                for kind, message in diagnoses:
                    by_kind[kind].append(f"{nodeid}: {message}")
        if not (checked or violated or explained):
            return
        terminal.write_sep("=", "shapes")
        terminal.write_line(f"shapes: {checked} contracts checked, {violated} violated, {explained} errors diagnosed")
        if verbose:
            for kind in sorted(by_kind):
                terminal.write_line(f"[{kind}]")
                for line in sorted(by_kind[kind]):
                    terminal.write_line(f"  {line}")


class JsonFile:
    """`--shapes-report=PATH`: every check and diagnosis, version 1, written atomically."""

    VERSION = 1

    def __init__(self, path: str | os.PathLike[str] | None):
        self.path = os.fspath(path) if path is not None else None
        self._by_test: dict[str, list[dict[str, Any]]] = {}

    def add(self, nodeid: str, outcome: str, payload: dict[str, Any]) -> None:
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
