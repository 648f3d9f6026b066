"""The benchmark harness: settings, the result table, interleaved timing, subprocess runs of pytest."""

from __future__ import annotations

import atexit
import gc
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


FULL = Settings(rounds=150, block_s=0.010, startup_rounds=40, suite_rounds=8, import_runs=7, explain_rounds=20)
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


def make_shapes() -> Any:
    """A `shapes` fixture object built outside pytest, by the factory the session uses (built-in hooks)."""
    from pytest_shapes.fixture import new_shapes

    return new_shapes()


def version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version(dist)
    except PackageNotFoundError:
        return "?"


def load_text() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def print_table() -> None:
    say("\n## pytest-shapes benchmark summary\n")
    say("| measurement | value | budget | status |")
    say("|---|---|---|---|")
    for row in ROWS:
        say(f"| {row.measurement} | {row.value} | {row.budget} | {row.status} |")


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
