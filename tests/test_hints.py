"""Hints are true for the shapes they name: a hint's code, applied with NumPy, makes the data fit.

A hint that is a transformation reads `<what to do>: <code>[ or <code> / <code>]  # <from> -> <to>`;
each alternative is run on an array of the actual shape and must give the `<to>` shape, and
that shape must fit the expected one. Hints without the `  # from -> to` part are advice
(a model change), not transformations, and are checked by the corpus instead.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from conftest import HAVE_NUMPY
from hypothesis import assume, given
from hypothesis import strategies as st

from pytest_shapes.classify import compare, fits
from pytest_shapes.explainers.messages import parse_shape
from pytest_shapes.explainers.targets import explain_targets
from pytest_shapes.explainers.tf_ops import broadcast, matmul, matmul_ranks

pytestmark = pytest.mark.skipif(not HAVE_NUMPY, reason="needs NumPy")

if HAVE_NUMPY:
    import numpy as np

    # the TensorFlow calls hints use, done by NumPy (same shapes, no TensorFlow needed)
    tf = SimpleNamespace(
        expand_dims=lambda x, axis: np.expand_dims(x, axis),
        squeeze=lambda x, axis: np.squeeze(x, axis),
        transpose=lambda x, perm: np.transpose(x, perm),
        reshape=lambda x, shape: np.reshape(x, tuple(int(d) for d in shape)),
        shape=lambda x: np.array(x.shape),
        image=SimpleNamespace(
            resize=lambda x, size: np.zeros((*x.shape[:-3], *size, x.shape[-1]), x.dtype),
            rgb_to_grayscale=lambda x: x[..., :3].mean(axis=-1, keepdims=True),
        ),
        matmul=lambda a, b, transpose_a=False, transpose_b=False: np.matmul(
            np.swapaxes(a, -1, -2) if transpose_a else a, np.swapaxes(b, -1, -2) if transpose_b else b
        ),
    )
    keras = SimpleNamespace(utils=SimpleNamespace(to_categorical=lambda y, n: np.eye(n)[np.asarray(y).reshape(-1)]))

_TRANSFORMATION = re.compile(r"^(?:.*: )?(?P<code>.+?)  # (?P<source>\([^)]*\)) -> (?P<target>\([^)]*\))")


def transformations(hint: str) -> tuple[list[str], tuple, tuple] | None:
    """The code alternatives of a hint and its `from -> to` shapes, or None for advice."""
    match = _TRANSFORMATION.match(hint)
    if match is None:
        return None
    code = match.group("code").rsplit(": ", 1)[-1]
    alternatives = [part for alt in code.split(" or ") for part in alt.split(" / ")]
    return alternatives, parse_shape(match.group("source")), parse_shape(match.group("target"))


def apply(code: str, **arrays: object) -> dict:
    namespace = {"np": np, "tf": tf, "keras": keras, **arrays}
    if re.match(r"^\w+ = ", code):
        exec(code, namespace)  # e.g. "b = tf.transpose(b)"
    else:
        namespace["result"] = eval(code, namespace)
    return namespace


def assert_hint_makes_it_fit(hint: str, expected: tuple, actual: tuple) -> bool:
    found = transformations(hint)
    if found is None:
        return False
    alternatives, source, target = found
    assert source == actual, hint
    assert fits(expected, target), f"{hint!r}: {target} does not fit {expected}"
    for code in alternatives:
        result = apply(code, x=np.zeros(actual, "float32"))["result"]
        assert result.shape == target, f"{code!r} gives {result.shape}, the hint says {target}"
    return True


# -- contract kinds: generated (expected, actual) pairs ------------------------------

dims = st.integers(1, 6)
shapes = st.lists(dims, min_size=1, max_size=4).map(tuple)


@st.composite
def mismatched_pairs(draw):
    """(expected, actual) pairs as real bugs make them: an axis dropped, added, moved or resized."""
    shape = draw(shapes)
    expected = tuple(draw(st.sampled_from([None, size])) if i == 0 else size for i, size in enumerate(shape))
    bug = draw(st.sampled_from(["drop", "insert", "permute", "resize"]))
    if bug == "drop":
        at = draw(st.integers(0, len(shape) - 1))
        actual = shape[:at] + shape[at + 1 :]
    elif bug == "insert":
        at = draw(st.integers(0, len(shape)))
        actual = (*shape[:at], draw(dims), *shape[at:])
    elif bug == "permute":
        actual = tuple(draw(st.permutations(shape)))
    else:
        at = draw(st.integers(0, len(shape) - 1))
        actual = (*shape[:at], draw(dims), *shape[at + 1 :])
    return expected, actual


@given(mismatched_pairs(), st.sampled_from(["input", "output"]))
def test_every_transformation_hint_makes_the_data_fit(pair, role):
    expected, actual = pair
    assume(not fits(expected, actual))

    diagnosis = compare(expected, actual, "input of f", role=role)

    assert_hint_makes_it_fit(diagnosis.hint, expected, actual)


@pytest.mark.parametrize(
    ("expected", "actual", "kind"),
    [
        ((None, 64), (64,), "missing-batch-axis"),
        ((None, 28, 28, 1), (4, 28, 28), "missing-axis"),
        ((None, 28, 28, 3), (4, 28, 28), "missing-axis"),  # grayscale batch for an RGB model
        ((None, 10), (32, 1, 10), "extra-axis"),
        ((None, 32, 32, 3), (8, 3, 32, 32), "axis-order"),
        ((None, 16), (8, 4, 4), "rank-mismatch"),  # flattening gives the 16 features
        ((None, 32, 32, 3), (4, 32, 32, 1), "size-mismatch"),  # grayscale images for an RGB model
        ((None, 32, 32, 1), (4, 32, 32, 3), "size-mismatch"),  # color images for a grayscale model
        ((None, 32, 32, 1), (4, 32, 32, 4), "size-mismatch"),  # RGBA images (PNG) for a grayscale model
        ((None, 32, 32, 3), (4, 32, 32, 4), "size-mismatch"),  # RGBA images (PNG) for an RGB model
        ((None, 32, 32, 3), (1, 40, 40, 3), "size-mismatch"),  # another resolution
        ((None, 12), (16, 12, 50), "extra-axis"),  # one-hot tokens for an Embedding
    ],
)
def test_the_classic_bugs_get_a_transformation_that_fits(expected, actual, kind):
    diagnosis = compare(expected, actual, "input of f")

    assert diagnosis.kind == kind
    assert assert_hint_makes_it_fit(diagnosis.hint, expected, actual), diagnosis.hint


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ((None, 10, 6), (8, 6)),  # an LSTM fed one step per sample: a new axis of size 1 is not 10 steps
        ((8, 64), (64,)),  # a fixed batch size of 8: x[None] makes a batch of 1
        ((None, 64), (8, 4, 4)),  # flattening gives 16 features, not 64
    ],
)
def test_no_transformation_is_offered_where_none_fits(expected, actual):
    diagnosis = compare(expected, actual, "input of f")

    assert transformations(diagnosis.hint) is None, diagnosis.hint


# -- op-level kinds --------------------------------------------------------------


@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 6))
def test_matmul_hint_makes_the_product_work(n, k, m):
    assume(k != m)
    a, b = np.zeros((n, k)), np.zeros((m, k))  # the second operand transposed

    diagnosis = matmul(a.shape, b.shape)

    code = re.search(r"(tf\.matmul\(a, b, transpose_\w=True\))", diagnosis.hint)
    assert code is not None, diagnosis.hint
    assert apply(code.group(1), a=a, b=b)["result"].shape[-1] in (m, k)


@given(st.integers(1, 6), st.integers(1, 6))
def test_matmul_vector_hint_makes_the_product_work(k, m):
    a, b = np.zeros((k,)), np.zeros((k, m))

    diagnosis = matmul_ranks(a.shape, b.shape)

    code = re.search(r": (.+?)  # ", diagnosis.hint).group(1)
    a = apply(code, a=a)["result"]
    assert np.matmul(a, b).shape == (1, m)


@given(st.integers(2, 6), st.integers(2, 6), st.integers(2, 64))
def test_broadcast_hint_offers_both_projections(size_a, size_b, batch):
    assume(size_a != size_b)

    diagnosis = broadcast((batch, size_a), (batch, size_b))

    # which branch is the shortcut is not known: the hint must not guess
    assert f"layers.Dense({size_a})" in diagnosis.hint and f"layers.Dense({size_b})" in diagnosis.hint


def test_broadcast_on_a_spatial_axis_is_not_about_features():
    diagnosis = broadcast((8, 16, 16, 32), (8, 8, 8, 32))

    assert diagnosis.axis == 1
    assert "features" not in diagnosis.hint and "Dense" not in diagnosis.hint


label_shapes = st.lists(st.one_of(st.none(), st.integers(1, 6)), min_size=1, max_size=3).map(tuple)


@given(label_shapes, label_shapes, st.sampled_from([True, False, None]))
def test_target_diagnoses_show_two_different_shapes(labels, predictions, sparse):
    diagnosis = explain_targets(labels, predictions, sparse)

    if diagnosis is not None:
        assert diagnosis.expected != diagnosis.actual


@given(st.integers(1, 8), st.integers(2, 6), st.booleans())
def test_one_hot_hint_gives_labels_like_the_predictions(samples, classes, column):
    labels = (samples, 1) if column else (samples,)

    diagnosis = explain_targets(labels, (samples, classes), sparse=False)

    code = re.search(r"y = (keras\.utils\.to_categorical\(y, \d+\))", diagnosis.hint).group(1)
    y = apply(code, y=np.zeros(labels, "int64"))["result"]
    assert y.shape == (samples, classes)


@given(st.integers(1, 8), st.integers(2, 6))
def test_labels_with_an_extra_size_1_axis_are_squeezed_to_the_predictions(samples, classes):
    labels, predictions = (samples, 1, classes), (samples, classes)

    diagnosis = explain_targets(labels, predictions, sparse=False)

    code = re.search(r"y = (np\.squeeze\(y, axis=\d\))  # ", diagnosis.hint).group(1)
    assert apply(code, y=np.zeros(labels))["result"].shape == predictions


@given(st.lists(st.integers(1, 8), min_size=2, max_size=3), st.integers(1, 8), st.integers(2, 4))
def test_reshape_hint_gives_a_target_with_the_input_size(leading, channels, factor):
    from pytest_shapes.explainers.tf_ops import _reshape_keras

    have = int(np.prod(leading)) * channels
    target = (*leading, channels * factor)  # the channel count written wrong
    message = f"total size of the tensor must be unchanged. Received: input_shape=({have},), target_shape={target}"
    match = re.search(r"input_shape=(\([^)]*\)), target_shape=(\([^)]*\))", message)

    diagnosis = _reshape_keras(match, None, None)

    fitting = re.search(r"layers\.Reshape(\(\([^)]*\)\))", diagnosis.hint).group(1)
    assert int(np.prod(eval(fitting))) == have
