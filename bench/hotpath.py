"""Where a checked call's time goes, and what the remaining cheap changes would save.

    python bench/hotpath.py            # profile + interleaved current-vs-proposed timings
    python bench/hotpath.py --quick

Not part of the budgets (bench/run.py measures those): evidence for reviews of
the hot path. It profiles a wrapped call, times its parts, and times proposed
drop-in replacements beside the package's own functions. A proposal is swapped
in only for the duration of its own timed block (the package's module global is
restored right after), and is first checked to give the same results as the
package, errors included, on a set of specs.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import run

# -- proposals -------------------------------------------------------------------------


def proposed_parse() -> Callable[[Any], Any]:
    """spec.parse with (1) an identity cache in front: a spec written in a test is the same
    tuple object on every call, so the recursive key is built once; (2) lists and dicts keyed
    by their frozen contents (order kept), so `[(32, 64)] * 10` is parsed once, not per call."""
    from pytest_shapes import spec

    by_id: dict[int, tuple[Any, Any]] = {}
    cache_key, parse_uncached, cache = spec._cache_key, spec._parse, spec._CACHE

    def frozen_key(value: Any) -> Any:
        cls = type(value)
        if cls is tuple or cls is list:
            return (cls, tuple(frozen_key(item) for item in value))
        if cls is dict:
            return (cls, tuple((key, frozen_key(item)) for key, item in value.items()))
        return cache_key(value)

    def parse(value: Any) -> Any:
        hit = by_id.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        try:
            key = frozen_key(value)
            parsed = cache.get(key)
        except TypeError:  # unhashable leaves (a set, an object): parse every time, as now
            return parse_uncached(value, value)
        if parsed is None:
            parsed = cache[key] = parse_uncached(value, value)
        if type(value) is tuple or type(value) is str:  # hashed above, so immutable all the way down
            by_id[id(value)] = (value, parsed)  # keeps `value` alive: its id cannot be reused
        return parsed

    return parse


def parse_differences(parse: Callable[[Any], Any]) -> list[str]:
    from pytest_shapes import spec

    specs = [
        (None, 10), ("batch", 64), "batch, 10", [(1, 2), (3,)], ((1, 2), (3,)), {"x": (None, 3), "y": "n"},
        {"y": "n", "x": (None, 3)}, (), (True,), (3.0,), [1, 2], [[1, 2], [3]], ("*b", 3), (..., 4), (1, -2),
        ((1,), [2]), "a b *c", [True], {"a": [1.5]}, ("a", "*b", "*c"), 7, None, "", [(32, 64)] * 10,
    ]  # fmt: skip
    problems = []
    for item in specs:
        outcomes = []
        for fn in (spec.parse, parse, parse):  # twice: the cached path too
            try:
                parsed = fn(item)
                outcomes.append(f"{type(parsed).__name__} {parsed!r}")
            except Exception as error:
                outcomes.append(f"{type(error).__name__}: {error}")
        if len(set(outcomes)) != 1:
            problems.append(f"parse({item!r}): {outcomes}")
    return problems


def swapped(module: Any, name: str, replacement: Any, runner: run.Runner) -> run.Runner:
    """`runner` with `module.name` replaced during its block only."""

    def run_swapped(n: int) -> None:
        original = getattr(module, name)
        setattr(module, name, replacement)
        try:
            runner(n)
        finally:
            setattr(module, name, original)

    return run_swapped


# -- main ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args(argv)
    settings = run.QUICK if options.quick else run.FULL

    import tensorflow as tf

    from pytest_shapes import adapters, checker, fixture, spec
    from pytest_shapes.diagnosis import CallRecord

    parse = proposed_parse()
    problems = parse_differences(parse)
    run.say("proposed parse vs spec.parse: " + ("identical results and errors" if not problems else "DIFFERENT"))
    for problem in problems:
        run.say(f"  {problem}")

    shapes = run.make_shapes()
    a, b = tf.random.normal((32, 64)), tf.random.normal((64, 10))
    ready = tf.matmul(a, b)

    def constant(a: Any, b: Any) -> Any:
        return ready

    out_only = shapes.wrap(constant, output=(None, 10))
    named = shapes.wrap(constant, input=("batch", 64), output=("batch", 10))

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(20000):
        named(a, b)
    profiler.disable()
    shapes.calls.clear()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(12)
    run.say("\ncProfile, 20,000 calls of shapes.wrap(input=('batch',64), output=('batch',10)) on a constant function")
    run.say("(profiling inflates small functions; the interleaved timings below do not):")
    run.say("\n".join(line for line in text.getvalue().splitlines() if line.strip()))

    spec_out, spec_named = spec.parse((None, 10)), spec.parse(("batch", 64))
    path = ""
    items = list(range(10))

    def lambdas(**named_fns: Callable[[], Any]) -> dict[str, run.Runner]:
        return {name.replace("_", " "): run.calls(fn) for name, fn in named_fns.items()}

    components = {
        "empty": run.calls(lambda: None),
        "wrapped call, output spec": run.calls(out_only, a, b),
        "wrapped call, named input + output": run.calls(named, a, b),
        "adapters.shape_of(t)": run.calls(adapters.shape_of, ready),
        "checker.shapes_of(t)": run.calls(checker.shapes_of, ready, adapters.shape_of),
        "Spec.match (None, 10)": run.calls(spec_out.match, (32, 10), None),
        "Spec.match ('batch', 64), fresh bindings": run.calls(lambda: spec_named.match((32, 64), {})),
        "CallRecord(...)": run.calls(CallRecord, "f", (32, 64), (32, 10), "passed"),
        **lambdas(
            struct_path_strings_for_10_items=lambda: [(i, i, f"{path}[{i}]") for i in items],
            same_pairs_without_strings=lambda: [(i, i, i) for i in items],
        ),
    }
    samples, inner = run.interleave(components, settings, after_block=shapes.calls.clear)
    run.print_group(
        "parts of the hot path (each timed as one call; 'added' is over an empty call)", samples, inner, "empty"
    )

    tensors = [tf.random.normal((32, 64)) for _ in range(10)]
    tuple_spec = ((32, 64),) * 10

    def check_list() -> None:
        shapes.check(tensors, [(32, 64)] * 10)

    checks = {
        "empty": run.calls(lambda: None),
        "spec.parse(((32,64),)*10)": run.calls(spec.parse, tuple_spec),
        "proposed parse(((32,64),)*10)": run.calls(parse, tuple_spec),
        "spec.parse([(32,64)]*10)": run.calls(lambda: spec.parse([(32, 64)] * 10)),
        "proposed parse([(32,64)]*10)": run.calls(lambda: parse([(32, 64)] * 10)),
        "shapes.check(ts, ((32,64),)*10)": run.calls(shapes.check, tensors, tuple_spec),
        "  with proposed parse": swapped(fixture, "parse", parse, run.calls(shapes.check, tensors, tuple_spec)),
        "shapes.check(ts, [(32,64)]*10)": run.calls(check_list),
        "  with proposed parse ": swapped(fixture, "parse", parse, run.calls(check_list)),
    }
    samples, inner = run.interleave(checks, settings, after_block=shapes.calls.clear)
    run.print_group("spec parsing, and shapes.check on 10 tensors (32, 64)", samples, inner, "empty")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
