"""Budget: a wrapped function inside tf.function checks per trace, not per execution."""

from __future__ import annotations

from typing import Any

from harness import Settings, budget_row, info_row, make_shapes, say


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
