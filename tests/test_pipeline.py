"""Contracts on data (issue #11): `shapes.check` on a `tf.data.Dataset`, and the data a wrapped model's
`fit`/`evaluate` get, checked against its input contract before training."""

from __future__ import annotations

import pytest
from conftest import requires_tf, shape_failure

pytestmark = requires_tf

SETUP = """
import numpy as np
import pytest
import tensorflow as tf

keras = tf.keras
X = np.zeros((16, 64), "float32")
Y = np.zeros((16, 10), "float32")


def model():
    m = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(10)], name="clf")
    m.compile(loss="mse")
    return m


def pairs():
    return tf.data.Dataset.from_tensor_slices((X, Y))
"""


def test_a_dataset_is_checked_through_its_element_spec(run):
    result = run(
        SETUP
        + """
class Endless:  # iterating it would never end: check must not
    def __iter__(self):
        while True:
            yield X


def test_batched(shapes):
    shapes.check(pairs().batch(4), (("batch", 64), ("batch", 10)))


def test_unbatched_written_without_the_batch_axis(shapes):
    shapes.check(pairs(), ((64,), (10,)))


def test_not_iterated(shapes):
    dataset = tf.data.Dataset.from_generator(
        lambda: iter(Endless()), output_signature=tf.TensorSpec((None, 64), tf.float32)
    )
    shapes.check(dataset, (None, 64))
    assert [call.outcome for call in shapes.calls] == ["passed"]
    assert shapes.calls[0].output_shapes == (None, 64)


def test_never_batched(shapes):
    shapes.check(pairs(), (("batch", 64), ("batch", 10)))


def test_batched_twice(shapes):
    shapes.check(pairs().batch(4).batch(2), ((None, 64), (None, 10)))


def test_elements_are_not_pairs(shapes):
    shapes.check(tf.data.Dataset.from_tensor_slices(X).batch(4), ((None, 64), (None, 10)))


def test_feature_axis_missing(shapes):
    images = tf.data.Dataset.from_tensor_slices(np.zeros((8, 28, 28), "float32")).batch(4)
    shapes.check(images, (None, 28, 28, 1), name="images")
"""
    )
    result.assert_outcomes(passed=3, failed=4)
    result.stdout.fnmatch_lines(
        shape_failure(
            "[missing-batch-axis] elements[0] of the dataset: expected (batch, 64), got (64,) (no batch axis): "
            "the dataset is not batched",
            "batch the dataset: dataset = dataset.batch(32)",
        )
    )
    result.stdout.fnmatch_lines(
        shape_failure(
            "[extra-axis] elements[0] of the dataset: expected (None, 64), got (None, None, 64) "
            "(axis 0 of size None is extra)",
            "the data has two batch axes (a tf.data dataset batched twice?): remove one .batch(...), "
            "or call .unbatch() first",
        )
    )
    result.stdout.fnmatch_lines(["*[[]structure-mismatch[]] elements of the dataset: expected a list of 2*"])
    result.stdout.fnmatch_lines(
        shape_failure(
            "[missing-axis] elements of images: expected (None, 28, 28, 1), got (None, 28, 28) "
            "(axis 3 of size 1 is missing)",
            "add the axis: x[..., None]  # (None, 28, 28) -> (None, 28, 28, 1) "
            "(in the pipeline: the dataset's map() or what makes its elements)",
        )
    )


def test_a_wrapped_model_checks_the_data_of_fit_before_training(run):
    result = run(
        SETUP
        + """
def test_fit_on_batches_and_arrays(shapes):
    clf = shapes.wrap(model())
    clf.fit(pairs().batch(4), epochs=1, verbose=0, validation_data=(X, Y))
    clf.evaluate(X, Y, verbose=0)
    assert [(call.name, call.input_shapes) for call in shapes.calls] == [
        ("Sequential 'clf'.fit()", (None, 64)),
        ("Sequential 'clf'.evaluate()", (16, 64)),
    ]


def test_fit_on_an_unbatched_dataset(shapes):
    clf = shapes.wrap(model())
    with pytest.raises(ValueError):  # what Keras raises for it, so what the contract raises
        clf.fit(pairs(), epochs=1, verbose=0)
    assert clf.optimizer.iterations.numpy() == 0  # found before a single step


def test_validation_data_not_batched(shapes):
    shapes.wrap(model()).fit(pairs().batch(4), epochs=1, verbose=0, validation_data=pairs())


@pytest.mark.expect_shape((None, 10), input=("batch", 64))
def test_marker_contract_on_evaluate(shapes):
    shapes.wrap(model()).evaluate(np.zeros((16, 63), "float32"), Y, verbose=0)
"""
    )
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        shape_failure(
            "[missing-batch-axis] validation_data of Sequential 'clf'.fit(), a dataset's elements: "
            "expected (None, 64), got (64,) (no batch axis): the dataset is not batched",
            "batch the dataset: dataset = dataset.batch(32)",
        )
    )
    result.stdout.fnmatch_lines(
        ["*[[]size-mismatch[]] x of Sequential 'clf'.evaluate(): expected (batch, 64), got (16, 63)*"]
    )


@pytest.mark.parametrize("method", ["fit", "evaluate"])
def test_data_that_cannot_be_read_without_consuming_it_is_left_to_keras(run, method):
    result = run(
        SETUP
        + f"""
def test_generator(shapes):
    taken = []

    def batches():
        for i in range(4):
            taken.append(i)
            yield X[:4], Y[:4]

    clf = shapes.wrap(model())
    clf.{method}(batches(), verbose=0, **({{"epochs": 1, "steps_per_epoch": 4}} if "{method}" == "fit" else {{}}))
    assert taken == [0, 1, 2, 3]  # every batch reached Keras: none was read ahead by the check
    assert [call.input_shapes for call in shapes.calls] == [None]
"""
    )
    result.assert_outcomes(passed=1)
