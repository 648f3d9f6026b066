"""Data for `fit`/`evaluate` as a contract's value: what the model gets from it, and the fix in the pipeline.

A `tf.data.Dataset` stands for its elements, read from its `element_spec` (never iterated);
arrays, tensors and structures of them are what they are. Generators and `PyDataset`s are not
read before training: a generator would be consumed, and a PyDataset's `__getitem__` (loading
files, augmenting) would cost every passing `fit`; Keras checks their batches as they come.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from pytest_shapes.adapters.datasets import element_of, model_part
from pytest_shapes.diagnosis import Diagnosis

# the methods of a Keras model that take data in fit's form: x (arrays, a dataset ...), y, ...
DATA_METHODS = ("fit", "evaluate", "train_on_batch", "test_on_batch")


class ModelData(NamedTuple):
    role: str  # "x" or "validation_data"
    value: Any  # what the model is called on: the data, or a dataset's element spec
    from_dataset: bool


def model_data(method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[ModelData]:
    """What the model will be called on in `method(*args, **kwargs)`, where it can be read without consuming it."""
    given = [("x", args[0] if args else kwargs.get("x"))]
    if method == "fit":
        validation = kwargs.get("validation_data")
        if isinstance(validation, tuple | list) and validation:
            validation = validation[0]  # (x_val, y_val[, sample_weight])
        given.append(("validation_data", validation))
    found = []
    for role, value in given:
        element = element_of(value)
        if element is not None:
            found.append(ModelData(role, model_part(element), True))
        elif getattr(value, "shape", None) is not None or isinstance(value, dict | list | tuple):
            found.append(ModelData(role, value, False))
    return found


def as_pipeline_fix(diagnosis: Diagnosis) -> Diagnosis:
    """A contract broken by a dataset's elements: the fix goes into the pipeline, not into one tensor."""
    if diagnosis.kind == "missing-batch-axis":
        varying = "None" in (diagnosis.actual or "")
        diagnosis.message += ": the dataset is not batched"
        diagnosis.hint = "batch the dataset: dataset = dataset.batch(32)" + (
            " (dataset.padded_batch(32) if its elements differ in length)" if varying else ""
        )
    elif not (diagnosis.kind == "extra-axis" and diagnosis.axis == 0):  # two batch axes: the hint says so
        diagnosis.hint += " (in the pipeline: the dataset's map() or what makes its elements)"
    return diagnosis
