"""The plugin's run-time work: per-test state, report data, summary, JSON file.

Per-test results ride on the test reports (`report.pytest_shapes`, plain
data), so they survive pytest-xdist; the controller aggregates from
`pytest_runtest_logreport` alone, so serial and `-n N` runs agree.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_shapes.marker import MarkerContract, contract_of
from pytest_shapes.report import JSON_FIELDS, JsonReport, Totals, headline, plain, render_section
from pytest_shapes.spec import SpecError

if TYPE_CHECKING:
    from pytest_shapes.diagnosis import Diagnosis
    from pytest_shapes.fixture import Shapes

SESSION_KEY = pytest.StashKey["ShapesSession"]()
STATE_KEY = pytest.StashKey["Shapes"]()
BUILTIN_PLUGIN = "shapes-builtins"
CONTRACT_KEY = pytest.StashKey["MarkerContract | None"]()
REPORT_ATTR = "pytest_shapes"  # plain data on TestReport; xdist serialises report.__dict__


class InvalidSpec(pytest.Collector):
    """Stands in for a test whose marker has an invalid spec: a collection error, never a traceback."""

    def __init__(self, *, error: SpecError, **kwargs: Any):
        super().__init__(**kwargs)
        self.error = error

    def collect(self) -> list[pytest.Item]:
        raise self.error

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, SpecError):
            return f"SpecError: {excinfo.value}"
        return str(super().repr_failure(excinfo))


class ShapesSession:
    def __init__(self, config: pytest.Config):
        self.config = config
        self.zero_config = _diagnose_mode(config) == "auto"
        self.totals = Totals()
        self.json = JsonReport(_report_path(config))
        self.is_worker = hasattr(config, "workerinput")

    # -- per-test state ---------------------------------------------------

    def shapes_for(self, item: pytest.Item) -> Shapes:
        state = item.stash.get(STATE_KEY, None)
        if state is None:
            from pytest_shapes import adapters
            from pytest_shapes.fixture import Shapes

            state = Shapes(
                contract=self._contract(item),
                shape_of=self._shape_of(),
                dtype_of=adapters.dtype_of,
                explain=self.explain,
                expected_input=self._expected_input,
            )
            item.stash[STATE_KEY] = state
        return state

    def _shape_of(self) -> Callable[[Any], Any]:
        """The direct, type-cached extractor unless another plugin implements the hook."""
        hook = self.config.hook.pytest_shapes_shape_of
        builtin = self.config.pluginmanager.get_plugin(BUILTIN_PLUGIN)
        if all(impl.plugin is builtin for impl in hook.get_hookimpls()):
            from pytest_shapes.adapters import shape_of

            return shape_of
        return lambda value: hook(value=value)

    def _expected_input(self, model: Any) -> Any:
        return self.config.hook.pytest_shapes_expected_input(model=model)

    def _contract(self, item: pytest.Item) -> MarkerContract | None:
        if CONTRACT_KEY not in item.stash:
            item.stash[CONTRACT_KEY] = contract_of(item)
        return item.stash[CONTRACT_KEY]

    def explain(self, error: BaseException, *, model: Any = None, inputs: Any = None) -> Diagnosis | None:
        from pytest_shapes.explainers import explain
        from pytest_shapes.explainers.context import ExplainContext

        hook = self.config.hook
        context = ExplainContext(
            error,
            model=model,
            inputs=inputs,
            shape_of=self._shape_of(),
            expected_input=self._expected_input,
        )
        return explain(error, context, lambda link, ctx: hook.pytest_shapes_explain(error=link, context=ctx))

    # -- collection: validate markers once -------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_pycollect_makeitem(
        self, collector: pytest.Collector, name: str, obj: object
    ) -> Generator[None, Any, Any]:
        result = yield
        if result is None:
            return result
        items = result if isinstance(result, list) else [result]
        checked = []
        for item in items:
            if isinstance(item, pytest.Function):
                try:
                    self._contract(item)
                except SpecError as error:
                    item = InvalidSpec.from_parent(collector, name=item.name, error=error)
            checked.append(item)
        return checked if isinstance(result, list) else checked[0]

    # -- running ----------------------------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, Any, Any]:
        __tracebackhide__ = True
        result = yield
        contract = item.stash.get(CONTRACT_KEY, None)
        if contract is not None:
            state = item.stash.get(STATE_KEY, None)
            if state is None or state.wrapped_calls == 0:
                from pytest_shapes.diagnosis import ShapeMismatch

                raise ShapeMismatch(_no_call(item, contract, used_fixture=state is not None))
        return result

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[None, Any, Any]:
        report = yield
        if call.when == "teardown":
            return report
        state = item.stash.get(STATE_KEY, None)
        diagnosis, from_error = None, False
        # explainers run on failures only: a passing test never pays for them, nor trips on them
        if report.failed and call.excinfo is not None:
            diagnosis, from_error = self._diagnose_failure(call.excinfo.value)
        if diagnosis is not None:
            report.sections.append(("shape diagnosis", _render(diagnosis)))
            properties = [("shape_diagnosis_kind", str(diagnosis.kind)), ("shape_diagnosis", headline(diagnosis))]
            report.user_properties.extend(properties)
            item.user_properties.extend(properties)  # junitxml reads them from the teardown report
        if call.when == "call" or diagnosis is not None:
            payload = _payload(state, diagnosis, from_error)
            if payload is not None:
                setattr(report, REPORT_ATTR, payload)
        return report

    def _diagnose_failure(self, error: BaseException) -> tuple[Diagnosis | None, bool]:
        """The failure's diagnosis, and whether it explains an error (vs a violated contract).

        Never raises: a crashing explainer must not hide the test's own failure.
        """
        from pytest_shapes.diagnosis import Diagnosis, ShapeMismatch
        from pytest_shapes.explainers import chain, explainer_crashed

        for link in chain(error):
            if isinstance(link, ShapeMismatch):  # ours, even re-raised by user code: no explainer needed
                return link.diagnosis, link.__cause__ is not None
        if not self.zero_config:
            return None, False
        try:
            diagnosis = self.explain(error)
            if diagnosis is not None and not isinstance(diagnosis, Diagnosis):
                raise TypeError(f"pytest_shapes_explain returned {type(diagnosis).__name__}, not a Diagnosis")
        except Exception as crash:
            diagnosis = explainer_crashed(error, crash)
        return diagnosis, diagnosis is not None

    # -- aggregation (controller side) -----------------------------------

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        payload = getattr(report, REPORT_ATTR, None)
        if payload is None:
            return
        self.totals.add(report.nodeid, payload)
        self.json.add(report.nodeid, _outcome(report), payload)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter: Any, config: pytest.Config) -> Generator[None, None, None]:
        # outermost wrapper: the shapes line comes after pytest's short test summary,
        # right above the final counts, where people and CI logs look
        try:
            return (yield)
        finally:
            self.totals.write_summary(terminalreporter, verbose=config.getoption("verbose") > 0)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not self.is_worker:
            self.json.write()


def _payload(state: Shapes | None, failure: Diagnosis | None, from_error: bool) -> dict[str, Any] | None:
    """What the controller needs of one test: plain data, so it crosses pytest-xdist intact."""
    records = state.calls if state is not None else []  # wrapped calls and checks
    blocks = state.diagnosed if state is not None else []  # errors explained by `shapes.diagnose()`
    if not records and not blocks and failure is None:
        return None
    diagnoses = [record.diagnosis for record in records if record.diagnosis is not None] + blocks
    explained = sum(record.outcome == "error" for record in records) + len(blocks)
    violated = sum(record.outcome == "violated" for record in records)
    if failure is not None and all(failure is not known for known in diagnoses):
        diagnoses.append(failure)
        if from_error:
            explained += 1
        else:
            violated += 1
    return plain(
        {
            "checks": [record.to_dict() for record in records],
            "diagnoses": [{key: getattr(diagnosis, key, None) for key in JSON_FIELDS} for diagnosis in diagnoses],
            "checked": len(records),
            "violated": violated,
            "explained": explained,
        }
    )


def _outcome(report: pytest.TestReport) -> str:
    if hasattr(report, "wasxfail"):
        return "xpassed" if report.passed else "xfailed"
    if report.failed and report.when != "call":
        return "error"
    return report.outcome


def _render(diagnosis: Diagnosis) -> str:
    try:
        return render_section(diagnosis)
    except Exception:  # a user explainer's odd Diagnosis still shows its headline
        return headline(diagnosis)


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


def _no_call(item: pytest.Item, contract: MarkerContract, *, used_fixture: bool) -> Diagnosis:
    why = "no call went through shapes.wrap()" if used_fixture else "the test does not use the `shapes` fixture"
    from pytest_shapes.diagnosis import Diagnosis

    return Diagnosis(
        "no-call",
        f"{item.name} declares @pytest.mark.{contract.source} but checked no call: {why}",
        hint="call the model through the fixture: model = shapes.wrap(model); model(x)",
    )
