"""What the data given to a Keras model yields, without consuming it.

A `tf.data.Dataset` (or anything with an `element_spec`) is read from its `element_spec` and its
chain of datasets, never iterated; a `keras.utils.PyDataset` or `Sequence` from its first batch (an
index, as Keras itself reads it); a generator not at all. Never imports TensorFlow.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from pytest_shapes.adapters.models import dims_of


def element_of(value: Any) -> Any:
    """A dataset's `element_spec` (a TensorSpec or a structure of them), or None for anything else."""
    try:
        if getattr(value, "shape", None) is not None:  # a tensor is not a dataset, whatever it carries
            return None
        return getattr(value, "element_spec", None)
    except Exception:  # a value whose attributes raise: not a dataset that can tell
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


class Batching(NamedTuple):
    """How a dataset's outermost `.batch()` (or `padded_batch`, `ragged_batch` ...) batches its elements."""

    size: int
    elements: int | None  # how many elements it batches, when their number is known and finite
    drop_remainder: bool


_MAX_DEPTH = 100  # datasets a pipeline chains; a bound, never a loop


def batching(dataset: Any) -> Batching | None:
    """The outermost batching of `dataset`, read from its chain of datasets (`_input_dataset`), never iterated.

    None when it is not batched (no batch in the chain, or an `.unbatch()` after it) or cannot tell.
    """
    node = dataset
    for _ in range(_MAX_DEPTH):
        name = type(node).__name__
        if "Unbatch" in name:
            return None
        if "Batch" in name and hasattr(node, "_batch_size"):
            size = _as_int(node._batch_size)
            if size is None or size <= 0:
                return None
            elements = _as_int(_cardinality(getattr(node, "_input_dataset", None)))
            return Batching(
                size,
                elements if elements is not None and elements >= 0 else None,
                bool(_as_int(getattr(node, "_drop_remainder", 0))),
            )
        node = getattr(node, "_input_dataset", None)
        if node is None:
            return None
    return None


def _cardinality(dataset: Any) -> Any:
    try:
        return dataset.cardinality() if dataset is not None else None
    except Exception:  # a dataset that cannot tell its size without running
        return None


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except Exception:  # a symbolic tensor (in a graph), or something else
        return None


_BATCH_SEQUENCES = ("PyDataset", "Sequence")  # Keras' indexable batch sources (keras.utils)


def first_batch(data: Any) -> Any:
    """The first batch of a `keras.utils.PyDataset` or `Sequence` (its `[0]`), or None.

    Indexing one is what Keras does at every step: it consumes nothing. A generator is never read.
    """
    names = {cls.__name__ for cls in type(data).__mro__ if cls.__module__.startswith(("keras", "tf_keras"))}
    if not names.intersection(_BATCH_SEQUENCES):
        return None
    try:
        return data[0]
    except Exception:  # the user's __getitem__ fails: its own error tells
        return None
