"""`pytest-shapes explain` / `python -m pytest_shapes explain`: diagnoses from a pasted traceback or a
CI log alone (issue #13), in a subprocess as a user runs it; it never imports TensorFlow."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import requires_tf

# A traceback as Python prints it, around a message copied from a real Keras 3.15 error
# (keras/src/layers/input_spec.py assert_input_compatibility, a Dense layer given one sample)
PASTED = """\
Traceback (most recent call last):
  File "/home/me/project/train.py", line 12, in <module>
    model.predict(sample)
  File "/home/me/.venv/lib/python3.11/site-packages/keras/src/layers/input_spec.py", line 186, in assert_input_compatibility
    raise ValueError(
ValueError: Input 0 with name 'None' of layer 'dense' is incompatible with the layer: expected min_ndim=2, found ndim=1. Full shape received: (64,)
"""  # noqa: E501
USER_ERROR = """\
Traceback (most recent call last):
  File "/home/me/project/train.py", line 3, in <module>
    raise ValueError("config tuple (1, 2) is wrong")
ValueError: config tuple (1, 2) is wrong
"""
CHECKS_IMPORTS = (
    "import sys; from pytest_shapes.cli import main; code = main(sys.argv[1:]); "
    "heavy = sorted(name for name in ('tensorflow', 'keras', 'numpy') if name in sys.modules); "
    "print('imported:', heavy); sys.exit(code)"
)


def explain(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", CHECKS_IMPORTS, "explain", *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=120, check=False)


def test_a_pasted_traceback_on_standard_input_gets_its_diagnosis() -> None:
    result = explain(stdin=PASTED)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        "ValueError (line 6): Input 0 with name 'None' of layer 'dense' is incompatible with the layer: expected "
        "min_ndim=2, found ndim=1. Full shape received: (64,)",
        "  [missing-batch-axis] input of layer 'dense': expected rank >= 2, got (64,) (no batch axis)",
        "  expected: rank >= 2",
        "  actual:   (64,)",
        "  hint:     add a batch axis: x[None, ...] or tf.expand_dims(x, 0) / np.expand_dims(x, 0)  # (64,) -> (1, 64)",
    ]
    assert lines[-2:] == ["1 of 1 errors diagnosed from the text alone", "imported: []"]


def test_an_error_raised_by_user_code_is_not_diagnosed(tmp_path: Path) -> None:
    log = tmp_path / "ci.log"
    log.write_text(USER_ERROR)

    result = explain(str(log))

    assert result.returncode == 1
    assert "  not diagnosed: raised by your code, not by TensorFlow/Keras (as far as the text shows)" in result.stdout
    assert "0 of 1 errors diagnosed from the text alone" in result.stdout


def test_a_text_without_errors_says_so() -> None:
    result = explain(stdin="all 12 tests passed\n")

    assert result.returncode == 1
    assert result.stdout.startswith("no Python exception found in the text")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((), "choose a command: explain"),
        (("no-such-file.log",), "cannot read no-such-file.log"),
    ],
    ids=["no command", "missing file"],
)
def test_bad_usage_exits_2(args: tuple[str, ...], says: str) -> None:
    command = [sys.executable, "-m", "pytest_shapes", *(("explain", *args) if args else ())]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    assert result.returncode == 2
    assert says in result.stderr


@requires_tf
def test_a_real_ci_log_of_a_suite_without_the_plugin(pytester: pytest.Pytester, tmp_path: Path) -> None:
    pytester.makepyfile(
        test_user="""
import numpy as np
import tensorflow as tf

keras = tf.keras


def test_one_sample():
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10)])
    model(np.zeros((64,), "float32"))


def test_matmul():
    tf.matmul(tf.zeros((8, 64)), tf.zeros((63, 10)))


def test_ordinary():
    assert {"a": 1}["a"] == 2
"""
    )
    run = pytester.runpytest_subprocess("-p", "no:shapes", "-p", "no:cacheprovider", "-p", "no:randomly")
    run.assert_outcomes(failed=3)
    log = tmp_path / "ci.log"
    log.write_text("\n".join(run.outlines))

    result = explain(str(log))

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    # Keras 3 and legacy Keras 2 name the layer differently; the shapes are the same
    assert any(
        line.startswith("  [missing-batch-axis] input of layer ") and line.endswith("got (64,) (no batch axis)")
        for line in lines
    ), lines
    assert "  [matmul-incompatible] matrix product (8, 64) @ (63, 10): inner dimensions differ (64 vs 63)" in lines
    assert lines[-2:] == ["2 of 2 errors diagnosed from the text alone", "imported: []"]  # the assert is no error
