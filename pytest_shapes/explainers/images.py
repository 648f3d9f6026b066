"""Image ops and image preprocessing layers: the rank an image must have, and crop sizes.

`tf.image.*`, Keras' image layers (Resizing, RandomFlip ...) and `keras.ops.image` want one image
(h, w, c) or a batch (n, h, w, c). A rank-2 value is a grey-level image without its channel axis, the
usual cause; other ranks say only that the rank is wrong. TensorFlow's own message often names no
shape (``'images' must have either 3 or 4 dimensions.``): then the op's argument gives it.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_shapes.diagnosis import Diagnosis
from pytest_shapes.explainers.messages import SHAPE_PATTERN, Message, parse_shape
from pytest_shapes.explainers.table import as_symptom, row
from pytest_shapes.spec import format_shape

S = SHAPE_PATTERN

_IMAGE_NAME = r"'?`?(?:images?|input image|image tensor|image array|data|inputs?)`?'?"


def _image_rank(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    shape_text = next((group for group in match.groups() if group), None)
    if shape_text is not None:
        shape = parse_shape(shape_text)
    else:  # the op's first argument is the image
        operands = context.op_operand_shapes
        if not operands:
            return None
        shape = operands[0]
    return image_rank(shape)


def image_rank(shape: tuple[Any, ...]) -> Diagnosis:
    """An image op got `shape`, which is neither (h, w, c) nor (n, h, w, c)."""
    shown = format_shape(shape)
    expected = "rank 3 (h, w, c) or 4 (n, h, w, c)"
    headline = f"image op input: expected {expected}, got {shown}"
    if len(shape) == 2:
        fixed = format_shape((*shape, 1))
        return Diagnosis(
            "missing-axis",
            f"{headline} (a grey-level image without its channel axis)",
            hint=f"add the channel axis: img[..., None]  # {shown} -> {fixed} (tf.expand_dims(img, -1) in a "
            "dataset.map)",
            expected=expected,
            actual=shown,
            axis=2,
        )
    if len(shape) == 5 and shape[0] == 1:
        return Diagnosis(
            "extra-axis",
            f"{headline} (axis 0 of size 1 is extra)",
            hint=f"drop the size-1 axis: tf.squeeze(x, axis=0)  # {shown} -> {format_shape(shape[1:])}",
            expected=expected,
            actual=shown,
            axis=0,
        )
    return Diagnosis(
        "rank-mismatch",
        headline,
        hint="give the op images as (h, w, c) or batches as (n, h, w, c): reshape flat pixels with "
        "tf.reshape(x, (h, w, c)); split a sequence of frames into images first",
        expected=expected,
        actual=shown,
    )


def _crop_size(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """`tf.image.random_crop(value, size)`: `size` needs one entry per axis of `value`."""
    rank, entries = int(match.group(1)), int(match.group(2))
    operands = context.op_operand_shapes
    value = operands[0] if operands and len(operands[0]) == rank else None
    shown = format_shape(value) if value is not None else f"rank {rank}"
    headline = f"random_crop: size has {entries} entries for a value of {shown}"
    if entries == rank - 1:  # one entry short: the channels', which a crop keeps whole
        channels = value[-1] if value is not None and isinstance(value[-1], int) else "channels"
        return Diagnosis(
            "missing-axis",
            f"{headline} (the size of the last axis is missing)",
            hint=f"give a size for every axis, the last one included: size=[..., {channels}] (keep all channels)",
            expected=f"{rank} entries",
            actual=f"{entries} entries",
            axis=-1,
        )
    return Diagnosis(
        "rank-mismatch",
        headline,
        hint=f"size needs one entry per axis of the value ({rank})",
        expected=f"{rank} entries",
        actual=f"{entries} entries",
    )


def _batch_only(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """An image op that takes batches only (draw_bounding_boxes): one image is short of its batch axis."""
    name, rank = match.group(1), int(match.group(2))
    operands = context.op_operand_shapes
    index = 1 if name == "boxes" else 0
    if not operands or len(operands) <= index:
        return None
    return batch_of_images(name, rank, operands[index], "add the batch axis to the images and their boxes")


def _batch_only_shown(match: re.Match[str], message: Message, context: Any) -> Diagnosis:
    """crop_and_resize, extract_patches: `input image must be 4-D[32,32,3]`, the shape glued to the text."""
    return batch_of_images("images", int(match.group(1)), parse_shape(match.group(2)), "add the batch axis")


def _grey_batch(name: str, rank: int, shape: tuple[Any, ...]) -> Diagnosis:
    """(n, h, w) with a last axis too long for channels: a batch of grey images without their channel axis."""
    shown = format_shape(shape)
    if len(shape) == 3 and shape[-1] == shape[-2]:
        return Diagnosis(
            "missing-axis",
            f"image op: its {name} must have rank {rank}, got {shown} (grey images without their channel axis)",
            hint=f"add the channel axis: x[..., None]  # {shown} -> {format_shape((*shape, 1))}",
            expected=f"rank {rank}",
            actual=shown,
            axis=3,
        )
    return Diagnosis(
        "rank-mismatch",
        f"image op: its {name} must have rank {rank}, got {shown}",
        hint=f"give the {name} as a batch (n, h, w, c)",
        expected=f"rank {rank}",
        actual=shown,
    )


def batch_of_images(name: str, rank: int, shape: tuple[Any, ...], fix: str) -> Diagnosis:
    shown = format_shape(shape)
    channels = shape[-1] if shape else None
    if name == "images" and len(shape) == rank - 1 and not (isinstance(channels, int) and channels <= 4):
        return image_rank(shape) if len(shape) == 2 else _grey_batch(name, rank, shape)
    if len(shape) != rank - 1:
        return Diagnosis(
            "rank-mismatch",
            f"image op: its {name} must have rank {rank}, got {shown}",
            hint=f"give the {name} as a batch of rank {rank}",
            expected=f"rank {rank}",
            actual=shown,
        )
    return Diagnosis(
        "missing-batch-axis",
        f"image op: its {name} must be a batch of rank {rank}, got {shown} (no batch axis)",
        hint=f"{fix}: x[tf.newaxis]  # {shown} -> {format_shape((1, *shape))}",
        expected=f"rank {rank}",
        actual=shown,
        axis=0,
    )


def _not_grayscale(match: re.Match[str], message: Message, context: Any) -> Diagnosis | None:
    """tf.image.grayscale_to_rgb wants a last axis of size 1; what the image has there comes from the op's
    argument (the text names no shape, so without it there is no telling)."""
    arguments = context.op_arguments
    shape = context.shape_of(arguments[0]) if arguments else None
    if not isinstance(shape, tuple) or not shape or shape[-1] == 1:
        return None
    fixed = (*shape, 1)
    if len(shape) == 2 or (isinstance(shape[-1], int) and shape[-1] > 4):  # (h, w), or grey (n, h, w)
        return Diagnosis(
            "missing-axis",
            f"tf.image.grayscale_to_rgb got {format_shape(shape)}: a grey image without its channel axis "
            "(it wants (..., 1))",
            hint=f"add the channel axis first: x[..., None]  # {format_shape(shape)} -> {format_shape(fixed)}",
            expected=format_shape(fixed),
            actual=format_shape(shape),
            axis=len(shape),
        )
    rgb = shape[-1] == 3
    return Diagnosis(
        "size-mismatch",
        f"tf.image.grayscale_to_rgb got {format_shape(shape)}: the image has {shape[-1]} channels, not 1",
        hint="it is RGB already: drop the conversion"
        if rgb
        else "keep one channel for the conversion (x[..., :1]), or convert color to grey with tf.image.rgb_to_grayscale",
        expected=format_shape((*shape[:-1], 1)),
        actual=format_shape(shape),
        axis=-1,
    )


ROWS = (
    row(r"Last dimension of a grayscale image should be size 1", _not_grayscale),
    row(r"The rank of the (images|boxes) should be (\d+)", _batch_only),
    row(
        r"input (?:image )?must be (4)-(?:D|dimensional)\s*(\[[\d, ]*\]) \[Op:(?:CropAndResize|ExtractImagePatches)\]",
        _batch_only_shown,
    ),
    row(r"'images?' must have either 3 or 4 dimensions\.?(?!\S)", _image_rank),
    row(
        rf"'images?' \(shape ({S})\) must (?:have either 3 or 4 dimensions|be at least three-dimensional)", _image_rank
    ),
    row(
        rf"{_IMAGE_NAME} to (?:be|have) rank 3 (?:\(single image\) )?or (?:rank )?4.*?(?:shape|Got|Received)\S*\s*=?\s*({S})",
        _image_rank,
        re.S,
    ),
    row(rf"Invalid images rank: expected rank 3 .*?images\.shape=({S})", _image_rank, re.S),
    row(rf"Expected an image array with shape .*?incorrect rank, of shape ({S})", _image_rank, re.S),
    # graph mode: random_crop compares shape(value) with size element-wise
    row(r"Dimensions must be equal, but are (\d+) and (\d+) for '[^']*random_crop[^']*'", _crop_size),
)

refine = as_symptom
