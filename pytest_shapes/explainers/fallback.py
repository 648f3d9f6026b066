"""Last resort: a recognised TensorFlow/Keras shape error no explainer classified.

The diagnosis still shows the shapes found in the message, never contents.
"""

from __future__ import annotations

from typing import Any

from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.explainers.messages import is_framework_error, shapes_in, strip_tensor_contents
from pytest_shapes.explainers.rootcause import root_cause


def explain(error: BaseException, context: Any) -> Diagnosis | None:
    if not is_framework_error(error):
        return None
    # the message is unfamiliar, but data that does not fit the model explains it
    found = root_cause(None, context)
    if found is not None:
        return found
    text = strip_tensor_contents(str(error))
    shapes = shapes_in(text)
    if not shapes:
        return None
    first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    return Diagnosis(
        "unknown-shape-error",
        f"{type(error).__name__}: {first[:300]}",
        hint="pytest-shapes found shapes " + ", ".join(shapes[:4]) + " but no known root cause; "
        "check them against the model's input and the op named above",
        actual=", ".join(shapes[:4]),
    )
