"""The result types users see: Diagnosis, ShapeMismatch, CallRecord."""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass, field
from typing import Any

from pytest_shapes.safe_text import terminal_safe

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
        data = {key: terminal_safe(value) if isinstance(value, str) else value for key, value in asdict(self).items()}
        data["trace"] = [{key: terminal_safe(str(value)) for key, value in asdict(row).items()} for row in self.trace]
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

_CATCHABLE_AS: dict[type[BaseException], type[ShapeMismatch] | None] = {}


def diagnosed(diagnosis: Diagnosis, error: BaseException) -> ShapeMismatch:
    """The ShapeMismatch for a diagnosed `error`, also an instance of its type where Python allows it.

    So `pytest.raises(ValueError)` or `xfail(raises=InvalidArgumentError)` around a wrapped call
    still catch what they caught without the wrapper; uncaught, it fails the test as an assertion.
    """
    cls = _catchable_as(type(error))
    if cls is None:
        return ShapeMismatch(diagnosis)
    try:
        mismatch = cls.__new__(cls)  # the original type's __init__ has a signature of its own: not called
    except Exception:  # a base whose __new__ refuses the mix (OSError): the plain ShapeMismatch
        _CATCHABLE_AS[type(error)] = None
        return ShapeMismatch(diagnosis)
    ShapeMismatch.__init__(mismatch, diagnosis)
    # attributes callers read on the original (an OpError's .message, .op, .node_def); an error
    # without a readable __dict__ keeps only the diagnosis
    with contextlib.suppress(Exception):
        mismatch.__dict__.update({k: v for k, v in vars(error).items() if k not in vars(mismatch)})
    return mismatch


def _catchable_as(original: type[BaseException]) -> type[ShapeMismatch] | None:
    if original in _CATCHABLE_AS:
        return _CATCHABLE_AS[original]
    made: type[ShapeMismatch] | None = None
    if issubclass(original, Exception) and not issubclass(original, AssertionError):
        try:
            made = type(
                "ShapeMismatch",
                (ShapeMismatch, original),
                # the message is the diagnosis, whatever the original type's __str__ reads
                {"__module__": "pytest_shapes", "__str__": BaseException.__str__, "__qualname__": "ShapeMismatch"},
            )
        except Exception:  # an instance lay-out conflict (OSError), a final class, a metaclass that refuses
            made = None
    _CATCHABLE_AS[original] = made
    return made


def render_error(diagnosis: Diagnosis) -> str:
    """Headline and hint; the layer trace goes to the report section, not into every traceback."""
    if diagnosis.hint:
        return terminal_safe(f"{diagnosis.headline}\nhint: {diagnosis.hint}")
    return terminal_safe(diagnosis.headline)


@dataclass(slots=True, frozen=True)
class CallRecord:
    """One checked call: a wrapped call or a `shapes.check`.

    Frozen: the calls of one wrapper with the same shapes share one record.
    """

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
