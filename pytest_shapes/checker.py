"""Check values (or structures of values) against parsed specs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from pytest_shapes.classify import classify, wrong_order_hint
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
    path: tuple[Any, ...] = (),
) -> Any:
    """Return the shape(s) of `value`; raise ShapeMismatch when they break `spec`.

    `where` names the value ("input{path} of model"); `path` is the position
    inside a structure ("[0]", "['image']"), put at "{path}" or at the end.
    """
    __tracebackhide__ = True
    if type(spec) is Spec:
        shape = shape_of(value)
        if shape is None:
            if _unknown_rank(value):
                return None  # a symbolic tensor of unknown rank: nothing to check against
            _fail(_not_a_tensor(spec, value, _label(where, path)))
        if not spec.match(shape, bindings):
            _fail(classify(spec, shape, _label(where, path), bindings, role=role))
        return shape
    assert isinstance(spec, StructSpec)
    items = spec.items
    if isinstance(items, Mapping):
        if not isinstance(value, Mapping):
            _fail(_wrong_structure(spec, value, _label(where, path), "a dict"))
        missing = [key for key in items if key not in value]
        extra = [] if spec.extra_keys_allowed else [key for key in value if key not in items]
        if missing or extra:
            _fail(_wrong_keys(spec, value, _label(where, path), missing, extra))
        pairs = [(item, value[key], (*path, key)) for key, item in items.items()]
    else:
        if not isinstance(value, list | tuple):
            _fail(_wrong_structure(spec, value, _label(where, path), f"a list of {len(items)}"))
        if len(value) != len(items):
            _fail(
                Diagnosis(
                    "structure-mismatch",
                    f"{_label(where, path)}: expected {len(items)} items {spec!r}, got {len(value)}",
                    hint=f"pass exactly {len(items)} tensors, in the order {spec!r}",
                    expected=repr(spec),
                    actual=f"{len(value)} items",
                )
            )
        pairs = [(item, part, (*path, i)) for i, (item, part) in enumerate(zip(items, value, strict=True))]
    shapes = []
    try:
        # a plain loop: before Python 3.12 a comprehension's frame would show in tracebacks
        for item, part, item_path in pairs:
            shapes.append(check(item, part, where, bindings, shape_of, role=role, path=item_path))
    except ShapeMismatch as mismatch:
        hint = wrong_order_hint(spec, shapes_of(value, shape_of))
        if hint is None:
            raise
        mismatch.diagnosis.hint = hint
        raise ShapeMismatch(mismatch.diagnosis) from None
    return dict(zip(items, shapes, strict=True)) if isinstance(items, Mapping) else shapes


def _label(where: str, path: tuple[Any, ...]) -> str:
    """`where` with the position inside a structure, e.g. "input[0] of model"; built only on failure."""
    text = "".join(f"[{key!r}]" for key in path)
    return where.replace("{path}", text) if "{path}" in where else where + text


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


def check_dtype(
    expected: str, value: Any, where: str, dtype_of: Callable[[Any], str | None], path: tuple[Any, ...] = ()
) -> None:
    __tracebackhide__ = True
    if isinstance(value, Mapping | list | tuple):
        items = value.items() if isinstance(value, Mapping) else enumerate(value)
        for key, item in items:
            check_dtype(expected, item, where, dtype_of, (*path, key))
        return
    actual = dtype_of(value)
    if actual is not None and actual != expected:
        _fail(
            Diagnosis(
                "dtype-mismatch",
                f"{_label(where, path)}: expected dtype {expected}, got {actual}",
                hint=f"cast it: tf.cast(x, tf.{expected}) or x.astype('{expected}'), or fix the layer/op dtype",
                expected=expected,
                actual=actual,
            )
        )


def _fail(diagnosis: Diagnosis) -> NoReturn:
    __tracebackhide__ = True
    raise ShapeMismatch(diagnosis)


def _unknown_rank(value: Any) -> bool:
    """A tensor whose rank is not known yet (its `.shape` is a TensorShape of rank None)."""
    try:
        shape = value.shape
    except Exception:
        return False
    return hasattr(shape, "as_list") and getattr(shape, "rank", 0) is None


def _not_a_tensor(spec: Spec, value: Any, where: str) -> Diagnosis:
    return Diagnosis(
        "rank-mismatch",
        f"{where}: expected a tensor of shape {spec!r}, got {type(value).__name__} ({_why_no_shape(value)})",
        hint="return/pass a tensor or array, or give a structure spec for a list/dict of tensors",
        expected=repr(spec),
        actual=type(value).__name__,
    )


def _why_no_shape(value: Any) -> str:
    """Names types only: a lying `.shape` may hold anything."""
    try:
        shape = value.shape
    except AttributeError:
        return "no shape"
    except Exception as error:
        return f"no usable shape: its .shape raised {type(error).__name__}"
    if shape is None:
        return "no shape"
    if isinstance(shape, list | tuple):
        return f"no usable shape: its .shape is a {type(shape).__name__} of sizes that are not integers"
    return f"no usable shape: its .shape is of type {type(shape).__name__}"


def _wrong_keys(spec: StructSpec, value: Any, where: str, missing: list[Any], extra: list[Any]) -> Diagnosis:
    parts = []
    if missing:
        parts.append(f"key(s) {', '.join(map(repr, missing))} missing")
    if extra:
        parts.append(f"unexpected key(s) {', '.join(map(repr, extra))}")
    hint = f"pass a dict with exactly the keys {list(spec.items)}"
    if extra and not missing:
        hint += " (drop the others, or add them to the spec)"
    return Diagnosis(
        "structure-mismatch",
        f"{where}: {'; '.join(parts)}; got keys {sorted(map(str, value))}",
        hint=hint,
        expected=repr(spec),
        actual=f"keys {sorted(map(str, value))}",
    )


def _wrong_structure(spec: StructSpec, value: Any, where: str, wanted: str) -> Diagnosis:
    return Diagnosis(
        "structure-mismatch",
        f"{where}: expected {wanted} {spec!r}, got {type(value).__name__}",
        hint=f"pass {wanted} tensors matching {spec!r}",
        expected=repr(spec),
        actual=type(value).__name__,
    )
