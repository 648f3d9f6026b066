"""Checked calls: `shapes.wrap(fn)` returns one of these."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pytest_shapes.checker import check, check_dtype, shapes_of
from pytest_shapes.diagnosis import CallRecord, Diagnosis, ShapeMismatch, diagnosed
from pytest_shapes.explainers.context import is_keras_model
from pytest_shapes.running import RUNNING
from pytest_shapes.spec import Spec
from pytest_shapes.trace import attach_trace

if TYPE_CHECKING:
    from pytest_shapes.fixture import Shapes
    from pytest_shapes.spec import AnySpec

# Keras models and layers: these methods take the same input as __call__
CHECKED_METHODS = ("predict", "predict_on_batch")


class Contract:
    """The specs one wrapper checks, resolved once at wrap time."""

    __slots__ = ("dtype", "input", "input_raises", "needs_bindings", "output")

    def __init__(
        self,
        input: AnySpec | None,
        output: AnySpec | None,
        dtype: str | None,
        input_raises: type[Exception] | None = None,
    ):
        self.input = input
        self.output = output
        self.dtype = dtype
        self.needs_bindings = _has_names(input) or _has_names(output)
        # the error type the wrapped object itself raises for input that breaks `input` (a Keras
        # model's declared Input: ValueError), so a violation stays catchable as that type
        self.input_raises = input_raises


def _has_names(spec: Any) -> bool:
    if spec is None:
        return False
    items = getattr(spec, "items", None)
    if items is not None:
        values = items.values() if isinstance(items, dict) else items
        return any(_has_names(item) for item in values)
    return bool(spec.named or spec.variadic_name)


class CheckedCall:
    """Calls `fn`, checking its first argument and its result against a contract."""

    __slots__ = ("__wrapped__", "_contract", "_fn", "_input_where", "_model", "_name", "_output_where", "_state")

    def __init__(self, fn: Callable[..., Any], contract: Contract, state: Shapes, name: str, model: Any):
        self._fn = fn
        self._contract = contract
        self._state = state
        self._name = name
        self._model = model
        self.__wrapped__ = fn
        # built once: the hot path formats no strings unless a check fails
        self._input_where = f"input{{path}} of {name}"
        self._output_where = f"output{{path}} of {name}"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        contract = self._contract
        state = self._state
        if state is not RUNNING.state:  # made in another test (or this test's first call): record where it runs
            state = RUNNING.current(state)
        shape_of = state.shape_of
        bindings: dict[str, Any] | None = {} if contract.needs_bindings else None
        x = args[0] if args else _first_input(kwargs)
        # a CallRecord holds the actual shapes whether or not a spec checked them
        spec = contract.input
        if spec is not None:
            try:
                in_shapes = _fast_check(spec, x, bindings, shape_of)
                if in_shapes is None:
                    in_shapes = check(spec, x, self._input_where, bindings, shape_of)
            except ShapeMismatch as mismatch:
                self._violated(state, mismatch.diagnosis, shapes_of(x, shape_of), None)
                if contract.input_raises is None:
                    raise
                raise diagnosed(mismatch.diagnosis, contract.input_raises()) from None
        else:
            in_shapes = shapes_of(x, shape_of)
        try:
            result = self._fn(*args, **kwargs)
        except ShapeMismatch:
            raise  # a nested wrapper already diagnosed it
        except Exception as error:
            try:
                diagnosis = state.explain(error, model=self._model, inputs=x)
            except Exception:  # our bug must never replace the user's error
                diagnosis = None
            if diagnosis is None:
                raise  # not a shape error: untouched
            state.record(CallRecord(self._name, in_shapes, None, "error", diagnosis))
            raise diagnosed(diagnosis, error) from error
        try:
            spec = contract.output
            if spec is not None:
                out_shapes = _fast_check(spec, result, bindings, shape_of)
                if out_shapes is None:
                    out_shapes = check(spec, result, self._output_where, bindings, shape_of, role="output")
            else:
                out_shapes = shapes_of(result, shape_of)
            if contract.dtype is not None:
                check_dtype(contract.dtype, result, self._output_where, state.dtype_of)
        except ShapeMismatch as mismatch:
            self._violated(state, mismatch.diagnosis, in_shapes, shapes_of(result, shape_of))
            raise
        state.calls.append(CallRecord(self._name, in_shapes, out_shapes, "passed"))
        state.wrapped_calls += 1
        return result

    def _violated(self, state: Shapes, diagnosis: Diagnosis, in_shapes: Any, out_shapes: Any) -> None:
        """Record a broken contract; for a Keras model, show how each layer would see the input."""
        if in_shapes is not None and is_keras_model(self._model):
            attach_trace(diagnosis, self._model, in_shapes)
        state.record(CallRecord(self._name, in_shapes, out_shapes, "violated", diagnosis))

    def __getattr__(self, name: str) -> Any:
        if name in _OWN_ATTRIBUTES:
            # a slot not set yet (copy.copy builds an empty wrapper first): reading self._fn
            # here would recurse forever
            raise AttributeError(name)
        return getattr(self._fn, name)

    def __setattr__(self, name: str, value: Any) -> None:
        # attributes pass through both ways: `model.trainable = False` must reach the model,
        # not fail because the wrapper has __slots__
        if name in _OWN_ATTRIBUTES:
            object.__setattr__(self, name, value)
        else:
            setattr(self._fn, name, value)

    def __repr__(self) -> str:
        return f"<shapes.wrap of {self._fn!r}>"


class CheckedModel(CheckedCall):
    """A wrapped Keras model or layer: `predict`/`predict_on_batch` are checked too."""

    __slots__ = ("_methods",)

    def __init__(self, fn: Callable[..., Any], contract: Contract, state: Shapes, name: str, model: Any):
        super().__init__(fn, contract, state, name, model)
        self._methods: dict[str, CheckedCall] = {}

    def __getattr__(self, name: str) -> Any:
        if name in CHECKED_METHODS:
            method = self._methods.get(name)
            if method is None:
                method = CheckedCall(
                    getattr(self._fn, name), self._contract, self._state, f"{self._name}.{name}()", self._model
                )
                self._methods[name] = method
            return method
        return super().__getattr__(name)


_OWN_ATTRIBUTES = frozenset(CheckedCall.__slots__) | frozenset(CheckedModel.__slots__)


def _fast_check(spec: Any, value: Any, bindings: dict[str, Any] | None, shape_of: Any) -> Any:
    """The shape of one tensor that fits a single spec, else None: `check` then does the full work."""
    if type(spec) is Spec:
        shape = shape_of(value)
        if shape is not None and spec.match(shape, bindings):
            return shape
    return None


def _first_input(kwargs: dict[str, Any]) -> Any:
    for key in ("inputs", "x"):
        if key in kwargs:
            return kwargs[key]
    return None
