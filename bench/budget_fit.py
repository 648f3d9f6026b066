"""Budget: a wrapped model's fit checks its data once per call (never iterates the dataset)."""

from __future__ import annotations

import time

from harness import ROWS, Row, Settings, budget_row, decide, info_row, make_shapes, median, median_error, say


def bench_fit(settings: Settings) -> None:
    import numpy as np
    import tensorflow as tf

    say("\n== fit: model.fit on a 256-sample tf.data dataset (8 batches), raw vs shapes.wrap(model).fit")
    keras = tf.keras
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10)])
    model.compile(optimizer="adam", loss="mse")
    x, y = np.zeros((256, 64), "float32"), np.zeros((256, 10), "float32")
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(32)
    shapes = make_shapes()
    wrapped = shapes.wrap(model)
    fits = {"raw": model.fit, "wrapped": wrapped.fit}
    for fit in fits.values():  # the first fit builds the train function: not what is measured
        fit(dataset, epochs=1, verbose=0)
    seconds: dict[str, list[float]] = {name: [] for name in fits}
    for round_ in range(max(4, settings.explain_rounds)):
        names = list(fits)[round_ % 2 :] + list(fits)[: round_ % 2]
        for name in names:
            start = time.perf_counter_ns()
            fits[name](dataset, epochs=1, verbose=0)
            seconds[name].append((time.perf_counter_ns() - start) / 1e9)
    added = [w - r for w, r in zip(seconds["wrapped"], seconds["raw"], strict=True)]
    raw = median(seconds["raw"])
    say(f"  raw fit: median {raw * 1e3:.1f} ms; wrapped: median {median(seconds['wrapped']) * 1e3:.1f} ms")
    shares = [a / raw for a in added]
    share = median(shares)
    ROWS.append(
        Row(
            "wrapped fit on a dataset: added time per fit",
            f"{median(added) * 1e3:+.2f} ms = {share * 100:+.1f}% of a {raw * 1e3:.0f} ms fit",
            "<= 5%",
            decide(share, 0.05, median_error(shares)),
        )
    )
    spec = ((None, 64), (None, 10))
    start = time.perf_counter_ns()
    for _ in range(1000):
        shapes.check(dataset, spec)
    per_check = (time.perf_counter_ns() - start) / 1000 / 1e3
    say(f"  shapes.check(dataset, spec) through element_spec: {per_check:.1f} us")
    info_row("shapes.check of a dataset (element_spec read, never iterated)", f"{per_check:.1f} us per check")
    checks = [call for call in shapes.calls if call.name.endswith(".fit()")]
    budget_row(
        "wrapped fit: one checked call per fit, dataset element read from element_spec",
        f"{len(checks)} records for {len(seconds['wrapped']) + 1} fits, input {checks[0].input_shapes}",
        "one per fit",
        len(checks) == len(seconds["wrapped"]) + 1 and checks[0].input_shapes == (None, 64),
    )
