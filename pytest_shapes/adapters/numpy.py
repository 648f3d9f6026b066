"""NumPy arrays and scalars. Recognised by module name: never imports NumPy."""

from __future__ import annotations

from typing import Any

import pytest


def _shape(value: Any) -> tuple[int, ...]:
    return value.shape


def extractor_for(cls: type) -> Any:
    return _shape if cls.__module__ == "numpy" and hasattr(cls, "shape") else None


@pytest.hookimpl(trylast=True)
def pytest_shapes_shape_of(value: Any) -> tuple[Any, ...] | None:
    extract = extractor_for(type(value))
    return extract(value) if extract is not None else None
