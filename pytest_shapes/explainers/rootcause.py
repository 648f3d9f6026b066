"""From symptom to root cause.

An explainer reads a *symptom* from the error message (a layer got rank 3
where it wanted 4). The root cause is often upstream: the data given to the
model does not fit the model's declared input. When the model and its input
are within reach, compare those first; either way add the layer trace.
"""

from __future__ import annotations

import inspect
from itertools import permutations
from typing import Any

from pytest_shapes.adapters.datasets import batching, element_of, input_shapes
from pytest_shapes.classify import compare, find_mismatch, wrong_order_hint
from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.explainers.batches import (
    BATCHED_METHODS,
    KERAS_DEFAULT_BATCH,
    batch_sizes,
    batches,
    declared_batch,
    hard_coded,
)
from pytest_shapes.explainers.context import ExplainContext, is_keras_model
from pytest_shapes.explainers.declared import declared_wrong
from pytest_shapes.explainers.messages import parse_shape
from pytest_shapes.pipeline import DATA_METHODS, as_pipeline_fix
from pytest_shapes.spec import Spec, format_dims, format_shape
from pytest_shapes.trace import attach_trace


def model_label(model: Any) -> str:
    name = getattr(model, "name", None)
    return f"{type(model).__name__} '{name}'" if isinstance(name, str) else type(model).__name__


def _called(context: ExplainContext) -> str:
    """'.fit()' for the model method the test called; nothing for a plain call of the model."""
    return f".{context.entry}()" if context.entry and context.entry not in ("__call__", "call") else ""


def root_cause(symptom: Diagnosis | None, context: ExplainContext) -> Diagnosis | None:
    """The diagnosis to report: the input-vs-model mismatch when there is one, else the symptom."""
    model = context.model
    actual = context.input_shapes
    built_wrong = declared_wrong(symptom, context)
    if built_wrong is not None:  # the model's own declaration: no data to compare it with
        return built_wrong
    diagnosis = symptom
    # a dtype that cannot become a tensor (an object array of rows of different lengths) is the root
    # cause itself: the shape such an array shows is not the data's
    if model is not None and actual is not None and not (symptom is not None and symptom.kind == "dtype-mismatch"):
        declared = context.expected_input
        found = None
        if declared is not None:
            method = _called(context)
            where = f"input of {model_label(model)}{method}"
            found = _unbatched_dataset(declared, context.dataset, actual, where, "ds")
            if found is None and context.entry == "fit":  # the training data fits: the validation data?
                validation = context.argument("validation_data")
                found = _unbatched_dataset(declared, validation, input_shapes(validation), where, "validation_data")
            found = found or find_mismatch(declared, actual, f"input{{path}} of {model_label(model)}{method}")
            batch_moved = found is not None and found.kind == "axis-order" and found.axis == 0
            if batch_moved and isinstance(declared, Spec) and _samples_first(actual, context):
                found = compare(declared.dims, actual, where, batch_first=True)  # the labels pin the batch axis
            if found is not None:
                diagnosis = (
                    _dataset_size_in_input(found, context)
                    or _batch_size_in_input(found, declared, actual, context)
                    or _fixed_batch(found, context)
                    or _batch_axis_elsewhere(found, declared, actual, context)
                    or _whole_arrays_per_element(found, actual, context)
                    or _generator_of_samples(found, declared, actual, context)
                    or _batch_of_one_after_another(found, symptom, actual, context)
                    or _text_vectorized_to_another_length(found, actual, context)
                    or _py_dataset_of_samples(found, context)
                    or found
                )
                if diagnosis is found and context.dataset is not None and found.kind != "missing-batch-axis":
                    as_pipeline_fix(found)  # the data comes from the dataset: the fix goes where it is made
                diagnosis.hint = wrong_order_hint(declared, actual) or diagnosis.hint
            elif symptom is not None and symptom.kind in _DOWNSTREAM_KINDS:
                diagnosis = _variable_length_data(declared, actual, context, model) or symptom
        if found is None and symptom is not None:
            diagnosis = _squeezed_batch_of_one(symptom, actual, context) or diagnosis
    if diagnosis is None:
        return None
    if model is not None and actual is not None and is_keras_model(model) and not diagnosis.trace:
        attach_trace(diagnosis, model, actual)  # names the first failing layer
    if not diagnosis.layer and symptom is not None and symptom.layer != getattr(model, "name", None):
        # the symptom's layer, unless the message only named the model (Keras does, unfiltered)
        diagnosis.layer = symptom.layer
    return diagnosis


# symptoms a layer deep in the model shows when the data fits the model's Input only as far as is known
_DOWNSTREAM_KINDS = ("matmul-incompatible", "broadcast-incompatible", "size-mismatch", "reshape-size")


def _squeezed_batch_of_one(symptom: Diagnosis, actual: Any, context: ExplainContext) -> Diagnosis | None:
    """A batch of one that fits the model, yet a layer inside got it without its batch axis: every
    size-1 axis went, the batch's too (a tf.squeeze without axis). Batches of other sizes work.

    The batch of one is the data itself, or the last batch fit/evaluate/predict made of it (9 % 4).
    """
    if symptom.kind not in ("missing-batch-axis", "rank-mismatch") or not isinstance(actual, tuple):
        return None
    if len(actual) < 2 or not all(isinstance(dim, int) for dim in actual):
        return None
    found = batches(context)
    last = found is not None and found.last == 1
    if actual[0] != 1 and not last:
        return None
    batch = (1, *actual[1:])
    squeezed = tuple(dim for dim in batch if dim != 1)
    shown = symptom.actual or ""
    received = parse_shape(shown) if not shown.startswith("rank") else None
    rank = int(shown.split()[-1]) if shown.startswith("rank ") and shown.split()[-1].isdigit() else None
    # what the layer got keeps the other sizes in order (a pooling in between may have dropped some)
    if received is not None:
        if not _in_order(received, squeezed):
            return None
    elif rank is None or rank > len(squeezed) or (rank < len(squeezed) and not last):
        return None
    got = format_shape(received) if received is not None else f"rank {rank}"
    one = (
        f"the last of its batches of {found.size} has one sample ({found.samples} % {found.size})"
        if last and found is not None
        else f"got a batch of one {format_shape(actual)}"
    )
    # when the layer got the input itself squeezed, the input's other size-1 axes are the ones meant
    ones = [axis - len(batch) if axis == len(batch) - 1 else axis for axis in range(1, len(batch)) if batch[axis] == 1]
    ones = ones if received == squeezed else []
    named = f"tf.squeeze(x, axis={ones[0] if len(ones) == 1 else ones})" if ones else "tf.squeeze(x, axis=...)"
    return Diagnosis(
        "batch-dependent",
        f"{model_label(context.model)}{_called(context)}{':' if last else ''} {one}, but a layer inside got "
        f"{got}: every size-1 axis was dropped, the batch axis too",
        hint="a tf.squeeze (or np.squeeze) without axis drops a batch of one's batch axis: name the axis, "
        f"{named}; batches of other sizes keep it",
        expected=format_shape(batch),
        actual=got,
        axis=0,
        layer=symptom.layer,
    )


def _batch_of_one_after_another(
    found: Diagnosis, symptom: Diagnosis | None, actual: Any, context: ExplainContext
) -> Diagnosis | None:
    """A model built by its first call keeps that call's batch size as its Input's (Keras does not hold
    later calls to it): a later batch of one that lost its batch axis inside is the bug, not the size."""
    if symptom is None or found.kind != "size-mismatch" or found.axis != 0:
        return None
    return _squeezed_batch_of_one(symptom, actual, context)


def _in_order(part: tuple[Any, ...], whole: tuple[Any, ...]) -> bool:
    """Whether the sizes of `part` appear in `whole` in the same order (a subsequence)."""
    rest = iter(whole)
    return all(any(dim == size for size in rest) for dim in part)


def _variable_length_data(declared: Any, actual: Any, context: ExplainContext, model: Any) -> Diagnosis | None:
    """A dataset whose elements vary in length (None) on an axis the model fixes: each batch has its own length.

    `padded_batch` pads to the longest element of each batch, `TextVectorization` without
    `output_sequence_length` to the longest text: the model then gets 7 steps where it was built for 10.
    """
    if not isinstance(declared, Spec) or declared.rank is None or not isinstance(actual, tuple):
        return None
    if len(actual) != declared.rank or context.dataset is None:
        return None
    axes = [i for i in range(1, len(actual)) if actual[i] is None and isinstance(declared.dims[i], int)]
    if not axes:
        return None
    axis, size = axes[0], declared.dims[axes[0]]
    method = f".{context.entry}()" if context.entry else ""
    return Diagnosis(
        "size-mismatch",
        f"input of {model_label(model)}{method}: the dataset's elements {format_shape(actual)} vary in size on "
        f"axis {axis}, where the model was built for {size}",
        hint=f"give every element {size} there in the pipeline: dataset.padded_batch(n, padded_shapes=...) with "
        f"{size} on that axis, or TextVectorization(output_sequence_length={size}); a batch padded only to its "
        "longest element has another size",
        expected=format_dims(declared.dims),
        actual=format_shape(actual),
        axis=axis,
    )


def _unbatched_dataset(declared: Any, dataset: Any, actual: Any, where: str, name: str) -> Diagnosis | None:
    """A dataset whose elements are single samples: the model's per-sample shape, one rank short.

    A batched dataset's element has the model's rank (its batch axis None or a size); an element
    that fits the model's shape without its batch axis (its unknown sizes prove nothing) is one
    sample, so the pipeline lacks its .batch(). `name` is the dataset's name in the hint.
    """
    if element_of(dataset) is None or not isinstance(declared, Spec) or declared.rank is None:
        return None
    if batching(dataset) is not None:  # batched: its elements lack an axis of a sample instead
        return None
    if not isinstance(actual, tuple) or len(actual) != declared.rank - 1:
        return None
    per_sample = declared.dims[1:]
    pairs = [(want, got) for want, got in zip(per_sample, actual, strict=True) if isinstance(want, int)]
    if not all(got is None or got == want for want, got in pairs) or not any(got == want for want, got in pairs):
        return None
    varying = None in actual
    dataset_name = "the validation dataset" if name == "validation_data" else "the dataset"
    return Diagnosis(
        "missing-batch-axis",
        f"{where}: {dataset_name} yields single samples {format_shape(actual)}, the model wants batches "
        f"{format_dims(declared.dims)} ({dataset_name} is not batched)",
        hint=f"batch {dataset_name}: {name} = {name}.batch(32)"
        + (f" ({name}.padded_batch(32) if the elements differ in length)" if varying else "")
        + "; a dataset made by a Keras utility (timeseries_dataset_from_array, image_dataset_from_directory) "
        "batches itself when given batch_size=32 instead of None",
        expected=format_dims(declared.dims),
        actual=format_shape(actual),
        axis=0,
    )


def _batch_axis_elsewhere(found: Diagnosis, declared: Any, actual: Any, context: ExplainContext) -> Diagnosis | None:
    """Data whose batch axis is not its first: the labels' number of samples says which axis it is.

    (20, 8) for a (None, 20) model, with 8 labels: the 8 samples run along axis 1.
    """
    labels = context.labels_shape
    if found.kind != "size-mismatch" or not isinstance(declared, Spec) or not isinstance(actual, tuple):
        return None
    if not labels or not isinstance(labels[0], int) or actual[0] == labels[0] or not 2 <= len(actual) <= 5:
        return None
    samples = labels[0]
    orders = [
        order
        for order in permutations(range(len(actual)))
        if actual[order[0]] == samples and declared.match(tuple(actual[i] for i in order), {})
    ]
    if len(orders) != 1:  # none, or more than one way: no evidence which
        return None
    order = orders[0]
    moved = tuple(actual[i] for i in order)
    code = "x.T" if len(actual) == 2 else f"np.transpose(x, {order})"
    source = " in the PyDataset's __getitem__" if context.first_batch is not None else ""
    return Diagnosis(
        "axis-order",
        f"input of {model_label(context.model)}{_called(context)}: got {format_shape(actual)} with {samples} labels: "
        f"the samples run along axis {order[0]}, where the model wants them first {format_dims(declared.dims)}",
        hint=f"put the batch axis first{source}: {code}  # {format_shape(actual)} -> {format_shape(moved)}",
        expected=format_dims(declared.dims),
        actual=format_shape(actual),
        axis=order[0],
    )


def _whole_arrays_per_element(found: Diagnosis, actual: Any, context: ExplainContext) -> Diagnosis | None:
    """A batched dataset whose every element is a whole array of samples: (None, 32, 28, 28, 1) for (None, 28, 28, 1).

    `Dataset.from_tensors(x)` (or a generator yielding all of x) makes one element of x; slices make samples.
    """
    if found.kind != "extra-axis" or found.axis != 0 or batching(context.dataset) is None:
        return None
    if not isinstance(actual, tuple) or len(actual) < 2 or not isinstance(actual[1], int):
        return None
    found.hint = (
        f"each element of the dataset holds {actual[1]} samples at once: make one sample per element, "
        "tf.data.Dataset.from_tensor_slices((x, y)) instead of from_tensors((x, y)), then .batch(32)"
    )
    return found


def _generator_of_samples(found: Diagnosis, declared: Any, actual: Any, context: ExplainContext) -> Diagnosis | None:
    """A Python generator that yields single samples: Keras takes each one for a batch.

    A (32, 32, 3) image reads as 32 rows of (32, 3), one rank short of the model (tf_keras knows only
    the rank). The facts are the arrays the suspended generator holds: one of them is a whole sample.
    """
    generator = context.inputs
    if found.kind != "missing-axis" or not inspect.isgenerator(generator) or not isinstance(declared, Spec):
        return None
    if declared.rank is None or not isinstance(actual, tuple) or len(actual) != declared.rank - 1:
        return None
    per_sample = Spec(declared.dims[1:])
    frame = generator.gi_frame
    held = [context.shape_of(value) for value in (frame.f_locals.values() if frame is not None else ())]
    # Keras 3 shows the element as it read it: a sample's first axis taken for the batch
    read_as_batch = any(isinstance(dim, int) for dim in actual[1:]) and tuple(actual[1:]) == tuple(declared.dims[2:])
    if not read_as_batch and not any(isinstance(shape, tuple) and per_sample.match(shape, {}) for shape in held):
        if all(dim is None for dim in actual):  # tf_keras knows only the rank: samples, or batches short of an axis
            return _generator_rank(declared, actual, context)
        return None
    return Diagnosis(
        "missing-batch-axis",
        f"input of {model_label(context.model)}{_called(context)}: the generator yields single samples "
        f"{format_dims(declared.dims[1:])}, the model wants batches {format_dims(declared.dims)}",
        hint="yield batches from the generator (np.stack a list of samples, or x[None, ...] for batches of one), "
        "or batch it: tf.data.Dataset.from_generator(gen, output_signature=...).batch(32)",
        expected=format_dims(declared.dims),
        actual=format_shape(actual),
        axis=0,
    )


def _generator_rank(declared: Spec, actual: tuple[Any, ...], context: ExplainContext) -> Diagnosis:
    shown = format_dims(declared.dims)
    return Diagnosis(
        "rank-mismatch",
        f"input of {model_label(context.model)}{_called(context)}: the generator's elements have rank {len(actual)}, "
        f"the model wants batches {shown}",
        hint="single samples? yield batches (np.stack a list of samples), or batch it: "
        "tf.data.Dataset.from_generator(gen, output_signature=...).batch(32); batches whose samples lack an "
        "axis (a channel)? add it where the generator makes them: x[..., None]",
        expected=shown,
        actual=f"rank {len(actual)}",
    )


def _fixed_batch(found: Diagnosis, context: ExplainContext) -> Diagnosis | None:
    """A model whose Input fixes the batch size, given arrays to fit/evaluate/predict: Keras batches them.

    Axis 0 of the arrays is the sample count, not the batch: the batches are what meet the fixed size.
    """
    fixed = declared_batch(context)
    if found.kind != "size-mismatch" or found.axis != 0 or fixed is None:
        return None
    if context.entry not in BATCHED_METHODS or context.dataset is not None:
        return None
    size = context.batch_size or KERAS_DEFAULT_BATCH
    if size != fixed:  # the model works at that one batch size only
        return Diagnosis(
            "batch-dependent",
            f"input of {model_label(context.model)}.{context.entry}(): the model's Input fixes the batch size "
            f"{fixed}, but {context.entry}() makes batches of {size}",
            hint=f"pass batch_size={fixed} to {context.entry}(), or build the model without a fixed batch size",
            expected=f"batch {fixed}",
            actual=f"batch {size}",
            axis=0,
        )
    found_batches = batches(context)
    return hard_coded("the model", found_batches, context) if found_batches is not None else None


def _samples_first(actual: Any, context: ExplainContext) -> bool:
    """Whether the labels (given to fit, or named so beside x in a loop) count as many samples as axis 0 holds."""
    labels = context.labels_shape or context.local_labels_shape
    return isinstance(actual, tuple) and bool(actual) and labels is not None and bool(labels) and labels[0] == actual[0]


def _batch_size_in_input(found: Diagnosis, declared: Any, actual: Any, context: ExplainContext) -> Diagnosis | None:
    """`Input(shape=(32, 10))` for batches of 32 samples of 10: the batch size went into the per-sample shape."""
    if found.kind != "missing-axis" or found.axis != 1 or not isinstance(declared, Spec) or not declared.dims:
        return None
    if context.dataset is not None or not isinstance(actual, tuple) or not actual or not isinstance(actual[0], int):
        return None  # arrays: a dataset's batches (frames for a model of clips) lack an axis instead
    size = declared.dims[1] if len(declared.dims) > 2 else None
    if not isinstance(size, int) or size < 2 or size not in {*batch_sizes(context), context.batch_size}:
        return None
    if not isinstance(actual, tuple) or tuple(declared.dims[2:]) != tuple(actual[1:]):
        return None
    per_sample = format_dims(declared.dims[2:])
    return Diagnosis(
        "extra-axis",
        f"the model's input {format_dims(declared.dims)} includes the batch size {size}: the data "
        f"{format_shape(actual)} has samples {format_shape(actual[1:])}, which Keras batches itself",
        hint=f"declare one sample's shape: keras.Input(shape={per_sample}) (the batch axis is added, and "
        "batch_size= is given to fit/predict)",
        expected=format_dims(declared.dims),
        actual=format_shape(actual),
        axis=1,
    )


def _dataset_size_in_input(found: Diagnosis, context: ExplainContext) -> Diagnosis | None:
    """`Input(shape=(1000, 20))` for a (1000, 20) dataset: the model, not the data, is wrong."""
    if found.kind != "missing-batch-axis" or context.entry not in DATA_METHODS:
        return None
    if context.dataset is not None or context.first_batch is not None:
        return None  # a dataset's element, or a PyDataset's batch, is never the whole dataset
    actual = context.input_shapes
    if not isinstance(actual, tuple) or len(actual) < 2 or not isinstance(actual[0], int):
        return None
    declared = parse_shape(found.expected or "")
    if declared is not None and len(declared) == len(actual) + 1 and declared[1] is None:
        # the size is not in the Input; the labels count the samples, and each lacks the axis the model has there
        return _samples_without_an_axis(found, actual, context) if _samples_first(actual, context) else None
    per_sample = format_shape(actual[1:])
    return Diagnosis(
        "extra-axis",
        f"the model's input {found.expected} includes the dataset size {actual[0]}: "
        f"{context.entry}() got data {format_shape(actual)}, which Keras splits into batches of samples {per_sample}",
        hint=f"declare one sample's shape: keras.Input(shape={per_sample})",
        expected=found.expected,
        actual=format_shape(actual),
        axis=1,
    )


def _samples_without_an_axis(found: Diagnosis, actual: tuple[Any, ...], context: ExplainContext) -> Diagnosis:
    """fit() on (6, 32, 32, 3) with 6 labels for a model of (None, None, 32, 32, 3): 6 samples, each one
    axis short (single frames for a model of frame sequences)."""
    fixed = (actual[0], 1, *actual[1:])
    return Diagnosis(
        "missing-axis",
        f"input of {model_label(context.model)}.{context.entry}(): expected {found.expected}, got "
        f"{format_shape(actual)}: {actual[0]} samples (as many as the labels), each without the model's axis 1",
        hint=f"give every sample that axis: x[:, None] or np.expand_dims(x, 1)  # {format_shape(actual)} -> "
        f"{format_shape(fixed)}",
        expected=found.expected,
        actual=format_shape(actual),
        axis=1,
    )


def _text_vectorized_to_another_length(found: Diagnosis, actual: Any, context: ExplainContext) -> Diagnosis | None:
    """Token ids of another length than the model's Input, made by a TextVectorization of the test that pads
    or cuts every text to its output_sequence_length."""
    if found.kind != "size-mismatch" or not isinstance(actual, tuple) or len(actual) != 2 or found.axis not in (1, -1):
        return None
    want = parse_shape(found.expected or "")
    tokens = want[-1] if want and isinstance(want[-1], int) else None
    if tokens is None:
        return None
    for layer in context.user_objects("TextVectorization"):
        length = getattr(layer, "output_sequence_length", None) or getattr(layer, "_output_sequence_length", None)
        if isinstance(length, int) and length == actual[1]:
            found.hint = (
                f"the TextVectorization '{layer.name}' pads or cuts every text to output_sequence_length={length}, "
                f"the model's Input takes {tokens} tokens: make them one length, "
                f"TextVectorization(output_sequence_length={tokens}) or keras.Input(shape=({length},))"
            )
            return found
    return None


def _py_dataset_of_samples(found: Diagnosis, context: ExplainContext) -> Diagnosis | None:
    """A keras.utils.PyDataset (Sequence) whose __getitem__ returns one sample where Keras wants a batch."""
    if found.kind != "missing-batch-axis" or context.first_batch is None:
        return None
    found.message = f"{found.message}: the {type(context.inputs).__name__}'s __getitem__ returns one sample"
    found.hint = (
        "return a whole batch from __getitem__: np.stack the batch's samples (and their labels), "
        "or x[None, ...] for batches of one"
    )
    return found
