"""What an explainer knows around an error: the model, its inputs, its declared contract."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pytest_shapes.checker import shapes_of
from pytest_shapes.spec import AnySpec, parse

if TYPE_CHECKING:
    from pytest_shapes.explainers.messages import Message

_KERAS_MODULES = ("keras.", "tf_keras.")
_TF_ERROR_HANDLER = os.path.join("tensorflow", "python", "util", "traceback_utils.py")
# how the labels of a training loop are named: y, y_true, yb, y_batch, labels, targets ...
_LABEL_NAME = re.compile(r"y|yb|y_\w+|labels?(_\w+)?|targets?(_\w+)?")


class ExplainContext:
    """Lazily gathered facts for explainers; nothing here runs a model on data.

    Without a wrapper, `model` and `inputs` come from the traceback: the
    outermost frame whose `self` is a Keras model (its `call`, `__call__` or
    `predict`) and the argument that frame received. `from_framework` overrides
    the raise-site check, for messages read from text (recorded, or pasted).
    """

    def __init__(
        self,
        error: BaseException,
        *,
        model: Any = None,
        inputs: Any = None,
        shape_of: Callable[[Any], Any],
        expected_input: Callable[[Any], Any],
        from_framework: bool | None = None,
        notices: list[str] | None = None,
    ):
        self.error = error
        # one line each about explainers that misbehaved, for the report (never the diagnosis)
        self.notices = notices if notices is not None else []
        self._model = model
        self._inputs = inputs
        self.shape_of = shape_of
        self._expected_input = expected_input
        self._from_framework = from_framework
        self._messages: dict[int, Message] = {}

    def message(self, error: BaseException) -> Message:
        """`error` (this error or a link of its chain) read once; every explainer gets the same object."""
        found = self._messages.get(id(error))
        if found is None:
            from pytest_shapes.explainers.messages import read  # loaded with the first failure, not the fixture

            found = self._messages[id(error)] = read(error, from_framework=self._from_framework)
        return found

    def raised_in(self, code: re.Pattern[str]) -> bool:
        """Whether a framework frame of the error's traceback (any link) is in a file or function `code` matches."""
        from pytest_shapes.explainers.raise_site import in_framework

        return any(
            in_framework(frame.f_code.co_filename)
            and (code.search(frame.f_code.co_filename) or code.search(frame.f_code.co_name))
            for frame in frames(self.error)
        )

    @property
    def chain(self) -> list[BaseException]:
        """The error and its causes/contexts, outermost first."""
        return list(chain(self.error))

    @cached_property
    def _from_frames(self) -> tuple[Any, Any, str | None, dict[str, Any]]:
        return model_and_inputs_from_traceback(self.error)

    @property
    def entry(self) -> str | None:
        """The model method the test called ('fit', 'predict', '__call__' ...), when found."""
        return self._from_frames[2]

    @property
    def building(self) -> bool:
        """Whether the error came while the user's code built a Sequential model from layers (no data yet)."""
        return self.entry in _BUILDING

    @cached_property
    def batch_size(self) -> int | None:
        """The `batch_size` given to the model method the test called (fit, predict ...), when found."""
        size = self._from_frames[3].get("batch_size")
        return size if isinstance(size, int) and not isinstance(size, bool) and size > 0 else None

    def argument(self, name: str) -> Any:
        """An argument of the model method the test called (`y`, `validation_data` ...), when found."""
        return self._from_frames[3].get(name)

    @cached_property
    def labels_shape(self) -> tuple[Any, ...] | None:
        """The shape of the `y` given to fit/evaluate/train_on_batch (or of a PyDataset's first batch), when it is one array."""
        y = self.argument("y")
        if y is None and isinstance(self.first_batch, tuple) and len(self.first_batch) in (2, 3):
            y = self.first_batch[1]
        shape = self.shape_of(y) if y is not None else None
        return shape if isinstance(shape, tuple) else None

    @cached_property
    def first_batch(self) -> Any:
        """The first batch of a `keras.utils.PyDataset` / `Sequence` given as the data, or None."""
        from pytest_shapes.adapters.datasets import first_batch

        return first_batch(self.inputs) if self.inputs is not None else None

    @property
    def model(self) -> Any:
        return self._model if self._model is not None else self._from_frames[0]

    @property
    def inputs(self) -> Any:
        return self._inputs if self._inputs is not None else self._from_frames[1]

    @cached_property
    def keras_calls(self) -> list[tuple[Any, Any]]:
        """(layer or model, what it was called with) for each Keras call in the traceback, outermost first."""
        return [found for frame in frames(self.error) if (found := _keras_call(frame)) is not None]

    @cached_property
    def metric_arguments(self) -> tuple[Any, Any] | None:
        """The shapes of (y_true, y_pred) as a loss or metric called by hand got them: the outermost
        frame that holds both (update_state, __call__), before any reshaping inside."""
        for frame in frames(self.error):
            frame_locals = frame.f_locals
            if "y_true" in frame_locals and "y_pred" in frame_locals:
                labels, predictions = self.shape_of(frame_locals["y_true"]), self.shape_of(frame_locals["y_pred"])
                if isinstance(labels, tuple) and isinstance(predictions, tuple):
                    return labels, predictions
        return None

    def local_of(self, function: str, name: str) -> Any:
        """The local `name` of the first traceback frame of a function named `function` (its argument), or None."""
        return next(
            (
                frame.f_locals[name]
                for frame in frames(self.error)
                if frame.f_code.co_name == function and name in frame.f_locals
            ),
            None,
        )

    def layer_input(self, name: str) -> Any:
        """What the layer named `name` was called with, read from its call in the traceback (or None)."""
        return next((received for layer, received in self.keras_calls if getattr(layer, "name", None) == name), None)

    @cached_property
    def dataset(self) -> Any:
        """The `tf.data.Dataset` given as the data (fit(dataset) ...), or None."""
        from pytest_shapes.adapters.datasets import element_of

        return self.inputs if element_of(self.inputs) is not None else None

    @cached_property
    def input_shapes(self) -> Any:
        """The shape of the input (or a list/dict of shapes), or None.

        For a PyDataset the shapes of its first batch; for a `tf.data.Dataset` the shapes its
        elements declare (`element_spec`, never iterated). Falls back to the argument shapes
        Keras 3 lists in its messages ("Arguments received by Sequential.call():
        inputs=tf.Tensor(shape=(64,) ...").
        """
        if self.building:  # no data yet: shapes in the message are a layer's, not the model's input
            return None
        shapes = shapes_of(self.inputs, self.shape_of)
        if shapes is None and self.first_batch is not None:  # fit(py_dataset): what each step gets
            from pytest_shapes.adapters.datasets import model_part

            shapes = shapes_of(model_part(self.first_batch), self.shape_of)
        if shapes is None and self.dataset is not None:
            from pytest_shapes.adapters.datasets import input_shapes  # fit(dataset): what each batch holds

            shapes = input_shapes(self.dataset)
        if shapes is None:
            shapes = next((m.received for m in map(self.message, chain(self.error)) if self._model_received(m)), None)
        return shapes

    def _model_received(self, message: Message) -> bool:
        """Whether `message` lists what the model's call received (not what one of its layers did)."""
        if message.received is None:
            return False
        model = self.model
        return model is None or message.layer in (type(model).__name__, getattr(model, "name", None))

    @property
    def local_arrays(self) -> dict[str, tuple[Any, ...]]:
        """The NumPy arrays in the locals of the user's frames of the traceback (name -> shape).

        For facts the model cannot tell while it is being built: `Input(shape=x.shape)` names x.
        """
        return self._locals[0]

    @cached_property
    def local_labels_shape(self) -> tuple[Any, ...] | None:
        """The shape of the one NumPy array of the user's frames named as labels are (y, y_true, labels,
        targets ...), for a training loop that calls the model itself; None when there are none or several."""
        shapes = {shape for name, shape in self.local_arrays.items() if _LABEL_NAME.fullmatch(name)}
        return shapes.pop() if len(shapes) == 1 else None

    def user_objects(self, class_name: str) -> list[Any]:
        """The objects of class `class_name` in the locals of the user's frames of the traceback (a
        vectorizer the test made, say), each once."""
        from pytest_shapes.explainers.raise_site import in_framework

        found: dict[int, Any] = {}
        for frame in frames_of(self.error):
            if not in_framework(frame.f_code.co_filename):
                for value in frame.f_locals.values():
                    if type(value).__name__ == class_name:
                        found.setdefault(id(value), value)
        return list(found.values())

    @property
    def local_inputs(self) -> dict[str, tuple[Any, ...]]:
        """The symbolic tensors (`keras.Input(...)` and what layers made of it) in the user's frames."""
        return self._locals[1]

    @cached_property
    def _locals(self) -> tuple[dict[str, tuple[Any, ...]], dict[str, tuple[Any, ...]]]:
        from pytest_shapes.explainers.raise_site import in_framework

        arrays: dict[str, tuple[Any, ...]] = {}
        symbolic: dict[str, tuple[Any, ...]] = {}
        for frame in frames_of(self.error):
            if in_framework(frame.f_code.co_filename):
                continue
            for name, value in frame.f_locals.items():
                kind = type(value)
                if kind.__module__ == "numpy" and isinstance(getattr(value, "shape", None), tuple):
                    arrays.setdefault(name, value.shape)
                elif kind.__name__ == "KerasTensor" and is_keras_object(value):
                    shape = self.shape_of(value)
                    if isinstance(shape, tuple):
                        symbolic.setdefault(name, shape)
        return arrays, symbolic

    @cached_property
    def op_operand_shapes(self) -> list[tuple[Any, ...]]:
        """Shapes of the tensors given to the TensorFlow op that raised, in order; [] when unknown.

        For kernels whose messages name no shapes (oneDNN's "In[0] ndims must be >= 2").
        TensorFlow filters its frames out of tracebacks but keeps its `error_handler(*args,
        **kwargs)` wrapper around public ops; the innermost one holds the op's arguments.
        """
        shapes = [self.shape_of(value) for value in self.op_arguments]
        return [shape for shape in shapes if shape is not None]

    @cached_property
    def op_arguments(self) -> list[Any]:
        """The arguments of the TensorFlow op that raised (tensors, shapes, an einsum equation); [] when unknown."""
        for link in chain(self.error):
            arguments = _innermost_tf_op_arguments(link)
            if arguments:
                return arguments
        return []

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


def is_keras_object(value: Any) -> bool:
    cls = type(value)
    return cls.__module__.startswith(_KERAS_MODULES) or any(
        base.__module__.startswith(_KERAS_MODULES) for base in cls.__mro__[1:]
    )


def is_keras_model(value: Any) -> bool:
    return hasattr(value, "layers") and hasattr(value, "predict") and is_keras_object(value)


_MAX_CHAIN = 16


def chain(error: BaseException) -> Iterator[BaseException]:
    """`error` and its causes/contexts, outermost first, each once."""
    seen: set[int] = set()
    pending = [error]
    while pending and len(seen) < _MAX_CHAIN:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for link in (current.__cause__, current.__context__):
            if link is not None:
                pending.append(link)


def frames_of(link: BaseException) -> Iterator[Any]:
    """The frames of one exception's own traceback, outermost first."""
    tb = link.__traceback__
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next


def frames(error: BaseException) -> Iterator[Any]:
    """Every frame of every link of `error`'s chain: the error's own first, outermost first."""
    for link in chain(error):
        yield from frames_of(link)


def model_and_inputs_from_traceback(error: BaseException) -> tuple[Any, Any, str | None, dict[str, Any]]:
    """The outermost Keras model in `error`'s traceback (or chain), its input, the method called and its keywords."""
    for frame in frames(error):
        found = _model_call(frame)
        if found is not None:
            return found
    return None, None, None, {}


def _innermost_tf_op_arguments(error: BaseException) -> list[Any]:
    arguments: list[Any] = []
    generated: list[Any] = []  # ops without the wrapper (tf.tile): their generated function's own arguments
    for frame in frames_of(error):
        code = frame.f_code
        if code.co_name == "error_handler" and code.co_filename.endswith(_TF_ERROR_HANDLER):
            args, kwargs = frame.f_locals.get("args"), frame.f_locals.get("kwargs")
            arguments = [
                *(args if isinstance(args, tuple) else ()),
                *(kwargs.values() if isinstance(kwargs, dict) else ()),
            ]
        elif not generated and _GENERATED_OPS.search(code.co_filename):
            names = code.co_varnames[: code.co_argcount]
            generated = [
                frame.f_locals[name] for name in names if name not in ("name", "ctx") and name in frame.f_locals
            ]
    return arguments or generated


_GENERATED_OPS = re.compile(r"[\\/]gen_\w+_ops\.py$")


def _model_call(frame: Any) -> tuple[Any, Any, str | None, dict[str, Any]] | None:
    """(model, input, method, keywords) if `frame` is a Keras model method, else None.

    Keras filters its own frames out of tracebacks but keeps its
    `error_handler(*args, **kwargs)` wrapper around public methods: there
    args[0] is the model and `fn` the method (predict, fit, __call__ ...).
    """
    frame_locals = frame.f_locals
    if frame.f_code.co_name == "error_handler":
        args = frame_locals.get("args")
        if isinstance(args, tuple) and args and is_keras_model(args[0]):
            kwargs = frame_locals.get("kwargs")
            kwargs = kwargs if isinstance(kwargs, dict) else {}
            received = args[1] if len(args) > 1 else kwargs.get("x", kwargs.get("inputs"))
            method = getattr(frame_locals.get("fn"), "__name__", None)
            if len(args) > 2 and "y" not in kwargs:  # fit(x, y) / evaluate(x, y) / train_on_batch(x, y)
                kwargs = {**kwargs, "y": args[2]}
            return args[0], received, method, kwargs
        return None
    candidate = frame_locals.get("self")
    if candidate is not None and is_keras_model(candidate):
        method = frame.f_code.co_name
        if method == "_method_wrapper":  # TensorFlow's trackable decorator (tf_keras' Sequential.__init__)
            method = getattr(frame_locals.get("method"), "__name__", method)
        if method in _BUILDING:  # the model is being built: its arguments are layers, not data
            return candidate, None, method, {"layers": _layers_given(frame_locals)}
        return candidate, _received_input(frame_locals), method, frame_locals
    return None


def _keras_call(frame: Any) -> tuple[Any, Any] | None:
    """(layer, its input) if `frame` is Keras' `error_handler(layer, inputs, ...)` around a call."""
    if frame.f_code.co_name != "error_handler":
        return None
    args = frame.f_locals.get("args")
    if not isinstance(args, tuple) or not args or not is_keras_object(args[0]):
        return None
    kwargs = frame.f_locals.get("kwargs")
    return args[0], args[1] if len(args) > 1 else kwargs.get("inputs") if isinstance(kwargs, dict) else None


_BUILDING = ("__init__", "add")  # Sequential methods that build it from layers


def _layers_given(frame_locals: dict[str, Any]) -> list[Any]:
    """The layers a Sequential model is being built from: `Sequential(layers)` or `add(layer)`; the one
    that fails may not have joined `model.layers` yet."""
    args = frame_locals.get("args")  # tf_keras: TensorFlow's trackable wrapper(self, *args)
    given = frame_locals.get("layers", frame_locals.get("layer", args[0] if isinstance(args, tuple) and args else None))
    found = given if isinstance(given, list | tuple) else [given]
    return [layer for layer in found if is_keras_object(layer)]


def _received_input(frame_locals: dict[str, Any]) -> Any:
    for key in ("x", "inputs"):
        if frame_locals.get(key) is not None:
            return frame_locals[key]
    args = frame_locals.get("args")
    if isinstance(args, tuple) and args:
        return args[0]
    return None
