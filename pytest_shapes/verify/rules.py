"""The rules that compare what `shapes.verify` saw at different batch sizes: an output may keep the
batch axis anywhere, fold it into another axis or have none; it must not lose an axis, move one with
the batch size other than as a batch axis does, or fix a size while tracing."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.spec import format_shape
from pytest_shapes.verify.observations import Observation

GENERIC_HINT = (
    "keep the batch axis out of fixed sizes: tf.reshape(x, (-1, ...)) with -1 for the batch, "
    "keras.layers.Reshape(per-sample shape); read the batch size at run time with tf.shape(x)[0]"
)

TRACE_TIME_HINT = (
    "read sizes at run time, tf.shape(x)[0] (keras.ops.shape(x)[0]), not x.shape[0] or a constant: "
    "tracing fixes those in the graph"
)

SQUEEZE_HINT = (
    "give the squeeze its axis, e.g. tf.squeeze(x, axis=-1) or keras.ops.squeeze(x, axis=-1): "
    "without one it also drops the batch axis at batch size 1"
)


def inconclusive(seen: Observation | None) -> bool:
    return seen is not None and (seen.error is not None or any(shape is None for _, shape in seen.outputs))


def inconsistent(name: str, symbolic: Observation | None, sized: list[Observation]) -> Diagnosis | None:
    """Outputs whose shapes change with the batch size other than along a batch axis."""
    if len(sized) >= 2 and len({len(seen.outputs) for seen in sized}) > 1:
        a, b = sized[0], next(seen for seen in sized if len(seen.outputs) != len(sized[0].outputs))
        return Diagnosis(
            "batch-dependent",
            f"{name} returns {_outputs(len(a.outputs))} {a.where} but {len(b.outputs)} {b.where}",
            hint=GENERIC_HINT,
            expected=_outputs(len(a.outputs)),
            actual=_outputs(len(b.outputs)),
        )
    for index in range(len(sized[0].outputs) if sized else 0):
        shapes = [(seen.batch, seen.outputs[index][1]) for seen in sized if index < len(seen.outputs)]
        path = sized[0].outputs[index][0]
        found = _across_sizes(name, path, [(b, s) for b, s in shapes if s is not None])
        if found is None and symbolic is not None and index < len(symbolic.outputs):
            found = _against_symbolic(name, path, symbolic.outputs[index][1], shapes)
        if found is not None:
            return found
    return None


def _outputs(count: int) -> str:
    return f"{count} output" if count == 1 else f"{count} outputs"


def _across_sizes(name: str, path: str, shapes: list[tuple[Any, tuple[Any, ...]]]) -> Diagnosis | None:
    for (b1, s1), (b2, s2) in pairwise(shapes):
        if len(s1) != len(s2):
            (b_low, _), (b_high, high) = sorted(((b1, s1), (b2, s2)), key=lambda pair: len(pair[1]))
            lost = "the batch axis is" if high and high[0] == b_high else "an axis is"
            return _differs(name, path, (b1, s1), (b2, s2), f"{lost} lost at batch size {b_low}", squeeze=b_low == 1)
        for axis, (d1, d2) in enumerate(zip(s1, s2, strict=True)):
            if d1 == d2 or None in (d1, d2) or _proportional(d1, b1, d2, b2):
                continue
            wrong = b1 if s1[0] != b1 and s2[0] == b2 else b2 if s2[0] != b2 and s1[0] == b1 else None
            why = (
                f"the batch axis is lost at batch size {wrong}"
                if wrong is not None
                else f"axis {axis} changes with the batch size, but not as a batch axis does"
            )
            return _differs(name, path, (b1, s1), (b2, s2), why, squeeze=False)
    return None


def _proportional(d1: Any, b1: Any, d2: Any, b2: Any) -> bool:
    """Sizes that follow the batch size (b, or k*b as after folding another axis into the batch)."""
    return isinstance(d1, int) and isinstance(d2, int) and b1 and b2 and d1 * b2 == d2 * b1 and d1 % b1 == 0


def _against_symbolic(
    name: str, path: str, traced: tuple[Any, ...] | None, shapes: list[tuple[Any, Any]]
) -> Diagnosis | None:
    """The unknown-batch trace against the shapes at known sizes: a size fixed while tracing shows here."""
    if traced is None:
        return None
    for batch, shape in shapes:
        if shape is None:
            continue
        if len(shape) != len(traced):
            why = "the batch axis is lost at batch size 1" if batch == 1 and len(shape) < len(traced) else ""
            return _differs(
                name,
                path,
                (None, traced),
                (batch, shape),
                why or "its rank depends on the batch size",
                squeeze=batch == 1 and len(shape) < len(traced),
            )
        for axis, (fixed, size) in enumerate(zip(traced, shape, strict=True)):
            if isinstance(fixed, int) and size is not None and fixed != size:
                return Diagnosis(
                    "batch-dependent",
                    f"output{path} of {name} is {format_shape(traced)} when traced with an unknown batch size "
                    f"but {format_shape(shape)} at batch size {batch}: axis {axis} was fixed at {fixed} while tracing",
                    hint=TRACE_TIME_HINT,
                    expected=format_shape(shape),
                    actual=format_shape(traced),
                    axis=axis,
                )
    return None


def _differs(
    name: str, path: str, first: tuple[Any, Any], second: tuple[Any, Any], why: str, *, squeeze: bool
) -> Diagnosis:
    (b1, s1), (b2, s2) = first, second
    at1 = "with an unknown batch size" if b1 is None else f"at batch size {b1}"
    return Diagnosis(
        "batch-dependent",
        f"output{path} of {name} is {format_shape(s1)} {at1} but {format_shape(s2)} at batch size {b2}: {why}",
        hint=SQUEEZE_HINT if squeeze else GENERIC_HINT,
        expected=format_shape(s1),
        actual=format_shape(s2),
    )


def hard_coded_hint(observations: list[Observation]) -> str | None:
    """When every output's leading axis keeps one size whatever the batch size, that size is hard-coded."""
    leading = {shape[0] for seen in observations for _, shape in seen.outputs if shape}
    if len(leading) != 1 or any(seen.batch is None for seen in observations):
        return None
    (size,) = leading
    if not isinstance(size, int) or any(seen.batch == size for seen in observations):
        return None
    return hard_coded(size)


def hard_coded(size: int) -> str:
    return (
        f"use -1 for the batch axis, not {size}: tf.reshape(x, (-1, ...)), or keras.layers.Reshape(per-sample "
        "shape), which keeps the batch axis"
    )
