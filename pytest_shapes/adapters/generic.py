"""Anything else with a `.shape` (JAX, PyTorch, custom types) and Python scalars."""

from __future__ import annotations

import operator
from collections.abc import Mapping
from typing import Any


def _scalar(value: Any) -> tuple[()]:
    return ()


def _duck(value: Any) -> tuple[Any, ...] | None:
    try:
        shape = value.shape
    except Exception:  # no `.shape`, or one that raises: not a tensor we can read
        return None
    if shape is None or isinstance(shape, str | bytes | Mapping):
        return None
    if hasattr(shape, "as_list"):  # a TensorShape from a type we did not recognise
        return None if shape.rank is None else tuple(shape.as_list())
    try:
        # operator.index, not int: a size of 2.5 or "2" is not a size (int() would truncate or parse it)
        return tuple(None if dim is None else operator.index(dim) for dim in shape)
    except Exception:  # an int, a dict of non-integers, a sequence that raises
        return None


def _not_a_tensor(value: Any) -> None:
    return None


def extractor_for(cls: type) -> Any:
    if cls in (int, float, complex, bool):
        return _scalar
    if cls in (list, tuple, dict, str, bytes, type(None)):
        return _not_a_tensor
    return _duck
