"""Einsum operands with one axis too few, read from tf.function's shape-inference message alone.

The wording is TensorFlow's EinsumShape (common_shape_fns.cc), recorded in recorded/tf_kernels.jsonl.
"""

from __future__ import annotations

from pytest_shapes.explainers import explain_text


def _graph_einsum(equation: str, index: int, want: int, got: int, shapes: str) -> str:
    return (
        f"Shape must be rank {want} but is rank {got}\n\t for {index}th input and equation: {equation} for "
        f"'{{{{node einsum/Einsum}}}} = Einsum[N=2, T=DT_FLOAT, equation=\"{equation}\"](a, b)' "
        f"with input shapes: {shapes}."
    )


def test_the_one_letter_whose_removal_fits_the_other_operand_is_named():
    diagnosis = explain_text("ValueError", _graph_einsum("bhqk,bhkd->bhqd", 1, 4, 3, "[?,4,5,5], [?,5,8]"))

    assert diagnosis is not None and diagnosis.kind == "missing-axis"
    assert "without the 'h' axis (axis 1, 4 long in another operand)" in diagnosis.headline
    assert "(None, 5, 8) -> (None, 4, 5, 8)" in diagnosis.hint


def test_a_leading_letter_every_operand_and_the_output_share_is_the_batch():
    diagnosis = explain_text("ValueError", _graph_einsum("btd,bdk->btk", 1, 3, 2, "[3,7,16], [16,4]"))

    assert diagnosis is not None and diagnosis.kind == "missing-batch-axis"
    assert "tf.einsum('btd,dk->btk', ...)" in diagnosis.hint


def test_two_letters_that_fit_equally_well_are_not_guessed_between():
    # (5,) lines up with 'ab' without 'a' and without 'b' alike: only the rank is known to be wrong
    diagnosis = explain_text("ValueError", _graph_einsum("ab,ab->a", 1, 2, 1, "[5,5], [5]"))

    assert diagnosis is not None and diagnosis.kind == "rank-mismatch"
    assert "'a' axis" not in diagnosis.headline + diagnosis.hint and "'b' axis" not in diagnosis.headline
