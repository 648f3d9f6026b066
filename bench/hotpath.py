"""Where a checked call's time goes.

    python bench/hotpath.py            # profile + interleaved timings of the parts
    python bench/hotpath.py --quick

Not part of the budgets (bench/run.py measures those): evidence for reviews of
the hot path. It profiles a wrapped call and times its parts and spec parsing
beside each other. (Its earlier proposals - an identity cache in spec.parse,
positions formatted only on failure - are now in the package.)
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

# -- main ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args(argv)
    settings = harness.QUICK if options.quick else harness.FULL

    import tensorflow as tf

    from pytest_shapes import adapters, checker, spec
    from pytest_shapes.diagnosis import CallRecord

    shapes = harness.make_shapes()
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
    harness.say(
        "\ncProfile, 20,000 calls of shapes.wrap(input=('batch',64), output=('batch',10)) on a constant function"
    )
    harness.say("(profiling inflates small functions; the interleaved timings below do not):")
    harness.say("\n".join(line for line in text.getvalue().splitlines() if line.strip()))

    spec_out, spec_named = spec.parse((None, 10)), spec.parse(("batch", 64))

    components = {
        "empty": harness.calls(lambda: None),
        "wrapped call, output spec": harness.calls(out_only, a, b),
        "wrapped call, named input + output": harness.calls(named, a, b),
        "adapters.shape_of(t)": harness.calls(adapters.shape_of, ready),
        "checker.shapes_of(t)": harness.calls(checker.shapes_of, ready, adapters.shape_of),
        "Spec.match (None, 10)": harness.calls(spec_out.match, (32, 10), None),
        "Spec.match ('batch', 64), fresh bindings": harness.calls(lambda: spec_named.match((32, 64), {})),
        "CallRecord(...)": harness.calls(CallRecord, "f", (32, 64), (32, 10), "passed"),
    }
    samples, inner = harness.interleave(components, settings, after_block=shapes.calls.clear)
    harness.print_group(
        "parts of the hot path (each timed as one call; 'added' is over an empty call)", samples, inner, "empty"
    )

    tensors = [tf.random.normal((32, 64)) for _ in range(10)]
    tuple_spec = ((32, 64),) * 10

    def check_list() -> None:
        shapes.check(tensors, [(32, 64)] * 10)

    checks = {
        "empty": harness.calls(lambda: None),
        "spec.parse(((32,64),)*10)": harness.calls(spec.parse, tuple_spec),
        "spec.parse([(32,64)]*10)": harness.calls(lambda: spec.parse([(32, 64)] * 10)),
        "shapes.check(ts, ((32,64),)*10)": harness.calls(shapes.check, tensors, tuple_spec),
        "shapes.check(ts, [(32,64)]*10)": harness.calls(check_list),
    }
    samples, inner = harness.interleave(checks, settings, after_block=shapes.calls.clear)
    harness.print_group("spec parsing, and shapes.check on 10 tensors (32, 64)", samples, inner, "empty")
    return 0


if __name__ == "__main__":
    sys.exit(main())
