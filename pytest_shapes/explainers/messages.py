"""Reading TensorFlow/Keras error messages: shapes in, tensor contents out."""

from __future__ import annotations

import re
from typing import Any

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_NUMPY_VALUE = re.compile(r",?\s*numpy=\s*array\(\[\.\.\.\][^)]*\)")
# (None, 64) / (64,) / () / [32,64] / [?,64] / TensorShape([None, 64])
# a bracket right after a name is an index (In[0], values[1]), not a shape
SHAPE_PATTERN = r"\((?:\s*(?:None|\d+)\s*,?)*\)|(?<!\w)\[(?:\s*(?:None|\?|-?\d+)\s*,?)*\]"
_SHAPE = re.compile(SHAPE_PATTERN)
_DIM = re.compile(r"None|\?|-?\d+")
_CONTENT_HINTS = re.compile(r"\d\.|\d\s+-?\d|\.\.\.|nan|inf|\n|b'|'\s+'", re.IGNORECASE)
_FRAMEWORK_MODULES = ("tensorflow", "keras", "tf_keras")
# Keras 3 raises plain ValueError/TypeError; these phrases mark them as shape errors
_KERAS_PHRASES = re.compile(
    r"is incompatible with the layer|Invalid input shape for input|incompatible shape|"
    r"Arguments target and output must have the same|are incompatible|Exception encountered when calling|"
    r"Computed output size would be|Dimensions must be equal|must have the same|Binding inputs to tf.function|"
    r"Can not cast TensorSpec|Shape must be rank|Shapes .* are incompatible|Input \d+ of layer|"
    r"expected shape=|total size of new array|Cannot reshape|ndim|rank"
)


# Keras 3 prints some shapes and window sizes as NumPy arrays: `inputs.shape=[None 1 1 3]`, `pool_size=[2 2]`
_ARRAY_ATTRIBUTE = re.compile(
    r"\b(shape|pool_size|strides|dilation_rate|kernel_size)=\[((?:None|\d+)(?:\s+(?:None|\d+))*)\]"
)


def _as_tuple(match: re.Match[str]) -> str:
    dims = match.group(2).split()
    return f"{match.group(1)}=({', '.join(dims)}{',' if len(dims) == 1 else ''})"


def strip_tensor_contents(text: str) -> str:
    """Remove ANSI escapes and any bracketed tensor contents Keras echoed into `text`."""
    text = _ARRAY_ATTRIBUTE.sub(_as_tuple, _ANSI.sub("", text))
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] == "[":
            end = _closing_bracket(text, i)
            if end is not None:
                inner = text[i + 1 : end]
                if "[" in inner or len(inner) > 40 or _CONTENT_HINTS.search(inner):
                    out.append("[...]")
                    i = end + 1
                    continue
        out.append(text[i])
        i += 1
    return _NUMPY_VALUE.sub("", "".join(out))


def _closing_bracket(text: str, start: int) -> int | None:
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index
    return None


def shapes_in(text: str) -> list[str]:
    """Shape-looking substrings, in order: '(None, 64)', '[32,64]' ..."""
    return [match.group(0) for match in _SHAPE.finditer(text) if _DIM.search(match.group(0)) or match.group(0) == "()"]


def parse_shape(text: str) -> tuple[Any, ...]:
    """'(None, 64)' or '[?,64]' -> (None, 64)."""
    return tuple(None if dim in ("None", "?", "-1") else int(dim) for dim in _DIM.findall(text))


def is_framework_error(error: BaseException) -> bool:
    """A TensorFlow/Keras error, or a plain ValueError/TypeError raised with Keras' shape wording."""
    if type(error).__module__.startswith(_FRAMEWORK_MODULES):
        return True
    return isinstance(error, ValueError | TypeError) and bool(_KERAS_PHRASES.search(str(error)))


def layer_name(text: str) -> str | None:
    match = re.search(r"(?:of layer|layer) [\"'“]?([\w./-]+)[\"'”]?", text)
    return match.group(1) if match else None


_RECEIVED_INPUT = re.compile(r"(?:inputs|x)=tf\.Tensor\(shape=(\([^)]*\))")


def received_input_shape(text: str) -> tuple[Any, ...] | None:
    """The input shape from Keras 3's "Arguments received by ...: inputs=tf.Tensor(shape=(64,), ...)"."""
    match = _RECEIVED_INPUT.search(text)
    return parse_shape(match.group(1)) if match else None
