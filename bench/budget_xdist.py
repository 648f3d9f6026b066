"""Budget: 1,000 checked tests, serial vs -n 2, with the same summary."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from harness import Settings, budget_row, info_row, interleave_subprocess, median, say, seconds

CHECKED_TESTS = '''\
"""Generated: tests of checked calls through the `shapes` fixture."""

import numpy as np
import pytest

W = np.ones((4, 3), dtype=np.float32)


def project(x):
    return x @ W


def pairs(n):
    return np.zeros((n, 2), dtype=np.float32)


@pytest.mark.parametrize("batch", range(1, 51))
def test_project(shapes, batch):
    checked = shapes.wrap(project, input=("batch", 4), output=("batch", 3))
    assert checked(np.zeros((batch, 4), dtype=np.float32)).shape == (batch, 3)


@pytest.mark.expect_shape(("n", 2), dtype="float32")
@pytest.mark.parametrize("n", range(1, 51))
def test_pairs(shapes, n):
    make = shapes.wrap(pairs)
    make(n)
'''


def bench_xdist(settings: Settings) -> None:
    say("\n== xdist: 1,000 tests of checked calls, serial vs -n 2")
    with tempfile.TemporaryDirectory(prefix="shapes-bench-checked-") as tmp:
        root = Path(tmp)
        (root / "pytest.ini").write_text("[pytest]\n")
        for f in range(10):
            (root / f"test_checked_{f:02d}.py").write_text(CHECKED_TESTS)
        runs = interleave_subprocess(
            {"serial": ["-q"], "-n 2": ["-q", "-n", "2"]}, root, settings.suite_rounds, expect="1000 passed"
        )
    samples = runs.wall
    summaries = {name: re.findall(r"shapes: .*", out) for name, out in runs.output.items()}
    serial, parallel = median(samples["serial"]), median(samples["-n 2"])
    say(f"  serial: median {serial:.2f} s ({seconds(samples['serial'])})")
    say(f"  -n 2:   median {parallel:.2f} s ({seconds(samples['-n 2'])})")
    say(f"  summary lines: {summaries}")
    cpu_serial, cpu_parallel = median(runs.cpu["serial"]), median(runs.cpu["-n 2"])
    say(f"  CPU (user+sys, incl. workers): serial {cpu_serial:.2f} s, -n 2 {cpu_parallel:.2f} s")
    info_row(
        "1,000 checked tests: wall serial / -n 2",
        f"{serial:.2f} s / {parallel:.2f} s (speed-up x{serial / parallel:.2f}; "
        f"CPU {cpu_serial:.2f} / {cpu_parallel:.2f} s)",
    )
    same = summaries["serial"] == summaries["-n 2"] and bool(summaries["serial"])
    budget_row(
        "1,000 checked tests: `shapes:` summary serial == -n 2",
        (summaries["serial"] or ["(no summary line)"])[0],
        "identical",
        same,
    )
