"""What a `tf.data.Dataset` (or anything with an `element_spec`) yields, without iterating it.

Read from `element_spec` only: never imports TensorFlow, never touches the data.
"""

from __future__ import annotations

from typing import Any

from pytest_shapes.adapters.models import dims_of

# the leading axis a batched dataset's elements have; the hint a pipeline fix starts from
BATCH_HINT = "dataset.batch(32)"


def element_of(value: Any) -> Any:
    """A dataset's `element_spec` (a TensorSpec or a structure of them), or None for anything else."""
    if getattr(value, "shape", None) is not None:  # a tensor is not a dataset, whatever it carries
        return None
    try:
        return getattr(value, "element_spec", None)
    except Exception:  # a dataset that cannot tell
        return None


def model_part(element: Any) -> Any:
    """The part of a dataset element the model gets: `x` of `(x,)`, `(x, y)`, `(x, y, sample_weight)`.

    Keras unpacks a tuple (or list) of one to three items so; anything else is `x` itself.
    """
    if isinstance(element, list):
        element = tuple(element)
    if isinstance(element, tuple) and 1 <= len(element) <= 3:
        return element[0]
    return element


def input_shapes(dataset: Any) -> Any:
    """The shapes of the `x` part of a dataset's elements (a shape, or a list/dict of shapes), or None."""
    element = element_of(dataset)
    return None if element is None else shapes_of_element(model_part(element))


def shapes_of_element(spec: Any) -> Any:
    """The shape (or list/dict of shapes) of an element spec; None when a part has none."""
    if isinstance(spec, dict):
        shapes = {key: shapes_of_element(value) for key, value in spec.items()}
        return None if any(shape is None for shape in shapes.values()) else shapes
    if isinstance(spec, list | tuple):
        items = [shapes_of_element(value) for value in spec]
        return None if any(shape is None for shape in items) else items
    return dims_of(getattr(spec, "shape", None))
