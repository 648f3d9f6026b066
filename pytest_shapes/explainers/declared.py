"""A model whose declared Input is itself the bug, told from how it was built.

The error shows up at some layer while the model is built (or first called), but the facts
point at the `Input(shape=...)` line: the shape written there is the whole array's, sample
count included, or it is channels-first for layers that read channels last.
"""

from __future__ import annotations

from typing import Any

from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.explainers.messages import parse_shape
from pytest_shapes.spec import Spec, format_shape

# a channel axis holds this many values at most (grey, RGB, RGBA); an image side is at least this long
_MAX_CHANNELS = 4
_MIN_SIDE = 8


def declared_wrong(symptom: Diagnosis | None, context: Any) -> Diagnosis | None:
    """The diagnosis of a wrong `Input` declaration behind `symptom`, or None."""
    if symptom is None:
        return None
    return _whole_array_declared(symptom, context) or _channels_first_declared(symptom, context)


def _whole_array_declared(symptom: Diagnosis, context: Any) -> Diagnosis | None:
    """`keras.Input(shape=x.shape)`: a layer gets too many axes, and the Input's per-sample shape is x's full shape."""
    if symptom.kind not in ("rank-mismatch", "extra-axis") or context.inputs is not None:
        return None  # with data given, the data is compared with the Input (rootcause)
    received = parse_shape(symptom.actual or "")
    if len(received) < 3 or received[0] is not None:
        return None  # only a symbolic batch (None, ...) comes from a declared Input
    # the Input itself reached the failing layer, or the model knows its Input
    candidates = [received, *_declared_inputs(context)]
    arrays = context.local_arrays
    for declared in candidates:
        per_sample = tuple(declared[1:])
        name = next((name for name, shape in arrays.items() if shape == per_sample), None)
        if name is not None and len(per_sample) >= 2 and per_sample[0] != 1:
            shown = format_shape(per_sample)
            return Diagnosis(
                "extra-axis",
                f"the model's Input has the shape of the whole array {name} {shown}, its sample count "
                f"{per_sample[0]} included: a layer got {format_shape(received)}",
                hint=f"declare one sample's shape: keras.Input(shape={name}.shape[1:])  "
                f"# {format_shape(per_sample[1:])}",
                expected=format_shape((None, *per_sample[1:])),
                actual=format_shape((None, *per_sample)),
                axis=1,
                layer=symptom.layer,
            )
    return None


def _channels_first_declared(symptom: Diagnosis, context: Any) -> Diagnosis | None:
    """`Input(shape=(3, 32, 32))` for Conv2D layers that read channels last: the window slides over 3 rows."""
    if symptom.kind != "spatial-too-small":
        return None
    received = parse_shape(symptom.actual or "")
    reads_last = _data_format(context.model) == "channels_last"
    for declared in _declared_inputs(context):
        if len(declared) < 4:
            continue
        channels, height, width = declared[-3:]
        if not isinstance(channels, int) or not 1 <= channels <= _MAX_CHANNELS:
            continue
        if not all(isinstance(side, int) and side >= _MIN_SIDE for side in (height, width)):
            continue
        # the layers read channels last: the model says so, or the window did not fit the raw Input,
        # which a channels-first layer would have read as a height x width image
        if not (reads_last or tuple(received[-3:]) == (channels, height, width)):
            continue
        leading = tuple(declared[1:-3])
        fixed = (*leading, height, width, channels)
        rank = len(declared)  # the channel axis (third from last) moves to the end
        order = ", ".join(str(axis) for axis in (*range(rank - 3), rank - 2, rank - 1, rank - 3))
        return Diagnosis(
            "axis-order",
            f"the model's Input {format_shape(tuple(declared[1:]))} is channels-first, but its layers read channels "
            f"last: they take {width} channels and slide over {channels} row{'s' if channels != 1 else ''}",
            hint=f"declare keras.Input(shape={format_shape(fixed)}) and feed x.transpose({order}), "
            "or pass data_format='channels_first' to the image layers",
            expected=format_shape((None, *fixed)),
            actual=format_shape(tuple(declared)),
            layer=symptom.layer,
        )
    return None


def _declared_inputs(context: Any) -> list[tuple[Any, ...]]:
    """The shapes (batch axis first) the model's Inputs were declared with, as far as they are known."""
    found = []
    declared = context.expected_input
    if isinstance(declared, Spec) and declared.rank is not None and _only_sizes(declared):
        found.append(tuple(declared.dims))
    built = _input_being_built(context.model) if context.building else None
    if built is not None:
        found.append(built)
    found.extend(shape for shape in context.local_inputs.values() if shape and shape[0] is None)
    return found


def _only_sizes(spec: Spec) -> bool:
    """A spec of plain sizes and None, as models declare them (no names, no `...`)."""
    return all(dim is None or isinstance(dim, int) for dim in spec.dims)


def _input_being_built(model: Any) -> tuple[Any, ...] | None:
    """The `keras.Input` a Sequential model is being built from (its inputs exist only once it is built).

    Keras 3 keeps the InputLayer first in `_layers`, tf_keras first among its tracked objects. Asked
    only while the user's own code builds the model: one built from data made that InputLayer itself.
    """
    if type(model).__name__ != "Sequential":
        return None
    layers = getattr(model, "_layers", None) or getattr(model, "_self_tracked_trackables", None)
    first = layers[0] if isinstance(layers, list) and layers else None
    if type(first).__name__ != "InputLayer":
        return None
    shape = getattr(first, "batch_shape", None) or getattr(first, "_batch_input_shape", None)
    if not isinstance(shape, tuple | list) or not all(dim is None or isinstance(dim, int) for dim in shape):
        return None
    return tuple(shape)


def _data_format(model: Any) -> str | None:
    """The data_format of the model's first image layer (a Conv2D, a pooling layer ...)."""
    try:
        layers = list(getattr(model, "layers", None) or ())
    except Exception:  # a model half-built may not list its layers
        return None
    formats = (getattr(layer, "data_format", None) for layer in layers)
    return next((found for found in formats if isinstance(found, str)), None)
