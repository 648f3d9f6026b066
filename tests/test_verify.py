"""`shapes.verify` (issue #12): contracts checked without data, symbolically and on zeros at each batch
size; models whose output depends on the batch size fail with `batch-dependent`.

Every scenario runs twice: symbolic only (`batch_sizes=()`) and with the default sizes (1, 3). The
models are real Keras models (Keras 3, or legacy Keras 2 under TF_USE_LEGACY_KERAS=1).
"""

from __future__ import annotations

import json

from conftest import requires_tf, shape_failure

pytestmark = requires_tf

MODELS = """
import numpy as np
import pytest
import tensorflow as tf

keras = tf.keras
BOTH = pytest.mark.parametrize("sizes", [(), (1, 3)], ids=["symbolic", "sizes"])


class Squeezed(keras.Model):
    def __init__(self):
        super().__init__(name="squeezed")
        self.dense = keras.layers.Dense(1)

    def call(self, x):
        return tf.squeeze(self.dense(x))  # no axis: at batch size 1 the batch axis goes too


class HardCodedReshape(keras.Model):
    def __init__(self):
        super().__init__(name="hard_coded")
        self.dense = keras.layers.Dense(3)

    def call(self, x):
        return tf.reshape(self.dense(x), (32, 3, 1))  # the training batch size, written in


class ReadAtTraceTime(keras.Model):
    def __init__(self):
        super().__init__(name="trace_time")
        self.dense = keras.layers.Dense(3)

    def call(self, x):
        return tf.reshape(self.dense(x), (x.shape[0], -1))  # None while tracing: tf.shape(x)[0] is right


class Right(keras.Model):
    def __init__(self):
        super().__init__(name="right")
        self.dense = keras.layers.Dense(1)

    def call(self, x):
        return tf.squeeze(self.dense(x), axis=-1)


def sequential():
    return keras.Sequential(
        [keras.Input((64,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10)], name="clf"
    )


def lambda_reshape():
    return keras.Sequential(
        [keras.Input((12,)), keras.layers.Dense(4), keras.layers.Lambda(lambda x: tf.reshape(x, (32, 4)))],
        name="lambda_head",
    )


def two_inputs():
    image, meta = keras.Input((8, 8, 1), name="image"), keras.Input((5,), name="meta")
    features = keras.layers.Flatten()(keras.layers.Conv2D(2, 3)(image))
    joined = keras.layers.Concatenate()([features, meta])
    return keras.Model({"image": image, "meta": meta}, [keras.layers.Dense(3)(joined), keras.layers.Dense(1)(meta)],
                       name="two_inputs")


@tf.function
def squeeze_fn(x):
    return tf.squeeze(x)


@tf.function(input_signature=[tf.TensorSpec((None, 4), tf.float32)])
def row_sums(x):
    return tf.reduce_sum(x, axis=-1, keepdims=True)


def plain_mean(x):
    return tf.reduce_mean(x, axis=1)
"""


def test_a_batch_dependent_model_fails_symbolically_and_on_zeros(run, pytester):
    result = run(
        MODELS
        + """
@BOTH
def test_squeeze_without_axis(shapes, sizes):
    shapes.verify(Squeezed(), input=(None, 6), output=(None,), batch_sizes=sizes)


@BOTH
def test_hard_coded_batch_in_tf_reshape(shapes, sizes):
    shapes.verify(HardCodedReshape(), input=(None, 6), batch_sizes=sizes)


@BOTH
def test_hard_coded_batch_in_a_reshaping_layer(shapes, sizes):
    shapes.verify(lambda_reshape(), batch_sizes=sizes)


@BOTH
def test_batch_size_read_at_trace_time(shapes, sizes):
    shapes.verify(ReadAtTraceTime(), input=(None, 6), batch_sizes=sizes)


@BOTH
def test_a_tf_function(shapes, sizes):
    shapes.verify(squeeze_fn, input=(None, 1, 4), batch_sizes=sizes)


@BOTH
def test_the_batch_folded_into_one_row(shapes, sizes):
    rows = keras.layers.Lambda(lambda x: tf.reshape(x, (1, -1)), name="one_row")
    shapes.verify(rows, input=("batch", 8), output=("batch", 8), batch_sizes=sizes)
""",
        "--junitxml=junit.xml",
        "--shapes-report=report.json",
    )
    result.assert_outcomes(failed=12)
    for second in ("2", "3"):  # the symbolic pass infers at batch sizes 1 and 2, the default sizes are 1 and 3
        result.stdout.fnmatch_lines(
            shape_failure(
                f"[batch-dependent] output of Squeezed 'squeezed' is () at batch size 1 but ({second},) at batch "
                f"size {second}: the batch axis is lost at batch size 1",
                "give the squeeze its axis, e.g. tf.squeeze(x, axis=-1) or keras.ops.squeeze(x, axis=-1): "
                "without one it also drops the batch axis at batch size 1",
            )
        )
        for name, output in (("HardCodedReshape 'hard_coded'", "(32, 3, 1)"), ("Sequential 'lambda_head'", "(32, 4)")):
            result.stdout.fnmatch_lines(
                shape_failure(
                    f"[batch-dependent] {name} runs only at batch size 32: it fails at batch sizes 1 and {second} "
                    f"(traced with an unknown batch size its output is {output}: the batch size 32 is hard-coded)",
                    "use -1 for the batch axis, not 32: tf.reshape(x, (-1, ...)), or "
                    "keras.layers.Reshape(per-sample shape), which keeps the batch axis",
                )
            )
        result.stdout.fnmatch_lines(
            shape_failure(
                "[batch-dependent] ReadAtTraceTime 'trace_time' cannot be traced with an unknown batch size "
                f"(TypeError), though it traces at batch sizes 1 and {second}: a batch size is read at trace time",
                "read sizes at run time, tf.shape(x)[0] (keras.ops.shape(x)[0]), not x.shape[0] or a constant: "
                "tracing fixes those in the graph",
            )
        )
        result.stdout.fnmatch_lines(
            shape_failure(
                f"[batch-dependent] output of Function 'squeeze_fn' is (4,) at batch size 1 but ({second}, 4) at "
                f"batch size {second}: the batch axis is lost at batch size 1"
            )
        )
    for second in ("2", "3"):
        result.stdout.fnmatch_lines(
            shape_failure(
                f"[batch-dependent] output of Lambda 'one_row': dim 'batch' is {second} elsewhere in this call/test, "
                f"but 1 here (axis 0); expected (batch, 8) with batch={second}, got (1, {8 * int(second)}) at batch "
                f"size {second}, though it fits at batch size 1",
                "use -1 for the batch axis, not 1: tf.reshape(x, (-1, ...)), or keras.layers.Reshape(per-sample "
                "shape), which keeps the batch axis",
            )
        )
    result.stdout.fnmatch_lines(["shapes: 12 contracts checked, 12 violated, 0 errors diagnosed"])
    report = json.loads((pytester.path / "report.json").read_text())
    kinds = {test["nodeid"].split("::")[1]: test["diagnoses"][0]["kind"] for test in report["tests"]}
    assert set(kinds.values()) == {"batch-dependent"} and len(kinds) == 12, kinds
    junit = (pytester.path / "junit.xml").read_text()
    assert junit.count('name="shape_diagnosis_kind" value="batch-dependent"') == 12


def test_models_right_at_every_size_pass(run):
    result = run(
        MODELS
        + """
@BOTH
def test_sequential_with_named_dims(shapes, sizes):
    shapes.verify(sequential(), input=("batch", 64), output=("batch", 10), batch_sizes=sizes)


@BOTH
def test_subclassed(shapes, sizes):
    shapes.verify(Right(), input=("batch", 6), output=("batch",), dtype="float32", batch_sizes=sizes)


@BOTH
def test_multi_input_multi_output(shapes, sizes):
    shapes.verify(two_inputs(), output=[("batch", 3), ("batch", 1)], batch_sizes=sizes)


@BOTH
def test_a_layer_with_a_named_time_axis(shapes, sizes):
    lstm = keras.layers.LSTM(4)
    shapes.verify(lstm, input=("batch", "time", 3), output=("batch", 4), batch_sizes=sizes, sizes={"time": 7})


@BOTH
def test_a_tf_function_with_a_signature(shapes, sizes):
    shapes.verify(row_sums, output=("batch", 1), batch_sizes=sizes)


@BOTH
def test_a_plain_function(shapes, sizes):
    shapes.verify(plain_mean, input=("batch", "time", 5), output=("batch", 5), batch_sizes=sizes)


@BOTH
def test_time_major_with_the_batch_named_second(shapes, sizes):
    shapes.verify(lambda x: tf.transpose(x, (1, 0, 2)), input=("time", "batch", 3), output=("batch", "time", 3),
                  batch_sizes=sizes)


def test_dict_outputs_matched_by_key(shapes):
    x = keras.Input((5,))
    heads = keras.Model(x, {"p": keras.layers.Dense(2)(x), "q": keras.layers.Dense(3)(x)})
    shapes.verify(heads, output={"q": ("batch", 3), "p": ("batch", 2)})


def test_what_it_recorded(shapes):
    shapes.verify(sequential(), output=(None, 10))
    (call,) = shapes.calls
    assert (call.name, call.input_shapes, call.output_shapes, call.outcome) == (
        "shapes.verify(Sequential 'clf')", (None, 64), (None, 10), "passed"
    )
"""
    )
    result.assert_outcomes(passed=16)
    result.stdout.fnmatch_lines(["shapes: 16 contracts checked, 0 violated, 0 errors diagnosed"])


def test_a_wrong_contract_gets_its_own_kind_not_batch_dependent(run):
    result = run(
        MODELS
        + """
def test_wrong_output(shapes):
    shapes.verify(sequential(), output=("batch", 11))


def test_wrong_input_is_caught_as_keras_raises_it(shapes):
    with pytest.raises(ValueError):  # Keras raises ValueError for it: the diagnosis stays one
        shapes.verify(sequential(), input=(None, 63), batch_sizes=())
    assert [call.diagnosis.kind for call in shapes.calls] == ["size-mismatch"]


def test_output_fixed_where_the_input_batch_is_named(shapes):
    class Fixed(keras.Model):
        def call(self, x):
            return tf.ones((8, 2)) * tf.reduce_sum(x)  # an output without the batch axis

    shapes.verify(Fixed(), input=("batch", 4), output=("batch", 2), batch_sizes=())
"""
    )
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        shape_failure(
            "[size-mismatch] output of Sequential 'clf': expected (batch, 11), got (None, 10) "
            "(axis 1: expected 11, got 10)"
        )
    )
    # one shape at every size: the contract is broken, the shape does not depend on the batch size
    result.stdout.fnmatch_lines(
        shape_failure(
            "[binding-conflict] output of Fixed 'fixed': dim 'batch' is 1 elsewhere in this call/test, but 8 here "
            "(axis 0); expected (batch, 2) with batch=1, got (8, 2)"
        )
    )


def test_sizes_it_chose_are_named_in_the_failure(run):
    result = run(
        MODELS
        + """
def deep():
    stages = [(keras.layers.Conv2D(4, 3), keras.layers.MaxPooling2D(2)) for _ in range(5)]
    return keras.Sequential([layer for stage in stages for layer in stage])


def test_too_small_at_the_default_size(shapes):
    shapes.verify(deep(), input=(None, None, None, 3))


def test_named_and_sized(shapes):
    shapes.verify(deep(), input=("batch", "h", "w", 3), sizes={"h": 96, "w": 96})
"""
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*[[]spatial-too-small[]] *(shapes.verify gave the unknown axis 1, axis 2 the size 32: choose sizes "
            "with names in the input spec and sizes={name: size})"
        ]
    )


def test_the_marker_contract_and_no_call(run):
    result = run(
        MODELS
        + """
@pytest.mark.expect_shape(("batch", 10), input=("batch", 64))
def test_verify_alone_is_a_checked_call(shapes):
    shapes.verify(sequential())


@pytest.mark.expect_shape(("batch", 12))
def test_the_markers_output_is_checked(shapes):
    shapes.verify(sequential(), batch_sizes=())
"""
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*[[]size-mismatch[]] output of Sequential 'clf': expected (batch, 12)*"])
    assert "no-call" not in result.stdout.str()


def test_bad_usage_is_a_clear_error_and_other_errors_pass_through(run):
    result = run(
        MODELS
        + """
def test_no_input_spec(shapes):
    shapes.verify(Right())


def test_bad_batch_sizes(shapes):
    shapes.verify(sequential(), batch_sizes=(0, 3))


def test_a_spec_with_dots_takes_the_models_axes(shapes):
    shapes.verify(sequential(), input=("batch", ...), output=("batch", 10))


def test_a_non_shape_error_is_untouched(shapes):
    class Reads(keras.Model):
        def call(self, x):
            raise FileNotFoundError("data/vocab.txt")

    with pytest.raises(FileNotFoundError):
        shapes.verify(Reads(), input=(None, 4))
    assert shapes.calls == []


def test_a_failed_verify_leaves_an_unbuilt_model_usable(shapes):
    model = keras.Sequential([keras.layers.Conv2D(4, 3), keras.layers.Flatten(), keras.layers.Dense(2)])
    with pytest.raises(AssertionError, match="size-mismatch"):  # a Flatten head takes no variable image size
        shapes.verify(model, input=(None, None, None, 3))
    assert model(np.zeros((2, 16, 16, 3), "float32")).shape == (2, 2)


def test_a_non_shape_error_at_one_size_is_untouched(shapes):
    class NeedsTwo(keras.Model):
        def call(self, x):
            if x.shape[0] == 1:  # the user's own check, at a known batch size
                raise RuntimeError("batch statistics need two samples")
            return x

    with pytest.raises(RuntimeError, match="batch statistics need two samples"):
        shapes.verify(NeedsTwo(), input=(None, 4))
"""
    )
    result.assert_outcomes(passed=4, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*SpecError: shapes.verify(Right 'right'): no input spec; give input=(None, 64) (or the marker's "
            "input=), or declare the model's input with keras.Input(shape=...)",
            "*ValueError: batch_sizes must hold integers >= 1, got 0 in (0, 3)",
        ]
    )
