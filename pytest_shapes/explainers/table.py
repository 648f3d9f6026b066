"""The row type of the explainer families: a message pattern and the builder of its symptom."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pytest_shapes.diagnosis import Diagnosis
    from pytest_shapes.explainers.context import ExplainContext
    from pytest_shapes.explainers.messages import Message

Builder = Callable[[re.Match[str], "Message", "ExplainContext"], "Diagnosis | None"]


class Row(NamedTuple):
    pattern: re.Pattern[str]
    build: Builder


def row(pattern: str, build: Builder, flags: int = 0) -> Row:
    return Row(re.compile(pattern, flags), build)


def as_symptom(diagnosis: Diagnosis, message: Message, context: ExplainContext) -> Diagnosis:
    """A family's `refine` when the message says all there is (no facts to compare)."""
    return diagnosis
