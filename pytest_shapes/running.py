"""Which test attempt is running: a wrapper made in one test and called in another records into
the one that is running, so its checks count there (and its marker is not `[no-call]`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_shapes.fixture import Shapes


class Running:
    __slots__ = ("_make", "state")

    def __init__(self) -> None:
        self.state: Shapes | None = None  # the running attempt's `shapes`, once made
        self._make: Callable[[], Shapes] | None = None

    def start(self, make_state: Callable[[], Any]) -> None:
        self.state, self._make = None, make_state

    def stop(self) -> None:
        self.state, self._make = None, None

    def current(self, own: Shapes) -> Shapes:
        """The running attempt's state (made on first use), else `own` (a call outside any test)."""
        if self.state is None and self._make is not None:
            self.state = self._make()
        return self.state if self.state is not None else own


RUNNING = Running()
