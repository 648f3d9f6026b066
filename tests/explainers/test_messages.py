"""Reading an error once: the message proper, what Keras said around it, and who raised it."""

from __future__ import annotations

import pytest
from conftest import requires_tf

from pytest_shapes.explainers import explain_text
from pytest_shapes.explainers.messages import Message, read, strip_tensor_contents
from pytest_shapes.explainers.raise_site import raised_by_framework

# Keras 3 wraps an error raised in a layer's call (keras/src/utils/traceback_utils.py)
KERAS3_WRAPPED = (
    "Exception encountered when calling Conv2D.call().\n\n"
    "\x1b[1mComputed output size would be negative: -1 [input_size: 1, effective_filter_size: 3, stride: 1]\x1b[0m\n\n"
    "Arguments received by Conv2D.call():\n  • inputs=tf.Tensor(shape=(28, 28, 1, 1), dtype=float32)"
)
# legacy Keras 2 (tf_keras/src/engine/base_layer.py)
KERAS2_WRAPPED = (
    "Exception encountered when calling layer 'dense' (type Dense).\n\n"
    "Matrix size-incompatible: In[0]: [8,63], In[1]: [64,10] [Op:MatMul]\n\n"
    "Call arguments received by layer 'dense' (type Dense):\n  • inputs=tf.Tensor(shape=(8, 63), dtype=float32)"
)


@pytest.mark.parametrize(
    ("raw", "layer", "received", "text"),
    [
        (
            KERAS3_WRAPPED,
            "Conv2D",
            (28, 28, 1, 1),
            "Computed output size would be negative: -1 [input_size: 1, effective_filter_size: 3, stride: 1]",
        ),
        (KERAS2_WRAPPED, "dense", (8, 63), "Matrix size-incompatible: In[0]: [8,63], In[1]: [64,10] [Op:MatMul]"),
    ],
    ids=["keras3", "keras2"],
)
def test_keras_call_context_is_read_and_removed(raw, layer, received, text):
    message = Message("InvalidArgumentError", raw, from_framework=True)

    assert (message.layer, message.received, message.text) == (layer, received, text)
    assert message.about_shapes


def test_tensor_contents_go_and_op_attributes_stay():
    text = "x = numpy=array([[1., 2.]]) ids [1 2 3] op [T=DT_FLOAT, adj_y=true] window [input_size: 1, stride: 2]"

    assert strip_tensor_contents(text) == (
        "x = ids [...] op [T=DT_FLOAT, adj_y=true] window [input_size: 1, stride: 2]"
    )


def test_input_names_stay_and_bytes_values_go():
    # an Input named "b" is not a bytes repr b'...'
    names = "Layer \"functional\" expects 2 named input(s) with keys ['a', 'b'], but it received 1 input tensors."
    assert strip_tensor_contents(names) == names
    assert strip_tensor_contents("values [b'cat' b'dog'] and [b'x', b'y']") == "values [...] and [...]"


def test_shapes_inside_a_tensor_repr_are_not_the_subject():
    message = Message(
        "TypeError",
        "Layer l does not support masking, but was passed an input_mask: "
        "tf.Tensor([ True  True], shape=(2,), dtype=bool)",
        from_framework=True,
    )

    assert "shape" not in message.prose
    assert explain_text("TypeError", message.text) is None


@pytest.mark.parametrize(
    "text",
    [
        "indices[0,2] = 10 is not in [0, 10) [Op:GatherV2]",
        "Received a label value of 10 which is outside the valid range of [0, 3).  Label values: 1 10",
        "Condition x >= 0 did not hold element-wise: x (shape=(2,) dtype=float32) = ",
        "Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. Summarized data: b'No files matched pattern'",
        "OOM when allocating tensor with shape[100000,100000] and type float",
    ],
)
def test_value_and_resource_errors_are_not_about_shapes(text):
    assert not Message("InvalidArgumentError", text, from_framework=True).about_shapes


@pytest.mark.parametrize(
    "text",
    [
        "indices[0] = [123456] does not index into shape [4] [Op:GatherNd]",
        "{{function_node __wrapped__ScatterNd}} indices[1] = [123456, 9] does not index into shape [4,4]",
        "indices[3,7] = 123456 is not in [0, 1000) [Op:ResourceGather]",
        "Incompatible shapes: [2,3] vs. [4,3] for indices[0] = [123456]",
    ],
)
def test_index_values_never_reach_a_diagnosis(text):
    # an index is a value: the error is not diagnosed, so `123456` cannot appear as a shape
    assert explain_text("InvalidArgumentError", text) is None


@pytest.mark.parametrize(
    "scalar",
    [
        "<tf.Tensor: shape=(), dtype=float32, numpy=123456.7890625>",
        "<tf.Tensor: shape=(), dtype=string, numpy=b'tok-123456'>",
    ],
)
def test_eager_scalar_values_are_stripped_like_arrays(scalar):
    text = f"Tensor conversion requested dtype int32 for Tensor with dtype float32: {scalar}"

    message = Message("ValueError", text, from_framework=True)
    assert "123456" not in message.text
    diagnosis = explain_text("ValueError", text)
    assert diagnosis is None or "123456" not in diagnosis.headline + (diagnosis.hint or "")


def _raise_in_user_code():
    raise ValueError("expected shape (3, 4) in the config, got (3, 5)")


def _fail_in_another_library():
    return int("not a number")  # raised in C: this frame stops on a call, not on a raise


def test_an_error_raised_by_user_code_is_the_users():
    with pytest.raises(ValueError) as user:
        _raise_in_user_code()

    assert not raised_by_framework(user.value)
    assert not read(user.value).about_shapes


def test_an_error_of_another_library_called_by_user_code_is_not_the_frameworks():
    # NumPy's `array.reshape` in the user's preprocessing, say: no TensorFlow/Keras frame anywhere
    with pytest.raises(ValueError) as library:
        _fail_in_another_library()

    assert not raised_by_framework(library.value)


@requires_tf
def test_a_framework_error_reraised_by_user_code_stays_the_frameworks():
    import tensorflow as tf

    try:
        try:
            tf.keras.layers.Dense(2)(tf.zeros((3,)))  # a ValueError, its traceback filtered by Keras
        except ValueError:
            raise
    except ValueError as error:
        assert raised_by_framework(error)


def test_a_message_that_cannot_be_read_explains_nothing():
    class Unprintable(ValueError):
        def __str__(self):
            raise RuntimeError("no text")

    assert read(Unprintable()).text == ""


def test_an_enormous_message_is_read_in_its_head_only():
    huge = "Incompatible shapes: [4,32] vs. [4,16] [Op:AddV2] " + "[" * 200_000 + "x" * 1_000_000

    diagnosis = explain_text("InvalidArgumentError", huge)

    assert diagnosis is not None and diagnosis.kind == "broadcast-incompatible"


def test_escapes_controls_and_bidi_overrides_never_reach_a_diagnosis():
    text = (
        '\x1b[1mInput 0 of layer \u202e"dense" is incompatible with the layer: \x1b]8;;https://x.invalid\x07expected'
        "\x1b]8;;\x07 axis -1 of input shape to have value 64, but received input with shape (8, 63)\x00\x9b\r\x1b[0m"
    )
    diagnosis = explain_text("ValueError", text)

    assert diagnosis is not None and diagnosis.kind == "size-mismatch"
    for field in (diagnosis.headline, diagnosis.hint, diagnosis.expected, diagnosis.actual, diagnosis.layer):
        assert not any(mark in (field or "") for mark in ("\x1b", "\x00", "\x9b", "\r", "\u202e", "\x07")), field
