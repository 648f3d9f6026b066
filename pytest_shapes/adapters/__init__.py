"""Shapes and dtypes of tensor-likes, without importing any framework.

`shape_of` picks an extractor once per type and caches it, so the hot path is
one dict lookup and one call. It is the built-in `pytest_shapes_shape_of`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from pytest_shapes.adapters import generic, numpy, tensorflow

Extractor = Callable[[Any], "tuple[Any, ...] | None"]

_BY_TYPE: dict[type, Extractor] = {}
_FAMILIES = (tensorflow, numpy, generic)


def extractor_for(cls: type) -> Extractor:
    found = _BY_TYPE.get(cls)
    if found is None:
        found = next(e for e in (family.extractor_for(cls) for family in _FAMILIES) if e is not None)
        _BY_TYPE[cls] = found
    return found


def shape_of(value: Any) -> tuple[Any, ...] | None:
    """The shape as a tuple of ints/None, or None when `value` is not tensor-like."""
    extract = _BY_TYPE.get(type(value))
    if extract is READ_SHAPE:
        return value.shape  # a NumPy array: one call less on the hot path
    if extract is None:
        extract = extractor_for(type(value))
    return extract(value)


READ_SHAPE = numpy.read_shape  # the types whose `.shape` is the tuple itself: read inline, not called
BY_TYPE = _BY_TYPE  # for the wrapper's hot path


_DTYPE_NAMES: dict[Any, str] = {}


def dtype_of(value: Any) -> str | None:
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        return None
    try:
        return _DTYPE_NAMES[dtype]
    except (KeyError, TypeError):
        name = getattr(dtype, "name", None) or str(dtype)
        with suppress(TypeError):  # an unhashable dtype object: just not cached
            _DTYPE_NAMES[dtype] = name
        return name
