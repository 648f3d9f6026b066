"""What an explainer knows around an error: the model, its inputs, its declared contract."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from pytest_shapes.spec import AnySpec, parse

_KERAS_MODULES = ("keras.", "tf_keras.")


class ExplainContext:
    """Lazily gathered facts for explainers; nothing here runs a model on data.

    Without a wrapper, `model` and `inputs` come from the traceback: the
    outermost frame whose `self` is a Keras model (its `call`, `__call__` or
    `predict`) and the argument that frame received.
    """

    def __init__(
        self,
        error: BaseException,
        *,
        model: Any = None,
        inputs: Any = None,
        shape_of: Callable[[Any], Any],
        expected_input: Callable[[Any], Any],
    ):
        self.error = error
        self._model = model
        self._inputs = inputs
        self.shape_of = shape_of
        self._expected_input = expected_input

    @cached_property
    def _from_frames(self) -> tuple[Any, Any]:
        return model_and_inputs_from_traceback(self.error)

    @property
    def model(self) -> Any:
        return self._model if self._model is not None else self._from_frames[0]

    @property
    def inputs(self) -> Any:
        return self._inputs if self._inputs is not None else self._from_frames[1]

    @cached_property
    def input_shapes(self) -> Any:
        """The shape of the input (or a list/dict of shapes), or None."""
        return shapes_of(self.inputs, self.shape_of)

    @cached_property
    def expected_input(self) -> AnySpec | None:
        model = self.model
        if model is None:
            return None
        try:
            declared = self._expected_input(model)
            return parse(declared) if declared is not None else None
        except Exception:  # a model that cannot tell its contract only costs us a hint
            return None


def shapes_of(value: Any, shape_of: Callable[[Any], Any]) -> Any:
    if value is None:
        return None
    if isinstance(value, dict):
        return {key: shapes_of(item, shape_of) for key, item in value.items()}
    if isinstance(value, list | tuple) and value and not isinstance(value[0], int | float):
        return [shapes_of(item, shape_of) for item in value]
    return shape_of(value)


def is_keras_object(value: Any) -> bool:
    cls = type(value)
    return cls.__module__.startswith(_KERAS_MODULES) or any(
        base.__module__.startswith(_KERAS_MODULES) for base in cls.__mro__[1:]
    )


def is_keras_model(value: Any) -> bool:
    return hasattr(value, "layers") and hasattr(value, "predict") and is_keras_object(value)


def model_and_inputs_from_traceback(error: BaseException) -> tuple[Any, Any]:
    """The outermost Keras model in `error`'s traceback (or chain) and its input."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        tb = current.__traceback__
        while tb is not None:
            frame_locals = tb.tb_frame.f_locals
            candidate = frame_locals.get("self")
            if candidate is not None and is_keras_model(candidate):
                return candidate, _received_input(frame_locals)
            tb = tb.tb_next
        current = current.__cause__ or current.__context__
    return None, None


def _received_input(frame_locals: dict[str, Any]) -> Any:
    for key in ("x", "inputs"):
        if frame_locals.get(key) is not None:
            return frame_locals[key]
    args = frame_locals.get("args")
    if isinstance(args, tuple) and args:
        return args[0]
    return None
