"""TensorFlow op errors: matrix products, broadcasting, reshapes, conv/pool sizes, dtypes.

Each family is a list of (pattern, builder) pairs covering the eager wording
(`InvalidArgumentError ... [Op:MatMul]`), the graph wording under
`tf.function` (`ValueError: Dimensions must be equal ... with input shapes:`)
and the Keras 3 wording of the same check.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_shapes.classify import stray_unit_axis
from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.explainers.batches import batch_sizes, batches, hard_coded
from pytest_shapes.explainers.keras_input import built_for, kernel_input_size, too_many_axes
from pytest_shapes.explainers.messages import SHAPE_PATTERN, Message, parse_shape
from pytest_shapes.explainers.rootcause import root_cause
from pytest_shapes.explainers.table import row
from pytest_shapes.spec import format_shape

S = SHAPE_PATTERN

_ELEMENTWISE_NODES = re.compile(
    r"= (?:AddV2|Add|Sub|Mul|RealDiv|Div|FloorDiv|Maximum|Minimum|Pow|SquaredDifference|Select\w*)\["
)
_MATMUL_NODES = re.compile(r"= (?:MatMul|BatchMatMul\w*)\[")


def _shapes(match: re.Match[str], *groups: int) -> list[tuple[Any, ...]]:
    return [parse_shape(match.group(group)) for group in groups]


# -- matrix products ---------------------------------------------------------


def matmul(a: tuple[Any, ...], b: tuple[Any, ...], transpose_b: bool = False) -> Diagnosis:
    inner_a, inner_b = a[-1], (b[-1] if transpose_b else b[-2] if len(b) >= 2 else b[-1])
    shown = f"{format_shape(a)} @ {format_shape(b)}"
    if len(b) >= 2 and a[-1] == b[-1] and not transpose_b and a[-1] != b[-2]:
        hint = f"the second operand is transposed: tf.matmul(a, b, transpose_b=True) or b = tf.transpose(b)  # {format_shape(b)} -> ({b[-1]}, {b[-2]})"
    elif len(a) == 2 and a[-2] == inner_b and a[-1] != inner_b:
        hint = f"the first operand is transposed: tf.matmul(a, b, transpose_a=True)  # {format_shape(a)} -> ({a[-1]}, {a[-2]})"
    elif len(b) >= 3:  # two batched activations (attention scores, a custom op): no weight to rebuild
        hint = (
            f"the last axis of the first operand ({inner_a}) must equal the second-to-last of the second ({inner_b}): "
            f"project one input to the other's size first (e.g. layers.Dense({inner_b}) on the first), "
            "or contract another axis"
        )
    else:
        hint = (
            f"the last axis of the first operand ({inner_a}) must equal the second-to-last of the second ({inner_b}): "
            f"build the weight as ({inner_a}, {b[-1]}), or check which feature column was dropped/added"
        )
    return Diagnosis(
        "matmul-incompatible",
        f"matrix product {shown}: inner dimensions differ ({inner_a} vs {inner_b})",
        hint=hint,
        expected=f"(..., {inner_a}) @ ({inner_a}, ...)",
        actual=shown,
        axis=-1,
    )


def _matmul_ranks(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    a, b = _shapes(match, 1, 2)
    return matmul_ranks(a, b)


def matmul_ranks(a: tuple[Any, ...], b: tuple[Any, ...]) -> Diagnosis:
    vector, other = (a, "first") if len(a) < len(b) else (b, "second")
    if len(vector) != 1:  # both are matrices: a batched product against a plain matrix
        return Diagnosis(
            "rank-mismatch",
            f"matrix product {format_shape(a)} @ {format_shape(b)}: the operands' ranks differ ({len(a)} vs {len(b)})",
            hint="contract the last axis explicitly: tf.tensordot(a, b, axes=1) or tf.einsum('...ij,jk->...ik', a, b); "
            "or give both operands the same rank",
            expected=f"rank {max(len(a), len(b))}",
            actual=format_shape(vector),
        )
    fixed = (1, *vector) if other == "first" else (*vector, 1)
    code = "tf.expand_dims(a, 0)" if other == "first" else "tf.expand_dims(b, -1)"
    return Diagnosis(
        "missing-batch-axis",
        f"matrix product {format_shape(a)} @ {format_shape(b)}: the {other} operand is a vector (rank 1); "
        "a matrix product needs rank >= 2",
        hint=f"add the missing axis: {code}  # {format_shape(vector)} -> {format_shape(fixed)}",
        expected="rank >= 2",
        actual=format_shape(vector),
    )


def _graph_binary(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    sizes = {int(match.group(1)), int(match.group(2))}
    node, a, b = match.group(3), parse_shape(match.group(4)), parse_shape(match.group(5))
    if _MATMUL_NODES.search(node):
        transpose_b = re.search(r"(?:transpose_b|adj_y)=true", node) is not None
        inner = {a[-1], b[-1] if transpose_b else b[-2] if len(b) >= 2 else b[-1]}
        if sizes != inner and sizes <= {*a[:-2], *b[:-2]}:
            return broadcast(a[:-2], b[:-2])  # the batch axes of a batched product differ
        if not transpose_b:
            scope = re.match(r"\{\{node ([\w./-]+)\}\}", node)
            names = _layer_names(message, scope.group(1) if scope else "")
            known = _recurrent_kernel(a, b, message) or _against_layer_kernel(a, b, names, context)
            if known is not None:
                return known
        return matmul(a, b, transpose_b=transpose_b)
    if re.search(r"= BiasAdd\w*\[", node):
        return _bias(a, b)
    if re.search(r"= Einsum\[", node):
        return _graph_einsum(node, a, b, message, context)
    if _ELEMENTWISE_NODES.search(node):
        return elementwise(a, b, message, context, node)
    return None


_INITIALIZER = re.compile(r"initializers?[/\\]|initializers?\.py")


def initial_value(value: str, weight: tuple[Any, ...]) -> Diagnosis:
    """An initializer given a value (a pretrained matrix) that is not the weight's shape."""
    return Diagnosis(
        "size-mismatch",
        f"a layer's initial value {value} does not fit its weight of shape {format_shape(weight)}",
        hint="build the layer for the value's shape (e.g. layers.Embedding(rows, dim) for a (rows, dim) matrix: "
        "one row more when row 0 is padding), or give a value of the weight's shape",
        expected=format_shape(weight),
        actual=value,
    )


def elementwise(a: tuple[Any, ...], b: tuple[Any, ...], message: Message, context: Any, node: str = "") -> Diagnosis:
    """An element-wise op on `a` and `b`; inside a layer or the model's loss (named by the graph node) when known."""
    if context.raised_in(_INITIALIZER):  # Keras 3's Constant: value * ones(weight shape)
        return initial_value(format_shape(a), b)
    named = re.match(r"\{\{node ([\w./-]+)\}\}", node)
    scope = named.group(1) if named else ""
    if scope:
        from pytest_shapes.explainers.targets import in_the_loss

        found = in_the_loss(a, b, scope, context)
        if found is not None:
            return found
    return (
        _against_layer_state(a, b, _layer_names(message, scope), context)
        or last_batch_pair("an element-wise op on", a, b, context)
        or fixed_batch_pair(a, b, context)
        or one_axis_short(a, b)
        or broadcast(a, b)
    )


def one_axis_short(a: tuple[Any, ...], b: tuple[Any, ...]) -> Diagnosis | None:
    """Operands one rank apart where the shorter has every other axis of the longer: it lacks one axis.

    Evidence only: each of the shorter's axes equals the longer's at its place (an unknown size
    proves nothing, and at least one known size must agree), and there is one such place; a
    size-1 axis put back there then broadcasts. The batch axis (0) is never the missing one, and both
    batch sizes must be known and equal.
    """
    if abs(len(a) - len(b)) != 1 or not all(isinstance(dim, int) or dim is None for dim in (*a, *b)):
        return None
    short, long = (a, b) if len(a) < len(b) else (b, a)
    places = [i for i in range(1, len(long)) if _agree_somewhere(short, (*long[:i], *long[i + 1 :]))]
    if len(places) != 1:
        return None
    index = places[0]
    if short[0] is None or long[0] is None or short[0] != long[0]:
        # broadcasting aligns trailing axes: (12, 8) against (None, 16, 8) is 12 positions for 16, unless the
        # known batch sizes say that the shorter one's first axis is the batch
        return None
    fixed = (*short[:index], 1, *short[index:])
    code = "x[..., None]" if index == len(short) else f"tf.expand_dims(x, axis={index})"
    return Diagnosis(
        "missing-axis",
        f"element-wise op on {format_shape(a)} and {format_shape(b)}: {format_shape(short)} lacks axis {index} "
        f"of {format_shape(long)}",
        hint=f"put the axis back: {code}  # {format_shape(short)} -> {format_shape(fixed)}"
        + ("" if long[index] == 1 else f", which broadcasts over the {long[index]} entries of that axis"),
        expected=format_shape(fixed),
        actual=format_shape(short),
        axis=index,
    )


def _agree_somewhere(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Equal where both sizes are known, with at least one known size that agrees."""
    return _same_known(a, b) and any(x is not None and y is not None for x, y in zip(a, b, strict=True))


def _layer_names(message: Message, scope: str) -> set[str]:
    """Names the failing layer may have: the message's, its class, the graph node's name scopes."""
    names = {message.layer} if message.layer else set()
    names.update(re.findall(r"calling (?:layer '\w+' \(type )?(\w+)(?:\.call\(\)|\))", message.text))
    for part in scope.split("/")[:-1]:
        names.update({part, re.sub(r"_\d+$", "", part)})  # a retraced model numbers its scopes
    return names


def _against_layer_state(a: tuple[Any, ...], b: tuple[Any, ...], names: set[str], context: Any) -> Diagnosis | None:
    """One operand is the failing layer's own weight or adapted state (a Normalization's mean): the data does not fit."""
    from pytest_shapes.adapters.models import weight_shapes

    for layer in _failing_layers(names, context):
        held = [_squeezed(shape) for shape in weight_shapes(layer)]
        for state, data in ((b, a), (a, b)):
            # a per-feature state (a mean, a scale) is one vector; a weight matrix times the data is another bug
            vector = len(_squeezed(state)) == 1
            if vector and _squeezed(state) in held and _squeezed(data) not in held and data and data[-1] != state[-1]:
                return Diagnosis(
                    "size-mismatch",
                    f"layer '{layer.name}' was built (or adapted) for {state[-1]} on the last axis, "
                    f"but got {format_shape(data)}",
                    hint=f"feed it the {state[-1]} features it was built for (the same columns as in adapt() or "
                    "training), or build/adapt it on data like this",
                    expected=f"(..., {state[-1]})",
                    actual=format_shape(data),
                    axis=-1,
                    layer=layer.name,
                )
    return None


def _failing_layers(names: set[str], context: Any) -> list[Any]:
    """The layers the names of the failing layer may mean: in the model, or called in the traceback."""
    if not names:
        return []
    from pytest_shapes.adapters.models import layers_called

    model = context.model
    # a Sequential being built (its failing layer has not joined yet), or a layer called on its own
    extra = [*(context.argument("layers") or []), *(layer for layer, _ in context.keras_calls)]
    extra = [layer for layer in extra if getattr(layer, "name", None) in names or type(layer).__name__ in names]
    return [*(layers_called(model, names) if model is not None else []), *extra]


def _against_layer_kernel(a: tuple[Any, ...], b: tuple[Any, ...], names: set[str], context: Any) -> Diagnosis | None:
    """The second operand of a product is the kernel of a built-in layer (Dense ...), which sized it from the
    first input it got: the data has another feature count (a Dense shared between inputs of different widths).
    A custom layer's weight has the shape its author wrote, so a product with it stays a matmul mismatch."""
    if len(b) != 2 or not a or a[-1] is None or a[-1] == b[0]:
        return None
    for layer in _failing_layers(names, context):
        if kernel_input_size(layer) == b[0] and getattr(getattr(layer, "kernel", None), "shape", None) is not None:
            return built_for(layer, a)
    return None


def _squeezed(shape: tuple[Any, ...]) -> tuple[Any, ...]:
    index = 0
    while index < len(shape) - 1 and shape[index] == 1:
        index += 1
    return tuple(shape[index:])


def _bias(value: tuple[Any, ...], bias: tuple[Any, ...]) -> Diagnosis:
    return Diagnosis(
        "size-mismatch",
        f"bias add: the bias has {bias[-1] if bias else '?'} entries but the input's last axis is {value[-1] if value else '?'}",
        hint="the layer was built for another number of features/channels: rebuild it for the input, "
        "or check which layer feeds it",
        expected=format_shape(value[-1:]),
        actual=format_shape(bias),
        axis=-1,
    )


# -- broadcasting --------------------------------------------------------------


def broadcast(a: tuple[Any, ...], b: tuple[Any, ...]) -> Diagnosis:
    rank = max(len(a), len(b))
    pa, pb = (None,) * (rank - len(a)) + tuple(a), (None,) * (rank - len(b)) + tuple(b)
    axis = next(
        (
            i
            for i in range(rank)
            if pa[i] is not None and pb[i] is not None and pa[i] != pb[i] and 1 not in (pa[i], pb[i])
        ),
        rank - 1,
    )
    shown = f"{format_shape(a)} and {format_shape(b)}"
    size_a, size_b = pa[axis], pb[axis]
    if axis == 0 and rank >= 2 and len(a) == len(b):
        hint = (
            f"the batch axis differs, {size_a} vs {size_b}: a tensor made with a fixed batch size "
            "(tf.random.normal((32, d)), tf.ones((32, 1))) meets a batch of another size; build it from the data: "
            "tf.random.normal(tf.shape(x)), tf.ones_like(x), or use drop_remainder=True when batching"
        )
    elif axis == rank - 1 and min(len(a), len(b)) == 1 and rank >= 3:
        # a vector of per-channel constants (a mean, a std, a scale) against an image: not a branch to project
        vector, image = (a, b) if len(a) == 1 else (b, a)
        alpha = "; RGBA images? keep the color channels, x[..., :3]" if (vector[0], image[-1]) == (3, 4) else ""
        hint = (
            f"a per-channel vector of {vector[0]} values meets {image[-1]} channels: give it one value per "
            f"channel, or give the tensor {vector[0]} channels{alpha}"
        )
    elif axis == rank - 1:
        hint = (
            f"make axis {axis} (features/channels) agree, {size_a} vs {size_b}: for a residual/skip connection "
            f"project one branch to the other's size, e.g. layers.Dense({size_a}) (or a 1x1 Conv with {size_a} "
            f"filters) on the {size_b}-wide branch, or layers.Dense({size_b}) on the {size_a}-wide one; "
            "or reshape one operand so the axis is 1"
        )
    else:
        hint = (
            f"make axis {axis} agree, {size_a} vs {size_b}: if one branch of a residual/skip connection was "
            "downsampled (a stride, pooling or padding='valid') and the other not, downsample both the same way "
            "(e.g. strides on the shortcut's 1x1 Conv, or padding='same'); or reshape one operand so the axis is 1"
        )
    return Diagnosis(
        "broadcast-incompatible",
        f"element-wise op on {shown}: axis {axis} is {size_a} vs {size_b} (sizes must match or be 1)",
        hint=hint,
        expected=format_shape(a),
        actual=format_shape(b),
        axis=axis,
    )


def _broadcast_pair(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    a, b = _shapes(match, 1, 2)
    return elementwise(a, b, message, context)


def _merge_pair(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    """A Keras merge layer (Add, Multiply ...) compares its inputs' shapes without their batch axis."""
    a, b = _shapes(match, 1, 2)
    return elementwise((None, *a), (None, *b), message, context)


# -- reshape -------------------------------------------------------------------


def _reshape(have: int, want: str, target: str | None = None) -> Diagnosis:
    target_text = f" to {target}" if target else ""
    return Diagnosis(
        "reshape-size",
        f"reshape{target_text}: the input has {have} elements but the target shape {want}",
        hint=(
            "the element count must stay the same: let one axis be inferred with -1 "
            "(e.g. tf.reshape(x, (batch, -1))); for image patches the image size must be divisible by the patch size "
            "(crop or pad it first)"
        ),
        expected=want,
        actual=f"{have} elements",
    )


def _reshape_eager(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    have, kind, want = int(match.group(1)), match.group(2), int(match.group(3))
    if kind != "requires a multiple of" and (last := _last_batch(have, want, context)) is not None:
        return last
    if kind != "requires a multiple of" and (fixed := _batch_in_target(have, want, context)) is not None:
        return fixed
    return _reshape(have, f"requires a multiple of {want}" if kind == "requires a multiple of" else f"has {want}")


def _reshape_graph(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    have, want = int(match.group(1)), int(match.group(3))
    return _last_batch(have, want, context) or _reshape(have, f"has {want} elements", match.group(2))


def _constant_shape(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    have, shape, want = int(match.group(1)), parse_shape(match.group(2)), int(match.group(3))
    if context.raised_in(_INITIALIZER):
        return initial_value(f"of {have} elements", shape)
    return Diagnosis(
        "reshape-size",
        f"tf.constant(value, shape={format_shape(shape)}): the value has {have} elements, the shape {want}",
        hint="give a value with as many elements as the shape (a scalar fills any shape), or fix the shape",
        expected=f"{want} elements",
        actual=f"{have} elements",
    )


def _reshape_divisible(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    return _reshape(int(match.group(2)), f"requires a multiple of {match.group(1)}")


def last_batch_pair(what: str, a: tuple[Any, ...], b: tuple[Any, ...], context: Any) -> Diagnosis | None:
    """Two operands whose batch axes are the batch size and the last, smaller batch: one has the size baked in."""
    found = batches(context)
    if found is None or not a or not b or {a[0], b[0]} != {found.size, found.last}:
        return None
    return hard_coded(f"{what} {format_shape(a)} and {format_shape(b)}: one operand", found, context)


def fixed_batch_pair(a: tuple[Any, ...], b: tuple[Any, ...], context: Any) -> Diagnosis | None:
    """Operands that differ only in the batch axis, one of them the batch the model got: the other was made
    with a fixed batch size (tf.zeros((BATCH_SIZE, units)) as an RNN's initial state, a constant mask)."""
    if len(a) != len(b) or len(a) < 2 or not all(isinstance(dim, int) for dim in (a[0], b[0])):
        return None
    if a[0] == b[0] or 1 in (a[0], b[0]) or not all(x == y or 1 in (x, y) for x, y in zip(a[1:], b[1:], strict=True)):
        return None
    sizes = batch_sizes(context)
    if (a[0] in sizes) == (b[0] in sizes):  # neither is the data's batch, or both are: no evidence which
        return None
    batch, fixed = (a[0], b[0]) if a[0] in sizes else (b[0], a[0])
    return Diagnosis(
        "batch-dependent",
        f"element-wise op on {format_shape(a)} and {format_shape(b)}: the batch of {batch} the model got meets a "
        f"tensor made for a batch of {fixed}",
        hint="size it from the data at run time, not from a BATCH_SIZE constant: tf.random.normal(tf.shape(x)), "
        "tf.zeros((tf.shape(x)[0], n)), tf.ones_like(x)",
        expected=f"batch {batch}",
        actual=f"batch {fixed}",
        axis=0,
    )


def _last_batch(have: int, want: int, context: Any) -> Diagnosis | None:
    """A reshape whose element counts are in the ratio of the last batch to the others."""
    found = batches(context)
    if found is None or have * found.size != want * found.last:
        return None
    return hard_coded(f"reshape ({have} elements where the target wants {want}): the target shape", found, context)


def _batch_in_target(have: int, want: int, context: Any) -> Diagnosis | None:
    """tf.reshape(x, (8, 196)) of a batch of 5: the target fixes the batch size, the rest fits."""
    arguments = context.op_arguments  # tf.reshape(tensor, shape)
    if len(arguments) < 2 or not isinstance(arguments[1], tuple | list):
        return None
    source, target = context.shape_of(arguments[0]), tuple(arguments[1])
    if not isinstance(source, tuple) or len(source) < 2:
        return None
    if not all(isinstance(dim, int) and not isinstance(dim, bool) and dim > 0 for dim in (*source, *target)):
        return None
    if len(target) < 2 or target[0] == source[0] or _product(source) != have or _product(target) != want:
        return None
    if _product(source[1:]) != _product(target[1:]):
        return None
    rest = ", ".join(map(str, target[1:]))
    return Diagnosis(
        "batch-dependent",
        f"reshape of {format_shape(source)} to {format_shape(target)}: the target hard-codes the batch size "
        f"{target[0]}, and this batch has {source[0]}",
        hint=f"let the batch axis follow the data: tf.reshape(x, (-1, {rest})) or (tf.shape(x)[0], {rest}), "
        "or layers.Reshape / layers.Flatten (they keep the batch axis)",
        expected=f"batch {target[0]}",
        actual=f"batch {source[0]}",
        axis=0,
    )


def _reshape_keras(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    source, target = parse_shape(match.group(1)), parse_shape(match.group(2))
    have = _product(source)
    want = _product(target)
    if len(target) > 1 and _product(target[1:]) == have and target[0] not in (None, 1):
        # Reshape's target is per sample: a batch size written into it is an axis too many
        per_sample = format_shape(target[1:])
        return Diagnosis(
            "extra-axis",
            f"Reshape{format_shape(target)} on per-sample shape {format_shape(source)}: the target shape includes "
            f"a batch size ({target[0]}); Keras' Reshape takes one sample's shape",
            hint=f"drop the batch size from the target: layers.Reshape({per_sample})",
            expected=per_sample,
            actual=format_shape(target),
            axis=0,
        )
    diagnosis = _reshape(have, f"{format_shape(target)} has {want} elements per sample", format_shape(target))
    diagnosis.message = f"Reshape{format_shape(target)} on per-sample shape {format_shape(source)}: {have} elements cannot become {want}"
    diagnosis.actual = format_shape(source)
    leading = _product(target[:-1])
    if len(target) > 1 and leading and have % leading == 0:
        fitting = (*target[:-1], have // leading)
        diagnosis.hint = (
            f"{have} = {' * '.join(str(d) for d in fitting)}: layers.Reshape({format_shape(fitting)}), "
            f"or give the layer before it {want} units (e.g. Dense({want}))"
        )
    return diagnosis


def _product(shape: tuple[Any, ...]) -> int:
    total = 1
    for dim in shape:
        total *= dim if isinstance(dim, int) and dim > 0 else 1
    return total


# -- convolution / pooling sizes ------------------------------------------------


def spatial(detail: str, received: str | None = None) -> Diagnosis:
    return Diagnosis(
        "spatial-too-small",
        f"a convolution/pooling window is larger than its input{f' {received}' if received else ''}: {detail}",
        hint=(
            "use padding='same' in the Conv/Pool layers, remove a downsampling stage, "
            "or feed larger inputs; check the data has a batch axis (a single image looks like a tiny batch)"
        ),
        actual=received,
    )


def _conv_negative(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    return spatial(f"a window of {match.group(3)} does not fit in {match.group(2)} (output size {match.group(1)})")


def _conv_graph(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    if not re.search(r"(?i)conv|pool", match.group(0)):
        return None  # a Slice or another op: not a window that does not fit
    window, size = match.group(1), match.group(2)
    return spatial(f"a window of {window} does not fit in {size}", format_shape(parse_shape(match.group(3))))


def _cropping(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    received = format_shape(parse_shape(match.group(1)))
    diagnosis = spatial("the crop removes the whole axis", received)
    diagnosis.hint = (
        f"crop less than the input has ({received}): lower the Cropping layer's cropping=, or feed larger inputs"
    )
    return diagnosis


def _downsampling(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    layer, received = match.group(1), parse_shape(match.group(2))
    dims = re.search(r"(?i)(?:conv|pooling)_?([123])d", layer)
    want = int(dims.group(1)) + 2 if dims else None
    if want is not None and len(received) == want + 1:
        # tf_keras checks a Conv2D's output sizes before its input's rank: an axis too many reads as "too small"
        diagnosis = too_many_axes(f"input of layer '{layer}'", f"rank {want}", want, received, image=True)
    else:
        diagnosis = spatial(f"layer '{layer}' downsamples below one pixel/step", format_shape(received))
    diagnosis.layer = layer
    return diagnosis


def _conv_keras(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    received = format_shape(parse_shape(match.group(1)))
    window = re.search(r"(pool_size|kernel shape)=(\([^)]*\))", match.string)
    layer = re.search(r"when calling (\w+)\.call", match.string)
    detail = f"{window.group(1)} {window.group(2)}" if window else "the window"
    diagnosis = spatial(f"{detail} does not fit", received)
    if layer:
        diagnosis.layer = layer.group(1)
    return diagnosis


# -- dtypes ---------------------------------------------------------------------

_DTYPE_NAMES = {"float": "float32", "double": "float64", "half": "float16", "int32": "int32", "int64": "int64"}


_MIXED_PRECISION_HINT = (
    "under mixed precision a layer computes in float16 while constants and new tensors default to float32: "
    "cast them to the input's dtype, tf.cast(c, x.dtype)"
)


def _mixed_precision(*dtypes: str) -> bool:
    return "float32" in dtypes and any(name in ("float16", "bfloat16") for name in dtypes)


_FLOATS = {"float16", "bfloat16", "float32", "float64"}


def dtype(op: str, expected: str, actual: str) -> Diagnosis:
    expected, actual = _DTYPE_NAMES.get(expected, expected), _DTYPE_NAMES.get(actual, actual)
    if op in ("MatMul", "BatchMatMulV2") and "int" in (expected + actual):
        hint = (
            "integer ids times a float table? look rows up with tf.gather(table, ids) / layers.Embedding, "
            f"or cast: tf.cast(x, tf.{expected if 'float' in expected else actual})"
        )
    elif _mixed_precision(expected, actual):
        hint = _MIXED_PRECISION_HINT
    elif {expected, actual} & _FLOATS and any("int" in name for name in (expected, actual)):
        # uint8 pixels minus a float mean: casting the float to uint8 would truncate it; the integers go to float
        floating = expected if expected in _FLOATS else actual
        hint = f"cast the integer operand to {floating}: tf.cast(x, tf.{floating}) (pixels before normalising)"
    else:
        hint = f"cast one operand: tf.cast(x, tf.{expected})"
    return Diagnosis(
        "dtype-mismatch",
        f"{op}: an operand is {actual} where {expected} is expected",
        hint=hint,
        expected=expected,
        actual=actual,
    )


def _object_array(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    """A NumPy array of dtype object given to Keras/TensorFlow: mixed or missing values (pandas' `.values`
    of mixed columns), or rows of different lengths. TensorFlow names the element type, Keras 3 only `object`."""
    element = match.group(1) if match.lastindex else None
    found = [
        (name, value)
        for name, value in (("x", context.inputs), ("y", context.argument("y")))
        if getattr(getattr(value, "dtype", None), "kind", None) == "O"
    ]
    numeric = getattr(getattr(context.inputs, "dtype", None), "kind", None) in ("i", "u", "f", "b")
    if not found and (numeric or element in ("int", "float", "bool")) and _TEXT_LAYER.search(message.layer or ""):
        return _numbers_for_text(match, message, context)  # Keras 3 converts a text layer's input to strings
    shape = context.shape_of(found[0][1]) if found else None
    where = f"{found[0][0]} {format_shape(shape)}" if found and isinstance(shape, tuple) else "an array"
    ragged = element in ("numpy.ndarray", "list") or (isinstance(shape, tuple) and len(shape) == 1 and element is None)
    if ragged:
        hint = (
            "its rows have different lengths: pad them to one length, keras.utils.pad_sequences(rows, "
            "padding='post'), or use tf.ragged.constant(rows) / a tf.data pipeline with padded_batch"
        )
    else:
        hint = (
            "convert it to numbers first: np.asarray(x, dtype='float32') (from pandas: df.astype('float32')."
            "to_numpy()); strings or None in a column must be encoded or filled before"
        )
    return Diagnosis(
        "dtype-mismatch",
        f"{where} is a NumPy array of dtype object, which cannot become a tensor",
        hint=hint,
        expected="a numeric dtype (float32, int64 ...)",
        actual="object",
    )


_TEXT_LAYER = re.compile(r"(?i)text_?vectorization|string_?lookup")


def _numbers_for_text(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    """Numbers where text is wanted: token ids into a TextVectorization or StringLookup (TensorFlow has no
    cast from numbers to strings)."""
    value = context.inputs
    shape = context.shape_of(value) if value is not None else None
    where = f"x {format_shape(shape)}" if isinstance(shape, tuple) else "the data"
    layer = f"layer '{message.layer}'" if message.layer else "a layer"
    return Diagnosis(
        "dtype-mismatch",
        f"{where} holds numbers, but {layer} takes strings (raw text)",
        hint="give it the text itself; ids that are already tokens skip the TextVectorization/StringLookup "
        "(feed them to the Embedding), or tf.strings.as_string(x) where numbers really are words",
        expected="string",
        actual="a numeric dtype",
    )


def _string_array(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    """Strings where numbers are wanted: class names as labels, raw text as input (only dtypes are shown)."""
    found = [
        (name, value)
        for name, value in (("y", context.argument("y")), ("x", context.inputs))
        if getattr(getattr(value, "dtype", None), "kind", None) in ("U", "S")
    ]
    name, value = found[0] if found else ("the data", None)
    shape = context.shape_of(value) if value is not None else None
    where = f"{name} {format_shape(shape)}" if isinstance(shape, tuple) else name
    if name == "y":
        hint = (
            "encode the class names as ids: classes, y = np.unique(y, return_inverse=True) (or a "
            "layers.StringLookup), with loss='sparse_categorical_crossentropy'"
        )
    elif name == "x":
        hint = "turn the text into numbers first: layers.TextVectorization or layers.StringLookup, in the model or the pipeline"
    else:
        hint = (
            "strings do not cast to numbers: parse numeric text with tf.strings.to_number(s), or map words to ids "
            "with layers.StringLookup / layers.TextVectorization"
        )
    return Diagnosis(
        "dtype-mismatch",
        f"{where} holds strings, which the model and the loss cannot compute with",
        hint=hint,
        expected="a numeric dtype (int64 class ids, float32 values)",
        actual="string",
    )


def _dtype_eager(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    op = re.search(r"compute (?:_Mkl(?:Native)?)?(\w+)", match.string)  # oneDNN kernels: _MklMatMul is MatMul
    return dtype(op.group(1) if op else "op", match.group(1), match.group(2))


def _dtype_graph(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    return dtype(match.group(2), match.group(4), match.group(3))


def _dtype_list(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    """A list input (concat, stack, add_n) whose tensors have several dtypes."""
    op, types = match.group(2), [name.strip() for name in match.group(3).split(",")]
    first, other = types[0], next((name for name in types if name != types[0]), types[-1])
    return Diagnosis(
        "dtype-mismatch",
        f"{op}: its inputs have dtypes {', '.join(types)}; they must all have one",
        hint=(
            _MIXED_PRECISION_HINT
            if _mixed_precision(*types)
            else f"cast them to one dtype first: tf.cast(x, tf.{first}) on the {other} one"
        ),
        expected=first,
        actual=other,
    )


def _generator_dtype(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    # the message goes on with the element's value: never shown
    expected = match.group(1)
    return Diagnosis(
        "dtype-mismatch",
        f"Dataset.from_generator: the generator yielded an element that cannot be converted to {expected}",
        hint=f"yield {expected} values (class names? map them to ids in the generator), or declare the dtype "
        "the generator really yields in output_signature",
        expected=expected,
    )


# -- concatenation / stacking -----------------------------------------------------


def _concat(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    texts = match.groups() if match.lastindex else re.findall(S, match.group(0).split("Received", 1)[-1])
    a, b = (parse_shape(text) for text in (texts[0], texts[1] if len(texts) > 1 else texts[0]))
    return last_batch_pair("concatenating", a, b, context) or concat_shapes(
        a, b, _concat_axis(context, len(a)), _upsampled_inputs(context)
    )


def _concat_axis(context: Any, rank: int) -> int | None:
    """The axis of the Concatenate layer that raised (its `axis`), or of an eager `tf.concat(values, axis)`."""
    layers = [layer for layer, _ in context.keras_calls if type(layer).__name__ == "Concatenate"]
    arguments = context.op_arguments
    if layers:
        axis = getattr(layers[-1], "axis", None)
    elif len(arguments) == 2 and isinstance(arguments[0], list | tuple):
        axis = arguments[1]
    else:
        return None
    if isinstance(axis, bool) or not isinstance(axis, int) or not -rank <= axis < rank:
        return None
    return axis % rank


_UPSAMPLING = re.compile(r"UpSampling[123]D|Conv[123]DTranspose")


def _upsampled_inputs(context: Any) -> list[tuple[Any, ...]]:
    """The shapes of the Concatenate layer's inputs that an upsampling layer made (the decoder side of a U-Net)."""
    from pytest_shapes.adapters.models import producer_of

    found = []
    for layer, received in context.keras_calls:
        if type(layer).__name__ == "Concatenate" and isinstance(received, list | tuple):
            for tensor in received:
                shape = context.shape_of(tensor)
                if _UPSAMPLING.fullmatch(type(producer_of(tensor)).__name__) and isinstance(shape, tuple):
                    found.append(shape)
    return found


def concat_shapes(
    a: tuple[Any, ...], b: tuple[Any, ...], axis: int | None = None, upsampled: list[tuple[Any, ...]] | None = None
) -> Diagnosis:
    shown = f"{format_shape(a)} and {format_shape(b)}"
    short, long = (a, b) if len(a) < len(b) else (b, a)
    # a vector of one value per sample, (16,) with (16, 2), only when the known batch sizes say so
    batch_known = len(short) >= 2 or (bool(short) and short[0] is not None and short[0] == long[0])
    if len(long) == len(short) + 1 and batch_known and _same_known(short, long[:-1]):
        # (None, 10, 8) with (None, 10): a per-step feature without its own feature axis
        fixed = format_shape((*short, 1))
        return Diagnosis(
            "missing-axis",
            f"concatenating {shown}: {format_shape(short)} lacks the last axis of {format_shape(long)}",
            hint=f"give it a feature axis of size 1 before concatenating: layers.Reshape({format_shape((*short[1:], 1))}) "
            f"or tf.expand_dims(x, -1)  # {format_shape(short)} -> {fixed}",
            expected=format_shape((*short, None)),
            actual=format_shape(short),
            axis=len(short),
        )
    ones = [axis for axis in range(1, len(long) - 1) if long[axis] == 1]
    if len(long) == len(short) + 1 and len(ones) == 1 and _same_known(short[:-1], _without(long, ones[0])[:-1]):
        # (None, 1, 8) from an Embedding on one id, with (None, 4): the size-1 axis is in the way
        return _extra_unit_axis(f"concatenating {shown}", long, ones[0], "before concatenating")
    if len(a) != len(b):
        return Diagnosis(
            "rank-mismatch",
            f"concatenating/stacking {shown}: ranks differ ({len(a)} vs {len(b)})",
            hint="give every input the same rank (tf.expand_dims / layers.Reshape) before concatenating",
            expected=format_shape(a),
            actual=format_shape(b),
        )
    differing = [i for i in range(len(a)) if a[i] is not None and b[i] is not None and a[i] != b[i] and i != axis]
    along = f" along axis {axis}" if axis is not None else ""
    return Diagnosis(
        "size-mismatch",
        f"concatenating/stacking {shown}{along}: axes {differing} differ; only the concatenation axis may",
        hint=_odd_size_hint(a, b, differing, upsampled or [])
        or "make the other axes equal (resize, pad or project one input), or concatenate along the axis that differs",
        expected=format_shape(a),
        actual=format_shape(b),
        axis=differing[0] if differing else None,
    )


def _odd_size_hint(
    a: tuple[Any, ...], b: tuple[Any, ...], differing: list[int], upsampled: list[tuple[Any, ...]]
) -> str | None:
    """A U-Net skip one pixel off: pooling an odd size rounds it down, upsampling doubles that (15 -> 7 -> 14).
    Only when an upsampling layer made the smaller input, and every larger size is odd."""
    spatial = len(a) - 2
    if not differing or not 1 <= spatial <= 3 or any(not 1 <= i <= spatial for i in differing):
        return None
    gaps = {a[i] - b[i] for i in differing}
    if gaps not in ({1}, {-1}):
        return None
    larger, smaller = (a, b) if gaps == {1} else (b, a)
    if smaller not in upsampled or any(larger[i] % 2 == 0 for i in differing):
        return None
    crop = [(0, 1) if i in differing else (0, 0) for i in range(1, spatial + 1)]
    cropping = crop[0] if spatial == 1 else tuple(crop)
    sizes = " x ".join(str(size) for size in smaller[1 : spatial + 1])
    return (
        f"an odd size halved by pooling and doubled by upsampling comes back one short: crop the larger input "
        f"{format_shape(larger)} to {sizes} with layers.Cropping{spatial}D({cropping}), or give the model "
        "sizes divisible by 2 ** (number of poolings)"
    )


def _conv_rank(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """A raw convolution's input of the wrong rank; the filter (h, w, in_channels, out) says which axis is missing."""
    want, got = int(match.group(1)), int(match.group(2))
    value, kernel = parse_shape(match.group(3)), parse_shape(match.group(4))
    if got != want - 1 or len(value) != got or len(kernel) != want or 'data_format="NC' in match.group(0):
        return None  # channels-first graphs keep the channels elsewhere
    shown, channels = format_shape(value), kernel[-2]
    if value[-1] == channels:  # the channels are there: the batch axis is not
        fixed = format_shape((1, *value))
        return Diagnosis(
            "missing-batch-axis",
            f"convolution input {shown}: one image without its batch axis (the filter wants {channels} channels)",
            hint=f"add the batch axis: tf.expand_dims(x, 0)  # {shown} -> {fixed}",
            expected=f"rank {want}",
            actual=shown,
            axis=0,
        )
    fixed = format_shape((*value, channels))
    code = "x[..., None]" if channels == 1 else f"np.repeat(x[..., None], {channels}, axis=-1)"
    return Diagnosis(
        "missing-axis",
        f"convolution input {shown}: no channel axis (the filter wants {channels} channels)",
        hint=f"add the channel axis: {code}  # {shown} -> {fixed}",
        expected=f"rank {want}",
        actual=shown,
        axis=want - 1,
    )


def _unit_axis_the_other_lacks(a: tuple[Any, ...], b: tuple[Any, ...]) -> tuple[tuple[Any, ...], int] | None:
    """The longer of two shapes one rank apart, and its one non-batch size-1 axis whose removal gives the other."""
    if abs(len(a) - len(b)) != 1:
        return None
    short, long = (a, b) if len(a) < len(b) else (b, a)
    ones = [axis for axis in range(1, len(long)) if long[axis] == 1 and _same_known(_without(long, axis), short)]
    return (long, ones[0]) if len(ones) == 1 else None


def _extra_unit_axis(what: str, long: tuple[Any, ...], axis: int, when: str) -> Diagnosis:
    """`long` carries a size-1 axis the other input lacks (an Embedding of one id keeps one)."""
    fixed = _without(long, axis)
    return Diagnosis(
        "extra-axis",
        f"{what}: {format_shape(long)} has an extra axis {axis} of size 1",
        hint=f"drop it {when}: layers.Flatten() or layers.Reshape({format_shape(fixed[1:])}) "
        f"(e.g. after an Embedding of one id)  # {format_shape(long)} -> {format_shape(fixed)}",
        expected=format_shape(fixed),
        actual=format_shape(long),
        axis=axis,
    )


def _without(shape: tuple[Any, ...], axis: int) -> tuple[Any, ...]:
    return shape[:axis] + shape[axis + 1 :]


def _tile_rank(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """Graph mode: the multiples' shape (n,) against the value's shape."""
    value, multiples = parse_shape(match.group(1)), parse_shape(match.group(2))
    if len(multiples) != 1 or not isinstance(multiples[0], int):
        return None
    return _tile_multiples(value, multiples[0])


def _tile_length(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """Eager: the value's rank and the multiples' count; the value itself is the op's first argument."""
    rank, count = int(match.group(1)), int(match.group(2))
    arguments = context.op_arguments
    value = context.shape_of(arguments[0]) if arguments else None
    return _tile_multiples(value if value is not None and len(value) == rank else rank, count)


def _tile_multiples(value: tuple[Any, ...] | int, count: int) -> Diagnosis | None:
    """tf.tile(x, multiples) takes one multiple per axis: one more than x has axes means x lacks that axis."""
    rank = value if isinstance(value, int) else len(value)
    shown = f"rank {rank}" if isinstance(value, int) else f"rank {rank} {format_shape(value)}"
    headline = f"tf.tile: {count} multiples for a tensor of {shown}"
    if count != rank + 1:
        return Diagnosis(
            "rank-mismatch",
            headline,
            hint=f"give tf.tile one multiple per axis of x: {rank} numbers, 1 for each axis it keeps as it is",
            expected=f"{rank} multiples",
            actual=f"{count} multiples",
        )
    if isinstance(value, int) or not value:
        return Diagnosis(
            "missing-axis",
            f"{headline}: x lacks the axis to repeat along",
            hint="add that axis first: tf.tile(tf.expand_dims(x, axis), multiples) (or layers.RepeatVector(n))",
            expected=f"rank {count}",
            actual=shown,
        )
    return Diagnosis(
        "missing-axis",
        headline,
        hint=f"add the axis to repeat along first: tf.tile(tf.expand_dims(x, 1), [1, n{', 1' * (rank - 1)}])  # "
        f"{format_shape(value)} -> {format_shape((value[0], 1, *value[1:]))} before tiling (or layers.RepeatVector(n))",
        expected=f"rank {count}",
        actual=format_shape(value),
        axis=1,
    )


def _transpose_eager(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    return _transpose_perm(int(match.group(1)), int(match.group(2)), None, context)


def _transpose_graph(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    return _transpose_perm(int(match.group(1)), int(match.group(2)), parse_shape(match.group(3)), context)


def _transpose_perm(rank: int, count: int, shape: tuple[Any, ...] | None, context: Any) -> Diagnosis:
    """tf.transpose(x, perm) takes one entry of perm per axis of x; a perm of one sample's axes leaves out the batch."""
    arguments = context.op_arguments
    value = context.shape_of(arguments[0]) if arguments else None
    shape = value if isinstance(value, tuple) and len(value) == rank else shape
    perm = next(
        (
            list(argument)
            for argument in arguments[1:]
            if isinstance(argument, list | tuple)
            and len(argument) == count
            and all(isinstance(axis, int) and not isinstance(axis, bool) for axis in argument)
        ),
        None,
    )
    shown = format_shape(shape) if shape else f"rank {rank}"
    hint = f"give perm one entry per axis of x: {rank} numbers, a permutation of 0..{rank - 1}"
    if perm is not None and count == rank - 1 and sorted(perm) == list(range(count)) and perm[0] != 0:
        fixed = [0, *(axis + 1 for axis in perm)]
        hint = f"perm {perm} orders one sample's axes, but x also has the batch axis: keep it first: tf.transpose(x, {fixed})"
        if shape:
            hint += f"  # {format_shape(shape)} -> {format_shape(tuple(shape[axis] for axis in fixed))}"
    return Diagnosis(
        "rank-mismatch",
        f"tf.transpose: perm has {count} entries for a tensor of {shown}",
        hint=hint,
        expected=f"{rank} entries",
        actual=f"{count} entries",
    )


def _gather_batch(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    """tf.gather(params, indices, batch_dims=n): the first n axes of params and indices must agree.

    The op's own arguments (when the traceback has them, and they are the sizes the message names)
    tell indices of rank 1 apart: one index vector meant for every sample has no batch axis.
    """
    axis, size, indices_size = int(match.group(1)), int(match.group(2)), int(match.group(3))
    operands = context.op_operand_shapes
    params, indices = (operands[0], operands[1]) if len(operands) >= 2 else ((), ())
    known = len(params) > axis and len(indices) > axis and (params[axis], indices[axis]) == (size, indices_size)
    if known and axis == 0 and len(indices) == 1:
        return Diagnosis(
            "missing-batch-axis",
            f"tf.gather(batch_dims=1): the indices {format_shape(indices)} have no batch axis, "
            f"params {format_shape(params)} have {size} samples",
            hint="to take the same indices from every sample, drop batch_dims: tf.gather(params, indices, axis=1); "
            f"for indices per sample, give them the batch axis: tf.tile(indices[None], [{size}, 1])"
            f"  # {format_shape(indices)} -> {format_shape((size, indices_size))}",
            expected=format_shape((size, indices_size)),
            actual=format_shape(indices),
        )
    shown = f"params {format_shape(params)}, indices {format_shape(indices)}" if known else "params and indices"
    return Diagnosis(
        "size-mismatch",
        f"tf.gather with batch_dims: axis {axis} of {shown} differ: {size} vs {indices_size}",
        hint=f"the first batch_dims axes of params and indices must be the same: give indices {size} rows "
        "on that axis (one per batch element), or lower batch_dims",
        expected=f"indices.shape[{axis}] = {size}",
        actual=f"indices.shape[{axis}] = {indices_size}",
        axis=axis,
    )


def _kernel_rank(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """Keras 3's convolution shape inference: a kernel (spatial..., in, out) for an input of another rank."""
    kernel, value = parse_shape(match.group(1)), parse_shape(match.group(2))
    dims = len(kernel) - 2
    if len(value) == len(kernel) - 1 and value and kernel[-2] == value[-1]:
        return _conv_without_channels(dims, kernel, value, context)
    if len(value) != len(kernel) + 1:
        return None
    if stray_unit_axis(value, channels=True) is not None:
        return too_many_axes(f"input of a {dims}D convolution", f"rank {len(kernel)}", len(kernel), value, image=True)
    return Diagnosis(
        "rank-mismatch",
        f"a {dims}D convolution got {format_shape(value)}, one axis more than its rank {len(kernel)}",
        hint=f"a sequence of {dims}D inputs (video frames)? wrap the layers in layers.TimeDistributed(...), or use the "
        f"Conv{dims + 1}D layer; else remove the extra axis",
        expected=f"rank {len(kernel)}",
        actual=format_shape(value),
    )


def _conv_without_channels(dims: int, kernel: tuple[Any, ...], value: tuple[Any, ...], context: Any) -> Diagnosis:
    """A convolution built on data without a channel axis takes its last spatial axis for the channels
    (a kernel (3, 3, 20, 4) for (None, 20, 20)), then finds the input one axis short of the kernel."""
    data = context.input_shapes
    fits_data = isinstance(data, tuple) and len(data) >= len(value) and tuple(data[-len(value) + 1 :]) == value[1:]
    hint = "give the data its channel axis (one channel), and declare it in keras.Input: x[..., None]"
    if fits_data:
        hint += f"  # {format_shape(data)} -> {format_shape((*data, 1))}"
    return Diagnosis(
        "missing-axis",
        f"a {dims}D convolution got {format_shape(value)}, without a channel axis: it took the last axis "
        f"({value[-1]}) for the channels, so its kernel is {format_shape(kernel)}",
        hint=hint,
        expected=f"rank {len(kernel)}",
        actual=format_shape(value),
        axis=len(value),
    )


def _minimum_size(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    height, width, shape = int(match.group(1)), int(match.group(2)), parse_shape(match.group(3))
    return Diagnosis(
        "spatial-too-small",
        f"keras.applications: input_shape {format_shape(shape)} is smaller than the model's minimum {height}x{width}",
        hint=f"resize the images to at least {height}x{width} (layers.Resizing({height}, {width}) first in the model, "
        "or tf.image.resize in the pipeline) and build the base with that input_shape",
        expected=f"at least {height}x{width}",
        actual=format_shape(shape),
    )


def _same_known(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b, strict=True))


def _matmul_ranks_single(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    return matmul_operand_rank(int(match.group(1)), f"rank {match.group(2)}")


def matmul_operand_rank(operand: int, rank: str) -> Diagnosis:
    """The matrix-product rank error when the operands' shapes are out of reach."""
    which = ("first", "second")[operand] if operand in (0, 1) else f"#{operand}"
    return Diagnosis(
        "missing-batch-axis",
        f"matrix product: the {which} operand has {rank}; a matrix product needs rank >= 2",
        hint="add the missing axis: tf.expand_dims(a, 0)  # (n,) -> (1, n)",
        expected="rank >= 2",
        actual=rank,
    )


def _dtype_attr_named(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    op = re.search(r"node (\w+)", match.string)
    allowed = [_DTYPE_NAMES.get(name.strip(), name.strip()) for name in match.group(2).split(",")]
    return Diagnosis(
        "dtype-mismatch",
        f"{op.group(1) if op else 'op'}: got {match.group(1)} where one of {match.group(2)} is allowed",
        hint=_cast_hint(_DTYPE_NAMES.get(match.group(1), match.group(1)), allowed),
        expected=match.group(2),
        actual=match.group(1),
    )


def _dtype_not_allowed(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    """An op's input of a dtype its definition does not allow (op_def_library's type check)."""
    parameter, actual = match.group(1), match.group(2)
    allowed = [name.strip() for name in match.group(3).split(",")]
    return Diagnosis(
        "dtype-mismatch",
        f"op input '{parameter}' is {actual}, not one of the allowed {', '.join(allowed)}",
        hint=_cast_hint(actual, allowed),
        expected=", ".join(allowed),
        actual=actual,
    )


def _float_required(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    actual = match.group(1)
    return Diagnosis(
        "dtype-mismatch",
        f"the op needs a floating point input, got {actual}",
        hint=_cast_hint(actual, ["float32"]),
        expected="a floating point dtype",
        actual=actual,
    )


def _cast_hint(actual: str, allowed: list[str]) -> str:
    if actual == "string":
        return "turn the strings into numbers first: layers.StringLookup / TextVectorization, or tf.strings.to_number"
    wanted = next((name for name in ("float32", "int32", "int64") if name in allowed), allowed[0])
    if "int" in wanted and "float" in actual:
        return f"ids, indices and labels must be integers: tf.cast(x, tf.{wanted})"
    if actual.startswith(("int", "uint")) and "float" in wanted:
        return f"cast it: tf.cast(x, tf.{wanted}) (scale integer samples or pixels first if the op expects a range)"
    return f"cast it: tf.cast(x, tf.{wanted})"


def _matmul_pair(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    a, b = parse_shape(match.group(1)), parse_shape(match.group(2))
    return _recurrent_kernel(a, b, message) or matmul(a, b)


# an RNN cell's recurrent kernel is (units, gates * units): 4 gates in an LSTM, 3 in a GRU
_RNN_GATES = (("lstm", 4), ("gru", 3))


def _recurrent_kernel(a: tuple[Any, ...], b: tuple[Any, ...], message: Message) -> Diagnosis | None:
    """In an LSTM/GRU cell, a state of another size than the layer's units meets the recurrent kernel."""
    cell = (message.layer or "").lower()
    gates = next((count for name, count in _RNN_GATES if name in cell), None)
    if gates is None or len(a) != 2 or len(b) != 2 or b[1] != gates * b[0] or a[1] == b[0]:
        return None
    return recurrent_state(message.layer or "the RNN cell", a, b[0])


def recurrent_state(where: str, state: tuple[Any, ...] | None, units: int) -> Diagnosis:
    """A state (None: of unknown shape) given to an RNN layer of `units` units."""
    given = f"a state of {state[-1]} features" if state else "a state of another size"
    return Diagnosis(
        "size-mismatch",
        f"{where}: {given} for a layer of {units} units",
        hint=f"an initial_state must have the layer's {units} units: give the layer as many units as the state "
        "(a Bidirectional encoder's concatenated states have twice its units), or project the state with "
        "layers.Dense",
        expected=format_shape((*state[:-1], units)) if state else f"(batch, {units})",
        actual=format_shape(state) if state else None,
        axis=-1,
    )


def _state_spec(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    # Keras 2 lists the given states' InputSpecs, a list the message reader drops as contents: read them raw
    raw = next((str(link) for link in context.chain if "cell.state_size" in str(link)), "")
    given = [parse_shape(text) for text in re.findall(rf"InputSpec\(shape=({S})", raw)]
    sizes = re.search(r"`cell\.state_size` is \[?([\d, ]+)", raw)
    units = [int(size) for size in sizes.group(1).replace(",", " ").split()] if sizes else [int(match.group(1))]
    if given and len(given) != len(units):
        return Diagnosis(
            "structure-mismatch",
            f"initial_state: {len(given)} state tensor(s) for a layer that keeps {len(units)} ({units})",
            hint="pass every state the layer keeps, as a list: an LSTM takes [h, c] (both from an encoder with "
            "return_state=True), a GRU or SimpleRNN takes [h]",
            expected=f"{len(units)} states",
            actual=f"{len(given)} states",
        )
    state = next((shape for shape, size in zip(given, units, strict=False) if shape and shape[-1] != size), None)
    return recurrent_state("initial_state", state, units[0])


def _einsum_rank(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    """Eager: the operands and the equation are the op's arguments."""
    index, want, got = int(match.group(1)), int(match.group(3)), int(match.group(4))
    arguments = context.op_arguments
    equation = next((value for value in arguments if isinstance(value, str) and "->" in value), None)
    operands = [context.shape_of(value) for value in arguments if not isinstance(value, str)]
    return _einsum_operand_rank(index, want, got, bool(match.group(2)), equation, operands)


def _graph_einsum_rank(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    """Graph mode: the message carries the equation and the operands' shapes."""
    want, got, index = int(match.group(2)), int(match.group(3)), int(match.group(4))
    operands = [parse_shape(shape) for shape in re.findall(S, match.group(6))]
    return _einsum_operand_rank(index, want, got, bool(match.group(1)), match.group(5), operands)


def _einsum_operand_rank(
    index: int, want: int, got: int, at_least: bool, equation: str | None, operands: list[Any]
) -> Diagnosis:
    """An einsum operand of another rank than its subscripts: a stray size-1 axis, or a letter it lacks."""
    shape = operands[index] if index < len(operands) and operands[index] is not None else None
    shape = shape if shape is not None and len(shape) == got else None
    expected = f"rank {'>= ' if at_least else ''}{want}"
    shown = format_shape(shape) if shape is not None else f"rank {got}"
    headline = f"einsum: operand {index} is {shown}, its subscripts want {expected}"
    ones = [axis for axis, size in enumerate(shape or ()) if size == 1]
    if shape is not None and not at_least and got == want + 1 and len(ones) == 1:
        fixed = shape[: ones[0]] + shape[ones[0] + 1 :]
        return Diagnosis(
            "extra-axis",
            f"{headline} (axis {ones[0]} of size 1 is extra)",
            hint=f"drop the size-1 axis: tf.squeeze(x, axis={ones[0]})  # {shown} -> {format_shape(fixed)}",
            expected=expected,
            actual=shown,
            axis=ones[0],
        )
    if shape is not None and not at_least and got == want - 1 and equation is not None:
        lacking = _einsum_missing_letter(equation, operands, index)
        if lacking is not None:
            return lacking
    return Diagnosis(
        "rank-mismatch",
        headline,
        hint="give the operand as many axes as its subscripts have letters (or use '...' for leading axes)",
        expected=expected,
        actual=shown,
    )


def _einsum_missing_letter(equation: str, operands: list[Any], index: int) -> Diagnosis | None:
    """The one letter of operand `index`'s subscripts whose removal makes its sizes agree with the others'."""
    inputs, _, output = equation.replace(" ", "").partition("->")
    subscripts = inputs.split(",")
    if "." in inputs or len(subscripts) != len(operands) or None in operands:
        return None
    letters, shape = subscripts[index], operands[index]
    known: dict[str, int | None] = {}  # the sizes the other operands give each letter (None: unknown there too)
    for other, (their_letters, their_shape) in enumerate(zip(subscripts, operands, strict=True)):
        if other != index and len(their_letters) == len(their_shape):
            for letter, size in zip(their_letters, their_shape, strict=True):
                if known.get(letter) is None:
                    known[letter] = size if isinstance(size, int) else None
    fits: dict[str, tuple[int, int]] = {}  # letter -> (its axis, how many of the other axes agree exactly)
    for axis, letter in enumerate(letters):
        pairs = list(zip(letters[:axis] + letters[axis + 1 :], shape, strict=True))
        if all(size is None or known.get(rest) in (None, size) for rest, size in pairs):
            # an unknown size lines up best with a letter unknown elsewhere too (the batch of a graph)
            fits[letter] = (axis, sum(1 for rest, size in pairs if rest in known and known[rest] == size))
    best = max((agree for _, agree in fits.values()), default=None)
    fits = {letter: fit for letter, fit in fits.items() if fit[1] == best}
    if len(fits) != 1 or not any(isinstance(size, int) for size in known.values()):
        return None
    ((letter, (axis, _)),) = fits.items()
    size = known.get(letter)
    wanted = (*shape[:axis], size, *shape[axis:])
    others = [part for other, part in enumerate(subscripts) if other != index]
    batch = axis == 0 and all(part[:1] == letter for part in others) and output[:1] == letter
    options = [f"give operand {index} its '{letter}' axis: {format_shape(shape)} -> {format_shape(wanted)}"]
    if size in (1, None):
        options[0] += f" (tf.expand_dims(x, {axis}))"
    if any(letter in part for part in others):  # the letter survives in another operand: this one may go without
        without = ",".join(
            part if other != index else letters.replace(letter, "", 1) for other, part in enumerate(subscripts)
        )
        options.append(
            f"if it is the same for every '{letter}', drop the letter: tf.einsum('{without}->{output}', ...)"
        )
    return Diagnosis(
        "missing-batch-axis" if batch else "missing-axis",
        f"einsum '{equation}': operand {index} is {format_shape(shape)}, without the '{letter}' axis "
        f"(axis {axis}{f', {size} long in another operand' if size is not None else ''}) its subscripts '{letters}' have",
        hint="; or ".join(options),
        expected=format_shape(wanted),
        actual=format_shape(shape),
        axis=axis,
    )


def _einsum(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    want, axis, shape, got = match.group(1), match.group(2), parse_shape(match.group(3)), match.group(4)
    summed = None if _in_attention(message, context) else _summed_letter(context, shape, int(axis))
    return _einsum_conflict(want, axis, shape, got, summed)


def _in_attention(message: Message, context: Any) -> bool:
    # inside an attention layer the summed letter is the key length: the key and value lengths differ
    return bool(_KERAS_ATTENTION.fullmatch(message.layer or "") or context.raised_in(_ATTENTION_CODE))


def _graph_einsum(
    node: str, a: tuple[Any, ...], b: tuple[Any, ...], message: Message, context: Any
) -> Diagnosis | None:
    """Graph-mode shape inference of an Einsum node, whose text carries the equation."""
    found = re.search(r'equation="([^"]+)"', node)
    if found is None:
        return None
    equation = found.group(1).replace(" ", "")
    inputs, _, output = equation.partition("->")
    subscripts = inputs.split(",")
    if len(subscripts) != 2 or "." in inputs or [len(part) for part in subscripts] != [len(a), len(b)]:
        return None
    sizes_a = dict(zip(subscripts[0], a, strict=True))
    for axis, (letter, got) in enumerate(zip(subscripts[1], b, strict=True)):
        want = sizes_a.get(letter)
        if isinstance(want, int) and isinstance(got, int) and want != got:
            summed = None if letter in output or _in_attention(message, context) else (equation, letter)
            return _einsum_conflict(str(want), str(axis), b, str(got), summed)
    return None


def _einsum_conflict(
    want: str, axis: str, shape: tuple[Any, ...], got: str, summed: tuple[str, str] | None
) -> Diagnosis:
    """An einsum letter of two sizes: `got` at `axis` of the operand `shape`, `want` in another."""
    if summed is not None:  # a letter the output drops is summed over: the inner sizes of a product
        equation, letter = summed
        return Diagnosis(
            "matmul-incompatible",
            f"einsum '{equation}' sums over '{letter}', which is {got} in the operand {format_shape(shape)} "
            f"(axis {axis}) and {want} in another",
            hint=f"the inner sizes of a product must agree: make '{letter}' one size in every operand (a weight "
            "built from the width of one input and multiplied with another? size it from the tensor it multiplies)",
            expected=want,
            actual=got,
            axis=int(axis),
        )
    return Diagnosis(
        "size-mismatch",
        f"einsum: axis {axis} of the operand {format_shape(shape)} is {got}, "
        f"but another operand has {want} for the same subscript",
        hint="every einsum letter must have one size in all operands (in attention: the key and value lengths, "
        "the query and key feature sizes): check which tensor is passed where",
        expected=want,
        actual=got,
        axis=int(axis),
    )


# Keras' own attention layers (a user's layer named "BilinearAttention" is not one): class or default name
_KERAS_ATTENTION = re.compile(
    r"(?:MultiHead|GroupedQuery|Additive)?Attention|(?:multi_head_|additive_)?attention(?:_\d+)?"
)
_ATTENTION_CODE = re.compile(r"layers[/\\]attention[/\\]")


def _summed_letter(context: Any, shape: tuple[Any, ...], axis: int) -> tuple[str, str] | None:
    """(equation, letter) when the einsum's operand `shape` has at `axis` a letter the output does not keep."""
    arguments = context.op_arguments
    equation = next((value for value in arguments if isinstance(value, str) and "->" in value), None)
    if equation is None:
        return None
    inputs, _, output = equation.replace(" ", "").partition("->")
    subscripts = inputs.split(",")
    operands = [context.shape_of(value) for value in arguments if not isinstance(value, str)]
    if len(operands) != len(subscripts) or operands.count(shape) != 1 or "." in inputs:
        return None  # which operand it is must be certain; '...' shifts the letters
    letters = subscripts[operands.index(shape)]
    if len(letters) != len(shape) or not 0 <= axis < len(letters) or letters[axis] in output:
        return None
    return equation, letters[axis]


def _dot_axes(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    size_a, axis_a, size_b, axis_b = match.group(1), match.group(2), match.group(3), match.group(4)
    a, b = parse_shape(match.group(5)), parse_shape(match.group(6))
    stray = _unit_axis_the_other_lacks(a, b)
    if stray is not None:
        return _extra_unit_axis(f"layers.Dot on {format_shape(a)} and {format_shape(b)}", *stray, "first")
    return Diagnosis(
        "matmul-incompatible",
        f"layers.Dot on {format_shape(a)} and {format_shape(b)}: it contracts axis {axis_a} (size {size_a}) "
        f"with axis {axis_b} (size {size_b})",
        hint="the contracted axes must have the same size: choose them with layers.Dot(axes=...), "
        f"or project one input first (e.g. layers.Dense({size_a}) on the second)",
        expected=f"axis {axis_b} of size {size_a}",
        actual=format_shape(b),
    )


def _sparse_matmul(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    """tf.sparse.sparse_dense_matmul: the message prints A's dimensions as a half-open `[n, m)`."""
    a = (int(match.group(1)), int(match.group(2)))
    return matmul(a, parse_shape(match.group(3)))


def _filter_rank(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    want = int(match.group(1))
    got = format_shape(parse_shape(match.group(2))) if match.group(2) else "another rank"
    axes = (
        "(depth, height, width, in_channels, out_channels)"
        if want == 5
        else "(height, width, in_channels, out_channels)"
    )
    return Diagnosis(
        "rank-mismatch",
        f"convolution: the filter must have rank {want}, got {got}",
        hint=f"pass the kernel itself, of rank {want} {axes}, e.g. tf.random.normal(shape), not its shape",
        expected=f"rank {want}",
        actual=got,
    )


def _matmul_from_operands(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """A shapeless message made whole with the op's arguments, when the traceback still has them."""
    operands = context.op_operand_shapes
    return matmul_ranks(operands[0], operands[1]) if len(operands) >= 2 else None


def matmul_rank_only(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    """What the shapeless message still tells, once no link of the chain said more (a last resort)."""
    return matmul_operand_rank(int(match.group(1)), "rank < 2")


ROWS = (
    # matrix products
    row(
        r"An `initial_state` was passed that is not compatible with `cell\.state_size`\..*?`cell\.state_size` is \[?(\d+)",
        _state_spec,
        re.S,
    ),
    row(rf"Matrix size-incompatible: In\[0\]: ({S}), In\[1\]: ({S})", _matmul_pair),
    row(rf"In\[0\] and In\[1\] has different ndims: ({S}) vs\. ({S})", _matmul_ranks),
    row(r"In\[(\d)\] ndims must be >= 2: (\d+)", _matmul_ranks_single),
    # graph mode: "Shape must be rank 2 but is rank 1 for '{{node MatMul}} = MatMul[...](a, b)' with input shapes: [64], [64,10]."
    row(
        rf"Shape must be rank \d+ but is rank \d+ for '[^']*= (?:MatMul|BatchMatMul\w*)\[.*?with input shapes: ({S}), ({S})",
        _matmul_ranks,
        re.S,
    ),
    row(
        rf"Shape must be rank \d+ but is rank \d+ for '[^']*= Tile\[.*?with input shapes: ({S}), ({S})",
        _tile_rank,
        re.S,
    ),
    row(
        rf"Shape must be rank (\d+) but is rank (\d+) for '[^']*= (?:Conv[23]D|DepthwiseConv2dNative)\[.*?with input shapes: ({S}), ({S})",
        _conv_rank,
        re.S,
    ),
    row(rf"Expected dimension (\d+) at axis (\d+) of the input shaped ({S}) but got dimension (\d+)", _einsum),
    row(r"Expected input (\d+) to have rank (at least )?(\d+) but got: (\d+) \[Op:Einsum\]", _einsum_rank),
    row(
        rf"Shape must be (at least )?rank (\d+) but is rank (\d+)\s+for (\d+)th input and equation: (\S+) "
        rf"for '[^']*' with input shapes: ((?:{S}(?:, )?)+)",
        _graph_einsum_rank,
        re.S,
    ),
    row(r"Expected multiples argument to be a vector of length (\d+) but got length (\d+)", _tile_length),
    row(r"params\.shape\[(\d+)\]: (\d+) should be equal to indices\.shape\[\1\]: (\d+)", _gather_batch),
    row(r"transpose expects a vector of size (\d+)\. But input\(1\) is a vector of size (\d+)", _transpose_eager),
    row(
        rf"Dimension must be (\d+) but is (\d+) for '[^']*= Transpose\[.*?with input shapes: ({S}), \[\d+\]",
        _transpose_graph,
        re.S,
    ),
    row(
        rf"Cannot multiply A and B because inner dimension does not match: \d+ vs\. \d+\..*?"
        rf"Dimensions of A: \[(\d+), (\d+)\)\.\s+Dimensions of B: ({S})",
        _sparse_matmul,
        re.S,
    ),
    row(r"(?<!input )(?:convolution )?filter must be (\d)-dimensional(?::? ?(\[[\d, ]*\]))?", _filter_rank),
    row(
        rf"Incompatible input shapes: axis values (\d+) \(at axis (\d+)\) != (\d+) \(at axis (\d+)\)\. Full input shapes: ({S}), ({S})",
        _dot_axes,
    ),
    # oneDNN kernels (TensorFlow's default on recent x86 CPUs) name no shapes: the op's arguments do
    row(r"In\[(\d)\] ndims must be >= 2(?!:)", _matmul_from_operands),
    # graph-mode shape inference of binary ops: the node says which op
    row(
        rf"Dimensions must be equal, but are (\d+) and (\d+) for '(.*?)' with input shapes: ({S}), ({S})",
        _graph_binary,
        re.S,
    ),
    # broadcasting
    row(rf"Incompatible shapes: ({S}) vs\. ({S})", _broadcast_pair),
    row(rf"Input shapes are: ({S}) and ({S})", _broadcast_pair),
    row(rf"Inputs have incompatible shapes\. Received shapes ({S}) and ({S})", _merge_pair),
    row(rf"operands could not be broadcast together with shapes ({S}) ({S})", _broadcast_pair),
    # reshape
    row(
        r"Input to reshape is a tensor with (\d+) values, but the requested shape (has|requires a multiple of) (\d+)",
        _reshape_eager,
    ),
    row(rf"Cannot reshape a tensor with (\d+) elements to shape ({S}) \((\d+) elements\)", _reshape_graph),
    row(
        rf"Eager execution of tf\.constant with unsupported shape\..*?has (\d+) elements, but got `?shape`? ({S}) "
        r"with (\d+) elements",
        _constant_shape,
        re.S,
    ),
    # graph mode, a target with an unknown axis: its known axes' product must divide the element count
    row(
        r"Dimension size must be evenly divisible by (\d+) but is (\d+) for '\{\{node [^']*Reshape", _reshape_divisible
    ),
    row(
        rf"total size of (?:the )?(?:tensor|new array) must be unchanged\.?,? (?:Received: )?input_shape ?= ?({S}),? (?:target_shape|output_shape|newshape) ?= ?({S})",
        _reshape_keras,
    ),
    # convolution / pooling sizes
    row(
        rf"Kernel shape must have the same length as input, but received kernel of shape ({S}) and input of shape ({S})",
        _kernel_rank,
    ),
    row(rf"Input size must be at least (\d+)x(\d+); (?:Received: input_shape=|got `input_shape=)({S})", _minimum_size),
    row(
        r"Computed output size would be negative: (-?\d+) \[input_size: (\d+), effective_filter_size: (\d+)",
        _conv_negative,
    ),
    row(
        rf"Negative dimension size caused by subtracting (\d+) from (\d+) for .*? with input shapes: ({S})",
        _conv_graph,
        re.S,
    ),
    row(r"Computed output size would be (?:zero or )?negative\. Received:? `?inputs[. ]shape=(\([^)]*\))", _conv_keras),
    # Keras' Cropping layers (Keras 3 and 2 wordings): the crop is larger than the input
    row(
        rf"cropping`? (?:parameter|argument|must).*?(?:smaller|greater) than the (?:input|corresponding).*?Received:? (?:input_shape|inputs\.shape)=({S})",
        _cropping,
        re.S,
    ),
    # tf_keras: "One of the dimensions in the output is <= 0 due to downsampling in conv2d_1. ... Received input shape [None, 3, 3, 1]"
    row(rf"output is <= 0 due to downsampling in ([\w/.-]+)\..*?Received input shape ({S})", _downsampling, re.S),
    # dtypes
    row(r"was expected to be a (\w+) tensor but is a (\w+) tensor", _dtype_eager),
    row(r"^Invalid dtype: object$", _object_array, re.M),  # Keras 3 standardize_dtype on an object ndarray
    row(r"^Invalid dtype: (?:str|bytes)\d+$", _string_array, re.M),  # Keras 3 standardize_dtype on a '<U4' ndarray
    row(
        r"Cast string to (?:u?int|float|bfloat|half|bool)\w* is not supported", _string_array
    ),  # TensorFlow's Cast kernel
    row(r"Cast (?:u?int|float|bfloat|half|bool)\w* to string is not supported", _numbers_for_text),  # the other way
    row(r"Failed to convert a NumPy array to a Tensor \(Unsupported object type ([\w.]+)\)", _object_array),
    row(r"Input '(\w+)' of '(\w+)' Op has type (\w+) that does not match type (\w+)", _dtype_graph),
    row(r"Value for attr 'T\w*' of (\w+) is not in the list of allowed values: ([\w, ]+)", _dtype_attr_named),
    row(
        r"Value passed to parameter '(\w+)' has DataType (\w+) not in list of allowed values: ([\w, ]+)",
        _dtype_not_allowed,
    ),
    row(r"dtype must be a floating point type\. (?:Found|Got):? <?(?:dtype: )?'?(\w+)'?>?", _float_required),
    row(r"Tensors in list passed to '(\w+)' of '(\w+)' Op have types \[([\w, ]+)\] that don't all match", _dtype_list),
    row(
        r"`generator` yielded an element that could not be converted to the expected type\. The expected type was (\w+)",
        _generator_dtype,
    ),
    # concatenation / stacking
    row(
        rf"ConcatOp ?: Dimension \d+ in both shapes must be equal: shape\[0\] = ({S}) vs\. shape\[1\] = ({S})", _concat
    ),
    row(rf"ConcatOp ?: Ranks of all input tensors should match: shape\[0\] = ({S}) vs\. shape\[\d+\] = ({S})", _concat),
    row(rf"Shapes of all inputs must match: values\[0\]\.shape = ({S}) != values\[1\]\.shape = ({S})", _concat),
    row(r"requires inputs with matching shapes except for the concat(?:enation)? axis\..*", _concat),
)


def refine(symptom: Diagnosis, message: Message, context: Any) -> Diagnosis:
    return root_cause(symptom, context) or symptom
