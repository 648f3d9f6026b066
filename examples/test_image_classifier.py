"""A small CNN on 28x28 grayscale digits (and a 32x32 RGB variant): contracts and broken inputs.

The `test_broken_*` tests fail on purpose: their output shows the diagnoses
pytest-shapes gives. Runs under Keras 3 and legacy Keras 2 (`tf.keras`).
"""

import numpy as np
import pytest
import tensorflow as tf

keras = tf.keras
layers = keras.layers


def conv_classifier(input_shape, name):
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(4, 3, name="conv"),
            layers.MaxPooling2D(name="pool"),
            layers.Flatten(name="flatten"),
            layers.Dense(10, name="logits"),
        ],
        name=name,
    )


def digit_classifier():
    """Grayscale 28x28 digits."""
    return conv_classifier((28, 28, 1), "digits")


def rgb_classifier():
    """Colour 32x32 images: three distinct sizes, so channels-first data is recognisable."""
    return conv_classifier((32, 32, 3), "rgb")


def classifier_without_flatten():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(4, 3, name="conv"),
            layers.Dense(10, activation="softmax", name="probabilities"),
        ],
        name="no_flatten",
    )


def images(n, height=28, width=28, channels=1):
    return np.random.default_rng(0).random((n, height, width, channels), dtype="float32")


@pytest.mark.expect_shape(("batch", 10), input=("batch", "height", "width", 1))
def test_batch_of_images_gives_ten_logits_each(shapes):
    """Named dims: the batch size of the logits is the batch size of the images."""
    model = shapes.wrap(digit_classifier())

    model(images(4))


@pytest.mark.expect_shape(("batch", 10), input=("batch", "height", "width", 1))
def test_broken_single_image_without_batch_axis(shapes):
    """One image (28, 28, 1) has no batch axis: missing-batch-axis, with the reshape to make."""
    model = shapes.wrap(digit_classifier())

    model(images(1)[0])


def test_broken_zero_config_single_image_in_predict():
    """No marker, no fixture: Keras' own error gains a diagnosis whose layer trace marks the first failing layer."""
    digit_classifier().predict(images(1)[0], verbose=0)


def test_broken_channels_first_batch(shapes):
    """Channels-first data (4, 3, 32, 32): axis-order with the permutation; wrap() alone checks the model's Input."""
    model = shapes.wrap(rgb_classifier())

    model(np.zeros((4, 3, 32, 32), dtype="float32"))


@pytest.mark.expect_shape((None, 10), input=(None, 28, 28, 1))
def test_broken_head_without_flatten(shapes):
    """Dense(10) straight after Conv2D keeps the spatial axes: the (None, 10) output contract fails."""
    model = shapes.wrap(classifier_without_flatten())

    model(images(4))


def test_broken_integer_labels_with_categorical_crossentropy(shapes):
    """fit() with integer class ids where one-hot labels are expected: target-mismatch."""
    model = digit_classifier()
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    labels = np.arange(8) % 10

    with shapes.diagnose():
        model.fit(images(8), labels, epochs=1, batch_size=8, verbose=0)
