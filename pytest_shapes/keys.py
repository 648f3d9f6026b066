"""The names and keys the plugin's modules share, and `RUNNING`, the test attempt that runs: a leaf,
so none of them imports the entry point, and the entry point loads nothing more.

`from pytest_shapes import expect_shape` loads this module and the marker, never `plugin`.
"""

from __future__ import annotations

from collections.abc import Callable
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
HOOK_CRASH_PLUGIN = "shapes-hook-crashes"  # registered once a conftest or plugin implements a shape hook
REPORT_ATTR = "pytest_shapes"  # plain data on TestReport; xdist serialises report.__dict__
JUNIT_PROPERTIES = ("shape_diagnosis_kind", "shape_diagnosis")

STATE_KEY: pytest.StashKey[Shapes] = pytest.StashKey()  # a test's `shapes` fixture object, once it asked for one
CONTRACT_KEY: pytest.StashKey[MarkerContract | None] = pytest.StashKey()  # a test's parsed marker contract


# Which test attempt is running: a wrapper made in one test and called in another records into
# the one that is running, so its checks count there (and its marker is not `[no-call]`); the
# `shapes` fixture takes its state from here too.
class Running:
    __slots__ = ("_make", "state")

    def __init__(self) -> None:
        self.state: Shapes | None = None  # the running attempt's `shapes`, once made
        self._make: Callable[[], Shapes] | None = None

    def start(self, make_state: Callable[[], Any]) -> None:
        self.state, self._make = None, make_state

    def stop(self) -> None:
        self.state, self._make = None, None

    def _made(self) -> Shapes | None:
        """The running attempt's state, made on first use; None outside any test."""
        if self.state is None and self._make is not None:
            self.state = self._make()
        return self.state

    def current(self, own: Shapes) -> Shapes:
        """The running attempt's state, else `own` (a call outside any test)."""
        state = self._made()
        return state if state is not None else own

    def require(self) -> Shapes:
        """The running attempt's state, for the `shapes` fixture."""
        state = self._made()
        if state is None:  # a fixture set up before our setup hook ran (another plugin's tryfirst hook)
            raise RuntimeError("the shapes fixture was requested outside a test's setup, call or teardown")
        return state


RUNNING = Running()
