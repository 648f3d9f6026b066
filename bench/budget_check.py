"""Budget: shapes.check on a structure of tensors vs a loop of asserts."""

from __future__ import annotations

from itertools import repeat

from harness import Settings, calls, info_row, interleave, make_shapes, print_group, say


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
