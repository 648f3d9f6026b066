"""A conftest's or plugin's `pytest_shapes_shape_of` / `pytest_shapes_expected_input`, called so that
a bug in it never decides a test's outcome.

A hook that raises answers like the built-in would, and the crash is kept as one line: the wrapped
call still runs, so its own `pytest.skip`, `pytest.fail`, `SystemExit`, assertion or error stays
what the test ends with. The session shows the line on the test's failure, or fails the test's
teardown with it when the test did not fail: a broken hook never passes silently.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from typing import Any

import pytest

from pytest_shapes.keys import STATE_KEY
from pytest_shapes.safe_text import terminal_safe


class GuardedHook:
    __slots__ = ("_call", "_fallback", "_name", "crashes")

    def __init__(self, name: str, call: Callable[[Any], Any], fallback: Callable[[Any], Any], crashes: list[str]):
        self._name = name
        self._call = call
        self._fallback = fallback
        self.crashes = crashes

    def __call__(self, value: Any) -> Any:
        try:
            return self._call(value)
        except Exception as crash:
            line = crash_line(self._name, crash)
            if line not in self.crashes:  # one line per distinct bug, however often it is called
                self.crashes.append(line)
            return self._fallback(value)


def crash_line(
    hook_name: str, crash: BaseException, outcome: str = "pytest-shapes used its built-in one instead"
) -> str:
    """`a pytest_shapes_shape_of hook raised KeyError: 'x' (conftest.py:3); ...`: where to look, in one line."""
    frames = traceback.extract_tb(crash.__traceback__)
    where = f" ({os.path.basename(frames[-1].filename)}:{frames[-1].lineno})" if frames else ""
    try:
        lines = str(crash).strip().splitlines()
    except Exception:  # an exception whose text cannot be made
        lines = ["<unprintable>"]
    detail = f"{type(crash).__name__}: {lines[0][:200]}" if lines else type(crash).__name__
    return terminal_safe(f"a {hook_name} hook raised {detail}{where}; {outcome}")


class HookCrashCheck:
    """Fails the teardown of a test that passed although a shape hook crashed during it (a failure
    shows the crash itself). Registered only once some conftest or plugin implements a shape hook:
    the built-ins never crash into this list."""

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> Any:
        result = yield
        state = item.stash.get(STATE_KEY, None)
        if state is not None and state.hook_crashes:
            pytest.fail("\n".join(state.hook_crashes), pytrace=False)  # a broken hook never passes silently
        return result
