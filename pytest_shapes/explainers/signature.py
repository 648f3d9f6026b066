"""`tf.function` input signatures: ``Binding inputs to tf.function failed due to
`Can not cast TensorSpec(shape=(64,), ...) to TensorSpec(shape=(None, 64), ...)` ``."""

from __future__ import annotations

import re
from typing import Any

from pytest_shapes.classify import compare, fits
from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.explainers.messages import SHAPE_PATTERN, Message, parse_shape
from pytest_shapes.explainers.table import as_symptom, row
from pytest_shapes.spec import format_shape

S = SHAPE_PATTERN
refine = as_symptom


def _cast(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    actual, actual_dtype = parse_shape(match.group(1)), match.group(2)
    expected, expected_dtype = parse_shape(match.group(3)), match.group(4)
    where = "input of the tf.function (input_signature)"
    if actual_dtype != expected_dtype and (len(actual) == len(expected) and fits(expected, actual)):
        return Diagnosis(
            "dtype-mismatch",
            f"{where}: expected dtype {expected_dtype}, got {actual_dtype}",
            hint=f"cast before calling: tf.cast(x, tf.{expected_dtype})",
            expected=expected_dtype,
            actual=actual_dtype,
        )
    if (
        len(actual) == len(expected) >= 2
        and isinstance(expected[0], int)
        and expected[0] != actual[0]
        and fits(expected[1:], actual[1:])
    ):
        # the signature pins the batch size: the last, smaller batch (or any other) no longer fits
        unpinned = format_shape((None, *expected[1:]))
        return Diagnosis(
            "batch-dependent",
            f"{where}: the signature fixes the batch size at {expected[0]}, got a batch of {actual[0]}",
            hint=f"leave the batch axis open: tf.TensorSpec({unpinned}, tf.{expected_dtype}); or drop the smaller "
            "last batch (dataset.batch(n, drop_remainder=True))",
            expected=format_shape(expected),
            actual=format_shape(actual),
            axis=0,
        )
    diagnosis = compare(expected, actual, where)
    diagnosis.hint += "; or widen the tf.TensorSpec in input_signature if other shapes are legal"
    return diagnosis


ROWS = (
    row(
        rf"Can not cast TensorSpec\(shape=({S}), dtype=tf\.(\w+)[^)]*\) to TensorSpec\(shape=({S}), dtype=tf\.(\w+)",
        _cast,
    ),
)
