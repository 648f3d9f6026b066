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
import atexit
import gc
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

BENCH_DIR = Path(__file__).resolve().parent
HEAVY = ("tensorflow", "keras", "tf_keras", "numpy")
US = 1e-3  # ns -> us


@dataclass
class Row:
    measurement: str
    value: str
    budget: str = ""
    status: str = "info"


ROWS: list[Row] = []


@dataclass(frozen=True)
class Settings:
    rounds: int  # in-process timing rounds
    block_s: float  # target duration of one timed block
    startup_rounds: int
    suite_rounds: int
    import_runs: int
    explain_rounds: int


FULL = Settings(rounds=150, block_s=0.010, startup_rounds=40, suite_rounds=4, import_runs=7, explain_rounds=20)
QUICK = Settings(rounds=15, block_s=0.004, startup_rounds=3, suite_rounds=1, import_runs=2, explain_rounds=4)


def budget_row(measurement: str, value: str, budget: str, ok: bool) -> None:
    ROWS.append(Row(measurement, value, budget, "PASS" if ok else "FAIL"))


def median_error(values: list[float]) -> float:
    """Standard error of the median, from the IQR (robust to the outliers a busy machine makes)."""
    q1, q3 = quartiles(values)
    return 1.2533 * (q3 - q1) / 1.349 / len(values) ** 0.5


def decide(value: float, limit: float, error: float) -> str:
    """PASS/FAIL when the figure is two standard errors clear of the limit, else NOISY: rerun."""
    if abs(value - limit) < 2 * error:
        return "NOISY"
    return "PASS" if value <= limit else "FAIL"


def info_row(measurement: str, value: str, budget: str = "", status: str = "info") -> None:
    ROWS.append(Row(measurement, value, budget, status))


def say(text: str = "") -> None:
    print(text, flush=True)


# -- timing ------------------------------------------------------------------

Runner = Callable[[int], None]


def calls(fn: Callable[..., Any], *args: Any) -> Runner:
    """A runner making `n` calls of `fn(*args)`: the loop costs the same for every variant."""

    def run(n: int) -> None:
        for _ in repeat(None, n):
            fn(*args)

    return run


def interleave(
    runners: dict[str, Runner], settings: Settings, *, after_block: Callable[[], None] | None = None
) -> tuple[dict[str, list[float]], int]:
    """Per-call ns for each variant, one sample per round; the same call count for all."""
    slowest = 0.0
    for run in runners.values():
        run(5)  # warm caches, first-call paths, lazy imports
        n = 1
        while True:
            start = time.perf_counter_ns()
            run(n)
            if time.perf_counter_ns() - start > 2_000_000 or n >= 1 << 20:
                break
            n *= 2
        per_call = []
        for _ in range(3):  # the least disturbed of three: one slow block must not set the size
            start = time.perf_counter_ns()
            run(n)
            per_call.append((time.perf_counter_ns() - start) / n)
        slowest = max(slowest, min(per_call))
        if after_block:
            after_block()
    inner = max(1, int(settings.block_s * 1e9 / slowest))
    names = list(runners)
    samples: dict[str, list[float]] = {name: [] for name in names}
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for round_ in range(settings.rounds):
            k = round_ % len(names)
            for name in names[k:] + names[:k]:
                run = runners[name]
                start = time.perf_counter_ns()
                run(inner)
                samples[name].append((time.perf_counter_ns() - start) / inner)
                if after_block:
                    after_block()
    finally:
        if was_enabled:
            gc.enable()
    return samples, inner


def median(values: list[float]) -> float:
    return statistics.median(values)


def quartiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 4:
        return min(values), max(values)
    q = statistics.quantiles(values, n=4)
    return q[0], q[2]


def paired_added(samples: dict[str, list[float]], name: str, base: str) -> list[float]:
    return [v - b for v, b in zip(samples[name], samples[base], strict=True)]


def print_group(title: str, samples: dict[str, list[float]], inner: int, base: str) -> dict[str, float]:
    """Print per-variant medians and paired added costs (us); return the added medians.

    The last column compares 10th percentiles instead: other processes only ever
    add time, so on a busy machine it is the steadier (if less standard) figure.
    """
    rounds = len(samples[base])
    say(f"\n{title}  ({rounds} rounds x {inner} calls per variant, interleaved)")
    say(f"  {'variant':<52} {'median us':>10} {'added us':>9} {'added IQR':>18} {'added (p10)':>12}")
    base_low = low_quantile(samples[base])
    added: dict[str, float] = {}
    for name, values in samples.items():
        if name == base:
            say(f"  {name:<52} {median(values) * US:>10.2f} {'-':>9} {'-':>18} {'-':>12}")
            continue
        diffs = paired_added(samples, name, base)
        q1, q3 = quartiles(diffs)
        added[name] = median(diffs) * US
        spread = f"[{q1 * US:.2f}, {q3 * US:.2f}]"
        low = (low_quantile(values) - base_low) * US
        say(f"  {name:<52} {median(values) * US:>10.2f} {added[name]:>9.2f} {spread:>18} {low:>12.2f}")
    return added


def low_quantile(values: list[float]) -> float:
    """The 10th percentile (the minimum of fewer than 10 samples)."""
    return statistics.quantiles(values, n=10)[0] if len(values) >= 10 else min(values)


# -- a. plugin import --------------------------------------------------------


def importtime(env: dict[str, str]) -> tuple[float, float, float, set[str]]:
    """One `-X importtime` run: plugin cumulative ms, pytest_shapes.* self ms, pytest ms, heavy modules."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import pytest_shapes.plugin"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    plugin = own = pytest_ = 0.0
    heavy: set[str] = set()
    for line in proc.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|\s*(\S+)", line)
        if not match:
            continue
        self_us, cumulative_us, module = int(match.group(1)), int(match.group(2)), match.group(3)
        top = module.split(".")[0]
        if top in HEAVY:
            heavy.add(module)
        if module == "pytest_shapes.plugin":
            plugin = cumulative_us / 1000
        elif module == "pytest":
            pytest_ = cumulative_us / 1000
        if top == "pytest_shapes":
            own += self_us / 1000
    return plugin, own, pytest_, heavy


# The plugin module, then the run-time part the first test with work loads, and their re.compile share.
LOAD_PROBE = """
import json, re, sys, time
spent = [0]
compile_ = re.compile
def timed(*args, **kwargs):
    start = time.perf_counter_ns()
    try:
        return compile_(*args, **kwargs)
    finally:
        spent[0] += time.perf_counter_ns() - start
import pytest
re.compile = timed
start = time.perf_counter_ns()
import pytest_shapes.plugin
imported = time.perf_counter_ns()
import pytest_shapes.session  # the run-time part: loaded by the first test with a check or a failure
done = time.perf_counter_ns()
heavy = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
print(json.dumps([(imported - start) / 1e6, (done - imported) / 1e6, spent[0] / 1e6, heavy]))
""".replace("HEAVY", repr(HEAVY))


def bench_import(settings: Settings) -> None:
    say("\n== import: python -X importtime -c 'import pytest_shapes.plugin'")
    importtime(clean_env())  # writes the bytecode caches
    runs = [importtime(clean_env()) for _ in range(settings.import_runs)]
    source = [importtime(clean_env(bytecode_cache=False)) for _ in range(settings.import_runs)]
    heavy = set().union(*(run[3] for run in runs + source))
    plugin, own, pytest_ = (median([run[i] for run in runs]) for i in range(3))
    plugin_src, own_src = (median([run[i] for run in source]) for i in range(2))
    say(
        f"  bytecode cached: pytest_shapes.plugin cumulative {plugin:.1f} ms, of which pytest {pytest_:.1f} ms "
        f"and pytest_shapes.* themselves {own:.1f} ms (median of {len(runs)})"
    )
    say(
        f"  no bytecode cache (PYTHONDONTWRITEBYTECODE=1): cumulative {plugin_src:.1f} ms, "
        f"pytest_shapes.* {own_src:.1f} ms"
    )
    say(f"  heavy modules imported: {sorted(heavy) or 'none'}")
    budget_row(
        "plugin import pulls in tensorflow / keras / numpy", ", ".join(sorted(heavy)[:3]) or "none", "none", not heavy
    )
    info_row(
        "plugin import (-X importtime): cumulative incl. pytest / pytest_shapes.* self",
        f"{plugin:.1f} ms / {own:.1f} ms (no pyc: {plugin_src:.1f} / {own_src:.1f} ms)",
    )

    probes = []
    for _ in range(settings.import_runs):
        proc = subprocess.run(
            [sys.executable, "-c", LOAD_PROBE], capture_output=True, text=True, env=clean_env(), check=True
        )
        probes.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    load, runtime, regex = (median([probe[i] for probe in probes]) for i in range(3))
    runtime_heavy = sorted(set().union(*(probe[3] for probe in probes)))
    say(
        f"  after `import pytest`: plugin module {load:.1f} ms; the run-time part (first test with work) "
        f"{runtime:.1f} ms; re.compile in both: {regex:.1f} ms; heavy modules: {runtime_heavy or 'none'}"
    )
    budget_row(
        "plugin module + run-time part pull in tensorflow / keras / numpy",
        ", ".join(runtime_heavy[:3]) or "none",
        "none",
        not runtime_heavy,
    )
    info_row(
        "after `import pytest`: plugin module + run-time part (re.compile share)",
        f"{load:.1f} + {runtime:.1f} ms ({regex:.1f} ms)",
    )


_PYCACHE: list[Path] = []


def pycache() -> Path:
    """A private bytecode-cache prefix for this run's subprocesses, removed at exit."""
    if not _PYCACHE:
        path = Path(tempfile.mkdtemp(prefix="shapes-bench-pycache-"))
        atexit.register(shutil.rmtree, path, True)
        _PYCACHE.append(path)
    return _PYCACHE[0]


def clean_env(*, bytecode_cache: bool = True) -> dict[str, str]:
    """The environment of a user's run: no pytest options from outside, bytecode caches on.

    The caches go to a private prefix (PYTHONPYCACHEPREFIX), so nothing is
    written into the repository. Without them every run would compile the
    plugin from source, which a user's machine does not do.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")}
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache())
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    return env


# -- b. start-up + 300 plain tests ------------------------------------------


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


def seconds(values: list[float]) -> str:
    return " ".join(f"{value:.2f}" for value in values)


# `python -m pytest`, spelled out so that every variant starts the same way
LAUNCH = "import sys; import pytest; sys.exit(pytest.main())"


def pytest_command(args: list[str]) -> list[str]:
    return [sys.executable, "-c", LAUNCH, "-p", "no:cacheprovider", *args]


def run_pytest(args: list[str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall and CPU (user + sys, the process and its workers) seconds of one pytest run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter_ns()
    proc = subprocess.run(
        pytest_command(args),
        cwd=cwd,
        capture_output=True,
        text=True,
        env=clean_env(),
    )
    wall = (time.perf_counter_ns() - start) / 1e9
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc


@dataclass
class Runs:
    wall: dict[str, list[float]]
    cpu: dict[str, list[float]]
    output: dict[str, str]


def interleave_subprocess(variants: dict[str, list[str]], cwd: Path, rounds: int, expect: str) -> Runs:
    """Seconds per variant per round, after one untimed warm-up each (it also writes the bytecode caches)."""
    for name, args in variants.items():
        _, _, proc = run_pytest(args, cwd)
        if proc.returncode != 0 or expect not in proc.stdout:
            raise RuntimeError(f"{name}: pytest exited {proc.returncode}:\n{proc.stdout[-1500:]}{proc.stderr[-1500:]}")
    names = list(variants)
    runs = Runs({name: [] for name in names}, {name: [] for name in names}, {})
    for round_ in range(rounds):
        k = round_ % len(names)
        for name in names[k:] + names[:k]:
            wall, cpu, proc = run_pytest(variants[name], cwd)
            if proc.returncode != 0 or expect not in proc.stdout:
                raise RuntimeError(f"{name}: pytest exited {proc.returncode}:\n{proc.stdout[-1500:]}")
            runs.wall[name].append(wall)
            runs.cpu[name].append(cpu)
            runs.output[name] = proc.stdout
    return runs


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


def instruction_count(name: str, args: list[str], cwd: Path, *, expect: str) -> int | None:
    """Instructions one pytest run executes, counted by callgrind: steady however busy
    the machine (hash seed fixed; run it where the bytecode caches are already written)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    proc = subprocess.run(
        [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *pytest_command(args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**clean_env(), "PYTHONHASHSEED": "0"},
    )
    # one count per process: a plugin may fork (pytest-benchmark's CPU probe does), and that is run time too
    counts = [int(count) for count in re.findall(r"Collected : (\d+)", proc.stderr)]
    if proc.returncode != 0 or not counts or expect not in proc.stdout:
        raise RuntimeError(f"{name} under callgrind: exit {proc.returncode}\n{proc.stdout[-800:]}{proc.stderr[-800:]}")
    return sum(counts)


# -- c. wrapped calls ---------------------------------------------------------


def make_shapes() -> Any:
    """A `shapes` fixture object built outside pytest, as the session builds it."""
    import pytest_shapes
    from pytest_shapes import adapters
    from pytest_shapes.builtins import expected_input as pytest_shapes_expected_input
    from pytest_shapes.fixture import Shapes

    return Shapes(
        contract=None,
        shape_of=adapters.shape_of,
        dtype_of=adapters.dtype_of,
        explain=pytest_shapes.explain,
        expected_input=pytest_shapes_expected_input,
    )


def comparison_checkers(tf: Any, fn: Callable[..., Any]) -> tuple[dict[str, Callable[..., Any]], list[str]]:
    """`fn(a, b)` under GPflow's check_shapes and jaxtyping+beartype, checking what wrap checks: a and the result."""
    found: dict[str, Callable[..., Any]] = {}
    notes: list[str] = []
    try:
        import check_shapes as cs

        found[f"check_shapes {version('check_shapes')}"] = cs.check_shapes("a: [batch, 64]", "return: [batch, 10]")(fn)
    except Exception as error:
        notes.append(f"check_shapes unavailable: {type(error).__name__}: {error}")
    try:
        from beartype import beartype
        from jaxtyping import Float, jaxtyped

        def typed(a, b):  # type: ignore[no-untyped-def]
            return fn(a, b)

        # real objects, not the strings `from __future__ import annotations` would leave
        typed.__annotations__ = {"a": Float[tf.Tensor, "batch 64"], "return": Float[tf.Tensor, "batch 10"]}
        typed.__name__ = fn.__name__
        label = f"jaxtyping {version('jaxtyping')} + beartype {version('beartype')}"
        found[label] = jaxtyped(typechecker=beartype)(typed)
    except Exception as error:
        notes.append(f"jaxtyping/beartype unavailable: {type(error).__name__}: {error}")
    return found, notes


def version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version(dist)
    except PackageNotFoundError:
        return "?"


def rejects(fn: Callable[..., Any], *args: Any) -> bool:
    try:
        fn(*args)
    except Exception:
        return True
    return False


def bench_wrap(settings: Settings) -> None:
    import keras
    import tensorflow as tf

    say(f"\n== wrap: checked calls (tensorflow {tf.__version__}, keras {keras.__version__})")
    shapes = make_shapes()
    a = tf.random.normal((32, 64))
    b = tf.random.normal((64, 10))
    ready = tf.matmul(a, b)

    def matmul(a: Any, b: Any) -> Any:
        return tf.matmul(a, b)

    def constant(a: Any, b: Any) -> Any:  # isolates the checkers' own cost from TensorFlow's
        return ready

    def hand_assert(fn: Callable[..., Any]) -> Runner:
        def run(n: int) -> None:
            for _ in repeat(None, n):
                result = fn(a, b)
                if result.shape != (32, 10):  # `assert result.shape == (32, 10)`, kept under -O
                    raise AssertionError(result.shape)

        return run

    def variants(fn: Callable[..., Any]) -> tuple[dict[str, Runner], dict[str, Callable[..., Any]], list[str]]:
        checked = {
            "shapes.wrap(output=(None, 10))": shapes.wrap(fn, output=(None, 10)),
            "shapes.wrap(input=('batch',64), output=('batch',10))": shapes.wrap(
                fn, input=("batch", 64), output=("batch", 10)
            ),
        }
        others, notes = comparison_checkers(tf, fn)
        runners: dict[str, Runner] = {"raw call": calls(fn, a, b)}
        runners.update({name: calls(wrapped, a, b) for name, wrapped in checked.items()})
        runners["hand-written assert on result.shape"] = hand_assert(fn)
        runners.update({name: calls(wrapped, a, b) for name, wrapped in others.items()})
        return runners, {**checked, **others}, notes

    def clear() -> None:
        shapes.calls.clear()

    # every checker must really check: a bad input (or, output-only, a bad result) is rejected
    runners, checkers, notes = variants(matmul)
    for note in notes:
        say(f"  NOTE: {note}")
    bad_a, bad_b, wide_b = tf.random.normal((32, 63)), tf.random.normal((63, 10)), tf.random.normal((64, 11))
    sanity = {
        name: rejects(fn, a, wide_b) if "input=" not in name and "shapes.wrap" in name else rejects(fn, bad_a, bad_b)
        for name, fn in checkers.items()
    }
    clear()
    say(
        "  sanity, each checker rejects a bad call: "
        + ", ".join(f"{n.split('(')[0].strip()}={ok}" for n, ok in sanity.items())
    )
    if not all(sanity.values()):
        raise RuntimeError(f"a checker did not reject a bad call: {sanity}")

    samples, inner = interleave(runners, settings, after_block=clear)
    added = print_group("eager tf.matmul((32, 64), (64, 10))", samples, inner, "raw call")
    raw_us = median(samples["raw call"]) * US
    libraries = {name: cost for name, cost in added.items() if not name.startswith(("shapes.", "hand"))}
    cheapest_library = min(libraries.values()) if libraries else float("inf")
    info_row("eager tf.matmul((32,64),(64,10)) raw call", f"{raw_us:.1f} us")
    for name, cost in added.items():
        if name.startswith("shapes."):
            error = median_error(paired_added(samples, name, "raw call")) * US
            status = decide(cost, 8.0, error)
            if status == "PASS" and not cost < cheapest_library:
                status = "FAIL"
            budget = "<= 8 us and < each library" if libraries else "<= 8 us (libraries missing)"
            info_row(f"added cost, {name}", f"{cost:+.2f} us +-{error:.2f}", budget, status)
        else:
            info_row(f"added cost, {name}", f"{cost:+.2f} us")
    if libraries:
        for name, cost in added.items():
            if name.startswith("shapes."):
                info_row(
                    f"added cost as a share of the cheapest library's, {name}",
                    f"{cost / cheapest_library:.0%} (machine-independent view)",
                )
    if len(libraries) < 2:
        info_row("comparison libraries", "; ".join(notes) or "missing", status="SKIP")

    runners, _, _ = variants(constant)
    samples, inner = interleave(runners, settings, after_block=clear)
    added = print_group(
        "the checkers' own cost: same variants on a function returning a ready tensor", samples, inner, "raw call"
    )
    for name, cost in added.items():
        info_row(f"own cost (no TF op), {name}", f"{cost:+.2f} us")

    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10)])
    model(a)
    runners = {
        "raw model(x)": calls(model, a),
        "shapes.wrap(model)  (declared input contract)": calls(shapes.wrap(model), a),
        "shapes.wrap(model, input=('batch',64), output=('batch',10))": calls(
            shapes.wrap(model, input=("batch", 64), output=("batch", 10)), a
        ),
    }
    samples, inner = interleave(runners, settings, after_block=clear)
    added = print_group(
        "Keras Sequential Input(64) -> Dense(10), model(x) with x (32, 64)", samples, inner, "raw model(x)"
    )
    info_row("Keras Dense model raw call", f"{median(samples['raw model(x)']) * US:.1f} us")
    for name, cost in added.items():
        info_row(f"added cost, {name}", f"{cost:+.2f} us")


# -- d. shapes.check on a structure -----------------------------------------


def bench_check(settings: Settings) -> None:
    import tensorflow as tf

    say("\n== check: shapes.check on a list of 10 tensors vs a loop of asserts")
    shapes = make_shapes()
    tensors = [tf.random.normal((32, 64)) for _ in range(10)]
    list_spec = [(32, 64)] * 10
    tuple_spec = ((32, 64),) * 10

    def hand_loop(n: int) -> None:
        for _ in repeat(None, n):
            for tensor in tensors:
                if tensor.shape != (32, 64):  # `assert tensor.shape == (32, 64)`, kept under -O
                    raise AssertionError(tensor.shape)

    def nothing(n: int) -> None:
        for _ in repeat(None, n):
            pass

    runners = {
        "empty loop": nothing,
        "for t in ts: assert t.shape == (32, 64)": hand_loop,
        "shapes.check(ts, [(32, 64)] * 10)  (list spec)": calls(shapes.check, tensors, list_spec),
        "shapes.check(ts, ((32, 64),) * 10)  (tuple spec)": calls(shapes.check, tensors, tuple_spec),
    }
    samples, inner = interleave(runners, settings, after_block=shapes.calls.clear)
    added = print_group("10 eager tensors (32, 64)", samples, inner, "empty loop")
    for name, cost in added.items():
        info_row(f"10 tensors: {name}", f"{cost:.2f} us")


# -- e. explain with a layer trace ------------------------------------------


def explain_cases() -> list[tuple[str, Any, Any]]:
    """(label, 100-layer model, wrong input); each model call raises a real Keras error."""
    import keras
    import tensorflow as tf

    first = keras.Sequential([keras.Input((64,))] + [keras.layers.Dense(64) for _ in range(100)])
    last = keras.Sequential(
        [keras.Input((None, 4))] + [keras.layers.Dense(4) for _ in range(99)] + [keras.layers.Reshape((8, 4))]
    )
    return [
        ("100 x Dense(64), x (32, 63): fails at layer 1", first, tf.random.normal((32, 63))),
        ("99 x Dense(4) + Reshape, x (32, 5, 4): fails at layer 100", last, tf.random.normal((32, 5, 4))),
    ]


def raised_by(model: Any, x: Any) -> BaseException:
    try:
        model(x)
    except Exception as error:
        return error
    raise RuntimeError("the model accepted the wrong input")


def cold_explain() -> None:
    """Run in a fresh process: the first explain() pays the lazy imports and regex compiles."""
    import pytest_shapes

    results = []
    label, model, x = explain_cases()[-1]
    error = raised_by(model, x)
    start = time.perf_counter_ns()
    diagnosis = pytest_shapes.explain(error, model=model, inputs=x)
    elapsed = (time.perf_counter_ns() - start) / 1e6
    results.append({"label": label, "ms": elapsed, "kind": diagnosis and diagnosis.kind})
    print("COLD " + json.dumps(results))


def count_layer_calls(keras: Any) -> tuple[dict[str, int], Callable[[], None]]:
    """Count calls of Dense/Reshape `call` on real tensors (not KerasTensors); returns (counts, restore)."""
    counts = {"data": 0, "symbolic": 0}
    originals = {cls: cls.call for cls in (keras.layers.Dense, keras.layers.Reshape)}

    def counting(original: Callable[..., Any]) -> Callable[..., Any]:
        def call(self: Any, inputs: Any, *args: Any, **kwargs: Any) -> Any:
            counts["symbolic" if isinstance(inputs, keras.KerasTensor) else "data"] += 1
            return original(self, inputs, *args, **kwargs)

        return call

    for cls, original in originals.items():
        cls.call = counting(original)

    def restore() -> None:
        for cls, original in originals.items():
            cls.call = original

    return counts, restore


def bench_explain(settings: Settings) -> None:
    import keras

    import pytest_shapes

    say("\n== explain: diagnosis with a layer trace of a 100-layer model")
    proc = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(BENCH_DIR)!r}); import run; run.cold_explain()"],
        capture_output=True,
        text=True,
        env=clean_env(),
    )
    cold = next((json.loads(line[5:]) for line in proc.stdout.splitlines() if line.startswith("COLD ")), None)
    if cold is None:
        raise RuntimeError(f"cold explain run failed:\n{proc.stdout[-800:]}{proc.stderr[-1500:]}")
    for result in cold:
        say(f"  cold (first explain() in a fresh process), {result['label']}: {result['ms']:.1f} ms")
        budget_row(f"explain() cold, {result['label']}", f"{result['ms']:.1f} ms", "<= 200 ms", result["ms"] <= 200)

    for label, model, x in explain_cases():
        error = raised_by(model, x)
        counts, restore = count_layer_calls(keras)
        try:
            diagnosis = pytest_shapes.explain(error, model=model, inputs=x)
        finally:
            restore()
        if diagnosis is None:
            raise RuntimeError(f"{label}: explain() returned None for {type(error).__name__}: {str(error)[:200]}")
        times = []
        for _ in range(settings.explain_rounds):
            gc.collect()
            gc.disable()
            start = time.perf_counter_ns()
            diagnosis = pytest_shapes.explain(error, model=model, inputs=x)
            times.append((time.perf_counter_ns() - start) / 1e6)
            gc.enable()
        trace = getattr(diagnosis, "trace", None) or []
        failing = next((i + 1 for i, row in enumerate(trace) if getattr(row, "failing", False)), None)
        ms = median(times)
        say(f"  {label}")
        say(f"    {diagnosis.headline}")
        say(
            f"    warm median {ms:.2f} ms over {len(times)} runs (max {max(times):.2f}); "
            f"len(trace) = {len(trace)}, failing row {failing}; layer calls on data: {counts['data']}, "
            f"symbolic: {counts['symbolic']}"
        )
        budget_row(
            f"explain() warm, {label}",
            f"{ms:.2f} ms, kind {diagnosis.kind}, len(trace)={len(trace)}, failing row {failing}",
            "<= 200 ms",
            ms <= 200,
        )
        budget_row(
            f"explain() runs no layer on data ({label.split(':')[0]})",
            f"{counts['data']} layer calls",
            "0",
            counts["data"] == 0,
        )


# -- f. 1,000 checked tests, serial vs -n 2 ---------------------------------


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


# -- a large suite: the cost of each checked call's record -------------------

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
    budget_row("3,000 x 20 checked calls: extra peak memory", f"{memory:.1f} MB", "<= 10 MB", memory <= 10)
    budget_row(
        "3,000 x 20 checked calls: `shapes:` summary exact",
        summary or "(no summary line)",
        "60000 contracts checked",
        summary.startswith("shapes: 60000 contracts checked"),
    )


# -- tf.function -------------------------------------------------------------


def bench_tffunction(settings: Settings) -> None:
    import tensorflow as tf

    say("\n== tffunction: a wrapped function inside tf.function")
    shapes = make_shapes()
    w = tf.random.normal((64, 10))

    def dense(x: Any) -> Any:
        return tf.matmul(x, w)

    checked = shapes.wrap(dense, input=("batch", 64), output=("batch", 10))

    @tf.function
    def step(x: Any) -> Any:
        return checked(x) * 2.0

    @tf.function
    def step_raw(x: Any) -> Any:
        return dense(x) * 2.0

    x = tf.random.normal((32, 64))
    step(x)
    step_raw(x)
    after_trace = len(shapes.calls)
    for _ in range(5):
        step(x)
        step_raw(x)
    after_runs = len(shapes.calls)
    traces, traces_raw = step.experimental_get_tracing_count(), step_raw.experimental_get_tracing_count()
    step(tf.random.normal((16, 64)))  # a new input shape retraces (TensorFlow's rule): checked again
    after_retrace = len(shapes.calls)
    say(f"  checks after the first call (trace): {after_trace}; after 5 more executions: {after_runs}")
    say(f"  tracing count wrapped / unwrapped: {traces} / {traces_raw}; new batch size -> checks {after_retrace}")
    budget_row(
        "tf.function: checks per trace, not per execution",
        f"{after_trace} after trace, {after_runs} after +5 runs, {after_retrace} after retrace",
        "1 / 1 / 2",
        (after_trace, after_runs, after_retrace) == (1, 1, 2),
    )
    budget_row(
        "tf.function: wrapping adds no retrace", f"{traces} vs {traces_raw} traces", "equal", traces == traces_raw
    )

    outer = shapes.wrap(step, input=("batch", 64), output=("batch", 10))
    before = len(shapes.calls)
    for _ in range(5):
        outer(x)
    say(f"  shapes.wrap(tf_function) itself checks per execution: +{len(shapes.calls) - before} for 5 calls")
    info_row("shapes.wrap(a tf.function): checks per execution", f"+{len(shapes.calls) - before} for 5 calls")

    try:  # a violated contract while tracing: autograph re-raises it; is the diagnosis still found?
        step(tf.random.normal((8, 63)))
    except Exception as error:
        import pytest_shapes

        diagnosis = pytest_shapes.explain(error)
        shown = diagnosis.headline.splitlines()[0][:90] if diagnosis else None
        say(f"  violation while tracing raises {type(error).__name__}; explain(): {shown}")
        info_row("tf.function: violation while tracing", f"{type(error).__name__} -> {shown}")


# -- main --------------------------------------------------------------------

BENCHMARKS: dict[str, Callable[[Settings], None]] = {
    "import": bench_import,
    "startup": bench_startup,
    "wrap": bench_wrap,
    "check": bench_check,
    "explain": bench_explain,
    "xdist": bench_xdist,
    "suite": bench_suite,
    "tffunction": bench_tffunction,
}


def load_text() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def print_table() -> None:
    say("\n## pytest-shapes benchmark summary\n")
    say("| measurement | value | budget | status |")
    say("|---|---|---|---|")
    for row in ROWS:
        say(f"| {row.measurement} | {row.value} | {row.budget} | {row.status} |")


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
