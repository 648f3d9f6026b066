"""Keras input-spec errors, in Keras 3 and legacy Keras 2 wording.

- ``expected ndim=4, found ndim=3. Full shape received: (28, 28, 1)`` (also min_ndim/max_ndim)
- ``expected axis -1 of input shape to have value 64, but received input with shape (8, 63)``
- ``expected shape=(None, 64), found shape=(64,)``
- Keras 3 functional: ``Expected shape (None, 64), but input has incompatible shape (64,)``

The message is the symptom at one layer; `refine` compares the data with the model's input.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_shapes.classify import compare
from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.explainers.messages import SHAPE_PATTERN, Message, layer_name, parse_shape
from pytest_shapes.explainers.rootcause import root_cause
from pytest_shapes.explainers.table import row

S = SHAPE_PATTERN


def _where(message: Message) -> tuple[str | None, str]:
    layer = layer_name(message.text) or message.layer
    return layer, f"input of layer '{layer}'" if layer else "model input"


def _ndim(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    bound, want, found, shape_text = match.groups()
    layer, where = _where(message)
    actual = parse_shape(shape_text) if shape_text else (None,) * int(found)
    relation = {"min_": ">= ", "max_": "<= "}.get(bound or "", "")
    diagnosis = compare((None,) * int(want), actual, where, expected_text=f"rank {relation}{want}")
    return _symbolic_hint(_located(diagnosis, layer))


def _axis(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    axis, value, actual = int(match.group(1)), int(match.group(2)), parse_shape(match.group(3))
    layer, where = _where(message)
    expected: list[Any] = [None] * len(actual)
    if -len(actual) <= axis < len(actual):
        expected[axis] = value
    return _located(compare(tuple(expected), actual, where), layer)


def _shape_pair(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    layer, where = _where(message)
    diagnosis = compare(parse_shape(match.group(1)), parse_shape(match.group(2)), where)
    return _symbolic_hint(_located(diagnosis, layer))


ROWS = (
    row(rf"expected (min_|max_)?ndim=(\d+), found ndim=(\d+)\.?(?:\s*Full shape received: ({S}))?", _ndim),
    row(rf"expected axis (-?\d+) of input shape to have value (\d+),? but received input with shape ({S})", _axis),
    row(rf"[Ee]xpected shape=?\s*({S}),? (?:found shape=|but input has incompatible shape )({S})", _shape_pair),
)


def refine(symptom: Diagnosis, message: Message, context: Any) -> Diagnosis:
    return root_cause(symptom, context) or symptom


def _located(diagnosis: Diagnosis, layer: str | None) -> Diagnosis:
    diagnosis.layer = layer
    return diagnosis


def _symbolic_hint(diagnosis: Diagnosis) -> Diagnosis:
    """A shape with a None batch comes from the model graph, not the data: fix the model."""
    if diagnosis.kind == "missing-axis" and "(None," in (diagnosis.actual or ""):
        received = diagnosis.actual or ""
        diagnosis.hint = (
            f"the layer before '{diagnosis.layer}' produces {received} but this layer needs one more axis: "
            "declare it in the model, e.g. keras.Input(shape=(steps, 1)) and feed x[..., None], "
            "or insert layers.Reshape(...) before the layer"
        )
    return diagnosis
