"""Turn exceptions into diagnoses.

`explain` walks the exception chain (Keras and autograph wrap the real error) and asks
the `pytest_shapes_explain` hook about each link: user explainers see every error, with
no filter in front of them. The built-in implementation reads the link once into a
`Message` and, when its subject is a shape raised by the framework, tries the families
below in order; each family is a module with a table of `(pattern, builder)` rows. The
last resorts (shapeless messages, unknown shape errors) run only after every link had
the hook. A crashing explainer never hides a failure: the caller still raises.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING

from pytest_shapes.diagnosis import Diagnosis, ShapeMismatch, diagnosed, render_error
from pytest_shapes.explainers.context import ExplainContext, chain
from pytest_shapes.hook_guard import crash_line

if TYPE_CHECKING:
    from pytest_shapes.explainers.messages import Message

ExplainHook = Callable[[BaseException, ExplainContext], "Diagnosis | None"]

# The families, most specific first: a message is classified by the first row that matches.
FAMILIES = (
    "keras_input",  # Keras input specs: a layer's ndim / axis / shape checks
    "keras_structure",  # inputs that do not line up with a model's Inputs; weights that do not fit
    "keras_layers",  # checks inside layers and keras.ops: channels, merges, attention, undefined sizes
    "images",  # image ops and preprocessing layers: image ranks, crop sizes
    "targets",  # losses and metrics: predictions vs labels
    "signature",  # tf.function input signatures
    "data",  # generators and tf.data datasets: what they yield vs what was declared or batched
    "tf_ops",  # TensorFlow ops and Keras op-level shape inference
)
# run once every link of the chain went through the hook: an outer error that names no
# shapes must not hide an inner one that does
LAST_RESORTS = ("fallback",)


def explain(error: BaseException, context: ExplainContext, call_hook: ExplainHook) -> Diagnosis | None:
    """The diagnosis of the first shape error in `error`'s chain, or None."""
    links = list(chain(error))
    for link in links:  # ours first: autograph wraps a contract violated while tracing in a StagingError
        if isinstance(link, ShapeMismatch):
            return link.diagnosis
    for explainer in (call_hook, last_resort):
        for link in links:
            try:
                diagnosis = explainer(link, context)
                if diagnosis is not None and not _usable(diagnosis):
                    # a hook returned something else: say so in one line, and let the built-ins answer
                    context.notices.append(_misbehaved(diagnosis))
                    diagnosis = explain_link(link, context) if explainer is call_hook else None
            except Exception as crash:  # an explainer bug: keep the failure, and say so in one line
                if _recognised(link, context):
                    return explainer_crashed(link, crash)
                context.notices.append(crash_line("pytest_shapes_explain", crash, "the error is shown undiagnosed"))
                continue
            if diagnosis is not None:
                return diagnosis
    return None


def _usable(diagnosis: object) -> bool:
    """A Diagnosis whose fields can be shown (a hook may return anything)."""
    if not isinstance(diagnosis, Diagnosis):
        return False
    try:
        render_error(diagnosis)
        return all(isinstance(value, str | None) for value in (diagnosis.expected, diagnosis.actual, diagnosis.layer))
    except Exception:
        return False


def _misbehaved(result: object) -> str:
    if isinstance(result, Diagnosis):
        return "a pytest_shapes_explain hook returned a Diagnosis whose fields cannot be shown: ignored"
    return f"a pytest_shapes_explain hook returned {type(result).__name__}, not a Diagnosis or None: ignored"


def explain_text(type_name: str, text: str, *, from_framework: bool = True) -> Diagnosis | None:
    """What the message alone tells (a recorded message, a pasted log): no model, no data, no traceback.

    `type_name` is the error's class name as printed ("InvalidArgumentError", "ValueError");
    `from_framework=False` for an error that user code raised.
    """
    error = _error_named(type_name)(text)
    context = ExplainContext(
        error, shape_of=lambda value: None, expected_input=lambda model: None, from_framework=from_framework
    )
    return explain(error, context, explain_link)


def _error_named(type_name: str) -> type[BaseException]:
    builtin = {"ValueError": ValueError, "TypeError": TypeError}.get(type_name)
    return builtin or type(type_name, (Exception,), {})


def explain_link(error: BaseException, context: ExplainContext) -> Diagnosis | None:
    """The built-in explainers on one link of the chain."""
    return _classify(context.message(error), context, FAMILIES)


def last_resort(error: BaseException, context: ExplainContext) -> Diagnosis | None:
    return _classify(context.message(error), context, LAST_RESORTS)


def _recognised(error: BaseException, context: ExplainContext) -> bool:
    """Whether the built-in families take `error` for a shape error (they may be what crashed)."""
    try:
        return _classify(context.message(error), context, FAMILIES + LAST_RESORTS) is not None
    except Exception:
        return False


def _classify(message: Message, context: ExplainContext, names: tuple[str, ...]) -> Diagnosis | None:
    if not message.about_shapes:
        return None
    for family in _families(names):
        for pattern, build in family.ROWS:
            match = pattern.search(message.text)
            if match is not None:
                symptom = build(match, message, context)
                if symptom is not None:
                    return family.refine(symptom, message, context)
    return None


def _families(names: tuple[str, ...]) -> Iterator[ModuleType]:
    # looked up on each call (a sys.modules hit once loaded), never cached: a cache would keep
    # old modules alive after pytester restores sys.modules
    for name in names:
        yield importlib.import_module(f"pytest_shapes.explainers.{name}")


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
        raise diagnosed(diagnosis, error) from error


def explainer_crashed(error: BaseException, crash: BaseException) -> Diagnosis:
    return Diagnosis(
        "unknown-shape-error",
        f"{type(error).__name__}: {first_line(error)}",
        hint=f"(pytest-shapes could not classify this error: its explainer raised "
        f"{type(crash).__name__}: {first_line(crash)}; please report it)",
    )


def first_line(error: BaseException) -> str:
    from pytest_shapes.explainers.messages import read

    return read(error, from_framework=False).first_line
