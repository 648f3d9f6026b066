"""pytest-shapes benchmarks: every budget of SPEC §8, measured side by side in one run.

Run from the repository root, in a venv that has the plugin, TensorFlow and the
comparison libraries (bench/requirements.txt; they are never runtime deps)::

    python -m venv /tmp/benchvenv
    /tmp/benchvenv/bin/pip install -e . tensorflow-cpu==2.21.0 numpy pytest-xdist -r bench/requirements.txt
    /tmp/benchvenv/bin/python bench/run.py            # full run, a few minutes on 2 cores
    /tmp/benchvenv/bin/python bench/run.py --quick    # CI smoke: fewer rounds
    /tmp/benchvenv/bin/python bench/run.py --only wrap,explain

Benchmarks (names for ``--only``):

- ``import``     ``python -X importtime -c "import pytest_shapes.plugin"``: no
                 tensorflow/keras/numpy may appear; the plugin's cumulative time.
- ``startup``    a generated 300-test suite without TensorFlow, with the plugin
                 vs ``-p no:shapes``: subprocess wall time, ratio <= 1.03, and
                 CPU time (steadier on a shared machine). With valgrind on
                 PATH, also the instructions each variant executes (callgrind):
                 steady to about 1% between runs however busy the machine
                 (within a run, to 0.05%), so its ratio decides the budget
                 where wall times on a shared machine stay NOISY.
- ``wrap``       an eager ``tf.matmul((32, 64), (64, 10))`` function: raw, two
                 ``shapes.wrap`` variants, a hand-written assert, GPflow's
                 ``check_shapes``, ``jaxtyping`` + ``beartype``; added cost <= 8 us
                 and below both libraries. The same variants on a function that
                 returns a ready tensor isolate the checkers' own cost (it
                 understates whatever reads ``tensor.shape``: TensorFlow caches
                 that TensorShape on the one tensor reused there), and a small
                 Keras model is measured raw vs wrapped. The added cost on the
                 real op is larger than the own cost: any Python work between
                 two eager ops makes the next op slower (on the 2-core machine
                 these figures come from, a bare ~1.5 us Python loop added ~4 us).
- ``check``      ``shapes.check`` on a list of 10 tensors vs a loop of asserts.
- ``explain``    ``pytest_shapes.explain`` of a real error from a 100-layer
                 model, with its layer trace: <= 200 ms (warm, and cold in a
                 fresh process); also checks that no layer ran on data.
- ``xdist``      a generated 1,000-test suite of checked calls, serial vs ``-n 2``;
                 the ``shapes:`` summary line must be the same in both.
- ``suite``      a generated 3,000-test suite making 20 checked calls each on NumPy
                 arrays, with the plugin vs a stub fixture (`-p no:shapes`): wall
                 ratio <= 1.10, extra peak memory <= 10 MB, and the ``shapes:``
                 summary exact (60,000 contracts checked).
- ``tffunction`` a wrapped function called inside ``tf.function`` checks once
                 per trace, not per execution, and adds no retrace.
- ``fit``        ``model.fit`` on a small batched ``tf.data`` dataset, raw vs
                 ``shapes.wrap(model).fit`` (its data checked through the
                 dataset's ``element_spec`` once per call): added time <= 5%.
- ``verify``     ``shapes.verify``: its symbolic pass on a 50-layer CNN at
                 224x224x3 <= a tenth of one forward pass at batch 8, and a
                 default verify of the README's Dense model <= 3x two plain
                 calls of it.

Method: variants run round-robin (the starting variant rotates each round),
each round one block of the same number of calls per variant, timed with
``time.perf_counter_ns`` with the garbage collector off. A variant's figure is
the median over rounds of its per-call time; an added cost is the median over
rounds of (variant - raw) within the same round, so load drift on a shared
machine cancels. Subprocess benchmarks alternate their variants the same way
after one untimed warm-up run each (which also writes the bytecode caches, into
a private PYTHONPYCACHEPREFIX: a user's machine has them, even where the
environment sets PYTHONDONTWRITEBYTECODE). A timed budget reads PASS or FAIL only
when the figure is two standard errors (of the median, from the IQR) clear of
the limit, else NOISY: rerun on a quieter machine. ``bench/hotpath.py`` holds
the profile of a wrapped call and the measured proposals for its hot path.

The exit status is 0 unless ``--strict`` is given and a budget failed or a
benchmark errored: budgets are measured here, never in timed tests.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from budget_check import bench_check
from budget_explain import bench_explain
from budget_fit import bench_fit
from budget_import import bench_import
from budget_startup import bench_startup
from budget_suite import bench_suite
from budget_tffunction import bench_tffunction
from budget_verify import bench_verify
from budget_wrap import bench_wrap
from budget_xdist import bench_xdist
from harness import FULL, QUICK, ROWS, Row, Settings, load_text, print_table, say

BENCHMARKS: dict[str, Callable[[Settings], None]] = {
    "import": bench_import,
    "startup": bench_startup,
    "wrap": bench_wrap,
    "check": bench_check,
    "explain": bench_explain,
    "xdist": bench_xdist,
    "suite": bench_suite,
    "tffunction": bench_tffunction,
    "fit": bench_fit,
    "verify": bench_verify,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (CI smoke); figures are rougher")
    parser.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a budget fails or a benchmark errors")
    options = parser.parse_args(argv)
    selected = [name.strip() for name in options.only.split(",") if name.strip()] or list(BENCHMARKS)
    unknown = [name for name in selected if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}")
    settings = QUICK if options.quick else FULL
    load_at_start = load_text()
    say(
        f"load average {load_at_start}; python {sys.version.split()[0]} at {sys.executable}; {os.cpu_count()} CPUs; "
        f"{'quick' if options.quick else 'full'} run: {', '.join(selected)}"
    )
    for name in selected:
        started = time.perf_counter()
        try:
            BENCHMARKS[name](settings)
        except Exception as error:  # one broken benchmark must not hide the others
            first = (str(error).strip().splitlines() or [""])[0]
            say(f"  ERROR in {name}: {type(error).__name__}: {str(error)[:2000]}")
            ROWS.append(Row(f"{name}: benchmark error", f"{type(error).__name__}: {first[:150]}", "", "ERROR"))
        say(f"  ({name}: {time.perf_counter() - started:.0f} s)")
    print_table()
    say(
        f"\nload average at start {load_at_start}, at end {load_text()} ({os.cpu_count()} CPUs); "
        "figures taken on a busy machine are noisier, not biased: rerun when it is quiet"
    )
    bad = [row for row in ROWS if row.status in ("FAIL", "ERROR")]
    return 1 if options.strict and bad else 0


if __name__ == "__main__":
    sys.exit(main())
