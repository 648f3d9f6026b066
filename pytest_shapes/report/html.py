"""A diagnosed failure in a pytest-html report: the diagnosis and its layer trace as HTML tables, in
the test's row (pytest-html 4's `extras`). Written only when `--html` writes a report; pytest-html is
never required, nor imported: an extra is a plain dict of its documented fields."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from pytest_shapes.safe_text import terminal_safe

if TYPE_CHECKING:
    import pytest

    from pytest_shapes.diagnosis import Diagnosis


def writes_html(config: pytest.Config) -> bool:
    return bool(getattr(config.option, "htmlpath", None)) and config.pluginmanager.hasplugin("html")


def attach_html(diagnosis: Diagnosis, report: pytest.TestReport) -> None:
    extra: dict[str, str | None] = {"name": "shape diagnosis", "format_type": "html", "mime_type": None}
    extra.update(content=diagnosis_html(diagnosis), extension=None)
    report.extras = [*getattr(report, "extras", []), extra]  # type: ignore[attr-defined]


def diagnosis_html(diagnosis: Diagnosis) -> str:
    """The diagnosis as HTML: every text escaped (shapes such as `(None, 64)` and the hint's code)."""
    fields = "".join(
        f"<tr><th>{label}</th><td><code>{_text(value)}</code></td></tr>"
        for label, value in (
            ("expected", diagnosis.expected),
            ("actual", diagnosis.actual),
            ("layer", diagnosis.layer),
            ("hint", diagnosis.hint),
        )
        if value
    )
    parts = [
        '<div class="shape-diagnosis">',
        f"<p><strong>[{_text(diagnosis.kind)}]</strong> {_text(diagnosis.message)}</p>",
        f'<table class="shape-diagnosis-fields">{fields}</table>' if fields else "",
    ]
    if diagnosis.trace:
        rows = "".join(
            f"<tr{' class=failing' if row.failing else ''}><td>{_text(row.layer)}</td>"
            f"<td><code>{_text(row.expects)}</code></td><td><code>{_text(row.receives)}</code></td>"
            f"<td>{'&lt;-- first failing' if row.failing else ''}</td></tr>"
            for row in diagnosis.trace
        )
        parts.append(
            '<table class="shape-layer-trace"><caption>layer trace</caption>'
            f"<thead><tr><th>layer</th><th>expects</th><th>receives</th><th></th></tr></thead><tbody>{rows}</tbody>"
            "</table>"
        )
    parts.append("</div>")
    return "".join(parts)


def _text(value: Any) -> str:
    return escape(terminal_safe(str(value)))
