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
from pytest_shapes.explainers.messages import Message, shapes_in
from pytest_shapes.explainers.rootcause import root_cause
from pytest_shapes.explainers.table import as_symptom, row
from pytest_shapes.explainers.tf_ops import matmul_rank_only

refine = as_symptom


def _unknown(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
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
    # the subject of the message is a shape: it names one, a rank or a dimension
    row(r"(?i)\b(?:shapes?|rank|ndims?|dimensions?|dims?|axis|size|broadcast|incompatible)\b", _unknown),
)
