"""The result types users see: Diagnosis, ShapeMismatch, CallRecord."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = (
    "missing-batch-axis",
    "missing-axis",
    "extra-axis",
    "axis-order",
    "size-mismatch",
    "rank-mismatch",
    "binding-conflict",
    "matmul-incompatible",
    "broadcast-incompatible",
    "reshape-size",
    "spatial-too-small",
    "target-mismatch",
    "dtype-mismatch",
    "structure-mismatch",
    "batch-dependent",
    "no-call",
    "unknown-shape-error",
)


@dataclass
class TraceRow:
    """One layer of a layer trace: what it expects and what it would receive."""

    layer: str
    expects: str
    receives: str
    failing: bool = False


@dataclass
class Diagnosis:
    """The root cause of a shape problem, with a concrete fix.

    `expected` and `actual` are display strings (shapes or dtypes), never
    tensor contents.
    """

    kind: str
    message: str
    hint: str = ""
    expected: str | None = None
    actual: str | None = None
    axis: int | None = None
    layer: str | None = None
    trace: list[TraceRow] = field(default_factory=list)

    @property
    def headline(self) -> str:
        return f"[{self.kind}] {self.message}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["trace"] = [asdict(row) for row in self.trace]
        return data


class ShapeMismatch(AssertionError):  # noqa: N818 - the public name is fixed by the spec
    """A violated shape contract or a diagnosed shape error: the test fails.

    The first line of the message is ``[<kind>] <what is wrong>``, the second
    ``hint: <the fix>``.
    """

    def __init__(self, diagnosis: Diagnosis):
        self.diagnosis = diagnosis
        super().__init__(render_error(diagnosis))


ShapeMismatch.__module__ = "pytest_shapes"  # tracebacks say pytest_shapes.ShapeMismatch, the public name


def render_error(diagnosis: Diagnosis) -> str:
    """Headline and hint; the layer trace goes to the report section, not into every traceback."""
    if diagnosis.hint:
        return f"{diagnosis.headline}\nhint: {diagnosis.hint}"
    return diagnosis.headline


@dataclass(slots=True)
class CallRecord:
    """One checked call: a wrapped call or a `shapes.check`."""

    name: str
    input_shapes: Any
    output_shapes: Any
    outcome: str  # "passed", "violated" or "error"
    diagnosis: Diagnosis | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "input_shapes": _plain(self.input_shapes),
            "output_shapes": _plain(self.output_shapes),
            "outcome": self.outcome,
            "kind": self.diagnosis.kind if self.diagnosis else None,
        }


def _plain(shapes: Any) -> Any:
    """Shapes as JSON-friendly lists (they travel through xdist and into JSON)."""
    if isinstance(shapes, dict):
        return {str(key): _plain(value) for key, value in shapes.items()}
    if isinstance(shapes, list | tuple):
        return [_plain(item) for item in shapes]
    return shapes
