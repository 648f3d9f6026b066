"""The `expect_shape` marker: parsed and validated once, at collection."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_shapes.keys import MARKER
from pytest_shapes.spec import AnySpec, SpecError, parse, safe_repr

expect_shape = getattr(pytest.mark, MARKER)


class MarkerContract:
    """A parsed expect_shape marker. A plain class: a dataclass would cost every pytest start-up ~1 ms."""

    __slots__ = ("dtype", "input", "output", "source")

    def __init__(self, *, output: AnySpec | None, input: AnySpec | None, dtype: str | None, source: str):
        self.output = output
        self.input = input
        self.dtype = dtype
        self.source = source  # the marker as written, for messages


def contract_of(item: pytest.Item) -> MarkerContract | None:
    """The closest expect_shape marker of `item`, parsed (SpecError when invalid)."""
    mark = _closest_mark(item)
    if mark is None:
        return None
    source = _source(mark)
    try:
        output, input_, dtype = _arguments(*mark.args, **mark.kwargs)
        return MarkerContract(
            output=None if output is None else parse(output),
            input=None if input_ is None else parse(input_),
            dtype=dtype_name(dtype),
            source=source,
        )
    except Exception as error:  # whatever the marker holds, the test gets a collection error, never INTERNALERROR
        reason = _reason(error).replace("_arguments()", f"{MARKER}()")
        raise SpecError(f"{item.nodeid}: invalid @pytest.mark.{source}: {reason}") from None


_PARENT_MARK: pytest.StashKey[pytest.Mark | None] = pytest.StashKey()


def _closest_mark(item: pytest.Item) -> pytest.Mark | None:
    """`item.get_closest_marker(MARKER)`, with the parents' answer looked up once per module or class.

    Walking the node chain for every test costs each test of a large suite some microseconds, and
    the marks a module or class carries do not change while its tests run.
    """
    for mark in item.own_markers:
        if mark.name == MARKER:
            return mark
    parent = item.parent
    if parent is None:
        return None
    if _PARENT_MARK not in parent.stash:
        parent.stash[_PARENT_MARK] = parent.get_closest_marker(MARKER)
    return parent.stash[_PARENT_MARK]


def _reason(error: Exception) -> str:
    if isinstance(error, SpecError | TypeError):
        try:
            return str(error)
        except Exception:
            pass
    return f"{type(error).__name__} while reading it"


def dtype_name(dtype: Any) -> str | None:
    if dtype is None or isinstance(dtype, str):
        return dtype
    name = getattr(dtype, "name", None) or getattr(dtype, "__name__", None)
    if isinstance(name, str):
        return name
    raise SpecError(f"dtype {safe_repr(dtype)} is not a dtype name such as 'float32'")


def _arguments(output: Any = None, *, input: Any = None, dtype: Any = None) -> tuple[Any, Any, Any]:
    return output, input, dtype


def _source(mark: Any) -> str:
    parts = [safe_repr(arg) for arg in mark.args] + [f"{key}={safe_repr(value)}" for key, value in mark.kwargs.items()]
    return f"{MARKER}({', '.join(parts)})"
