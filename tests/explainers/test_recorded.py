"""Every recorded TensorFlow/Keras message through the engine, without TensorFlow, in milliseconds.

`recorded/*.jsonl` is the harvest of raise sites (one row per message format: where it is
raised, its format, a real example, and the kind it maps to; `null` for errors that are not
about shapes). The engine reads only the text here: no model, no data, no traceback, so a row
may come out as `unknown-shape-error` (a shape error the text alone cannot classify) or not
be recognised yet; what it must never do is name another kind, or diagnose a `null` row.
The end-to-end corpus (tests/corpus) proves the real errors still read like these.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pytest_shapes import KINDS
from pytest_shapes.explainers import explain_text

RECORDED = Path(__file__).parent / "recorded"
ROWS = [
    (f"{path.stem}:{number}", json.loads(line))
    for path in sorted(RECORDED.glob("*.jsonl"))
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
    if line.strip()
]
SHAPE_ROWS = [(name, row) for name, row in ROWS if row["kind"] is not None]
OTHER_ROWS = [(name, row) for name, row in ROWS if row["kind"] is None]
# raised sites the engine classifies from the text alone: a floor that only goes up
CLASSIFIED_AT_LEAST = 421


def test_every_row_is_well_formed() -> None:
    assert len(ROWS) >= 1000
    for name, row in ROWS:
        assert {"family", "source", "type", "format", "example", "kind"} <= set(row), name
        assert row["kind"] is None or row["kind"] in KINDS, name


@pytest.mark.parametrize(("name", "row"), OTHER_ROWS, ids=[name for name, _ in OTHER_ROWS])
def test_errors_that_are_not_about_shapes_get_no_diagnosis(name: str, row: dict) -> None:
    # an error that user code raised is never diagnosed, whatever it says (the raise-site check)
    diagnosis = explain_text(row["type"], row["example"], from_framework=row.get("raised_by") != "user")

    assert diagnosis is None, f"{row['example'][:200]!r} -> {diagnosis.headline if diagnosis else ''}"


@pytest.mark.parametrize(("name", "row"), SHAPE_ROWS, ids=[name for name, _ in SHAPE_ROWS])
def test_shape_errors_get_their_kind_or_an_honest_unknown(name: str, row: dict) -> None:
    diagnosis = explain_text(row["type"], row["example"])

    if diagnosis is not None:
        assert diagnosis.kind in (row["kind"], "unknown-shape-error"), (
            f"{row['example'][:200]!r}: recorded {row['kind']}, diagnosed {diagnosis.headline}"
        )
        assert "numpy=" not in diagnosis.headline and "\x1b" not in diagnosis.headline


def test_coverage_does_not_fall() -> None:
    outcomes = Counter()
    for _, row in SHAPE_ROWS:
        diagnosis = explain_text(row["type"], row["example"])
        kind = diagnosis.kind if diagnosis is not None else None
        outcomes["classified" if kind == row["kind"] else "unknown" if kind else "not recognised"] += 1

    assert outcomes["classified"] >= CLASSIFIED_AT_LEAST, outcomes
