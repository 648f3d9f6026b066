"""Shared test set-up.

TensorFlow is imported once here, so in-process pytester runs reuse it
instead of paying the import per run. In the tox env without TensorFlow,
tests that need it are skipped with a clear reason.
"""

from __future__ import annotations

import contextlib
import glob
import importlib
import os
import pkgutil

import pytest

import pytest_shapes

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

try:
    import tensorflow as tf

    # tf.keras loads Keras lazily; load it now, or pytester's sys.modules
    # snapshot would drop it after every in-process run and each run would re-import it
    tf.keras.layers.Dense  # noqa: B018
    HAVE_TF = True
except ImportError:  # the "notf" tox env
    tf = None
    HAVE_TF = False

try:
    import numpy  # noqa: F401

    HAVE_NUMPY = True
except ImportError:
    HAVE_NUMPY = False

# hypothesis' pytest plugin imports it at the end of every in-process pytester run,
# and pytester drops modules a run imported: import it once, or each run pays ~2 s
with contextlib.suppress(ImportError):
    import hypothesis

    # no per-example deadline: on a shared 2-core machine (CI, xdist, TensorFlow in the other worker)
    # a first example can take longer than hypothesis' 200 ms without anything being wrong
    hypothesis.settings.register_profile("shared-machine", deadline=None)
    hypothesis.settings.load_profile("shared-machine")

# the plugin's modules load lazily, at a test's first failure; in an in-process pytester run that is
# deep in the stack with TensorFlow's objects alive, where CPython 3.11's ast.parse (pytest rewrites
# plugin modules) sometimes fails with "AST constructor recursion depth mismatch" when the garbage
# collector runs during it. Loaded once here, pytester's sys.modules snapshot keeps them.
for _module in pkgutil.walk_packages(pytest_shapes.__path__, "pytest_shapes."):
    importlib.import_module(_module.name)

LEGACY_KERAS = os.environ.get("TF_USE_LEGACY_KERAS") == "1"

requires_tf = pytest.mark.skipif(not HAVE_TF, reason="needs TensorFlow (pip install pytest-shapes[tensorflow])")
requires_numpy = pytest.mark.skipif(not HAVE_NUMPY, reason="needs NumPy")


@pytest.fixture
def run(pytester: pytest.Pytester):
    """Run pytest in-process on the given test source; returns the RunResult."""

    def runner(source: str, *args: str, conftest: str | None = None) -> pytest.RunResult:
        if conftest is not None:
            pytester.makeconftest(conftest)
        pytester.makepyfile(test_user=source)
        return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly", *args)

    return runner


def shape_failure(headline: str, hint: str | None = None) -> list[str]:
    """`fnmatch_lines` patterns for a ShapeMismatch as pytest prints it.

    Matches the exact `[kind] ...` headline and `hint: ...` line; only the
    gutter before them (`E   `) is a wildcard, and glob characters in the
    message (`[kind]`, `x[..., None]`) are taken literally.
    """
    lines = ["*pytest_shapes.ShapeMismatch: " + glob.escape(headline)]
    if hint is not None:
        lines.append("*hint: " + glob.escape(hint))
    return lines


def assert_no_plugin_traceback(result: pytest.RunResult) -> None:
    """A user error must never show pytest-shapes' own frames."""
    output = result.stdout.str() + result.stderr.str()
    assert "pytest_shapes/" not in output and "pytest_shapes\\" not in output, output
    assert "Traceback (most recent call last)" not in output, output


collect_ignore = ["corpus"]  # user-style failing suites, run through pytester by test_corpus.py
