"""pytest-shapes: shape contracts and shape-error diagnoses for TensorFlow/Keras tests."""

from __future__ import annotations

from pytest_shapes.diagnosis import KINDS, CallRecord, Diagnosis, ShapeMismatch, TraceRow
from pytest_shapes.marker import expect_shape
from pytest_shapes.spec import SpecError
from pytest_shapes.standalone import assert_shape, diagnose, explain

__all__ = [
    "KINDS",
    "CallRecord",
    "Diagnosis",
    "ShapeMismatch",
    "SpecError",
    "TraceRow",
    "assert_shape",
    "diagnose",
    "expect_shape",
    "explain",
]
