"""Shape specs: parse once, match fast.

Pure Python on purpose: no framework imports, so the plugin can load (and
validate markers at collection) without TensorFlow or NumPy.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping
from types import EllipsisType
from typing import Any, Union

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_TOKEN_SPLIT = re.compile(r"[\s,]+")

ANY = None  # a dim that matches any size
VARIADIC = ...  # zero or more axes


class SpecError(ValueError):
    """An invalid shape spec (raised when the spec is parsed, not when matched)."""


class Named(str):
    """A named dim: binds to one size across a checked call."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


class NamedVariadic(str):
    """A named variadic: zero or more axes, the same ones wherever it appears."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "*" + str(self)


Dim = Union[int, None, Named, NamedVariadic, EllipsisType]  # noqa: UP007 - a runtime alias


class Spec:
    """One tensor's shape spec, compiled for matching.

    `dims` keeps the spec as written (for messages); `fixed`, `named` and the
    variadic fields are the precomputed checks for the hot path. Indices into
    the actual shape are negative for dims after a variadic.
    """

    __slots__ = ("dims", "fixed", "min_rank", "named", "rank", "variadic_at", "variadic_name")

    def __init__(self, dims: tuple[Any, ...]):
        self.dims = dims
        variadic_at = None
        for i, dim in enumerate(dims):
            if dim is VARIADIC or isinstance(dim, NamedVariadic):
                variadic_at = i
        self.variadic_at = variadic_at
        self.min_rank = len(dims) - (variadic_at is not None)
        self.rank = None if variadic_at is not None else len(dims)
        self.variadic_name = (
            str(dims[variadic_at]) if variadic_at is not None and isinstance(dims[variadic_at], NamedVariadic) else None
        )
        fixed, named = [], []
        for i, dim in enumerate(dims):
            if i == variadic_at:
                continue
            index = i if variadic_at is None or i < variadic_at else i - len(dims)
            if isinstance(dim, Named):
                named.append((index, str(dim)))
            elif isinstance(dim, int):
                fixed.append((index, dim))
        self.fixed = tuple(fixed)
        self.named = tuple(named)

    @property
    def names(self) -> set[str]:
        found = {name for _, name in self.named}
        if self.variadic_name:
            found.add("*" + self.variadic_name)
        return found

    def match(self, shape: tuple[int | None, ...], bindings: dict[str, Any] | None) -> bool:
        """True when `shape` fits; binds named dims into `bindings`.

        An unknown actual size (None, from symbolic tensors) fits any dim: it
        cannot disprove the contract. Only integers are compared here; the
        slow explanation of a failure lives in `classify`.
        """
        n = len(shape)
        if self.rank is not None:
            if n != self.rank:
                return False
        elif n < self.min_rank:
            return False
        for index, size in self.fixed:
            actual = shape[index]
            if actual != size and actual is not None:
                return False
        if bindings is None:
            return True
        for index, name in self.named:
            actual = shape[index]
            if actual is None:
                continue
            bound = bindings.get(name)
            if bound is None:
                bindings[name] = actual
            elif bound != actual:
                return False
        if self.variadic_name is not None:
            start: int = self.variadic_at  # type: ignore[assignment]  # set whenever variadic_name is
            stop = n - (len(self.dims) - start - 1)
            key = "*" + self.variadic_name
            segment = tuple(shape[start:stop])
            bound = bindings.get(key)
            if bound is None:
                bindings[key] = segment
            elif bound != segment:
                merged = merge_segments(bound, segment)
                if merged is None:
                    return False
                bindings[key] = merged
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Spec) and self.dims == other.dims

    def __hash__(self) -> int:
        return hash(self.dims)

    def __repr__(self) -> str:
        return format_dims(self.dims)


def merge_segments(bound: tuple[Any, ...], segment: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The axes of a named variadic seen twice, or None when they conflict.

    Unknown sizes (None, from symbolic tensors) cannot disprove a binding,
    just as for named dims; the merge keeps every size that is known.
    """
    if len(bound) != len(segment):
        return None
    merged = []
    for old, new in zip(bound, segment, strict=True):
        if old is not None and new is not None and old != new:
            return None
        merged.append(new if old is None else old)
    return tuple(merged)


class StructSpec:
    """A list/tuple or dict of specs, for multi-input or multi-output calls."""

    __slots__ = ("extra_keys_allowed", "is_mapping", "items")

    def __init__(
        self,
        items: Mapping[Any, Spec | StructSpec] | tuple[Spec | StructSpec, ...],
        *,
        extra_keys_allowed: bool = False,
    ):
        self.items = items
        self.is_mapping = isinstance(items, Mapping)
        # a spec the user wrote names every key; a Keras model's declared dict input ignores extra
        # keys (with a warning), so a contract read from the model allows them too
        self.extra_keys_allowed = extra_keys_allowed

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StructSpec) and self.items == other.items

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        if isinstance(self.items, Mapping):
            inner = ", ".join(f"{key!r}: {value!r}" for key, value in self.items.items())
            return "{" + inner + "}"
        return "[" + ", ".join(repr(item) for item in self.items) + "]"


AnySpec = Spec | StructSpec


def model_declared(spec: AnySpec) -> AnySpec:
    """`spec` as a model's declared input: a dict of inputs allows extra keys, as Keras does."""
    if isinstance(spec, StructSpec) and spec.is_mapping:
        return StructSpec(spec.items, extra_keys_allowed=True)  # a new object: `parse` caches its results
    return spec


def format_dim(dim: Any) -> str:
    if dim is VARIADIC:
        return "..."
    if dim is None:
        return "None"
    return repr(dim)


def format_dims(dims: tuple[Any, ...]) -> str:
    inner = ", ".join(format_dim(dim) for dim in dims)
    return f"({inner},)" if len(dims) == 1 else f"({inner})"


def format_shape(shape: tuple[int | None, ...] | None) -> str:
    if shape is None:
        return "(unknown)"
    return format_dims(tuple(shape))


_CACHE: dict[Any, AnySpec] = {}
# A spec written in a test is the same object on every call: look it up by identity
# first, so the hot path builds no key. Bounded, since each entry keeps its spec alive.
_BY_ID: dict[int, tuple[Any, AnySpec]] = {}
_BY_ID_LIMIT = 4096
_MAX_DEPTH = 32  # structures nest inputs a few levels; deeper is a mistake (or a list that holds itself)
_INTEGER = re.compile(r"-?[0-9]+")


def parse(spec: Any) -> AnySpec:
    """Parse any accepted spec form; cached by value (and by identity for immutable specs)."""
    hit = _BY_ID.get(id(spec))
    if hit is not None and hit[0] is spec:
        return hit[1]
    try:
        key = _cache_key(spec)
        cached = _CACHE.get(key)
    except TypeError:  # something unhashable inside: parse every time
        return _parse(spec, spec)
    if cached is None:
        cached = _CACHE[key] = _parse(spec, spec)
    if _is_immutable(spec):
        if len(_BY_ID) >= _BY_ID_LIMIT:
            _BY_ID.clear()
        _BY_ID[id(spec)] = (spec, cached)
    return cached


def _cache_key(spec: Any, depth: int = 0) -> Any:
    # Types are part of the key, at every depth: True == 1 == 1.0 hash alike, so keyed
    # by value alone (True,) or (3.0,) would get the cached valid spec instead of a SpecError.
    cls = type(spec)
    if depth > _MAX_DEPTH:
        raise TypeError("too deep to key")  # parsed uncached, where the depth limit says what is wrong
    if cls is tuple or cls is list:
        return (cls, tuple(_cache_key(item, depth + 1) for item in spec))
    if cls is dict:
        return (cls, tuple((key, _cache_key(item, depth + 1)) for key, item in spec.items()))
    return (cls, spec)


def _is_immutable(spec: Any) -> bool:
    if type(spec) is str:
        return True
    if type(spec) is not tuple:
        return False
    try:
        hash(spec)  # a tuple holding a list could change under us
    except TypeError:
        return False
    return True


def _parse(spec: Any, whole: Any, depth: int = 0) -> AnySpec:
    if depth > _MAX_DEPTH:
        raise SpecError(
            f"invalid shape spec {safe_repr(whole)}: nested more than {_MAX_DEPTH} levels deep (or it contains itself)"
        )
    if isinstance(spec, Spec | StructSpec):
        return spec
    if hasattr(spec, "shape") and hasattr(spec, "dtype") and not isinstance(spec, str):
        raise SpecError(
            f"invalid shape spec {safe_repr(whole)}: an array or tensor is not a spec; pass its shape (x.shape) "
            "or a tuple of dims"
        )
    if isinstance(spec, str):
        return Spec(_parse_string(spec, whole))
    if _is_tensor_shape(spec):
        if spec.rank is None:
            return Spec((VARIADIC,))
        return Spec(tuple(spec.as_list()))
    if isinstance(spec, Mapping):
        return StructSpec({key: _parse(value, whole, depth + 1) for key, value in spec.items()})
    if isinstance(spec, list | tuple):
        if all(_is_dim(item) for item in spec):
            return Spec(_parse_dims(spec, whole))
        return StructSpec(tuple(_parse(item, whole, depth + 1) for item in spec))
    if _is_dim(spec):  # a bare int/None/... is a rank-1 spec, like "10"
        return Spec(_parse_dims((spec,), whole))
    raise SpecError(
        f"invalid shape spec {safe_repr(whole)}: {safe_repr(spec)} ({type(spec).__name__}) is not a "
        "shape spec; use a tuple of dims, a string like 'batch, 10', or a dict/list of those"
    )


def _is_tensor_shape(obj: Any) -> bool:
    return type(obj).__name__ == "TensorShape" and hasattr(obj, "as_list")


def _is_dim(item: Any) -> bool:
    if item is None or item is VARIADIC:
        return True
    if isinstance(item, str):
        return not _TOKEN_SPLIT.search(item.strip()) and item.strip() != ""
    if isinstance(item, float | bool):
        # a dim, though an invalid one: reported at its element ("element 1 (True) is a bool"),
        # not as "True is not a shape spec" after treating the tuple as a structure
        return True
    return hasattr(item, "__index__")


def _parse_string(text: str, whole: Any) -> tuple[Any, ...]:
    stripped = text.strip()
    if not stripped:
        raise SpecError(f"invalid shape spec {safe_repr(whole)}: an empty string is no shape; the scalar spec is ()")
    if stripped.startswith("(") and stripped.endswith(")"):
        stripped = stripped[1:-1]
    tokens = [token for token in _TOKEN_SPLIT.split(stripped) if token]
    return _parse_dims(tokens, whole)


def _parse_dims(items: Any, whole: Any) -> tuple[Any, ...]:
    dims = tuple(_parse_dim(item, index, whole) for index, item in enumerate(items))
    variadics = [i for i, dim in enumerate(dims) if dim is VARIADIC or isinstance(dim, NamedVariadic)]
    if len(variadics) > 1:
        raise SpecError(
            f"invalid shape spec {safe_repr(whole)}: element {variadics[1]} "
            f"({format_dim(dims[variadics[1]])}) is a second variadic; "
            "at most one '...' or '*name' per spec"
        )
    return dims


def _parse_dim(item: Any, index: int, whole: Any) -> Any:
    def bad(why: str) -> SpecError:
        return SpecError(f"invalid shape spec {safe_repr(whole)}: element {index} ({safe_repr(item)}) {why}")

    if item is None or item is VARIADIC:
        return item
    if isinstance(item, bool):
        raise bad("is a bool; a size must be an integer >= 0")
    if isinstance(item, str):
        token = item.strip()
        if token in ("_", "None"):
            return ANY
        if token == "...":
            return VARIADIC
        if _INTEGER.fullmatch(token):
            return _parse_dim(int(token), index, whole)
        if any(char.isdigit() for char in token) and not any(char.isalpha() or char == "*" for char in token):
            # '--5', '²', '3.5': it looks like a size and is none
            raise bad("is not an integer; a size is written with the digits 0-9, e.g. '3'")
        if token.startswith("*"):
            if not _IDENTIFIER.match(token[1:]):
                raise bad("is not a valid variadic name; use '*' followed by an identifier")
            return NamedVariadic(token[1:])
        if not _IDENTIFIER.match(token):
            raise bad("is not a valid dim name; use an identifier such as 'batch'")
        return Named(token)
    if isinstance(item, float):
        raise bad("is not an integer; a size must be an integer >= 0")
    if hasattr(item, "__index__"):
        try:
            size = operator.index(item)
        except Exception as error:
            raise bad(f"cannot be read as an integer ({type(error).__name__} from its __index__)") from None
        if size < 0:
            raise bad("is negative; a size must be an integer >= 0")
        return size
    raise bad(f"is a {type(item).__name__}; a dim is an int >= 0, None, '_', a name, '...' or '*name'")


def safe_repr(spec: Any) -> str:
    """`repr(spec)` for messages: at most 120 characters, and never an exception of its own."""
    try:
        text = repr(spec)
    except Exception:  # a repr that raises (or recurses too deep) still gets a name in the error
        text = f"<{type(spec).__name__} object>"
    return text if len(text) <= 120 else text[:117] + "..."
