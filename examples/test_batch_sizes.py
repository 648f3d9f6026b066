"""Contracts checked without data, at every batch size: `shapes.verify`.

A model can be right at the batch size it was trained with and wrong at another: the last, smaller
batch of an epoch, or a single request at serving time. The `test_broken_*` tests fail on purpose:
their output shows the diagnoses pytest-shapes gives. Runs under Keras 3 and legacy Keras 2.
"""

import pytest
import tensorflow as tf

keras = tf.keras

BATCH_SIZE = 32


def classifier():
    return keras.Sequential(
        [keras.Input((64,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10, activation="softmax")],
        name="classifier",
    )


class Regressor(keras.Model):
    """One value per sample, squeezed out of the Dense(1) head."""

    def __init__(self):
        super().__init__(name="regressor")
        self.hidden = keras.layers.Dense(16, activation="relu")
        self.head = keras.layers.Dense(1)

    def call(self, x):
        return tf.squeeze(self.head(self.hidden(x)))  # no axis: at batch size 1 the batch axis goes too


def patch_model():
    return keras.Sequential(
        [
            keras.Input((12,)),
            keras.layers.Dense(8),
            keras.layers.Lambda(lambda x: tf.reshape(x, (BATCH_SIZE, 2, 4)), name="patches"),
        ],
        name="patch_model",
    )


@pytest.mark.expect_shape(("batch", 10), input=("batch", 64))
def test_classifier_holds_its_contract_at_every_batch_size(shapes):
    """No data: shape inference with the batch size unknown, then zeros at batch sizes 1 and 3."""
    shapes.verify(classifier())


def test_sequence_encoder_symbolically(shapes):
    """`batch_sizes=()`: shape inference only, the LSTM never runs; 'time' stays one unknown size."""
    encoder = keras.layers.LSTM(8, return_sequences=True)
    shapes.verify(encoder, input=("batch", "time", 5), output=("batch", "time", 8), batch_sizes=())


def test_broken_squeeze_without_axis(shapes):
    """Right at batch size 3, wrong at 1: `tf.squeeze` without an axis drops the batch axis too."""
    shapes.verify(Regressor(), input=("batch", 6), output=("batch",))


def test_broken_batch_size_hard_coded_in_reshape(shapes):
    """The training batch size written into a reshape: the model runs at batch size 32 only."""
    shapes.verify(patch_model())
