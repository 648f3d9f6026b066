"""Keras input-spec errors, in Keras 3 and legacy Keras 2 wording.

- ``expected ndim=4, found ndim=3. Full shape received: (28, 28, 1)`` (also min_ndim/max_ndim)
- ``expected axis -1 of input shape to have value 64, but received input with shape (8, 63)``
- ``expected shape=(None, 64), found shape=(64,)``
- Keras 3 functional: ``Expected shape (None, 64), but input has incompatible shape (64,)``

The message is the symptom at one layer; `refine` compares the data with the model's input.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_shapes.classify import compare, stray_unit_axis
from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.explainers.batches import folded_into_features
from pytest_shapes.explainers.messages import SHAPE_PATTERN, Message, layer_name, parse_shape
from pytest_shapes.explainers.rootcause import model_label, root_cause
from pytest_shapes.explainers.table import Builder, row
from pytest_shapes.spec import format_shape

S = SHAPE_PATTERN


def _where(message: Message) -> tuple[str | None, str]:
    named = re.search(r"`(\w+)` Layer", message.text)  # "`TimeDistributed` Layer should be passed ..."
    layer = layer_name(message.text) or message.layer or (named.group(1) if named else None)
    return layer, f"input of layer '{layer}'" if layer else "model input"


def _ndim(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    bound, want, found, shape_text = match.groups()
    actual = parse_shape(shape_text) if shape_text else (None,) * int(found)
    if len(actual) != int(found):  # the shape was cut from the message: only the rank is known
        actual = (None,) * int(found)
    return _rank(message, int(want), {"min_": ">= ", "max_": "<= "}.get(bound or "", ""), actual, context)


def _rank_claim(relation: str) -> Builder:
    """A builder for messages that give the rank a layer or op wants, then the shape it got."""

    def build(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
        return _rank(message, int(match.group(1)), relation, parse_shape(match.group(2)), context)

    return build


def _rank(message: Message, want: int, relation: str, actual: tuple[Any, ...], context: Any) -> Diagnosis:
    """A rank error at one layer: what the sizes say, and no more (the facts may say more in `refine`)."""
    layer, where = _where(message)
    expected_text = f"rank {relation}{want}"
    if len(actual) > want and relation != ">= ":
        image = _IMAGE_LAYER.search(layer or message.layer or "") is not None
        return _located(too_many_axes(where, expected_text, want, actual, image=image), layer)
    concrete = all(dim is not None for dim in actual)
    samples = _sample_count(context, actual) if len(actual) == want - 1 and relation != "<= " else None
    if samples is not None:  # the data itself, and its labels say axis 0 counts samples
        return _located(_sample_lacks_an_axis(where, expected_text, actual, samples), layer)
    if len(actual) == want - 1 and len(actual) >= 2 and concrete:
        op = re.search(r"\[Op:(\w+)\]", message.text)  # a TensorFlow op's error names the op, not a layer
        image = _IMAGE_LAYER.search(layer or message.layer or (op.group(1) if op else "")) is not None
        data = context.input_shapes
        # (2, 8, 16, 16) into a Conv3D: the last two axes are one square picture, so the channels are missing;
        # in the data too, where the model resized it before the layer: (4, 28, 28) resized reads as (16, 16, 28)
        for shape, place in ((actual, where), (data, f"input of {model_label(context.model)}")):
            if image and _square_pictures(shape, len(actual)):
                diagnosis = compare((*(None,) * (want - 1), 1), shape, place, expected_text=expected_text)
                return _located(diagnosis, layer)
        if not (image and actual[-1] <= 4):  # a trailing 1-4 into an image layer is a channel axis: one sample
            # (8, 10) into an LSTM, (2, 8, 10, 6) into a Conv3D: one sample without its batch axis, or a
            # batch without its last (time/feature/channel) axis; the message cannot tell which
            return _located(_batch_or_last_axis(where, expected_text, actual), layer)
    variant = _pooling_variant(layer or message.layer, len(actual))
    if variant and relation == "" and not concrete:
        return _located(_wrong_pooling(where, expected_text, actual, variant), layer)
    diagnosis = compare((None,) * want, actual, where, expected_text=expected_text)
    return _symbolic_hint(_located(diagnosis, layer), context)


def _square_pictures(shape: Any, rank: int) -> bool:
    """Whether `shape`, of `rank`, ends in two equal sizes over 4: square pictures without a channel axis."""
    return (
        isinstance(shape, tuple)
        and len(shape) == rank >= 3
        and isinstance(shape[-1], int)
        and shape[-1] == shape[-2] > 4
    )


def _takes_the_data(layer: str | None, model: Any) -> bool:
    """Whether `layer` is the first layer of a Sequential model (what it gets is the data)."""
    if layer is None or type(model).__name__ != "Sequential":
        return False
    from pytest_shapes.adapters.models import is_named

    try:
        first = model.layers[0]
    except Exception:  # no layers yet, or a model that cannot list them
        return False
    return is_named(first, layer)


_IMAGE_LAYER = re.compile(r"(?i)conv_?[23]d|pool|depthwise|separable|up_?sampling|cropping|zero_?padding|conv_?lstm")


def _pooling_variant(layer: str | None, rank: int) -> str | None:
    """The pooling layer of the dimension that fits `rank`, when `layer` is one of another dimension."""
    named = re.fullmatch(r"(global_)?(max|average)_pooling([123])d(_\d+)?", layer or "")
    if not named or not 3 <= rank <= 5 or int(named.group(3)) == rank - 2:
        return None
    prefix = "Global" if named.group(1) else ""
    return f"{prefix}{named.group(2).capitalize()}Pooling{rank - 2}D"


def _wrong_pooling(where: str, expected_text: str, actual: tuple[Any, ...], variant: str) -> Diagnosis:
    # pooling has no weights and comes in 1D/2D/3D: a rank error in the graph means the wrong one was picked
    shown = format_shape(actual)
    return Diagnosis(
        "rank-mismatch",
        f"{where}: expected {expected_text}, got {shown} (a pooling layer of another dimension)",
        hint=f"pool {shown} with layers.{variant}(), the pooling layer for rank {len(actual)}",
        expected=expected_text,
        actual=shown,
    )


def _batch_or_last_axis(where: str, expected_text: str, actual: tuple[Any, ...]) -> Diagnosis:
    shown = format_shape(actual)
    return Diagnosis(
        "rank-mismatch",
        f"{where}: expected {expected_text}, got {shown}",
        hint=(
            f"one sample? add the batch axis: x[None, ...] (gives {format_shape((1, *actual))}); "
            f"a batch of {actual[0]}? each sample lacks its last axis (time steps, features or channels): "
            f"x[..., None] (gives {format_shape((*actual, 1))}) for one per sample"
        ),
        expected=expected_text,
        actual=shown,
    )


# methods whose `x` and `y` Keras checks against each other before any layer runs
_WITH_LABELS = ("fit", "evaluate", "train_on_batch", "test_on_batch")
# calls of the model on one batch, as a training loop of its own makes them
_CALLS = ("__call__", "call", "predict_on_batch")


def _sample_count(context: Any, received: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The shape of the data given to fit/evaluate (or to the model in a training loop of its own),
    when the layer got it as given and its labels prove that axis 0 counts samples.

    Keras checks that x and y have as many samples before any layer runs: a layer that then gets
    the data's batches one rank short got samples that each lack an axis, never one sample without
    its batch axis. In an own loop the labels are the array named so beside x.
    """
    if context.dataset is not None:
        return None
    if context.entry in _WITH_LABELS:
        labels = context.labels_shape
    elif context.entry in _CALLS:  # a training loop of its own: the labels are the arrays named so beside x
        labels = context.local_labels_shape
    else:
        return None
    data = context.input_shapes
    if not isinstance(data, tuple) or len(data) < 2 or not labels or not isinstance(data[0], int):
        return None
    if tuple(data[1:]) != tuple(received[1:]):  # a tensor the model made, not the data: the model is wrong
        return None
    return data if data[0] == labels[0] and data[0] > 1 else None


def _sample_lacks_an_axis(where: str, expected_text: str, actual: tuple[Any, ...], data: tuple[Any, ...]) -> Diagnosis:
    shown, given = format_shape(actual), format_shape(data)
    hint = f"add the axis to x: x[..., None] (gives {format_shape((*data, 1))}) for one value per position"
    if len(data) == 2:  # (samples, n) into a sequence layer: n steps of one feature, or one step of n features
        hint += f", or x[:, None, :] (gives {format_shape((data[0], 1, data[1]))}) for one step of {data[1]} features"
    return Diagnosis(
        "missing-axis",
        f"{where}: expected {expected_text}, got {shown}: each of the {data[0]} samples of x {given} lacks an axis",
        hint=hint,
        expected=expected_text,
        actual=given,
        axis=len(data),
    )


def too_many_axes(
    where: str, expected_text: str, want: int, actual: tuple[Any, ...], *, image: bool = False
) -> Diagnosis:
    """A layer or op of rank `want` that got `actual`, of a higher rank; `image`: a channels-last image layer."""
    concrete = bool(actual) and all(dim is not None for dim in actual)
    stray = stray_unit_axis(actual, channels=image) if len(actual) == want + 1 else None
    video = image and want >= 4 and len(actual) == want + 1
    if stray is not None:
        # (None, 10, 1, 8) into an LSTM, (None, 28, 28, 1, 1) into a Conv2D: a stray size-1 axis, from the
        # data, the Input declaration or an expand_dims in the model
        shown, fixed = format_shape(actual), format_shape(actual[:stray] + actual[stray + 1 :])
        return Diagnosis(
            "extra-axis",
            f"{where}: expected {expected_text}, got {shown} (axis {stray} of size 1 is extra)",
            hint=f"drop the size-1 axis: declare the Input without it, or tf.squeeze(x, axis={stray}) / "
            f"layers.Reshape before the layer (or remove the expand_dims that added it)  # {shown} -> {fixed}",
            expected=expected_text,
            actual=shown,
            axis=stray,
        )
    shown = format_shape(actual) if any(dim is not None for dim in actual) else f"rank {len(actual)}"
    merge = ""
    if len(actual) == want + 1 and want >= 3 and all(isinstance(dim, int) for dim in actual[-2:]):
        merged = (*actual[1:-2], actual[-2] * actual[-1])
        merge = f", merge the last two axes (layers.Reshape({format_shape(merged)}), e.g. conv features into an RNN)"
    return Diagnosis(
        # data with one axis too many has an extra axis; a model graph whose layer gets too many is a rank problem
        "extra-axis" if concrete and len(actual) == want + 1 else "rank-mismatch",
        f"{where}: expected {expected_text}, got {shown}",
        hint=(
            f"the layer takes rank {want}: remove the extra axes before it (layers.Flatten(), a global pooling "
            f"layer of the right dimension, or return_sequences=False on the RNN before it){merge}, "
            "or feed data of that rank"
            + (
                "; a sequence of images (video frames)? wrap the image layers in layers.TimeDistributed(...)"
                if video
                else ""
            )
        ),
        expected=expected_text,
        actual=shown,
    )


def _axis(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    axis, value, actual = int(match.group(1)), int(match.group(2)), parse_shape(match.group(3))
    layer, where = _where(message)
    if axis == -1 and layer and layer != getattr(context.model, "name", None):
        called = [found for found, _ in context.keras_calls if getattr(found, "name", None) == layer]
        if called and kernel_input_size(called[-1]) == value:
            return built_for(called[-1], actual)
    expected: list[Any] = [None] * len(actual)
    if -len(actual) <= axis < len(actual):
        expected[axis] = value
    return _located(compare(tuple(expected), actual, where), layer)


def kernel_input_size(layer: Any) -> int | None:
    """The input size a built-in layer sized its 2D kernel for on its first input (a Dense's (in, units))."""
    from pytest_shapes.adapters.models import dims_of

    if not type(layer).__module__.startswith(("keras.", "tf_keras.")):
        return None  # a custom layer's weight has the shape its author wrote
    kernel = dims_of(getattr(getattr(layer, "kernel", None), "shape", None))
    return kernel[0] if kernel is not None and len(kernel) == 2 and isinstance(kernel[0], int) else None


def built_for(layer: Any, got: tuple[Any, ...]) -> Diagnosis:
    """A built-in layer given another feature count than the first input it was built on."""
    size = kernel_input_size(layer)
    shared = bool(getattr(layer, "_inbound_nodes", None))  # already called on another symbolic input
    return Diagnosis(
        "size-mismatch",
        f"layer '{layer.name}' was built for {size} input features, but got {format_shape(got)}",
        hint=f"a layer keeps the input size it was built on: feed it {size} features"
        + (f", or give the {got[-1]}-feature input a layer of its own" if shared else ""),
        expected=format_shape((*[None] * (len(got) - 1), size)),
        actual=format_shape(got),
        axis=-1,
        layer=layer.name,
    )


def _shape_pair(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    layer, where = _where(message)
    diagnosis = compare(parse_shape(match.group(1)), parse_shape(match.group(2)), where)
    return _symbolic_hint(_located(diagnosis, layer), context)


def _stateful_batch(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    fixed, got = int(match.group(1)), int(match.group(2))
    layer, where = _where(message)
    return _located(
        Diagnosis(
            "size-mismatch",
            f"{where}: a stateful RNN keeps state for batches of {fixed}, got a batch of {got}",
            hint=f"feed batches of exactly {fixed} (predict(x, batch_size={fixed}); pad or drop the last, smaller "
            "batch), or use stateful=False",
            expected=f"batch size {fixed}",
            actual=f"batch size {got}",
            axis=0,
        ),
        layer,
    )


ROWS = (
    row(rf"expected (min_|max_)?ndim=(\d+), found ndim=(\d+)\.?(?:\s*Full shape received: ({S}))?", _ndim),
    row(rf"should be passed an `input_shape ?` with at least (\d+) dimensions, received: ({S})", _rank_claim(">= ")),
    row(rf"Inputs(?: to `\w+`)? should have rank (\d+)\. Received input_shape=({S})", _rank_claim("")),
    row(rf"(?:convolution )?input must be (\d)-dimensional:? ?({S})", _rank_claim("")),
    row(
        r"If an RNN is stateful, the batch size of the input sequences must be the same as the batch size of the "
        r"initial state\.\s*- Expected batch size: (\d+)\s*- Received batch size: (\d+)",
        _stateful_batch,
    ),
    row(rf"expected axis (-?\d+) of input shape to have value (\d+),? but received input with shape ({S})", _axis),
    row(rf"[Ee]xpected shape=?\s*({S}),? (?:found shape=|but input has incompatible shape )({S})", _shape_pair),
)


# layers that remove axes on purpose: a layer after one that wants them back needs it removed, not an axis added
_FLATTENING = re.compile(r"Flatten|Global\w*Pooling\w*")


def _after_a_layer_that_dropped_the_axis(symptom: Diagnosis, context: Any) -> Diagnosis | None:
    """A layer one axis short right after the layer that removed it: a Flatten or global pooling, or an
    RNN that returns only its last step. The layer before is the mistake, not the data."""
    if symptom.kind != "missing-axis" or not symptom.layer:
        return None
    before = _feeding_layer(symptom.layer, context)
    kind = type(before).__name__ if before is not None else ""
    received = (
        f"input of layer '{symptom.layer}': expected {symptom.expected}, got {symptom.actual} from the {kind} layer"
    )
    if _FLATTENING.fullmatch(kind):
        headline = f"{received} '{before.name}' before it, which removed the axes it needs"
        hint = (
            f"remove the layers.{kind}() before '{symptom.layer}' (it takes the unflattened tensor); "
            "flatten after it instead, where a Dense head needs a vector"
        )
    elif getattr(before, "return_sequences", None) is False and _one_axis_short(symptom):
        # Bidirectional(LSTM(...)): the flag is the inner layer's (Keras 3 keeps it as forward_layer)
        wrapped = getattr(before, "forward_layer", None) or getattr(before, "layer", None)
        rnn = f"layers.{kind}(layers.{type(wrapped).__name__}(..., " if wrapped is not None else f"layers.{kind}(..., "
        headline = f"{received} '{before.name}' before it, which returns only its last step"
        hint = (
            f"return every step from '{before.name}' so '{symptom.layer}' gets a sequence: "
            f"{rnn}return_sequences=True){')' if wrapped is not None else ''}"
        )
    else:
        return None
    return Diagnosis(
        "rank-mismatch",
        headline,
        hint=hint,
        expected=symptom.expected,
        actual=symptom.actual,
        layer=symptom.layer,
    )


def _ids_with_a_unit_axis(symptom: Diagnosis, context: Any) -> Diagnosis | None:
    """An axis too many after an Embedding that came with the ids: (6, 10, 1) ids embed to (6, 10, 1, 8),
    one-hot tokens (2, 4, 10) to (2, 4, 10, 8). The data is what to fix, not the model."""
    if symptom.kind not in ("extra-axis", "rank-mismatch") or not symptom.layer:
        return None
    before = _feeding_layer(symptom.layer, context)
    data, got = context.input_shapes, parse_shape(symptom.actual or "")
    if type(before).__name__ != "Embedding" or not isinstance(data, tuple) or not got or len(data) != len(got) - 1:
        return None
    if data[-1] == 1:
        why, code = "keep a size-1 last axis", "x[..., 0] or np.squeeze(x, -1)"
    elif data[-1] == getattr(before, "input_dim", None) and data[-1] > 1:
        why, code = f"are one-hot ({data[-1]} values, the Embedding's input_dim), not token ids", "x.argmax(-1)"
    else:
        return None
    return Diagnosis(
        "extra-axis",
        f"{symptom.message}: the ids {format_shape(data)} {why}, and the Embedding '{before.name}' before "
        f"'{symptom.layer}' adds an axis of its own",
        hint=f"drop that axis from the ids: {code}  # {format_shape(data)} -> {format_shape(data[:-1])}",
        expected=symptom.expected,
        actual=symptom.actual,
        axis=len(data) - 1,
        layer=symptom.layer,
    )


def _one_axis_short(symptom: Diagnosis) -> bool:
    """Whether one more axis gives what the symptom's layer wants (the steps a sequence adds back)."""
    wanted = re.fullmatch(r"rank (>= )?(\d+)", symptom.expected or "")
    rank = int(wanted.group(2)) if wanted else len(parse_shape(symptom.expected or "") or ())
    shape = parse_shape(symptom.actual or "")
    return shape is not None and rank == len(shape) + 1


def _feeding_layer(name: str, context: Any) -> Any:
    """The layer whose output the layer `name` received: the one before it in a Sequential model
    (`_MODEL_INPUT` for the first while it is built), else the producer of the symbolic tensor it was
    called with (an InputLayer for a model input); None when unknown."""
    from pytest_shapes.adapters.models import layer_before, producer_of

    model = context.model
    if type(model).__name__ == "Sequential":
        if name == getattr(model, "name", None):  # the model's own input check
            return _MODEL_INPUT
        before = layer_before(model, name, building=context.building)
        return before if before is not None else _MODEL_INPUT if context.building else None
    received = context.layer_input(name)
    return producer_of(received) if received is not None and not isinstance(received, list | tuple | dict) else None


_MODEL_INPUT = object()  # what a Sequential model's first layer receives


def _got_the_data(name: str, context: Any) -> bool:
    """Whether the layer `name` was called on a tensor no layer made (a model's data), not on a layer's output."""
    from pytest_shapes.adapters.models import producer_of

    if context.building or context.inputs is None or type(context.model).__name__ in ("Sequential", "Functional"):
        return False
    received = context.layer_input(name)
    return received is not None and not isinstance(received, list | tuple | dict) and producer_of(received) is None


def refine(symptom: Diagnosis, message: Message, context: Any) -> Diagnosis:
    after_dropping = _after_a_layer_that_dropped_the_axis(symptom, context) or _ids_with_a_unit_axis(symptom, context)
    if after_dropping is not None:
        return after_dropping
    if symptom.kind == "size-mismatch" and symptom.expected and symptom.actual:
        folded = folded_into_features(parse_shape(symptom.expected), parse_shape(symptom.actual), context)
        if folded is not None:
            folded.layer = symptom.layer
            return folded
    return root_cause(symptom, context) or symptom


def _located(diagnosis: Diagnosis, layer: str | None) -> Diagnosis:
    diagnosis.layer = layer
    return diagnosis


def _symbolic_hint(diagnosis: Diagnosis, context: Any) -> Diagnosis:
    """A shape with a None batch comes from the model graph, not the data: fix the model.

    Unless the failing layer is the first of a Sequential model: it gets the data itself (batched by
    fit, a generator or a dataset, hence the None), and the data lacks the axis.
    """
    if diagnosis.kind == "missing-axis" and "(None," in (diagnosis.actual or ""):
        if not context.building and context.inputs is not None and _takes_the_data(diagnosis.layer, context.model):
            return diagnosis
        received = diagnosis.actual or ""
        source = _feeding_layer(diagnosis.layer, context) if diagnosis.layer else None
        if source is None and diagnosis.layer and _got_the_data(diagnosis.layer, context):
            # a subclassed model's call() passes its data straight to the layer: the data lacks the axis
            diagnosis.hint = (
                f"the data reaches '{diagnosis.layer}' as {received}, one axis short: give it the feature axis, "
                "x[..., None] (in a tf.data pipeline: ds.map(lambda x, y: (x[..., None], y)))"
            )
            return diagnosis
        if source is _MODEL_INPUT or type(source).__name__ == "InputLayer":
            where, guess = "the model's input is", ""
        elif source is not None:
            where, guess = f"the {type(source).__name__} layer '{source.name}' before '{diagnosis.layer}' produces", ""
        else:
            where = f"the layer before '{diagnosis.layer}' produces" if diagnosis.layer else "the model produces"
            guess = " (an RNN before it without return_sequences=True?)"
        diagnosis.hint = (
            f"{where} {received} but this layer needs one more axis{guess}: "
            "declare it in the model, e.g. keras.Input(shape=(steps, 1)) and feed x[..., None], "
            "or insert layers.Reshape(...) before the layer"
        )
    return diagnosis
