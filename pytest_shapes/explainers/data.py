"""Data pipelines: what a generator or a `tf.data` dataset yields against what was declared or batched.

- ``generator` yielded an element of shape (28, 28) where an element of shape (28, 28, 1) was expected``
  (`Dataset.from_generator` and its `output_signature`; the text may sit deep in a graph error)
- ``Cannot batch tensors with different shapes in component 0. First element had shape [3] and element 1 had shape [5]``
"""

from __future__ import annotations

import re
from typing import Any

from pytest_shapes.classify import compare
from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.explainers.messages import SHAPE_PATTERN, Message, parse_shape
from pytest_shapes.explainers.rootcause import root_cause
from pytest_shapes.explainers.table import row
from pytest_shapes.spec import format_shape

S = SHAPE_PATTERN


def _generator_shape(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    actual, declared = parse_shape(match.group(1)), parse_shape(match.group(2))
    where = "element yielded by the generator of Dataset.from_generator"
    diagnosis = compare(declared, actual, where)
    # a declared leading None is a batch axis (the generator was meant to yield batches); a leading 1
    # is an axis of each sample: a label 3 where (1,) is declared lacks that axis
    batches = bool(declared) and declared[0] is None and len(declared) == len(actual) + 1
    if diagnosis.kind == "missing-batch-axis" and declared[:1] == (1,):
        diagnosis.kind = "missing-axis"
        diagnosis.message = f"{where}: expected {format_shape(declared)}, got {format_shape(actual)} (axis 0 missing)"
        diagnosis.axis = 0
    diagnosis.hint = (
        f"the generator yields {format_shape(actual)} but its output_signature declares {format_shape(declared)}: "
        "make the generator yield the declared shape, or fix the tf.TensorSpec in output_signature"
        + ("; yield one sample at a time and batch the dataset: .batch(32)" if batches else "")
    )
    return diagnosis


def _generator_structure(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    # the message goes on with the yielded element's value: never shown
    declared = match.group(1)
    return Diagnosis(
        "structure-mismatch",
        f"Dataset.from_generator: the generator yielded an element that is not the declared structure {declared}",
        hint=f"yield exactly the structure of output_signature, {declared} (for fit: (features, label) pairs, "
        "`yield x, y`), or declare output_signature as what the generator yields",
        expected=declared,
    )


def _padded_shapes_structure(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """padded_batch's padded_shapes (or padding_values) nested unlike the dataset's elements."""
    if not context.raised_in(re.compile(r"padded_batch")):
        return None  # tf.nest says this about any two structures: only padded_batch's is about the data
    return Diagnosis(
        "structure-mismatch",
        "dataset.padded_batch(): padded_shapes is not nested like the dataset's elements",
        hint="give padded_shapes the elements' structure: for (x, y) pairs a pair, e.g. "
        "padded_shapes=([None], []); or leave it out to pad every component to its longest",
    )


def _batch_ragged(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    first, other = parse_shape(match.group(2)), parse_shape(match.group(4))
    return Diagnosis(
        "size-mismatch",
        f"dataset.batch(): element {match.group(3)} has shape {format_shape(other)}, the first {format_shape(first)} "
        f"(component {match.group(1)}): elements of different lengths cannot be stacked",
        hint="pad them to one length: dataset.padded_batch(32) (or ragged_batch); or cut/pad each element first",
        expected=format_shape(first),
        actual=format_shape(other),
    )


def _pad_smaller(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    return Diagnosis(
        "size-mismatch",
        "dataset.padded_batch(): padded_shapes is smaller than an element",
        hint="pad to at least the longest element (padded_shapes=None pads to each batch's longest), "
        "or cut the elements to the length first: dataset.map(lambda x: x[:n])",
        expected="padded_shapes >= every element",
    )


_DATASET_FUNCTION = re.compile(r"structured_function|dataset_ops|(?:map|filter|flat_map|interleave)_op")


def _function_arity(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """A `dataset.map(fn)` whose fn takes another number of arguments than the element has components."""
    if not context.raised_in(_DATASET_FUNCTION):
        return None  # a Python call error anywhere else says nothing about a dataset
    takes, given = int(match.group(2)), int(match.group(3))
    return Diagnosis(
        "structure-mismatch",
        f"dataset function {match.group(1)}() takes {takes} argument(s), but each element has {given} components",
        hint=f"tf.data passes an element's tuple as separate arguments: take all {given} (e.g. lambda x, y: ...), "
        "or map over a dataset of single tensors",
        expected=f"{given} arguments",
        actual=f"{takes} arguments",
    )


_SLICING = re.compile(r"from_tensor_slices")


def _slices_of_different_lengths(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """Dataset.from_tensor_slices((x, y)) slices every component along axis 0: they must have as many rows.
    TensorShape's own wording is generic, so only its raise inside from_tensor_slices says this."""
    if not context.raised_in(_SLICING):
        return None
    first, other = int(match.group(1)), int(match.group(2))
    tensors = context.local_of("from_tensor_slices", "tensors")
    parts = list(tensors.values()) if isinstance(tensors, dict) else tensors
    shapes = [context.shape_of(part) for part in parts] if isinstance(parts, list | tuple) else []
    shown = " and ".join(format_shape(shape) for shape in shapes if isinstance(shape, tuple))
    return Diagnosis(
        "size-mismatch",
        f"Dataset.from_tensor_slices: its components {shown or '(x, y ...)'} have {first} and {other} rows; "
        "each is sliced along axis 0 into samples, so all need as many",
        hint="give features and labels the same number of samples (len(x) == len(y)): check the split, "
        "filter or window that made one of them shorter",
        expected=f"{first} rows",
        actual=f"{other} rows",
        axis=0,
    )


ROWS = (
    row(r"^Dimensions (\d+) and (\d+) are not compatible$", _slices_of_different_lengths, re.M),
    row(r"Attempted to pad to a smaller size than the input element", _pad_smaller),
    row(
        rf"`generator` yielded an element of shape ({S}) where an element of shape ({S}) was expected", _generator_shape
    ),
    row(
        r"`generator` yielded an element that did not match the expected structure\. The expected structure was "
        r"((?:\(|\[|\{)[\w., :'\"()\[\]{}]*?(?:\)|\]|\})|tf\.\w+), but the yielded element was",
        _generator_structure,
    ),
    row(
        rf"Cannot batch tensors with different shapes in component (\d+)\. First element had shape ({S}) and element (\d+) had shape ({S})",
        _batch_ragged,
    ),
    row(r"([\w<>]+)\(\) takes (\d+) positional arguments? but (\d+) were given", _function_arity),
    row(r"If shallow structure is a sequence, input must also be a sequence", _padded_shapes_structure),
)


def refine(symptom: Diagnosis, message: Message, context: Any) -> Diagnosis:
    return root_cause(symptom, context) or symptom
