"""The passes of one `shapes.verify` and the verdict on what they saw."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, NoReturn

from pytest_shapes.adapters.symbolic import can_trace, plan_shapes, symbolic_call, verified_copy, zeros_call
from pytest_shapes.checker import check, check_dtype
from pytest_shapes.diagnosis import CallRecord, Diagnosis, ShapeMismatch, diagnosed
from pytest_shapes.explainers.context import is_keras_model
from pytest_shapes.spec import AnySpec, SpecError, format_shape
from pytest_shapes.trace import attach_trace
from pytest_shapes.verify.observations import (
    Observation,
    at_sizes,
    carried_shape,
    carriers,
    flat_shapes,
    outputs_text,
    record_outputs,
)
from pytest_shapes.verify.plan import DEFAULT_SIZE, Plan, leaves, spec_paths
from pytest_shapes.verify.rules import (
    GENERIC_HINT,
    TRACE_TIME_HINT,
    hard_coded,
    hard_coded_hint,
    inconclusive,
    inconsistent,
)

if TYPE_CHECKING:
    from pytest_shapes.fixture import Shapes

PROBE_SIZES = (1, 2)  # the batch sizes a symbolic-only verify infers shapes at


class Verifier:
    def __init__(self, state: Shapes, fn: Any, name: str, plan: Plan, output_spec: AnySpec | None, dtype: str | None):
        self.state = state
        self.fn = fn
        self.name = name
        self.plan = plan
        self.output_spec = output_spec
        self.dtype = dtype
        self.record_name = f"shapes.verify({name})"  # in shapes.calls and the JSON report
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
        seen.outputs = flat_shapes(seen.result, self.state.shape_of)
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
        if traced and (not batch_sizes or inconclusive(symbolic)):
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
        found = inconsistent(self.name, symbolic if symbolic in ok else None, sized_ok)
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
        self.state.calls.append(CallRecord(self.record_name, first.inputs, record_outputs(first), "passed"))

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
            sizes = at_sizes([seen.batch for seen in known])
            self.fail(
                Diagnosis(
                    "batch-dependent",
                    f"{self.name} cannot be traced with an unknown batch size ({type(error).__name__}), though "
                    f"it traces {sizes}: a batch size is read at trace time",
                    hint=TRACE_TIME_HINT,
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
        sizes = at_sizes([seen.batch for seen in good])
        self.fail(
            Diagnosis(
                "batch-dependent",
                f"{self.name} fails {bad.where} but runs {sizes}: {diagnosis.headline}",
                hint=diagnosis.hint or GENERIC_HINT,
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
                    tried = at_sizes([seen.batch for seen in failed])
                    self.fail(
                        Diagnosis(
                            "batch-dependent",
                            f"{self.name} runs only at batch size {size}: it fails {tried} "
                            f"(traced with an unknown batch size its output is "
                            f"{outputs_text(symbolic)}: the batch size {size} is hard-coded)",
                            hint=hard_coded(size),
                            expected=f"any batch size ({size} among them)",
                            actual=f"only {size}",
                        ),
                        failed[0],
                        failed[0].error,
                    )
        self.raise_error(failed[0])

    def check_contract(self, ok: list[Observation]) -> None:
        __tracebackhide__ = True
        # the passes at known batch sizes decide; the unknown-batch trace only where none ran: an
        # output that keeps one shape at every size breaks the contract, it does not depend on the size
        symbolic = next((seen for seen in ok if seen.batch is None), None)
        pool = [seen for seen in ok if seen.batch is not None] or ok
        violations = [(seen, found) for seen in pool if (found := self.violation(seen)) is not None]
        if not violations:
            return
        seen, diagnosis = violations[0]
        if len(violations) < len(pool) and diagnosis.kind != "batch-dependent":
            bad = [other for other, _ in violations]
            fits = next(other for other in pool if all(other is not wrong for wrong in bad))
            diagnosis = Diagnosis(
                "batch-dependent",
                f"{diagnosis.message} {at_sizes([other.batch for other in bad])}, though it fits {fits.where}",
                hint=hard_coded_hint(bad) or GENERIC_HINT,
                expected=diagnosis.expected,
                actual=diagnosis.actual,
            )
        else:  # broken at every size: shown as the model declares it, with the unknown batch, where alike
            traced = self.violation(symbolic) if symbolic is not None and symbolic is not seen else None
            if traced is not None and traced.kind == diagnosis.kind:
                seen, diagnosis = symbolic, traced  # type: ignore[assignment]
            if is_keras_model(self.fn):
                attach_trace(diagnosis, self.fn, seen.inputs)
        self.fail(diagnosis, seen, None)

    def violation(self, seen: Observation) -> Diagnosis | None:
        """The output contract's verdict on one observation (named dims bound by the input)."""
        where = f"output{{path}} of {self.name}"
        try:
            if self.output_spec is not None:
                bindings: dict[str, Any] = {}
                check(self.plan.spec, carriers(seen.inputs), "input", bindings, carried_shape)
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
        input_names = {name for leaf in leaves(self.plan.spec) for _, name in leaf.named}
        assert self.output_spec is not None
        specs = dict(spec_paths(self.output_spec))
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
                            # a constant in a reshape, or a size read while tracing: both fixes
                            hint=f"{hard_coded(size)}; or read it at run time, tf.shape(x)[0], not x.shape[0]"
                            if batch
                            else f"derive '{name}' from the input at run time",
                            expected=repr(spec),
                            actual=format_shape(shape),
                            axis=index,
                        )
                    )

    def explain(self, seen: Observation) -> Diagnosis | None:
        assert seen.error is not None
        try:
            return self.state.explain(seen.error, model=self.fn, inputs=carriers(seen.inputs))
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
        self.state.record(CallRecord(self.record_name, seen.inputs, record_outputs(seen), outcome, diagnosis))
        if error is None:
            raise ShapeMismatch(diagnosis)
        raise diagnosed(diagnosis, error) from error


def _note(error: BaseException, text: str) -> None:
    add_note = getattr(error, "add_note", None)  # Python 3.11+
    if add_note is not None:
        with contextlib.suppress(Exception):  # an exception that refuses notes keeps its own text
            add_note(text)
