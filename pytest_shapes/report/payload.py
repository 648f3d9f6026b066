"""What one finished test sends to the session's outputs: counts, diagnoses and (for a JSON
report) its checks, as plain data that crosses pytest-xdist's channel intact.
"""

from __future__ import annotations

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
    failed = state.failed if state is not None else []  # of those, the ones with a diagnosis
    blocks = state.diagnosed if state is not None else []  # errors explained by `shapes.diagnose()`
    if not records and not blocks and failure is None:
        return None
    diagnoses = [record.diagnosis for record in failed] + blocks
    errors = sum(record.outcome == "error" for record in failed)  # the others are "violated"
    explained = len(blocks) + errors
    violated = len(failed) - errors
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
