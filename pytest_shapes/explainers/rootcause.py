"""From symptom to root cause.

An explainer reads a *symptom* from the error message (a layer got rank 3
where it wanted 4). The root cause is often upstream: the data given to the
model does not fit the model's declared input. When the model and its input
are within reach, compare those first; either way add the layer trace.
"""

from __future__ import annotations

from typing import Any

from pytest_shapes.classify import find_mismatch, wrong_order_hint
from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.explainers.context import ExplainContext, is_keras_model
from pytest_shapes.spec import Spec, format_dims, format_shape
from pytest_shapes.trace import attach_trace

# methods that take a whole dataset: a "missing batch axis" there is a model built for one sample
_DATASET_METHODS = ("fit", "evaluate", "train_on_batch", "test_on_batch")


def model_label(model: Any) -> str:
    name = getattr(model, "name", None)
    return f"{type(model).__name__} '{name}'" if isinstance(name, str) else type(model).__name__


def root_cause(symptom: Diagnosis | None, context: ExplainContext) -> Diagnosis | None:
    """The diagnosis to report: the input-vs-model mismatch when there is one, else the symptom."""
    model = context.model
    actual = context.input_shapes
    diagnosis = symptom
    if model is not None and actual is not None:
        declared = context.expected_input
        if declared is not None:
            method = f".{context.entry}()" if context.entry and context.entry not in ("__call__", "call") else ""
            found = find_mismatch(declared, actual, f"input{{path}} of {model_label(model)}{method}")
            if found is not None:
                diagnosis = _dataset_size_in_input(found, context) or found
                diagnosis.hint = wrong_order_hint(declared, actual) or diagnosis.hint
            elif symptom is not None and symptom.kind in _DOWNSTREAM_KINDS:
                diagnosis = _variable_length_data(declared, actual, context, model) or symptom
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


def _variable_length_data(declared: Any, actual: Any, context: ExplainContext, model: Any) -> Diagnosis | None:
    """A dataset whose elements vary in length (None) on an axis the model fixes: each batch has its own length.

    `padded_batch` pads to the longest element of each batch, `TextVectorization` without
    `output_sequence_length` to the longest text: the model then gets 7 steps where it was built for 10.
    """
    if not isinstance(declared, Spec) or declared.rank is None or not isinstance(actual, tuple):
        return None
    if len(actual) != declared.rank or not hasattr(context.inputs, "element_spec"):
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


def _dataset_size_in_input(found: Diagnosis, context: ExplainContext) -> Diagnosis | None:
    """`Input(shape=(1000, 20))` for a (1000, 20) dataset: the model, not the data, is wrong."""
    if found.kind != "missing-batch-axis" or context.entry not in _DATASET_METHODS:
        return None
    actual = context.input_shapes
    if not isinstance(actual, tuple) or len(actual) < 2:
        return None
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
