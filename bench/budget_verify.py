"""Budgets of `shapes.verify`: the symbolic pass costs a fraction of a forward pass, and a default verify
of a small model costs about what calling it at each batch size costs."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from harness import ROWS, Row, Settings, decide, info_row, make_shapes, median, median_error, say


def conv_model(keras: Any, layers: int = 50) -> Any:
    """A plain 50-layer CNN at 224x224x3: five stages of ten 3x3 convolutions (the first strided),
    16 to 256 channels, random weights."""
    stack = [keras.Input((224, 224, 3))]
    per_stage = layers // 5
    for stage in range(5):
        for i in range(per_stage):
            stride = 2 if i == 0 else 1
            stack.append(keras.layers.Conv2D(16 * 2**stage, 3, strides=stride, padding="same", activation="relu"))
    stack += [keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(10)]
    return keras.Sequential(stack)


def _interleaved(runs: dict[str, Callable[[], Any]], rounds: int) -> dict[str, list[float]]:
    """Seconds per run of each callable, alternating which goes first in each round."""
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for round_ in range(rounds):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            start = time.perf_counter_ns()
            runs[name]()
            seconds[name].append((time.perf_counter_ns() - start) / 1e9)
    return seconds


def bench_verify(settings: Settings) -> None:
    import numpy as np
    import tensorflow as tf

    keras = tf.keras
    rounds = max(5, settings.explain_rounds)

    say("\n== verify: symbolic pass of a 50-layer CNN at 224x224x3 vs one forward pass at batch 8")
    cnn = conv_model(keras)
    batch = np.zeros((8, 224, 224, 3), "float32")
    cnn(batch)  # the first call builds what calls reuse: not what is measured
    shapes = make_shapes()
    import pytest_shapes.verify  # noqa: F401  # loaded with the first verify: not what is measured

    start = time.perf_counter_ns()
    shapes.verify(cnn, output=(None, 10), batch_sizes=())  # the first: Keras may cache shapes it inferred
    cold = (time.perf_counter_ns() - start) / 1e6
    seconds = _interleaved(
        {"forward": lambda: cnn(batch), "symbolic": lambda: shapes.verify(cnn, output=(None, 10), batch_sizes=())},
        rounds,
    )
    ratios = [s / f for s, f in zip(seconds["symbolic"], seconds["forward"], strict=True)]
    say(
        f"  forward at batch 8: median {median(seconds['forward']) * 1e3:.0f} ms; symbolic verify "
        f"(unknown batch, then batch sizes 1 and 2): median {median(seconds['symbolic']) * 1e3:.1f} ms"
    )
    ROWS.append(
        Row(
            "shapes.verify symbolic pass, 50-layer CNN 224x224x3 / one forward pass at batch 8",
            f"x{median(ratios):.3f} ({median(seconds['symbolic']) * 1e3:.0f} ms / "
            f"{median(seconds['forward']) * 1e3:.0f} ms)",
            "<= x0.10",
            decide(median(ratios), 0.10, median_error(ratios)),
        )
    )

    info_row("shapes.verify symbolic pass of that CNN, the first on the model", f"{cold:.0f} ms")

    say("\n== verify: default batch sizes (1, 3) on the README's Dense model vs two plain calls of it")
    small = keras.Sequential(
        [keras.Input((64,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10, activation="softmax")]
    )
    x1, x3 = np.zeros((1, 64), "float32"), np.zeros((3, 64), "float32")
    small(x1), small(x3)
    shapes.verify(small)
    seconds = _interleaved(
        {"two calls": lambda: (small(x1), small(x3)), "verify": lambda: shapes.verify(small)}, rounds * 10
    )
    ratios = [v / c for v, c in zip(seconds["verify"], seconds["two calls"], strict=True)]
    say(
        f"  two plain calls: median {median(seconds['two calls']) * 1e3:.2f} ms; verify: median "
        f"{median(seconds['verify']) * 1e3:.2f} ms"
    )
    ROWS.append(
        Row(
            "shapes.verify(model), batch sizes (1, 3), small Dense model / two plain calls",
            f"x{median(ratios):.2f} ({median(seconds['verify']) * 1e3:.2f} ms / "
            f"{median(seconds['two calls']) * 1e3:.2f} ms)",
            "<= x3",
            decide(median(ratios), 3.0, median_error(ratios)),
        )
    )
    info_row("shapes.verify records one checked call per verify", f"{len(shapes.calls)} records")
