"""expect_shape contracts in a session: validated at collection, enforced at run time.

Loaded with the first module that declares a contract (see the plugin's
`pytest_make_collect_report`); the check that a contract saw a call is a plugin
registered only then, so sessions without contracts never pay for it.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import pytest

from pytest_shapes.keys import CONTRACT_KEY, NO_CALL_PLUGIN, STATE_KEY

if TYPE_CHECKING:
    from pytest_shapes.diagnosis import Diagnosis
    from pytest_shapes.marker import MarkerContract
    from pytest_shapes.spec import SpecError


class InvalidSpec(pytest.Collector):
    """Stands in for a test whose marker has an invalid spec: a collection error, never a traceback."""

    def __init__(self, *, error: SpecError, **kwargs: Any):
        super().__init__(**kwargs)
        self.error = error

    def collect(self) -> list[pytest.Item]:
        raise self.error

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        from pytest_shapes.spec import SpecError

        if isinstance(excinfo.value, SpecError):
            return f"SpecError: {excinfo.value}"
        return str(super().repr_failure(excinfo))


def contract_for(item: pytest.Item) -> MarkerContract | None:
    """The item's parsed contract, computed once; the first one found arms the no-call check."""
    if CONTRACT_KEY not in item.stash:
        from pytest_shapes.marker import contract_of  # parsing specs: only sessions that declare contracts

        contract = item.stash[CONTRACT_KEY] = contract_of(item)
        if contract is not None and not item.config.pluginmanager.has_plugin(NO_CALL_PLUGIN):
            item.config.pluginmanager.register(NoCallCheck(), NO_CALL_PLUGIN)
    return item.stash[CONTRACT_KEY]


def validated(collector: pytest.Collector, nodes: list[Any]) -> list[Any]:
    """`nodes` with each test whose contract does not parse replaced by an InvalidSpec."""
    from pytest_shapes.spec import SpecError

    checked = []
    for node in nodes:
        if isinstance(node, pytest.Function):
            try:
                contract_for(node)
            except SpecError as error:
                node = InvalidSpec.from_parent(collector, name=node.name, error=error)
        checked.append(node)
    return checked


class NoCallCheck:
    """Fails a test that declares a contract but checked no call through the fixture."""

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


def _no_call(item: pytest.Item, contract: MarkerContract, *, used_fixture: bool) -> Diagnosis:
    from pytest_shapes.diagnosis import Diagnosis

    why = "no call went through shapes.wrap()" if used_fixture else "the test does not use the `shapes` fixture"
    return Diagnosis(
        "no-call",
        f"{item.name} declares @pytest.mark.{contract.source} but checked no call: {why}",
        hint="call the model through the fixture: model = shapes.wrap(model); model(x)",
    )
