"""The user-style suites in examples/, run the way a user runs them.

examples/ is documentation and regression test at once: each file is copied
into a pytester directory and run with `-ra`, and the tests here check what the
user sees - the outcomes, each broken test's `[kind]` headline and `hint:`
line, the `shape diagnosis` section with its layer trace, the `shapes:`
summary line and the `-ra` short summary. The `test_broken_*` examples fail
on purpose; every other example passes.

The same expectations hold under Keras 3 and legacy Keras 2; a `*` in an
expected line stands where the two differ. Brackets are always literal.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import requires_tf

pytestmark = requires_tf

EXAMPLES = Path(__file__).parent.parent / "examples"

PROTEIN = "test_protein_classifier.py"
IMAGE = "test_image_classifier.py"
TWO_INPUT = "test_two_input_model.py"
BATCH_SIZES = "test_batch_sizes.py"
FILES = [PROTEIN, IMAGE, TWO_INPUT, BATCH_SIZES]


@dataclass(frozen=True)
class Broken:
    """What a user sees for one `test_broken_*` example."""

    file: str
    test: str
    headline: str  # the `[kind] ...` line
    hint: str  # the fix, as shown after `hint: `
    trace: tuple[str, ...] = ()  # layer-trace rows, `*` between the columns
    raises: str = "pytest_shapes.ShapeMismatch"  # the exception that is the failure
    cause: str | None = None  # the error a ShapeMismatch is chained to

    def __str__(self) -> str:
        return self.test.removeprefix("test_broken_")

    @property
    def raises_mismatch(self) -> bool:
        """The failure is the plugin's ShapeMismatch, whose message is the headline and the hint."""
        return self.raises == "pytest_shapes.ShapeMismatch"


MISSING_BATCH_HINT = "add a batch axis: x[None, ...] or tf.expand_dims(x, 0) / np.expand_dims(x, 0)  # {} -> {}"
FEATURE_COLUMN_HINT = (
    "the last axis (features/channels) has {} where {} are expected:"
    " check for a dropped or extra feature column, or build the model for the data"
)
WRONG_ORDER_HINT = (
    "the inputs are in the wrong order: pass them as [inputs[1], inputs[0]], or as a dict keyed by the Input names"
)

BROKEN = [
    # -- a 64-feature protein classifier
    Broken(
        PROTEIN,
        "test_broken_single_sample_without_batch_axis",
        "[missing-batch-axis] input of Sequential 'protein_classifier': expected (batch, 64), got (64,)"
        " (no batch axis)",
        MISSING_BATCH_HINT.format("(64,)", "(1, 64)"),
    ),
    Broken(
        PROTEIN,
        "test_broken_dropped_feature_column",
        "[size-mismatch] input of Sequential 'protein_classifier': expected (batch, 64), got (8, 63)"
        " (axis 1: expected 64, got 63)",
        FEATURE_COLUMN_HINT.format(63, 64),
    ),
    Broken(
        PROTEIN,
        "test_broken_zero_config_single_sample_in_predict",
        "[missing-batch-axis] input of Sequential 'protein_classifier'.predict(): expected (None, 64), got (64,)"
        " (no batch axis)",
        MISSING_BATCH_HINT.format("(64,)", "(1, 64)"),
        trace=(
            "hidden (Dense)*(None, 64)*(64,)*<-- first failing",
            "probabilities (Dense)*(None, 32)*?",
        ),
        raises="ValueError",
    ),
    # -- a small CNN
    Broken(
        IMAGE,
        "test_broken_single_image_without_batch_axis",
        "[missing-batch-axis] input of Sequential 'digits': expected (batch, height, width, 1), got (28, 28, 1)"
        " (no batch axis)",
        MISSING_BATCH_HINT.format("(28, 28, 1)", "(1, 28, 28, 1)"),
        trace=(
            "conv (Conv2D)*(None, 28, 28, 1)*(28, 28, 1)*<-- first failing",
            "pool (MaxPooling2D)*(None, 26, 26, 4)*",
        ),
    ),
    Broken(
        IMAGE,
        "test_broken_zero_config_single_image_in_predict",
        "[missing-batch-axis] input of Sequential 'digits'.predict(): expected (None, 28, 28, 1), got (28, 28, 1)"
        " (no batch axis)",
        MISSING_BATCH_HINT.format("(28, 28, 1)", "(1, 28, 28, 1)"),
        trace=(
            "conv (Conv2D)*(None, 28, 28, 1)*(28, 28, 1)*<-- first failing",
            "pool (MaxPooling2D)*(None, 26, 26, 4)*?",
            "flatten (Flatten)*(None, 13, 13, 4)*?",
            "logits (Dense)*(None, 676)*?",
        ),
        raises="ValueError",
    ),
    Broken(
        IMAGE,
        "test_broken_channels_first_batch",
        "[axis-order] input of Sequential 'rgb': expected (None, 32, 32, 3), got (4, 3, 32, 32)"
        " (channels-first data for a channels-last model)",
        "transpose: tf.transpose(x, perm=[0, 2, 3, 1]) or np.transpose(x, (0, 2, 3, 1))"
        "  # (4, 3, 32, 32) -> (4, 32, 32, 3)",
    ),
    Broken(
        IMAGE,
        "test_broken_head_without_flatten",
        "[rank-mismatch] output of Sequential 'no_flatten': expected (None, 10), got (4, 26, 26, 10)"
        " (rank 2 expected, got rank 4)",
        "the value kept spatial axes: add layers.Flatten() or layers.GlobalAveragePooling2D() before the Dense head",
    ),
    Broken(
        IMAGE,
        "test_broken_integer_labels_with_categorical_crossentropy",
        # Keras 3 passes the labels on as (8,), legacy Keras 2 as (8, 1)
        "[target-mismatch] loss/metric: labels (8,*) vs predictions (8, 10)"
        " (integer class ids given to a loss that expects one-hot labels)",
        "the labels are integer class ids: use loss='sparse_categorical_crossentropy',"
        " or one-hot them: y = keras.utils.to_categorical(y, 10)",
        cause="ValueError",
    ),
    # -- a functional model with two inputs
    Broken(
        TWO_INPUT,
        "test_broken_inputs_swapped",
        "[size-mismatch] input[0] of Functional 'scorer': expected (batch, 64), got (4, 8)"
        " (axis 1: expected 64, got 8)",
        WRONG_ORDER_HINT,
    ),
    Broken(
        TWO_INPUT,
        "test_broken_zero_config_inputs_swapped_in_predict",
        "[size-mismatch] input[0] of Functional 'scorer'.predict(): expected (None, 64), got (4, 8)"
        " (axis 1: expected 64, got 8)",
        WRONG_ORDER_HINT,
        trace=(
            # too wide for 80 columns with the long mark
            "join (Concatenate)*[(None, 64), (None, 8)]*[(4, 8), (4, 64)]  <--",
            "score (Dense)*(None, 72)*?",
        ),
        raises="ValueError",
    ),
    Broken(
        TWO_INPUT,
        "test_broken_batch_sizes_differ",
        "[binding-conflict] input[1] of Functional 'scorer': dim 'batch' is 4 elsewhere in this call/test,"
        " but 3 here (axis 0); expected (batch, 8) with batch=4, got (3, 8)",
        "make every 'batch' the same size, or give the axes different names",
    ),
    # -- contracts without data, at every batch size
    Broken(
        BATCH_SIZES,
        "test_broken_squeeze_without_axis",
        "[batch-dependent] output of Regressor 'regressor' is () at batch size 1 but (3,) at batch size 3:"
        " the batch axis is lost at batch size 1",
        "give the squeeze its axis, e.g. tf.squeeze(x, axis=-1) or keras.ops.squeeze(x, axis=-1):"
        " without one it also drops the batch axis at batch size 1",
    ),
    Broken(
        BATCH_SIZES,
        "test_broken_batch_size_hard_coded_in_reshape",
        "[batch-dependent] Sequential 'patch_model' runs only at batch size 32: it fails at batch sizes 1 and 3"
        " (traced with an unknown batch size its output is (32, 2, 4): the batch size 32 is hard-coded)",
        "use -1 for the batch axis, not 32: tf.reshape(x, (-1, ...)), or keras.layers.Reshape(per-sample shape),"
        " which keeps the batch axis",
        cause="*Error",
    ),
]

SUMMARIES = [
    pytest.param(PROTEIN, "shapes: 5 contracts checked, 2 violated, 1 errors diagnosed", id="protein"),
    # the error explained in `with shapes.diagnose():` is diagnosed, not a contract checked
    pytest.param(IMAGE, "shapes: 4 contracts checked, 3 violated, 2 errors diagnosed", id="image"),
    pytest.param(TWO_INPUT, "shapes: 4 contracts checked, 2 violated, 1 errors diagnosed", id="two-input"),
    pytest.param(BATCH_SIZES, "shapes: 4 contracts checked, 2 violated, 0 errors diagnosed", id="batch-sizes"),
]


def literal(pattern: str) -> str:
    """An `fnmatch_lines` pattern in which brackets are literal and only `*` and `?` are wildcards."""
    return pattern.replace("[", "[[]")


def cases(*, only_with_trace: bool = False) -> list:
    return [pytest.param(case, id=str(case)) for case in BROKEN if case.trace or not only_with_trace]


@pytest.fixture
def run_example(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    """Copy an example file (and examples/conftest.py) and run it, or one test of it, with `-ra`."""
    # wide enough that `-ra` lines keep the whole headline, as they do on CI
    monkeypatch.setenv("COLUMNS", "400")
    pytester.copy_example("examples/conftest.py")

    def run(file: str, test: str | None = None) -> pytest.RunResult:
        pytester.copy_example(f"examples/{file}")
        target = f"{file}::{test}" if test else file
        return pytester.runpytest(target, "-ra", "-p", "no:cacheprovider", "-p", "no:randomly")

    return run


# -- the examples themselves


def example_tests(file: str) -> list[ast.FunctionDef]:
    module = ast.parse((EXAMPLES / file).read_text())
    return [node for node in module.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]


@pytest.mark.parametrize("file", FILES)
def test_every_example_says_what_it_shows(file: str) -> None:
    tests = example_tests(file)
    for test in tests:
        docstring = ast.get_docstring(test)
        assert docstring and "\n" not in docstring, f"{test.name} needs a one-line docstring"
    # every broken example has its expected output in BROKEN, in file order
    broken = [test.name for test in tests if test.name.startswith("test_broken_")]
    assert broken == [case.test for case in BROKEN if case.file == file]


# -- a whole example file


@pytest.mark.parametrize("file", FILES)
def test_broken_examples_fail_and_the_others_pass(run_example, file: str) -> None:
    result = run_example(file)

    broken = [case for case in BROKEN if case.file == file]
    result.assert_outcomes(passed=len(example_tests(file)) - len(broken), failed=len(broken))
    short_summary = [
        literal(f"FAILED {file}::{case.test} - {case.raises}: {case.headline if case.raises_mismatch else '*'}")
        for case in broken
    ]
    result.stdout.fnmatch_lines(["*short test summary info*", *short_summary])


@pytest.mark.parametrize(("file", "summary"), SUMMARIES)
def test_summary_counts_checks_violations_and_diagnoses(run_example, file: str, summary: str) -> None:
    result = run_example(file)

    result.stdout.fnmatch_lines([summary])


@pytest.mark.parametrize("file", FILES)
def test_tracebacks_show_no_plugin_frames(run_example, file: str) -> None:
    result = run_example(file)

    result.stdout.no_fnmatch_line("*pytest_shapes/*")
    result.stdout.no_fnmatch_line("*pytest_shapes\\*")


# -- each broken example


@pytest.mark.parametrize("case", cases())
def test_broken_example_names_the_root_cause(run_example, case: Broken) -> None:
    result = run_example(case.file, case.test)

    result.assert_outcomes(failed=1)
    # a zero-config failure stays Keras' own error; the diagnosis is in the section
    error = [f"E*{case.raises}: {case.headline if case.raises_mismatch else '*'}"]
    if case.cause is not None:  # the ShapeMismatch is chained to the error it explains
        error = [f"E*{case.cause}: *", "The above exception was the direct cause of the following exception:", *error]
    section = ["*- shape diagnosis -*", case.headline]
    result.stdout.fnmatch_lines([literal(line) for line in [*error, *section]])


@pytest.mark.parametrize("case", cases())
def test_broken_example_hints_at_the_fix(run_example, case: Broken) -> None:
    result = run_example(case.file, case.test)

    lines = ["*- shape diagnosis -*", f"hint:     {case.hint}"]
    if case.raises_mismatch:  # the error message has it too, right after the headline
        lines = [f"E*{case.raises}: *", f"E*hint: {case.hint}", *lines]
    result.stdout.fnmatch_lines([literal(line) for line in lines])


@pytest.mark.parametrize("case", cases(only_with_trace=True))
def test_broken_example_traces_the_layers(run_example, case: Broken) -> None:
    result = run_example(case.file, case.test)

    header = ["*- shape diagnosis -*", "layer trace:", "  layer *expects *receives"]
    result.stdout.fnmatch_lines([literal(line) for line in [*header, *(f"  {row}" for row in case.trace)]])
