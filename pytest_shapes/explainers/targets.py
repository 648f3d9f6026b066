"""Losses and metrics: predictions vs labels.

The usual root causes: integer labels with `categorical_crossentropy`,
one-hot labels with `sparse_categorical_crossentropy`, a classifier head that
kept its spatial axes (no Flatten), or a head with the wrong number of units.
"""

from __future__ import annotations

import math
import re
from typing import Any

from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.explainers.batches import batches, hard_coded
from pytest_shapes.explainers.messages import SHAPE_PATTERN, Message, parse_shape
from pytest_shapes.explainers.table import Builder, row
from pytest_shapes.spec import format_shape

S = SHAPE_PATTERN
LOSS_NAMES = "loss|metric|mean_squared|mean_absolute|crossentropy|hinge|huber|kl_divergence|poisson|cosine|log_cosh"
# graph nodes name their operands: the labels come from the input pipeline
_LABEL_OPERAND = re.compile(r"IteratorGetNext|^data|y_true|labels?\b")


def _pair(order: str, sparse: bool | None) -> Builder:
    """A builder for a message that shows both shapes: `order` "lp" is labels first, "pl" predictions first."""

    def build(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
        first, second = parse_shape(match.group(1)), parse_shape(match.group(2))
        labels, predictions = (first, second) if order == "lp" else (second, first)
        return explain_targets(labels, predictions, sparse, context.model)

    return build


# tf_keras' confusion and relative-error metrics check y_pred against y_true; its losses, the other way round
_PREDICTIONS_CHECKED_FIRST = re.compile(r"confusion_matrix_variables|regression_metrics")


def _incompatible_pair(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    predictions_first = "y_pred.shape.assert_is_compatible_with(y_true" in message.text or context.raised_in(
        _PREDICTIONS_CHECKED_FIRST
    )
    return _pair("pl" if predictions_first else "lp", None)(match, message, context)


_LOSS_CODE = re.compile(rf"(?i)losses?\.py|metrics?|{LOSS_NAMES}")


def _in_a_loss(build: Builder) -> Builder:
    """`build`, for a message raised inside a loss or metric (its text or its traceback says so)."""

    def in_a_loss(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
        if _LOSS_CODE.search(message.text) or context.raised_in(_LOSS_CODE):
            return (
                _class_ids_for_a_confusion_metric(message, context)
                or _class_scores_for_iou(match, message, context)
                or build(match, message, context)
            )
        return None

    return in_a_loss


_IOU_METRIC = re.compile(r"iou_metrics")


def _class_scores_for_iou(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """Labels and predictions that meet in an IoU metric (MeanIoU, IoU ...) with different sizes.

    The metric flattens both before its confusion matrix, so the operands are (n,) and (m,),
    whatever the labels' and the model's shapes were. It takes class ids for both: m = n * C,
    with C the model's last axis, is class scores given as predictions.
    """
    if not (_IOU_METRIC.search(message.text) or context.raised_in(_IOU_METRIC)):
        return None
    first, second = parse_shape(match.group(1)), parse_shape(match.group(2))
    sizes = sorted(math.prod(shape) for shape in (first, second) if None not in shape)
    if len(sizes) != 2 or sizes[0] == sizes[1]:
        return None
    output = _output_shape(context.model)
    if output is None or output[-1] in (None, 1) or sizes[1] != sizes[0] * output[-1]:
        return Diagnosis(
            "target-mismatch",
            f"metric: the labels and the predictions reach an IoU metric with {sizes[0]} and {sizes[1]} entries; "
            "it compares one class id with one class id",
            hint="give the metric class ids for both, or say which are not: class scores as predictions -> "
            "sparse_y_pred=False, one-hot labels -> sparse_y_true=False (or OneHotMeanIoU)",
            expected=format_shape(first),
            actual=format_shape(second),
        )
    classes, labels = output[-1], context.labels_shape
    given = f"labels {format_shape(labels)}" if labels is not None else "the labels"
    return Diagnosis(
        "target-mismatch",
        f"metric: an IoU metric compares class ids, but the predictions {format_shape(output)} are {classes} "
        f"class scores per position against {given} of one class id each",
        hint=f"let the metric take the argmax of the scores: keras.metrics.MeanIoU(num_classes={classes}, "
        "sparse_y_pred=False) (for one-hot labels too: sparse_y_true=False, or OneHotMeanIoU)",
        expected=format_shape((*output[:-1], 1)) if labels is None else format_shape(labels),
        actual=format_shape(output),
    )


_CONFUSION_METRIC = re.compile(r"confusion_metrics|confusion_matrix_variables")


def _class_ids_for_a_confusion_metric(
    message: Message, context: Any, flattened: tuple[Any, ...] = ()
) -> Diagnosis | None:
    """Class ids given to Precision, Recall, AUC ...: they compare labels with predictions element-wise.

    Whatever shapes the metric reshaped them to on the way ((1, 80) against (1, 8)), the facts are
    the labels given to fit/evaluate and the model's output. Where Keras filtered the metric's frames
    out of the traceback, the `flattened` operands say it: one label per sample against one score
    per sample and class.
    """
    labels, output = context.labels_shape, _output_shape(context.model)
    if labels is None or output is None or not _are_class_ids((None, *labels[1:]), output):
        return None
    in_metric = _CONFUSION_METRIC.search(message.text) or context.raised_in(_CONFUSION_METRIC)
    if not in_metric and sorted(flattened) != sorted([(1, math.prod(labels)), (1, math.prod(labels) * output[-1])]):
        return None
    classes = output[-1]
    return Diagnosis(
        "target-mismatch",
        f"metric: labels {format_shape(labels)} are class ids, the predictions {format_shape(output)} class scores; "
        "a confusion metric (Precision, Recall, AUC ...) compares them element-wise",
        hint=f"give such a metric one-hot labels: y = keras.utils.to_categorical(y, {classes}) with "
        "loss='categorical_crossentropy' (Precision(class_id=k) for one class's precision); or keep the class ids "
        "and use a metric made for them: metrics=['sparse_categorical_accuracy']",
        expected=format_shape(output),
        actual=format_shape(labels),
    )


def _multi_label_count(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    """tf_keras' AUC(multi_label=True) checks the labels (N, L) against its state (thresholds, L), which
    num_labels= or the first predictions it saw sized."""
    return multi_label_count(parse_shape(match.group(1)), (int(match.group(2)), int(match.group(3))), context)


def _state_of_a_multi_label_metric(first: tuple[Any, ...], second: tuple[Any, ...], context: Any) -> Diagnosis | None:
    """Keras 3's AUC(multi_label=True) adds each update's (thresholds, labels) counts to its state: a state
    sized for another label count meets them (its num_labels, or the first update's predictions)."""
    if not context.raised_in(_CONFUSION_METRIC):
        return None
    metric = context.local_of("update_state", "self")
    thresholds = getattr(metric, "num_thresholds", None)
    if not getattr(metric, "multi_label", False) or not isinstance(thresholds, int):
        return None
    if len(first) != 2 or len(second) != 2 or first[0] != thresholds or second[0] != thresholds:
        return None
    labels, _ = context.metric_arguments or (None, None)
    counts = {first[1], second[1]}
    if not labels or labels[-1] not in counts or len(counts) != 2:
        return None
    state = first if first[1] != labels[-1] else second
    return multi_label_count(labels, state, context)


def multi_label_count(labels: tuple[Any, ...], state: tuple[Any, ...], context: Any) -> Diagnosis:
    _, predictions = context.metric_arguments or (None, None)
    if predictions and predictions[-1] == labels[-1]:  # labels and predictions agree: the metric was sized wrong
        hint = (
            f"the labels and predictions have {labels[-1]} labels each: build the metric for them, "
            f"AUC(multi_label=True, num_labels={labels[-1]}), or leave num_labels out (the first update sizes it)"
        )
    else:
        hint = (
            f"give the metric labels of {state[1]} columns, like the predictions it was sized for, or build it "
            f"for {labels[-1]}: AUC(multi_label=True, num_labels={labels[-1]}) with a last layer of {labels[-1]} units"
        )
    return Diagnosis(
        "target-mismatch",
        f"metric: AUC(multi_label=True) got labels {format_shape(labels)} with {labels[-1]} labels per sample, "
        f"but it counts {state[1]} (its state is {format_shape(state)})",
        hint=hint,
        expected=f"(..., {state[1]})",
        actual=format_shape(labels),
        axis=-1,
    )


def _thresholded_metric(labels_first: bool) -> Builder:
    """AUC (and Keras' other thresholded confusion metrics) sum the flattened labels per prediction
    bucket: labels and predictions with different numbers of values meet there."""

    def build(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
        if not (_CONFUSION_METRIC.search(message.text) or context.raised_in(_CONFUSION_METRIC)):
            return None
        found = _class_ids_for_a_confusion_metric(message, context)
        if found is not None:
            return found
        first, second = int(match.group(1)), int(match.group(2))
        labels, predictions = (first, second) if labels_first else (second, first)
        given, output = context.labels_shape, _output_shape(context.model)
        if given is None or output is None:
            given, output = context.metric_arguments or (None, None)
        facts = (
            f"labels {format_shape(given)} against predictions {format_shape(output)}"
            if given is not None and output is not None
            else f"{labels} label values against {predictions} predictions"
        )
        if labels > predictions and labels % predictions == 0:
            per = labels // predictions
            hint = (
                f"{per} labels per score (one-hot or multi-label): give the metric one 0/1 label per score "
                f"(y[:, k] for class k), or make the last layer Dense({per}, activation='sigmoid') with "
                "AUC(multi_label=True) for one per class"
            )
        elif predictions > labels and predictions % labels == 0:
            per = predictions // labels
            hint = (
                f"{per} scores per label (class scores against class ids): one-hot the labels, "
                f"keras.utils.to_categorical(y, {per}), or give the metric one score per label"
            )
        else:
            hint = "give the metric labels and predictions of the same shape, one label per score"
        return Diagnosis(
            "target-mismatch",
            f"metric: a thresholded metric (AUC, PrecisionAtRecall ...) pairs each label with one prediction, "
            f"but it got {facts}",
            hint=hint,
            expected=f"{predictions} labels",
            actual=f"{labels} labels",
        )

    return build


def _in_a_confusion_metric(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    flattened = (parse_shape(match.group(1)), parse_shape(match.group(2)))
    return _class_ids_for_a_confusion_metric(message, context, flattened)  # else the rows for any graph node


def _loss_node(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    # Sub(labels, predictions) in Keras 3, SquaredDifference(predictions, labels) in Keras 2
    first, second = parse_shape(match.group(3)), parse_shape(match.group(4))
    odd = _weights_misfit(first, second, context) or _neither_labels_nor_predictions(
        first, second, _output_shape(context.model), context.labels_shape
    )
    if odd is not None:  # a product with the loss's own weights, not labels against predictions
        return odd
    labels_first = not _LABEL_OPERAND.search(match.group(2))  # the second operand is the labels: "pl"
    labels, predictions = (first, second) if labels_first else (second, first)
    return explain_targets(labels, predictions, None, context.model)


def _unordered(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """Two shapes in a loss, in an order that depends on the loss and the Keras version."""
    return _labels_against_predictions(parse_shape(match.group(1)), parse_shape(match.group(2)), context)


def _labels_against_predictions(first: tuple[Any, ...], second: tuple[Any, ...], context: Any) -> Diagnosis | None:
    """Two operands of a loss, in no known order: the one shaped like the model's output is the predictions."""
    output = _output_shape(context.model)
    odd = (
        _state_of_a_multi_label_metric(first, second, context)
        or _weights_misfit(first, second, context)
        or _neither_labels_nor_predictions(first, second, output, context.labels_shape)
    )
    if odd is not None:
        return odd
    if output is not None:  # the predictions are the one shaped like the model's output: by rank, then by sizes
        for key in (len, lambda shape: tuple(shape[1:])):
            for labels, predictions in ((first, second), (second, first)):
                if key(predictions) == key(output) != key(labels):
                    return explain_targets(labels, predictions, None, context.model)
    if first == second:
        return None
    found = batches(context)
    if found is not None and first and second and {first[0], second[0]} == {found.size, found.last}:
        shown = f"{format_shape(first)} and {format_shape(second)}"
        return hard_coded(f"the loss got {shown}: the model", found, context)
    return Diagnosis(
        "target-mismatch",
        f"loss/metric: the labels and the predictions have shapes {format_shape(first)} and {format_shape(second)}",
        hint="give the labels the shape of the model's output: check the last layer's units and the label encoding",
        expected=format_shape(first),
        actual=format_shape(second),
    )


def _weights_misfit(first: tuple[Any, ...], second: tuple[Any, ...], context: Any) -> Diagnosis | None:
    """The loss times the weights fit() was given: sample_weight, or the per-sample weights of class_weight."""
    weights = context.argument("sample_weight")
    shape = context.shape_of(weights) if weights is not None else None
    for weighted, loss in ((second, first), (first, second)):
        if not weighted or not loss or len(weighted) == len(loss) == 1:
            continue
        if isinstance(shape, tuple) and len(shape) >= 2 and tuple(weighted[1:]) in (shape[1:], (*shape[1:], 1)):
            given, rank = f"sample_weight {format_shape(shape)} reaches", len(shape)
            hint = (
                f"give sample_weight one weight per sample ({shape[0]},), or one per loss element, the loss's shape "
                f"{format_shape((shape[0], *loss[1:]))}: e.g. weights.reshape({', '.join(map(str, (shape[0], *loss[1:])))})"
            )
        elif isinstance(context.argument("class_weight"), dict) and len(weighted) == 1 and len(loss) >= 2:
            given, rank = "class_weight's per-sample weights reach", 1
            hint = (
                "class_weight gives one weight per sample, for one label per sample; for labels per step or pixel "
                f"pass sample_weight of the loss's shape {format_shape(loss)} instead, e.g. "
                "np.vectorize(class_weight.get)(y)"
            )
        else:
            continue
        if None in loss[1:]:
            continue
        return Diagnosis(
            "rank-mismatch" if rank != len(loss) else "size-mismatch",  # Keras may have expanded the weights' rank
            f"loss: {given} the loss as {format_shape(weighted)}, but the loss has the shape {format_shape(loss)}",
            hint=hint,
            expected=format_shape(loss),
            actual=format_shape(weighted),
        )
    return None


def in_the_loss(a: tuple[Any, ...], b: tuple[Any, ...], scope: str, context: Any) -> Diagnosis | None:
    """An element-wise op in a graph scope named after the model's own loss function (a user loss)."""
    loss = getattr(context.model, "loss", None)
    name = getattr(loss, "__name__", None)
    # TensorFlow's name scopes drop a leading underscore and number repeats: _weighted_mse -> weighted_mse_1
    if not isinstance(name, str) or not re.fullmatch(rf"{re.escape(name.lstrip('_'))}(_\d+)?", scope.split("/")[0]):
        return None
    return _labels_against_predictions(a, b, context)


def _neither_labels_nor_predictions(
    first: tuple[Any, ...], second: tuple[Any, ...], output: tuple[Any, ...] | None, labels: tuple[Any, ...] | None
) -> Diagnosis | None:
    """An element-wise op in a loss where one operand is neither the labels nor the predictions (class weights)."""
    if output is None or labels is None:
        return None
    known = {tuple(output[1:]), tuple(labels[1:])}
    for odd, other in ((first, second), (second, first)):
        if tuple(odd[1:]) not in known and tuple(other[1:]) in known and len(odd) < len(other):
            shown = f"{format_shape(odd)} and {format_shape(other)}"
            entries = f"; a per-class weight vector needs {other[-1]} entries" if len(odd) == 1 else ""
            return Diagnosis(
                "broadcast-incompatible",
                f"loss/metric: an element-wise op on {shown}; {format_shape(odd)} is neither the labels nor the "
                "predictions",
                hint=f"a tensor the loss builds itself (weights, a mask) must broadcast with {format_shape(other)}"
                f"{entries}",
                expected=format_shape(other),
                actual=format_shape(odd),
                axis=-1,
            )
    return None


def _unbatched_inputs(sizes: list[int], context: Any) -> Diagnosis | None:
    """Several inputs whose "numbers of samples" are the model's per-sample sizes: each is one unbatched sample."""
    declared = context.expected_input
    items = getattr(declared, "items", None)
    if items is None or len(sizes) < 2:
        return None
    specs = list(items.values()) if isinstance(items, dict) else list(items)
    leading = [spec.dims[1] if len(getattr(spec, "dims", ())) > 1 else None for spec in specs]
    if len(leading) != len(sizes) or leading != sizes:
        return None
    return Diagnosis(
        "missing-batch-axis",
        f"each of the model's {len(sizes)} inputs got one sample without its batch axis: Keras read the sizes "
        f"{', '.join(map(str, sizes))} as numbers of samples",
        hint="add a batch axis to every input: [x[None, ...] for x in inputs] (or np.expand_dims(x, 0) each)",
        expected=", ".join(f"(None, {size}, ...)" for size in sizes),
        actual=", ".join(f"({size}, ...)" for size in sizes),
    )


def _inputs_disagree(match: re.Match[str]) -> Diagnosis:
    return Diagnosis(
        "size-mismatch",
        f"the inputs have different numbers of samples: x {match.group(1).strip()}",
        hint="give every input array the same number of samples (slice them with the same indices)",
        expected="one number of samples",
        actual=match.group(1).strip(),
    )


def _output_shape(model: Any) -> tuple[Any, ...] | None:
    try:
        shape = model.outputs[0].shape if model is not None else None
    except (AttributeError, IndexError, TypeError, ValueError):
        return None
    if shape is None:
        return None
    return tuple(shape.as_list()) if hasattr(shape, "as_list") else tuple(shape)


def _cardinality(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    sizes = [int(size) for size in match.group(1).replace(",", " ").split()]
    unbatched = _unbatched_inputs(sizes, context)
    if unbatched is not None:
        return unbatched
    if match.group(2) is None:
        return None if len(set(sizes)) < 2 else _inputs_disagree(match)
    x_sizes = set(sizes)
    if len(x_sizes) > 1:
        return _inputs_disagree(match)
    y_sizes = {int(size) for size in match.group(2).replace(",", " ").split()}
    weights = re.search(r"'?sample_weight'? sizes: ([\d, ]+)", match.string)
    if weights is not None and y_sizes == x_sizes:
        # x and y agree: the weights are what differs
        return Diagnosis(
            "size-mismatch",
            f"sample_weight has {weights.group(1).strip()} entries for {sizes[0]} samples",
            hint="compute the weights from the same split as x and y (one weight per sample), "
            "e.g. after the train/test split: sample_weight=w[train_indices]",
            expected=f"{sizes[0]} weights",
            actual=weights.group(1).strip(),
            axis=0,
        )
    x = context.input_shapes
    if len(y_sizes) == 1 and isinstance(x, tuple) and x:
        from_data = _samples_elsewhere(x, y_sizes.pop())
        if from_data is not None:
            return from_data
    return Diagnosis(
        "target-mismatch",
        f"x and y have different numbers of samples: x {match.group(1).strip()}, y {match.group(2).strip()}",
        hint="slice x and y the same way (same train/test split indices)",
        expected=match.group(1).strip(),
        actual=match.group(2).strip(),
    )


def _samples_elsewhere(x: tuple[Any, ...], labels: int) -> Diagnosis | None:
    """x's sample count is not on axis 0: one sample without its batch axis, or the samples on axis 1."""
    shown = format_shape(x)
    if len(x) == 1 and labels == 1:
        return Diagnosis(
            "missing-batch-axis",
            f"x {shown} is one sample without its batch axis: Keras counts {x[0]} samples against 1 label",
            hint=f"add the batch axis: x[None, ...]  # {shown} -> {format_shape((1, *x))}",
            expected=f"(1, {x[0]})",
            actual=shown,
            axis=0,
        )
    if len(x) >= 2 and x[0] != labels and x[1] == labels:
        order = (1, 0, *range(2, len(x)))
        fixed = format_shape(tuple(x[i] for i in order))
        return Diagnosis(
            "axis-order",
            f"x {shown} has the {labels} samples of y on axis 1, not axis 0 (time-major or transposed data)",
            hint=f"put the samples first: np.transpose(x, {order})  # {shown} -> {fixed}",
            expected=f"({labels}, ...)",
            actual=shown,
            axis=0,
        )
    return None


def _metric_wants_2d(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """F1Score/FBetaScore (and kin) take (batch, classes) labels and predictions."""
    metric, predictions, labels = match.group(1), parse_shape(match.group(2)), parse_shape(match.group(3))
    if not re.fullmatch(r"F\w*Score", metric) or len(predictions) != 2 or len(labels) != 1:
        return None  # R2Score is a regression metric; two rank-1 tensors lack the output axis, not labels
    classes = predictions[-1] if isinstance(predictions[-1], int) else None
    shown = f"labels {format_shape(labels)} vs predictions {format_shape(predictions)}"
    return _per_class_metric(f"{metric}: {shown}: a per-class metric needs (batch, classes) for both", classes, labels)


def _metric_state(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """A metric's per-class variable met an update of another size (tf_keras F1Score.update_state)."""
    if not (_LOSS_CODE.search(message.text) or context.raised_in(_LOSS_CODE)):
        return None
    state, update = int(match.group(1)), int(match.group(2))
    headline = (
        f"metric: its per-class state has {state} entries but an update has {update}: "
        "the labels or predictions lack the class axis"
    )
    return _per_class_metric(headline, state, None)


def _confusion_matrix(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """tf.math.confusion_matrix stacks labels and predictions: both must be class ids of one rank."""
    first, second = parse_shape(match.group(1)), parse_shape(match.group(2))
    one_hot, ids = (first, second) if len(first) == len(second) + 1 else (second, first)
    if len(one_hot) != len(ids) + 1 or one_hot[:-1] != ids:
        return None
    return Diagnosis(
        "target-mismatch",
        f"confusion_matrix: one operand is {format_shape(one_hot)} (one-hot or class scores), the other "
        f"{format_shape(ids)} class ids; it takes class ids for both",
        hint="turn the one-hot labels or the scores into class ids first: tf.argmax(y, axis=-1)",
        expected=format_shape(ids),
        actual=format_shape(one_hot),
    )


def _top_k_targets(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    # tf.math.in_top_k takes class ids: the labels reach it in the form the other metric wants
    return Diagnosis(
        "target-mismatch",
        "top-k accuracy: the targets reaching in_top_k are not one class id per sample",
        hint="match the metric to the labels: class ids (batch,) -> SparseTopKCategoricalAccuracy; "
        "one-hot (batch, classes) -> TopKCategoricalAccuracy",
        expected="(batch,) class ids",
    )


def _sparse_labels_rank(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    """TensorFlow's sparse cross-entropy kernel wants class ids (batch,); the message names only the labels."""
    labels = parse_shape(match.group(1))
    found = batches(context)
    if labels == () and found is not None and found.last == 1:
        return Diagnosis(
            "batch-dependent",
            f"loss: the labels reach the sparse cross-entropy as a scalar: {context.entry}() splits {found.samples} "
            f"samples into batches of {found.size}, and the last has 1, whose batch axis a squeeze without axis took",
            hint="name the axis to squeeze: tf.squeeze(y_true, axis=-1) (a batch of one sample keeps its batch axis)",
            expected="(batch,) class ids",
            actual="()",
            axis=0,
        )
    if len(labels) == 2 and labels[-1] == 1:
        hint, detail = "squeeze the trailing axis: tf.squeeze(y_true, axis=-1)", "class ids with a trailing axis"
    elif len(labels) == 2:
        hint = "the labels look one-hot: pass class ids, tf.argmax(y_true, axis=-1), or use a categorical loss"
        detail = "one-hot labels given to a sparse loss"
    else:
        hint, detail = "give the loss one class id per sample: labels of shape (batch,)", "labels of another rank"
    return Diagnosis(
        "target-mismatch",
        f"loss: a sparse cross-entropy wants class ids (batch,), the labels are {format_shape(labels)} ({detail})",
        hint=hint,
        expected="(batch,) class ids",
        actual=format_shape(labels),
    )


def _per_class_metric(headline: str, classes: int | None, labels: tuple[Any, ...] | None) -> Diagnosis:
    count = classes if classes is not None else "n_classes"
    return Diagnosis(
        "target-mismatch",
        headline,
        hint=f"one-hot the labels: y = keras.utils.to_categorical(y, {count}) (or tf.one_hot(y, {count}) in a "
        "dataset map), and give the metric class scores (batch, classes)",
        expected=f"(batch, {count})",
        actual=format_shape(labels) if labels is not None else None,
    )


ROWS = (
    row(
        rf"Number of labels is not consistent\.+\s+Specified by tensor shape=({S}) \S+ dimension 1\.\s+"
        r"Tensor shape=\((\d+), (\d+)\) \S+ dimension 1 must have size \d+",
        _multi_label_count,
    ),
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
        rf"Arguments `target` and `output` must have the same shape up until the last dimension: target\.shape=({S}), output\.shape=({S})",
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
    row(rf"Shapes ({S}) and ({S}) are incompatible", _in_a_loss(_incompatible_pair)),
    row(
        rf"logits and labels must have the same first dimension, got logits shape ({S}) and labels shape ({S})",
        _pair("pl", True),
    ),
    row(rf"logits and labels must be broadcastable: logits_size=({S}) labels_size=({S})", _pair("pl", False)),
    row(rf"`logits` and `labels` must have the same shape, received \(({S}) vs ({S})\)", _pair("pl", False)),
    # a confusion metric's element-wise op in a graph (LogicalAnd of flattened labels and predictions)
    row(
        rf"Dimensions must be equal, but are \d+ and \d+ for '\{{\{{node LogicalAnd\}}\}}[^']*' with input shapes: ({S}), ({S})",
        _in_a_confusion_metric,
    ),
    # a loss or metric node in a graph: Keras 3 Sub(labels, predictions), Keras 2 SquaredDifference(predictions, labels)
    row(
        rf"Dimensions must be equal, but are \d+ and \d+ for '{{{{node [^']*(?:{LOSS_NAMES})[^']*}}}}.*?\((\S+), (\S+)\)' with input shapes: ({S}), ({S})",
        _loss_node,
        re.S,
    ),
    # an element-wise op inside a loss or metric (graph node names say which): Sub, SquaredDifference, Mul ...
    row(rf"Incompatible shapes: ({S}) vs\. ({S})", _in_a_loss(_unordered)),
    row(
        rf"(\w+) expects 2D inputs with shape \(batch_size, output_dim\)\. Received input shapes: "
        rf"y_pred\.shape=({S}) and y_true\.shape=({S})",
        _metric_wants_2d,
    ),
    row(
        rf"Dimension 0 in both shapes must be equal, but are (\d+) and (\d+)\. Shapes are (?:{S}) and (?:{S})\. "
        r"for '\{\{node AssignAddVariableOp",
        _metric_state,
    ),
    row(
        rf"Shapes must be equal rank, but are \d+ and \d+\s+From merging shape \d+ with other shapes\. "
        rf"for '\{{\{{node [^']*confusion_matrix[^']*' with input shapes: ({S}), ({S})",
        _confusion_matrix,
    ),
    # segment sums of the labels by the predictions' threshold buckets: Keras 3's check, then TF's kernel
    row(
        r"Argument `segment_ids` and `data` should have same leading dimension\. Got \((\d+),\) v\.s\. \((\d+),\)",
        _thresholded_metric(labels_first=False),
    ),
    row(r"data\.shape = \[(\d+)\] does not start with segment_ids\.shape = \[(\d+)\]", _thresholded_metric(True)),
    # tf.math.confusion_matrix stacks the flattened labels and predictions (Keras 2 IoU metrics)
    row(
        rf"Shapes of all inputs must match: values\[0\]\.shape = ({S}) != values\[1\]\.shape = ({S})",
        _class_scores_for_iou,
    ),
    row(rf"labels must be 1-D, but got shape ({S})", _sparse_labels_rank),  # SparseSoftmaxCrossEntropyWithLogits
    row(r"targets must be 1-dimensional \[Op:InTopKV2\]", _top_k_targets),
    row(r"First dimension of predictions \d+ must match length of targets \d+ \[Op:InTopKV2\]", _top_k_targets),
    row(r"Data cardinality is ambiguous.*?'?x'? sizes: ([\d, ]+)(?:.*?'?y'? sizes: ([\d, ]+))?", _cardinality, re.S),
)


def refine(symptom: Diagnosis, message: Message, context: Any) -> Diagnosis:
    symptom.layer = _output_layer(context.model)
    diagnosis = _reproduces_its_input(symptom, context) or _labels_in_another_order(symptom, context) or symptom
    if diagnosis.kind == "target-mismatch" and context.argument("y") is None and context.dataset is not None:
        diagnosis.hint += (
            "; the labels come from the dataset: make them so where it is built (on the arrays before "
            "from_tensor_slices, or with the tf.* equivalent in dataset.map(lambda x, y: (x, ...)))"
        )
    return diagnosis


def _labels_in_another_order(symptom: Diagnosis, context: Any) -> Diagnosis | None:
    """fit(x, [y_flag, y_class]) for a model whose outputs are (class, flag): the label arrays fit the outputs
    only in another order. Only when some order fits every output sample for sample (never a guess)."""
    from itertools import permutations

    given = context.argument("y")
    if symptom.kind != "target-mismatch" or not isinstance(given, list | tuple) or not 2 <= len(given) <= 4:
        return None
    labels = [context.shape_of(value) for value in given]
    try:
        outputs = [tuple(output.shape) for output in context.model.outputs]
        names = [str(name) for name in context.model.output_names]
    except Exception:  # a model that cannot list its outputs
        return None
    if len(outputs) != len(labels) or not all(isinstance(shape, tuple) and shape for shape in labels):
        return None

    def fits(order: tuple[int, ...]) -> bool:
        return all(tuple(labels[j][1:]) == tuple(outputs[i][1:]) for i, j in enumerate(order))

    order = next((order for order in permutations(range(len(labels))) if fits(order)), None)
    if order is None or order == tuple(range(len(labels))):
        return None
    shown = ", ".join(format_shape(shape) for shape in labels)
    wanted = ", ".join(format_shape(shape) for shape in outputs)
    keyed = ", ".join(f"'{name}': y[{j}]" for name, j in zip(names, order, strict=False))
    return Diagnosis(
        "target-mismatch",
        f"loss/metric: the labels [{shown}] come in another order than the model's outputs [{wanted}]",
        hint=f"pass the labels in the outputs' order, [{', '.join(f'y[{j}]' for j in order)}], or as a dict by "
        f"output name: {{{keyed}}}",
        expected=f"[{wanted}]",
        actual=f"[{shown}]",
    )


def _reproduces_its_input(symptom: Diagnosis, context: Any) -> Diagnosis | None:
    """fit(x, x): the labels are the data itself (an autoencoder), so an output of another size is the
    model's fault, not the labels'."""
    labels, data = context.labels_shape, context.input_shapes
    y = context.argument("y")
    # the same array (fit(x, x)), not labels that happen to have the data's shape
    if symptom.kind != "target-mismatch" or not labels or labels != data or y is None or y is not context.inputs:
        return None
    predictions = parse_shape(symptom.expected or "")
    if len(predictions) != len(labels) or tuple(predictions[1:]) == tuple(labels[1:]):
        return None
    return Diagnosis(
        "size-mismatch",
        f"the model is trained to give back its input {format_shape(labels)}, but it outputs "
        f"{format_shape((labels[0], *predictions[1:]))}",
        hint=symptom.hint,  # made for these shapes: a decoder's padding, a RepeatVector's steps ...
        expected=format_shape(labels),
        actual=format_shape((labels[0], *predictions[1:])),
        layer=symptom.layer,
    )


def explain_targets(
    labels: tuple[Any, ...], predictions: tuple[Any, ...], sparse: bool | None, model: Any = None
) -> Diagnosis | None:
    """The root cause of labels that do not fit the predictions; `sparse`: the loss wants class ids (None: unknown).

    `model`, when known, tells which layer kept an axis the labels do not have.
    """
    shown = f"labels {format_shape(labels)} vs predictions {format_shape(predictions)}"
    classes = predictions[-1] if predictions else None
    if predictions and predictions[0] == 1 and labels in (predictions[1:-1], predictions[1:]):
        # a batch of one whose labels lost the batch axis: a squeeze without axis (works for larger batches)
        return Diagnosis(
            "batch-dependent",
            f"loss/metric: {shown}: the labels lost the batch axis of a batch of 1",
            hint="a tf.squeeze without axis also drops a batch axis of size 1 (the last, smaller batch): "
            "name the axis, tf.squeeze(y, axis=-1)",
            expected=format_shape(predictions[:-1]) if labels == predictions[1:-1] else format_shape(predictions),
            actual=format_shape(labels),
            axis=0,
        )
    if sparse and labels and labels[0] == 1 and len(predictions) == len(labels) and predictions[:-1] == labels[1:]:
        # class ids (1,) against scores (C,): the scores lost the batch axis of a batch of 1, the labels kept it
        return Diagnosis(
            "batch-dependent",
            f"loss/metric: {shown}: the predictions lost the batch axis of a batch of 1",
            hint="a tf.squeeze without axis also drops a batch axis of size 1 (a batch of one sample, the last "
            "batch): name the axis it was meant for, tf.squeeze(x, axis=...)",
            expected=format_shape((1, *predictions)),
            actual=format_shape(predictions),
            axis=0,
        )
    expected, kind = format_shape(predictions), "target-mismatch"
    if labels == predictions and not (sparse and len(labels) >= 2 and classes not in (1, None)):
        return _no_class_axis(labels) if sparse else None  # equal shapes: the shapes are not what is wrong
    if sparse is not True and (_are_class_ids(labels, predictions) or _ids_as_a_row(labels, predictions)):
        hint = (
            "the labels are integer class ids: use loss='sparse_categorical_crossentropy', "
            f"or one-hot them: y = keras.utils.to_categorical(y, {classes})"
        )
        detail = "integer class ids given to a loss that expects one-hot labels"
    elif (
        sparse is True and len(labels) == len(predictions) >= 2 and labels[:-1] == predictions[:-1] and labels[-1] == 1
    ):
        hint = "the class ids carry a trailing axis of size 1: squeeze it, y = tf.squeeze(y, axis=-1)"
        detail = "class ids of the wrong rank"
        expected = f"{format_shape(predictions[:-1])} class ids"
    elif sparse is True and len(labels) == len(predictions) and labels[-1] == classes and classes not in (1, None):
        hint = "the labels are one-hot: use loss='categorical_crossentropy', or pass class ids: y = y.argmax(axis=-1)"
        detail = "one-hot labels given to a sparse loss that expects class ids"
        expected = f"{format_shape(predictions[:-1])} class ids"
    elif sparse is True and _flattened_one_hot(labels, predictions):
        hint = "the labels are one-hot (flattened): use loss='categorical_crossentropy', or pass class ids: y = y.argmax(axis=-1)"
        detail = "one-hot labels given to a sparse loss that expects class ids"
        expected = f"{format_shape(predictions[:-1])} class ids"
    elif (steps := _sequence_steps(labels, predictions, sparse)) is not None:
        hint = (
            f"the model outputs {predictions[steps]} steps, the targets have {labels[steps]}: in teacher forcing the "
            "decoder gets y[:, :-1] and the targets are y[:, 1:] (both one step shorter); else make the model produce "
            f"{labels[steps]} steps, or cut the targets to the model's"
        )
        detail = "class ids for another number of steps"
        expected = f"{format_shape(predictions[:-1])} class ids"
    elif (grid := _other_resolution(labels, predictions, sparse)) is not None:
        hint = (
            f"the model predicts a {grid[0]} class map for {grid[1]} masks: bring it back to the mask size "
            "(layers.UpSampling2D / Conv2DTranspose(..., strides=2) for each stride, or no strides), "
            "or resize the masks to the model's output"
        )
        detail = f"a {grid[0]} class map against {grid[1]} masks"
        expected = f"{format_shape(predictions[:-1])} class ids"
    elif _one_axis_kept(labels, predictions) and (recurrent := _sequence_returning_rnn(model)) is not None:
        kind = "rank-mismatch"  # like a head without Flatten: the model keeps an axis
        hint = (
            f"the last recurrent layer '{recurrent}' returns every step (return_sequences=True): set "
            "return_sequences=False on it so the head sees one vector per sequence, or give one label per step"
        )
        detail = f"the model outputs rank {len(predictions)} per batch, the labels are rank {len(labels)}"
    elif _head_kept_spatial_axes(labels, predictions, sparse):
        kind = "rank-mismatch"
        hint = (
            "the classifier head kept its spatial axes: add layers.Flatten() or "
            "layers.GlobalAveragePooling2D() before the final Dense layer"
        )
        detail = f"the model outputs rank {len(predictions)} per batch, the labels are rank {len(labels)}"
        if len(predictions) < 3:
            detail = f"{predictions[0]} predictions for {labels[0]} labels (the loss flattened the spatial axes)"
    elif (squeezed := _squeezable_axis(labels, predictions)) is not None:
        hint = (
            f"the labels carry an extra size-1 axis: y = np.squeeze(y, axis={squeezed})"
            f"  # {format_shape(labels)} -> {format_shape(predictions)}"
        )
        detail = "labels with an extra axis"
    elif labels and predictions and labels[0] not in (None, predictions[0]) and predictions[0] is not None:
        hint = (
            f"labels and predictions must have the same number of samples ({labels[0]} vs {predictions[0]}): "
            "check the split/slicing of x and y; labels built for a fixed batch size (tf.ones((64, 1))) in a custom "
            "loop? build them from the batch: tf.ones_like(predictions), or drop the smaller last batch "
            "(dataset.batch(n, drop_remainder=True))"
        )
        detail = "different numbers of samples"
    elif len(labels) == len(predictions) and labels[1:-1] == predictions[1:-1]:
        units = labels[-1]
        hint = (
            f"the labels have {units} values per sample but the model outputs {classes}: "
            f"make the last layer Dense({units}) (with the loss that fits the labels), or fix the label encoding"
        )
        if isinstance(units, int) and isinstance(classes, int) and 1 < units < classes:
            hint += (
                f" (one-hot labels from keras.utils.to_categorical(y) count only the classes present in y: "
                f"pass num_classes={classes})"
            )
        detail = "the model's output does not match the labels"
    elif len(labels) == len(predictions) >= 3 and labels[-1] == predictions[-1]:
        axes = [i for i in range(1, len(labels) - 1) if labels[i] != predictions[i]]
        if len(labels) == 3:  # (batch, steps, features)
            hint = (
                f"the model outputs {predictions[1]} steps, the targets have {labels[1]}: make the decoder produce "
                f"{labels[1]} steps (e.g. layers.RepeatVector({labels[1]}) before a sequence decoder), or cut/shift "
                "the targets to the model's steps"
            )
        else:
            hint = (
                f"the model's output and the targets differ on axes {axes}: make the model produce the targets' "
                "size (padding='same', output_padding or Cropping/ZeroPadding in the decoder), or resize the targets"
            )
        detail = "the model's output does not match the labels"
    else:
        hint = f"bring the labels to the predictions' shape {format_shape(predictions)}: check how y was built and the loss"
        detail = "the model's output does not match the labels"
    return Diagnosis(
        kind, f"loss/metric: {shown} ({detail})", hint=hint, expected=expected, actual=format_shape(labels)
    )


def _sequence_steps(labels: tuple[Any, ...], predictions: tuple[Any, ...], sparse: bool | None) -> int | None:
    """The step axis where sequence class ids (N, T) and per-step predictions (N, T', C) disagree, if that is all."""
    if sparse is not True or len(predictions) != len(labels) + 1 or len(labels) < 2:
        return None
    differing = [axis for axis in range(len(labels)) if labels[axis] != predictions[axis]]
    both_known = all(labels[axis] is not None and predictions[axis] is not None for axis in differing)
    return differing[0] if len(differing) == 1 and differing[0] >= 1 and both_known else None


def _other_resolution(
    labels: tuple[Any, ...], predictions: tuple[Any, ...], sparse: bool | None
) -> tuple[str, str] | None:
    """Class-id masks (n, h, w) against per-pixel scores (n, h', w', classes) of another resolution."""
    if sparse is False or len(predictions) < 4 or len(labels) != len(predictions) - 1:
        return None
    grid, masks = predictions[1:-1], labels[1:]
    if not all(isinstance(dim, int) for dim in (*grid, *masks)) or grid == masks:
        return None
    if labels[0] is not None and predictions[0] is not None and labels[0] != predictions[0]:
        return None
    return "x".join(map(str, grid)), "x".join(map(str, masks))


def _one_axis_kept(labels: tuple[Any, ...], predictions: tuple[Any, ...]) -> bool:
    """Predictions with one axis more than the labels, which they equal without it: (8, 45, 3) vs (8, 3)."""
    if len(predictions) != len(labels) + 1 or len(labels) < 2:
        return False
    return any(predictions[:axis] + predictions[axis + 1 :] == labels for axis in range(1, len(predictions) - 1))


def _sequence_returning_rnn(model: Any) -> str | None:
    """The name of the model's last recurrent layer when it returns sequences (None otherwise or unknown)."""
    for layer in reversed(getattr(model, "layers", None) or []):
        returns = getattr(layer, "return_sequences", None)
        if isinstance(returns, bool):
            return getattr(layer, "name", "rnn") if returns else None
    return None


def _head_kept_spatial_axes(labels: tuple[Any, ...], predictions: tuple[Any, ...], sparse: bool | None) -> bool:
    if len(predictions) >= 3 and len(predictions) > len(labels):
        return True
    return sparse is True and _flattened_spatial(labels, predictions)


def _no_class_axis(shape: tuple[Any, ...]) -> Diagnosis:
    return Diagnosis(
        "target-mismatch",
        f"loss/metric: predictions {format_shape(shape)} have no class axis, which a sparse categorical loss needs",
        hint="end the model with Dense(n_classes) so it predicts (batch, n_classes); for a single yes/no output "
        "use loss='binary_crossentropy'",
        expected="(batch, classes)",
        actual=format_shape(shape),
    )


def _squeezable_axis(labels: tuple[Any, ...], predictions: tuple[Any, ...]) -> int | None:
    """The size-1 axis of the labels whose removal gives the predictions' shape (e.g. (N, 1, 3) for (N, 3))."""
    if len(labels) != len(predictions) + 1:
        return None
    for axis in range(1, len(labels)):
        if labels[axis] == 1 and labels[:axis] + labels[axis + 1 :] == predictions:
            return axis
    return None


def _ids_as_a_row(labels: tuple[Any, ...], predictions: tuple[Any, ...]) -> bool:
    """tf.nn.softmax_cross_entropy_with_logits shows (N,) class ids as labels_size=[1, N]."""
    return len(labels) == 2 and len(predictions) == 2 and labels[0] == 1 and labels[1] == predictions[0] != 1


def _are_class_ids(labels: tuple[Any, ...], predictions: tuple[Any, ...]) -> bool:
    """(N,) or (N, 1) labels against (N, C) predictions, (N, T) against (N, T, C): one class id per prediction."""
    if len(predictions) < 2 or predictions[-1] in (1, None):
        return False
    return labels in (predictions[:-1], (*predictions[:-1], 1))


def _flattened_one_hot(labels: tuple[Any, ...], predictions: tuple[Any, ...]) -> bool:
    """Keras 2 sparse losses flatten one-hot (N, C) labels to (N*C,)."""
    return (
        len(labels) == 1
        and len(predictions) == 2
        and labels[0] is not None
        and predictions[0] is not None
        and predictions[1] is not None
        and labels[0] == predictions[0] * predictions[1]
    )


def _flattened_spatial(labels: tuple[Any, ...], predictions: tuple[Any, ...]) -> bool:
    """Keras 2 sparse losses flatten (N, H, W, C) predictions to (N*H*W, C)."""
    if len(labels) != 1 or not predictions or not isinstance(labels[0], int) or not isinstance(predictions[0], int):
        return False
    return predictions[0] > labels[0] > 0 and predictions[0] % labels[0] == 0


def _output_layer(model: Any) -> str | None:
    layers = getattr(model, "layers", None) if model is not None else None
    return getattr(layers[-1], "name", None) if layers else None
