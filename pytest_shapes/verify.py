"""`shapes.verify`: a model's shape contract checked without data, at every batch size.

It observes the model: symbolically (the framework's own shape inference, the batch size unknown)
and on zeros at each batch size, then compares what it saw. A model whose output shape depends on
the batch size other than along the batch axis (a squeeze without axis, a hard-coded batch size, a
batch size read at trace time) is `batch-dependent`: the facts say so, and which sizes differ.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from itertools import pairwise
from typing import TYPE_CHECKING, Any, NoReturn

from pytest_shapes.adapters.models import declared_dtypes
from pytest_shapes.adapters.symbolic import (
    Shaped,
    TensorPlan,
    can_trace,
    plan_shapes,
    symbolic_call,
    verified_copy,
    zeros_call,
)
from pytest_shapes.checker import check, check_dtype
from pytest_shapes.diagnosis import CallRecord, Diagnosis, ShapeMismatch, diagnosed
from pytest_shapes.explainers.context import is_keras_model
from pytest_shapes.spec import VARIADIC, AnySpec, Named, NamedVariadic, Spec, SpecError, StructSpec, format_shape
from pytest_shapes.trace import attach_trace

if TYPE_CHECKING:
    from pytest_shapes.fixture import Shapes

DEFAULT_SIZE = 32  # an unknown size other than the batch, in the calls on zeros (`sizes=` sets others)
PROBE_SIZES = (1, 2)  # the batch sizes a symbolic-only verify infers shapes at
_GENERIC_HINT = (
    "keep the batch axis out of fixed sizes: tf.reshape(x, (-1, ...)) with -1 for the batch, "
    "keras.layers.Reshape(per-sample shape); read the batch size at run time with tf.shape(x)[0]"
)
_TRACE_TIME_HINT = (
    "read sizes at run time, tf.shape(x)[0] (keras.ops.shape(x)[0]), not x.shape[0] or a constant: "
    "tracing fixes those in the graph"
)
_SQUEEZE_HINT = (
    "give the squeeze its axis, e.g. tf.squeeze(x, axis=-1) or keras.ops.squeeze(x, axis=-1): "
    "without one it also drops the batch axis at batch size 1"
)


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


class Plan:
    """The inputs to make at each batch size, from the input spec."""

    def __init__(self, spec: AnySpec, dtypes: Any, sizes: Mapping[str, int]):
        self.spec = spec
        self.dtypes = dtypes
        self.sizes = sizes
        self.batch_names = _batch_names(spec)
        self.has_batch = _has_batch_axis(spec, self.batch_names)
        self.defaulted: set[str] = set()  # the dims the calls on zeros gave DEFAULT_SIZE, for messages

    def inputs(self, batch: int | None, concrete: bool) -> Any:
        return self._plan(self.spec, self.dtypes, batch, concrete)

    def _plan(self, spec: AnySpec, dtypes: Any, batch: int | None, concrete: bool) -> Any:
        if isinstance(spec, StructSpec):
            items = spec.items
            if isinstance(items, Mapping):
                return {key: self._plan(item, _part(dtypes, key), batch, concrete) for key, item in items.items()}
            return [self._plan(item, _part(dtypes, i), batch, concrete) for i, item in enumerate(items)]
        dims: list[int | None] = []
        for axis, dim in enumerate(spec.dims):
            if isinstance(dim, int):
                dims.append(dim)
            elif (axis == 0 and dim is None) or (isinstance(dim, Named) and dim in self.batch_names):
                dims.append(batch)
            elif not concrete:
                dims.append(None)  # named dims and `None` stay unknown in the symbolic pass
            elif isinstance(dim, Named) and str(dim) in self.sizes:
                dims.append(self.sizes[str(dim)])
            else:
                self.defaulted.add(repr(dim) if isinstance(dim, Named) else f"axis {axis}")
                dims.append(DEFAULT_SIZE)
        return TensorPlan(tuple(dims), dtypes if isinstance(dtypes, str) else "float32")


def _part(dtypes: Any, key: Any) -> Any:
    try:
        return dtypes[key] if not isinstance(dtypes, str) else dtypes
    except (KeyError, IndexError, TypeError):
        return "float32"


def _leaves(spec: AnySpec) -> list[Spec]:
    return [leaf for _, leaf in _paths(spec)]


def _paths(spec: AnySpec, path: str = "") -> list[tuple[str, Spec]]:
    """Each Spec in a structure with its path, written as in messages ("[0]", "['image']")."""
    if isinstance(spec, Spec):
        return [(path, spec)]
    items = spec.items
    pairs = items.items() if isinstance(items, Mapping) else enumerate(items)
    return [leaf for key, item in pairs for leaf in _paths(item, f"{path}[{key!r}]")]


def _batch_names(spec: AnySpec) -> set[str]:
    """The names of the batch axis: "batch" wherever it is written, else each input's leading name."""
    leaves = _leaves(spec)
    if any("batch" in leaf.dims for leaf in leaves):
        return {"batch"}
    return {str(leaf.dims[0]) for leaf in leaves if leaf.dims and isinstance(leaf.dims[0], Named)}


def _has_batch_axis(spec: AnySpec, names: set[str]) -> bool:
    return any(
        (leaf.dims and leaf.dims[0] is None) or any(isinstance(dim, Named) and dim in names for dim in leaf.dims)
        for leaf in _leaves(spec)
    )


def verify(
    state: Shapes,
    fn: Any,
    name: str,
    input_spec: AnySpec | None,
    output_spec: AnySpec | None,
    dtype: str | None,
    batch_sizes: Any,
    sizes: Any,
) -> None:
    __tracebackhide__ = True
    sizes_checked = _batch_sizes(batch_sizes)
    named_sizes = _sizes(sizes)
    if input_spec is None:
        raise SpecError(
            f"shapes.verify({name}): no input spec; give input=(None, 64) (or the marker's input=), "
            "or declare the model's input with keras.Input(shape=...)"
        )
    input_spec = _without_variadics(input_spec, state, fn, name)
    plan = Plan(input_spec, declared_dtypes(fn), named_sizes)
    verifier = Verifier(state, fn, name, plan, output_spec, dtype)
    verifier.run(sizes_checked if plan.has_batch else sizes_checked[:1])


class Verifier:
    def __init__(self, state: Shapes, fn: Any, name: str, plan: Plan, output_spec: AnySpec | None, dtype: str | None):
        self.state = state
        self.fn = fn
        self.name = name
        self.plan = plan
        self.output_spec = output_spec
        self.dtype = dtype
        self.called = verified_copy(fn)  # what the passes call
        self.checked = False  # the unknown-batch trace passed Keras' input checks

    def observe(self, batch: int | None, concrete: bool) -> Observation:
        inputs = self.plan.inputs(batch, concrete)
        seen = Observation(batch, concrete, plan_shapes(inputs))
        try:
            if concrete:
                seen.result = zeros_call(self.called, inputs)
            else:
                seen.result = symbolic_call(self.called, inputs, checked=self.checked)
        except ShapeMismatch:
            raise  # a nested wrapper's own diagnosis
        except Exception as error:
            seen.error = error
            return seen
        seen.outputs = _flat_shapes(seen.result, self.state.shape_of)
        return seen

    def run(self, batch_sizes: tuple[int, ...]) -> None:
        __tracebackhide__ = True
        traced = can_trace(self.fn)
        if not traced and not batch_sizes:
            raise SpecError(
                f"shapes.verify({self.name}, batch_sizes=()): a plain function has no symbolic pass without "
                "TensorFlow; give batch_sizes to call it on zeros"
            )
        symbolic = self.observe(None, False) if traced else None
        self.checked = symbolic is not None and symbolic.error is None
        probes: list[Observation] = []
        if traced and (not batch_sizes or _inconclusive(symbolic)):
            # before any call on data: that builds an unbuilt model, and the traces would see it built
            probes = [self.observe(size, False) for size in batch_sizes or PROBE_SIZES]
        concrete = [self.observe(size, True) for size in batch_sizes]
        sized = concrete or probes
        self.conclude(symbolic, sized, probes)

    def conclude(self, symbolic: Observation | None, sized: list[Observation], probes: list[Observation]) -> None:
        __tracebackhide__ = True
        every = ([symbolic] if symbolic is not None else []) + sized
        ok = [seen for seen in every if seen.error is None]
        sized_ok = [seen for seen in sized if seen.error is None]
        first = ok[0] if ok else every[0]
        if not ok:
            self.every_pass_failed(every)
        found = _inconsistent(self.name, symbolic if symbolic in ok else None, sized_ok)
        if found is not None:
            self.fail(found, first, None)  # shown by the shapes seen: no error to chain
        if symbolic is not None and symbolic.error is not None:
            self.unknown_batch_failed(symbolic, sized_ok, probes)
        sized_failed = [seen for seen in sized if seen.error is not None]
        if sized_failed and sized_ok:
            self.some_sizes_failed(sized_failed[0], sized_ok)
        if sized_failed:
            self.every_size_failed(symbolic, sized_failed)
        self.check_contract(ok)
        self.state.calls.append(CallRecord(self.name, first.inputs, _record_outputs(first), "passed"))

    def unknown_batch_failed(
        self, symbolic: Observation, sized_ok: list[Observation], probes: list[Observation]
    ) -> None:
        """The symbolic pass failed where the batch size is unknown: at a known one (probes) too?"""
        __tracebackhide__ = True
        known = [seen for seen in probes if seen.error is None]
        error = symbolic.error
        assert error is not None
        # whoever raised it: the facts are that only the unknown batch size fails
        if known:
            sizes = _at_sizes([seen.batch for seen in known])
            self.fail(
                Diagnosis(
                    "batch-dependent",
                    f"{self.name} cannot be traced with an unknown batch size ({type(error).__name__}), though "
                    f"it traces {sizes}: a batch size is read at trace time",
                    hint=_TRACE_TIME_HINT,
                    expected="any batch size",
                    actual="known batch sizes only",
                ),
                symbolic,
                error,
            )
        if not sized_ok:
            self.raise_error(symbolic)
        # no known-batch trace either, but the model runs on data: the symbolic pass tells nothing
        diagnosis = self.explain(symbolic)
        if diagnosis is not None:
            self.fail(diagnosis, symbolic, error)

    def some_sizes_failed(self, bad: Observation, good: list[Observation]) -> None:
        __tracebackhide__ = True
        error = bad.error
        assert error is not None
        diagnosis = self.explain(bad)
        if diagnosis is None:
            self.raise_error(bad)
        sizes = _at_sizes([seen.batch for seen in good])
        self.fail(
            Diagnosis(
                "batch-dependent",
                f"{self.name} fails {bad.where} but runs {sizes}: {diagnosis.headline}",
                hint=diagnosis.hint or _GENERIC_HINT,
                expected=diagnosis.expected,
                actual=diagnosis.actual,
                layer=diagnosis.layer,
            ),
            bad,
            error,
        )

    def every_size_failed(self, symbolic: Observation | None, failed: list[Observation]) -> None:
        """Every sized pass failed: if the unknown-batch trace fixed a batch size, the model runs only there."""
        __tracebackhide__ = True
        if symbolic is not None and symbolic.error is None:
            fixed = {shape[0] for _, shape in symbolic.outputs if shape and isinstance(shape[0], int)}
            for size in sorted(fixed - {seen.batch for seen in failed}):
                if size > 0 and self.observe(size, False).error is None:
                    tried = _at_sizes([seen.batch for seen in failed])
                    self.fail(
                        Diagnosis(
                            "batch-dependent",
                            f"{self.name} runs only at batch size {size}: it fails {tried} "
                            f"(traced with an unknown batch size its output is "
                            f"{_outputs_text(symbolic)}: the batch size {size} is hard-coded)",
                            hint=_hard_coded(size),
                            expected=f"any batch size ({size} among them)",
                            actual=f"only {size}",
                        ),
                        failed[0],
                        failed[0].error,
                    )
        self.raise_error(failed[0])

    def check_contract(self, ok: list[Observation]) -> None:
        __tracebackhide__ = True
        violations: list[tuple[Observation, Diagnosis]] = []
        for seen in ok:
            diagnosis = self.violation(seen)
            if diagnosis is not None:
                violations.append((seen, diagnosis))
        if not violations:
            return
        seen, diagnosis = violations[0]
        if len(violations) < len(ok) and diagnosis.kind != "batch-dependent":
            bad = [other for other, _ in violations]
            fits = [other for other in ok if all(other is not wrong for wrong in bad)]
            where = _at_sizes([other.batch for other in bad if other.batch is not None])
            if all(other.batch is None for other in bad):
                where = "with an unknown batch size"
            fit = "when traced with an unknown batch size" if all(o.batch is None for o in fits) else fits[0].where
            diagnosis = Diagnosis(
                "batch-dependent",
                f"{diagnosis.message} {where}, though it fits {fit}",
                hint=_hard_coded_hint(bad) or _GENERIC_HINT,
                expected=diagnosis.expected,
                actual=diagnosis.actual,
            )
        elif is_keras_model(self.fn):
            attach_trace(diagnosis, self.fn, seen.inputs)
        self.fail(diagnosis, seen, None)

    def violation(self, seen: Observation) -> Diagnosis | None:
        """The output contract's verdict on one observation (named dims bound by the input)."""
        where = f"output{{path}} of {self.name}"
        try:
            if self.output_spec is not None:
                bindings: dict[str, Any] = {}
                check(self.plan.spec, _carriers(seen.inputs), "input", bindings, _carried_shape)
                if seen.batch is None:
                    self.follows_input(seen)
                check(self.output_spec, seen.result, where, bindings, self.state.shape_of, role="output")
            if self.dtype is not None:
                check_dtype(self.dtype, seen.result, where, self.state.dtype_of)
        except ShapeMismatch as mismatch:
            return mismatch.diagnosis
        return None

    def follows_input(self, seen: Observation) -> None:
        """Symbolically, an output dim named like an input dim is that same unknown size, not any size."""
        __tracebackhide__ = True
        input_names = {name for leaf in _leaves(self.plan.spec) for _, name in leaf.named}
        assert self.output_spec is not None
        specs = dict(_paths(self.output_spec))
        for path, shape in seen.outputs:
            spec = specs.get(path)
            if spec is None or shape is None or spec.rank != len(shape):
                continue
            for index, name in spec.named:
                size = shape[index]
                if name in input_names and isinstance(size, int):
                    batch = name in self.plan.batch_names
                    raise ShapeMismatch(
                        Diagnosis(
                            "batch-dependent" if batch else "binding-conflict",
                            f"output{path} of {self.name} is {format_shape(shape)} with an unknown "
                            f"{'batch size' if batch else repr(name)}: axis {index} ('{name}') is fixed at {size}, "
                            f"it does not follow the input's '{name}'",
                            hint=_TRACE_TIME_HINT if batch else f"derive '{name}' from the input at run time",
                            expected=repr(spec),
                            actual=format_shape(shape),
                            axis=index,
                        )
                    )

    def explain(self, seen: Observation) -> Diagnosis | None:
        assert seen.error is not None
        try:
            return self.state.explain(seen.error, model=self.fn, inputs=_carriers(seen.inputs))
        except Exception:  # our bug must never replace the user's error
            return None

    def every_pass_failed(self, every: list[Observation]) -> NoReturn:
        """The first shape error diagnosed (the unknown-batch trace's shows the shapes as the model
        declares them); else the error of a call on data, untouched: a trace may have wrapped the
        user's own (tf_keras' StagingError)."""
        __tracebackhide__ = True
        for seen in every:
            diagnosis = self.explain(seen)
            if diagnosis is not None:
                self.raise_error(seen, diagnosis)
        self.raise_error(next((seen for seen in every if seen.concrete), every[0]), None)

    def raise_error(self, seen: Observation, diagnosis: Diagnosis | None = None) -> NoReturn:
        """A failure the batch size does not explain: diagnosed like a wrapped call's, or untouched."""
        __tracebackhide__ = True
        error = seen.error
        assert error is not None
        diagnosis = diagnosis or self.explain(seen)
        filled = ", ".join(sorted(self.plan.defaulted)) if seen.concrete else ""
        if diagnosis is None:
            _note(
                error,
                f"raised in shapes.verify({self.name}) {seen.where}, on zeros"
                if seen.concrete
                else f"raised in shapes.verify({self.name}) tracing {seen.where}",
            )
            raise error
        if filled:  # sizes the user did not choose: say so, and how to choose them
            diagnosis.message += (
                f" (shapes.verify gave the unknown {filled} the size {DEFAULT_SIZE}: choose sizes with names "
                "in the input spec and sizes={name: size})"
            )
        self.fail(diagnosis, seen, error)

    def fail(self, diagnosis: Diagnosis, seen: Observation, error: BaseException | None) -> NoReturn:
        __tracebackhide__ = True
        outcome = "error" if error is not None and diagnosis.kind != "batch-dependent" else "violated"
        self.state.record(CallRecord(self.name, seen.inputs, _record_outputs(seen), outcome, diagnosis))
        if error is None:
            raise ShapeMismatch(diagnosis)
        raise diagnosed(diagnosis, error) from error


def _hard_coded_hint(observations: list[Observation]) -> str | None:
    """When every output's leading axis keeps one size whatever the batch size, that size is hard-coded."""
    leading = {shape[0] for seen in observations for _, shape in seen.outputs if shape}
    if len(leading) != 1 or any(seen.batch is None for seen in observations):
        return None
    (size,) = leading
    if not isinstance(size, int) or any(seen.batch == size for seen in observations):
        return None
    return _hard_coded(size)


def _hard_coded(size: int) -> str:
    return (
        f"use -1 for the batch axis, not {size}: tf.reshape(x, (-1, ...)), or keras.layers.Reshape(per-sample "
        "shape), which keeps the batch axis"
    )


def _inconclusive(seen: Observation | None) -> bool:
    return seen is not None and (seen.error is not None or any(shape is None for _, shape in seen.outputs))


def _inconsistent(name: str, symbolic: Observation | None, sized: list[Observation]) -> Diagnosis | None:
    """Outputs whose shapes change with the batch size other than along a batch axis."""
    if len(sized) >= 2 and len({len(seen.outputs) for seen in sized}) > 1:
        a, b = sized[0], next(seen for seen in sized if len(seen.outputs) != len(sized[0].outputs))
        return Diagnosis(
            "batch-dependent",
            f"{name} returns {_outputs(len(a.outputs))} {a.where} but {len(b.outputs)} {b.where}",
            hint=_GENERIC_HINT,
            expected=_outputs(len(a.outputs)),
            actual=_outputs(len(b.outputs)),
        )
    for index in range(len(sized[0].outputs) if sized else 0):
        shapes = [(seen.batch, seen.outputs[index][1]) for seen in sized if index < len(seen.outputs)]
        path = sized[0].outputs[index][0]
        found = _across_sizes(name, path, [(b, s) for b, s in shapes if s is not None])
        if found is None and symbolic is not None and index < len(symbolic.outputs):
            found = _against_symbolic(name, path, symbolic.outputs[index][1], shapes)
        if found is not None:
            return found
    return None


def _outputs(count: int) -> str:
    return f"{count} output" if count == 1 else f"{count} outputs"


def _across_sizes(name: str, path: str, shapes: list[tuple[Any, tuple[Any, ...]]]) -> Diagnosis | None:
    for (b1, s1), (b2, s2) in pairwise(shapes):
        if len(s1) != len(s2):
            (b_low, _), (b_high, high) = sorted(((b1, s1), (b2, s2)), key=lambda pair: len(pair[1]))
            lost = "the batch axis is" if high and high[0] == b_high else "an axis is"
            return _differs(name, path, (b1, s1), (b2, s2), f"{lost} lost at batch size {b_low}", squeeze=b_low == 1)
        for axis, (d1, d2) in enumerate(zip(s1, s2, strict=True)):
            if d1 == d2 or None in (d1, d2) or _proportional(d1, b1, d2, b2):
                continue
            wrong = b1 if s1[0] != b1 and s2[0] == b2 else b2 if s2[0] != b2 and s1[0] == b1 else None
            why = (
                f"the batch axis is lost at batch size {wrong}"
                if wrong is not None
                else f"axis {axis} changes with the batch size, but not as a batch axis does"
            )
            return _differs(name, path, (b1, s1), (b2, s2), why, squeeze=False)
    return None


def _proportional(d1: Any, b1: Any, d2: Any, b2: Any) -> bool:
    """Sizes that follow the batch size (b, or k*b as after folding another axis into the batch)."""
    return isinstance(d1, int) and isinstance(d2, int) and b1 and b2 and d1 * b2 == d2 * b1 and d1 % b1 == 0


def _against_symbolic(
    name: str, path: str, traced: tuple[Any, ...] | None, shapes: list[tuple[Any, Any]]
) -> Diagnosis | None:
    """The unknown-batch trace against the shapes at known sizes: a size fixed while tracing shows here."""
    if traced is None:
        return None
    for batch, shape in shapes:
        if shape is None:
            continue
        if len(shape) != len(traced):
            why = "the batch axis is lost at batch size 1" if batch == 1 and len(shape) < len(traced) else ""
            return _differs(
                name,
                path,
                (None, traced),
                (batch, shape),
                why or "its rank depends on the batch size",
                squeeze=batch == 1 and len(shape) < len(traced),
            )
        for axis, (fixed, size) in enumerate(zip(traced, shape, strict=True)):
            if isinstance(fixed, int) and size is not None and fixed != size:
                return Diagnosis(
                    "batch-dependent",
                    f"output{path} of {name} is {format_shape(traced)} when traced with an unknown batch size "
                    f"but {format_shape(shape)} at batch size {batch}: axis {axis} was fixed at {fixed} while tracing",
                    hint=_TRACE_TIME_HINT,
                    expected=format_shape(shape),
                    actual=format_shape(traced),
                    axis=axis,
                )
    return None


def _differs(
    name: str, path: str, first: tuple[Any, Any], second: tuple[Any, Any], why: str, *, squeeze: bool
) -> Diagnosis:
    (b1, s1), (b2, s2) = first, second
    at1 = "with an unknown batch size" if b1 is None else f"at batch size {b1}"
    return Diagnosis(
        "batch-dependent",
        f"output{path} of {name} is {format_shape(s1)} {at1} but {format_shape(s2)} at batch size {b2}: {why}",
        hint=_SQUEEZE_HINT if squeeze else _GENERIC_HINT,
        expected=format_shape(s1),
        actual=format_shape(s2),
    )


def _at_sizes(sizes: Iterable[Any]) -> str:
    """Says "at batch size 1", or "at batch sizes 1 and 3"."""
    values = [str(size) for size in sizes]
    if len(values) == 1:
        return f"at batch size {values[0]}"
    return "at batch sizes " + ", ".join(values[:-1]) + " and " + values[-1]


def _outputs_text(seen: Observation) -> str:
    return ", ".join(format_shape(shape) for _, shape in seen.outputs) or "nothing"


def _record_outputs(seen: Observation) -> Any:
    if seen.error is not None or not seen.outputs:
        return None
    if len(seen.outputs) == 1 and not seen.outputs[0][0]:
        return seen.outputs[0][1]
    return [shape for _, shape in seen.outputs]


def _flat_shapes(result: Any, shape_of: Callable[[Any], Any], path: str = "") -> list[tuple[str, Any]]:
    """(path, shape) of each tensor in the outputs, in order; None for a shape of unknown rank."""
    if isinstance(result, Mapping):
        return [pair for key, item in result.items() for pair in _flat_shapes(item, shape_of, f"{path}[{key!r}]")]
    if isinstance(result, list | tuple) and shape_of(result) is None:
        return [pair for i, item in enumerate(result) for pair in _flat_shapes(item, shape_of, f"{path}[{i}]")]
    return [(path, shape_of(result))]


def _carriers(shapes: Any) -> Any:
    """Input shapes where values are expected (to bind the input's named dims, to explain errors)."""
    if isinstance(shapes, tuple):
        return Shaped(shapes)
    if isinstance(shapes, Mapping):
        return {key: _carriers(item) for key, item in shapes.items()}
    return [_carriers(item) for item in shapes]


def _carried_shape(value: Any) -> Any:
    return value.shape if isinstance(value, Shaped) else None


def _note(error: BaseException, text: str) -> None:
    add_note = getattr(error, "add_note", None)  # Python 3.11+
    if add_note is not None:
        with contextlib.suppress(Exception):  # an exception that refuses notes keeps its own text
            add_note(text)


def _batch_sizes(batch_sizes: Any) -> tuple[int, ...]:
    __tracebackhide__ = True
    try:
        sizes = tuple(batch_sizes)
    except TypeError:
        kind = type(batch_sizes).__name__
        raise TypeError(f"batch_sizes must be a tuple of batch sizes such as (1, 3), got {kind}") from None
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"batch_sizes must hold integers >= 1, got {size!r} in {sizes!r}")
    return tuple(dict.fromkeys(sizes))


def _sizes(sizes: Any) -> dict[str, int]:
    __tracebackhide__ = True
    if sizes is None:
        return {}
    if not isinstance(sizes, Mapping):
        raise TypeError(f"sizes must be a dict of dim name -> size such as {{'time': 7}}, got {type(sizes).__name__}")
    for key, size in sizes.items():
        if not isinstance(key, str) or isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError(f"sizes must map dim names to integers >= 0, got {key!r}: {size!r}")
    return dict(sizes)


def _without_variadics(spec: AnySpec, state: Shapes, fn: Any, name: str) -> AnySpec:
    """A spec with '...' gets its axes from the model's declared input; verify needs every axis."""
    __tracebackhide__ = True
    if not any(leaf.variadic_at is not None for leaf in _leaves(spec)):
        return spec
    from pytest_shapes.spec import model_declared, parse

    declared_raw = state._expected_input(fn)
    declared = model_declared(parse(declared_raw)) if declared_raw is not None else None
    if isinstance(spec, Spec) and isinstance(declared, Spec) and (declared.rank or 0) >= spec.min_rank:
        at = spec.variadic_at
        assert at is not None and declared.rank is not None
        middle = declared.dims[at : at + declared.rank - spec.min_rank]
        return Spec((*spec.dims[:at], *middle, *spec.dims[at + 1 :]))
    bad = next(leaf for leaf in _leaves(spec) if leaf.variadic_at is not None)
    variadic = bad.dims[bad.variadic_at]  # type: ignore[index]
    written = "..." if variadic is VARIADIC else f"*{variadic}" if isinstance(variadic, NamedVariadic) else "..."
    raise SpecError(
        f"shapes.verify({name}): the input spec {bad!r} has '{written}', and verify makes inputs of every axis; "
        "write each axis (None or a name for an unknown size)"
    )
