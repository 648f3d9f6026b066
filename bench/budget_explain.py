"""Budget: explaining a real error from a 100-layer model, with its layer trace."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from harness import BENCH_DIR, Settings, budget_row, clean_env, median, say


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
