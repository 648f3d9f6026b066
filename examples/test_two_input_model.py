"""A functional model with two inputs, `features` (64) and `meta` (8): structure specs.

The `test_broken_*` tests fail on purpose: their output shows the diagnoses
pytest-shapes gives. Runs under Keras 3 and legacy Keras 2 (`tf.keras`).
"""

import numpy as np
import pytest
import tensorflow as tf

keras = tf.keras
layers = keras.layers


def two_input_model():
    features = keras.Input(shape=(64,), name="features")
    meta = keras.Input(shape=(8,), name="meta")
    joined = layers.Concatenate(name="join")([features, meta])
    score = layers.Dense(1, name="score")(joined)
    return keras.Model(inputs=[features, meta], outputs=score, name="scorer")


def batch(n, size):
    return np.zeros((n, size), dtype="float32")


@pytest.mark.expect_shape(("batch", 1), input=[("batch", 64), ("batch", 8)])
def test_inputs_as_a_list(shapes):
    """A list spec checks each input in order; `batch` binds across both inputs and the output."""
    model = shapes.wrap(two_input_model())

    model([batch(4, 64), batch(4, 8)])


@pytest.mark.expect_shape(("batch", 1), input={"features": ("batch", 64), "meta": ("batch", 8)})
def test_inputs_as_a_dict(shapes):
    """A dict spec checks inputs by name, as Keras matches them to the model's named inputs."""
    model = shapes.wrap(two_input_model())

    model({"features": batch(4, 64), "meta": batch(4, 8)})


@pytest.mark.expect_shape(("batch", 1), input=[("batch", 64), ("batch", 8)])
def test_broken_inputs_swapped(shapes):
    """[meta, features] instead of [features, meta]: the hint says the order is wrong."""
    model = shapes.wrap(two_input_model())

    model([batch(4, 8), batch(4, 64)])


def test_broken_zero_config_inputs_swapped_in_predict():
    """No marker, no fixture: Keras' error about input 0 gains a diagnosis that says the order is wrong."""
    two_input_model().predict([batch(4, 8), batch(4, 64)], verbose=0)


@pytest.mark.expect_shape(("batch", 1), input=[("batch", 64), ("batch", 8)])
def test_broken_batch_sizes_differ(shapes):
    """4 rows of features but 3 rows of meta: `batch` cannot be both, binding-conflict."""
    model = shapes.wrap(two_input_model())

    model([batch(4, 64), batch(3, 8)])
