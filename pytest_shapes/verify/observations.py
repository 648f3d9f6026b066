"""What one pass of `shapes.verify` saw, and how its shapes are written in messages and records."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pytest_shapes.adapters.symbolic import Shaped
from pytest_shapes.spec import format_shape


class Observation:
    """What one pass saw: at one batch size (None: unknown, symbolic), its outputs or its error."""

    __slots__ = ("batch", "concrete", "error", "inputs", "outputs", "result")

    def __init__(self, batch: int | None, concrete: bool, inputs: Any):
        self.batch = batch
        self.concrete = concrete
        self.inputs = inputs  # the input shapes (structure)
        self.result: Any = None  # the outputs as returned
        self.outputs: list[tuple[str, tuple[Any, ...] | None]] = []  # (path, shape) of each output tensor
        self.error: Exception | None = None

    @property
    def where(self) -> str:
        if self.batch is None:
            return "with an unknown batch size"
        return f"at batch size {self.batch}"


def flat_shapes(result: Any, shape_of: Callable[[Any], Any], path: str = "") -> list[tuple[str, Any]]:
    """(path, shape) of each tensor in the outputs, in order; None for a shape of unknown rank."""
    if isinstance(result, Mapping):
        return [pair for key, item in result.items() for pair in flat_shapes(item, shape_of, f"{path}[{key!r}]")]
    if isinstance(result, list | tuple) and shape_of(result) is None:
        return [pair for i, item in enumerate(result) for pair in flat_shapes(item, shape_of, f"{path}[{i}]")]
    return [(path, shape_of(result))]


def record_outputs(seen: Observation) -> Any:
    if seen.error is not None or not seen.outputs:
        return None
    if len(seen.outputs) == 1 and not seen.outputs[0][0]:
        return seen.outputs[0][1]
    return [shape for _, shape in seen.outputs]


def outputs_text(seen: Observation) -> str:
    return ", ".join(format_shape(shape) for _, shape in seen.outputs) or "nothing"


def at_sizes(sizes: Iterable[Any]) -> str:
    """Says "at batch size 1", or "at batch sizes 1 and 3"."""
    values = [str(size) for size in sizes]
    if len(values) == 1:
        return f"at batch size {values[0]}"
    return "at batch sizes " + ", ".join(values[:-1]) + " and " + values[-1]


def carriers(shapes: Any) -> Any:
    """Input shapes where values are expected (to bind the input's named dims, to explain errors)."""
    if isinstance(shapes, tuple):
        return Shaped(shapes)
    if isinstance(shapes, Mapping):
        return {key: carriers(item) for key, item in shapes.items()}
    return [carriers(item) for item in shapes]


def carried_shape(value: Any) -> Any:
    return value.shape if isinstance(value, Shaped) else None
