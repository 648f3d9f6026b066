"""What `shapes.verify` feeds a model: its arguments checked, and the inputs to make from the input
spec at each batch size (symbolic: unknown sizes stay None; on zeros: sized)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pytest_shapes.adapters.symbolic import TensorPlan
from pytest_shapes.spec import VARIADIC, AnySpec, Named, NamedVariadic, Spec, SpecError, StructSpec

if TYPE_CHECKING:
    from pytest_shapes.fixture import Shapes

DEFAULT_SIZE = 32  # an unknown size other than the batch, in the calls on zeros (`sizes=` sets others)


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


def leaves(spec: AnySpec) -> list[Spec]:
    return [leaf for _, leaf in spec_paths(spec)]


def spec_paths(spec: AnySpec, path: str = "") -> list[tuple[str, Spec]]:
    """Each Spec in a structure with its path, written as in messages ("[0]", "['image']")."""
    if isinstance(spec, Spec):
        return [(path, spec)]
    items = spec.items
    pairs = items.items() if isinstance(items, Mapping) else enumerate(items)
    return [leaf for key, item in pairs for leaf in spec_paths(item, f"{path}[{key!r}]")]


def _batch_names(spec: AnySpec) -> set[str]:
    """The names of the batch axis: "batch" wherever it is written, else each input's leading name."""
    specs = leaves(spec)
    if any("batch" in leaf.dims for leaf in specs):
        return {"batch"}
    return {str(leaf.dims[0]) for leaf in specs if leaf.dims and isinstance(leaf.dims[0], Named)}


def _has_batch_axis(spec: AnySpec, names: set[str]) -> bool:
    return any(
        (leaf.dims and leaf.dims[0] is None) or any(isinstance(dim, Named) and dim in names for dim in leaf.dims)
        for leaf in leaves(spec)
    )


def batch_sizes_of(batch_sizes: Any) -> tuple[int, ...]:
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


def sizes_of(sizes: Any) -> dict[str, int]:
    __tracebackhide__ = True
    if sizes is None:
        return {}
    if not isinstance(sizes, Mapping):
        raise TypeError(f"sizes must be a dict of dim name -> size such as {{'time': 7}}, got {type(sizes).__name__}")
    for key, size in sizes.items():
        if not isinstance(key, str) or isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError(f"sizes must map dim names to integers >= 0, got {key!r}: {size!r}")
    return dict(sizes)


def without_variadics(spec: AnySpec, state: Shapes, fn: Any, name: str) -> AnySpec:
    """A spec with '...' gets its axes from the model's declared input; verify needs every axis."""
    __tracebackhide__ = True
    if not any(leaf.variadic_at is not None for leaf in leaves(spec)):
        return spec
    from pytest_shapes.spec import model_declared, parse

    declared_raw = state._expected_input(fn)
    declared = model_declared(parse(declared_raw)) if declared_raw is not None else None
    if isinstance(spec, Spec) and isinstance(declared, Spec) and (declared.rank or 0) >= spec.min_rank:
        at = spec.variadic_at
        assert at is not None and declared.rank is not None
        middle = declared.dims[at : at + declared.rank - spec.min_rank]
        return Spec((*spec.dims[:at], *middle, *spec.dims[at + 1 :]))
    bad = next(leaf for leaf in leaves(spec) if leaf.variadic_at is not None)
    variadic = bad.dims[bad.variadic_at]  # type: ignore[index]
    written = "..." if variadic is VARIADIC else f"*{variadic}" if isinstance(variadic, NamedVariadic) else "..."
    raise SpecError(
        f"shapes.verify({name}): the input spec {bad!r} has '{written}', and verify makes inputs of every axis; "
        "write each axis (None or a name for an unknown size)"
    )
