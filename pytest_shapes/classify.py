"""Name the root cause when an actual shape does not fit an expected one.

Runs only on failure, so it may be thorough: it tries the explanations a
person would (a missing batch axis, a dropped channel axis, swapped axes ...)
before falling back to "the sizes differ".
"""

from __future__ import annotations

import itertools
from typing import Any

from pytest_shapes.adapters.tensorflow import RAGGED
from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.spec import (
    VARIADIC,
    Named,
    NamedVariadic,
    Spec,
    StructSpec,
    format_dims,
    format_shape,
    merge_segments,
)

Shape = tuple[Any, ...]


def classify(
    spec: Spec,
    actual: Shape,
    where: str,
    bindings: dict[str, Any] | None = None,
    *,
    role: str = "input",
) -> Diagnosis:
    """Explain why `actual` does not fit `spec`.

    `where` names the value ("input of model 'clf'"); `role` ("input" or
    "output") picks the advice: a missing axis on an input is fixed in the
    data, on an output usually in the model.
    """
    bindings = bindings or {}
    expected_text = _expected_text(spec, bindings)
    actual_text = format_shape(actual)

    conflict = _binding_conflict(spec, actual, bindings)
    if conflict is not None:
        name, index, bound, got = conflict
        return Diagnosis(
            kind="binding-conflict",
            message=(
                f"{where}: dim '{name}' is {_show(bound)} elsewhere in this call/test, "
                f"but {_show(got)} here (axis {index}); expected {expected_text}, got {actual_text}"
            ),
            hint=f"make every '{name}' the same size, or give the axes different names",
            expected=expected_text,
            actual=actual_text,
            axis=index,
        )

    template = _template(spec, bindings, len(actual))
    return compare(template, actual, where, role=role, expected_text=expected_text)


def compare(
    expected: Shape,
    actual: Shape,
    where: str,
    *,
    role: str = "input",
    expected_text: str | None = None,
    batch_first: bool = False,
) -> Diagnosis:
    """Root cause for two concrete shapes; None in `expected` means any size.

    Also the entry point for explainers, which get both shapes from an error
    message or a model rather than from a spec. `batch_first`: the facts (the
    labels' count) say axis 0 is the batch, so it never moves.
    """
    exp, act = tuple(expected), tuple(actual)
    expected_text = expected_text or format_dims(exp)
    actual_text = format_shape(act)
    base = f"{where}: expected {expected_text}, got {actual_text}"

    def result(kind: str, detail: str, hint: str, axis: int | None = None) -> Diagnosis:
        message = f"{base} ({detail})" if detail else base
        return Diagnosis(kind, message, hint, expected_text, actual_text, axis)

    if fits(exp, act):
        # explainers may pass shapes whose known sizes agree (unknown dims, or the
        # error lies elsewhere): say so rather than invent a root cause
        return result(
            "unknown-shape-error",
            "the known sizes fit",
            "compare the shapes with the op or layer named in the error",
        )
    if len(act) == len(exp) - 1:
        # a symbolic shape whose first dim is None already has its batch axis
        if fits(exp[1:], act) and not (act and act[0] is None):
            return result("missing-batch-axis", "no batch axis", _batch_axis_hint(exp[0], act))
        for index in range(len(exp) - 1, 0, -1):  # typically the trailing channel/feature axis
            if fits(exp[:index] + exp[index + 1 :], act):
                return result(
                    "missing-axis",
                    f"axis {index} of size {_show(exp[index])} is missing",
                    _missing_axis_hint(exp, act, index),
                    axis=index,
                )
    if len(act) == len(exp) + 1:
        candidates = [i for i in range(len(act)) if fits(exp, act[:i] + act[i + 1 :])]
        if candidates:
            # prefer dropping a size-1 axis: that is what a stray expand_dims leaves behind
            index = next((i for i in candidates if act[i] == 1), candidates[0])
            fixed = act[:index] + act[index + 1 :]
            if act[index] == 1:
                hint = f"drop the size-1 axis: tf.squeeze(x, axis={index})  # {actual_text} -> {format_shape(fixed)}"
            elif index == 0 and act[0] is None and len(act) > 1 and act[1] is None:
                hint = (
                    "the data has two batch axes (a tf.data dataset batched twice?): "
                    "remove one .batch(...), or call .unbatch() first"
                )
            elif role == "input" and index == len(act) - 1:
                hint = (
                    f"a one-hot (or probability) axis of {act[index]} where ids are expected? take the ids: "
                    f"np.argmax(x, axis=-1)  # {actual_text} -> {format_shape(fixed)}"
                )
            elif role == "input" and index == 0:
                hint = (
                    f"the value carries an extra leading axis of size {act[0]}: pass it one item at a time "
                    f"(x[0] is {format_shape(fixed)})"
                )
                if len(act) > 2 and isinstance(act[0], int) and isinstance(act[1], int):
                    # (2 clips, 4 frames, ...) for a frame model: the clips' frames become one batch
                    merged = (act[0] * act[1], *act[2:])
                    target = format_shape((-1, *act[2:]))
                    hint += f", or merge it into the batch: x.reshape({target}) gives {format_shape(merged)}"
            else:
                hint = f"remove axis {index} (size {act[index]}): {format_shape(act)} -> {format_shape(fixed)}"
            return result("extra-axis", f"axis {index} of size {_show(act[index])} is extra", hint, axis=index)
    if len(act) == len(exp):
        permutation = _permutation(exp, act, batch_first=batch_first)
        if permutation is not None:
            fixed = tuple(act[i] for i in permutation)
            perm = list(permutation)
            channels_first = len(act) == 4 and perm == [0, 2, 3, 1]
            detail = "channels-first data for a channels-last model" if channels_first else "axes in the wrong order"
            if perm[0] != 0:
                detail = f"the batch runs along axis {perm[0]}" + (": time-major sequences?" if perm[0] == 1 else "")
            return result(
                "axis-order",
                detail,
                f"transpose: tf.transpose(x, perm={perm}) or np.transpose(x, {tuple(perm)})"
                f"  # {actual_text} -> {format_shape(fixed)}",
                axis=0 if perm[0] != 0 else None,  # the batch axis is the one out of place
            )
        differing = [i for i in range(len(exp)) if not _dim_fits(exp[i], act[i])]
        index = differing[0]
        return result(
            "size-mismatch",
            f"axis {index}: expected {_show(exp[index])}, got {act[index]}",
            _size_hint(differing, exp, act, role),
            axis=index,
        )
    return result("rank-mismatch", f"rank {len(exp)} expected, got rank {len(act)}", _rank_hint(exp, act, role))


def stray_unit_axis(actual: Shape, *, channels: bool = False) -> int | None:
    """The size-1 axis (not the batch axis) whose removal is the one way to drop an axis of size 1.

    (None, 10, 1, 8) -> 2; (None, 28, 28, 1, 1) -> 3 (either 1 goes, the same shape stays);
    (None, 1, 28, 1) -> None (two different shapes could be meant). With `channels` the last axis
    holds a convolution's channels and stays: grayscale frames (None, 5, 16, 16, 1) have none to drop.
    """
    ones = [axis for axis in range(1, len(actual) - channels) if actual[axis] == 1]
    kept = {actual[:axis] + actual[axis + 1 :] for axis in ones}
    return ones[-1] if len(kept) == 1 else None


def fits(expected: Shape, actual: Shape) -> bool:
    return len(expected) == len(actual) and all(_dim_fits(e, a) for e, a in zip(expected, actual, strict=True))


def _dim_fits(expected: Any, actual: Any) -> bool:
    return not isinstance(expected, int) or actual is None or expected == actual


def _size(dim: Any) -> Any:
    return dim if isinstance(dim, int) else 1


def _show(dim: Any) -> str:
    if isinstance(dim, tuple):
        return format_dims(dim)
    return "None" if dim is None else str(dim)


def _permutation(expected: Shape, actual: Shape, *, batch_first: bool = False) -> tuple[int, ...] | None:
    """The permutation of `actual`'s axes that fits `expected`, closest to the identity.

    Closest means fewest inversions, so channels-first (N, C, H, W) reads as
    one axis moved, perm [0, 2, 3, 1], not as H and C swapped.
    """
    if len(actual) > 6 or fits(expected, actual):
        return None  # the order as given already fits: not an ordering problem
    # An unconstrained leading (batch) axis stays put: with it free to move, (4, 3) for
    # (None, 4) would read as "transpose" when a batch of 4 with 3 features is the likely truth.
    keep_batch = expected[0] is None
    best = None
    for perm in itertools.permutations(range(len(actual))):
        if keep_batch and perm[0] != 0:
            continue
        if all(_dim_fits(expected[i], actual[p]) for i, p in enumerate(perm)):
            inversions = sum(1 for i in range(len(perm)) for j in range(i + 1, len(perm)) if perm[i] > perm[j])
            if inversions and (best is None or inversions < best[0]):
                best = (inversions, perm)
    if best is None and keep_batch and not batch_first:
        best = _batch_swapped(expected, actual)
    if best is None:
        return None
    # only a real reordering: at least one moved axis must carry a distinct known size
    moved_sizes = {actual[p] for i, p in enumerate(best[1]) if i != p}
    return best[1] if len(moved_sizes) > 1 else None


def _batch_swapped(expected: Shape, actual: Shape) -> tuple[int, tuple[int, ...]] | None:
    """The batch axis swapped with one other, where every known size then fits exactly: time-major
    (20, 4, 8) sequences for a batch-major (None, 20, 8) model (PyTorch's RNNs take time first).

    Evidence only: rank 3 or more, and two or more known sizes besides the batch, all met exactly.
    """
    known = [i for i in range(1, len(expected)) if isinstance(expected[i], int)]
    if len(actual) < 3 or len(known) < 2:
        return None
    for k in range(1, len(actual)):
        perm = (k, *range(1, k), 0, *range(k + 1, len(actual)))
        if all(expected[i] == actual[perm[i]] for i in known) and isinstance(actual[k], int):
            return 1, perm
    return None


def _batch_axis_hint(batch: Any, actual: Shape) -> str:
    if isinstance(batch, int) and batch > 1:  # a model built with a fixed batch size
        return (
            f"the model takes batches of exactly {batch}: stack {batch} samples into one array "
            f"(np.stack(samples) gives {format_shape((batch, *actual))}), or build the model without a fixed batch size"
        )
    return (
        "add a batch axis: x[None, ...] or tf.expand_dims(x, 0) / np.expand_dims(x, 0)"
        f"  # {format_shape(actual)} -> {format_shape((1, *actual))}"
    )


def _missing_axis_hint(expected: Shape, actual: Shape, index: int) -> str:
    """A new axis has size 1: that fixes a missing axis of size 1 (or any size), not one of size 3."""
    size = expected[index]
    last = index == len(expected) - 1
    if not isinstance(size, int) or size == 1:
        fixed = (*actual[:index], 1, *actual[index:])
        code = "x[..., None]" if last else f"tf.expand_dims(x, axis={index})"
        return f"add the axis: {code}  # {format_shape(actual)} -> {format_shape(fixed)}"
    if last and len(expected) == 2:
        # features, not channels: repeating one value into {size} features fixes nothing
        return (
            f"each sample has one value where {size} features are expected: give x the shape (samples, {size}); "
            f"one sample of {size} features needs a batch axis instead: x[None, ...]"
        )
    if last:
        fixed = (*actual, size)
        return (
            f"single-channel data for a {size}-channel model? repeat the channel: "
            f"np.repeat(x[..., None], {size}, axis=-1)  # {format_shape(actual)} -> {format_shape(fixed)}; "
            "or build the model for 1 channel"
        )
    sample = format_shape(expected[1:])
    return (
        f"each sample must be {sample}, with {size} entries along axis {index}: build them from the data "
        f"(e.g. windows of {size} steps: keras.utils.timeseries_dataset_from_array(x, y, sequence_length={size})), "
        f"or declare that axis without a size (None) in the model's Input and feed tf.expand_dims(x, axis={index})"
    )


def _size_hint(differing: list[int], expected: Shape, actual: Shape, role: str) -> str:
    index = differing[0]
    want, got = expected[index], actual[index]
    last = len(expected) - 1
    ragged = [i for i in differing if actual[i] is RAGGED]
    if ragged:
        return (
            f"axis {ragged[0]} is ragged (its length differs from row to row): pad it to {want} "
            f"with x.to_tensor(shape=...) or pad_sequences, or declare that axis as None or a name"
        )
    if role == "output":
        return (
            f"the model produces {got} on axis {index} where {want} is expected: check the last layer's units/filters"
        )
    if len(expected) == 4 and set(differing) <= {1, 2} and all(isinstance(expected[i], int) for i in (1, 2)):
        # (N, H, W, C) images of another resolution
        fixed = (actual[0], expected[1], expected[2], actual[3])
        return (
            f"resize the images: tf.image.resize(x, ({expected[1]}, {expected[2]}))"
            f"  # {format_shape(actual)} -> {format_shape(fixed)}; or build the model for that size"
        )
    if differing == [last] and len(expected) >= 3 and got == 1 and isinstance(want, int):
        fixed = (*actual[:-1], want)
        return (
            f"single-channel (grayscale) data for a {want}-channel model: repeat the channel: "
            f"np.repeat(x, {want}, axis=-1)  # {format_shape(actual)} -> {format_shape(fixed)}; "
            "or build the model for 1 channel"
        )
    if differing == [last] and len(expected) == 4 and (got, want) in ((3, 1), (4, 1)):
        return (
            f"color images ({got} channels) for a grayscale model: load them as grayscale "
            "(image_dataset_from_directory(..., color_mode='grayscale'), load_img(..., color_mode='grayscale')) "
            f"or convert them: tf.image.rgb_to_grayscale(x[..., :3])  # {format_shape(actual)} -> "
            f"{format_shape((*actual[:-1], 1))}; or build the model for {got} channels"
        )
    if differing == [last] and len(expected) == 4 and (got, want) == (4, 3):
        return (
            f"RGBA images (an alpha channel) for an RGB model, keep the color channels: x[..., :3]  # "
            f"{format_shape(actual)} -> {format_shape((*actual[:-1], 3))}; or load them as RGB "
            "(tf.io.decode_png(data, channels=3), PIL's img.convert('RGB'))"
        )
    if differing == [last]:
        return (
            f"the last axis (features/channels) has {got} where {want} are expected: "
            "check for a dropped or extra feature column, or build the model for the data"
        )
    if len(differing) > 1:
        axes = ", ".join(str(i) for i in differing)
        return f"axes {axes} differ from {format_dims(expected)}: resize or crop the data, or build the model for it"
    return f"make axis {index} {want} long (resize or crop the data), or build the model for size {got}"


def _rank_hint(expected: Shape, actual: Shape, role: str) -> str:
    if len(actual) > len(expected) and len(expected) <= 2 and len(actual) >= 3:
        if role == "output":
            return (
                "the value kept spatial axes: add layers.Flatten() or layers.GlobalAveragePooling2D() "
                "before the Dense head"
            )
        per_sample = _product(actual[1:])
        if len(expected) == 2 and per_sample is not None and _dim_fits(expected[-1], per_sample):
            flat = (actual[0], per_sample)
            return f"flatten it: tf.reshape(x, (tf.shape(x)[0], -1))  # {format_shape(actual)} -> {format_shape(flat)}"
    return f"reshape or select the data to rank {len(expected)}: {format_dims(expected)}"


def _product(dims: Shape) -> int | None:
    total = 1
    for dim in dims:
        if not isinstance(dim, int):
            return None
        total *= dim
    return total


def _binding_conflict(spec: Spec, actual: Shape, bindings: dict[str, Any]) -> tuple[str, int, Any, Any] | None:
    """A named dim (or named variadic) whose bound size differs from `actual`."""
    if not _rank_fits(spec, len(actual)):
        return None
    for index, name in spec.named:
        got = actual[index]
        bound = bindings.get(name)
        if got is not None and bound is not None and bound != got:
            return name, index % len(actual), bound, got
    if spec.variadic_name is not None:
        start = spec.variadic_at
        assert start is not None
        stop = len(actual) - (len(spec.dims) - start - 1)
        bound = bindings.get("*" + spec.variadic_name)
        segment = tuple(actual[start:stop])
        if bound is not None and merge_segments(bound, segment) is None:
            return "*" + spec.variadic_name, start, bound, segment
    return None


def _rank_fits(spec: Spec, rank: int) -> bool:
    return rank == spec.rank if spec.rank is not None else rank >= spec.min_rank


def _template(spec: Spec, bindings: dict[str, Any], rank: int) -> Shape:
    """The spec as concrete dims (names resolved where bound) of the rank closest to `rank`."""
    dims: list[Any] = []
    for dim in spec.dims:
        if dim is VARIADIC or isinstance(dim, NamedVariadic):
            bound = bindings.get("*" + dim) if isinstance(dim, NamedVariadic) else None
            width = max(rank - spec.min_rank, 0)
            dims.extend(bound if bound is not None else (None,) * width)
        elif isinstance(dim, Named):
            dims.append(bindings.get(str(dim)))
        else:
            dims.append(dim)
    return tuple(dims)


def _expected_text(spec: Spec, bindings: dict[str, Any]) -> str:
    text = format_dims(spec.dims)
    bound = [f"{name}={bindings[name]}" for _, name in spec.named if name in bindings]
    return f"{text} with {', '.join(bound)}" if bound else text


def find_mismatch(spec: Any, shapes: Any, where: str, *, role: str = "input", path: str = "") -> Diagnosis | None:
    """The first place where `shapes` (a shape, or list/dict of shapes) breaks `spec`.

    For explainers, which hold shapes rather than values. `where` may contain
    "{path}", replaced by the position in the structure ("[0]", "['image']").
    A structure that does not line up with the spec yields None: the error
    message then speaks for itself.
    """
    if isinstance(spec, Spec):
        bindings: dict[str, Any] = {}
        if not isinstance(shapes, tuple) or spec.match(shapes, bindings):
            return None
        # pass on what the failed match bound: ('n', 'n') vs (3, 4) is a conflict, not an axis order
        return classify(spec, shapes, where.replace("{path}", path), bindings, role=role)
    items = spec.items
    if isinstance(items, dict) and isinstance(shapes, dict):
        pairs = [(items[key], shapes[key], f"{path}[{key!r}]") for key in items if key in shapes]
    elif isinstance(shapes, list) and len(shapes) == len(items):
        pairs = [(item, shape, f"{path}[{i}]") for i, (item, shape) in enumerate(zip(items, shapes, strict=True))]
    else:
        return None
    for item, shape, item_path in pairs:
        found = find_mismatch(item, shape, where, role=role, path=item_path)
        if found is not None:
            return found
    return None


def wrong_order_hint(spec: Any, shapes: Any) -> str | None:
    """A hint when the inputs of a list/dict spec fit only in another order (swapped inputs)."""
    if not isinstance(spec, StructSpec):
        return None
    items = spec.items
    if isinstance(items, dict):
        if not isinstance(shapes, dict) or set(shapes) != set(items):
            return None
        keys = list(items)
        order = _fitting_order([items[key] for key in keys], [shapes[key] for key in keys])
        if order is None:
            return None
        moves = ", ".join(f"{keys[i]!r} -> {keys[j]!r}" for j, i in enumerate(order) if i != j)
        return f"the values are under the wrong keys: move {moves}"
    if not isinstance(shapes, list) or len(shapes) != len(items):
        return None
    order = _fitting_order(list(items), shapes)
    if order is None:
        return None
    return (
        f"the inputs are in the wrong order: pass them as [{', '.join(f'inputs[{i}]' for i in order)}], "
        "or as a dict keyed by the Input names"
    )


def _fitting_order(items: list[Any], shapes: list[Any]) -> list[int] | None:
    if len(shapes) > 6:
        return None
    for order in itertools.permutations(range(len(shapes))):
        if list(order) != list(range(len(shapes))) and all(
            isinstance(item, Spec) and isinstance(shapes[i], tuple) and item.match(shapes[i], {})
            for item, i in zip(items, order, strict=True)
        ):
            return list(order)
    return None
