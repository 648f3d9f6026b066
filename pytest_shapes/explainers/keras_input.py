"""Keras input-spec errors, in Keras 3 and legacy Keras 2 wording.

- ``expected ndim=4, found ndim=3. Full shape received: (28, 28, 1)`` (also min_ndim/max_ndim)
- ``expected axis -1 of input shape to have value 64, but received input with shape (8, 63)``
- ``expected shape=(None, 64), found shape=(64,)``
- Keras 3 functional: ``Expected shape (None, 64), but input has incompatible shape (64,)``
"""

from __future__ import annotations

import re
from typing import Any

from pytest_shapes.classify import compare
from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.explainers.messages import SHAPE_PATTERN, layer_name, parse_shape, strip_tensor_contents
from pytest_shapes.explainers.rootcause import root_cause
from pytest_shapes.spec import format_shape

_NDIM = re.compile(
    rf"expected (min_|max_)?ndim=(\d+), found ndim=(\d+)\.?(?:\s*Full shape received: ({SHAPE_PATTERN}))?"
)
_AXIS = re.compile(
    rf"expected axis (-?\d+) of input shape to have value (\d+),? but received input with shape ({SHAPE_PATTERN})"
)
_SHAPE_PAIR = re.compile(
    rf"[Ee]xpected shape=?\s*({SHAPE_PATTERN}),? (?:found shape=|but input has incompatible shape )({SHAPE_PATTERN})"
)


_INPUT_COUNT = re.compile(
    r"expects (\d+) (?:named )?input\(s\)(?: with keys (\[[^\]]*\]))?, but it received (\d+) input"
)
_MISSING_KEY = re.compile(
    r'Missing data for input "([^"]+)"\. You passed a data dictionary with keys (\[[^\]]*\])\. Expected the following keys: (\[[^\]]*\])'
)
_WEIGHTS = re.compile(
    rf"(?:Layer )?([\w/.-]+) weight shape ({SHAPE_PATTERN}) is not compatible with provided weight shape ({SHAPE_PATTERN})"
)
_UNDEFINED_DENSE = re.compile(
    rf"The last dimension of the inputs to a Dense layer should be defined\. Found None\. Full input shape received: ({SHAPE_PATTERN})()"
)
_UNDEFINED = re.compile(
    rf"Shapes used to initialize variables must be fully-defined \(no `None` dimensions\)\. Received: shape=({SHAPE_PATTERN}) for variable path='([^']+)'"
)


def structure_symptom(text: str) -> Diagnosis | None:
    """Inputs that do not line up with the model's inputs, weights that do not fit a layer."""
    match = _INPUT_COUNT.search(text)
    if match:
        want, keys, got = match.group(1), match.group(2), match.group(3)
        example = (
            f"model({{{', '.join(f'{key}: ...' for key in keys.strip('[]').split(', '))}}})"
            if keys
            else "model([x1, x2])"
        )
        return Diagnosis(
            "size-mismatch",
            f"the model takes {want} inputs{f' {keys}' if keys else ''}, but received {got}",
            hint=f"pass every input, as a list or a dict: {example}",
            expected=f"{want} inputs",
            actual=f"{got} inputs",
        )
    match = _MISSING_KEY.search(text)
    if match:
        return Diagnosis(
            "size-mismatch",
            f"input {match.group(1)!r} is missing: the data dict has keys {match.group(2)}, the model's are {match.group(3)}",
            hint=f"name the dict keys after the model's Input layers: {match.group(3)}",
            expected=match.group(3),
            actual=match.group(2),
        )
    match = _WEIGHTS.search(text)
    if match:
        layer, want, got = match.group(1), parse_shape(match.group(2)), parse_shape(match.group(3))
        diagnosis = compare(want, got, f"weights for layer '{layer}'")
        diagnosis.hint = (
            f"the weights were made for a differently shaped layer ({format_shape(got)} vs {format_shape(want)}): "
            "rebuild the model with the input size the weights were trained on, or retrain"
        )
        diagnosis.layer = layer
        return diagnosis
    match = _UNDEFINED.search(text) or _UNDEFINED_DENSE.search(text)
    if match:
        shape, variable = match.group(1), match.group(2)
        layer = (variable.split("/")[-2] if "/" in variable else variable) or None
        return Diagnosis(
            "size-mismatch",
            f"{f'layer {layer!r}' if layer else 'a Dense layer'} cannot build its weights for {shape}: "
            "the size of its input's last axis is unknown (None)",
            hint=(
                "give the feature axis a size, e.g. keras.Input(shape=(n_features,)); after convolutions on "
                "variable-size images use layers.GlobalAveragePooling2D() instead of Flatten(); "
                "convert ragged inputs to dense/padded tensors first"
            ),
            expected="a known last axis",
            actual=shape,
            layer=layer,
        )
    return None


def symptom(text: str) -> Diagnosis | None:
    """What the message says: which layer wanted what, and what it got."""
    layer = layer_name(text)
    where = f"input of layer '{layer}'" if layer else "model input"
    match = _NDIM.search(text)
    if match:
        bound, want, found, shape_text = match.groups()
        actual = parse_shape(shape_text) if shape_text else (None,) * int(found)
        relation = {"min_": ">= ", "max_": "<= "}.get(bound or "", "")
        diagnosis = compare((None,) * int(want), actual, where, expected_text=f"rank {relation}{want}")
        return _symbolic_hint(_located(diagnosis, layer), text)
    match = _AXIS.search(text)
    if match:
        axis, value, shape_text = int(match.group(1)), int(match.group(2)), match.group(3)
        actual = parse_shape(shape_text)
        expected: list[Any] = [None] * len(actual)
        if -len(actual) <= axis < len(actual):
            expected[axis] = value
        return _located(compare(tuple(expected), actual, where), layer)
    match = _SHAPE_PAIR.search(text)
    if match:
        return _symbolic_hint(
            _located(compare(parse_shape(match.group(1)), parse_shape(match.group(2)), where), layer), text
        )
    return None


def _located(diagnosis: Diagnosis, layer: str | None) -> Diagnosis:
    diagnosis.layer = layer
    return diagnosis


def _symbolic_hint(diagnosis: Diagnosis, text: str) -> Diagnosis:
    """A shape with a None batch comes from the model graph, not the data: fix the model."""
    if diagnosis.kind == "missing-axis" and "(None," in (diagnosis.actual or ""):
        received = diagnosis.actual or ""
        diagnosis.hint = (
            f"the layer before '{diagnosis.layer}' produces {received} but this layer needs one more axis: "
            "declare it in the model, e.g. keras.Input(shape=(steps, 1)) and feed x[..., None], "
            "or insert layers.Reshape(...) before the layer"
        )
    return diagnosis


def explain(error: BaseException, context: Any) -> Diagnosis | None:
    if not isinstance(error, ValueError):
        return None
    text = strip_tensor_contents(str(error))
    found = symptom(text)
    if found is None:
        return structure_symptom(text)
    return root_cause(found, context)
