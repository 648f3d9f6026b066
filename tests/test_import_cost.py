"""Loading pytest-shapes never imports TensorFlow, Keras or NumPy (SPEC §0, §8).

Each case runs a fresh interpreter under `-X importtime`, which lists every
module the process imported, however indirectly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("tensorflow", "keras", "tf_keras", "numpy")
# pytest with pytest-shapes as its only plugin: other installed plugins may import what they like
PYTEST_WITH_SHAPES_ONLY = ("-m", "pytest", "-p", "pytest_shapes.plugin", "-p", "no:cacheprovider", "-q")
ONLY_EXPLICIT_PLUGINS = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


def imported_modules(
    *args: str, cwd: str | None = None, env: dict[str, str] | None = None, returncode: int = 0
) -> list[str]:
    """The modules a fresh `python -X importtime <args>` imports, in import order."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=False,
    )
    assert completed.returncode == returncode, completed.stdout + completed.stderr
    modules = [
        line.rsplit("|", 1)[1].strip()
        for line in completed.stderr.splitlines()
        if line.startswith("import time:") and "imported package" not in line
    ]
    assert modules, completed.stderr  # importtime output parsed: an empty list would prove nothing
    return modules


def run_pytest_with_shapes_only(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *PYTEST_WITH_SHAPES_ONLY],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=ONLY_EXPLICIT_PLUGINS,
        check=False,
    )


def heavy(modules: list[str]) -> list[str]:
    return [module for module in modules if module.split(".")[0] in HEAVY]


@pytest.mark.parametrize("module", ["pytest_shapes.plugin", "pytest_shapes"])
def test_import_does_not_import_frameworks(module):
    modules = imported_modules("-c", f"import {module}")

    assert module in modules
    assert heavy(modules) == []


def test_the_marker_comes_without_the_entry_point():
    # no module of ours imports `plugin` back: the names they share live in the leaf `keys`
    code = (
        "import sys; from pytest_shapes import expect_shape; "
        "print(sorted(name for name in sys.modules if name.startswith('pytest_shapes')))"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert completed.stdout.strip() == (
        "['pytest_shapes', 'pytest_shapes.keys', 'pytest_shapes.marker', 'pytest_shapes.spec']"
    )


def test_a_session_without_frameworks_does_not_import_them(tmp_path):
    # the plugin's hooks, the fixture, a check and a diagnosis all run; nothing heavy loads
    (tmp_path / "test_plain.py").write_text(
        """
class Table:
    shape = (4, 3)

def test_check(shapes):
    shapes.check(Table(), ("rows", 3))

def test_wrapped(shapes):
    shapes.wrap(lambda x: x, input=(None, 3))(Table())

def test_violated(shapes):
    shapes.check(Table(), (None, 4))

def test_plain():
    assert 1 + 1 == 2
"""
    )
    # importtime misses modules imported through importlib from Python code: look at sys.modules too
    (tmp_path / "conftest.py").write_text(
        f"""
import sys

def pytest_unconfigure():
    heavy = sorted(name for name in sys.modules if name.split(".")[0] in {HEAVY!r})
    with open("heavy.txt", "w") as file:
        file.write(repr(heavy))
    with open("session.txt", "w") as file:  # the run-time part loaded: the checks above really ran
        file.write(repr("pytest_shapes.session" in sys.modules))
"""
    )

    modules = imported_modules(*PYTEST_WITH_SHAPES_ONLY, cwd=str(tmp_path), env=ONLY_EXPLICIT_PLUGINS, returncode=1)

    assert (tmp_path / "session.txt").read_text() == "True"
    assert heavy(modules) == []
    assert (tmp_path / "heavy.txt").read_text() == "[]"


def test_the_plugin_loads_and_reports_without_frameworks(tmp_path):
    (tmp_path / "test_plain.py").write_text(
        """
class Table:
    shape = (4, 3)

def test_violated(shapes):
    shapes.check(Table(), (None, 4), name="table")
"""
    )

    completed = run_pytest_with_shapes_only(tmp_path)

    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert (
        "E       pytest_shapes.ShapeMismatch: [size-mismatch] table: expected (None, 4), got (4, 3) "
        "(axis 1: expected 4, got 3)" in completed.stdout
    ), completed.stdout
    assert "shapes: 1 contracts checked, 1 violated, 0 errors diagnosed" in completed.stdout


def test_a_session_that_checks_no_shapes_loads_only_the_entry_point(tmp_path):
    # pytest loads plugin modules through its slow assertion-rewriting importer: the start-up
    # path is one module, and everything else waits for a test that needs it
    (tmp_path / "test_plain.py").write_text(
        """
import pytest

def test_passes():
    assert 1 + 1 == 2

@pytest.mark.skip(reason="skipped tests need nothing either")
def test_skipped():
    pass

class TestGroup:
    def test_method(self):
        pass
"""
    )
    (tmp_path / "conftest.py").write_text(
        """
import sys

def pytest_unconfigure():
    with open("loaded.txt", "w") as file:
        file.write(repr(sorted(name for name in sys.modules if name.startswith("pytest_shapes"))))
"""
    )

    completed = run_pytest_with_shapes_only(tmp_path)

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "2 passed, 1 skipped" in completed.stdout
    loaded = (tmp_path / "loaded.txt").read_text()
    assert loaded == "['pytest_shapes', 'pytest_shapes.hookspecs', 'pytest_shapes.keys', 'pytest_shapes.plugin']"
