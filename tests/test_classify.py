"""Root causes of a shape that does not fit its spec (the contract-level kinds of SPEC §4)."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pytest_shapes import KINDS
from pytest_shapes.classify import classify, compare, find_mismatch, fits, stray_unit_axis
from pytest_shapes.spec import parse

CONTRACT_KINDS = {
    "missing-batch-axis",
    "missing-axis",
    "extra-axis",
    "axis-order",
    "size-mismatch",
    "rank-mismatch",
    "binding-conflict",
}


@pytest.mark.parametrize(
    ("expected", "actual", "role", "kind", "detail", "hint"),
    [
        pytest.param(
            (None, 28, 28, 1),
            (28, 28, 1),
            "input",
            "missing-batch-axis",
            "no batch axis",
            "add a batch axis: x[None, ...] or tf.expand_dims(x, 0) / np.expand_dims(x, 0)"
            "  # (28, 28, 1) -> (1, 28, 28, 1)",
            id="missing-batch-axis",
        ),
        pytest.param(
            (None, 28, 28, 1),
            (4, 28, 28),
            "input",
            "missing-axis",
            "axis 3 of size 1 is missing",
            "add the axis: x[..., None]  # (4, 28, 28) -> (4, 28, 28, 1)",
            id="missing-trailing-axis",
        ),
        pytest.param(
            (None, 5, 7, 3),
            (4, 7, 3),
            "input",
            "missing-axis",
            "axis 1 of size 5 is missing",
            "each sample must be (5, 7, 3), with 5 entries along axis 1: build them from the data "
            "(e.g. windows of 5 steps: keras.utils.timeseries_dataset_from_array(x, y, sequence_length=5)), "
            "or declare that axis without a size (None) in the model's Input and feed tf.expand_dims(x, axis=1)",
            id="missing-middle-axis",
        ),
        pytest.param(
            (None, 10),
            (32, 1, 10),
            "input",
            "extra-axis",
            "axis 1 of size 1 is extra",
            "drop the size-1 axis: tf.squeeze(x, axis=1)  # (32, 1, 10) -> (32, 10)",
            id="extra-size-1-axis",
        ),
        pytest.param(
            (None, 64),
            (8, 32, 64),
            "input",
            "extra-axis",
            "axis 0 of size 8 is extra",
            "the value carries an extra leading axis of size 8: pass it one item at a time (x[0] is (32, 64)), "
            "or merge it into the batch: x.reshape((-1, 64)) gives (256, 64)",
            id="extra-leading-axis",
        ),
        pytest.param(
            (None, 32, 32, 3),
            (8, 3, 32, 32),
            "input",
            "axis-order",
            "channels-first data for a channels-last model",
            "transpose: tf.transpose(x, perm=[0, 2, 3, 1]) or np.transpose(x, (0, 2, 3, 1))"
            "  # (8, 3, 32, 32) -> (8, 32, 32, 3)",
            id="channels-first",
        ),
        pytest.param(
            (None, 20, 8),
            (20, 4, 8),
            "input",
            "axis-order",
            "the batch runs along axis 1: time-major sequences?",
            "transpose: tf.transpose(x, perm=[1, 0, 2]) or np.transpose(x, (1, 0, 2))  # (20, 4, 8) -> (4, 20, 8)",
            id="time-major",
        ),
        pytest.param(
            (None, 64),
            (32, 63),
            "input",
            "size-mismatch",
            "axis 1: expected 64, got 63",
            "the last axis (features/channels) has 63 where 64 are expected: "
            "check for a dropped or extra feature column, or build the model for the data",
            id="size-mismatch-features",
        ),
        pytest.param(
            (None, 10),
            (32, 6),
            "output",
            "size-mismatch",
            "axis 1: expected 10, got 6",
            "the model produces 6 on axis 1 where 10 is expected: check the last layer's units/filters",
            id="size-mismatch-output",
        ),
        pytest.param(
            (None, 10),
            (32, 6, 6, 10),
            "output",
            "rank-mismatch",
            "rank 2 expected, got rank 4",
            "the value kept spatial axes: add layers.Flatten() or layers.GlobalAveragePooling2D() "
            "before the Dense head",
            id="head-without-flatten",
        ),
    ],
)
def test_compare(expected, actual, role, kind, detail, hint):
    diagnosis = compare(expected, actual, "input of clf", role=role)

    assert diagnosis.kind == kind
    assert diagnosis.headline == (
        f"[{kind}] input of clf: expected {parse(expected)!r}, got {parse(actual)!r} ({detail})"
    )
    assert diagnosis.hint == hint
    assert diagnosis.expected == repr(parse(expected))
    assert diagnosis.actual == repr(parse(actual))


def test_size_mismatch_names_the_axis():
    diagnosis = compare((None, 64), (32, 63), "input of clf")

    assert diagnosis.axis == 1


def test_classify_reports_a_binding_conflict():
    spec = parse(("batch", 10))
    bindings = {"batch": 32}

    diagnosis = classify(spec, (16, 10), "output of clf", bindings, role="output")

    assert diagnosis.kind == "binding-conflict"
    assert diagnosis.headline == (
        "[binding-conflict] output of clf: dim 'batch' is 32 elsewhere in this call/test, "
        "but 16 here (axis 0); expected (batch, 10) with batch=32, got (16, 10)"
    )
    assert diagnosis.hint == "make every 'batch' the same size, or give the axes different names"
    assert diagnosis.axis == 0


def test_classify_resolves_bound_names_before_comparing():
    # 'features' bound to 64 elsewhere pins the extra axis to the trailing 3, not the leading 8
    diagnosis = classify(parse(("batch", "features")), (8, 64, 3), "input of f", {"features": 64})

    assert diagnosis.kind == "extra-axis"
    assert diagnosis.axis == 2
    assert diagnosis.expected == "(batch, features) with features=64"


def test_named_variadic_conflict():
    spec = parse(("*lead", 10))
    diagnosis = classify(spec, (2, 6, 10), "output of f", {"*lead": (2, 5)})

    assert diagnosis.kind == "binding-conflict"
    assert "dim '*lead' is (2, 5) elsewhere in this call/test, but (2, 6) here" in diagnosis.message


def test_find_mismatch_keeps_bindings_within_one_shape():
    # the only thing wrong is that 'n' takes two sizes: not an axis-order problem
    diagnosis = find_mismatch(parse(("n", "n")), (3, 4), "input of f")

    assert diagnosis is not None
    assert diagnosis.kind == "binding-conflict"


def test_find_mismatch_walks_structures():
    spec = parse({"image": (None, 28, 28, 1), "label": (None,)})

    diagnosis = find_mismatch(spec, {"image": (28, 28, 1), "label": (4,)}, "input of m{path}")

    assert diagnosis is not None
    assert diagnosis.headline.startswith("[missing-batch-axis] input of m['image']: ")
    assert find_mismatch(spec, {"image": (4, 28, 28, 1), "label": (4,)}, "input of m{path}") is None


def test_compare_of_fitting_shapes_names_no_root_cause():
    # explainers may hold shapes whose known sizes agree (unknown dims): no invented cause, no crash
    diagnosis = compare((None, 3), (4, 3), "input of f")

    assert diagnosis.kind == "unknown-shape-error"
    assert diagnosis.headline == (
        "[unknown-shape-error] input of f: expected (None, 3), got (4, 3) (the known sizes fit)"
    )


def test_kinds_are_the_stable_ids():
    assert CONTRACT_KINDS.issubset(KINDS)


# -- properties --------------------------------------------------------------

sizes = st.integers(min_value=2, max_value=64)


def distinct_sizes(min_size, max_size=6):
    return st.lists(sizes, min_size=min_size, max_size=max_size, unique=True).map(tuple)


@given(st.lists(st.integers(0, 64), min_size=1, max_size=6).map(tuple), st.booleans())
def test_dropped_leading_axis_is_missing_batch_axis(shape, symbolic_batch):
    expected = (None, *shape[1:]) if symbolic_batch else shape

    diagnosis = classify(parse(expected), shape[1:], "input of f")

    assert diagnosis.kind == "missing-batch-axis"
    if expected[0] is None or expected[0] <= 1:
        assert diagnosis.hint.startswith("add a batch axis: x[None, ...]")
    else:  # x[None] would make a batch of 1, which a fixed batch size refuses
        assert diagnosis.hint.startswith(f"the model takes batches of exactly {expected[0]}: stack ")


@given(distinct_sizes(2), st.data())
def test_dropped_inner_axis_is_missing_axis(shape, data):
    axis = data.draw(st.integers(1, len(shape) - 1))
    actual = shape[:axis] + shape[axis + 1 :]

    diagnosis = classify(parse(shape), actual, "input of f")

    assert diagnosis.kind == "missing-axis"
    assert diagnosis.axis == axis
    assert f"axis {axis} of size {shape[axis]} is missing" in diagnosis.message
    if axis == len(shape) - 1 and len(shape) == 2:  # a feature axis: one value per sample, never repeated
        assert "features are expected: give x the shape (samples, " in diagnosis.hint
        assert "repeat" not in diagnosis.hint
    elif axis == len(shape) - 1:  # a channel axis
        assert "x[..., None]" in diagnosis.hint


@given(st.lists(st.integers(0, 64), max_size=5).map(tuple), st.data())
def test_inserted_size_1_axis_is_extra_axis_and_the_hint_squeezes_it(shape, data):
    at = data.draw(st.integers(0, len(shape)))
    actual = (*shape[:at], 1, *shape[at:])

    diagnosis = classify(parse(shape), actual, "input of f")

    assert diagnosis.kind == "extra-axis"
    squeezed = int(re.search(r"tf\.squeeze\(x, axis=(\d+)\)", diagnosis.hint).group(1))
    assert actual[:squeezed] + actual[squeezed + 1 :] == shape


@given(distinct_sizes(2), st.data())
def test_permuted_sizes_are_axis_order_and_the_perm_restores_them(shape, data):
    order = data.draw(st.permutations(range(len(shape))))
    assume(list(order) != sorted(order))
    actual = tuple(shape[i] for i in order)

    diagnosis = classify(parse(shape), actual, "input of f")

    assert diagnosis.kind == "axis-order"
    perm = [int(i) for i in re.search(r"perm=\[([\d, ]+)\]", diagnosis.hint).group(1).split(", ")]
    assert tuple(actual[i] for i in perm) == shape


@given(distinct_sizes(3), st.data())
def test_permuted_sample_axes_behind_a_batch_axis_are_axis_order(shape, data):
    order = data.draw(st.permutations(range(1, len(shape))))
    assume(list(order) != sorted(order))
    actual = (shape[0], *(shape[i] for i in order))

    diagnosis = classify(parse((None, *shape[1:])), actual, "input of f")

    assert diagnosis.kind == "axis-order"
    perm = [int(i) for i in re.search(r"perm=\[([\d, ]+)\]", diagnosis.hint).group(1).split(", ")]
    assert perm[0] == 0
    assert tuple(actual[i] for i in perm)[1:] == shape[1:]


@pytest.mark.parametrize(("actual", "axis"), [((4, 3), 1), ((32, 63), 1)])
def test_batch_size_equal_to_a_feature_size_is_not_axis_order(actual, axis):
    # a batch of 4 with 3 features, not a transposed (3, 4)
    diagnosis = compare((None, actual[0]), actual, "input of f")

    assert diagnosis.kind == "size-mismatch"
    assert diagnosis.axis == axis


@given(distinct_sizes(1), st.data())
def test_one_new_size_is_size_mismatch_on_that_axis(shape, data):
    axis = data.draw(st.integers(0, len(shape) - 1))
    wrong = data.draw(sizes.filter(lambda size: size not in shape))
    actual = (*shape[:axis], wrong, *shape[axis + 1 :])

    diagnosis = classify(parse(shape), actual, "input of f")

    assert diagnosis.kind == "size-mismatch"
    assert diagnosis.axis == axis
    assert f"(axis {axis}: expected {shape[axis]}, got {wrong})" in diagnosis.message


@given(distinct_sizes(1, 3), distinct_sizes(3))
def test_rank_difference_of_two_or_more_is_rank_mismatch(expected, actual):
    assume(abs(len(expected) - len(actual)) >= 2)

    assert classify(parse(expected), actual, "input of f").kind == "rank-mismatch"


shapes_with_unknowns = st.lists(st.one_of(st.none(), st.integers(0, 4)), max_size=5).map(tuple)


@given(shapes_with_unknowns, shapes_with_unknowns, st.sampled_from(["input", "output"]))
def test_any_mismatch_gets_a_contract_kind_and_a_hint(expected, actual, role):
    assume(not fits(expected, actual))

    diagnosis = compare(expected, actual, "input of f", role=role)

    assert diagnosis.kind in CONTRACT_KINDS
    assert diagnosis.hint
    assert diagnosis.headline.startswith(f"[{diagnosis.kind}] input of f: expected ")
    assert diagnosis.axis is None or 0 <= diagnosis.axis < max(len(expected), len(actual))


@given(shapes_with_unknowns)
def test_fitting_shapes_are_never_reported_as_reordered(shape):
    # the identity permutation fits: whatever compare says, it is not axis-order
    expected = tuple(None for _ in shape)

    assert compare(expected, shape, "input of f").kind != "axis-order"


@pytest.mark.parametrize(
    ("actual", "channels", "axis"),
    [
        ((None, 10, 1, 8), False, 2),
        ((None, 28, 28, 1, 1), True, 3),  # either 1 goes: the same shape stays
        ((None, 10, 8, 1), False, 3),  # an RNN's features: the trailing 1 is extra
        ((None, 5, 16, 16, 1), True, None),  # grayscale frames: the 1 is the channel axis
        ((None, 1, 28, 1), False, None),  # two different shapes could be meant
        ((1, 28, 28), False, None),  # the batch axis is never the stray one
    ],
)
def test_a_stray_size_1_axis_is_named_only_when_it_is_the_one_way(actual, channels, axis):
    assert stray_unit_axis(actual, channels=channels) == axis


def test_the_batch_axis_moves_only_with_two_known_sizes_met_exactly():
    # (4, 3) for (None, 4): a batch of 4 with 3 features, not a transposed batch of 3
    assert compare((None, 4), (4, 3), "input of f").kind == "size-mismatch"
    # one known size besides the batch is not evidence enough
    assert compare((None, None, 8), (8, 4, 3), "input of f").kind != "axis-order"
