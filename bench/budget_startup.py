"""Budget: a 300-test suite without TensorFlow, with the plugin vs without."""

from __future__ import annotations

import tempfile
from pathlib import Path

from harness import (
    Settings,
    budget_row,
    decide,
    info_row,
    instruction_count,
    interleave_subprocess,
    median,
    median_error,
    run_pytest,
    say,
    seconds,
)

PLAIN_TESTS = '''\
"""Generated: plain tests, no TensorFlow."""


def _fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a

'''


def write_plain_suite(root: Path, files: int = 10, per_file: int = 30) -> None:
    (root / "pytest.ini").write_text("[pytest]\n")
    for f in range(files):
        body = [PLAIN_TESTS]
        for t in range(per_file):
            body.append(
                f"def test_plain_{t}():\n"
                f"    assert _fib({t % 20}) == _fib({t % 20})\n"
                f"    assert [{t}] * 2 == [{t}, {t}]\n\n"
            )
        (root / f"test_plain_{f:02d}.py").write_text("\n".join(body))


def bench_startup(settings: Settings) -> None:
    say("\n== startup: 300 plain tests (no TensorFlow), plugin vs -p no:shapes")
    variants = {"with plugin": ["-q"], "-p no:shapes": ["-q", "-p", "no:shapes"]}
    with tempfile.TemporaryDirectory(prefix="shapes-bench-plain-") as tmp:
        root = Path(tmp)
        write_plain_suite(root)
        _, _, markers = run_pytest(["--markers"], root)
        _, _, markers_off = run_pytest(["--markers", "-p", "no:shapes"], root)
        if "expect_shape" not in markers.stdout or "expect_shape" in markers_off.stdout:
            raise RuntimeError("the shapes plugin is not loaded by entry point (is pytest-shapes installed?)")
        runs = interleave_subprocess(variants, root, settings.startup_rounds, expect="300 passed")
        # after the timed runs, which wrote the bytecode caches the counted runs read
        counts = {name: instruction_count(name, args, root, expect="300 passed") for name, args in variants.items()}
    on_name, off_name = variants
    for measure, samples in (("wall", runs.wall), ("cpu", runs.cpu)):
        for name, values in samples.items():
            say(f"  {measure:>4} {name + ':':<14} median {median(values):.3f} s  (all: {seconds(values)})")
        on, off = median(samples[on_name]), median(samples[off_name])
        paired = [a / b for a, b in zip(samples[on_name], samples[off_name], strict=True)]
        error = median_error(paired)
        say(
            f"  {measure:>4}: ratio of medians {on / off:.3f}; "
            f"median of per-round ratios {median(paired):.3f} +-{error:.3f}"
        )
        info_row(
            f"300 plain tests: {'wall' if measure == 'wall' else 'CPU (user+sys)'} time with plugin / -p no:shapes",
            f"{median(paired):.3f} +-{error:.3f} ({on:.3f} s / {off:.3f} s)",
            "<= 1.03" if measure == "wall" else "<= 1.03 (proxy)",
            decide(median(paired), 1.03, error),
        )
    on_count, off_count = counts[on_name], counts[off_name]
    if on_count is None or off_count is None:
        info_row("300 plain tests: instructions with plugin / -p no:shapes", "skipped: valgrind not on PATH")
        return
    say(
        f"  instructions (callgrind, PYTHONHASHSEED=0): {on_count / 1e6:,.1f}M with plugin, "
        f"{off_count / 1e6:,.1f}M with -p no:shapes: ratio {on_count / off_count:.4f}"
    )
    budget_row(
        "300 plain tests: instructions with plugin / -p no:shapes (callgrind)",
        f"{on_count / off_count:.4f} ({on_count / 1e6:,.0f}M / {off_count / 1e6:,.0f}M)",
        "<= 1.03",
        on_count / off_count <= 1.03,
    )
