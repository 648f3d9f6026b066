"""`tf.function` input signatures: ``Binding inputs to tf.function failed due to
`Can not cast TensorSpec(shape=(64,), ...) to TensorSpec(shape=(None, 64), ...)` ``."""

from __future__ import annotations

import re
from typing import Any

from pytest_shapes.classify import compare, fits
from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.explainers.messages import SHAPE_PATTERN, Message, parse_shape
from pytest_shapes.explainers.table import as_symptom, row

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
    diagnosis = compare(expected, actual, where)
    diagnosis.hint += "; or widen the tf.TensorSpec in input_signature if other shapes are legal"
    return diagnosis


ROWS = (
    row(
        rf"Can not cast TensorSpec\(shape=({S}), dtype=tf\.(\w+)[^)]*\) to TensorSpec\(shape=({S}), dtype=tf\.(\w+)",
        _cast,
    ),
)
