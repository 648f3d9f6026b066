"""Shape checks inside Keras layers and ops beyond the input spec: convolutions, merges, attention,
matrix products in `keras.ops`, and layers that need a known size to build their weights.

Each row reads the sizes the message gives; `refine` compares the data with the model when known.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.explainers import tf_ops
from pytest_shapes.explainers.keras_structure import unknown_size
from pytest_shapes.explainers.messages import SHAPE_PATTERN, Message, parse_shape
from pytest_shapes.explainers.rootcause import root_cause
from pytest_shapes.explainers.table import row
from pytest_shapes.spec import format_shape

S = SHAPE_PATTERN


_CONVOLUTION = "convolution: the input has {got} channels, the kernel was built for {want}"


def _channels(got_first: bool, what: str) -> Any:
    """A builder for "<op> wants n channels, got m" messages; `got_first`: the message names the input's count first.

    `what` is the headline, with {got} and {want} for the two counts.
    """

    def build(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
        got, want = (match.group(1), match.group(2)) if got_first else (match.group(2), match.group(1))
        return Diagnosis(
            "size-mismatch",
            what.format(got=got, want=want),
            hint=f"feed {want}-channel data (channels-last (N, H, W, {want}); from one channel: np.repeat(x, {want}, "
            f"-1) or tf.image.grayscale_to_rgb), or build the layer for {got} channels",
            expected=f"{want} channels",
            actual=f"{got} channels",
            axis=-1,
        )

    return build


def _merge(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    shapes = [parse_shape(text) for text in re.findall(S, match.group(1))]
    a, b = shapes[0], shapes[1] if len(shapes) > 1 else shapes[0]
    return tf_ops.concat_shapes(a, b)


def _batch_sizes(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    shapes = [parse_shape(text) for text in re.findall(S, match.group(1))]
    return Diagnosis(
        "size-mismatch",
        f"merging tensors with different batch sizes: {', '.join(format_shape(shape) for shape in shapes)}",
        hint="every input of a merge layer needs the same number of samples: check how each input was sliced or batched",
        expected=format_shape(shapes[0]),
        actual=format_shape(shapes[-1]),
        axis=0,
    )


def _matmul(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    return tf_ops.matmul(parse_shape(match.group(1)), parse_shape(match.group(2)))


def _attention(first: str, second: str) -> Any:
    def build(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
        a, b = parse_shape(match.group(1)), parse_shape(match.group(2))
        differing = [i for i in range(min(len(a), len(b))) if a[i] != b[i] and None not in (a[i], b[i])]
        return Diagnosis(
            "size-mismatch",
            f"attention: {first} {format_shape(a)} and {second} {format_shape(b)} differ on axis "
            f"{differing[0] if differing else '?'}",
            hint=f"give {first} and {second} the sizes the layer pairs up (the same sequence length for key and value, "
            "the same feature size where they are compared): check which tensor is passed where",
            expected=format_shape(a),
            actual=format_shape(b),
            axis=differing[0] if differing else None,
        )

    return build


def _empty_output(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    return tf_ops.spatial("the output would be empty", format_shape(parse_shape(match.group(1))))


def _undefined(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    return unknown_size(format_shape(parse_shape(match.group(1))), None)


def _dtype(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    layer, expected, actual = match.group(1), match.group(2), match.group(3)
    return Diagnosis(
        "dtype-mismatch",
        f"input of layer '{layer}': expected dtype {expected}, got {actual}"
        if layer
        else f"expected dtype {expected}, got {actual}",
        hint=f"cast the data: tf.cast(x, tf.{expected}) / x.astype('{expected}')",
        expected=expected,
        actual=actual,
        layer=layer,
    )


def refine(symptom: Diagnosis, message: Message, context: Any) -> Diagnosis:
    return root_cause(symptom, context) or symptom


def _mentions_attention(message: Message) -> bool:
    # legacy Keras masks the scores in MultiHeadAttention's inner Softmax layer
    return "attention" in f"{message.layer or ''} {message.text}".lower() or "softmax" in (message.layer or "").lower()


def _attention_mask(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """MultiHeadAttention's scores (B, heads, T, S) against the attention_mask, which it expands to (B, 1, T, S)."""
    scores, mask = parse_shape(match.group(1)), parse_shape(match.group(2))
    if len(scores) != 4 or len(mask) != 4 or mask[1] != 1 or scores[1] == 1:
        return None
    if not any(_mentions_attention(context.message(link)) for link in context.chain):
        return None
    batch, queries, keys = scores[0], scores[2], scores[3]
    wanted = format_shape((batch, queries, keys))
    if mask[:2] == (1, 1) and mask[2] == batch and mask[3] == keys and queries != batch:
        given = format_shape((batch, keys))
        return Diagnosis(
            "missing-axis",
            f"MultiHeadAttention: attention_mask {given} has no query axis; it must be (batch, queries, keys) {wanted}",
            hint=f"add the query axis: attention_mask=mask[:, None, :]  # {given} -> {format_shape((batch, 1, keys))}, "
            "which broadcasts over the queries",
            expected=wanted,
            actual=given,
            axis=1,
        )
    given = format_shape((mask[0], mask[2], mask[3]))
    return Diagnosis(
        "size-mismatch",
        f"MultiHeadAttention: attention_mask {given} does not fit {queries} queries and {keys} keys; it must be {wanted}",
        hint=f"build the mask from the query and key lengths: shape {wanted}"
        + (
            " (a self-attention mask reused for cross-attention has the query length twice)"
            if mask[2] == mask[3]
            else ""
        ),
        expected=wanted,
        actual=given,
    )


ROWS = (
    row(rf"Incompatible shapes: ({S}) vs\. ({S}) \[Op:(?:LogicalAnd|AddV2|Add|SelectV2)\]", _attention_mask),
    row(
        r"(?:of layer [\"']?([\w.-]+)[\"']? )?is incompatible with the layer: expected dtype=(\w+), found dtype=(?:<dtype: ')?(\w+)'?>?",
        _dtype,
    ),
    row(
        r"The number of input channels must match the kernel's input channels\. Received: input channels=(\d+), kernel input channels=(\d+)",
        _channels(True, _CONVOLUTION),
    ),
    row(r"input depth must be evenly divisible by filter depth: (\d+) vs (\d+)", _channels(True, _CONVOLUTION)),
    row(r"input and filter must have the same depth: (\d+) vs (\d+)", _channels(True, _CONVOLUTION)),
    row(
        r"Input images must have (\d+) channels, but received images with (\d+) channels",
        _channels(False, "image op: the images have {got} channels, it takes {want}"),
    ),
    row(
        rf"(?:Every value in `xs?` must have the same shape[^.]*\.|requires inputs to have the same shape)[^(]*((?:{S}).*?(?:{S}))",
        _merge,
        re.S,
    ),
    row(
        r"Cannot merge tensors with different batch sizes\. (?:Received|Got) tensors with shapes (\[.*?\])",
        _batch_sizes,
    ),
    row(
        rf"Inner dimensions \(`x1\.shape\[-1\]` and `x2\.shape\[-2\]`\) must be equal, but received `x1\.shape=({S})` and `x2\.shape=({S})`",
        _matmul,
    ),
    row(
        rf"All dimensions of `value` and `key`, except the last one, must be equal\. Received:? (?:value_shape=)?({S}) and (?:key_shape=)?({S})",
        _attention("value", "key"),
    ),
    row(
        rf"The last dimension of `query_shape` and `value_shape` must be equal, but are \d+, \d+\. Received: query_shape=({S}), value_shape=({S})",
        _attention("query", "value"),
    ),
    row(rf"The convolution operation resulted in an empty output\. Output shape: ({S})", _empty_output),
    row(
        rf"(?:channel|last) dimension of the input(?:s| shape| tensor)?(?: \(last axis\))?(?: to `?[\w ]+`?)?(?: of a Dense layer)? should be defined\.[^(]*?({S})",
        _undefined,
    ),
)
