"""Turn exceptions into diagnoses.

`explain` walks the exception chain (Keras and autograph wrap the real error),
asks the `pytest_shapes_explain` hook about each link, and keeps the first
answer; the built-in last resorts (shapeless messages, unknown shape errors)
come after the hook had every link. A crashing explainer never hides a failure: the caller still raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pytest_shapes.diagnosis import Diagnosis, ShapeMismatch
from pytest_shapes.explainers.context import ExplainContext, chain

ExplainHook = Callable[[BaseException, ExplainContext], "Diagnosis | None"]

# cheap pre-filter: errors whose text says nothing of shapes, ranks or dtypes are never ours
_SHAPE_WORDS = re.compile(
    r"shape|ndim|rank|dimension|incompatible|size|Matrix|Dimensions|expected axis|"
    r"broadcast|reshape|dtype|was expected to be a|TensorSpec|input_signature|Binding inputs|"
    r"allowed values|does not match type|input\(s\)|Missing data for input|fully-defined",
    re.IGNORECASE,
)


def explain(error: BaseException, context: ExplainContext, call_hook: ExplainHook) -> Diagnosis | None:
    """The diagnosis of the first shape error in `error`'s chain, or None."""
    links = list(chain(error))
    for link in links:  # ours first: autograph wraps a contract violated while tracing in a StagingError
        if isinstance(link, ShapeMismatch):
            return link.diagnosis
    links = [link for link in links if _SHAPE_WORDS.search(_text(link))]
    # every link gets the specific explainers before any link gets a last resort: an outer
    # error that names no shapes must not hide the inner one that does
    for explainer in (call_hook, _last_resort):
        for link in links:
            try:
                diagnosis = explainer(link, context)
            except Exception as crash:  # an explainer bug: keep the failure, say so in one line
                return explainer_crashed(link, crash)
            if diagnosis is not None:
                return diagnosis
    return None


def _last_resort(error: BaseException, context: ExplainContext) -> Diagnosis | None:
    from pytest_shapes.explainers import fallback, tf_ops

    return tf_ops.last_resort(error, context) or fallback.explain(error, context)


@contextmanager
def diagnosing(
    explain_error: Callable[[BaseException], Diagnosis | None], on_diagnosis: Callable[[Diagnosis], None] | None = None
) -> Iterator[None]:
    """Re-raise a shape error from the block as a ShapeMismatch chained to it; anything else untouched."""
    __tracebackhide__ = True
    try:
        yield
    except ShapeMismatch:
        raise
    except Exception as error:
        diagnosis = explain_error(error)
        if diagnosis is None:
            raise
        if on_diagnosis is not None:
            on_diagnosis(diagnosis)
        raise ShapeMismatch(diagnosis) from error


def explainer_crashed(error: BaseException, crash: BaseException) -> Diagnosis:
    return Diagnosis(
        "unknown-shape-error",
        f"{type(error).__name__}: {first_line(error)}",
        hint=f"(pytest-shapes could not classify this error: its explainer raised "
        f"{type(crash).__name__}: {first_line(crash)}; please report it)",
    )


def first_line(error: BaseException) -> str:
    from pytest_shapes.explainers.messages import strip_tensor_contents

    text = strip_tensor_contents(_text(error)).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _text(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:
        return ""
