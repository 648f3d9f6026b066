"""Shape specs (SPEC §1): parsing every accepted form, rejecting every invalid one, matching."""

from __future__ import annotations

import pytest
from conftest import requires_tf, tf
from hypothesis import assume, given
from hypothesis import strategies as st

from pytest_shapes import SpecError
from pytest_shapes.spec import Named, NamedVariadic, Spec, StructSpec, parse


def matches(spec, shape, bindings=None) -> bool:
    return parse(spec).match(tuple(shape), {} if bindings is None else bindings)


# -- parsing: every row of the SPEC §1 table ---------------------------------


@pytest.mark.parametrize(
    ("spec", "parsed"),
    [
        pytest.param((None, 10), "(None, 10)", id="tuple"),
        pytest.param([None, 10], "(None, 10)", id="list"),
        pytest.param((0, 3), "(0, 3)", id="int-zero"),
        pytest.param(("_", 3), "(None, 3)", id="underscore"),
        pytest.param(("batch", 10), "(batch, 10)", id="named"),
        pytest.param((..., 3), "(..., 3)", id="ellipsis"),
        pytest.param(("*batch", 3), "(*batch, 3)", id="named-variadic"),
        pytest.param("batch, 10", "(batch, 10)", id="string-commas"),
        pytest.param("batch 10", "(batch, 10)", id="string-spaces"),
        pytest.param("(batch, 10)", "(batch, 10)", id="string-parenthesised"),
        pytest.param("_, None, ..., 3", "(None, None, ..., 3)", id="string-any-and-ellipsis"),
        pytest.param("*b h w", "(*b, h, w)", id="string-named-variadic"),
        pytest.param((), "()", id="scalar"),
        pytest.param("()", "()", id="scalar-string"),
        pytest.param(10, "(10,)", id="bare-int"),
    ],
)
def test_accepted_forms(spec, parsed):
    assert isinstance(parse(spec), Spec)
    assert repr(parse(spec)) == parsed


def test_named_dims_and_variadics_are_typed():
    spec = parse(("*lead", "batch", 3))

    assert type(spec.dims[0]) is NamedVariadic
    assert type(spec.dims[1]) is Named
    assert spec.names == {"*lead", "batch"}
    assert spec.rank is None and spec.min_rank == 2


def test_string_forms_parse_like_the_tuple():
    assert parse("batch, 10") == parse("batch 10") == parse(("batch", 10)) == parse(["batch", 10])


def test_scalar_spec_is_rank_zero():
    scalar = parse(())

    assert scalar.rank == 0
    assert scalar.match((), {})
    assert not scalar.match((1,), {})


@requires_tf
@pytest.mark.parametrize(
    ("shape", "dims"),
    [([None, 28, 28, 1], (None, 28, 28, 1)), ([], ()), ([0, 5], (0, 5)), (None, (...,))],
    ids=["partial", "scalar", "zero-size", "unknown-rank"],
)
def test_tensorshape_is_accepted(shape, dims):
    assert parse(tf.TensorShape(shape)).dims == dims


@pytest.mark.parametrize(
    ("spec", "items"),
    [
        pytest.param([(None, 10), (None, 5)], ((None, 10), (None, 5)), id="list-of-specs"),
        pytest.param(((None, 10), "batch 5"), ((None, 10), ("batch", 5)), id="tuple-of-specs"),
        pytest.param(["batch, 10", ()], (("batch", 10), ()), id="strings-and-scalar"),
    ],
)
def test_sequence_of_specs_is_a_structure(spec, items):
    parsed = parse(spec)

    assert isinstance(parsed, StructSpec) and not parsed.is_mapping
    assert [item.dims for item in parsed.items] == list(items)


def test_dict_of_specs_is_a_structure():
    parsed = parse({"image": (None, 28, 28, 1), "meta": "batch 3", "nested": [(None,), ()]})

    assert isinstance(parsed, StructSpec) and parsed.is_mapping
    assert parsed.items["image"] == parse((None, 28, 28, 1))
    assert parsed.items["meta"] == parse(("batch", 3))
    assert parsed.items["nested"] == StructSpec((parse((None,)), parse(())))


@pytest.mark.parametrize("spec", [(None, "b", 3, ..., "_"), ("*b", 1, 2), (1, 2, 3)])
def test_tuple_of_dims_is_one_spec(spec):
    assert isinstance(parse(spec), Spec)


# -- invalid specs: SpecError naming the spec and the bad element --------------

INVALID = [
    pytest.param((None, -1), "element 1 (-1) is negative", id="negative"),
    pytest.param("batch, -3", "element 1 (-3) is negative", id="negative-string"),
    pytest.param((None, 1.5), "element 1 (1.5) is not an integer", id="float"),
    pytest.param((2.0,), "element 0 (2.0) is not an integer", id="integral-float"),
    pytest.param((None, True), "element 1 (True) is a bool", id="bool"),
    pytest.param((False, 3), "element 0 (False) is a bool", id="bool-zero"),
    pytest.param((..., 3, ...), "element 2 (...) is a second variadic", id="two-ellipses"),
    pytest.param("*a, 3, *b", "element 2 (*b) is a second variadic", id="two-named-variadics"),
    pytest.param(("*a", ...), "element 1 (...) is a second variadic", id="mixed-variadics"),
    pytest.param(("1batch", 3), "element 0 ('1batch') is not a valid dim name", id="identifier-digit"),
    pytest.param("ba-tch 3", "element 0 ('ba-tch') is not a valid dim name", id="identifier-dash"),
    pytest.param(("b@tch",), "element 0 ('b@tch') is not a valid dim name", id="identifier-symbol"),
    pytest.param(("*",), "element 0 ('*') is not a valid variadic name", id="bare-star"),
    pytest.param("*1 3", "element 0 ('*1') is not a valid variadic name", id="variadic-digit"),
    pytest.param(object(), "(object) is not a shape spec", id="object"),
    pytest.param({1, 2}, "(set) is not a shape spec", id="set"),
    pytest.param((None, 10, object()), "(object) is not a shape spec", id="object-in-tuple"),
    pytest.param({"x": (None, -2)}, "element 1 (-2) is negative", id="inside-dict"),
    # strings that are no spec, and tokens that look like sizes but are none (issue #10 §1)
    pytest.param("", "an empty string is no shape; the scalar spec is ()", id="empty-string"),
    pytest.param(" \t ", "an empty string is no shape", id="blank-string"),
    pytest.param("--5, 3", "element 0 ('--5') is not an integer", id="double-minus"),
    pytest.param("\u00b2, 3", "element 0 ('\u00b2') is not an integer", id="superscript-digit"),
    pytest.param("\u0663, 4", "element 0 ('\u0663') is not an integer", id="arabic-indic-digit"),
    pytest.param("3.5 2", "element 0 ('3.5') is not an integer", id="decimal-string"),
]


@pytest.mark.parametrize(("spec", "pointer"), INVALID)
def test_invalid_spec_raises_spec_error(spec, pointer):
    with pytest.raises(SpecError) as info:
        parse(spec)

    message = str(info.value)
    assert message.startswith(f"invalid shape spec {spec!r}: ")
    assert pointer in message
    assert isinstance(info.value, ValueError)


class _RaisingIndex:
    def __index__(self):
        raise RuntimeError("no index")

    def __repr__(self):
        raise RuntimeError("no repr")


class _ArrayLike:
    """What a NumPy array or a tensor looks like to the parser (no NumPy here: the notf env has none)."""

    shape = (2, 3)
    dtype = "float32"

    def __index__(self):
        raise TypeError("only integer scalar arrays can be converted to a scalar index")


def _holding_itself() -> list:
    spec: list = [(None, 3)]
    spec.append(spec)
    return spec


def _nested(depth: int) -> list:
    spec: list = [(None, 3)]
    for _ in range(depth):
        spec = [spec]
    return spec


@pytest.mark.parametrize(
    ("spec", "pointer"),
    [
        ((_RaisingIndex(), 3), "element 0 (<_RaisingIndex object>) cannot be read as an integer"),
        (_holding_itself(), "nested more than 32 levels deep (or it contains itself)"),
        (_nested(5000), "nested more than 32 levels deep"),
        (_ArrayLike(), "an array or tensor is not a spec; pass its shape (x.shape)"),
    ],
    ids=["index-raises", "contains-itself", "very-deep", "numpy-array"],
)
def test_hostile_specs_raise_spec_error_not_something_else(spec, pointer):
    with pytest.raises(SpecError) as info:
        parse(spec)

    assert pointer in str(info.value)


@pytest.mark.parametrize(
    ("valid", "invalid"),
    [((1,), (True,)), ((0, 3), (False, 3)), ((3,), (3.0,)), (((1, 2), (3,)), ((1, 2), (3.0,)))],
    ids=["true-after-1", "false-after-0", "float-after-int", "nested"],
)
def test_invalid_spec_equal_to_a_cached_valid_one_still_raises(valid, invalid):
    # True == 1 == 1.0 as dict keys: the parse cache must not hand back the valid spec
    parse(valid)

    with pytest.raises(SpecError):
        parse(invalid)


# -- matching ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "shape", "fits"),
    [
        ((None, 10), (32, 10), True),
        ((None, 10), (32, 11), False),
        ((None, 10), (10,), False),
        (("_", "_"), (0, 7), True),
        ((..., 3), (3,), True),
        ((..., 3), (2, 5, 3), True),
        ((..., 3), (), False),
        ((2, ..., 3), (2, 3), True),
        ((2, ..., 3), (2, 9, 9, 3), True),
        ((2, ..., 3), (3, 9, 3), False),
        (("batch", "batch"), (4, 4), True),
        (("batch", "batch"), (4, 5), False),
        (("*b", 3), (3,), True),
        ((), (), True),
        ((), (1,), False),
        ((None, 10), (None, 10), True),
        ((None, 10), (None, None), True),
        ((4, 10), (None, 10), True),
    ],
)
def test_match(spec, shape, fits):
    assert matches(spec, shape) is fits


def test_named_dims_bind_across_specs_sharing_bindings():
    bindings = {}

    assert matches(("batch", 64), (8, 64), bindings)
    assert bindings == {"batch": 8}
    assert matches(("batch", 10), (8, 10), bindings)
    assert not matches(("batch", 10), (7, 10), bindings)


def test_named_variadic_binds_the_same_axes():
    bindings = {}

    assert matches(("*lead", 64), (2, 5, 64), bindings)
    assert matches(("*lead", 10), (2, 5, 10), bindings)
    assert not matches(("*lead", 10), (2, 6, 10), bindings)
    assert not matches(("*lead", 10), (2, 10), bindings)


def test_named_variadic_may_bind_no_axes():
    bindings = {}

    assert matches(("*lead", 3), (3,), bindings)
    assert bindings == {"*lead": ()}
    assert not matches(("*lead", 3), (1, 3), bindings)


def test_unknown_sizes_in_a_named_variadic_do_not_disprove_it():
    # a symbolic tensor binds '*lead' to (None, None): it must not conflict with (4, 7)
    bindings = {}

    assert matches(("*lead", 3), (None, None, 3), bindings)
    assert matches(("*lead", 3), (4, 7, 3), bindings)
    assert not matches(("*lead", 3), (4, 8, 3), bindings)


def test_unknown_size_does_not_bind_a_name():
    bindings = {}

    assert matches(("batch", 3), (None, 3), bindings)
    assert "batch" not in bindings
    assert matches(("batch", 3), (5, 3), bindings)


# -- properties --------------------------------------------------------------

sizes = st.integers(min_value=0, max_value=64)
concrete_shapes = st.lists(sizes, max_size=6).map(tuple)


@st.composite
def shape_with_spec(draw, *, allow_variadic=True):
    """A concrete shape and a spec that fits it, as a list of (dim, axis) pairs.

    Each axis becomes its size, None, '_', or a name shared by every axis of
    that size; optionally a run of axes becomes '...' or '*rest'. `axis` is
    the index of the axis a dim covers (None for the variadic).
    """
    shape = draw(concrete_shapes)
    pairs = []
    for axis, size in enumerate(shape):
        form = draw(st.sampled_from(["int", "none", "underscore", "name"]))
        dim = {"int": size, "none": None, "underscore": "_", "name": f"s{size}"}[form]
        pairs.append((dim, axis))
    if allow_variadic and draw(st.booleans()):
        start = draw(st.integers(0, len(pairs)))
        stop = draw(st.integers(start, len(pairs)))
        pairs[start:stop] = [(draw(st.sampled_from([..., "*rest"])), None)]
    return shape, pairs


def token(dim) -> str:
    return "..." if dim is ... else str(dim)


@given(shape_with_spec())
def test_spec_built_from_a_shape_matches_it(case):
    shape, pairs = case
    spec = tuple(dim for dim, _ in pairs)

    assert matches(spec, shape)
    assert parse(spec).match(shape, None)


@given(shape_with_spec(), st.sampled_from([", ", " ", " , "]))
def test_string_form_parses_equal_to_tuple_form(case, separator):
    _, pairs = case
    spec = tuple(dim for dim, _ in pairs)
    assume(spec)  # the scalar is written (), never as an empty string

    assert parse(separator.join(token(dim) for dim in spec)) == parse(spec)


@given(shape_with_spec())
def test_repr_of_a_spec_parses_back_to_it(case):
    _, pairs = case
    spec = parse(tuple(dim for dim, _ in pairs))

    assert parse(repr(spec)) == spec


@given(shape_with_spec(), st.integers(min_value=1, max_value=5))
def test_perturbed_size_fails(case, delta):
    shape, pairs = case
    fixed = [axis for dim, axis in pairs if isinstance(dim, int) and axis is not None]
    assume(fixed)
    spec = tuple(dim for dim, _ in pairs)
    for axis in fixed:
        perturbed = list(shape)
        perturbed[axis] += delta

        assert not matches(spec, perturbed)


@given(shape_with_spec(allow_variadic=False), st.integers(min_value=1, max_value=5))
def test_perturbed_named_dim_conflicts(case, delta):
    shape, pairs = case
    spec = tuple(dim for dim, _ in pairs)
    named = [(dim, axis) for dim, axis in pairs if isinstance(dim, str) and dim.startswith("s")]
    assume(named)
    for dim, axis in named:
        perturbed = list(shape)
        perturbed[axis] += delta
        bindings = {}

        # bound by the original shape (as by a call's input), the name rejects the new size
        assert matches(spec, shape, bindings)
        assert not matches(spec, perturbed, bindings)
        if spec.count(dim) > 1:  # and within one spec, two sizes for one name conflict
            assert not matches(spec, perturbed)


@given(shape_with_spec(allow_variadic=False), st.integers(min_value=1, max_value=2))
def test_wrong_rank_fails_without_variadic(case, extra):
    shape, pairs = case
    spec = tuple(dim for dim, _ in pairs)

    assert not matches(spec, (*shape, *([1] * extra)))
    if shape:
        assert not matches(spec, shape[:-1])


def reference_match(dims, shapes) -> bool:
    """A slow, obviously right matcher: align each spec with its shape, then check names."""
    sizes_of: dict[str, set] = {}
    segments_of: dict[str, list] = {}
    for spec, shape in zip(dims, shapes, strict=True):
        variadic = [i for i, dim in enumerate(spec) if dim is ... or str(dim).startswith("*")]
        if variadic:
            at = variadic[0]
            tail = len(spec) - at - 1
            if len(shape) < len(spec) - 1:
                return False
            aligned = list(zip(spec[:at], shape[:at], strict=True)) + list(
                zip(spec[at + 1 :], shape[len(shape) - tail :], strict=True)
            )
            if spec[at] is not ...:
                segments_of.setdefault(spec[at], []).append(shape[at : len(shape) - tail])
        else:
            if len(shape) != len(spec):
                return False
            aligned = list(zip(spec, shape, strict=True))
        for dim, size in aligned:
            if size is None or dim is None:
                continue
            if isinstance(dim, int) and dim != size:
                return False
            if isinstance(dim, str):
                sizes_of.setdefault(dim, set()).add(size)
    if any(len(found) > 1 for found in sizes_of.values()):
        return False
    for segments in segments_of.values():
        for a in segments:
            for b in segments:
                if len(a) != len(b) or any(
                    x is not None and y is not None and x != y for x, y in zip(a, b, strict=True)
                ):
                    return False
    return True


small_dims = st.sampled_from([0, 1, 2, None, "a", "b"])
small_sizes = st.sampled_from([0, 1, 2, None])


@st.composite
def small_spec(draw):
    dims = draw(st.lists(small_dims, max_size=4))
    if draw(st.booleans()):
        dims.insert(draw(st.integers(0, len(dims))), draw(st.sampled_from([..., "*v"])))
    return tuple(dims)


@given(st.lists(st.tuples(small_spec(), st.lists(small_sizes, max_size=5).map(tuple)), min_size=1, max_size=3))
def test_match_agrees_with_reference(pairs):
    # specs checked one after another share bindings, as inputs and outputs of one call do
    bindings = {}
    fast = all(parse(spec).match(shape, bindings) for spec, shape in pairs)

    assert fast == reference_match([spec for spec, _ in pairs], [shape for _, shape in pairs])


@requires_tf
@given(concrete_shapes)
def test_tensorshape_parses_like_the_tuple(shape):
    assert parse(tf.TensorShape(shape)) == parse(shape)
