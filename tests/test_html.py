"""A diagnosed failure in a pytest-html report (issue #13): the diagnosis and its layer trace as HTML
tables in the test's row, every text escaped. Checked in a real headless browser, where one is
installed (CI installs Debian's Chromium); without one the browser test skips, saying why."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import requires_tf

pytest.importorskip("pytest_html", reason="pytest-html is not installed (pip install pytest-shapes[test])")

BROWSER = next(
    (shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)), None
)
pytestmark = requires_tf

SUITE = """
import numpy as np
import tensorflow as tf

keras = tf.keras


def test_one_sample():
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10, name="logits")], name="clf")
    model.predict(np.zeros((64,), "float32"), verbose=0)


def test_markup_in_a_name_stays_text(shapes):
    shapes.check(np.zeros((8, 63)), ("batch", 64), name="<b>features</b>")


def test_passes(shapes):
    shapes.check(np.zeros((8, 64)), ("batch", 64))
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pytest-html report of SUITE (a subprocess: pytest-html writes it at the end of its session)."""
    directory = tmp_path_factory.mktemp("html")
    (directory / "test_user.py").write_text(SUITE)
    subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly", "--html=report.html",
         "--self-contained-html", "test_user.py"],
        cwd=directory, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    return directory / "report.html"


def rendered_text(page: Path) -> str:
    """The page's DOM after its scripts ran (pytest-html 4 builds the rows in JavaScript)."""
    assert BROWSER is not None
    profile = tempfile.mkdtemp(prefix="chromium-")
    command = [
        BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--virtual-time-budget=10000", "--dump-dom", page.as_uri(),
    ]  # fmt: skip
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def cells(dom: str, table_class: str) -> list[str]:
    table = re.search(rf'<table class="{table_class}">(.*?)</table>', dom, re.S)
    assert table is not None, f"no {table_class} table in the rendered report"
    return [
        html.unescape(re.sub(r"<[^>]+>", "", cell))
        for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", table.group(1), re.S)
    ]


def test_the_report_carries_each_diagnosis_escaped(report: Path) -> None:
    source = report.read_text()  # the rows' data, before any browser: escaped, with the diagnosis
    assert "shape-diagnosis" in source and "missing-batch-axis" in source
    assert "<b>features</b>" not in source


@pytest.mark.skipif(BROWSER is None, reason="no headless browser (apt-get install chromium)")
def test_the_browser_shows_the_diagnosis_and_the_layer_trace_in_the_row(report: Path) -> None:
    dom = rendered_text(report)

    headline = (
        "[missing-batch-axis] input of Sequential 'clf'.predict(): expected (None, 64), got (64,) (no batch axis)"
    )
    assert headline in html.unescape(re.sub(r"<[^>]+>", "", dom))
    fields = cells(dom, "shape-diagnosis-fields")
    assert fields[:4] == ["expected", "(None, 64)", "actual", "(64,)"]
    assert "hint" in fields and any(field.endswith("(64,) -> (1, 64)") for field in fields)
    assert cells(dom, "shape-layer-trace") == [
        "layer", "expects", "receives", "", "logits (Dense)", "(None, 64)", "(64,)", "<-- first failing",
    ]  # fmt: skip
    assert "<caption>layer trace</caption>" in dom
    # text from a test (a name with markup) is shown as text, never as markup
    assert "&lt;b&gt;features&lt;/b&gt;" in dom and "<b>features</b>" not in dom
