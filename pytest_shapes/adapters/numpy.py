"""NumPy arrays and scalars. Recognised by module name: never imports NumPy."""

from __future__ import annotations

from typing import Any


def read_shape(value: Any) -> tuple[int, ...]:
    """A NumPy array's shape is already a tuple of ints (hot paths that see this extractor read it inline)."""
    return value.shape


def extractor_for(cls: type) -> Any:
    return read_shape if cls.__module__ == "numpy" and hasattr(cls, "shape") else None
