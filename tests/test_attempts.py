"""One test attempt's state belongs to that attempt (issue #10 §4): reruns, wrappers reused across
tests, threads, xfailed tests in the JSON report.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("numpy")

RUN_ARGS = ("-p", "no:cacheprovider", "-p", "no:randomly", "--junitxml=junit.xml", "--shapes-report=shapes.json")

FLAKY = """
import numpy as np
import pytest

ATTEMPTS = []

def model(x):
    return x[:, :2]

@pytest.mark.flaky(reruns=2)
def test_passes_on_the_rerun(shapes):
    ATTEMPTS.append(1)
    f = shapes.wrap(model, input=("batch", 4), output=("batch", 2), name="model")
    f(np.zeros((3, 4)))
    if len(ATTEMPTS) == 1:
        f(np.zeros((3, 5)))  # the first attempt breaks the contract
    assert len(shapes.calls) == 1  # nothing of the first attempt is left

@pytest.mark.flaky(reruns=1)
def test_fails_every_time(shapes):
    shapes.wrap(model, input=("batch", 4), name="model")(np.zeros((3, 5)))
"""


def _json(pytester: pytest.Pytester) -> dict[str, list[dict]]:
    report = json.loads((pytester.path / "shapes.json").read_text())
    tests: dict[str, list[dict]] = {}
    for test in report["tests"]:
        tests.setdefault(test["nodeid"].split("::")[-1], []).append(test)
    return tests


def _junit_properties(pytester: pytest.Pytester) -> dict[str, list[tuple[str, str]]]:
    root = ET.parse(pytester.path / "junit.xml").getroot()
    return {
        case.get("name"): [(prop.get("name"), prop.get("value")) for prop in case.iter("property")]
        for case in root.iter("testcase")
    }


def test_each_rerun_starts_fresh_and_the_last_attempt_counts(pytester: pytest.Pytester) -> None:
    pytest.importorskip("pytest_rerunfailures")
    pytester.makepyfile(test_flaky=FLAKY)

    result = pytester.runpytest(*RUN_ARGS)

    result.assert_outcomes(passed=1, failed=1)
    assert result.parseoutcomes()["rerun"] == 2
    # the last attempts: 1 passing call, and 1 violated call of the test that always fails
    result.stdout.fnmatch_lines(["shapes: 2 contracts checked, 1 violated, 0 errors diagnosed"])
    tests = _json(pytester)
    assert [(t["outcome"], len(t["checks"]), t["diagnoses"]) for t in tests["test_passes_on_the_rerun"]] == [
        ("passed", 1, [])
    ]
    [failed] = tests["test_fails_every_time"]
    assert (failed["outcome"], [d["kind"] for d in failed["diagnoses"]]) == ("failed", ["size-mismatch"])
    properties = _junit_properties(pytester)
    assert properties["test_passes_on_the_rerun"] == []
    assert [name for name, _ in properties["test_fails_every_time"]] == ["shape_diagnosis_kind", "shape_diagnosis"]


REUSED = """
import numpy as np
import pytest

CARRIED = {}

def model(x):
    return x[:, :2]

def test_makes_the_wrapper(shapes):
    CARRIED["model"] = shapes.wrap(model, input=("batch", 4), name="model")
    CARRIED["model"](np.zeros((3, 4)))

@pytest.mark.expect_shape(("batch", 2), input=("batch", 4))
def test_only_calls_it(shapes):
    CARRIED["model"](np.zeros((5, 4)))
    assert [call.input_shapes for call in shapes.calls] == [(5, 4)]

def test_calls_it_without_the_fixture():
    CARRIED["model"](np.zeros((5, 3)))
"""


def test_a_wrapper_made_in_one_test_records_into_the_test_that_runs(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_reused=REUSED)

    result = pytester.runpytest(*RUN_ARGS)

    result.assert_outcomes(passed=2, failed=1)
    assert "no-call" not in result.stdout.str()
    result.stdout.fnmatch_lines(["*[[]size-mismatch] input of model: expected (batch, 4), got (5, 3)*"])
    tests = _json(pytester)
    assert [len(tests[name][0]["checks"]) for name in ("test_makes_the_wrapper", "test_only_calls_it")] == [1, 1]
    assert tests["test_calls_it_without_the_fixture"][0]["diagnoses"][0]["kind"] == "size-mismatch"


THREADS = """
import threading
import numpy as np
import pytest

def test_wrapped_calls_from_threads(shapes):
    model = shapes.wrap(lambda x: x[:, :2], input=("batch", 4), output=("batch", 2), name="model")

    def work():
        for _ in range(250):
            model(np.zeros((3, 4)))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(shapes.calls) == 1000

def test_a_size_bound_in_one_thread_is_seen_by_the_others(shapes):
    barrier = threading.Barrier(8)
    errors = []

    def work(rows):
        barrier.wait()
        try:
            shapes.check(np.zeros((rows, 4)), ("n", 4))
        except AssertionError:
            errors.append(rows)

    threads = [threading.Thread(target=work, args=(3 if i % 2 else 5,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # whichever size bound first, every check of the other size conflicts with it
    assert len(errors) == 4 and len(set(errors)) == 1
"""


def test_threads_lose_no_records_and_share_bindings(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_threads=THREADS)

    result = pytester.runpytest(*RUN_ARGS)

    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["shapes: 1008 contracts checked, 4 violated, 0 errors diagnosed"])


def test_an_xfailed_test_keeps_its_diagnosis_in_the_json_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_xfail="""
        import numpy as np
        import pytest

        @pytest.mark.xfail(reason="known shape bug")
        def test_known_bug(shapes):
            shapes.wrap(lambda x: x, input=(None, 4), name="model")(np.zeros((4,)))
        """
    )

    result = pytester.runpytest(*RUN_ARGS)

    result.assert_outcomes(xfailed=1)
    [entry] = _json(pytester)["test_known_bug"]
    assert (entry["outcome"], entry["diagnoses"][0]["kind"]) == ("xfailed", "missing-batch-axis")
