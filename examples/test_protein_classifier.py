"""A 64-feature protein classifier: shape contracts, and what a broken input looks like.

The `test_broken_*` tests fail on purpose: their output shows the diagnoses
pytest-shapes gives. Runs under Keras 3 and legacy Keras 2 (`tf.keras`).
"""

import numpy as np
import pytest
import tensorflow as tf

keras = tf.keras

N_FEATURES = 64
N_CLASSES = 10


def protein_classifier():
    return keras.Sequential(
        [
            keras.Input(shape=(N_FEATURES,)),
            keras.layers.Dense(32, activation="relu", name="hidden"),
            keras.layers.Dense(N_CLASSES, activation="softmax", name="probabilities"),
        ],
        name="protein_classifier",
    )


def feature_matrix(n_samples=8, n_features=N_FEATURES):
    return np.random.default_rng(0).random((n_samples, n_features), dtype="float32")


@pytest.fixture
def model(shapes):
    return shapes.wrap(protein_classifier())


@pytest.mark.expect_shape(("batch", N_CLASSES), input=("batch", N_FEATURES), dtype="float32")
def test_batch_of_proteins_gives_one_row_of_class_probabilities_each(model):
    """A (8, 64) batch maps to (8, 10) float32 probabilities: the batch size binds across input and output."""
    probabilities = model(feature_matrix())

    np.testing.assert_allclose(np.sum(probabilities, axis=1), 1.0, rtol=1e-5)


@pytest.mark.expect_shape(("batch", N_CLASSES), input=("batch", N_FEATURES), dtype="float32")
def test_predict_is_checked_too(model):
    """`model.predict` on a wrapped model is checked against the same contract."""
    model.predict(feature_matrix(), verbose=0)


def test_feature_matrix_has_one_column_per_feature(shapes):
    """`shapes.check` asserts a plain value against a spec, no model needed."""
    shapes.check(feature_matrix(), ("samples", N_FEATURES), name="features")


@pytest.mark.expect_shape(("batch", N_CLASSES), input=("batch", N_FEATURES))
def test_broken_single_sample_without_batch_axis(model):
    """One protein of shape (64,) has no batch axis: missing-batch-axis, with the reshape to make."""
    model(feature_matrix()[0])


@pytest.mark.expect_shape(("batch", N_CLASSES), input=("batch", N_FEATURES))
def test_broken_dropped_feature_column(model):
    """A batch that lost one feature column, (8, 63): size-mismatch on axis 1."""
    model(feature_matrix()[:, 1:])


def test_broken_zero_config_single_sample_in_predict():
    """No marker, no fixture: the ValueError stays the failure and gains a `shape diagnosis` section."""
    protein_classifier().predict(np.zeros((N_FEATURES,), dtype="float32"), verbose=0)
