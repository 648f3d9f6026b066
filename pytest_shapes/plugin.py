"""pytest entry point: options, the marker, the fixture, and every hook pytest calls per test.

In a session that checks no shapes this module is all of ours that runs (with
the package's lazy `__init__` and `hookspecs`). pytest imports plugin modules
through its assertion rewriter, whose bytecode reader (`marshal.load` on a
file) is several times slower than Python's own, so the rest - `session`,
`contracts`, the explainers - loads on first use, and each per-test hook here
returns after a few attribute reads unless there is work to do.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_shapes.keys import (
    BUILTIN_PLUGIN,
    MARKER,
    MARKER_DOC,
    REPORT_ATTR,
    RUNNING,
    SESSION_PLUGIN,
    STATE_KEY,
)

if TYPE_CHECKING:
    from pytest_shapes.diagnosis import Diagnosis
    from pytest_shapes.explainers.context import ExplainContext
    from pytest_shapes.fixture import Shapes
    from pytest_shapes.session import ShapesSession


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
    parser.addini(
        "shapes_github_annotations",
        "under GitHub Actions (GITHUB_ACTIONS=true), print each diagnosed failure as an ::error workflow command "
        "at the test's line (true/false)",
        default="true",
    )


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from pytest_shapes import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_DOC)
    if not config.pluginmanager.has_plugin(BUILTIN_PLUGIN):
        config.pluginmanager.register(BuiltinHooks(), BUILTIN_PLUGIN)
    hooks = SessionHooks(config, zero_config=_diagnose_mode(config) == "auto", report_path=_report_path(config))
    config.pluginmanager.register(hooks, SESSION_PLUGIN)


@pytest.fixture
def shapes() -> Shapes:
    """Wrap model calls (`shapes.wrap`), check values (`shapes.check`), explain errors (`shapes.diagnose()`)."""
    # cheap for pytest to set up: the test comes from RUNNING, not from `request` (pytest builds a
    # fixture definition for `request` at every use), and nothing to tear down (see the teardown hook)
    return RUNNING.require()


class SessionHooks:
    """The hooks pytest calls per collector and per test: a fast path, then `ShapesSession` for the work."""

    def __init__(self, config: pytest.Config, *, zero_config: bool, report_path: Path | None):
        self.config = config
        self.zero_config = zero_config
        self.report_path = report_path
        self.report_error: str | None = None  # the JSON report could not be written
        self._session: ShapesSession | None = None

    @property
    def session(self) -> ShapesSession:
        if self._session is None:
            from pytest_shapes.session import ShapesSession

            self._session = ShapesSession(self.config, zero_config=self.zero_config, report_path=self.report_path)
        return self._session

    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(self, collector: pytest.Collector) -> Generator[None, Any, Any]:
        """Parse every contract once, at collection: an invalid one is a collection error of its test."""
        report = yield
        if report.passed and _declares_contract(collector, report):
            from pytest_shapes.contracts import validated

            report.result = validated(collector, report.result)
        return report

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        RUNNING.start(lambda: self.session.shapes_for(item))  # before any fixture: `shapes` asks RUNNING
        if self._session is not None:  # before the session exists, no test can have left state behind
            self._session.start_attempt(item)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[None, Any, Any]:
        report = yield
        try:
            # work only for a failure (in any phase), or a call phase that used the fixture
            if report.failed or (call.when == "call" and STATE_KEY in item.stash):
                report = self.session.annotate(report, item, call)
            return report
        finally:
            if call.when == "teardown":  # the attempt's reports are made: its records go (3,000 tests keep none)
                RUNNING.stop()
                if self._session is not None:
                    self._session.end_attempt(item)

    def pytest_plugin_registered(self) -> None:
        if self._session is not None:  # a plugin registered mid-session may implement a shape hook
            self._session.plugins_changed()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # aggregated here, where an xdist controller sees its workers' reports, so -n N agrees with serial
        if report.when == "setup" and self._session is not None:
            self._session.forget(report.nodeid)  # a new attempt (pytest-rerunfailures): the last one counts
        payload = getattr(report, REPORT_ATTR, None)
        if payload is not None:
            self.session.aggregate(report, payload)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter: Any, config: pytest.Config) -> Generator[None, None, None]:
        # outermost wrapper: the shapes line comes after pytest's short test summary,
        # right above the final counts, where people and CI logs look
        try:
            return (yield)
        finally:
            if self._session is not None:
                verbosity = config.getoption("verbose")
                self._session.write_summary(
                    terminalreporter, verbosity=verbosity, width=_summary_width(config, verbosity)
                )
            if self.report_error is not None:
                terminalreporter.write_line(self.report_error, red=True)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.report_path is not None and not hasattr(self.config, "workerinput"):
            try:
                self.session.write_json()
            except OSError as error:  # a read-only or full disk, a path that became a directory
                # one line, like pytest's own file errors; the previous report stays as it was
                reason = error.strerror or type(error).__name__
                line = f"ERROR: pytest-shapes could not write --shapes-report {self.report_path}: {reason}"
                if self.config.pluginmanager.get_plugin("terminalreporter") is not None:
                    self.report_error = line  # shown with the summary, after the progress lines
                else:
                    sys.stderr.write(line + "\n")
                if session.exitstatus == pytest.ExitCode.OK:
                    session.exitstatus = pytest.ExitCode.USAGE_ERROR  # CI must not read a stale report as new


class BuiltinHooks:
    """The built-in hook implementations (`pytest_shapes.builtins`), registered as `shapes-builtins`.

    `trylast`, so any conftest or plugin wins; their modules load on first call.
    """

    @pytest.hookimpl(trylast=True)
    def pytest_shapes_shape_of(self, value: Any) -> tuple[Any, ...] | None:
        from pytest_shapes import builtins

        return builtins.shape_of(value)

    @pytest.hookimpl(trylast=True)
    def pytest_shapes_explain(self, error: BaseException, context: ExplainContext) -> Diagnosis | None:
        from pytest_shapes import builtins

        return builtins.explain(error, context)

    @pytest.hookimpl(trylast=True)
    def pytest_shapes_expected_input(self, model: Any) -> Any:
        from pytest_shapes import builtins

        return builtins.expected_input(model)


def _declares_contract(collector: pytest.Collector, report: pytest.CollectReport) -> bool:
    """A contract on the module or class, or on one of its tests (decorator or pytest.param marks)."""
    if not isinstance(collector, pytest.Class | pytest.Module):
        return False
    if collector.get_closest_marker(MARKER) is not None:
        return True
    return any(
        isinstance(node, pytest.Function) and any(mark.name == MARKER for mark in node.own_markers)
        for node in report.result
    )


def _diagnose_mode(config: pytest.Config) -> str:
    mode = config.getoption("shapes_diagnose") or config.getini("shapes_diagnose")
    mode = str(mode).strip().lower()
    if mode not in ("auto", "off"):
        raise pytest.UsageError(f"ini option shapes_diagnose must be 'auto' or 'off', got {mode!r}")
    return mode


def _report_path(config: pytest.Config) -> Path | None:
    """`--shapes-report` resolves against the invocation directory (like `--junitxml`),
    ini `shapes_report` against the ini file's directory (like pytest's path ini keys).

    Resolved once, at configure: a test that changes directory does not move the report.
    """
    option = config.getoption("shapes_report")
    if option:
        source, path = "--shapes-report", config.invocation_params.dir / os.path.expanduser(option)
    else:
        value = str(config.getini("shapes_report") or "").strip()
        if not value:
            return None
        base = config.inipath.parent if config.inipath is not None else config.rootpath
        source, path = "ini option shapes_report", base / os.path.expanduser(value)
    if path.is_dir():
        raise pytest.UsageError(f"{source} must name a file, but {path} is a directory")
    return path


def _summary_width(config: pytest.Config, verbosity: int) -> int | None:
    """The width pytest trims its short summary to: none on CI or with -vv (unless told to trim)."""
    full = any(os.environ.get(name) for name in ("CI", "BUILD_NUMBER")) or verbosity >= 2
    if full and not getattr(config.option, "force_short_summary", False):
        return None
    terminal = config.pluginmanager.get_plugin("terminalreporter")
    return getattr(getattr(terminal, "_tw", None), "fullwidth", 80)
