"""`tf.function` input signatures: ``Binding inputs to tf.function failed due to
`Can not cast TensorSpec(shape=(64,), ...) to TensorSpec(shape=(None, 64), ...)` ``."""

from __future__ import annotations

import re
from typing import Any

from pytest_shapes.classify import compare, fits
from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.explainers.messages import SHAPE_PATTERN, parse_shape, strip_tensor_contents

_CAST = re.compile(
    rf"Can not cast TensorSpec\(shape=({SHAPE_PATTERN}), dtype=tf\.(\w+)[^)]*\) to "
    rf"TensorSpec\(shape=({SHAPE_PATTERN}), dtype=tf\.(\w+)"
)


def symptom(text: str) -> Diagnosis | None:
    match = _CAST.search(text)
    if match is None:
        return None
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


def explain(error: BaseException, context: Any) -> Diagnosis | None:
    if not isinstance(error, TypeError | ValueError):
        return None
    return symptom(strip_tensor_contents(str(error)))
