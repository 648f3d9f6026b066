"""The last, smaller batch: a model that hard-codes its batch size works until fit/evaluate/predict reach it.

Keras splits n samples into batches of `batch_size` (32 unless given); the last one has n % batch_size.
An op that fails with sizes in exactly that ratio has the batch size baked in (a tf.reshape to (32, ...),
tf.ones((32, 1)) in a layer).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from pytest_shapes.adapters.datasets import batching
from pytest_shapes.diagnosis import Diagnosis

BATCHED_METHODS = ("fit", "evaluate", "predict")
KERAS_DEFAULT_BATCH = 32


class Batches(NamedTuple):
    samples: int
    size: int
    last: int


def batches(context: Any) -> Batches | None:
    """How the data of the method the test called was batched, when the last batch is smaller than the others.

    Keras batches arrays by `batch_size`; a dataset batches itself (its `.batch()`, read from the dataset).
    """
    if context.entry not in BATCHED_METHODS:
        return None
    samples: int | None
    if context.dataset is not None:
        found = batching(context.dataset)
        if found is None or found.drop_remainder:
            return None
        samples, size = found.elements, found.size
    else:
        samples, size = _samples(context), context.batch_size or KERAS_DEFAULT_BATCH
    if samples is None:
        return None
    last = samples % size
    return Batches(samples, size, last) if last and samples > size else None


def batch_sizes(context: Any) -> set[int]:
    """The batch sizes the model got from the data of the method the test called (empty when unknown).

    A call of the model or a *_on_batch method gets the data as one batch; fit/evaluate/predict split
    arrays by `batch_size` (a dataset, by its own .batch()).
    """
    found = batches(context)
    if found is not None:
        return {found.size, found.last}
    if context.dataset is not None:
        size = getattr(batching(context.dataset), "size", None)
        return {size} if isinstance(size, int) else set()
    samples = _samples(context)
    if samples is None or context.entry is None:
        return set()
    if context.entry in BATCHED_METHODS:
        return {min(samples, context.batch_size or KERAS_DEFAULT_BATCH)}
    return {samples}


def _samples(context: Any) -> int | None:
    """The number of samples in the (first) input the method was given, when known."""
    shapes = context.input_shapes
    first = shapes[0] if isinstance(shapes, list) and shapes else shapes
    return first[0] if isinstance(first, tuple) and first and isinstance(first[0], int) else None


def hard_coded(what: str, found: Batches, context: Any) -> Diagnosis:
    """The last batch met a batch size baked into `what`; a model whose Input fixes it says so itself."""
    entry = context.entry
    from_dataset = context.dataset is not None
    splits = "the dataset's .batch() splits" if from_dataset else f"{entry}() splits"
    if declared_batch(context) == found.size:
        return Diagnosis(
            "batch-dependent",
            f"the model's Input fixes the batch size {found.size}; {splits} {found.samples} samples into "
            f"batches of {found.size}, and the last has {found.last} ({found.samples} % {found.size})",
            hint=(
                f"drop the smaller last batch: dataset.batch({found.size}, drop_remainder=True)"
                if from_dataset
                else f"give it a multiple of {found.size} samples: n = len(x) // {found.size} * {found.size}; "
                "x, y = x[:n], y[:n]"
            )
            + " (a stateful RNN needs its fixed batch); or build the model without a fixed batch size",
            expected=f"batch {found.size}",
            actual=f"batch {found.last}",
            axis=0,
        )
    return Diagnosis(
        "batch-dependent",
        f"{what} hard-codes the batch size {found.size}; the last batch of "
        f"{'the dataset' if from_dataset else entry + '()'} has {found.last} samples ({found.samples} % {found.size})",
        hint="let the batch axis follow the data: tf.reshape(x, (-1, ...)) or tf.shape(x)[0] instead of a "
        "fixed size, layers.Reshape / layers.Flatten (they keep the batch axis); or drop the smaller last batch"
        + (f": dataset.batch({found.size}, drop_remainder=True)" if from_dataset else ""),
        expected=f"batch {found.size}",
        actual=f"batch {found.last}",
        axis=0,
    )


def declared_batch(context: Any) -> int | None:
    """The batch size the model's (single) Input fixes, if any."""
    from pytest_shapes.spec import Spec

    declared = context.expected_input
    if isinstance(declared, Spec) and declared.dims and isinstance(declared.dims[0], int):
        return declared.dims[0]
    return None


def folded_into_features(expected: tuple[Any, ...], actual: tuple[Any, ...], context: Any) -> Diagnosis | None:
    """(1, 576) where (None, 144) is wanted, in batches of 4: a reshape to (1, -1) folded the batch into the features."""
    if len(actual) != 2 or len(expected) != 2 or actual[0] != 1:
        return None
    features, wanted = actual[1], expected[1]
    if not isinstance(features, int) or not isinstance(wanted, int) or wanted <= 0 or features % wanted:
        return None
    samples = _samples(context)
    sizes = {samples} if samples is not None else set()
    found = batches(context)
    sizes |= {found.size, found.last} if found else {context.batch_size or KERAS_DEFAULT_BATCH}
    if features // wanted not in sizes - {1}:
        return None
    samples = features // wanted
    return Diagnosis(
        "batch-dependent",
        f"a layer got (1, {features}) where (None, {wanted}) is wanted: a batch of {samples} was folded into the "
        f"features ({samples} x {wanted}), so the model only works at batch size 1",
        hint="keep the batch axis when flattening: tf.reshape(x, (tf.shape(x)[0], -1)) or (-1, n), or layers.Flatten()",
        expected=f"(None, {wanted})",
        actual=f"(1, {features})",
        axis=0,
    )
