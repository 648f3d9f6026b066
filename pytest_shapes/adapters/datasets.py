"""What a `tf.data.Dataset` (or anything with an `element_spec`) yields as model input, without iterating it.

Read from `element_spec` only: never imports TensorFlow, never touches the data.
"""

from __future__ import annotations

from typing import Any

from pytest_shapes.adapters.models import dims_of


def input_shapes(dataset: Any) -> Any:
    """The shapes of the `x` part of a dataset's elements (a shape, or a list/dict of shapes), or None."""
    try:
        spec = dataset.element_spec
    except Exception:  # not a dataset, or one that cannot tell
        return None
    if isinstance(spec, tuple) and spec:  # (x, y) or (x, y, sample_weight): the model gets x
        spec = spec[0]
    return _shapes(spec)


def _shapes(spec: Any) -> Any:
    if isinstance(spec, dict):
        shapes = {key: _shapes(value) for key, value in spec.items()}
        return None if any(shape is None for shape in shapes.values()) else shapes
    if isinstance(spec, list | tuple):
        items = [_shapes(value) for value in spec]
        return None if any(shape is None for shape in items) else items
    return dims_of(getattr(spec, "shape", None))
