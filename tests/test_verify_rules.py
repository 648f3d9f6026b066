"""The rules `shapes.verify` compares what it saw at different batch sizes by, without TensorFlow.

An output may keep the batch axis anywhere, fold it into another axis, or have none: none of that
is `batch-dependent`. A lost axis, an axis that moves with the batch size but not as a batch axis
does, or a size fixed while tracing is. (The real models are in test_verify.py.)
"""

from __future__ import annotations

import pytest

from pytest_shapes.verify.observations import Observation
from pytest_shapes.verify.rules import inconsistent


def seen(batch: int | None, *shapes: tuple | None) -> Observation:
    observation = Observation(batch, batch is not None, (batch, 4))
    observation.outputs = [(f"[{i}]" if len(shapes) > 1 else "", shape) for i, shape in enumerate(shapes)]
    return observation


@pytest.mark.parametrize(
    ("symbolic", "sized"),
    [
        pytest.param((None, 10), [(1, 10), (3, 10)], id="a batch axis first"),
        pytest.param((10, None), [(10, 1), (10, 3)], id="a batch axis second (time-major)"),
        pytest.param((None,), [(7,), (21,)], id="the batch folded into another axis (7 per sample)"),
        pytest.param((), [(), ()], id="no batch axis: a scalar"),
        pytest.param((10,), [(10,), (10,)], id="no batch axis: a mean over the batch"),
        pytest.param(None, [(1, 10), (3, 10)], id="unknown rank when traced"),
        pytest.param((None, None), [(1, 32), (3, 32)], id="a size unknown when traced"),
    ],
)
def test_shapes_that_follow_the_batch_size_are_consistent(symbolic, sized) -> None:
    batches = (1, 3)
    assert inconsistent("m", seen(None, symbolic), [seen(b, s) for b, s in zip(batches, sized, strict=True)]) is None


@pytest.mark.parametrize(
    ("symbolic", "sized", "message"),
    [
        pytest.param(
            None,
            [(10,), (3, 10)],
            "output of m is (10,) at batch size 1 but (3, 10) at batch size 3: the batch axis is lost at batch size 1",
            id="squeezed at batch size 1",
        ),
        pytest.param(
            (None, 1),
            [(12, 1), (3, 1)],
            "output of m is (12, 1) at batch size 1 but (3, 1) at batch size 3: the batch axis is lost at batch size 1",
            id="the batch axis replaced at batch size 1",
        ),
        pytest.param(
            (8, 3),
            [(1, 3), (3, 3)],
            "output of m is (8, 3) when traced with an unknown batch size but (1, 3) at batch size 1: axis 0 was "
            "fixed at 8 while tracing",
            id="fixed while tracing",
        ),
        pytest.param(
            (None, 5),
            [(1, 5), (3, 4)],
            "output of m is (1, 5) at batch size 1 but (3, 4) at batch size 3: axis 1 changes with the batch size, "
            "but not as a batch axis does",
            id="another axis moves",
        ),
    ],
)
def test_shapes_that_change_with_the_batch_size_are_batch_dependent(symbolic, sized, message) -> None:
    batches = (1, 3)
    found = inconsistent("m", seen(None, symbolic), [seen(b, s) for b, s in zip(batches, sized, strict=True)])
    assert found is not None and (found.kind, found.message) == ("batch-dependent", message)


def test_an_output_that_appears_at_one_size_only() -> None:
    found = inconsistent("m", None, [seen(1, (1, 2)), seen(3, (3, 2), (3, 1))])
    assert found is not None and found.message == "m returns 1 output at batch size 1 but 2 at batch size 3"
