"""A diagnosed failure on its test report: the `shape diagnosis` section and the JUnit properties."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_shapes.keys import JUNIT_PROPERTIES
from pytest_shapes.report.section import headline, plain_text, render_section

if TYPE_CHECKING:
    import pytest

    from pytest_shapes.diagnosis import Diagnosis


def attach(diagnosis: Diagnosis, report: pytest.TestReport, item: pytest.Item) -> None:
    """The diagnosis as a report section and as JUnit properties."""
    try:
        section = render_section(diagnosis)
    except Exception:  # a user explainer's odd Diagnosis still shows its headline
        section = headline(diagnosis)
    report.sections.append(("shape diagnosis", section))
    properties = list(zip(JUNIT_PROPERTIES, (plain_text(diagnosis.kind), headline(diagnosis)), strict=True))
    report.user_properties.extend(properties)
    item.user_properties.extend(properties)  # junitxml reads them from the teardown report
