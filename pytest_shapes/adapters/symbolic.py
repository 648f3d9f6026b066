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

from pytest_shapes.explainers.context import is_keras_object


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


def symbolic_call(fn: Any, plan: Any) -> Any:
    """`fn`'s outputs on symbolic inputs shaped by `plan`: tensors that only have shapes and dtypes."""
    with warnings.catch_warnings():
        # Keras warns when it cannot build a layer from a failed trace: the failure itself is reported
        warnings.simplefilter("ignore", UserWarning)
        return _symbolic_call(fn, plan)


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
