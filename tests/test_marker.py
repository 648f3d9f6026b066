"""The expect_shape marker (SPEC §2), as a user sees it: outcomes and the exact failure lines."""

from __future__ import annotations

import glob

import pytest
from conftest import assert_no_plugin_traceback, requires_numpy, requires_tf, shape_failure

pytestmark = requires_numpy  # the user tests below feed NumPy arrays


# -- every contract-level kind, through a wrapped call ------------------------

KINDS = [
    pytest.param(
        "(None, 10), input=(None, 28, 28, 1)",
        "f = shapes.wrap(lambda x: x, name='f')\n    f(np.zeros((28, 28, 1)))",
        "[missing-batch-axis] input of f: expected (None, 28, 28, 1), got (28, 28, 1) (no batch axis)",
        "add a batch axis: x[None, ...] or tf.expand_dims(x, 0) / np.expand_dims(x, 0)"
        "  # (28, 28, 1) -> (1, 28, 28, 1)",
        id="missing-batch-axis",
    ),
    pytest.param(
        "(None, 10), input=(None, 28, 28, 1)",
        "f = shapes.wrap(lambda x: x, name='f')\n    f(np.zeros((4, 28, 28)))",
        "[missing-axis] input of f: expected (None, 28, 28, 1), got (4, 28, 28) (axis 3 of size 1 is missing)",
        "add the axis: x[..., None]  # (4, 28, 28) -> (4, 28, 28, 1)",
        id="missing-axis",
    ),
    pytest.param(
        "(None, 10)",
        "f = shapes.wrap(lambda x: np.zeros((32, 1, 10)), name='f')\n    f(np.zeros((32, 64)))",
        "[extra-axis] output of f: expected (None, 10), got (32, 1, 10) (axis 1 of size 1 is extra)",
        "drop the size-1 axis: tf.squeeze(x, axis=1)  # (32, 1, 10) -> (32, 10)",
        id="extra-axis",
    ),
    pytest.param(
        "input=(None, 32, 32, 3)",
        "f = shapes.wrap(lambda x: x, name='f')\n    f(np.zeros((8, 3, 32, 32)))",
        "[axis-order] input of f: expected (None, 32, 32, 3), got (8, 3, 32, 32) "
        "(channels-first data for a channels-last model)",
        "transpose: tf.transpose(x, perm=[0, 2, 3, 1]) or np.transpose(x, (0, 2, 3, 1))"
        "  # (8, 3, 32, 32) -> (8, 32, 32, 3)",
        id="axis-order",
    ),
    pytest.param(
        "(None, 10), input=(None, 64)",
        "f = shapes.wrap(lambda x: x[:, :10], name='f')\n    f(np.zeros((32, 63)))",
        "[size-mismatch] input of f: expected (None, 64), got (32, 63) (axis 1: expected 64, got 63)",
        "the last axis (features/channels) has 63 where 64 are expected: "
        "check for a dropped or extra feature column, or build the model for the data",
        id="size-mismatch",
    ),
    pytest.param(
        "('batch', 10), input=('batch', 64)",
        "f = shapes.wrap(lambda x: np.zeros((len(x) - 1, 10)), name='f')\n    f(np.zeros((4, 64)))",
        "[binding-conflict] output of f: dim 'batch' is 4 elsewhere in this call/test, but 3 here (axis 0); "
        "expected (batch, 10) with batch=4, got (3, 10)",
        "make every 'batch' the same size, or give the axes different names",
        id="binding-conflict",
    ),
    pytest.param(
        "(None, 10), dtype='float32'",
        "f = shapes.wrap(lambda x: x, name='f')\n    f(np.zeros((4, 10)))",
        "[dtype-mismatch] output of f: expected dtype float32, got float64",
        "cast it: tf.cast(x, tf.float32) or x.astype('float32'), or fix the layer/op dtype",
        id="dtype-mismatch",
    ),
]


@pytest.mark.parametrize(("marker", "body", "headline", "hint"), KINDS)
def test_violated_contract_fails_with_kind_and_hint(run, marker, body, headline, hint):
    result = run(
        f"""
import numpy as np
import pytest

@pytest.mark.expect_shape({marker})
def test_model(shapes):
    {body}
"""
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([*shape_failure(headline, hint), "*- shape diagnosis -*", glob.escape(headline)])
    result.stdout.fnmatch_lines(["FAILED test_user.py::test_model - pytest_shapes.ShapeMismatch: [[]*"])


@requires_tf
def test_classifier_head_without_flatten_is_rank_mismatch(run):
    result = run(
        """
import numpy as np
import pytest
import tensorflow as tf

keras = tf.keras

@pytest.mark.expect_shape((None, 10))
def test_classifier(shapes):
    model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(10, 3)], name="clf")
    shapes.wrap(model)(np.zeros((2, 8, 8, 3), "float32"))
"""
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        shape_failure(
            "[rank-mismatch] output of Sequential 'clf': expected (None, 10), got (2, 6, 6, 10) "
            "(rank 2 expected, got rank 4)",
            "the value kept spatial axes: add layers.Flatten() or layers.GlobalAveragePooling2D() "
            "before the Dense head",
        )
    )


def test_fulfilled_contract_passes(run):
    result = run(
        """
import numpy as np
import pytest

@pytest.mark.expect_shape(("batch", 10), input=("batch", 64), dtype="float64")
def test_model(shapes):
    f = shapes.wrap(lambda x: x[:, :10])
    f(np.zeros((4, 64)))
"""
    )

    result.assert_outcomes(passed=1)


def test_named_dims_bind_within_one_call_only(run):
    result = run(
        """
import numpy as np
import pytest

@pytest.mark.expect_shape(("batch", 10), input=("batch", 64))
def test_two_batch_sizes(shapes):
    f = shapes.wrap(lambda x: x[:, :10])
    f(np.zeros((4, 64)))
    f(np.zeros((7, 64)))
"""
    )

    result.assert_outcomes(passed=1)


# -- where the marker goes ---------------------------------------------------


def test_function_class_and_module_markers_closest_wins(run):
    result = run(
        """
import numpy as np
import pytest

pytestmark = pytest.mark.expect_shape((None, 1))

def produce(shapes, width):
    return shapes.wrap(lambda x: np.zeros((4, width)), name="f")(np.zeros(4))

def test_module_marker(shapes):
    produce(shapes, 1)

@pytest.mark.expect_shape((None, 2))
class TestClassMarker:
    def test_class_marker(self, shapes):
        produce(shapes, 2)

    @pytest.mark.expect_shape((None, 3))
    def test_function_marker(self, shapes):
        produce(shapes, 3)

    def test_module_marker_is_overridden(self, shapes):
        produce(shapes, 1)
"""
    )

    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        shape_failure("[size-mismatch] output of f: expected (None, 2), got (4, 1) (axis 1: expected 2, got 1)")
    )
    result.stdout.fnmatch_lines(["FAILED test_user.py::TestClassMarker::test_module_marker_is_overridden - *"])


def test_expect_shape_import_is_the_marker(run):
    result = run(
        """
import numpy as np
import pytest
from pytest_shapes import expect_shape

@expect_shape((None, 10))
def test_decorated(shapes):
    shapes.wrap(lambda x: x, name="f")(np.zeros((4, 11)))

def test_same_marker():
    assert expect_shape.name == pytest.mark.expect_shape.name == "expect_shape"
"""
    )

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        shape_failure("[size-mismatch] output of f: expected (None, 10), got (4, 11) (axis 1: expected 10, got 11)")
    )


def test_strict_markers_accepts_the_marker(run):
    result = run(
        """
import numpy as np
import pytest

@pytest.mark.expect_shape((None, 3))
def test_model(shapes):
    shapes.wrap(lambda x: x)(np.zeros((2, 3)))
""",
        "--strict-markers",
    )

    result.assert_outcomes(passed=1)


def test_markers_help_documents_the_marker(pytester):
    result = pytester.runpytest("--markers")

    assert result.ret == 0
    result.stdout.fnmatch_lines(
        ["@pytest.mark.expect_shape(output=None, *, input=None, dtype=None): shape contract for every call*"]
    )


# -- what the marker checks ---------------------------------------------------


@pytest.mark.parametrize("dtype", ["'float32'", "np.float32", "np.dtype('float32')"])
def test_dtype_spellings(run, dtype):
    result = run(
        f"""
import numpy as np
import pytest

@pytest.mark.expect_shape((None, 3), dtype={dtype})
def test_right_dtype(shapes):
    shapes.wrap(lambda x: x, name="f")(np.zeros((2, 3), "float32"))

@pytest.mark.expect_shape((None, 3), dtype={dtype})
def test_wrong_dtype(shapes):
    shapes.wrap(lambda x: x, name="f")(np.zeros((2, 3), "int64"))
"""
    )

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(shape_failure("[dtype-mismatch] output of f: expected dtype float32, got int64"))


@requires_tf
def test_dtype_as_tf_dtype(run):
    result = run(
        """
import pytest
import tensorflow as tf

@pytest.mark.expect_shape((None, 3), dtype=tf.float32)
def test_wrong_dtype(shapes):
    shapes.wrap(lambda x: tf.cast(x, tf.float16), name="f")(tf.zeros((2, 3)))
"""
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(shape_failure("[dtype-mismatch] output of f: expected dtype float32, got float16"))


def test_input_is_checked_before_the_call(run):
    result = run(
        """
import numpy as np
import pytest

def model(x):
    raise RuntimeError("the model ran")

@pytest.mark.expect_shape(input=(None, 64))
def test_model(shapes):
    shapes.wrap(model, name="model")(np.zeros(64))
"""
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        shape_failure("[missing-batch-axis] input of model: expected (None, 64), got (64,) (no batch axis)")
    )
    result.stdout.no_fnmatch_line("*the model ran*")


def test_marker_applies_to_every_wrapped_call(run):
    result = run(
        """
import numpy as np
import pytest

@pytest.mark.expect_shape((None, 10))
def test_two_wrappers(shapes):
    shapes.wrap(lambda x: x[:, :10], name="first")(np.zeros((4, 64)))
    shapes.wrap(lambda x: x[:, :9], name="second")(np.zeros((4, 64)))

@pytest.mark.expect_shape((None, 10))
def test_second_call_of_one_wrapper(shapes):
    f = shapes.wrap(lambda x: x, name="f")
    f(np.zeros((4, 10)))
    f(np.zeros((4, 12)))
"""
    )

    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            *shape_failure(
                "[size-mismatch] output of second: expected (None, 10), got (4, 9) (axis 1: expected 10, got 9)"
            ),
            *shape_failure(
                "[size-mismatch] output of f: expected (None, 10), got (4, 12) (axis 1: expected 10, got 12)"
            ),
        ]
    )


def test_marker_contract_covers_multi_input_structures(run):
    result = run(
        """
import numpy as np
import pytest

@pytest.mark.expect_shape((None, 1), input={"image": (None, 8, 8, 3), "meta": ("batch", 4)})
def test_dict_input(shapes):
    f = shapes.wrap(lambda x: np.zeros((2, 1)), name="m")
    f({"image": np.zeros((2, 8, 8, 3)), "meta": np.zeros((2, 4))})
    f({"image": np.zeros((8, 8, 3)), "meta": np.zeros((2, 4))})
"""
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        shape_failure(
            "[missing-batch-axis] input['image'] of m: expected (None, 8, 8, 3), got (8, 8, 3) (no batch axis)"
        )
    )


# -- a contract that checked nothing -----------------------------------------

NO_CALL_HINT = "call the model through the fixture: model = shapes.wrap(model); model(x)"


@pytest.mark.parametrize(
    ("body", "why"),
    [
        pytest.param("    pass", "the test does not use the `shapes` fixture", id="no-fixture"),
        pytest.param(
            "    shapes.check(np.zeros((4, 10)), (None, 10))",
            "no call went through shapes.wrap()",
            id="check-only",
        ),
        pytest.param(
            "    shapes.wrap(lambda x: x)",
            "no call went through shapes.wrap()",
            id="wrapped-but-not-called",
        ),
    ],
)
def test_marker_without_wrapped_call_fails_with_no_call(run, body, why):
    uses_fixture = "shapes" in body
    result = run(
        f"""
import numpy as np
import pytest

@pytest.mark.expect_shape((None, 10))
def test_model({"shapes" if uses_fixture else ""}):
{body}
"""
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        shape_failure(
            f"[no-call] test_model declares @pytest.mark.expect_shape((None, 10)) but checked no call: {why}",
            NO_CALL_HINT,
        )
    )
    assert_no_plugin_traceback(result)


def test_unmarked_test_without_calls_passes(run):
    result = run("def test_plain(shapes):\n    pass\n")

    result.assert_outcomes(passed=1)


# -- invalid specs: a collection error, never a plugin traceback ---------------


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        pytest.param(
            "(None, -1)",
            "expect_shape((None, -1)): invalid shape spec (None, -1): "
            "element 1 (-1) is negative; a size must be an integer >= 0",
            id="negative",
        ),
        pytest.param(
            "(None, 2.5)",
            "expect_shape((None, 2.5)): invalid shape spec (None, 2.5): "
            "element 1 (2.5) is not an integer; a size must be an integer >= 0",
            id="float",
        ),
        pytest.param(
            "(None, True)",
            "expect_shape((None, True)): invalid shape spec (None, True): "
            "element 1 (True) is a bool; a size must be an integer >= 0",
            id="bool",
        ),
        pytest.param(
            "(..., 3, ...)",
            "expect_shape((Ellipsis, 3, Ellipsis)): invalid shape spec (Ellipsis, 3, Ellipsis): "
            "element 2 (...) is a second variadic; at most one '...' or '*name' per spec",
            id="two-variadics",
        ),
        pytest.param(
            "'*a, 3, *b'",
            "expect_shape('*a, 3, *b'): invalid shape spec '*a, 3, *b': "
            "element 2 (*b) is a second variadic; at most one '...' or '*name' per spec",
            id="two-named-variadics",
        ),
        pytest.param(
            "('1batch', 10)",
            "expect_shape(('1batch', 10)): invalid shape spec ('1batch', 10): "
            "element 0 ('1batch') is not a valid dim name; use an identifier such as 'batch'",
            id="bad-identifier",
        ),
        pytest.param(
            "{1, 2}",
            "expect_shape({1, 2}): invalid shape spec {1, 2}: {1, 2} (set) is not a shape spec; *",
            id="unknown-object",
        ),
        pytest.param(
            "(None, 10), input=(None, -64)",
            "expect_shape((None, 10), input=(None, -64)): invalid shape spec (None, -64): "
            "element 1 (-64) is negative; a size must be an integer >= 0",
            id="input-spec",
        ),
        pytest.param(
            "[(None, 10), (None, -1)]",
            "expect_shape([(None, 10), (None, -1)]): invalid shape spec [(None, 10), (None, -1)]: "
            "element 1 (-1) is negative; a size must be an integer >= 0",
            id="inside-structure",
        ),
        pytest.param(
            "'--5, 3'",
            "expect_shape('--5, 3'): invalid shape spec '--5, 3': element 0 ('--5') is not an integer; *",
            id="double-minus",
        ),
        pytest.param(
            "'\u00b2, 3'",
            "expect_shape('\u00b2, 3'): invalid shape spec '\u00b2, 3': element 0 ('\u00b2') is not an integer; *",
            id="superscript-digit",
        ),
        pytest.param(
            "'  '",
            "expect_shape('  '): invalid shape spec '  ': an empty string is no shape; the scalar spec is ()",
            id="blank-string",
        ),
        pytest.param(
            "(lambda spec: spec.append(spec) or spec)([(None, 3)])",
            "expect_shape([(None, 3), [...]]): invalid shape spec [(None, 3), [...]]: nested more than 32 levels *",
            id="contains-itself",
        ),
        pytest.param(
            "(type('Size', (), {'__index__': lambda self: 1 / 0, '__repr__': lambda self: 1 / 0})(), 3)",
            "expect_shape(*): invalid shape spec *: element 0 (<Size object>) cannot be read as an integer *",
            id="index-and-repr-raise",
        ),
        pytest.param(
            "(None, 10), dtype=32",
            "expect_shape((None, 10), dtype=32): dtype 32 is not a dtype name such as 'float32'",
            id="dtype",
        ),
        pytest.param(
            "(None, 10), shape=(1,)",
            "expect_shape((None, 10), shape=(1,)): expect_shape() got an unexpected keyword argument 'shape'",
            id="unknown-keyword",
        ),
    ],
)
def test_invalid_marker_is_a_collection_error(run, arguments, error):
    result = run(
        f"""
import pytest

@pytest.mark.expect_shape({arguments})
def test_bad(shapes):
    pass

def test_fine():
    pass
"""
    )

    result.assert_outcomes(errors=1)
    # the test id, the marker as written, then the bad element
    pattern = glob.escape(f"SpecError: test_user.py::test_bad: invalid @pytest.mark.{error}").replace("[*]", "*")
    result.stdout.fnmatch_lines(["*ERROR collecting test_user.py*", pattern, "ERROR test_user.py::test_bad*"])
    assert_no_plugin_traceback(result)


def test_invalid_class_marker_names_each_test(run):
    result = run(
        """
import pytest

@pytest.mark.expect_shape(("batch", -1))
class TestModel:
    def test_one(self, shapes):
        pass
"""
    )

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "SpecError: test_user.py::TestModel::test_one: invalid @pytest.mark.expect_shape(('batch', -1)): "
            "invalid shape spec ('batch', -1): element 1 (-1) is negative; a size must be an integer >= 0"
        ]
    )
    assert_no_plugin_traceback(result)


def test_invalid_module_marker_is_a_collection_error(run):
    result = run(
        """
import pytest

pytestmark = pytest.mark.expect_shape("batch, 10.5")

def test_one(shapes):
    pass
"""
    )

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["SpecError: test_user.py::test_one: invalid @pytest.mark.expect_shape('batch, 10.5'): invalid shape spec*"]
    )
    assert_no_plugin_traceback(result)


def test_invalid_marker_on_one_parameter_names_that_case(run):
    result = run(
        """
import pytest

@pytest.mark.parametrize("n", [1, pytest.param(2, marks=pytest.mark.expect_shape((None, -2)))])
def test_sizes(n):
    pass
"""
    )

    result.assert_outcomes(errors=1)  # a collection error stops the run, as pytest does
    result.stdout.fnmatch_lines(
        [
            "SpecError: test_user.py::test_sizes[[]2[]]: invalid @pytest.mark.expect_shape((None, -2)): "
            "invalid shape spec (None, -2): element 1 (-2) is negative*",
            "ERROR test_user.py::test_sizes[[]2[]]*",
        ]
    )
    assert_no_plugin_traceback(result)


def test_marker_on_one_parameter_is_enforced_on_that_case(run):
    result = run(
        """
import pytest

@pytest.mark.parametrize("n", [1, pytest.param(2, marks=pytest.mark.expect_shape((None, 10)))])
def test_sizes(n):
    pass
"""
    )

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["FAILED test_user.py::test_sizes[[]2[]] - pytest_shapes.ShapeMismatch: *"])


def test_invalid_marker_in_a_nested_class_is_a_collection_error(run):
    result = run(
        """
import pytest

@pytest.mark.expect_shape("batch, 1.5")
class TestOuter:
    class TestInner:
        def test_one(self, shapes):
            pass

    def test_two(self, shapes):
        pass
"""
    )

    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "ERROR test_user.py::TestOuter::TestInner::test_one*",
            "ERROR test_user.py::TestOuter::test_two*",
        ],
        consecutive=False,
    )
    assert_no_plugin_traceback(result)
