"""Failures that are not shape bugs: pytest-shapes must leave every one alone.

Plain user code with no marker and no fixture. Runs under Keras 3 and under
legacy Keras 2 (TF_USE_LEGACY_KERAS=1), so it uses `tf.keras`.
tests/test_corpus.py runs each test through pytester and checks what a user sees.
"""

import numpy as np
import tensorflow as tf

keras = tf.keras  # tf_keras under TF_USE_LEGACY_KERAS=1, Keras 3 otherwise
layers = keras.layers

np.random.seed(0)


def dense_model(n_in=64, n_out=10):
    return keras.Sequential([keras.Input(shape=(n_in,)), layers.Dense(n_out)])


X16 = np.random.rand(16, 8).astype("float32")


def test_gather_out_of_range():
    tf.gather(tf.ones((5, 3)), tf.constant([0, 7]))


def test_user_value_error():
    raise ValueError("bad config")


def test_unknown_activation():
    layers.Dense(3, activation="foo")


def test_call_model_with_string():
    dense_model()("hello")


def test_zero_division():
    return 1 / 0


def test_not_found_read_file():
    tf.io.read_file("/nonexistent/definitely_missing.txt")


def test_user_value_error_with_shape_words():
    raise ValueError("expected shape (3, 4) in config file, got something else")


def test_unknown_loss():
    m = dense_model(8, 3)
    m.compile(optimizer="sgd", loss="not_a_loss")
    m.fit(X16, np.zeros((16, 3), "float32"), verbose=0, epochs=1)
