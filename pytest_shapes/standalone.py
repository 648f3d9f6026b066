"""The API for use without the fixture: `assert_shape`, `diagnose()`, `explain()`.

Uses the built-in adapters and explainers directly (no pytest config needed).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from pytest_shapes import adapters, builtins
from pytest_shapes.checker import check
from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.explainers import diagnosing
from pytest_shapes.explainers import explain as explain_chain
from pytest_shapes.explainers.context import ExplainContext
from pytest_shapes.spec import parse


def assert_shape(value: Any, spec: Any, *, name: str | None = None) -> None:
    """Raise ShapeMismatch unless `value` (or a structure of values) fits `spec`."""
    __tracebackhide__ = True
    check(parse(spec), value, name or "value", {}, adapters.shape_of)


def explain(exc: BaseException, *, model: Any = None, inputs: Any = None) -> Diagnosis | None:
    """The diagnosis of a TensorFlow/Keras shape error, or None for any other exception."""
    context = ExplainContext(
        exc, model=model, inputs=inputs, shape_of=adapters.shape_of, expected_input=builtins.expected_input
    )
    return explain_chain(exc, context, builtins.explain)


def diagnose() -> AbstractContextManager[None]:
    """Turn a TensorFlow/Keras shape error raised in the block into a ShapeMismatch (chained)."""
    return diagnosing(explain)
