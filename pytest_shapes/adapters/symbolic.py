"""Calling a model or function without data, for `shapes.verify`: on symbolic inputs (the framework's
own shape inference: no activations are allocated) and on zeros.

TensorFlow, Keras and NumPy are imported only here, only when a test verifies something: the user's
code has imported them already.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from pytest_shapes.adapters.models import keras_model_input
from pytest_shapes.explainers.context import is_keras_model, is_keras_object


class TensorPlan:
    """One input to make: its shape (None for an unknown size) and dtype name."""

    __slots__ = ("dtype", "shape")

    def __init__(self, shape: tuple[int | None, ...], dtype: str):
        self.shape = shape
        self.dtype = dtype

    def __repr__(self) -> str:
        return f"TensorPlan({self.shape}, {self.dtype})"


def map_plan(plan: Any, make: Callable[[TensorPlan], Any]) -> Any:
    """`plan` (a TensorPlan, or a list/tuple/dict of them) with `make` applied to each TensorPlan."""
    if isinstance(plan, TensorPlan):
        return make(plan)
    if isinstance(plan, Mapping):
        return {key: map_plan(item, make) for key, item in plan.items()}
    return [map_plan(item, make) for item in plan]


def family_of(fn: Any) -> str:
    """How `fn` infers shapes: "keras" (Keras 3), "tf_keras" (legacy Keras 2), "tf_function", or
    "python" (a plain callable: traced by tf.function where TensorFlow is in use)."""
    if is_keras_object(fn):
        return "tf_keras" if _in_module(fn, "tf_keras") else "keras"
    if type(fn).__name__ in ("Function", "PolymorphicFunction") and hasattr(fn, "get_concrete_function"):
        return "tf_function"
    return "python"


def _in_module(fn: Any, prefix: str) -> bool:
    return any(cls.__module__.split(".", 1)[0] == prefix for cls in type(fn).__mro__)


def can_trace(fn: Any) -> bool:
    """Whether `fn` has a symbolic pass: a framework object, or a plain callable while TensorFlow is in use."""
    return family_of(fn) != "python" or "tensorflow" in sys.modules


class Shaped:
    """A shape where a tensor is expected: what shape inference returns as a plain shape."""

    __slots__ = ("shape",)

    def __init__(self, shape: Any):
        self.shape = shape  # a tuple, or a TensorShape (of unknown rank, maybe)

    def __repr__(self) -> str:
        return f"Shaped({self.shape})"


def verified_copy(fn: Any) -> Any:
    """What verify calls: `fn`, or for a Sequential model not built yet a copy of it. A call builds a
    Sequential model for the shape it gets (a symbolic one even when it fails), and Keras then refuses
    every other shape: the user's model must stay as it was."""
    if type(fn).__name__ != "Sequential" or getattr(fn, "built", True) or not is_keras_object(fn):
        return fn
    try:
        return type(fn).from_config(fn.get_config())
    except Exception:  # a model that cannot be rebuilt from its config: traced as it is
        return fn


def symbolic_call(fn: Any, plan: Any, *, checked: bool = False) -> Any:
    """`fn`'s outputs on symbolic inputs shaped by `plan`: tensors (or Shaped) that only have shapes.

    `checked`: a call with the same sizes but an unknown batch size passed Keras' input checks, so
    legacy Keras' shape functions (which check no input) may answer for a known batch size.
    """
    built = _built_outputs(fn, plan)
    if built is not None:
        return built
    with warnings.catch_warnings():
        # Keras warns when it cannot build a layer from a failed trace: the failure itself is reported
        warnings.simplefilter("ignore", UserWarning)
        if checked and family_of(fn) == "tf_keras" and isinstance(plan, TensorPlan):
            inferred = _legacy_output_shape(fn, plan)
            if inferred is not None:
                return inferred
        return _symbolic_call(fn, plan)


def _built_outputs(fn: Any, plan: Any) -> Any:
    """A functional model built on exactly these input shapes inferred its outputs then: they are the
    symbolic pass (Keras checked every layer on them when the model was made)."""
    if not is_keras_model(fn) or plan_shapes(plan) != keras_model_input(fn):
        return None
    for struct in ("_outputs_struct", "_nested_outputs"):  # Keras 3 and tf_keras functional models
        outputs = getattr(fn, struct, None)
        if outputs is not None:
            return outputs
    try:
        outputs = list(fn.outputs)  # a Keras 3 Sequential keeps its functional graph inside
    except (AttributeError, ValueError, TypeError):
        return None
    return outputs[0] if len(outputs) == 1 else outputs or None


def _legacy_output_shape(fn: Any, plan: TensorPlan) -> Any:
    """tf_keras' `compute_output_shape` at a known batch size: each layer's own shape function, where a
    graph-mode call costs milliseconds a layer (a layer without one traces itself, as a call would)."""
    import tensorflow as tf

    try:
        shapes = fn.compute_output_shape(tf.TensorShape(plan.shape))
    except NotImplementedError:  # no shape function: the call below infers it
        return None
    return tf.nest.map_structure(Shaped, shapes)


def plan_shapes(plan: Any) -> Any:
    """The shapes of a plan, as `keras_model_input` gives a model's declared ones."""
    return map_plan(plan, lambda leaf: leaf.shape)


def _symbolic_call(fn: Any, plan: Any) -> Any:
    family = family_of(fn)
    if family == "keras":
        import keras

        return fn(map_plan(plan, lambda leaf: keras.KerasTensor(leaf.shape, dtype=leaf.dtype)))
    import tensorflow as tf

    if family == "tf_keras":
        # a graph-mode call on placeholders: every layer's own checks run, as in the functional API
        with tf.__internal__.FuncGraph("shapes_verify").as_default():
            return fn(map_plan(plan, lambda leaf: tf.compat.v1.placeholder(tf.as_dtype(leaf.dtype), leaf.shape)))
    specs = map_plan(plan, lambda leaf: tf.TensorSpec(leaf.shape, tf.as_dtype(leaf.dtype)))
    if family == "tf_function" and getattr(fn, "input_signature", None) is not None:
        function = fn  # its signature is part of the contract
    else:
        # a new trace each time: an existing one for unknown sizes would answer for every known size
        function = tf.function(getattr(fn, "python_function", fn))
    return function.get_concrete_function(specs).structured_outputs


def zeros_call(fn: Any, plan: Any) -> Any:
    """`fn` called on zeros shaped by `plan` (NumPy arrays: every framework takes them)."""
    import numpy as np

    return fn(map_plan(plan, lambda leaf: _zeros(np, leaf)))


def _zeros(np: Any, leaf: TensorPlan) -> Any:
    if leaf.dtype == "string":
        return np.full(leaf.shape, b"", dtype=object)
    try:
        dtype = np.dtype(leaf.dtype)
    except TypeError:  # a dtype NumPy does not name (bfloat16): the model casts float32 itself
        dtype = np.dtype("float32")
    return np.zeros(leaf.shape, dtype=dtype)
