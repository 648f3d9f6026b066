"""The built-in hook implementations, behind the `trylast` plugin `plugin.BuiltinHooks`.

Its parts load on first use: a session whose tests never touch a tensor never
imports the adapters, nor compiles the explainers' message patterns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_shapes.diagnosis import Diagnosis
    from pytest_shapes.explainers.context import ExplainContext

Explainer = Callable[[BaseException, "ExplainContext"], "Diagnosis | None"]


def shape_of(value: Any) -> tuple[Any, ...] | None:
    from pytest_shapes.adapters import shape_of

    return shape_of(value)


def expected_input(model: Any) -> Any:
    from pytest_shapes.adapters.models import expected_input

    return expected_input(model)


def explainers() -> tuple[Explainer, ...]:
    """The built-in explainers, most specific first (the last resorts run after every hook).

    Imported on each call (a dict lookup once loaded), never cached: a cache would keep
    old modules alive after pytester restores sys.modules, and their Diagnosis class
    would no longer be the one the session checks against.
    """
    from pytest_shapes.explainers import keras_input, signature, targets, tf_ops

    return tuple(module.explain for module in (keras_input, targets, signature, tf_ops))


def explain(error: BaseException, context: ExplainContext) -> Diagnosis | None:
    for explainer in explainers():
        diagnosis = explainer(error, context)
        if diagnosis is not None:
            return diagnosis
    return None
