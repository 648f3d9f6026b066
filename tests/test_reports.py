"""Failure reports for people and CI: the section, the summary line, JUnit XML, the JSON report.

Everything is checked as a user sees it: pytester runs a user-style suite,
and the tests read its terminal output, its JUnit XML and its JSON report.
The integration suite runs without and with pytest-xdist (`-n 0`, `-n 2`),
and the two runs must report the same.
"""

from __future__ import annotations

import glob
import json
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import requires_numpy, requires_tf

RUN_ARGS = ("-p", "no:cacheprovider", "-p", "no:randomly")

# A user's suite: every outcome a report can show. Models and layers are named,
# since Keras numbers automatic names per process and each xdist worker counts alone.
USER_SUITE = """
import pytest
import tensorflow as tf

keras = tf.keras


def classifier():
    return keras.Sequential(
        [keras.Input(shape=(64,), name="features"), keras.layers.Dense(10, name="logits")], name="classifier"
    )


def deep_model():
    layers = [keras.layers.Dense(64, name=f"dense_{i:02d}") for i in range(100)]
    return keras.Sequential([keras.Input(shape=(64,), name="deep_features"), *layers], name="deep")


def test_matmul():
    tf.matmul(tf.zeros((32, 64)), tf.zeros((63, 10)))


def test_single_sample():
    classifier()(tf.fill((64,), 7.25))


def test_deep_model():
    deep_model()(tf.zeros((8, 63)))


def test_reraised_from():
    try:
        tf.matmul(tf.zeros((32, 64)), tf.zeros((63, 10)))
    except tf.errors.InvalidArgumentError as err:
        raise RuntimeError("training failed") from err


def test_raised_while_handling():
    try:
        classifier()(tf.zeros((64,)))
    except ValueError:
        raise RuntimeError("evaluation failed")


def test_shape_error_expected():
    with pytest.raises(ValueError):
        classifier()(tf.zeros((64,)))


def test_contracts_hold(shapes):
    model = shapes.wrap(classifier())
    shapes.check(tf.zeros((8, 64)), ("batch", 64), name="features")
    model(tf.zeros((8, 64)))


def test_wrapped_op_error(shapes):
    weights = tf.zeros((63, 10))
    project = shapes.wrap(lambda x: tf.matmul(x, weights), name="project")
    project(tf.zeros((32, 64)))


def test_wrapped_input_violated(shapes):
    model = shapes.wrap(classifier())
    model(tf.zeros((64,)))


def test_check_violated(shapes):
    shapes.check(tf.zeros((8, 63)), (None, 64), name="features")


def test_diagnose_block(shapes):
    with shapes.diagnose():
        tf.matmul(tf.zeros((32, 64)), tf.zeros((63, 10)))


@pytest.mark.expect_shape((None, 10))
def test_no_call():
    pass


def test_not_a_shape_error():
    assert 6 * 7 == 43
"""

# the diagnosis each failing test of USER_SUITE gets; the others get none
KINDS = {
    "test_matmul": "matmul-incompatible",
    "test_single_sample": "missing-batch-axis",
    "test_deep_model": "size-mismatch",
    "test_reraised_from": "matmul-incompatible",
    "test_raised_while_handling": "missing-batch-axis",
    "test_wrapped_op_error": "matmul-incompatible",
    "test_wrapped_input_violated": "missing-batch-axis",
    "test_check_violated": "size-mismatch",
    "test_diagnose_block": "matmul-incompatible",
    "test_no_call": "no-call",
}
UNDIAGNOSED = ("test_shape_error_expected", "test_contracts_hold", "test_not_a_shape_error")

MATMUL = "matrix product (32, 64) @ (63, 10): inner dimensions differ (64 vs 63)"
SINGLE_SAMPLE = "input of Sequential 'classifier': expected (None, 64), got (64,) (no batch axis)"
DEEP = "input of Sequential 'deep': expected (None, 64), got (8, 63) (axis 1: expected 64, got 63)"
CHECK = "features: expected (None, 64), got (8, 63) (axis 1: expected 64, got 63)"

_SEPARATOR = re.compile(r"^([-_=])\1* (.+?) \1+$")  # a long title leaves a single "-" either side


@dataclass
class SuiteRun:
    """USER_SUITE's run: what a user sees in the terminal, the JUnit XML and the JSON report."""

    result: pytest.RunResult
    junit: dict[str, dict[str, str]]
    report: dict[str, Any]

    @property
    def sections(self) -> dict[str, str]:
        return shape_sections(self.result)

    @property
    def summary(self) -> list[str]:
        """The shapes summary block, separator to the final counts line (excluded)."""
        lines = self.result.outlines
        start = next(i for i, line in enumerate(lines) if _title(line) in ("shapes", "shape diagnoses"))
        return lines[start : len(lines) - 1]


@pytest.fixture(scope="module")
def suite_runs() -> dict[str, SuiteRun]:
    """One run of USER_SUITE per worker count, shared by the module's tests (an -n 2 run costs seconds)."""
    return {}


@pytest.fixture(params=["0", "2"], ids=["serial", "xdist"])
def workers(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def suite(pytester: pytest.Pytester, suite_runs: dict[str, SuiteRun], workers: str) -> SuiteRun:
    return run_suite(pytester, suite_runs, workers)


def run_suite(pytester: pytest.Pytester, runs: dict[str, SuiteRun], workers: str) -> SuiteRun:
    if workers not in runs:
        pytester.makepyfile(test_user=USER_SUITE)
        junit, report = pytester.path / "junit.xml", pytester.path / "shapes.json"
        with pytest.MonkeyPatch.context() as env:
            env.setenv("CI", "true")  # as on CI: pytest's summaries (and ours) keep whole lines
            result = pytester.runpytest(
                *RUN_ARGS, "-n", workers, "-v", f"--junitxml={junit}", f"--shapes-report={report}"
            )
        runs[workers] = SuiteRun(result, junit_properties(junit), json.loads(report.read_text()))
    return runs[workers]


def shape_sections(result: pytest.RunResult) -> dict[str, str]:
    """Test name -> the text of its `shape diagnosis` section."""
    found: dict[str, list[str]] = {}
    test, collecting = "", None
    for line in result.outlines:
        match = _SEPARATOR.match(line)
        if match:
            collecting = None
            if match.group(1) == "_":
                test = match.group(2)
            elif match.group(2) == "shape diagnosis":
                collecting = found.setdefault(test, [])
        elif collecting is not None:
            collecting.append(line)
    return {name: "\n".join(lines) for name, lines in found.items()}


def _title(line: str) -> str | None:
    match = _SEPARATOR.match(line)
    return match.group(2) if match else None


def junit_properties(path: Path) -> dict[str, dict[str, str]]:
    """Testcase name -> its properties."""
    root = ET.parse(path).getroot()
    return {
        case.attrib["name"]: {prop.attrib["name"]: prop.attrib["value"] for prop in case.iter("property")}
        for case in root.iter("testcase")
    }


# -- the integration suite, with and without xdist ------------------------------


@requires_tf
def test_original_errors_stay_the_failures(suite: SuiteRun) -> None:
    suite.result.assert_outcomes(failed=11, passed=2)
    for line in (  # in the order the tests finished, which xdist shuffles
        "FAILED test_user.py::test_matmul - tensorflow.python.framework.errors_impl.*",
        "FAILED test_user.py::test_single_sample - ValueError: *",
        "FAILED test_user.py::test_deep_model - ValueError: *",
        "FAILED test_user.py::test_reraised_from - RuntimeError: training failed",
        "FAILED test_user.py::test_raised_while_handling - RuntimeError: evaluation fa*",
        "FAILED test_user.py::test_wrapped_op_error - pytest_shapes.ShapeMismatch: *",
        "FAILED test_user.py::test_wrapped_input_violated - pytest_shapes.ShapeMismatc*",
        "FAILED test_user.py::test_check_violated - pytest_shapes.ShapeMismatch: *",
        "FAILED test_user.py::test_diagnose_block - pytest_shapes.ShapeMismatch: *",
        "FAILED test_user.py::test_no_call - pytest_shapes.ShapeMismatch: *",
        "FAILED test_user.py::test_not_a_shape_error - assert (6 * 7) == 43",
    ):
        suite.result.stdout.fnmatch_lines(["*short test summary info*", line])


@requires_tf
def test_each_diagnosed_failure_has_a_section_with_its_kind(suite: SuiteRun) -> None:
    sections = suite.sections

    assert {name: text.splitlines()[0].split("]")[0] + "]" for name, text in sections.items()} == {
        name: f"[{kind}]" for name, kind in KINDS.items()
    }
    assert sections["test_matmul"].splitlines()[0] == f"[matmul-incompatible] {MATMUL}"
    assert sections["test_reraised_from"] == sections["test_matmul"]  # found behind `raise ... from err`
    assert sections["test_raised_while_handling"] == sections["test_single_sample"]  # behind __context__
    for text in sections.values():
        assert "\x1b" not in text
        assert "numpy=" not in text
        assert "7.25" not in text  # the single sample's contents


@requires_tf
def test_section_shows_kind_shapes_hint_and_an_aligned_layer_trace(suite: SuiteRun) -> None:
    lines = suite.sections["test_single_sample"].splitlines()

    assert lines[:3] == [f"[missing-batch-axis] {SINGLE_SAMPLE}", "expected: (None, 64)", "actual:   (64,)"]
    hint = next(line for line in lines if line.startswith("hint:"))
    assert hint.startswith("hint:     add a batch axis: ")
    table = lines[lines.index("layer trace:") + 1 :]
    assert [line.split() for line in table] == [
        ["layer", "expects", "receives"],
        ["logits", "(Dense)", "(None,", "64)", "(64,)", "<--", "first", "failing"],
    ]
    header, row = table
    assert header.index("expects") == row.index("(None, 64)")
    assert header.index("receives") == row.index("(64,)")


@requires_tf
def test_long_layer_trace_is_abbreviated_around_the_failing_layer(suite: SuiteRun) -> None:
    lines = suite.sections["test_deep_model"].splitlines()

    assert lines[0] == f"[size-mismatch] {DEEP}"
    table = lines[lines.index("layer trace (100 layers):") + 1 :]
    assert [line.split()[0] for line in table] == [
        "layer", "dense_00", "dense_01", "dense_02", "...", "dense_98", "dense_99",
    ]  # fmt: skip
    assert table[1].endswith("(8, 63)   <-- first failing")
    assert table[4] == "  ... 95 more layers ..."
    assert all(len(line) <= 80 for line in table)


@requires_tf
def test_summary_line_counts_contracts_violations_and_diagnosed_errors(suite: SuiteRun) -> None:
    # 5 contracts: 3 wrapped calls and 2 checks (a `shapes.diagnose()` block is none);
    # violated: 2 of them and the marker with no call;
    # diagnosed: 4 zero-config errors, 1 in a wrapped call, 1 in a `shapes.diagnose()` block
    summary = "shapes: 5 contracts checked, 3 violated, 7 errors diagnosed"
    suite.result.stdout.fnmatch_lines(["*short test summary info*", "FAILED *", "*= shape diagnoses =*", summary])
    header, *block, counts = suite.summary
    assert (header, counts) == ("=" * 31 + " shape diagnoses " + "=" * 32, summary)
    # each diagnosed failure, by test id: its headline, then its hint
    no_call = (
        "test_no_call declares @pytest.mark.expect_shape((None, 10)) but checked no call: the test does not use "
        "the `shapes` fixture"
    )
    assert block[0::2] == [
        f"test_user.py::test_check_violated - [size-mismatch] {CHECK}",
        f"test_user.py::test_deep_model - [size-mismatch] {DEEP}",
        f"test_user.py::test_diagnose_block - [matmul-incompatible] {MATMUL}",
        f"test_user.py::test_matmul - [matmul-incompatible] {MATMUL}",
        f"test_user.py::test_no_call - [no-call] {no_call}",
        f"test_user.py::test_raised_while_handling - [missing-batch-axis] {SINGLE_SAMPLE}",
        f"test_user.py::test_reraised_from - [matmul-incompatible] {MATMUL}",
        f"test_user.py::test_single_sample - [missing-batch-axis] {SINGLE_SAMPLE}",
        f"test_user.py::test_wrapped_input_violated - [missing-batch-axis] {SINGLE_SAMPLE}",
        f"test_user.py::test_wrapped_op_error - [matmul-incompatible] {MATMUL}",
    ]
    assert all(line.startswith("  hint: ") and len(line) > 12 for line in block[1::2]), block
    assert re.fullmatch(r"=+ 11 failed, 2 passed in .* =+", suite.result.outlines[-1])


@requires_tf
def test_junit_xml_carries_the_diagnosis_of_each_diagnosed_failure(suite: SuiteRun) -> None:
    sections = suite.sections

    assert set(suite.junit) == set(KINDS) | set(UNDIAGNOSED)
    for name, kind in KINDS.items():
        assert suite.junit[name] == {
            "shape_diagnosis_kind": kind,
            "shape_diagnosis": sections[name].splitlines()[0],
        }, name
    for name in UNDIAGNOSED:
        assert suite.junit[name] == {}, name


@requires_tf
def test_json_report_lists_checks_and_diagnoses_per_test(suite: SuiteRun) -> None:
    report = suite.report
    tests = {test["nodeid"].split("::")[1]: test for test in report["tests"]}

    assert report["version"] == 1
    assert [test["nodeid"] for test in report["tests"]] == sorted(f"test_user.py::{name}" for name in tests)
    assert set(tests) == set(KINDS) | {"test_contracts_hold"}  # tests that checked or were diagnosed
    assert tests["test_contracts_hold"] == {
        "nodeid": "test_user.py::test_contracts_hold",
        "outcome": "passed",
        "checks": [
            {
                "name": "features",
                "input_shapes": None,
                "output_shapes": [8, 64],
                "outcome": "passed",
                "kind": None,
                "count": 1,
            },
            {
                "name": "Sequential 'classifier'",
                "input_shapes": [8, 64],
                "output_shapes": [8, 10],
                "outcome": "passed",
                "kind": None,
                "count": 1,
            },
        ],
        "diagnoses": [],
    }
    wrapped = tests["test_wrapped_op_error"]
    assert wrapped["checks"] == [
        {"name": "project", "input_shapes": [32, 64], "output_shapes": None, "outcome": "error",
         "kind": "matmul-incompatible", "count": 1},
    ]  # fmt: skip
    assert wrapped["diagnoses"] == [
        {
            "kind": "matmul-incompatible",
            "message": MATMUL,
            "hint": wrapped["diagnoses"][0]["hint"],
            "expected": "(..., 64) @ (64, ...)",
            "actual": "(32, 64) @ (63, 10)",
            "layer": None,
        }
    ]
    assert wrapped["diagnoses"][0]["hint"]
    for name, kind in KINDS.items():
        test = tests[name]
        assert test["outcome"] == "failed"
        assert [diagnosis["kind"] for diagnosis in test["diagnoses"]] == [kind], name
        assert set(test["diagnoses"][0]) == {"kind", "message", "hint", "expected", "actual", "layer"}
        assert f"[{kind}] {test['diagnoses'][0]['message']}" == suite.sections[name].splitlines()[0]
    assert tests["test_deep_model"]["diagnoses"][0]["layer"] == "dense_00"
    assert tests["test_diagnose_block"]["checks"] == []  # a `shapes.diagnose()` block is not a contract


@requires_tf
def test_xdist_reports_exactly_what_a_serial_run_reports(
    pytester: pytest.Pytester, suite_runs: dict[str, SuiteRun]
) -> None:
    serial = run_suite(pytester, suite_runs, "0")
    distributed = run_suite(pytester, suite_runs, "2")

    assert distributed.sections == serial.sections
    assert distributed.summary == serial.summary
    assert distributed.junit == serial.junit
    assert distributed.report == serial.report


@requires_numpy
def test_shapes_from_a_user_hook_reach_the_json_report_as_plain_ints(pytester: pytest.Pytester, workers: str) -> None:
    # NumPy integers are neither JSON nor sendable over xdist's channel
    pytester.makeconftest(
        """
        import numpy as np

        def pytest_shapes_shape_of(value):
            if isinstance(value, np.ndarray):
                return tuple(np.int64(size) for size in value.shape)
        """
    )
    pytester.makepyfile(
        """
        import numpy as np

        def test_check(shapes):
            shapes.check(np.zeros((4, 3)), (None, 3), name="table")
        """
    )

    result = pytester.runpytest(*RUN_ARGS, "-n", workers, "--shapes-report=shapes.json")

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["shapes: 1 contracts checked, 0 violated, 0 errors diagnosed"])
    report = json.loads((pytester.path / "shapes.json").read_text())
    assert report["tests"][0]["checks"][0]["output_shapes"] == [4, 3]


# -- zero-config and its switch ------------------------------------------------


def test_plain_suite_prints_and_records_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_passes():
            assert True

        def test_fails():
            raise ValueError("the shape of things to come")
        """
    )

    result = pytester.runpytest(*RUN_ARGS, "--junitxml=junit.xml", "--shapes-report=shapes.json")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.no_fnmatch_line("*shapes:*")
    result.stdout.no_fnmatch_line("*= shapes =*")
    result.stdout.no_fnmatch_line("*shape diagnosis*")
    assert junit_properties(pytester.path / "junit.xml") == {"test_passes": {}, "test_fails": {}}
    assert json.loads((pytester.path / "shapes.json").read_text()) == {"version": 1, "tests": []}


@requires_tf
@pytest.mark.parametrize("switch", ["--shapes-diagnose=off", "ini"])
def test_diagnose_off_leaves_failures_undiagnosed(pytester: pytest.Pytester, switch: str) -> None:
    pytester.makepyfile(
        """
        import tensorflow as tf

        def test_matmul():
            tf.matmul(tf.zeros((32, 64)), tf.zeros((63, 10)))
        """
    )
    args = [switch]
    if switch == "ini":
        pytester.makeini("[pytest]\nshapes_diagnose = off\n")
        args = []

    result = pytester.runpytest(*RUN_ARGS, *args)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["FAILED test_diagnose_off_leaves_failures_undiagnosed.py::test_matmul - tens*"])
    result.stdout.no_fnmatch_line("*shape diagnosis*")
    result.stdout.no_fnmatch_line("*shapes:*")


@requires_tf
def test_setup_errors_are_diagnosed_and_expected_failures_are_not(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
        import pytest
        import tensorflow as tf

        @pytest.fixture
        def logits():
            return tf.matmul(tf.zeros((32, 64)), tf.zeros((63, 10)))

        def test_setup(logits):
            pass

        @pytest.mark.xfail(reason="known bug", strict=True)
        def test_known_bug(shapes):
            shapes.check(tf.zeros((32, 64)), (None, 64))
            tf.matmul(tf.zeros((32, 64)), tf.zeros((63, 10)))
        """
    )

    result = pytester.runpytest(*RUN_ARGS, "--junitxml=junit.xml", "--shapes-report=shapes.json")

    result.assert_outcomes(errors=1, xfailed=1)
    assert list(shape_sections(result)) == ["ERROR at setup of test_setup"]
    result.stdout.fnmatch_lines(["shapes: 1 contracts checked, 0 violated, 1 errors diagnosed"])
    assert junit_properties(pytester.path / "junit.xml") == {
        "test_setup": {
            "shape_diagnosis_kind": "matmul-incompatible",
            "shape_diagnosis": f"[matmul-incompatible] {MATMUL}",
        },
        "test_known_bug": {},
    }
    report = json.loads((pytester.path / "shapes.json").read_text())
    assert [
        (test["nodeid"], test["outcome"], len(test["checks"]), len(test["diagnoses"])) for test in report["tests"]
    ] == [
        ("test_user.py::test_known_bug", "xfailed", 1, 0),
        ("test_user.py::test_setup", "error", 0, 1),
    ]


@requires_tf
def test_teardown_errors_are_diagnosed_once_beside_the_tests_own_checks(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
        import pytest
        import tensorflow as tf

        @pytest.fixture
        def weights():
            yield tf.zeros((64, 10))
            tf.matmul(tf.zeros((32, 64)), tf.zeros((63, 10)))  # a shape bug in the clean-up

        def test_checked(shapes, weights):
            shapes.check(weights, (64, 10))
        """
    )

    result = pytester.runpytest(*RUN_ARGS, "--junitxml=junit.xml", "--shapes-report=shapes.json")

    result.assert_outcomes(passed=1, errors=1)
    assert list(shape_sections(result)) == ["ERROR at teardown of test_checked"]
    result.stdout.fnmatch_lines(["shapes: 1 contracts checked, 0 violated, 1 errors diagnosed"])
    assert junit_properties(pytester.path / "junit.xml")["test_checked"] == {
        "shape_diagnosis_kind": "matmul-incompatible",
        "shape_diagnosis": f"[matmul-incompatible] {MATMUL}",
    }
    report = json.loads((pytester.path / "shapes.json").read_text())
    assert [(test["outcome"], len(test["checks"]), len(test["diagnoses"])) for test in report["tests"]] == [
        ("passed", 1, 0),
        ("error", 0, 1),
    ]


def test_invalid_diagnose_ini_value_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nshapes_diagnose = sometimes\n")
    pytester.makepyfile("def test_nothing(): pass")

    result = pytester.runpytest(*RUN_ARGS)

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: ini option shapes_diagnose must be 'auto' or 'off', got 'sometimes'"])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_help_documents_options_and_ini_keys(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")

    result.stdout.fnmatch_lines(
        [
            "shape contracts and diagnoses (pytest-shapes):",
            "  --shapes-diagnose={auto,off}",
            "*diagnose TensorFlow/Keras shape errors*",
            "  --shapes-report=PATH*write every shape check and diagnosis to PATH as JSON*",
        ]
    )
    result.stdout.fnmatch_lines(["  shapes_diagnose (string):*", "*auto: diagnose shape errors*"])
    result.stdout.fnmatch_lines(["  shapes_report (string):*", "*path of the JSON report*"])


# -- a broken explainer never hides a failure -----------------------------------

CRASHING_EXPLAINER = """
def pytest_shapes_explain(error, context):
    raise RuntimeError("explainer bug")
"""


@requires_tf
def test_crashing_explainer_keeps_the_failure_and_says_so_in_one_line(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CRASHING_EXPLAINER)
    pytester.makepyfile(
        test_user="""
        import pytest
        import tensorflow as tf

        def model():
            return tf.keras.Sequential([tf.keras.Input(shape=(64,)), tf.keras.layers.Dense(10, name="logits")])

        def test_matmul():
            tf.matmul(tf.zeros((32, 64)), tf.zeros((63, 10)))

        def test_passes(shapes):
            shapes.wrap(model())(tf.zeros((8, 64)))
            shapes.check(tf.zeros((8, 10)), (None, 10))
            with pytest.raises(ValueError):
                model()(tf.zeros((64,)))
        """
    )

    result = pytester.runpytest(*RUN_ARGS, "--junitxml=junit.xml")

    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["FAILED test_user.py::test_matmul - tensorflow.python.framework.errors_impl.*"])
    lines = shape_sections(result)["test_matmul"].splitlines()
    assert lines[0].startswith("[unknown-shape-error] InvalidArgumentError: ")
    assert "Matrix size-incompatible" in lines[0]
    assert lines[1:] == [
        "hint:     (pytest-shapes could not classify this error: its explainer raised "
        "RuntimeError: explainer bug; please report it)"
    ]
    assert junit_properties(pytester.path / "junit.xml")["test_matmul"]["shape_diagnosis_kind"] == "unknown-shape-error"
    result.stdout.fnmatch_lines(["shapes: 2 contracts checked, 0 violated, 1 errors diagnosed"])


def test_explainer_returning_garbage_keeps_the_failure(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        def pytest_shapes_explain(error, context):
            return "it is the shapes"
        """
    )
    pytester.makepyfile(test_user="def test_fails():\n    raise ValueError('incompatible shapes (3, 4) and (5,)')\n")

    result = pytester.runpytest(*RUN_ARGS)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["FAILED test_user.py::test_fails - ValueError: incompatible shapes (3, 4) and*"])
    assert "test_fails" not in shape_sections(result)  # the test's own failure, undiagnosed (user code raised it)
    result.stdout.fnmatch_lines(
        [
            "*- shapes note -*",
            "a pytest_shapes_explain hook returned str, not a Diagnosis or None: ignored",
        ]
    )


@requires_tf
def test_explainer_returning_an_unshowable_diagnosis_leaves_the_built_ins_to_answer(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        from pytest_shapes import Diagnosis

        class Unprintable:
            def __str__(self):
                raise RuntimeError("no")

            __format__ = __repr__ = __str__

        def pytest_shapes_explain(error, context):
            return Diagnosis("size-mismatch", Unprintable(), expected=Unprintable())
        """
    )
    pytester.makepyfile(
        test_user="""
        import tensorflow as tf

        def test_matmul():
            tf.matmul(tf.zeros((32, 64)), tf.zeros((63, 10)))

        def test_other():
            raise KeyError("no such column")
        """
    )

    result = pytester.runpytest(*RUN_ARGS, "--junitxml=junit.xml")

    result.assert_outcomes(failed=2)
    assert shape_sections(result)["test_matmul"].startswith("[matmul-incompatible] ")
    assert "test_other" not in shape_sections(result)
    result.stdout.fnmatch_lines(["FAILED test_user.py::test_other - KeyError: 'no such column'"])
    result.stdout.no_fnmatch_line("*INTERNALERROR*")
    notes = result.stdout.str().count("hook returned a Diagnosis whose fields cannot be shown: ignored")
    assert notes == 2  # one line on each failing test


# -- the layer-trace table ---------------------------------------------------------

TRACE_EXPLAINER = """
from pytest_shapes import Diagnosis, TraceRow

def pytest_shapes_explain(error, context):
    rows = [TraceRow(f"{prefix}_{{i:02d}} (Dense)", "(None, 64)", "(8, 64)") for i in range(100)]
    rows[50] = TraceRow("{prefix}_50 (Reshape)", "(None, 64)", "(8, 63)", failing=True)
    for row in rows[51:]:
        row.receives = "?"
    return Diagnosis("size-mismatch", "layer 50 gets 63 features", hint="fix layer 49",
                     expected="(None, 64)", actual="(8, 63)", layer="{prefix}_50", trace=rows)
"""


def test_long_trace_shows_head_failing_neighbourhood_and_tail(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(TRACE_EXPLAINER.format(prefix="block"))
    pytester.makepyfile(test_user="def test_fails():\n    raise ValueError('shape (8, 63)')\n")

    result = pytester.runpytest(*RUN_ARGS)

    result.assert_outcomes(failed=1)
    assert shape_sections(result)["test_fails"].splitlines() == [
        "[size-mismatch] layer 50 gets 63 features",
        "expected: (None, 64)",
        "actual:   (8, 63)",
        "layer:    block_50",
        "hint:     fix layer 49",
        "layer trace (100 layers):",
        "  layer               expects     receives",
        "  block_00 (Dense)    (None, 64)  (8, 64)",
        "  block_01 (Dense)    (None, 64)  (8, 64)",
        "  block_02 (Dense)    (None, 64)  (8, 64)",
        "  ... 45 more layers ...",
        "  block_48 (Dense)    (None, 64)  (8, 64)",
        "  block_49 (Dense)    (None, 64)  (8, 64)",
        "  block_50 (Reshape)  (None, 64)  (8, 63)   <-- first failing",
        "  block_51 (Dense)    (None, 64)  ?",
        "  block_52 (Dense)    (None, 64)  ?",
        "  ... 45 more layers ...",
        "  block_98 (Dense)    (None, 64)  ?",
        "  block_99 (Dense)    (None, 64)  ?",
    ]


def test_trace_with_long_layer_names_fits_80_columns(pytester: pytest.Pytester) -> None:
    prefix = "transformer/encoder_block/multi_head_attention/query_projection"
    pytester.makeconftest(TRACE_EXPLAINER.format(prefix=prefix))
    pytester.makepyfile(test_user="def test_fails():\n    raise ValueError('shape (8, 63)')\n")

    result = pytester.runpytest(*RUN_ARGS)

    table = shape_sections(result)["test_fails"].split("layer trace (100 layers):\n")[1].splitlines()
    assert all(len(line) <= 80 for line in table), "\n".join(table)
    failing = next(line for line in table if "(8, 63)" in line)
    assert failing.endswith("(None, 64)  (8, 63)   <--")
    assert failing.startswith("  transformer/encoder_block/")
    assert "..." in failing  # the layer name gives way, the shapes never do
    result.stdout.fnmatch_lines([f"*{glob.escape(prefix)}_50*"])  # the full name stays in the traceback's message


def test_section_has_no_ansi_escapes_even_in_color(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        from pytest_shapes import Diagnosis, TraceRow

        def pytest_shapes_explain(error, context):
            red = "\\x1b[31m{}\\x1b[0m"
            return Diagnosis("size-mismatch", red.format("64 vs 63"), hint=red.format("x[:, :64]"),
                             trace=[TraceRow(red.format("dense"), "(None, 64)", "(8, 63)", failing=True)])
        """
    )
    pytester.makepyfile(test_user="def test_fails():\n    raise ValueError('shape (8, 63)')\n")

    result = pytester.runpytest(*RUN_ARGS, "--color=yes", "--junitxml=junit.xml")

    result.assert_outcomes(failed=1)
    assert junit_properties(pytester.path / "junit.xml")["test_fails"]["shape_diagnosis"] == "[size-mismatch] 64 vs 63"
    result.stdout.fnmatch_lines(
        [
            "*shape diagnosis*",
            "[[]size-mismatch] 64 vs 63",
            "hint:     x[[]:, :64]",
            "layer trace:",
            "  layer  expects     receives",
            "  dense  (None, 64)  (8, 63)   <-- first failing",
        ],
        consecutive=True,
    )


# colours, an OSC hyperlink and window title, NUL, a carriage return, a C1 CSI, bidi overrides, a lone ESC
UNSAFE = [
    "\x1b[31m",
    "\x1b[0m",
    "\x1b]8;;https://example.invalid\x07",
    "\x1b]0;title\x1b\\",
    "\x00",
    "\r",
    "\x9b",
    "\u202e",
    "\u2066",
    "\x1b",
]


def test_no_surface_carries_escapes_controls_or_bidi_overrides(pytester: pytest.Pytester) -> None:
    """Error texts are not ours: whatever they carry, the section, the failure message, JUnit and JSON are plain."""
    pytester.makeconftest(
        f"""
        import itertools

        from pytest_shapes import Diagnosis, TraceRow

        UNSAFE = {UNSAFE!r}

        def dirty(text):
            return " ".join(mark + part for mark, part in zip(itertools.cycle(UNSAFE), text.split()))

        def pytest_shapes_explain(error, context):
            return Diagnosis("size-mismatch", dirty("features 64 vs 63 a b c d e f g"), hint=dirty("x[:, :64] a b c"),
                             expected=dirty("(None, 64)"), actual=dirty("(8, 63)"), layer=dirty("dense"),
                             trace=[TraceRow(dirty("dense"), "(None, 64)", "(8, 63)", failing=True)])
        """
    )
    pytester.makepyfile(
        test_user="""
        import pytest_shapes

        def test_fails():
            with pytest_shapes.diagnose():
                raise ValueError("shape (8, 63)")
        """
    )

    result = pytester.runpytest(*RUN_ARGS, "--junitxml=junit.xml", "--shapes-report=shapes.json")

    result.assert_outcomes(failed=1)
    surfaces = {
        "terminal": result.stdout.str(),
        "junit": (pytester.path / "junit.xml").read_text(encoding="utf-8"),
        "json": json.dumps(json.loads((pytester.path / "shapes.json").read_text(encoding="utf-8")), ensure_ascii=False),
    }
    for name, text in surfaces.items():
        for mark in ("\x1b", "\x00", "\r", "\x9b", "\u202e", "\u2066"):
            assert mark not in text, (name, mark)
    result.stdout.fnmatch_lines(["[[]size-mismatch] features 64 vs 63 a b c d e f g", "hint:     x[[]:, :64] a b c"])
    assert junit_properties(pytester.path / "junit.xml")["test_fails"]["shape_diagnosis"] == (
        "[size-mismatch] features 64 vs 63 a b c d e f g"
    )


# -- the JSON report file --------------------------------------------------------

CHECKING_SUITE = """
import numpy as np

def test_check(shapes):
    shapes.check(np.zeros((4, 3)), (None, 3), name="table")
"""


@requires_numpy
def test_json_report_replaces_an_existing_file_whole(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=CHECKING_SUITE)
    reports = pytester.mkdir("reports")
    stale = reports / "shapes.json"
    stale.write_text('{"version": 1, "tests": [' + '{"nodeid": "stale"}, ' * 10_000)

    result = pytester.runpytest(*RUN_ARGS, f"--shapes-report={stale}")

    result.assert_outcomes(passed=1)
    report = json.loads(stale.read_text())
    assert [test["nodeid"] for test in report["tests"]] == ["test_user.py::test_check"]
    assert os.listdir(reports) == ["shapes.json"]  # no temporary file left beside it
    assert stale.stat().st_mode & 0o644 == 0o644  # readable like any file the user writes


def test_json_report_write_that_fails_keeps_the_previous_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pytest_shapes.report.outputs import JsonFile

    previous = tmp_path / "shapes.json"
    previous.write_text('{"version": 1, "tests": []}\n')

    def dump_half_then_crash(document: Any, stream: Any, **kwargs: Any) -> None:
        stream.write('{"version": 1, "tes')
        raise KeyboardInterrupt

    import json

    monkeypatch.setattr(json, "dump", dump_half_then_crash)
    report = JsonFile(previous)
    report.add("test_x.py::test_x", "passed", {"checks": [], "diagnoses": []})

    with pytest.raises(KeyboardInterrupt):
        report.write()

    assert previous.read_text() == '{"version": 1, "tests": []}\n'
    assert os.listdir(tmp_path) == ["shapes.json"]


@pytest.mark.parametrize(
    ("breaking", "reason"),
    [
        pytest.param("os.mkdir('shapes.json')", "Is a directory", id="path-became-a-directory"),
        pytest.param(
            "json.dump = lambda *a, **k: (_ for _ in ()).throw(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))",
            "No space left on device",
            id="disk-full",
        ),
    ],
)
def test_a_report_that_cannot_be_written_is_one_line_and_a_failing_status(
    pytester: pytest.Pytester, breaking: str, reason: str
) -> None:
    pytester.makepyfile(
        test_user=f"""
        import errno, json, os

        def test_passes():
            {breaking}  # what the file system does to the report path while the suite runs
        """
    )

    # in a process of its own: the broken json.dump must not outlive this run
    result = pytester.runpytest_subprocess(*RUN_ARGS, "--shapes-report=shapes.json")

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"ERROR: pytest-shapes could not write --shapes-report *shapes.json: {reason}"])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    assert result.ret == pytest.ExitCode.USAGE_ERROR  # a CI job must not take an old report for this run's
    assert not [name for name in os.listdir(pytester.path) if name.startswith(".shapes-report-")]


@requires_numpy
def test_report_path_on_the_command_line_is_relative_to_the_invocation_directory(
    pytester: pytest.Pytester,
) -> None:
    project = pytester.mkdir("project")
    (project / "pytest.ini").write_text("[pytest]\n")
    (project / "test_user.py").write_text(CHECKING_SUITE)

    result = pytester.runpytest(*RUN_ARGS, "project", "--shapes-report=out/shapes.json")

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"rootdir: {project}*"])
    assert json.loads((pytester.path / "out" / "shapes.json").read_text())["tests"]
    assert not (project / "out").exists()


@requires_numpy
def test_report_path_in_the_ini_file_is_relative_to_its_directory(pytester: pytest.Pytester) -> None:
    project = pytester.mkdir("project")
    (project / "pytest.ini").write_text("[pytest]\nshapes_report = reports/shapes.json\n")
    (project / "test_user.py").write_text(CHECKING_SUITE)

    result = pytester.runpytest(*RUN_ARGS, "project")

    result.assert_outcomes(passed=1)
    assert json.loads((project / "reports" / "shapes.json").read_text())["tests"]
    assert not (pytester.path / "reports").exists()


def test_report_path_that_is_a_directory_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.mkdir("reports")
    pytester.makepyfile("def test_nothing(): pass")

    result = pytester.runpytest(*RUN_ARGS, "--shapes-report=reports")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --shapes-report must name a file, but */reports is a directory"])


# -- the closing block: each diagnosed failure, where a reader's eye lands --------

BLOCK_SUITE = """
import numpy as np


def test_features(shapes):
    shapes.check(np.zeros((8, 63)), ("batch", 64), name="features")


def test_fine(shapes):
    shapes.check(np.zeros((8, 64)), ("batch", 64))
"""
HEADLINE = (
    "test_user.py::test_features - [size-mismatch] features: expected (batch, 64), got (8, 63) "
    "(axis 1: expected 64, got 63)"
)


def block_of(result: pytest.RunResult) -> list[str]:
    lines = result.outlines
    start = next(i for i, line in enumerate(lines) if _title(line) in ("shapes", "shape diagnoses"))
    return lines[start : len(lines) - 1]


@pytest.fixture
def terminal_80(monkeypatch: pytest.MonkeyPatch) -> None:
    """An 80-column terminal, not on CI (where pytest keeps whole lines)."""
    for name in ("CI", "BUILD_NUMBER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "80")


@requires_numpy
def test_the_block_folds_long_lines_at_80_columns_keeping_every_word(run, terminal_80) -> None:
    block = block_of(run(BLOCK_SUITE))

    assert block[0] == "=" * 31 + " shape diagnoses " + "=" * 32
    assert block[-1] == "shapes: 2 contracts checked, 1 violated, 0 errors diagnosed"
    assert all(len(line) <= 80 for line in block), block
    hint_at = next(i for i, line in enumerate(block) if line.startswith("  hint: "))
    # folded: the test id on a line of its own, the diagnosis under it, continuation lines indented
    assert block[1] == "test_user.py::test_features"
    assert block[2].startswith("  [size-mismatch] features: expected (batch, 64),")
    assert all(line.startswith("    ") for line in block[3:hint_at])
    diagnosis = " ".join(line.strip() for line in block[2:hint_at])
    assert f"test_user.py::test_features - {diagnosis}" == HEADLINE  # every word kept, no shape split


@requires_numpy
def test_the_block_lists_failures_only(run, terminal_80) -> None:
    result = run(
        BLOCK_SUITE
        + """

def test_caught(shapes):  # passes: the violation was expected
    import pytest

    with pytest.raises(AssertionError):
        shapes.check(np.zeros((8, 63)), ("batch", 64), name="caught")
"""
    )
    block = block_of(result)
    assert [line for line in block if line.startswith("test_user.py::")] == ["test_user.py::test_features"]
    assert block[-1] == "shapes: 3 contracts checked, 2 violated, 0 errors diagnosed"  # the counts count it


@requires_numpy
def test_q_shortens_the_block_to_one_line_each_and_qq_to_the_counts(run, terminal_80) -> None:
    quiet = block_of(run(BLOCK_SUITE, "-q"))
    assert quiet[1:] == [HEADLINE[:77] + "...", "shapes: 2 contracts checked, 1 violated, 0 errors diagnosed"]

    quieter = run(BLOCK_SUITE, "-qq").outlines
    assert "shapes: 2 contracts checked, 1 violated, 0 errors diagnosed" in quieter
    assert not any("[size-mismatch]" in line and line.startswith("test_user.py::") for line in quieter)


@requires_numpy
def test_on_ci_the_block_keeps_whole_lines(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("COLUMNS", "80")
    block = block_of(run(BLOCK_SUITE))
    assert block[1] == HEADLINE
    assert block[2].startswith("  hint: the last axis (features/channels) has 63 where 64 are expected")


# -- GitHub Actions annotations ----------------------------------------------------

ANNOTATED = (
    "::error file=test_user.py,line=4,title=[size-mismatch]::[size-mismatch] features: expected (batch, 64), "
    "got (8, 63) (axis 1: expected 64, got 63)%0Ahint: the last axis (features/channels) has 63 where 64 are "
    "expected: check for a dropped or extra feature column, or build the model for the data"
)


@requires_numpy
def test_under_github_actions_each_diagnosed_failure_is_an_error_annotation_at_its_test(
    run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run(
        BLOCK_SUITE
        + """

def test_caught(shapes):  # passes: its diagnosis was expected
    import pytest

    with pytest.raises(AssertionError):
        shapes.check(np.zeros((8, 63)), ("batch", 64))
"""
    )
    assert [line for line in result.outlines if line.startswith("::")] == [ANNOTATED]


@requires_numpy
@pytest.mark.parametrize("switch", ["ini", "elsewhere"])
def test_annotations_are_off_elsewhere_and_by_the_ini_key(run, monkeypatch: pytest.MonkeyPatch, switch: str) -> None:
    if switch == "ini":
        monkeypatch.setenv("GITHUB_ACTIONS", "true")
        result = run(BLOCK_SUITE, "-o", "shapes_github_annotations=false")
    else:
        monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
        result = run(BLOCK_SUITE)
    result.assert_outcomes(passed=1, failed=1)
    assert not [line for line in result.outlines if line.startswith("::")]


@requires_tf
def test_a_keras_error_is_annotated_at_its_test(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run(
        """
import numpy as np
import tensorflow as tf


def test_one_sample():
    model = tf.keras.Sequential([tf.keras.Input((64,)), tf.keras.layers.Dense(10)], name="clf")
    model.predict(np.zeros((64,), "float32"), verbose=0)
"""
    )
    (annotation,) = [line for line in result.outlines if line.startswith("::")]
    assert annotation.startswith(
        "::error file=test_user.py,line=5,title=[missing-batch-axis]::[missing-batch-axis] input of Sequential "
        "'clf'.predict(): expected (None, 64), got (64,) (no batch axis)%0Ahint: add a batch axis: "
    )
