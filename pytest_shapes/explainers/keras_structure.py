"""Inputs that do not line up with a model's Inputs, and weights that do not fit a layer."""

from __future__ import annotations

import re
from typing import Any

from pytest_shapes.classify import compare
from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.explainers.messages import SHAPE_PATTERN, Message, parse_shape
from pytest_shapes.explainers.table import Builder, as_symptom, row
from pytest_shapes.spec import format_shape

S = SHAPE_PATTERN
refine = as_symptom


def _input_count(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    want, keys, got = match.group(1), match.group(2), match.group(3)
    example = (
        f"model({{{', '.join(f'{key}: ...' for key in keys.strip('[]').split(', '))}}})" if keys else "model([x1, x2])"
    )
    hint = f"pass every input, as a list or a dict: {example}"
    named = re.search(r"Layer [\"']([\w./-]+)[\"'] expects", message.text)
    model = getattr(context.model, "name", None)
    what = f"{'model' if named.group(1) == model else 'layer'} '{named.group(1)}'" if named else "the layer or model"
    if int(got) > int(want) and named and _whole_dataset_element(named.group(1), context):
        hint = (
            f"the dataset's whole element, {got} parts (x, y ...), reached it as its input: unpack the batch "
            "first (in a custom train_step: x, y = data; or map the dataset to the inputs only)"
        )
    elif want == "2" and got == "1" and _flat_dataset_element(context):
        hint = (
            "the dataset yields a flat tuple of 3 tensors, which Keras reads as (x, y, sample_weight): the model "
            "got only the first as its input. Nest the inputs: ((x1, x2), y), e.g. Dataset.zip(((a, b), y)) or "
            "ds.map(lambda a, b, y: ((a, b), y))"
        )
    elif int(got) > int(want):
        hint = (
            f"it got a list of {got} tensors: pass {want}; a layer that returns several (an RNN with "
            "return_state=True returns [output, *states]) must be unpacked: output, state = layers.GRU(..., "
            "return_state=True)(x)"
        )
    return Diagnosis(
        "structure-mismatch",
        f"{what} takes {want} input{'' if want == '1' else 's'}{f' {keys}' if keys else ''}, but received {got}",
        hint=hint,
        expected=f"{want} inputs",
        actual=f"{got} inputs",
    )


def _flat_dataset_element(context: Any) -> bool:
    """Whether the fit dataset's elements are a flat triple, (a, b, y): a two-input model's inputs and the labels."""
    from pytest_shapes.adapters.datasets import element_of

    element = element_of(context.dataset) if context.dataset is not None else None
    return (
        isinstance(element, tuple)
        and len(element) == 3
        and not any(isinstance(part, tuple | list | dict) for part in element)
    )


def _whole_dataset_element(layer: str, context: Any) -> bool:
    """Whether the tensors the layer received have the shapes of the fit dataset's whole element (x and y)."""
    from pytest_shapes.adapters.datasets import element_of, shapes_of_element

    dataset = context.dataset
    element = shapes_of_element(element_of(dataset)) if dataset is not None else None
    received = context.layer_input(layer)
    if not isinstance(element, list) or len(element) < 2 or not isinstance(received, list | tuple):
        return False
    return [context.shape_of(tensor) for tensor in received] == [tuple(shape) for shape in element]


def _missing_key(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    given, wanted = re.findall(r"'([^']+)'", match.group(2)), re.findall(r"'([^']+)'", match.group(3))
    hint = f"name the dict keys after the model's Input layers: {match.group(3)}"
    if len(wanted) == 1 and len(given) > 1:
        hint = _stack_columns(given, "one input") + f"; or name a single key {match.group(3)}"
    return Diagnosis(
        "structure-mismatch",
        f"input {match.group(1)!r} is missing: the data dict has keys {match.group(2)}, the model's are {match.group(3)}",
        hint=hint,
        expected=match.group(3),
        actual=match.group(2),
    )


def _weights(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    layer, want, got = match.group(1), parse_shape(match.group(2)), parse_shape(match.group(3))
    diagnosis = compare(want, got, f"weights for layer '{layer}'")
    diagnosis.hint = (
        f"the weights were made for a differently shaped layer ({format_shape(got)} vs {format_shape(want)}): "
        "rebuild the model with the input size the weights were trained on, or retrain"
    )
    diagnosis.layer = layer
    return diagnosis


def _assign(variable: int, value: int, path: int) -> Builder:
    """A builder for a value assigned (or loaded) into a variable of another shape; the arguments are group numbers."""

    def build(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
        want, got = parse_shape(match.group(variable)), parse_shape(match.group(value))
        parts = [part for part in (match.group(path) or "").split(":")[0].split("/") if part]
        layer = parts[-2] if len(parts) >= 2 else None
        diagnosis = compare(want, got, f"weights for layer '{layer}'" if layer else "variable assignment")
        diagnosis.hint = (
            f"the value was made for a differently shaped variable ({format_shape(got)}, the variable is "
            f"{format_shape(want)}): loading saved weights? build the model as it was saved (the layer sizes of "
            "the checkpoint), or load only the layers that match (load_weights(path, skip_mismatch=True))"
        )
        diagnosis.layer = layer
        return diagnosis

    return build


def _undefined(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    variable = match.group(2)
    layer = (variable.split("/")[-2] if "/" in variable else variable) or None
    return unknown_size(format_shape(parse_shape(match.group(1))), layer)


def unknown_size(shape: str, layer: str | None) -> Diagnosis:
    """A layer that cannot build its weights: the size of its input's last (feature/channel) axis is None."""
    return Diagnosis(
        "size-mismatch",
        f"{f'layer {layer!r}' if layer else 'a layer'} cannot build its weights for {shape}: "
        "the size of its input's last axis is unknown (None)",
        hint=(
            "give the feature axis a size, e.g. keras.Input(shape=(n_features,)); after convolutions on "
            "variable-size images use layers.GlobalAveragePooling2D() instead of Flatten(); after layers that "
            "lose the size (a Lambda, tf.reshape with -1) set it with layers.Reshape or tf.ensure_shape; "
            "convert ragged inputs to dense/padded tensors first"
        ),
        expected="a known last axis",
        actual=shape,
        layer=layer,
    )


def _structure(hint: str) -> Any:
    """A builder for a structure message that says all there is: the message is the diagnosis."""

    def build(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
        return Diagnosis("structure-mismatch", match.group(0).rstrip(".:"), hint=hint)

    return build


_DICT_KEY = r"'([^']+)': "


def _label_keys(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """Labels given as a dict whose keys are not the model's output names: Keras pairs them up by name.

    Keras 3 then converts the unmatched keys themselves to tensors ("Expected float32, but got
    kind_output of type 'str'"), tf_keras compares flattened structures of different lengths:
    only the facts (the keys, the output names) say it is the label dict.
    """
    keys = _label_dict_keys(context)
    names = getattr(context.model, "output_names", None)
    if keys is None or not isinstance(names, list | tuple) or not names or set(keys) == set(names):
        return None
    return Diagnosis(
        "structure-mismatch",
        f"the labels are a dict with keys {sorted(keys)}, the model's outputs are named {list(names)}",
        hint="key the labels by the model's output names (the output layers' names): "
        + "{"
        + ", ".join(f"{name!r}: ..." for name in names)
        + "}",
        expected=str(list(names)),
        actual=str(sorted(keys)),
    )


def _labels_per_output(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """tf_keras pairs the labels with the outputs by structure: keyed by other names, or a list of another length."""
    found = _label_keys(match, message, context)
    if found is not None:
        return found
    labels, names = context.argument("y"), getattr(context.model, "output_names", None)
    if not isinstance(labels, list | tuple) or not isinstance(names, list | tuple) or len(labels) == len(names):
        return None
    return Diagnosis(
        "structure-mismatch",
        f"the labels are a {type(labels).__name__} of {len(labels)} arrays, the model has {len(names)} outputs "
        f"({', '.join(map(str, names))})",
        hint=f"give one label array per output, in the outputs' order: [{', '.join(f'y_{name}' for name in names)}] "
        "(or a dict keyed by the output names)",
        expected=f"{len(names)} label arrays",
        actual=f"{len(labels)} label arrays",
    )


_DIFFERENT_STRUCTURES = _structure(
    "give y the structure of the model's outputs: one array per output, as a list or a dict keyed by output name"
)


def _outputs_and_labels(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """Keras 3 compares the labels' structure with the outputs': the facts say how, the message that they differ."""
    return _labels_per_output(match, message, context) or _DIFFERENT_STRUCTURES(match, message, context)


def _no_labels(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """fit/evaluate given inputs alone for a model compiled with a loss: the labels are missing from the data.

    Keras 3 then converts the missing labels (None) to a tensor, tf_keras says "Target data is missing".
    """
    from pytest_shapes.adapters.datasets import element_of
    from pytest_shapes.pipeline import DATA_METHODS

    if context.entry not in DATA_METHODS or context.argument("y") is not None:
        return None
    if context.dataset is not None:
        element = element_of(context.dataset)
        if isinstance(element, tuple) and len(element) >= 2:
            return None  # (x, y) pairs: the labels are there
        given = "a dataset of inputs alone"
        hint = (
            "make the dataset yield (x, y) pairs: tf.data.Dataset.from_tensor_slices((x, y)), "
            "tf.data.Dataset.zip((inputs, labels)), or dataset.map(lambda example: (example['x'], example['y']))"
        )
    elif context.first_batch is not None:
        if isinstance(context.first_batch, tuple) and len(context.first_batch) >= 2:
            return None
        given, hint = "a PyDataset whose batches hold inputs alone", "return (x, y) from the PyDataset's __getitem__"
    elif context.argument("x") is not None or context.inputs is not None:
        given, hint = "inputs without labels", f"pass the labels: model.{context.entry}(x, y)"
    else:
        return None
    return Diagnosis(
        "structure-mismatch",
        f"{context.entry}() got {given}, but the model was compiled with a loss, which needs labels",
        hint=hint,
        expected="(x, y)",
        actual="x alone",
    )


def _label_dict_keys(context: Any) -> list[str] | None:
    """The keys of the labels given to fit/evaluate as a dict, or as a dict inside a dataset's (x, y) elements."""
    from pytest_shapes.adapters.datasets import element_of

    labels = context.argument("y")
    if labels is None:
        element = element_of(context.dataset)
        labels = element[1] if isinstance(element, tuple) and len(element) in (2, 3) else None
    return [str(key) for key in labels] if isinstance(labels, dict) else None


def _inputs_structure(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    """Keras 3 flattens the data and the model's inputs and compares their structures."""
    expected, received = match.group(1).strip(), match.group(2).strip()
    keys = re.findall(_DICT_KEY, received) if received.startswith("{") else []
    if keys and not expected.startswith("{"):
        hint = _stack_columns(keys, "one input" if "[" not in expected else "a list")
    else:
        hint = "give the data the structure of the model's inputs: one array per Input, as a list or a dict keyed by the Inputs' names"
    return Diagnosis(
        "structure-mismatch",
        "the structure of the inputs does not match the model's: "
        f"{'a dict with keys ' + str(keys) if keys else 'another structure'} where it expects {_structure_of(expected)}",
        hint=hint,
    )


def _stack_columns(keys: list[str], takes: str) -> str:
    return (
        f"the data is a dict of {len(keys)} columns ({', '.join(keys[:6])}) and the model takes {takes}: stack the "
        "columns into one array (np.stack([df[k] for k in keys], axis=1)), or give the model one named keras.Input "
        "per key"
    )


def _structure_of(expected: str) -> str:
    if expected.startswith("{"):
        return f"a dict with keys {re.findall(_DICT_KEY, expected)}"
    if expected.startswith(("[", "(")):
        return f"a list of {expected.count('keras_tensor') or 'several'} inputs"
    return "one tensor"


def _one_input_argument(others: list[str]) -> str:
    names = ", ".join(["x", *others]) if others else "x1, x2"
    return (
        "fit, evaluate, predict and model(x) pass the inputs as one argument: take them as one structure, "
        f"def call(self, inputs): {names} = inputs, and pass them together: model(({names})), fit(({names}), y)"
    )


def _positional_inputs(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    others = re.findall(r"'(\w+)'", match.group(1))
    return Diagnosis("structure-mismatch", match.group(0).rstrip(".:"), hint=_one_input_argument(others))


def _bound_call_arguments(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """Keras 3 binds call()'s arguments with inspect: a positional input it was not given is missing."""
    if not context.raised_in(re.compile(r"keras[/\\]")):
        return None
    return Diagnosis(
        "structure-mismatch",
        f"the layer or model's call() takes another input, but got one: {match.group(0)}",
        hint=_one_input_argument([match.group(1)]),
    )


ROWS = (
    row(
        r"The structure of `inputs` doesn't match the expected structure\.\s*Expected: (.*?)\s*Received: inputs=(.*)",
        _inputs_structure,
    ),
    row(r"expects (\d+) (?:named )?input\(s\)(?: with keys (\[[^\]]*\]))?, but it received (\d+) input", _input_count),
    row(
        r'Missing data for input "([^"]+)"\. You passed a data dictionary with keys (\[[^\]]*\])\. Expected the following keys: (\[[^\]]*\])',
        _missing_key,
    ),
    row(
        rf"`variable\.assign\(value\)` must match\. variable\.shape=({S}), Received: value\.shape=({S})(?:\. Target variable: <Variable path=([\w/.-]+))?",
        _assign(variable=1, value=2, path=3),
    ),
    row(
        rf"Cannot assign value to variable '\s*([^']*)': Shape mismatch\.\s*The variable shape ({S}), and the assigned value shape ({S}) are incompatible",
        _assign(variable=2, value=3, path=1),
    ),
    row(rf"(?:Layer )?([\w/.-]+) weight shape ({S}) is not compatible with provided weight shape ({S})", _weights),
    row(
        rf"Shapes used to initialize variables must be fully-defined \(no `None` dimensions\)\. Received: shape=({S}) for variable path='([^']+)'",
        _undefined,
    ),
    row(
        rf"The last dimension of the inputs to a Dense layer should be defined\. Found None\. Full input shape received: ({S})()",
        _undefined,
    ),
    # merge and attention layers take lists of inputs
    row(
        r"A `?\w+`? layer should be called on (?:a list of (?:at least )?\d+ inputs?|exactly \d+ inputs)",
        _structure("pass the inputs as one list: layers.Concatenate()([a, b]); Dot and Subtract take exactly two"),
    ),
    row(
        r"A merge layer should be called on a list of inputs",
        _structure("pass the inputs as one list: layers.Add()([a, b])"),
    ),
    row(
        r"Attention layer (?:must be called on a list of inputs|accepts inputs list of length 2 or 3)",
        _structure("call it on [query, value] or [query, value, key]: layers.Attention()([query, value])"),
    ),
    # a subclassed model whose call() takes its inputs as separate positional arguments: Keras passes one x
    row(
        r"Models passed to `fit` can only have `training` and the first argument in `call\(\)` as positional "
        r"arguments, found: (\[[^\]]*\])",
        _positional_inputs,
    ),
    row(r"^missing a required argument: '(\w+)'", _bound_call_arguments),
    # what fit/evaluate/predict get from a dataset, a generator or a PyDataset
    row(
        r"Data is expected to be in format `x`, `\(x,\)`, `\(x, y\)`, or `\(x, y, sample_weight\)`",
        _structure(
            "yield (x,), (x, y) or (x, y, sample_weight); several inputs go in one tuple or dict: ((x1, x2), y)"
        ),
    ),
    row(
        r"(?:the generator must return a tuple|PyDataset\.__getitem__\(\) must return a tuple or a dict)",
        _structure(
            "return (x,), (x, y) or (x, y, sample_weight) from each step; several inputs in one tuple: ((x1, x2), y)"
        ),
    ),
    row(
        r"Expected keys (\[[^\]]*\]) in loss dict, but found loss\.keys\(\)=(\[[^\]]*\])",
        _structure("name the loss dict's keys after the model's outputs"),
    ),
    row(
        r"Found unexpected losses or metrics that do not correspond to any Model output: dict_keys\((\[[^\]]*\])\)\. "
        r"Valid mode output names: (\[[^\]]*\])",
        _structure("key the loss/metric dict (and the label dict) by the model's output names (the layers' names)"),
    ),
    row(r"^None values not supported|Target data is missing\. Your model was compiled with", _no_labels),
    row(r"Expected \w+, but got \w+ of type 'str'", _label_keys),  # Keras 3: a label key made a tensor
    row(r"The two structures don't have the same (?:sequence length|nested structure)", _labels_per_output),  # tf_keras
    row(r"y_true and y_pred have different structures", _outputs_and_labels),
    # weights and states
    row(
        r"You called `set_weights\(weights\)` on layer [\"']?[\w/.-]+[\"']? with a weight list of length \d+, but the layer was expecting \d+ weights",
        _structure("pass every weight the layer has (layer.get_weights() shows the list: kernel, then bias)"),
    ),
    row(
        r"Layer [\w/.-]+ expects \d+ states?, but it received \d+ state values?",
        _structure("pass one initial state per RNN state: an LSTM has two, initial_state=[h, c]"),
    ),
)
