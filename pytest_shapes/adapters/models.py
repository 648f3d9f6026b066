"""Input contracts that models declare: Keras models and layers, `tf.function` signatures.

Read from attributes only: never imports a framework, never runs the model.
"""

from __future__ import annotations

from typing import Any

from pytest_shapes.explainers.context import is_keras_model, is_keras_object


def dims_of(shape: Any) -> tuple[Any, ...] | None:
    """A TensorShape/tuple as a tuple of ints and None (None for unknown rank)."""
    if shape is None:
        return None
    if hasattr(shape, "as_list"):
        return None if shape.rank is None else tuple(shape.as_list())
    return tuple(shape)


def keras_model_input(model: Any) -> Any:
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):  # a Sequential model that is not built yet
        return None
    if not inputs:
        return None
    shapes = [dims_of(tensor.shape) for tensor in inputs]
    if any(shape is None for shape in shapes):
        return None
    names = getattr(model, "input_names", None) or [getattr(t, "name", "") for t in inputs]
    struct = _input_dict(model)
    if struct is not None and len(names) == len(shapes):
        return {key: dims_of(value.shape) for key, value in struct.items()}
    return shapes[0] if len(shapes) == 1 else shapes


def _input_dict(model: Any) -> dict[Any, Any] | None:
    """The dict of Inputs a model was built from: Keras 3 keeps it as `_inputs_struct`, tf_keras as
    `_nested_inputs`; None for a model built from a tensor or a list."""
    for attribute in ("_inputs_struct", "_nested_inputs"):
        struct = getattr(model, attribute, None)
        if isinstance(struct, dict):
            return struct
    return None


def _is_function(model: Any) -> bool:
    """A `tf.function` (or anything with an input signature): its contract is the signature."""
    return type(model).__name__ in ("Function", "PolymorphicFunction") or hasattr(model, "input_signature")


def keras_layer_input(layer: Any) -> Any:
    spec = getattr(layer, "input_spec", None)
    if isinstance(spec, list | tuple):
        spec = spec[0] if len(spec) == 1 else None
    if spec is None:
        return None
    if getattr(spec, "shape", None) is not None:
        return dims_of(spec.shape)
    axes = dict(getattr(spec, "axes", None) or {})
    ndim = getattr(spec, "ndim", None)
    if ndim is not None:
        dims = [None] * ndim
        for axis, size in axes.items():
            dims[axis] = size
        return tuple(dims)
    min_ndim = getattr(spec, "min_ndim", None)
    if min_ndim is None:
        return None
    # (None, ..., trailing): the batch axis, any middle axes, the axes Keras pins from the end
    trailing = [axes.get(-i) for i in range(max(min_ndim - 1, 0), 0, -1)]
    return (None, ..., *trailing)


def function_input(fn: Any) -> Any:
    signature = getattr(fn, "input_signature", None)
    if not signature:
        return None
    return dims_of(getattr(signature[0], "shape", None))


def declared_dtypes(model: Any) -> Any:
    """The dtype names of the inputs a Keras model or `tf.function` declares, shaped like its declared
    input (a name, a list or a dict); None where it declares none."""
    try:
        if _is_function(model):
            signature = getattr(model, "input_signature", None)
            return _dtype_name(signature[0]) if signature else None
        if not is_keras_model(model):
            return None
        struct = _input_dict(model)
        if struct is not None:
            return {key: _dtype_name(value) for key, value in struct.items()}
        names = [_dtype_name(tensor) for tensor in model.inputs]
    except (AttributeError, ValueError, TypeError):  # not built, or no declared input
        return None
    return names[0] if len(names) == 1 else names


def _dtype_name(tensor: Any) -> str | None:
    dtype = getattr(tensor, "dtype", None)
    name = getattr(dtype, "name", dtype)
    return name if isinstance(name, str) else None


def expected_input(model: Any) -> Any:
    """The input spec a Keras model/layer or a `tf.function` declares, or None."""
    if _is_function(model):
        return function_input(model)
    if not is_keras_object(model):
        return None
    if is_keras_model(model):
        declared = keras_model_input(model)
        if declared is not None:
            return declared
    return keras_layer_input(model)


_MAX_LAYERS = 2_000  # a walk over a huge or self-referencing model stops here


def layers_called(model: Any, names: set[str]) -> list[Any]:
    """The layers of `model` (nested models included) whose name or class name is in `names`."""
    found, pending, seen = [], [model], 0
    while pending and seen < _MAX_LAYERS:
        current = pending.pop(0)
        seen += 1
        if current is not model and (getattr(current, "name", None) in names or type(current).__name__ in names):
            found.append(current)
        try:
            children = list(getattr(current, "layers", None) or ())
        except Exception:  # a model that cannot list its layers has none to search
            children = []
        pending.extend(children)
    return found


def layer_before(model: Any, name: str, *, building: bool = False) -> Any:
    """The layer a Sequential model puts right before the one named `name` (or, in a message that names
    it by class, the only layer of that class); its last layer while `name` is being added (`building`);
    None elsewhere: a functional model's layer order does not say which layer feeds which."""
    if type(model).__name__ != "Sequential":
        return None
    try:
        layers = list(model.layers)
    except Exception:
        return None
    classes = [type(layer).__name__ for layer in layers]
    named = [index for index, layer in enumerate(layers) if is_named(layer, name)]
    if named:
        index = named[0]
    elif classes.count(name) == 1:
        index = classes.index(name)
    else:  # the layer being added (tf_keras builds it before it joins the list)
        return layers[-1] if layers and building else None
    return layers[index - 1] if index > 0 else None


def is_named(layer: Any, name: str) -> bool:
    """Whether `layer` is the layer named `name`, or wraps it (TimeDistributed(Conv2D): the error names the Conv2D)."""
    return getattr(layer, "name", None) == name or getattr(getattr(layer, "layer", None), "name", None) == name


def producer_of(tensor: Any) -> Any:
    """The layer whose output a symbolic Keras tensor is (an InputLayer for a model input; Keras 3 and
    tf_keras keep it first in `_keras_history`), or None for data."""
    history = getattr(tensor, "_keras_history", None)
    try:
        layer = history[0] if history else None
    except Exception:  # a foreign object's attribute of the same name
        return None
    return layer


def weight_shapes(layer: Any) -> list[tuple[Any, ...]]:
    """The shapes of a layer's variables (weights and adapted state such as a Normalization's mean)."""
    try:
        variables = list(getattr(layer, "weights", None) or ())
    except Exception:  # an unbuilt or broken layer holds nothing we can read
        return []
    shapes = [dims_of(getattr(variable, "shape", None)) for variable in variables]
    return [shape for shape in shapes if shape]
