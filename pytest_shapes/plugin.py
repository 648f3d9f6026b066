"""pytest entry point: options, marker, hooks, fixture. Thin on purpose.

Nothing here imports TensorFlow, Keras or NumPy; the work lives in
`ShapesSession`, registered as a plugin at configure time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from pytest_shapes.builtins import BuiltinHooks
from pytest_shapes.marker import MARKER_DOC
from pytest_shapes.session import BUILTIN_PLUGIN, SESSION_KEY, ShapesSession

if TYPE_CHECKING:
    from pytest_shapes.fixture import Shapes


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("shapes", "shape contracts and diagnoses (pytest-shapes)")
    group.addoption(
        "--shapes-diagnose",
        choices=("auto", "off"),
        default=None,
        help="diagnose TensorFlow/Keras shape errors in any failing test (default: ini shapes_diagnose, auto)",
    )
    group.addoption(
        "--shapes-report",
        metavar="PATH",
        default=None,
        help="write every shape check and diagnosis to PATH as JSON, relative to the current directory "
        "(default: ini shapes_report)",
    )
    parser.addini(
        "shapes_diagnose",
        "auto: diagnose shape errors in failing tests without marker or fixture; off: only checked calls",
        default="auto",
    )
    parser.addini(
        "shapes_report", "path of the JSON report of shape checks and diagnoses, relative to the ini file", default=""
    )


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from pytest_shapes import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_DOC)
    if not config.pluginmanager.has_plugin(BUILTIN_PLUGIN):
        config.pluginmanager.register(BuiltinHooks(), BUILTIN_PLUGIN)
    session = ShapesSession(config)
    config.stash[SESSION_KEY] = session
    config.pluginmanager.register(session, "shapes-session")


@pytest.fixture
def shapes(request: pytest.FixtureRequest) -> Iterator[Shapes]:
    """Wrap model calls (`shapes.wrap`), check values (`shapes.check`), explain errors (`shapes.diagnose()`)."""
    yield request.config.stash[SESSION_KEY].shapes_for(request.node)
