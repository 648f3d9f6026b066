"""The built-in hook implementations, behind the `trylast` plugin `plugin.BuiltinHooks`.

Its parts load on first use: a session whose tests never touch a tensor never
imports the adapters, nor compiles the explainers' message patterns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_shapes.diagnosis import Diagnosis
    from pytest_shapes.explainers.context import ExplainContext


def shape_of(value: Any) -> tuple[Any, ...] | None:
    from pytest_shapes.adapters import shape_of

    return shape_of(value)


def expected_input(model: Any) -> Any:
    from pytest_shapes.adapters.models import expected_input

    return expected_input(model)


def explain(error: BaseException, context: ExplainContext) -> Diagnosis | None:
    from pytest_shapes.explainers import explain_link

    return explain_link(error, context)
