"""Budget: the added cost of a wrapped call, against check_shapes and jaxtyping."""

from __future__ import annotations

from collections.abc import Callable
from itertools import repeat
from typing import Any

from harness import (
    US,
    Runner,
    Settings,
    calls,
    decide,
    info_row,
    interleave,
    make_shapes,
    median,
    median_error,
    paired_added,
    print_group,
    say,
    version,
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
