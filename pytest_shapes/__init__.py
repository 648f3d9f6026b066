"""pytest-shapes: shape contracts and shape-error diagnoses for TensorFlow/Keras tests.

pytest imports this package whenever the plugin loads, so names are imported
on first access: a session that never uses them pays nothing for them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_shapes.diagnosis import KINDS, CallRecord, Diagnosis, ShapeMismatch, TraceRow
    from pytest_shapes.marker import expect_shape
    from pytest_shapes.spec import SpecError
    from pytest_shapes.standalone import assert_shape, diagnose, explain

_WHERE = {
    "KINDS": "pytest_shapes.diagnosis",
    "CallRecord": "pytest_shapes.diagnosis",
    "Diagnosis": "pytest_shapes.diagnosis",
    "ShapeMismatch": "pytest_shapes.diagnosis",
    "TraceRow": "pytest_shapes.diagnosis",
    "expect_shape": "pytest_shapes.marker",
    "SpecError": "pytest_shapes.spec",
    "assert_shape": "pytest_shapes.standalone",
    "diagnose": "pytest_shapes.standalone",
    "explain": "pytest_shapes.standalone",
}

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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'pytest_shapes' has no attribute {name!r}")
    # not cached here: after pytester restores sys.modules, a fresh submodule must win over a stale class
    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
