"""Losses and metrics: predictions vs labels.

The usual root causes: integer labels with `categorical_crossentropy`,
one-hot labels with `sparse_categorical_crossentropy`, a classifier head that
kept its spatial axes (no Flatten), or a head with the wrong number of units.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.explainers.messages import SHAPE_PATTERN, Message, parse_shape
from pytest_shapes.explainers.table import Builder, row
from pytest_shapes.spec import format_shape

S = SHAPE_PATTERN
LOSS_NAMES = "loss|metric|mean_squared|mean_absolute|crossentropy|hinge|huber|kl_divergence|poisson|cosine|log_cosh"
# graph nodes name their operands: the labels come from the input pipeline
_LABEL_OPERAND = re.compile(r"IteratorGetNext|^data|y_true|labels?\b")


def _pair(order: str, sparse: bool | None) -> Builder:
    """A builder for a message that shows both shapes: `order` "lp" is labels first, "pl" predictions first."""

    def build(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
        first, second = parse_shape(match.group(1)), parse_shape(match.group(2))
        labels, predictions = (first, second) if order == "lp" else (second, first)
        return explain_targets(labels, predictions, sparse)

    return build


def _loss_node(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    # Sub(labels, predictions) in Keras 3, SquaredDifference(predictions, labels) in Keras 2
    first, second = parse_shape(match.group(3)), parse_shape(match.group(4))
    labels_first = not _LABEL_OPERAND.search(match.group(2))  # the second operand is the labels: "pl"
    labels, predictions = (first, second) if labels_first else (second, first)
    return explain_targets(labels, predictions, None)


def _cardinality(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    return Diagnosis(
        "target-mismatch",
        f"x and y have different numbers of samples: x {match.group(1).strip()}, y {match.group(2).strip()}",
        hint="slice x and y the same way (same train/test split indices)",
        expected=match.group(1).strip(),
        actual=match.group(2).strip(),
    )


ROWS = (
    # Keras 3
    row(
        rf"Arguments `target` and `output` must have the same (?:rank|shape)[^.]*\. Received: target\.shape=({S}), output\.shape=({S})",
        _pair("lp", False),
    ),
    row(
        rf"Argument `output` must have rank \(ndim\) `target\.ndim - 1`\. Received: target\.shape=({S}), output\.shape=({S})",
        _pair("lp", True),
    ),
    row(
        rf"`labels\.shape` must equal `logits\.shape` except for the last dimension\. Received: labels\.shape=({S}) and logits\.shape=({S})",
        _pair("lp", True),
    ),
    row(
        rf"`labels\.shape\.rank` must equal `logits\.shape\.rank - 1`\. Received: labels\.shape=({S}) of rank \d+ and logits\.shape=({S})",
        _pair("lp", True),
    ),
    # legacy Keras 2 / TensorFlow
    row(rf"Shapes ({S}) and ({S}) are incompatible", _pair("lp", None)),
    row(
        rf"logits and labels must have the same first dimension, got logits shape ({S}) and labels shape ({S})",
        _pair("pl", True),
    ),
    row(rf"logits and labels must be broadcastable: logits_size=({S}) labels_size=({S})", _pair("pl", False)),
    row(rf"`logits` and `labels` must have the same shape, received \(({S}) vs ({S})\)", _pair("pl", False)),
    # a loss or metric node in a graph: Keras 3 Sub(labels, predictions), Keras 2 SquaredDifference(predictions, labels)
    row(
        rf"Dimensions must be equal, but are \d+ and \d+ for '{{{{node [^']*(?:{LOSS_NAMES})[^']*}}}}.*?\((\S+), (\S+)\)' with input shapes: ({S}), ({S})",
        _loss_node,
        re.S,
    ),
    row(r"Data cardinality is ambiguous.*?'?x'? sizes: ([\d, ]+).*?'?y'? sizes: ([\d, ]+)", _cardinality, re.S),
)


def refine(symptom: Diagnosis, message: Message, context: Any) -> Diagnosis:
    symptom.layer = _output_layer(context.model)
    return symptom


def explain_targets(labels: tuple[Any, ...], predictions: tuple[Any, ...], sparse: bool | None) -> Diagnosis:
    shown = f"labels {format_shape(labels)} vs predictions {format_shape(predictions)}"
    kind = "target-mismatch"
    if len(predictions) >= 3 and len(predictions) > len(labels):
        kind = "rank-mismatch"
        hint = (
            "the classifier head kept its spatial axes: add layers.Flatten() or "
            "layers.GlobalAveragePooling2D() before the final Dense layer"
        )
        detail = f"the model outputs rank {len(predictions)} per batch, the labels are rank {len(labels)}"
    elif sparse is True and _flattened_spatial(labels, predictions):
        kind = "rank-mismatch"
        hint = (
            "the classifier head kept its spatial axes (the loss flattened them into the batch): add layers.Flatten() "
            "or layers.GlobalAveragePooling2D() before the final Dense layer"
        )
        detail = f"{predictions[0]} predictions for {labels[0]} labels"
    elif _is_class_ids(labels, predictions) and sparse is not True:
        classes = predictions[-1]
        hint = (
            "the labels are integer class ids: use loss='sparse_categorical_crossentropy', "
            f"or one-hot them: y = keras.utils.to_categorical(y, {classes})"
        )
        detail = "integer class ids given to a loss that expects one-hot labels"
    elif (
        sparse is True
        and len(labels) == len(predictions)
        and labels[-1] == predictions[-1]
        and labels[-1] not in (1, None)
    ):
        hint = "the labels are one-hot: use loss='categorical_crossentropy', or pass class ids: y = y.argmax(axis=-1)"
        detail = "one-hot labels given to a sparse loss that expects class ids"
    elif (
        sparse is True
        and len(labels) == 1
        and len(predictions) == 2
        and labels[0] is not None
        and predictions[0] is not None
        and labels[0] == predictions[0] * predictions[1]
    ):
        hint = "the labels are one-hot (flattened): use loss='categorical_crossentropy', or pass class ids: y = y.argmax(axis=-1)"
        detail = "one-hot labels given to a sparse loss that expects class ids"
    elif labels and predictions and labels[0] not in (None, predictions[0]) and predictions[0] is not None:
        hint = f"labels and inputs must have the same number of samples ({labels[0]} vs {predictions[0]}): check the split/slicing of x and y"
        detail = "different numbers of samples"
    else:
        units = labels[-1] if labels else None
        hint = (
            f"the labels have {units} values per sample but the model outputs {predictions[-1] if predictions else '?'}: "
            f"make the last layer Dense({units}) (with the loss that fits the labels), or fix the label encoding"
        )
        detail = "the model's output does not match the labels"
    return Diagnosis(
        kind,
        f"loss/metric: {shown} ({detail})",
        hint=hint,
        expected=format_shape(predictions),
        actual=format_shape(labels),
    )


def _flattened_spatial(labels: tuple[Any, ...], predictions: tuple[Any, ...]) -> bool:
    """Keras 2 sparse losses flatten (N, H, W, C) predictions to (N*H*W, C)."""
    if len(labels) != 1 or not predictions or not isinstance(labels[0], int) or not isinstance(predictions[0], int):
        return False
    return predictions[0] > labels[0] > 0 and predictions[0] % labels[0] == 0


def _is_class_ids(labels: tuple[Any, ...], predictions: tuple[Any, ...]) -> bool:
    """(N,) or (N, 1) labels against (N, C) predictions with C > 1."""
    if len(predictions) != 2 or predictions[-1] in (1, None):
        return False
    return len(labels) == 1 or (len(labels) == 2 and labels[-1] == 1)


def _output_layer(model: Any) -> str | None:
    layers = getattr(model, "layers", None) if model is not None else None
    return getattr(layers[-1], "name", None) if layers else None
