"""Checked calls: `shapes.wrap(fn)` returns one of these."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pytest_shapes.adapters import BY_TYPE, READ_SHAPE
from pytest_shapes.adapters import shape_of as builtin_shape_of
from pytest_shapes.checker import check, check_dtype, shapes_of
from pytest_shapes.diagnosis import CallRecord, Diagnosis, ShapeMismatch, diagnosed
from pytest_shapes.explainers.context import is_keras_model
from pytest_shapes.keys import RUNNING
from pytest_shapes.pipeline import DATA_METHODS, as_pipeline_fix, model_data
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

    __slots__ = (
        "__wrapped__",
        "_contract",
        "_fast",
        "_fn",
        "_input_where",
        "_last_passed",
        "_model",
        "_name",
        "_output_where",
        "_state",
    )
    _fn: Callable[..., Any]
    _contract: Contract
    _state: Shapes
    _name: str
    _model: Any
    _input_where: str
    _output_where: str
    _last_passed: CallRecord | None
    # (state, NumPy array type, fn, last passing record) once input and output were plain arrays
    # (the type is Any: a `type(x) is` test must not narrow x for mypy)
    _fast: tuple[Shapes, Any, Callable[..., Any], CallRecord] | None

    def __init__(self, fn: Callable[..., Any], contract: Contract, state: Shapes, name: str, model: Any):
        own = object.__setattr__  # straight into the slots, past the pass-through __setattr__ below
        own(self, "_fn", fn)
        own(self, "_contract", contract)
        own(self, "_state", state)
        own(self, "_name", name)
        own(self, "_model", model)
        own(self, "__wrapped__", fn)
        # built once: the hot path formats no strings unless a check fails
        own(self, "_input_where", f"input{{path}} of {name}")
        own(self, "_output_where", f"output{{path}} of {name}")
        own(self, "_last_passed", None)  # the CallRecord of the last call that passed
        own(self, "_fast", None)  # see __call__

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        # The record of the last call that passed: a call with the same shapes passes too (named dims
        # bind within one call), so a model called on same-sized batches is checked once and each
        # such call records that same (immutable) record. For NumPy arrays under the built-in adapter
        # that comparison is all a call costs. One attribute read: a class with __getattr__ makes each
        # attribute read of its instances several times slower.
        fast = self._fast
        if fast is not None and args:
            own, plain, fn, record = fast
            x = args[0]
            if own is RUNNING.state and type(x) is plain and x.shape == record.input_shapes:
                try:
                    result = fn(*args, **kwargs)
                except ShapeMismatch:
                    raise  # a nested wrapper already diagnosed it
                except Exception as error:
                    diagnosis = self._explained(own, error, x, record.input_shapes)
                    if diagnosis is None:
                        raise  # not a shape error: untouched
                    raise diagnosed(diagnosis, error) from error
                if type(result) is plain and result.shape == record.output_shapes:
                    own.calls.append(record)
                    return result
                return self._checked_output(own, result, x, record.input_shapes, True, None, record)
        state = self._state
        last = self._last_passed
        if state is not RUNNING.state:  # made in another test (or this test's first call): record where it runs
            state = RUNNING.current(state)
        shape_of = state.shape_of
        contract = self._contract
        x = args[0] if args else _first_input(kwargs)
        input_known = False  # fits as the last call's input did: its names are bound only if needed
        bindings: dict[str, Any] | None = None
        spec = contract.input
        if spec is None:
            in_shapes = shapes_of(x, shape_of)  # a CallRecord holds the actual shapes, checked or not
        else:
            in_shapes = shape_of(x) if type(spec) is Spec else None
            input_known = last is not None and in_shapes is not None and in_shapes == last.input_shapes
            if not input_known:
                bindings = {} if contract.needs_bindings else None
                try:
                    if in_shapes is None or not spec.match(in_shapes, bindings):  # type: ignore[union-attr]  # a Spec
                        in_shapes = check(spec, x, self._input_where, bindings, shape_of)
                except ShapeMismatch as mismatch:
                    self._violated(state, mismatch.diagnosis, shapes_of(x, shape_of), None)
                    if contract.input_raises is None:
                        raise
                    raise self._broken_input(mismatch.diagnosis) from None
        if last is not None and in_shapes != last.input_shapes:
            last = None
        result = self._explained_call(state, x, in_shapes, args, kwargs)
        return self._checked_output(state, result, x, in_shapes, input_known, bindings, last)

    def _explained_call(self, state: Shapes, x: Any, in_shapes: Any, args: Any, kwargs: Any) -> Any:
        """The wrapped call; a shape error from it raised as its diagnosis, any other error untouched.

        (The fast path in __call__ spells this out: one function call less per repeated call.)
        """
        __tracebackhide__ = True
        try:
            return self._fn(*args, **kwargs)
        except ShapeMismatch:
            raise  # a nested wrapper already diagnosed it
        except Exception as error:
            diagnosis = self._explained(state, error, x, in_shapes)
            if diagnosis is None:
                raise  # not a shape error: untouched
            raise diagnosed(diagnosis, error) from error

    def _explained(self, state: Shapes, error: Exception, x: Any, in_shapes: Any) -> Diagnosis | None:
        """The diagnosis of an error the wrapped call raised, recorded; None for errors that are not about shapes."""
        try:
            diagnosis = state.explain(error, model=self._model, inputs=x)
        except Exception:  # our bug must never replace the user's error
            diagnosis = None
        if diagnosis is not None:
            state.record(CallRecord(self._name, in_shapes, None, "error", diagnosis))
        return diagnosis

    def _checked_output(
        self,
        state: Shapes,
        result: Any,
        x: Any,
        in_shapes: Any,
        input_known: bool,
        bindings: dict[str, Any] | None,
        last: CallRecord | None,
    ) -> Any:
        """Check the call's result, record the call, return the result."""
        __tracebackhide__ = True
        shape_of = state.shape_of
        contract = self._contract
        try:
            spec = contract.output
            if spec is None:
                out_shapes = shapes_of(result, shape_of)
            else:
                out_shapes = shape_of(result) if type(spec) is Spec else None
                if last is None or out_shapes is None or out_shapes != last.output_shapes:
                    if bindings is None and contract.needs_bindings:
                        bindings = {}
                        if input_known:  # the input was not matched: bind its names now
                            contract.input.match(in_shapes, bindings)  # type: ignore[union-attr]
                    if out_shapes is None or not spec.match(out_shapes, bindings):  # type: ignore[union-attr]  # a Spec
                        out_shapes = check(spec, result, self._output_where, bindings, shape_of, role="output")
            if contract.dtype is not None:
                check_dtype(contract.dtype, result, self._output_where, state.dtype_of)
        except ShapeMismatch as mismatch:
            self._violated(state, mismatch.diagnosis, in_shapes, shapes_of(result, shape_of))
            raise
        if last is None or out_shapes != last.output_shapes:
            last = self._last_passed = CallRecord(self._name, in_shapes, out_shapes, "passed")
            # the next call may take the fast path when input and output are NumPy arrays read by the
            # built-in adapter and only shapes are checked (a dtype contract reads more than the shape)
            plain = type(x) if shape_of is builtin_shape_of and BY_TYPE.get(type(x)) is READ_SHAPE else None
            if plain is not type(result) or contract.dtype is not None or not _plain_specs(contract):
                plain = None
            fast = (state, plain, self._fn, last) if plain is not None and state is self._state else None
            object.__setattr__(self, "_fast", fast)
        state.calls.append(last)
        return result

    def _broken_input(self, diagnosis: Diagnosis) -> ShapeMismatch:
        """The error for input that breaks the contract: catchable as what the wrapped object raises for it."""
        raises = self._contract.input_raises
        return ShapeMismatch(diagnosis) if raises is None else diagnosed(diagnosis, raises())

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


class CheckedData(CheckedCall):
    """A wrapped model's `fit`/`evaluate`/...: the data is checked against the input contract once, before
    training (a dataset through its element spec); a shape error from inside is explained."""

    __slots__ = ("_method",)

    def __init__(self, fn: Callable[..., Any], contract: Contract, state: Shapes, name: str, model: Any, method: str):
        super().__init__(fn, contract, state, name, model)
        object.__setattr__(self, "_method", method)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        state = self._state if self._state is RUNNING.state else RUNNING.current(self._state)
        spec = self._contract.input
        in_shapes = None
        for role, value, from_dataset in model_data(self._method, args, kwargs):
            where = f"{role}{{path}} of {self._name}" + (", a dataset's elements" if from_dataset else "")
            if spec is None:
                shapes = shapes_of(value, state.shape_of)
            else:
                try:  # each value binds its own names: x and validation_data have their own sample counts
                    shapes = check(spec, value, where, {}, state.shape_of)
                except ShapeMismatch as mismatch:
                    diagnosis = as_pipeline_fix(mismatch.diagnosis) if from_dataset else mismatch.diagnosis
                    self._violated(state, diagnosis, shapes_of(value, state.shape_of), None)
                    raise self._broken_input(diagnosis) from None
            if role == "x":
                in_shapes = shapes
        result = self._explained_call(state, args[0] if args else kwargs.get("x"), in_shapes, args, kwargs)
        state.calls.append(CallRecord(self._name, in_shapes, None, "passed"))
        return result


class CheckedModel(CheckedCall):
    """A wrapped Keras model or layer: `predict`/`predict_on_batch` are checked too, and the data `fit` gets."""

    __slots__ = ("_methods",)

    def __init__(self, fn: Callable[..., Any], contract: Contract, state: Shapes, name: str, model: Any):
        super().__init__(fn, contract, state, name, model)
        self._methods: dict[str, CheckedCall] = {}

    def __getattr__(self, name: str) -> Any:
        if name in CHECKED_METHODS or name in DATA_METHODS:
            method = self._methods.get(name)
            if method is None:
                fn, label = getattr(self._fn, name), f"{self._name}.{name}()"
                if name in DATA_METHODS:
                    method = CheckedData(fn, self._contract, self._state, label, self._model, name)
                else:
                    method = CheckedCall(fn, self._contract, self._state, label, self._model)
                self._methods[name] = method
            return method
        return super().__getattr__(name)


_OWN_ATTRIBUTES = frozenset(name for cls in (CheckedCall, CheckedModel, CheckedData) for name in cls.__slots__)


def _plain_specs(contract: Contract) -> bool:
    """Specs that a shape tuple is matched against directly (no structure), or none."""
    return all(spec is None or type(spec) is Spec for spec in (contract.input, contract.output))


def _first_input(kwargs: dict[str, Any]) -> Any:
    for key in ("inputs", "x"):
        if key in kwargs:
            return kwargs[key]
    return None
