"""Last resorts, tried once no link of the chain matched a family's row.

- oneDNN's shapeless matrix-product message: the operand's index is all there is.
- Any other shape error from the framework: the data that does not fit the model
  explains it when the model is known; otherwise `unknown-shape-error`, still showing
  the shapes found in the message (never contents).
"""

from __future__ import annotations

import re
from typing import Any

from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.explainers.messages import SHAPE_PATTERN, Message, parse_shape, shapes_in
from pytest_shapes.explainers.rootcause import root_cause
from pytest_shapes.explainers.table import as_symptom, row
from pytest_shapes.explainers.tf_ops import matmul_rank_only

refine = as_symptom

# the subject of the message is a tensor's shape: its sentences name one, a rank or a dimension
_SUBJECT = re.compile(r"\b(?:shapes?|rank|ndims?|dimensions?|dimensional)\b", re.IGNORECASE)

# an argument or configuration problem that mentions shapes: not a tensor that has the wrong shape
_CONFIGURATION = re.compile(
    r"\bargument\b|configured|You cannot|must be (?:an integer|a valid|strictly)|permutation|\bgroups\b|"
    r"KerasTensor cannot be used|only supported|not supported|at most one unknown|Graph disconnected|masking|"
    # an op's attributes and index-like operands (strides, perm, multiples, split sizes, seeds, k ...)
    r"attribute|\bstrides?\b|ksize|\bperm\b|multiples|size_splits|axis tensor|must be scalar|must represent a|"
    r"\bseed\b|begin, end|too many elements|'dim' input|\bk must\b|must be >|requires \w+ to contain"
)
# graph-mode shape functions list every input: "... for '{{node Pad}} = Pad[...](x, paddings)' with input shapes: [4,3], [2,3]"
_INPUT_SHAPES = re.compile(rf"with input shapes: ((?:{SHAPE_PATTERN})(?:, (?:{SHAPE_PATTERN}))*)")
_RANK_CLAIM = re.compile(r"(?:is|was|got|received) rank (\d+)")
_DIMENSION_CLAIM = re.compile(r"Dimension must be \d+ but is (\d+)")


def _about_an_argument(text: str) -> bool:
    """A shape-function error about an op's argument (paddings, axis, shape, size), not its data (input 0)."""
    listed = _INPUT_SHAPES.search(text)
    if listed is None:
        return False
    data, *arguments = (parse_shape(shape) for shape in re.findall(SHAPE_PATTERN, listed.group(1)))
    rank = _RANK_CLAIM.search(text)
    if rank is not None:
        wrong = int(rank.group(1))
        return len(data) != wrong and any(len(argument) == wrong for argument in arguments)
    dimension = _DIMENSION_CLAIM.search(text)
    if dimension is not None:
        wrong = int(dimension.group(1))
        return wrong not in data and any(wrong in argument for argument in arguments)
    return False


def _about_a_shape(message: Message) -> bool:
    """The message's sentences are about a tensor's shape (not a configuration, not an op's argument)."""
    return (
        message.about_shapes
        and _SUBJECT.search(message.prose) is not None
        and _CONFIGURATION.search(message.prose) is None
        and not _about_an_argument(message.text)
    )


def _unknown(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    if not _about_a_shape(message):
        return None
    # the message is unfamiliar, but data that does not fit the model explains it
    found = root_cause(None, context)
    if found is not None:
        return found
    shapes = shapes_in(message.text)
    if not shapes:
        return None
    return Diagnosis(
        "unknown-shape-error",
        f"{message.type_name}: {message.first_line[:300]}",
        hint="pytest-shapes found shapes " + ", ".join(shapes[:4]) + " but no known root cause; "
        "check them against the model's input and the op named above",
        actual=", ".join(shapes[:4]),
    )


ROWS = (
    row(r"In\[(\d)\] ndims must be >= 2(?!:)", matmul_rank_only),
    row(_SUBJECT.pattern, _unknown, re.IGNORECASE),
)
