"""Rendering: the report section, the layer-trace table, the summary line, the JSON file."""

from __future__ import annotations

import json
import os
import tempfile
from collections import defaultdict
from typing import Any

from pytest_shapes.diagnosis import Diagnosis, TraceRow

FAILING_MARK = "<-- first failing"


def render_section(diagnosis: Diagnosis) -> str:
    """The `shape diagnosis` report section: headline, fields, layer trace."""
    lines = [diagnosis.headline]
    for label, value in (
        ("expected", diagnosis.expected),
        ("actual", diagnosis.actual),
        ("layer", diagnosis.layer),
        ("hint", diagnosis.hint),
    ):
        if value:
            lines.append(f"{label + ':':<10}{value}")
    if diagnosis.trace:
        lines.append("layer trace:")
        lines.append(format_trace(diagnosis.trace, indent="  "))
    return "\n".join(lines)


def format_trace(rows: list[TraceRow], indent: str = "") -> str:
    """An aligned table: one row per layer, the first failing one marked."""
    table = [("layer", "expects", "receives", "")] + [
        (row.layer, row.expects, row.receives, FAILING_MARK if row.failing else "") for row in rows
    ]
    widths = [max(len(cells[i]) for cells in table) for i in range(3)]
    return "\n".join(
        (indent + "  ".join(cell.ljust(width) for cell, width in zip(cells[:3], widths, strict=True)) + "  " + cells[3]).rstrip()
        for cells in table
    )


class Totals:
    """Counts for the terminal summary, aggregated from reports (so xdist agrees)."""

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
        terminal.write_sep("-", "shapes")
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

    def __init__(self, path: str | None):
        self.path = path
        self.tests: list[dict[str, Any]] = []

    def add(self, nodeid: str, outcome: str, payload: dict[str, Any]) -> None:
        if self.path is None:
            return
        self.tests.append(
            {
                "nodeid": nodeid,
                "outcome": outcome,
                "checks": payload["checks"],
                "diagnoses": [
                    {key: diagnosis[key] for key in ("kind", "message", "hint", "expected", "actual", "layer")}
                    for diagnosis in payload["diagnoses"]
                ],
            }
        )

    def write(self) -> None:
        if self.path is None:
            return
        document = {"version": self.VERSION, "tests": sorted(self.tests, key=lambda test: test["nodeid"])}
        target = os.path.abspath(self.path)
        directory = os.path.dirname(target)
        os.makedirs(directory, exist_ok=True)
        # write beside the target, then rename: readers never see a half-written file
        handle, temporary = tempfile.mkstemp(prefix=".shapes-", suffix=".json", dir=directory)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(document, stream, indent=2)
                stream.write("\n")
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise
