"""Reading TensorFlow/Keras error messages: read once into a `Message`; shapes in, tensor contents out."""

from __future__ import annotations

import re
from typing import Any

from pytest_shapes.explainers.raise_site import raised_by_framework
from pytest_shapes.safe_text import terminal_safe

_NUMPY_VALUE = re.compile(r",?\s*numpy=\s*(?:array\(\[\.\.\.\][^)]*\)|b?'[^']*'|[-+\w.]+)")
# (None, 64) / (64,) / () / [32,64] / [?,64] / TensorShape([None, 64])
# a bracket right after a name is an index (In[0], values[1]), not a shape
# (and a parenthesis right after a name is a call: `compute_output_shape()`)
SHAPE_PATTERN = r"(?<![\w`])\((?:\s*(?:None|\d+)\s*,?)*\)|(?<!\w)\[(?:\s*(?:None|\?|-?\d+)\s*,?)*\]"
_SHAPE = re.compile(SHAPE_PATTERN)
_DIM = re.compile(r"None|\?|-?\d+")
# a bytes repr b'...' (not the name 'b' in a list of names: ['a', 'b'])
_CONTENT_HINTS = re.compile(r"\d\.|\d\s+-?\d|\.\.\.|nan|inf|\n|(?<![\w'])b'|'\s+'", re.IGNORECASE)
# `[input_size: 1, effective_filter_size: 3]`, `[T=DT_FLOAT, adj_y=true]`: an op's attributes, not tensor contents
_ATTRIBUTES = re.compile(r"^(?:\s*[A-Za-z_]\w*(?:: |=)[\w.\"-]+,?)+\s*$")

# the cost of reading a message is linear in its length; past this only its head is read
MAX_TEXT = 20_000

# Keras 3 prints some shapes and window sizes as NumPy arrays: `inputs.shape=[None 1 1 3]`, `pool_size=[2 2]`
_ARRAY_ATTRIBUTE = re.compile(
    r"\b(shape|pool_size|strides|dilation_rate|kernel_size)=\[((?:None|\d+)(?:\s+(?:None|\d+))*)\]"
)

# Keras wraps an error raised in a layer's call with where it happened and what the call received:
#   Keras 3: "Exception encountered when calling Dense.call().\n\n<message>\n\nArguments received by Dense.call():\n  • inputs=..."
#   Keras 2: 'Exception encountered when calling layer "dense" (type Dense).\n\n<message>\n\nCall arguments received by layer "dense" (type Dense):\n  • inputs=...'
_CALL_CONTEXT = re.compile(
    r"Exception encountered when calling (?:layer [\"'](?P<name>[^\"']+)[\"'] \(type (?P<type>\w+)\)|(?P<cls>[\w.]+)\.call\(\))\.?"
)
_ARGUMENTS = re.compile(r"(?:Call arguments|Arguments) received by [^\n]*:(?:\n[ \t]*•[^\n]*)*")
_TENSOR_REPR = re.compile(
    r"<?(?:tf\.Tensor|Tensor|KerasTensor|TensorSpec|EagerTensor|tf\.RaggedTensor)\((?:[^()]|\([^()]*\))*\)>?"
    r"|<tf\.(?:Tensor|Variable)[^<>]*>"
)
_RECEIVED_INPUT = re.compile(r"(?:inputs|x)=tf\.Tensor\(shape=(\([^)]*\))")

# errors whose subject is a value, a resource or a configuration, whatever shapes their text shows
_NOT_ABOUT_SHAPES = re.compile(
    r"is not in \[|does not index into|indices\[|out of (?:range|bounds)|outside the valid range|label value|"
    r"\bNaN\b|\bInf\b|did not hold|Condition x|to be true\. Summarized data|OOM when allocating|out of memory|"
    r"Resource ?[Ee]xhausted|out-of-bounds|"
    r"No such file|not found|Could not interpret|Unknown (?:loss|optimizer|activation|metric)|"
    r"Unrecognized keyword|End of sequence|must be (?:positive|non-negative|greater than (?:or equal to )?(?:-?\d|zero))",
)
# types of errors a shape, rank, size or dtype problem surfaces as
# tf.data padding: DataLoss; a Cast of strings: Unimplemented
_SHAPE_ERROR_TYPES = ("InvalidArgumentError", "ValueError", "TypeError", "DataLossError", "UnimplementedError")


class Message:
    """One error as the explainers read it: its type, its message proper and what Keras said around it.

    `text` has ANSI codes, tensor contents and Keras' call-context lines removed. `about_shapes`
    is the gate for the built-in explainers: the error was raised by TensorFlow/Keras (or a
    library they call), it has a type that shape errors surface as, and its subject is not a value,
    a resource or a configuration.
    """

    __slots__ = ("about_shapes", "from_framework", "layer", "prose", "received", "text", "type_name")

    def __init__(self, type_name: str, raw: str, *, from_framework: bool, shape_error_type: bool = True):
        self.type_name = type_name
        cleaned = strip_tensor_contents(raw[:MAX_TEXT])
        context = _CALL_CONTEXT.search(cleaned)
        self.layer = (context.group("name") or context.group("type") or context.group("cls")) if context else None
        received = _RECEIVED_INPUT.search(cleaned)
        self.received = parse_shape(received.group(1)) if received else None
        if context is not None:
            cleaned = cleaned[: context.start()] + cleaned[context.end() :]
        self.text = _ARGUMENTS.sub("", cleaned).strip()
        # the sentences without the reprs of the tensors they mention: `shape=(2,)` in a repr is no subject
        self.prose = _TENSOR_REPR.sub("<tensor>", self.text)
        self.from_framework = from_framework
        self.about_shapes = from_framework and shape_error_type and not _NOT_ABOUT_SHAPES.search(self.text)

    @property
    def first_line(self) -> str:
        return self.text.splitlines()[0] if self.text else self.type_name

    def __repr__(self) -> str:
        return f"Message({self.type_name}, {self.first_line[:60]!r}, about_shapes={self.about_shapes})"


def read(error: BaseException, *, from_framework: bool | None = None) -> Message:
    """`error` as a Message; `from_framework` overrides the raise-site check (for recorded messages)."""
    try:
        raw = str(error)
    except Exception:  # a message that cannot be read explains nothing
        raw = ""
    names = [cls.__name__ for cls in type(error).__mro__]
    return Message(
        type(error).__name__,
        raw,
        from_framework=raised_by_framework(error) if from_framework is None else from_framework,
        shape_error_type=any(name in _SHAPE_ERROR_TYPES for name in names),
    )


def _as_tuple(match: re.Match[str]) -> str:
    dims = match.group(2).split()
    return f"{match.group(1)}=({', '.join(dims)}{',' if len(dims) == 1 else ''})"


def strip_tensor_contents(text: str) -> str:
    """Remove ANSI escapes and any bracketed tensor contents Keras echoed into `text`; linear in its length."""
    text = _ARRAY_ATTRIBUTE.sub(_as_tuple, terminal_safe(text))
    closing = _closing_brackets(text)
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        end = closing.get(i)
        if end is not None:
            inner = text[i + 1 : end]
            # `len(inner) > 40` first: a long span is skipped whole, so no character is scanned twice
            if (len(inner) > 40 or "[" in inner or _CONTENT_HINTS.search(inner)) and not (
                len(inner) <= 200 and _ATTRIBUTES.match(inner)
            ):
                out.append("[...]")
                i = end + 1
                continue
        out.append(text[i])
        i += 1
    return _NUMPY_VALUE.sub("", "".join(out))


def _closing_brackets(text: str) -> dict[int, int]:
    """Position of each '[' -> position of its matching ']', in one pass."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for index, char in enumerate(text):
        if char == "[":
            stack.append(index)
        elif char == "]" and stack:
            pairs[stack.pop()] = index
    return pairs


def shapes_in(text: str) -> list[str]:
    """Shape-looking substrings, in order: '(None, 64)', '[32,64]' ..."""
    return [match.group(0) for match in _SHAPE.finditer(text) if _DIM.search(match.group(0)) or match.group(0) == "()"]


def parse_shape(text: str) -> tuple[Any, ...]:
    """'(None, 64)' or '[?,64]' -> (None, 64)."""
    return tuple(None if dim in ("None", "?", "-1") else int(dim) for dim in _DIM.findall(text))


def layer_name(text: str) -> str | None:
    match = re.search(r"(?:of layer|layer) [\"'“]?([\w./-]+)[\"'”]?", text)
    return match.group(1) if match else None
