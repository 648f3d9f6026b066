"""The names and keys the plugin's modules share: a leaf, so none of them imports the entry point.

`from pytest_shapes import expect_shape` loads this module and the marker, never `plugin`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_shapes.fixture import Shapes
    from pytest_shapes.marker import MarkerContract

MARKER = "expect_shape"
MARKER_DOC = (
    "expect_shape(output=None, *, input=None, dtype=None): shape contract for every call "
    "made through the `shapes` fixture's wrappers in this test; e.g. "
    "@pytest.mark.expect_shape(('batch', 10), input=('batch', 64), dtype='float32')"
)
BUILTIN_PLUGIN = "shapes-builtins"
SESSION_PLUGIN = "shapes-session"
NO_CALL_PLUGIN = "shapes-no-call"
REPORT_ATTR = "pytest_shapes"  # plain data on TestReport; xdist serialises report.__dict__
JUNIT_PROPERTIES = ("shape_diagnosis_kind", "shape_diagnosis")

HOOKS_KEY: pytest.StashKey[Any] = pytest.StashKey()  # the config's SessionHooks
STATE_KEY: pytest.StashKey[Shapes] = pytest.StashKey()  # a test's `shapes` fixture object, once it asked for one
CONTRACT_KEY: pytest.StashKey[MarkerContract | None] = pytest.StashKey()  # a test's parsed marker contract
