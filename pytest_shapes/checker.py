"""Check values (or structures of values) against parsed specs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pytest_shapes.classify import classify
from pytest_shapes.diagnosis import Diagnosis, ShapeMismatch
from pytest_shapes.spec import AnySpec, Spec, StructSpec

ShapeOf = Callable[[Any], "tuple[Any, ...] | None"]


def check(
    spec: AnySpec,
    value: Any,
    where: str,
    bindings: dict[str, Any] | None,
    shape_of: ShapeOf,
    *,
    role: str = "input",
) -> Any:
    """Return the shape(s) of `value`; raise ShapeMismatch when they break `spec`."""
    __tracebackhide__ = True
    if type(spec) is Spec:
        shape = shape_of(value)
        if shape is None:
            if _is_tensor_like(value):
                return None  # unknown rank: nothing to check against
            _fail(_not_a_tensor(spec, value, where))
        if not spec.match(shape, bindings):
            _fail(classify(spec, shape, where, bindings, role=role))
        return shape
    assert isinstance(spec, StructSpec)
    items = spec.items
    if isinstance(items, Mapping):
        if not isinstance(value, Mapping):
            _fail(_wrong_structure(spec, value, where, "a dict"))
        missing = [key for key in items if key not in value]
        if missing:
            _fail(
                Diagnosis(
                    "size-mismatch",
                    f"{where}: key(s) {', '.join(map(repr, missing))} missing; got keys {sorted(map(str, value))}",
                    hint=f"pass a dict with the keys {list(items)}",
                    expected=repr(spec),
                )
            )
        return {key: check(item, value[key], f"{where}[{key!r}]", bindings, shape_of, role=role) for key, item in items.items()}
    if not isinstance(value, list | tuple):
        _fail(_wrong_structure(spec, value, where, f"a list of {len(items)}"))
    if len(value) != len(items):
        _fail(
            Diagnosis(
                "size-mismatch",
                f"{where}: expected {len(items)} items {spec!r}, got {len(value)}",
                hint=f"pass exactly {len(items)} tensors, in the order {spec!r}",
                expected=repr(spec),
                actual=f"{len(value)} items",
            )
        )
    return [check(item, part, f"{where}[{i}]", bindings, shape_of, role=role) for i, (item, part) in enumerate(zip(items, value, strict=True))]


def shapes_of(value: Any, shape_of: ShapeOf) -> Any:
    """The shape of `value`, or a list/dict of shapes for a structure of tensors (no spec needed)."""
    shape = shape_of(value)  # a tensor: the common case, one lookup
    if shape is not None or not isinstance(value, Mapping | list | tuple):
        return shape
    if isinstance(value, Mapping):
        return {key: shapes_of(item, shape_of) for key, item in value.items()}
    # only a sequence of tensors (or of structures) is a structure: a list of 10k strings or
    # numbers returned by a wrapped call must not become 10k entries in every CallRecord
    if value and _is_structure_item(value[0]):
        return [shapes_of(item, shape_of) for item in value]
    return None


def _is_structure_item(item: Any) -> bool:
    return hasattr(item, "shape") or isinstance(item, Mapping | list | tuple)


def check_dtype(expected: str, value: Any, where: str, dtype_of: Callable[[Any], str | None]) -> None:
    __tracebackhide__ = True
    if isinstance(value, Mapping):
        for key, item in value.items():
            check_dtype(expected, item, f"{where}[{key!r}]", dtype_of)
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            check_dtype(expected, item, f"{where}[{i}]", dtype_of)
        return
    actual = dtype_of(value)
    if actual is not None and actual != expected:
        _fail(
            Diagnosis(
                "dtype-mismatch",
                f"{where}: expected dtype {expected}, got {actual}",
                hint=f"cast it: tf.cast(x, tf.{expected}) or x.astype('{expected}'), or fix the layer/op dtype",
                expected=expected,
                actual=actual,
            )
        )


def _fail(diagnosis: Diagnosis) -> None:
    __tracebackhide__ = True
    raise ShapeMismatch(diagnosis)


def _is_tensor_like(value: Any) -> bool:
    return hasattr(value, "shape")


def _not_a_tensor(spec: Spec, value: Any, where: str) -> Diagnosis:
    return Diagnosis(
        "rank-mismatch",
        f"{where}: expected a tensor of shape {spec!r}, got {type(value).__name__} (no shape)",
        hint="return/pass a tensor or array, or give a structure spec for a list/dict of tensors",
        expected=repr(spec),
        actual=type(value).__name__,
    )


def _wrong_structure(spec: StructSpec, value: Any, where: str, wanted: str) -> Diagnosis:
    return Diagnosis(
        "size-mismatch",
        f"{where}: expected {wanted} {spec!r}, got {type(value).__name__}",
        hint=f"pass {wanted} tensors matching {spec!r}",
        expected=repr(spec),
        actual=type(value).__name__,
    )
