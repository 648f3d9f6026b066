"""`Shapes`: the object behind the `shapes` fixture, one per test."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from pytest_shapes import adapters
from pytest_shapes.adapters.datasets import element_of
from pytest_shapes.adapters.models import expected_input as declared_input
from pytest_shapes.checker import check, shapes_of
from pytest_shapes.diagnosis import CallRecord, Diagnosis, ShapeMismatch
from pytest_shapes.explainers import diagnosing
from pytest_shapes.explainers.context import is_keras_object
from pytest_shapes.keys import RUNNING
from pytest_shapes.marker import MarkerContract, dtype_name
from pytest_shapes.pipeline import as_pipeline_fix
from pytest_shapes.spec import AnySpec, model_declared, parse
from pytest_shapes.wrap import CHECKED_METHODS, CheckedCall, CheckedModel, Contract

Explain = Callable[..., "Diagnosis | None"]


class Shapes:
    """Wrap calls, check values, and explain shape errors within one test.

    `calls` lists a CallRecord for every wrapped call and every `check`.
    """

    def __init__(
        self,
        *,
        contract: MarkerContract | None = None,
        shape_of: Callable[[Any], Any],
        dtype_of: Callable[[Any], Any],
        explain: Explain,
        expected_input: Callable[[Any], Any],
        hook_crashes: list[str] | None = None,
    ):
        self.calls: list[CallRecord] = []
        self.failed: list[CallRecord] = []  # of `calls`, those that did not pass (each has a diagnosis)
        self.diagnosed: list[Diagnosis] = []  # errors explained in `shapes.diagnose()` blocks: no contract
        self.contract = contract
        self.shape_of = shape_of
        self.dtype_of = dtype_of
        self._explain = explain
        self._expected_input = expected_input
        self._check_bindings: dict[str, Any] = {}
        self._bindings_lock = threading.Lock()
        self._checks = 0  # of `calls`, those made by `check`; the others went through wrappers
        self.hook_crashes = hook_crashes if hook_crashes is not None else []  # see hook_guard

    def wrap(
        self,
        fn: Callable[..., Any],
        *,
        input: Any = None,
        output: Any = None,
        dtype: Any = None,
        name: str | None = None,
    ) -> Any:
        """Return `fn` with shape checks around every call (and `predict` for Keras models)."""
        if not callable(fn):
            raise TypeError(f"shapes.wrap() needs a callable (a model, layer or function), got {type(fn).__name__}")
        input_spec, declared, output_spec, dtype = self._contract_for(fn, input, output, dtype)
        # Keras checks its declared input itself and raises ValueError: so does the wrapper
        input_raises = ValueError if declared and is_keras_object(fn) else None
        contract = Contract(input_spec, output_spec, dtype, input_raises)
        label = name or _name_of(fn)
        is_model = all(hasattr(fn, method) for method in CHECKED_METHODS)
        return (CheckedModel if is_model else CheckedCall)(fn, contract, self, label, fn)

    def check(self, value: Any, spec: Any, *, name: str | None = None) -> None:
        """Assert that `value` (or a structure of values) fits `spec`.

        Named dims bind across all `check` calls of this test. A `tf.data.Dataset` is checked
        through its `element_spec`, never iterated.
        """
        __tracebackhide__ = True
        label = name or "value"
        parsed = parse(spec)
        element = element_of(value)
        if element is not None:
            value, label = element, f"elements{{path}} of {name or 'the dataset'}"
        # one check binds at a time: a size bound in one thread is seen by the others
        with self._bindings_lock:
            # bind into a copy: a failed check (caught by pytest.raises) must not leave
            # half-made bindings that break the test's later checks
            bindings = dict(self._check_bindings)
            try:
                shapes = check(parsed, value, label, bindings, self.shape_of)
            except ShapeMismatch as mismatch:
                self._checks += 1
                diagnosis = as_pipeline_fix(mismatch.diagnosis) if element is not None else mismatch.diagnosis
                self.record(CallRecord(label, None, shapes_of(value, self.shape_of), "violated", diagnosis))
                if element is not None:
                    raise ShapeMismatch(diagnosis) from None
                raise
            self._check_bindings = bindings
            self._checks += 1
            self.calls.append(CallRecord(label, None, shapes, "passed"))

    def verify(
        self,
        model: Any,
        *,
        input: Any = None,
        output: Any = None,
        dtype: Any = None,
        batch_sizes: Any = (1, 3),
        name: str | None = None,
        sizes: Any = None,
    ) -> None:
        """Check `model`'s contract without data: symbolically, then on zeros at each batch size.

        Outputs whose shape changes with the batch size other than along the batch axis fail with
        `batch-dependent`. `batch_sizes=()`: symbolic only. `sizes` gives named dims other than the
        batch their size in the calls on zeros (default 32).
        """
        __tracebackhide__ = True
        from pytest_shapes.verify import verify

        if isinstance(model, CheckedCall):  # a wrapper: verify what it wraps, not its checks as well
            model = model.__wrapped__
        if not callable(model):
            raise TypeError(f"shapes.verify() needs a model, layer or function, got {type(model).__name__}")
        input_spec, _, output_spec, dtype = self._contract_for(model, input, output, dtype)
        state = RUNNING.current(self)
        verify(state, model, name or _name_of(model), input_spec, output_spec, dtype, batch_sizes, sizes)

    def _contract_for(
        self, fn: Any, input: Any, output: Any, dtype: Any
    ) -> tuple[AnySpec | None, bool, AnySpec | None, str | None]:
        """(input spec, whether it is the one `fn` declares, output spec, dtype): what is given, else
        the marker's, else (for the input) what the model declares."""
        marker = self.contract
        input_spec = parse(input) if input is not None else marker.input if marker else None
        declared = False
        if input_spec is None:
            found = self._expected_input(fn)
            input_spec, declared = (model_declared(parse(found)), True) if found is not None else (None, False)
        output_spec = parse(output) if output is not None else marker.output if marker else None
        dtype = dtype_name(dtype) if dtype is not None else marker.dtype if marker else None
        return input_spec, declared, output_spec, dtype

    def diagnose(self) -> AbstractContextManager[None]:
        """Turn a TensorFlow/Keras shape error raised inside the block into a ShapeMismatch."""
        return diagnosing(self.explain, self.diagnosed.append)

    @property
    def wrapped_calls(self) -> int:
        """Calls through wrappers: a marker's contract needs at least one."""
        return len(self.calls) - self._checks

    def record(self, record: CallRecord) -> None:
        """A call that did not pass (passing ones go straight into `calls`)."""
        self.calls.append(record)
        self.failed.append(record)

    def explain(self, error: BaseException, *, model: Any = None, inputs: Any = None) -> Diagnosis | None:
        return self._explain(error, model=model, inputs=inputs)

    def __repr__(self) -> str:
        return f"<shapes: {len(self.calls)} checked calls>"


def new_shapes(
    *,
    contract: MarkerContract | None = None,
    shape_of: Callable[[Any], Any] | None = None,
    expected_input: Callable[[Any], Any] | None = None,
    explain: Explain | None = None,
    hook_crashes: list[str] | None = None,
) -> Shapes:
    """A test's `Shapes`, the built-in adapters and explainers standing in for any hook not given.

    The one factory: the session gives it the test's hooks; the benchmarks and the API without
    pytest use the built-ins.
    """
    if explain is None:
        from pytest_shapes.standalone import explain as explain_builtin

        explain = explain_builtin

    return Shapes(
        contract=contract,
        shape_of=shape_of or adapters.shape_of,
        dtype_of=adapters.dtype_of,
        explain=explain,
        expected_input=expected_input or declared_input,
        hook_crashes=hook_crashes,
    )


def _name_of(fn: Any) -> str:
    name = getattr(fn, "name", None)
    if isinstance(name, str) and name:
        return f"{type(fn).__name__} '{name}'"
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or type(fn).__name__
