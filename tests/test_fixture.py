"""The `shapes` fixture (SPEC §3): wrap, check, calls, diagnose, and the API without the fixture."""

from __future__ import annotations

import copy
import glob
import inspect

import pytest
from conftest import assert_no_plugin_traceback, requires_tf, shape_failure, tf

from pytest_shapes import KINDS, CallRecord, ShapeMismatch, assert_shape, diagnose, explain

np = pytest.importorskip("numpy")


def keras_classifier(name="clf"):
    keras = tf.keras  # Keras 3, or tf-keras under TF_USE_LEGACY_KERAS=1
    return keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)],
        name=name,
    )


def first_line(error: BaseException) -> str:
    return str(error).splitlines()[0]


# -- wrap: a checked callable with the same face -------------------------------


def test_wrapped_function_returns_the_result(shapes):
    double = shapes.wrap(lambda x: x * 2, input=(None, 3), output=(None, 3))

    assert (double(np.ones((2, 3))) == 2).all()


def test_wrapped_function_has_the_same_signature(shapes):
    def model(x, *, training=False, scale: float = 1.0) -> object:
        return x

    assert inspect.signature(shapes.wrap(model)) == inspect.signature(model)


def test_a_copied_wrapper_still_checks(shapes):
    wrapped = copy.copy(shapes.wrap(lambda x: x, output=(None, 3), name="f"))

    wrapped(np.zeros((2, 3)))
    with pytest.raises(ShapeMismatch):
        wrapped(np.zeros((2, 4)))


def test_wrap_needs_a_callable(shapes):
    with pytest.raises(TypeError, match=r"shapes.wrap\(\) needs a callable .* got ndarray"):
        shapes.wrap(np.zeros(3))


def test_only_the_first_argument_is_checked(shapes):
    def model(x, mask, *, training=False):
        return x

    wrapped = shapes.wrap(model, input=(None, 3), output=(None, 3))

    wrapped(np.zeros((2, 3)), np.zeros((7, 7, 7)), training=True)
    wrapped(x=np.zeros((2, 3)), mask=None)
    with pytest.raises(ShapeMismatch):
        wrapped(x=np.zeros(3), mask=None)


@requires_tf
def test_wrapped_tf_function(shapes):
    @tf.function
    def scale(x):
        return x * 2.0

    wrapped = shapes.wrap(scale, input=("batch", 3), output=("batch", 3))

    assert wrapped(tf.ones((4, 3))).shape == (4, 3)
    with pytest.raises(ShapeMismatch) as info:
        wrapped(tf.ones((4, 3, 1)))
    assert first_line(info.value) == (
        "[extra-axis] input of Function 'scale': expected (batch, 3), got (4, 3, 1) (axis 2 of size 1 is extra)"
    )


@requires_tf
def test_tf_function_input_signature_is_the_input_contract(shapes):
    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def scale(x):
        return x * 2.0

    wrapped = shapes.wrap(scale)

    assert wrapped(tf.ones((2, 3))).shape == (2, 3)
    assert wrapped.input_signature == scale.input_signature
    assert wrapped.get_concrete_function().structured_outputs.shape.as_list() == [None, 3]
    with pytest.raises(ShapeMismatch) as info:
        wrapped(tf.ones((3,)))
    assert str(info.value) == (
        "[missing-batch-axis] input of Function 'scale': expected (None, 3), got (3,) (no batch axis)\n"
        "hint: add a batch axis: x[None, ...] or tf.expand_dims(x, 0) / np.expand_dims(x, 0)  # (3,) -> (1, 3)"
    )
    assert info.value.__cause__ is None  # caught before TensorFlow saw it


@requires_tf
def test_wrapped_keras_layer(shapes):
    dense = shapes.wrap(tf.keras.layers.Dense(10, name="head"), output=(None, 10))

    assert dense(np.zeros((4, 64), "float32")).shape == (4, 10)
    assert dense.units == 10
    assert dense.kernel.shape == (64, 10)
    with pytest.raises(ShapeMismatch) as info:
        dense(np.zeros(64, "float32"))
    # the contract Dense declares before it is built: rank >= 2
    assert first_line(info.value) == (
        "[missing-batch-axis] input of Dense 'head': expected (None, ..., None), got (64,) (no batch axis)"
    )


@requires_tf
def test_wrapped_keras_model_checks_call_predict_and_predict_on_batch(shapes):
    model = shapes.wrap(keras_classifier(), output=(None, 10))
    batch = np.zeros((2, 28, 28, 1), "float32")

    assert model(batch).shape == (2, 10)
    assert model.predict(batch, verbose=0).shape == (2, 10)
    assert model.predict_on_batch(batch).shape == (2, 10)
    assert [call.name for call in shapes.calls] == [
        "Sequential 'clf'",
        "Sequential 'clf'.predict()",
        "Sequential 'clf'.predict_on_batch()",
    ]
    for method in (model, model.predict, model.predict_on_batch):
        with pytest.raises(ShapeMismatch) as info:
            method(np.zeros((28, 28, 1), "float32"))
        assert first_line(info.value).startswith("[missing-batch-axis] input of Sequential 'clf'")


@requires_tf
def test_wrapped_keras_model_passes_other_attributes_through(shapes):
    original = keras_classifier()
    model = shapes.wrap(original)

    assert model.name == "clf"
    assert model.layers == original.layers
    assert model.count_params() == original.count_params()
    assert model.input_shape == (None, 28, 28, 1)
    model.trainable = False
    assert original.trainable is False
    assert inspect.signature(model) == inspect.signature(original)


def test_explicit_specs_override_the_marker(run):
    result = run(
        """
import numpy as np
import pytest

@pytest.mark.expect_shape((None, 5), input=(None, 64))
def test_override(shapes):
    f = shapes.wrap(lambda x: np.zeros((len(x), 10)), input=(None, 32), output=(None, 10))
    f(np.zeros((4, 32)))

@pytest.mark.expect_shape((None, 5), input=(None, 64))
def test_marker_input_kept(shapes):
    f = shapes.wrap(lambda x: np.zeros((len(x), 10)), output=(None, 10), name="f")
    f(np.zeros((4, 32)))
"""
    )

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        shape_failure("[size-mismatch] input of f: expected (None, 64), got (4, 32) (axis 1: expected 64, got 32)")
    )


# -- calls: what was checked --------------------------------------------------


def test_calls_record_name_shapes_and_outcome(shapes):
    head = shapes.wrap(lambda x: x[:, :10], input=(None, 64), output=(None, 10), name="head")

    head(np.zeros((4, 64)))
    with pytest.raises(ShapeMismatch):
        head(np.zeros((4, 63)))
    shapes.check(np.zeros((4, 10)), ("batch", 10), name="logits")

    assert [(c.name, c.input_shapes, c.output_shapes, c.outcome) for c in shapes.calls] == [
        ("head", (4, 64), (4, 10), "passed"),
        ("head", (4, 63), None, "violated"),
        ("logits", None, (4, 10), "passed"),
    ]
    assert shapes.calls[0] == CallRecord("head", (4, 64), (4, 10), "passed")
    assert shapes.calls[1].diagnosis.kind == "size-mismatch"


def test_a_call_repeating_the_last_passing_input_is_still_checked_on_its_output(shapes):
    # the wrapper skips re-matching an input shape that just passed: the output, and the named
    # dims it shares with the input, must still be checked on every call
    outputs = iter([(4, 10), (4, 10), (3, 10), (4, 11)])
    head = shapes.wrap(lambda x: np.zeros(next(outputs)), input=("batch", 64), output=("batch", 10), name="head")

    head(np.zeros((4, 64)))
    head(np.zeros((4, 64)))
    with pytest.raises(ShapeMismatch) as conflict:
        head(np.zeros((4, 64)))  # batch 4 in, 3 out
    with pytest.raises(ShapeMismatch) as size:
        head(np.zeros((4, 64)))

    assert conflict.value.diagnosis.kind == "binding-conflict"
    assert size.value.diagnosis.kind == "size-mismatch"
    assert [(c.input_shapes, c.output_shapes, c.outcome) for c in shapes.calls] == [
        ((4, 64), (4, 10), "passed"),
        ((4, 64), (4, 10), "passed"),
        ((4, 64), (3, 10), "violated"),
        ((4, 64), (4, 11), "violated"),
    ]
    assert shapes.wrapped_calls == 4


def test_an_error_of_a_call_repeating_the_last_passing_shapes_passes_through(shapes):
    # the repeated-shape path calls the function without re-checking its input: its errors stay untouched
    calls = iter(["ok", "ok", "key"])

    def lookup(x):
        if next(calls) == "key":
            raise KeyError("feature 'age'")
        return x

    wrapped = shapes.wrap(lookup, input=("batch", 8), output=("batch", 8), name="lookup")
    batch = np.zeros((4, 8), "float32")

    wrapped(batch)
    wrapped(batch)
    with pytest.raises(KeyError, match="age"):
        wrapped(batch)

    assert [c.outcome for c in shapes.calls] == ["passed", "passed"]


def test_a_dtype_contract_is_checked_on_every_repeated_call(shapes):
    results = iter(["float32", "float32", "float16"])
    wrapped = shapes.wrap(lambda x: x.astype(next(results)), output=("batch", 8), dtype="float32", name="cast")
    batch = np.zeros((4, 8), "float32")

    wrapped(batch)
    wrapped(batch)
    with pytest.raises(ShapeMismatch) as dtype:
        wrapped(batch)

    assert dtype.value.diagnosis.kind == "dtype-mismatch"
    assert [c.outcome for c in shapes.calls] == ["passed", "passed", "violated"]


@requires_tf
def test_a_shape_error_of_a_call_repeating_the_last_passing_shapes_is_diagnosed(shapes):
    weights = iter([tf.zeros((8, 3)), tf.zeros((8, 3)), tf.zeros((9, 3))])
    project = shapes.wrap(lambda x: tf.matmul(x, next(weights)).numpy(), input=("batch", 8), name="project")
    batch = np.zeros((4, 8), "float32")

    project(batch)
    project(batch)
    with pytest.raises(ShapeMismatch) as error:
        project(batch)

    assert error.value.diagnosis.kind == "matmul-incompatible"
    assert isinstance(error.value.__cause__, tf.errors.InvalidArgumentError)
    assert [c.outcome for c in shapes.calls] == ["passed", "passed", "error"]


def test_a_call_after_a_passing_one_with_other_sizes_binds_afresh(shapes):
    same = shapes.wrap(lambda x: x, input=("batch", 8), output=("batch", 8), name="same")

    same(np.zeros((4, 8)))
    same(np.zeros((2, 8)))  # a new batch size: named dims bind per call
    with pytest.raises(ShapeMismatch):
        same(np.zeros((4, 9)))
    same(np.zeros((4, 8)))

    assert [c.outcome for c in shapes.calls] == ["passed", "passed", "violated", "passed"]
    assert shapes.calls[-1] == CallRecord("same", (4, 8), (4, 8), "passed")


def test_calls_record_structures(shapes):
    def merge(x):
        return [x["a"], x["b"]]

    shapes.wrap(merge, input={"a": (None, 2), "b": (None, 3)})({"a": np.zeros((4, 2)), "b": np.zeros((4, 3))})

    assert shapes.calls == [
        CallRecord(
            "test_calls_record_structures.<locals>.merge", {"a": (4, 2), "b": (4, 3)}, [(4, 2), (4, 3)], "passed"
        )
    ]


def test_a_dict_spec_names_every_key(shapes):
    merge = shapes.wrap(lambda x: x["a"], input={"a": (None, 2), "b": (None, 3)}, name="merge")
    batch = {"a": np.zeros((4, 2)), "b": np.zeros((4, 3))}

    with pytest.raises(ShapeMismatch) as info:
        merge({**batch, "ids": np.zeros((4,))})
    assert str(info.value).splitlines() == [
        "[structure-mismatch] input of merge: unexpected key(s) 'ids'; got keys ['a', 'b', 'ids']",
        "hint: pass a dict with exactly the keys ['a', 'b'] (drop the others, or add them to the spec)",
    ]
    with pytest.raises(ShapeMismatch) as info:
        merge({"a": batch["a"], "c": batch["b"]})
    assert first_line(info.value) == (
        "[structure-mismatch] input of merge: key(s) 'b' missing; unexpected key(s) 'c'; got keys ['a', 'c']"
    )
    with pytest.raises(ShapeMismatch) as info:
        shapes.wrap(lambda x: x, input=[(None, 2), (None, 3)], name="pair")([batch["a"]])
    assert (
        first_line(info.value) == "[structure-mismatch] input of pair: expected 2 items [(None, 2), (None, 3)], got 1"
    )


@requires_tf
def test_a_keras_model_s_dict_input_allows_extra_keys_as_keras_does(shapes):
    keras = tf.keras
    a, b = keras.Input((2,), name="a"), keras.Input((3,), name="b")
    model = shapes.wrap(keras.Model({"a": a, "b": b}, keras.layers.Concatenate()([a, b])))
    batch = {"a": np.zeros((1, 2)), "b": np.zeros((1, 3))}

    with pytest.warns(UserWarning):  # Keras ignores the extra key, and says so
        assert tuple(model({**batch, "extra": np.zeros((1, 4))}).shape) == (1, 5)
    with pytest.raises(ValueError) as info:  # a missing input is still caught before Keras runs
        model({"a": batch["a"]})
    assert first_line(info.value).startswith("[structure-mismatch] input of Functional")


def test_calls_record_no_shapes_for_values_that_are_not_tensors(shapes):
    tokenize = shapes.wrap(lambda text: text.split(), name="tokenize")

    assert tokenize("a b c") == ["a", "b", "c"]
    assert shapes.calls == [CallRecord("tokenize", None, None, "passed")]


@requires_tf
def test_calls_record_an_explained_error(shapes):
    matmul = shapes.wrap(lambda x: tf.matmul(x, x), name="matmul")

    with pytest.raises(ShapeMismatch):
        matmul(tf.ones((4, 3)))

    (record,) = shapes.calls
    assert (record.name, record.input_shapes, record.output_shapes, record.outcome) == (
        "matmul",
        (4, 3),
        None,
        "error",
    )
    assert record.diagnosis.kind in KINDS


# -- errors from the call ----------------------------------------------------


def raise_zero_division(x):
    return 1 / 0


def raise_key_error(x):
    return {}["features"]


def raise_shape_worded_value_error(x):
    raise ValueError("shape (3,) is not allowed here")  # user code, not a framework shape error


@pytest.mark.parametrize("fn", [raise_zero_division, raise_key_error, raise_shape_worded_value_error])
def test_other_exceptions_pass_through_untouched(shapes, fn):
    raised = []

    def model(x):
        try:
            return fn(x)
        except Exception as error:
            raised.append(error)
            raise

    wrapped = shapes.wrap(model, input=(None, 3))

    with pytest.raises(Exception) as info:
        wrapped(np.zeros((2, 3)))
    assert info.value is raised[0]
    assert not isinstance(info.value, ShapeMismatch)
    assert info.value.__cause__ is None


@pytest.mark.parametrize(
    ("body", "error_line"),
    [
        ("return 1 / 0", "E       ZeroDivisionError: division by zero"),
        ("return {}['features']", "E       KeyError: 'features'"),
    ],
)
def test_other_exceptions_get_no_shape_diagnosis(run, body, error_line):
    result = run(
        f"""
import numpy as np

def model(x):
    {body}

def test_model(shapes):
    shapes.wrap(model, input=(None, 3))(np.zeros((2, 3)))
"""
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([error_line])
    result.stdout.no_fnmatch_line("*shape diagnosis*")
    result.stdout.no_fnmatch_line("*ShapeMismatch*")
    result.stdout.no_fnmatch_line("*direct cause*")


def test_shape_mismatch_is_an_assertion_error_so_the_test_fails(run):
    assert issubclass(ShapeMismatch, AssertionError)
    result = run(
        """
import numpy as np

def test_model(shapes):
    shapes.check(np.zeros((4, 3)), (None, 4))
"""
    )

    result.assert_outcomes(failed=1)


@requires_tf
def test_explained_error_is_chained_to_the_original(shapes):
    model = keras_classifier()
    raised = []

    def forward(x):
        try:
            return model(x)
        except ValueError as error:
            raised.append(error)
            raise

    wrapped = shapes.wrap(forward, name="forward")

    with pytest.raises(ShapeMismatch) as info:
        wrapped(np.zeros((28, 28, 1), "float32"))
    assert info.value.__cause__ is raised[0]
    assert first_line(info.value).startswith(f"[{info.value.diagnosis.kind}] ")
    assert info.value.diagnosis.kind in KINDS
    assert str(info.value).splitlines()[1].startswith("hint: ")


@requires_tf
def test_explained_error_shows_the_original_and_the_diagnosis(run):
    result = run(
        """
import tensorflow as tf

def test_matmul(shapes):
    product = shapes.wrap(lambda a: tf.matmul(a, a), name="product")
    product(tf.ones((4, 3)))
"""
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*InvalidArgumentError*Matrix size-incompatible*",
            "*The above exception was the direct cause of the following exception*",
            "*pytest_shapes.ShapeMismatch: [[]*] *",
            "*hint: *",
            "*- shape diagnosis -*",
        ]
    )


# -- check -------------------------------------------------------------------


def test_check_passes_and_fails_with_the_spec(shapes):
    shapes.check(np.zeros((4, 10)), (None, 10))
    shapes.check(np.zeros(()), ())
    shapes.check([np.zeros((4, 2)), np.zeros((4,))], [("n", 2), ("n",)])
    shapes.check({"logits": np.zeros((4, 10))}, {"logits": "n 10"})

    with pytest.raises(ShapeMismatch) as info:
        shapes.check(np.zeros((4, 10)), (None, 11), name="logits")
    assert first_line(info.value) == (
        "[size-mismatch] logits: expected (None, 11), got (4, 10) (axis 1: expected 11, got 10)"
    )


def test_check_of_a_value_without_shape(shapes):
    with pytest.raises(ShapeMismatch) as info:
        shapes.check("not a tensor", (None, 3), name="x")

    assert first_line(info.value) == "[rank-mismatch] x: expected a tensor of shape (None, 3), got str (no shape)"


def test_named_dims_bind_across_checks_of_one_test(run):
    result = run(
        """
import numpy as np

def test_first(shapes):
    shapes.check(np.zeros((4, 64)), ("batch", 64), name="features")
    shapes.check(np.zeros((4, 10)), ("batch", 10), name="logits")
    shapes.check(np.zeros((5, 10)), ("batch", 10), name="labels")

def test_second_starts_afresh(shapes):
    shapes.check(np.zeros((5, 10)), ("batch", 10), name="labels")
"""
    )

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        shape_failure(
            "[binding-conflict] labels: dim 'batch' is 4 elsewhere in this call/test, but 5 here (axis 0); "
            "expected (batch, 10) with batch=4, got (5, 10)",
            "make every 'batch' the same size, or give the axes different names",
        )
    )


def test_failed_check_binds_nothing(shapes):
    shapes.check(np.zeros((4, 10)), ("batch", "classes"))
    with pytest.raises(ShapeMismatch):
        shapes.check(np.zeros((7, 11)), ("steps", "classes"))  # binds nothing: it failed

    shapes.check(np.zeros((3, 10)), ("steps", "classes"))


def test_invalid_spec_in_check_raises_spec_error(shapes):
    from pytest_shapes import SpecError

    with pytest.raises(SpecError, match=r"element 1 \(-10\) is negative"):
        shapes.check(np.zeros((4, 10)), (None, -10))


# -- diagnose() and the API without the fixture -------------------------------


@requires_tf
def test_diagnose_turns_a_keras_shape_error_into_a_diagnosis(shapes):
    model = keras_classifier()

    with pytest.raises(ShapeMismatch) as info, shapes.diagnose():
        model.predict(np.zeros((28, 28, 1), "float32"), verbose=0)

    assert info.value.diagnosis.kind == "missing-batch-axis"
    assert info.value.__cause__ is not None
    assert not isinstance(info.value.__cause__, ShapeMismatch)
    # a diagnose() block checks no contract: it is not a call record, only a diagnosis
    assert shapes.calls == []
    assert shapes.diagnosed == [info.value.diagnosis]


def test_diagnose_lets_other_errors_through(shapes):
    with pytest.raises(KeyError), shapes.diagnose():
        raise KeyError("features")
    with pytest.raises(KeyError), diagnose():
        raise KeyError("features")


def test_assert_shape_without_the_fixture():
    assert_shape(np.zeros((4, 10)), "batch, 10")
    assert_shape([np.zeros((4, 2)), np.zeros((4,))], [("n", 2), ("n",)])

    with pytest.raises(ShapeMismatch) as info:
        assert_shape([np.zeros((4, 2)), np.zeros((5,))], [("n", 2), ("n",)], name="pair")
    assert first_line(info.value).startswith("[binding-conflict] pair[1]: dim 'n' is 4 elsewhere")


def test_explain_returns_none_for_other_errors():
    assert explain(ZeroDivisionError("division by zero")) is None
    assert explain(ValueError("shape (3,) is not allowed here")) is None


@requires_tf
def test_explain_diagnoses_a_tensorflow_shape_error():
    try:
        tf.matmul(tf.ones((4, 3)), tf.ones((4, 3)))
    except tf.errors.InvalidArgumentError as error:
        diagnosis = explain(error)

    assert diagnosis is not None
    assert diagnosis.kind in KINDS
    assert "(4, 3)" in diagnosis.message


def test_diagnosis_in_report_section_repeats_headline_and_hint(run):
    result = run(
        """
import numpy as np

def test_model(shapes):
    shapes.check(np.zeros((28, 28, 1)), (None, 28, 28, 1), name="image")
"""
    )

    headline = "[missing-batch-axis] image: expected (None, 28, 28, 1), got (28, 28, 1) (no batch axis)"
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- shape diagnosis -*",
            glob.escape(headline),
            "expected: (None, 28, 28, 1)",
            "actual:   (28, 28, 1)",
            "hint:     add a batch axis: x[[]None, ...] *",
        ]
    )
    assert_no_plugin_traceback(result)


# -- a diagnosed error stays catchable as what it was (SPEC §3) -------------------


@requires_tf
def test_a_diagnosed_error_is_still_caught_as_its_original_type(run):
    result = run(
        """
import numpy as np
import pytest
import pytest_shapes
import tensorflow as tf

def model():
    return tf.keras.Sequential([tf.keras.Input((64,)), tf.keras.layers.Dense(10)])

def test_value_error_expected(shapes):
    with pytest.raises(ValueError) as info:
        shapes.wrap(model())(np.zeros((64,), "float32"))
    assert str(info.value).startswith("[missing-batch-axis] ")
    assert isinstance(info.value, AssertionError)

def test_kernel_error_expected(shapes):
    product = shapes.wrap(lambda a: tf.matmul(a, tf.zeros((63, 10))), name="product")
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        product(tf.zeros((8, 64)))
    assert info.value.message  # what callers read on an OpError is still there

@pytest.mark.xfail(raises=tf.errors.InvalidArgumentError, strict=True)
def test_xfail_on_the_kernel_error():
    with pytest_shapes.diagnose():
        tf.matmul(tf.zeros((8, 64)), tf.zeros((63, 10)))

def test_uncaught_it_fails_with_the_diagnosis(shapes):
    shapes.wrap(model())(np.zeros((64,), "float32"))
"""
    )

    result.assert_outcomes(passed=2, xfailed=1, failed=1)
    result.stdout.fnmatch_lines(["E * pytest_shapes.ShapeMismatch: [[]missing-batch-axis] input of Sequential *"])
    result.stdout.fnmatch_lines(["FAILED test_user.py::test_uncaught_it_fails_with_the_diagnosis*"])


def test_an_error_type_that_cannot_be_mixed_in_gives_a_plain_shape_mismatch():
    from pytest_shapes.diagnosis import Diagnosis, diagnosed

    diagnosis = Diagnosis("size-mismatch", "input: expected (None, 4), got (8, 3)", hint="fix it")

    class Final(Exception):
        def __init_subclass__(cls, **kwargs):
            raise TypeError("no subclasses")

    for original in (FileNotFoundError(2, "missing"), Final("x"), KeyboardInterrupt()):
        mismatch = diagnosed(diagnosis, original)
        assert type(mismatch) is ShapeMismatch
        assert str(mismatch) == "[size-mismatch] input: expected (None, 4), got (8, 3)\nhint: fix it"
    for original in (ValueError("v"), KeyError("k")):  # KeyError's own __str__ would show a repr
        mismatch = diagnosed(diagnosis, original)
        assert isinstance(mismatch, type(original)) and isinstance(mismatch, ShapeMismatch)
        assert str(mismatch).startswith("[size-mismatch] input: ")
        assert type(mismatch).__name__ == "ShapeMismatch" and type(mismatch).__module__ == "pytest_shapes"
