"""Budget: the cost of each checked call's record, in a 3,000-test suite against a stub fixture."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from harness import (
    ROWS,
    Row,
    Settings,
    budget_row,
    decide,
    info_row,
    instruction_count,
    median,
    median_error,
    run_pytest,
    say,
    seconds,
)

SUITE_TESTS = """
import numpy as np
import pytest

X = np.zeros((4, 8), "float32")


def model(x):
    return x


@pytest.mark.parametrize("i", range(100))
def test_calls(shapes, i):
    f = shapes.wrap(model, input=("batch", 8), output=("batch", 8), name="model")
    for _ in range(20):
        f(X)
"""

# the same tests without the plugin: a fixture whose wrap returns the function itself
STUB_PLUGIN = """
import pytest


class _Stub:
    def wrap(self, fn, **kwargs):
        return fn


@pytest.fixture
def shapes():
    return _Stub()
"""

# each run writes its own peak resident memory (kB on Linux) where the harness reads it
PEAK_MEMORY = """
import resource


def pytest_unconfigure():
    with open("peak_kb.txt", "w") as file:
        file.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
"""


def bench_suite(settings: Settings) -> None:
    say("\n== suite: 3,000 tests x 20 checked calls on NumPy arrays, with the plugin vs a stub fixture")
    with tempfile.TemporaryDirectory(prefix="shapes-bench-suite-") as tmp:
        root = Path(tmp)
        (root / "pytest.ini").write_text("[pytest]\n")
        (root / "conftest.py").write_text(PEAK_MEMORY)
        (root / "stub_shapes.py").write_text(STUB_PLUGIN)
        for f in range(30):
            (root / f"test_suite_{f:02d}.py").write_text(SUITE_TESTS)
        variants = {"plugin": ["-q"], "stub": ["-q", "-p", "no:shapes", "-p", "stub_shapes"]}
        wall: dict[str, list[float]] = {name: [] for name in variants}
        peak: dict[str, list[float]] = {name: [] for name in variants}
        summary = ""
        for round_ in range(settings.suite_rounds + 1):  # round 0 warms up (and writes the bytecode caches)
            names = list(variants)[round_ % 2 :] + list(variants)[: round_ % 2]
            for name in names:
                seconds_, _, proc = run_pytest(variants[name], root)
                if proc.returncode != 0 or "3000 passed" not in proc.stdout:
                    raise RuntimeError(f"{name}: pytest exited {proc.returncode}:\n{proc.stdout[-1500:]}")
                if round_:
                    wall[name].append(seconds_)
                    peak[name].append(int((root / "peak_kb.txt").read_text()) / 1024)
                summary = next(iter(re.findall(r"shapes: .*", proc.stdout)), summary) if name == "plugin" else summary
        # steady where wall times on a shared machine stay NOISY: full runs only (about 10 minutes)
        counts = (
            {name: instruction_count(name, args, root, expect="3000 passed") for name, args in variants.items()}
            if settings.suite_rounds > 1
            else {}
        )
    ratios = [p / s for p, s in zip(wall["plugin"], wall["stub"], strict=True)]
    extra = [p - s for p, s in zip(peak["plugin"], peak["stub"], strict=True)]
    ratio, memory = median(ratios), median(extra)
    say(f"  plugin: median {median(wall['plugin']):.2f} s ({seconds(wall['plugin'])})")
    say(f"  stub:   median {median(wall['stub']):.2f} s ({seconds(wall['stub'])})")
    say(
        f"  peak memory: plugin {median(peak['plugin']):.0f} MB, stub {median(peak['stub']):.0f} MB; summary: {summary}"
    )
    ROWS.append(
        Row(
            "3,000 x 20 checked calls: wall plugin / stub fixture",
            f"x{ratio:.3f} (per round: {' '.join(f'{r:.3f}' for r in ratios)})",
            "<= 1.10",
            decide(ratio, 1.10, median_error(ratios)) if len(ratios) > 2 else ("PASS" if ratio <= 1.10 else "FAIL"),
        )
    )
    if counts.get("plugin") and counts.get("stub"):
        on, off = counts["plugin"], counts["stub"]
        say(f"  instructions (callgrind): {on / 1e6:,.0f}M with the plugin, {off / 1e6:,.0f}M with the stub")
        budget_row(
            "3,000 x 20 checked calls: instructions plugin / stub fixture (callgrind)",
            f"x{on / off:.4f} ({on / 1e6:,.0f}M / {off / 1e6:,.0f}M)",
            "<= 1.10",
            on / off <= 1.10,
        )
    else:
        info_row("3,000 x 20 checked calls: instructions (callgrind)", "skipped: --quick, or valgrind not on PATH")
    budget_row("3,000 x 20 checked calls: extra peak memory", f"{memory:.1f} MB", "<= 10 MB", memory <= 10)
    budget_row(
        "3,000 x 20 checked calls: `shapes:` summary exact",
        summary or "(no summary line)",
        "60000 contracts checked",
        summary.startswith("shapes: 60000 contracts checked"),
    )
