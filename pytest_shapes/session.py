"""The plugin's run-time work, loaded with the first test that has some: per-test
state, diagnoses of failures, report data, summary, JSON file.

Per-test results ride on the test reports (`report.pytest_shapes`, plain
data), so they survive pytest-xdist; the controller aggregates from
`pytest_runtest_logreport` alone, so serial and `-n N` runs agree.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_shapes.adapters import shape_of as builtin_shape_of
from pytest_shapes.adapters.models import expected_input as declared_input
from pytest_shapes.contracts import contract_for
from pytest_shapes.fixture import new_shapes
from pytest_shapes.hook_guard import GuardedHook, HookCrashCheck
from pytest_shapes.keys import BUILTIN_PLUGIN, HOOK_CRASH_PLUGIN, JUNIT_PROPERTIES, REPORT_ATTR, RUNNING, STATE_KEY
from pytest_shapes.report.annotations import GithubAnnotations, annotations_wanted
from pytest_shapes.report.html import attach_html, writes_html
from pytest_shapes.report.outputs import JsonFile, SummaryLine
from pytest_shapes.report.payload import payload_of

if TYPE_CHECKING:
    from pytest_shapes.diagnosis import Diagnosis
    from pytest_shapes.fixture import Shapes


class ShapesSession:
    def __init__(self, config: pytest.Config, *, zero_config: bool, report_path: Path | None):
        self.config = config
        self.zero_config = zero_config
        self.summary = SummaryLine()
        self.json = JsonFile(report_path)
        self.annotations = GithubAnnotations(annotations_wanted(config.getini("shapes_github_annotations")))
        self.outputs = (self.summary, self.json, self.annotations)  # each finished test goes to every one
        self.html = writes_html(config)  # a pytest-html report is being written: diagnoses go in its rows
        self._builtin_plugin = config.pluginmanager.get_plugin(BUILTIN_PLUGIN)
        self._builtin_only: dict[str, bool] = {}  # per shape hook: no conftest or plugin implements it

    def plugins_changed(self) -> None:
        self._builtin_only.clear()

    # -- per-test state ---------------------------------------------------

    def start_attempt(self, item: pytest.Item) -> None:
        """A test (or a rerun of it) starts fresh: its state went with its last teardown (end_attempt)."""
        if item.user_properties:  # a rerun: its JUnit properties are the last attempt's only
            item.user_properties[:] = [prop for prop in item.user_properties if prop[0] not in JUNIT_PROPERTIES]

    def end_attempt(self, item: pytest.Item) -> None:
        if STATE_KEY in item.stash:
            del item.stash[STATE_KEY]

    def shapes_for(self, item: pytest.Item) -> Shapes:
        state = item.stash.get(STATE_KEY, None)
        if state is None:
            crashes: list[str] = []  # a user hook's bugs, shown with the test's outcome
            hooks = lambda: item.ihook  # noqa: E731  # costly: asked for only where some conftest or plugin implements a hook
            state = new_shapes(
                contract=contract_for(item),
                shape_of=self._hook("pytest_shapes_shape_of", "value", hooks, builtin_shape_of, crashes),
                expected_input=self._hook("pytest_shapes_expected_input", "model", hooks, declared_input, crashes),
                explain=lambda error, **facts: self.explain(error, item.ihook, crashes=crashes, **facts),
                hook_crashes=crashes,
            )
            item.stash[STATE_KEY] = state
            if RUNNING.state is None:
                RUNNING.state = state
        return state

    def _hook(
        self, name: str, argument: str, hooks: Callable[[], Any], builtin: Callable[[Any], Any], crashes: list[str]
    ) -> Callable[[Any], Any]:
        """The built-in, called directly, unless a conftest or plugin implements hook `name` for this
        test (the hooks of its conftests: one in a/ never sees a test in b/); then the hook, guarded
        so that its bugs never decide the test's outcome."""
        builtin_only = self._builtin_only.get(name)
        if builtin_only is None:
            builtin_only = self._builtin_only[name] = self._only_builtin(getattr(self.config.hook, name))
        if builtin_only:  # no implementation anywhere
            return builtin
        hook = getattr(hooks(), name)
        if self._only_builtin(hook):
            return builtin
        if not self.config.pluginmanager.has_plugin(HOOK_CRASH_PLUGIN):
            self.config.pluginmanager.register(HookCrashCheck(), HOOK_CRASH_PLUGIN)
        return GuardedHook(name, lambda value: hook(**{argument: value}), builtin, crashes)

    def _only_builtin(self, hook: Any) -> bool:
        builtin = self._builtin_plugin
        return all(impl.plugin is builtin for impl in hook.get_hookimpls())

    def explain(
        self,
        error: BaseException,
        hooks: Any,
        *,
        model: Any = None,
        inputs: Any = None,
        notices: list[str] | None = None,
        crashes: list[str] | None = None,
    ) -> Diagnosis | None:
        """`crashes` keeps a shape hook's bugs (default: `notices`, the lines on this failure)."""
        from pytest_shapes.explainers import explain
        from pytest_shapes.explainers.context import ExplainContext

        if notices is None:
            notices = []
        if crashes is None:
            crashes = notices
        context = ExplainContext(
            error,
            model=model,
            inputs=inputs,
            shape_of=self._hook("pytest_shapes_shape_of", "value", lambda: hooks, builtin_shape_of, crashes),
            expected_input=self._hook("pytest_shapes_expected_input", "model", lambda: hooks, declared_input, crashes),
            notices=notices,
        )
        return explain(error, context, lambda link, ctx: hooks.pytest_shapes_explain(error=link, context=ctx))

    # -- reports ----------------------------------------------------------

    def annotate(self, report: pytest.TestReport, item: pytest.Item, call: pytest.CallInfo[Any]) -> pytest.TestReport:
        """Add the failure's diagnosis (section, JUnit properties) and the test's payload to `report`."""
        # the test's checks went out with its call (or failed setup) report: teardown adds only its own failure
        state = item.stash.get(STATE_KEY, None) if call.when != "teardown" else None
        diagnosis, from_error = None, False
        # explainers run on failures only: a passing test never pays for them, nor trips on them
        notices: list[str] = []
        if report.failed and call.excinfo is not None:
            diagnosis, from_error = self._diagnose_failure(call.excinfo.value, item.ihook, notices)
            if state is not None:  # a hook's bug goes with the failure; a test that did not fail, its teardown fails
                notices.extend(state.hook_crashes)
                state.hook_crashes.clear()
        if diagnosis is not None:
            from pytest_shapes.report.junit import attach

            attach(diagnosis, report, item)
            if self.html:
                attach_html(diagnosis, report)
        if notices:  # the failure stays the test's own; one line says which explainer misbehaved
            report.sections.append(("shapes note", "\n".join(dict.fromkeys(notices))))
        if call.when == "call" or diagnosis is not None:
            payload = payload_of(state, diagnosis, from_error, with_checks=self.json.path is not None)
            if payload is not None:
                setattr(report, REPORT_ATTR, payload)
        return report

    def _diagnose_failure(self, error: BaseException, hooks: Any, notices: list[str]) -> tuple[Diagnosis | None, bool]:
        """The failure's diagnosis, and whether it explains an error (vs a violated contract).

        Never raises: a crashing explainer must not hide the test's own failure.
        """
        from pytest_shapes.diagnosis import ShapeMismatch
        from pytest_shapes.explainers import chain, explainer_crashed

        for link in chain(error):
            if isinstance(link, ShapeMismatch):  # ours, even re-raised by user code: no explainer needed
                return link.diagnosis, link.__cause__ is not None
        if not self.zero_config:
            return None, False
        try:
            diagnosis = self.explain(error, hooks, notices=notices)
        except Exception as crash:
            diagnosis = explainer_crashed(error, crash)
        return diagnosis, diagnosis is not None

    # -- aggregation (controller side) -----------------------------------

    def aggregate(self, report: pytest.TestReport, payload: dict[str, Any]) -> None:
        for output in self.outputs:
            output.add(report.nodeid, _outcome(report), payload, report.location)

    def forget(self, nodeid: str) -> None:
        for output in self.outputs:
            output.forget(nodeid)

    def write_summary(self, terminal: Any, *, verbosity: int, width: int | None) -> None:
        self.summary.write(terminal, verbosity=verbosity, width=width)
        self.annotations.write(terminal)

    def write_json(self) -> None:
        self.json.write()


def _outcome(report: pytest.TestReport) -> str:
    if hasattr(report, "wasxfail"):
        return "xpassed" if report.passed else "xfailed"
    if report.failed and report.when != "call":
        return "error"
    return report.outcome
