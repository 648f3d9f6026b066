"""`shapes.verify`: a model's shape contract checked without data, at every batch size.

It observes the model: symbolically (the framework's own shape inference, the batch size unknown)
and on zeros at each batch size, then compares what it saw. A model whose output shape depends on
the batch size other than along the batch axis (a squeeze without axis, a hard-coded batch size, a
batch size read at trace time) is `batch-dependent`: the facts say so, and which sizes differ.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_shapes.adapters.models import declared_dtypes
from pytest_shapes.spec import AnySpec, SpecError
from pytest_shapes.verify.plan import Plan, batch_sizes_of, sizes_of, without_variadics
from pytest_shapes.verify.verifier import Verifier

if TYPE_CHECKING:
    from pytest_shapes.fixture import Shapes


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
    sizes_checked = batch_sizes_of(batch_sizes)
    named_sizes = sizes_of(sizes)
    if input_spec is None:
        raise SpecError(
            f"shapes.verify({name}): no input spec; give input=(None, 64) (or the marker's input=), "
            "or declare the model's input with keras.Input(shape=...)"
        )
    input_spec = without_variadics(input_spec, state, fn, name)
    plan = Plan(input_spec, declared_dtypes(fn), named_sizes)
    verifier = Verifier(state, fn, name, plan, output_spec, dtype)
    verifier.run(sizes_checked if plan.has_batch else sizes_checked[:1])
