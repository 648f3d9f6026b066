"""Layer traces: what each layer of a Keras model expects, and what it would receive.

Computed symbolically: the actual input shapes are pushed through each
layer's `compute_output_shape` along the model's graph. The model never runs
on data, so a trace costs microseconds per layer.
"""

from __future__ import annotations

from typing import Any

from pytest_shapes.adapters.models import dims_of
from pytest_shapes.classify import fits
from pytest_shapes.diagnosis import Diagnosis, TraceRow
from pytest_shapes.spec import format_shape

Shape = tuple[Any, ...]


def layer_trace(model: Any, input_shapes: Any) -> list[TraceRow]:
    """One row per layer of `model` fed `input_shapes`; the first failing row marked.

    Returns [] when the model's graph cannot be read (subclassed models, a
    Sequential model that was never built).
    """
    try:
        steps = list(_graph(model))
    except Exception:  # a model whose graph we cannot read gets no trace, not a crash
        return []
    if not steps:
        return []
    known: dict[int, Shape | None] = {}
    model_inputs = _model_inputs(model)
    for tensor, shape in zip(model_inputs, _flatten(input_shapes, len(model_inputs)), strict=False):
        known[id(tensor)] = shape

    rows: list[TraceRow] = []
    failed = False
    for layer, inputs, outputs in steps:
        expects = [dims_of(tensor.shape) for tensor in inputs]
        received = [known.get(id(tensor)) for tensor in inputs]
        row = TraceRow(_layer_label(layer), _show(expects), _show(received))
        rows.append(row)
        if failed or any(shape is None for shape in received):
            continue  # upstream failed: later rows show what the layer expects only
        receives = [shape for shape in received if shape is not None]
        problem = not all(fits(exp, got) for exp, got in zip(expects, receives, strict=True) if exp is not None)
        produced = None
        if not problem:
            produced = _output_shapes(layer, receives)
            problem = produced is None
        if problem:
            row.failing = failed = True
            continue
        for tensor, shape in zip(outputs, produced or [], strict=False):
            known[id(tensor)] = shape
    return rows


def failing_row(rows: list[TraceRow]) -> TraceRow | None:
    return next((row for row in rows if row.failing), None)


def attach_trace(diagnosis: Diagnosis, model: Any, input_shapes: Any) -> None:
    """Give a diagnosis about a Keras model its layer trace, and the first failing layer's name."""
    diagnosis.trace = layer_trace(model, input_shapes)
    row = failing_row(diagnosis.trace)
    if row is not None and not diagnosis.layer:
        diagnosis.layer = row.layer.split(" (", 1)[0]  # the name; the row also shows the type


def _graph(model: Any) -> Any:
    """(layer, input tensors, output tensors) in topological order, InputLayers skipped."""
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        nodes = getattr(layer, "_inbound_nodes", None)
        if not nodes:
            continue
        node = nodes[0]  # the call that built this model (shared layers: the first model)
        inputs = _node_tensors(node, "input")
        outputs = _node_tensors(node, "output")
        yield layer, inputs, outputs


def _node_tensors(node: Any, side: str) -> list[Any]:
    for attribute in (f"{side}_tensors", "keras_inputs" if side == "input" else "outputs"):
        tensors = getattr(node, attribute, None)
        if tensors is not None:
            return list(tensors) if isinstance(tensors, list | tuple) else [tensors]
    return []


def _model_inputs(model: Any) -> list[Any]:
    try:
        return list(model.inputs or [])
    except (AttributeError, ValueError):
        return []


def _flatten(shapes: Any, count: int) -> list[Shape | None]:
    if isinstance(shapes, dict):
        return list(shapes.values())
    if isinstance(shapes, list):
        return list(shapes)
    return [shapes] if count == 1 else [None] * count


def _output_shapes(layer: Any, receives: list[Shape]) -> list[Shape] | None:
    """What the layer would produce for these input shapes, or None when it cannot take them."""
    argument: Any = receives[0] if len(receives) == 1 else receives
    try:
        produced = layer.compute_output_shape(argument)
    except Exception:  # Keras says no: this is the layer that fails
        return None
    shapes = produced if isinstance(produced, list) else [produced]
    result = []
    for shape in shapes:
        dims = dims_of(shape)
        if dims is None or any(isinstance(dim, int) and dim <= 0 for dim in dims):
            return None
        result.append(dims)
    return result


def _layer_label(layer: Any) -> str:
    return f"{layer.name} ({type(layer).__name__})"


def _show(shapes: list[Shape | None]) -> str:
    texts = ["?" if shape is None else format_shape(shape) for shape in shapes]
    return texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"
