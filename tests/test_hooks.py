"""The `pytest_shapes_shape_of` hook (SPEC §7): conftest implementations and the built-ins."""

from __future__ import annotations

import sys

import pytest
from conftest import requires_numpy, requires_tf, shape_failure, tf

from pytest_shapes import ShapeMismatch
from pytest_shapes.spec import format_shape

try:
    import numpy as np
except ImportError:  # the built-in NumPy cases are skipped
    np = None

# A tensor type pytest-shapes does not know. Its `.shape` is deliberately not the
# real shape, so the result shows which extractor was used.
GRID = """
class Grid:
    shape = (1,)

    def __init__(self, *dims):
        self.dims = dims
"""

GRID_HOOK = """
def pytest_shapes_shape_of(value):
    if type(value).__name__ == "Grid":
        return value.dims
    return None
"""

GRID_TESTS = (
    GRID
    + """
import numpy as np
import pytest

def test_check(shapes):
    shapes.check(Grid(4, 10), ("batch", 10), name="grid")

@pytest.mark.expect_shape(("batch", 10), input=("batch", 64))
def test_wrapped_call(shapes):
    shapes.wrap(lambda x: Grid(x.dims[0], 10), name="f")(Grid(4, 64))

def test_mismatch_shows_the_hook_shape(shapes):
    shapes.check(Grid(4, 10), (None, 11), name="grid")

def test_numpy_falls_through_to_the_builtin(shapes):
    shapes.check(np.zeros((4, 10)), (None, 10), name="array")
    shapes.check(np.zeros((4, 10)), (None, 12), name="array")
"""
)


@requires_numpy
def test_conftest_hook_wins_over_builtins(run):
    result = run(GRID_TESTS, conftest=GRID_HOOK)

    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            *shape_failure("[size-mismatch] grid: expected (None, 11), got (4, 10) (axis 1: expected 11, got 10)"),
            *shape_failure("[size-mismatch] array: expected (None, 12), got (4, 10) (axis 1: expected 12, got 10)"),
        ]
    )


@requires_numpy
def test_without_the_hook_the_builtin_reads_dot_shape(run):
    result = run(GRID_TESTS)

    result.assert_outcomes(passed=0, failed=4)
    result.stdout.fnmatch_lines(
        shape_failure("[missing-axis] grid: expected (batch, 10), got (1,) (axis 1 of size 10 is missing)")
    )


def test_hook_returning_none_falls_through_to_builtins(run):
    result = run(
        GRID
        + """
def test_duck_shape_is_used(shapes):
    shapes.check(Grid(4, 10), (1,), name="grid")
""",
        conftest="""
def pytest_shapes_shape_of(value):
    return None
""",
    )

    result.assert_outcomes(passed=1)


def test_hook_is_called_with_the_value(run):
    result = run(
        GRID
        + """
def test_checked(shapes):
    shapes.check(Grid(2, 3), "rows, cols", name="grid")
    shapes.check(Grid(2, 4), "rows, cols", name="grid")
""",
        conftest="""
import pytest

@pytest.hookimpl(tryfirst=True)
def pytest_shapes_shape_of(value):
    if type(value).__name__ == "Grid":
        print(f"shape_of called with Grid{value.dims}")
        return value.dims
""",
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            *shape_failure(
                "[binding-conflict] grid: dim 'cols' is 3 elsewhere in this call/test, but 4 here (axis 1); "
                "expected (rows, cols) with rows=2, cols=3, got (2, 4)"
            ),
            "*Captured stdout call*",
            "shape_of called with Grid(2, 3)",
            "shape_of called with Grid(2, 4)",
        ]
    )


# -- the built-in implementations ---------------------------------------------


class Duck:
    """Any object with a `.shape` (JAX, PyTorch, custom types)."""

    def __init__(self, shape):
        self.shape = shape


@pytest.mark.parametrize(
    ("make", "shape"),
    [
        pytest.param(lambda: np.zeros((2, 3, 4)), (2, 3, 4), id="numpy-array", marks=requires_numpy),
        pytest.param(lambda: np.float32(1.0), (), id="numpy-scalar", marks=requires_numpy),
        pytest.param(lambda: Duck((5, 6)), (5, 6), id="duck-typed"),
        pytest.param(lambda: 3.0, (), id="python-scalar"),
        pytest.param(lambda: tf.zeros((4, 10)), (4, 10), id="eager-tensor", marks=requires_tf),
        pytest.param(lambda: tf.Variable(tf.zeros((3, 5))), (3, 5), id="variable", marks=requires_tf),
        pytest.param(lambda: tf.keras.Input((28, 28, 1)), (None, 28, 28, 1), id="keras-tensor", marks=requires_tf),
        pytest.param(
            lambda: tf.sparse.SparseTensor(indices=[[0, 1]], values=[1.0], dense_shape=[3, 4]),
            (3, 4),
            id="sparse-tensor",
            marks=requires_tf,
        ),
        pytest.param(lambda: tf.constant(1.0), (), id="scalar-tensor", marks=requires_tf),
    ],
)
def test_builtin_shape_of(shapes, make, shape):
    value = make()

    shapes.check(value, shape)
    with pytest.raises(ShapeMismatch) as info:
        shapes.check(value, (*shape, 7))
    assert f", got {format_shape(shape)} (" in str(info.value).splitlines()[0]


@requires_tf
def test_a_ragged_axis_fits_no_fixed_size(shapes):
    ragged = tf.ragged.constant([[1, 2], [3, 4, 5]])

    shapes.check(ragged, (2, None))
    shapes.check(ragged, (2, "time"))
    shapes.check(tf.RaggedTensor.from_uniform_row_length(tf.range(6), 3), (2, 3))  # uniform rows: a real size
    with pytest.raises(ShapeMismatch) as info:
        shapes.check(ragged, (2, 3))
    assert str(info.value).splitlines() == [
        "[size-mismatch] value: expected (2, 3), got (2, ragged) (axis 1: expected 3, got ragged)",
        "hint: axis 1 is ragged (its length differs from row to row): pad it to 3 with x.to_tensor(shape=...) "
        "or pad_sequences, or declare that axis as None or a name",
    ]


class LyingShape:
    def __init__(self, shape):
        self._shape = shape

    @property
    def shape(self):
        if self._shape == "raises":
            raise RuntimeError("a broken property")
        return self._shape


@pytest.mark.parametrize(
    ("shape", "why"),
    [
        ("2, 3", "its .shape is of type str"),
        (6, "its .shape is of type int"),
        ({0: 2, 1: 3}, "its .shape is of type dict"),
        ((2.0, 3), "its .shape is a tuple of sizes that are not integers"),  # never truncated to (2, 3)
        (("2", "3"), "its .shape is a tuple of sizes that are not integers"),
        ("raises", "its .shape raised RuntimeError"),
    ],
)
def test_a_shape_that_is_not_a_shape_never_passes_a_contract(shapes, shape, why):
    value = LyingShape(shape)

    with pytest.raises(ShapeMismatch) as info:
        shapes.check(value, (2, 3))
    assert str(info.value).splitlines()[0] == (
        f"[rank-mismatch] value: expected a tensor of shape (2, 3), got LyingShape (no usable shape: {why})"
    )
    # a wrapper with no spec just records it has no shape
    assert shapes.wrap(lambda x: "done", name="f")(value) == "done"
    assert shapes.calls[-1].input_shapes is None


@requires_tf
def test_symbolic_unknown_sizes_fit_any_spec(shapes):
    shapes.check(tf.keras.Input((None, 3)), ("batch", "steps", 3))
    shapes.check(tf.zeros((4, 7, 3)), ("batch", "steps", 3))


def test_public_names_follow_a_reimported_module(monkeypatch: pytest.MonkeyPatch) -> None:
    # pytester restores sys.modules after each run: a plugin author's conftest then imports a
    # fresh pytest_shapes.diagnosis, and `from pytest_shapes import Diagnosis` must give its class
    import importlib

    import pytest_shapes

    before = pytest_shapes.Diagnosis
    monkeypatch.delitem(sys.modules, "pytest_shapes.diagnosis")
    fresh = importlib.import_module("pytest_shapes.diagnosis")

    assert fresh.Diagnosis is not before
    assert pytest_shapes.Diagnosis is fresh.Diagnosis


# -- pytest_shapes_explain: user explainers see every failure, scoped to their conftest -------

SCOPED_EXPLAINER = """
from pytest_shapes import Diagnosis

def pytest_shapes_explain(error, context):
    message = context.message(error)
    return Diagnosis("rank-mismatch", f"explained in a/: {message.type_name}: {message.first_line}", hint="see a/")
"""

FAILING_TESTS = """
def test_plain_error():
    raise KeyError("features")

def test_wrapped_call(shapes):
    def model(x):
        raise RuntimeError("the op blew up")
    shapes.wrap(model, name="model")([1, 2])
"""


def test_user_explainer_sees_errors_without_shape_words(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(SCOPED_EXPLAINER)
    pytester.makepyfile(test_user=FAILING_TESTS)

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*shape diagnosis*",
            "[[]rank-mismatch] explained in a/: KeyError: 'features'",
            *shape_failure("[rank-mismatch] explained in a/: RuntimeError: the op blew up", "see a/"),
        ]
    )


def test_conftest_explainer_only_explains_its_own_directory(pytester: pytest.Pytester) -> None:
    pytester.mkpydir("a")
    pytester.mkpydir("b")
    (pytester.path / "a" / "conftest.py").write_text(SCOPED_EXPLAINER)
    (pytester.path / "a" / "test_a.py").write_text(FAILING_TESTS)
    (pytester.path / "b" / "test_b.py").write_text(FAILING_TESTS)

    result = pytester.runpytest("-p", "no:cacheprovider", "-ra")

    result.assert_outcomes(failed=4)
    result.stdout.fnmatch_lines(
        [
            "FAILED a/test_a.py::test_plain_error - KeyError: 'features'",
            "FAILED a/test_a.py::test_wrapped_call - pytest_shapes.ShapeMismatch: *",
            "FAILED b/test_b.py::test_plain_error - KeyError: 'features'",
            "FAILED b/test_b.py::test_wrapped_call - RuntimeError: the op blew up",
        ]
    )
    # a/'s plain error only: in its `shape diagnosis` section and in the closing block
    assert result.stdout.str().count("explained in a/: KeyError") == 2
    result.stdout.fnmatch_lines(
        ["*= shape diagnoses =*", "a/test_a.py::test_plain_error*", "*explained in a/: KeyError*"]
    )
    assert not any(line.startswith("b/test_b.py::test_plain_error") for line in result.outlines)


def test_a_crashing_explainer_never_turns_an_ordinary_error_into_a_diagnosis(pytester: pytest.Pytester) -> None:
    pytester.makeconftest("def pytest_shapes_explain(error, context):\n    raise RuntimeError('explainer bug')\n")
    pytester.makepyfile(
        test_user="""
        import pytest

        def load(path):
            raise FileNotFoundError(path)

        def test_caught_through_a_wrapper(shapes):
            with pytest.raises(FileNotFoundError):
                shapes.wrap(load, name="load")("data/shapes.csv")

        def test_fails():
            load("data/shapes.csv")
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider", "-ra")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["FAILED test_user.py::test_fails - FileNotFoundError: data/shapes.csv"])
    assert "shape diagnosis" not in result.stdout.str()
    # the failure says, once, that an explainer broke on it (a missing notice would hide the bug)
    result.stdout.fnmatch_lines(
        [
            "*- shapes note -*",
            "a pytest_shapes_explain hook raised RuntimeError: explainer bug (conftest.py:2); "
            "the error is shown undiagnosed",
        ]
    )
    assert result.stdout.str().count("- shapes note -") == 1


RAISING_SHAPE_HOOKS = """
def pytest_shapes_shape_of(value):
    raise RuntimeError("shape_of hook bug")

def pytest_shapes_expected_input(model):
    raise RuntimeError("expected_input hook bug")
"""

CALL_OUTCOMES = """
import sys
import pytest

class Box:
    shape = (2, 3)

def skips(x):
    pytest.skip("no GPU here")

def xfails(x):
    pytest.xfail("known bug")

def fails(x):
    pytest.fail("the user's own failure")

def exits(x):
    sys.exit(3)

def asserts(x):
    assert x is None, "the user's assertion"

def own_error(x):
    raise KeyError("features")

@pytest.mark.parametrize("spec", [None, (2, 3)], ids=["no-spec", "spec"])
@pytest.mark.parametrize("fn", [skips, xfails, fails, exits, asserts, own_error])
def test_call(shapes, fn, spec):
    shapes.wrap(fn, input=spec)(Box())

def test_passing_call(shapes):
    assert shapes.wrap(lambda x: 1)(Box()) == 1

def test_passing_check(shapes):
    shapes.check(Box(), (2, 3))
"""


def test_a_raising_shape_hook_never_replaces_the_outcome_of_the_call(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(RAISING_SHAPE_HOOKS)
    pytester.makepyfile(test_user=CALL_OUTCOMES)

    result = pytester.runpytest("-p", "no:cacheprovider", "-rA")

    # the call's own skip, xfail, failure, exit, assertion and error stand
    result.assert_outcomes(failed=8, skipped=2, xfailed=2, passed=2, errors=6)
    result.stdout.fnmatch_lines_random(
        [
            "SKIPPED [[]2] test_user.py:*: no GPU here",
            "XFAIL test_user.py::test_call[[]xfails-no-spec] - known bug",
            "FAILED test_user.py::test_call[[]fails-spec] - Failed: the user's own failure",
            "FAILED test_user.py::test_call[[]exits-no-spec] - SystemExit: 3",
            "FAILED test_user.py::test_call[[]asserts-spec] - AssertionError: the user's*",
            "FAILED test_user.py::test_call[[]own_error-spec] - KeyError: 'features'",
        ]
    )
    # a failure carries the hook's bug as one line; a test that did not fail errors in its teardown,
    # so a broken hook never passes silently
    out = result.stdout.str()
    assert out.count("- shapes note -") == 8
    result.stdout.fnmatch_lines(
        [
            "a pytest_shapes_shape_of hook raised RuntimeError: shape_of hook bug (conftest.py:2); "
            "pytest-shapes used its built-in one instead"
        ]
    )
    result.stdout.fnmatch_lines_random(
        [
            "ERROR test_user.py::test_passing_call - Failed: a pytest_shapes_*",
            "ERROR test_user.py::test_passing_check - Failed: a pytest_shapes_*",
            "ERROR test_user.py::test_call[[]skips-spec] - Failed: a pytest_*",
        ]
    )
    assert "INTERNALERROR" not in out
