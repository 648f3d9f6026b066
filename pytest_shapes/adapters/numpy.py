"""NumPy arrays and scalars. Recognised by module name: never imports NumPy."""

from __future__ import annotations

from typing import Any


def _shape(value: Any) -> tuple[int, ...]:
    return value.shape


def extractor_for(cls: type) -> Any:
    return _shape if cls.__module__ == "numpy" and hasattr(cls, "shape") else None
