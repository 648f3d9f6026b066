"""Anything else with a `.shape` (JAX, PyTorch, custom types) and Python scalars."""

from __future__ import annotations

from typing import Any


def _scalar(value: Any) -> tuple[()]:
    return ()


def _duck(value: Any) -> tuple[Any, ...] | None:
    shape = getattr(value, "shape", None)
    if shape is None:
        return None
    if hasattr(shape, "as_list"):  # a TensorShape from a type we did not recognise
        return None if shape.rank is None else tuple(shape.as_list())
    try:
        return tuple(None if dim is None else int(dim) for dim in shape)
    except (TypeError, ValueError):
        return None


def _not_a_tensor(value: Any) -> None:
    return None


def extractor_for(cls: type) -> Any:
    if cls in (int, float, complex, bool):
        return _scalar
    if cls in (list, tuple, dict, str, bytes, type(None)):
        return _not_a_tensor
    return _duck
