"""What a session tells at its end: the `shapes:` summary line and the JSON report.

Both are built from per-test payloads, plain data that crosses pytest-xdist's
channel, so serial and `-n N` runs agree.
"""

from __future__ import annotations

import contextlib
import os
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pytest_shapes.safe_text import terminal_safe

if TYPE_CHECKING:
    from pytest_shapes.diagnosis import Diagnosis
    from pytest_shapes.fixture import Shapes

JSON_FIELDS = ("kind", "message", "hint", "expected", "actual", "layer")  # of a diagnosis, in the JSON report


def _json_fields(diagnosis: Any) -> dict[str, Any]:
    fields = {key: getattr(diagnosis, key, None) for key in JSON_FIELDS}
    return {key: terminal_safe(value) if isinstance(value, str) else value for key, value in fields.items()}


def payload_of(
    state: Shapes | None, failure: Diagnosis | None, from_error: bool, *, with_checks: bool
) -> dict[str, Any] | None:
    """What the controller needs of one test: plain data, so it crosses pytest-xdist intact.

    Counts and diagnoses always; the checks themselves only for a JSON report (`with_checks`),
    identical ones as one entry with a count: a test making 20 identical calls sends one.
    """
    records = state.calls if state is not None else []  # wrapped calls and checks
    blocks = state.diagnosed if state is not None else []  # errors explained by `shapes.diagnose()`
    if not records and not blocks and failure is None:
        return None
    diagnoses = [record.diagnosis for record in records if record.diagnosis is not None] + blocks
    explained = len(blocks)
    violated = 0
    if diagnoses:  # outcomes other than "passed" come with a diagnosis: a passing test skips the count
        explained += sum(record.outcome == "error" for record in records)
        violated = sum(record.outcome == "violated" for record in records)
    if failure is not None and all(failure is not known for known in diagnoses):
        diagnoses.append(failure)
        if from_error:
            explained += 1
        else:
            violated += 1
    return {
        "checks": _aggregated(records) if with_checks else [],
        "diagnoses": [plain(_json_fields(diagnosis)) for diagnosis in diagnoses],
        "checked": len(records),
        "violated": violated,
        "explained": explained,
    }


def _aggregated(records: list[Any]) -> list[dict[str, Any]]:
    """One entry per distinct check, in first-seen order, with how often it was made."""
    entries: dict[Any, dict[str, Any]] = {}
    for record in records:
        kind = record.diagnosis.kind if record.diagnosis is not None else None
        key = (record.name, _frozen(record.input_shapes), _frozen(record.output_shapes), record.outcome, kind)
        entry = entries.get(key)
        if entry is None:
            entries[key] = entry = plain(record.to_dict())
            entry["count"] = 0
        entry["count"] += 1
    return list(entries.values())


def _frozen(shapes: Any) -> Any:
    if isinstance(shapes, dict):
        return tuple((str(key), _frozen(value)) for key, value in shapes.items())
    if isinstance(shapes, list | tuple):
        return tuple(_frozen(item) for item in shapes)
    return shapes if shapes is None or isinstance(shapes, int | str) else repr(shapes)


def plain(value: Any) -> Any:
    """`value` as JSON data (it crosses pytest-xdist's channel and goes into the JSON report).

    A user's `pytest_shapes_shape_of` may return NumPy integers, a user's
    explainer may put a TensorShape into a diagnosis: ints stay ints,
    anything else unknown becomes its text.
    """
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if hasattr(value, "__index__"):
        return value.__index__()
    return str(value)


class Results:
    """Each test's payloads, in the order they came: of its last attempt only (a rerun starts over)."""

    def __init__(self) -> None:
        self._by_test: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    def add(self, nodeid: str, outcome: str, payload: dict[str, Any]) -> None:
        self._by_test.setdefault(nodeid, []).append((outcome, payload))

    def forget(self, nodeid: str) -> None:
        self._by_test.pop(nodeid, None)

    def __iter__(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for nodeid, entries in self._by_test.items():
            for outcome, payload in entries:
                yield nodeid, outcome, payload


class Totals:
    """Counts for the terminal summary, aggregated from reports (so xdist agrees)."""

    @classmethod
    def of(cls, results: Results) -> Totals:
        totals = cls()
        for nodeid, _, payload in results:
            totals.add(nodeid, payload)
        return totals

    def __init__(self) -> None:
        self.checked = 0
        self.violated = 0
        self.explained = 0
        self.by_kind: dict[str, list[str]] = defaultdict(list)

    def add(self, nodeid: str, payload: dict[str, Any]) -> None:
        self.checked += payload["checked"]
        self.violated += payload["violated"]
        self.explained += payload["explained"]
        for diagnosis in payload["diagnoses"]:
            self.by_kind[diagnosis["kind"]].append(f"{nodeid}: {diagnosis['message']}")

    def write_summary(self, terminal: Any, *, verbose: bool) -> None:
        if not (self.checked or self.violated or self.explained):
            return
        terminal.write_sep("=", "shapes")
        terminal.write_line(
            f"shapes: {self.checked} contracts checked, {self.violated} violated, {self.explained} errors diagnosed"
        )
        if verbose:
            for kind in sorted(self.by_kind):
                terminal.write_line(f"[{kind}]")
                for line in sorted(self.by_kind[kind]):
                    terminal.write_line(f"  {line}")


class JsonReport:
    """`--shapes-report=PATH`: every check and diagnosis, version 1, written atomically."""

    VERSION = 1

    def __init__(self, path: str | os.PathLike[str] | None):
        self.path = os.fspath(path) if path is not None else None

    def write(self, results: Results) -> None:
        if self.path is None:
            return
        import json  # only runs that write a report pay for these imports
        import tempfile

        tests = [
            {"nodeid": nodeid, "outcome": outcome, "checks": payload["checks"], "diagnoses": payload["diagnoses"]}
            for nodeid, outcome, payload in results
        ]
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
