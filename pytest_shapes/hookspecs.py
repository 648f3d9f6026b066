"""Hooks that let other plugins and conftest files extend pytest-shapes.

All are `firstresult`: the first implementation that returns something other
than None wins. The built-in implementations are `trylast`, so yours run first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_shapes.diagnosis import Diagnosis
    from pytest_shapes.explainers.context import ExplainContext


@pytest.hookspec(firstresult=True)
def pytest_shapes_shape_of(value: Any) -> tuple[Any, ...] | None:
    """Return the shape of a tensor-like `value` as a tuple of ints (None for unknown sizes).

    Return None when `value` is not one of yours. Example for a conftest::

        def pytest_shapes_shape_of(value):
            if isinstance(value, MyTensor):
                return tuple(value.dims)
    """


@pytest.hookspec(firstresult=True)
def pytest_shapes_explain(error: BaseException, context: ExplainContext) -> Diagnosis | None:
    """Turn `error` into a Diagnosis, or return None when it is not yours.

    Called for every error in a failure's exception chain, outermost first, before the
    built-in explainers; only the conftests of the failing test's directory take part.
    `context` holds what is known around the error: `context.model`, `context.inputs`,
    `context.expected_input` (a spec, or None), `context.input_shapes`, `context.chain`
    (the failure and its causes), and `context.message(error)`, the error read once (`type_name`, `text` without tensor
    contents or Keras' call-context lines, `layer`). Example::

        from pytest_shapes import Diagnosis

        def pytest_shapes_explain(error, context):
            if "my op wants rank 3" in str(error):
                return Diagnosis("rank-mismatch", "my op wants rank 3", hint="x[None]")
    """


@pytest.hookspec(firstresult=True)
def pytest_shapes_expected_input(model: Any) -> Any:
    """Return the input spec (any spec form) that `model` declares, or None.

    Used to check wrapped calls that give no `input=` and to find root causes.
    Example::

        def pytest_shapes_expected_input(model):
            if isinstance(model, MyNet):
                return (None, model.in_features)
    """
