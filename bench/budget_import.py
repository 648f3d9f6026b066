"""Budget: importing the plugin loads no framework, and how long it takes."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from harness import HEAVY, Settings, budget_row, clean_env, info_row, median, say


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
