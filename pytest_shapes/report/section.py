"""Rendering a diagnosis: the report section and its layer-trace table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_shapes.safe_text import terminal_safe

if TYPE_CHECKING:
    from pytest_shapes.diagnosis import Diagnosis, TraceRow

FAILING_MARK = "<-- first failing"
SHORT_FAILING_MARK = "<--"
WIDTH = 80  # sections are read in CI logs and narrow terminals: tables must fit
TRACE_ROWS = 12  # longer traces show their head, the rows around the failure and their tail
TRACE_HEAD, TRACE_AROUND, TRACE_TAIL = 3, 2, 2


def render_section(diagnosis: Diagnosis) -> str:
    """The `shape diagnosis` report section: headline, fields, layer trace.

    The headline and the hint stay one line each, so they can be grepped
    and copied; the layer trace is a table that fits in 80 columns.
    """
    lines = [plain_text(diagnosis.headline)]  # whole: the JUnit property holds its first line only
    for label, value in (
        ("expected", diagnosis.expected),
        ("actual", diagnosis.actual),
        ("layer", diagnosis.layer),
        ("hint", diagnosis.hint),
    ):
        if value:
            lines.append(f"{label + ':':<10}{plain_text(value)}")
    if diagnosis.trace:
        count = len(diagnosis.trace)
        lines.append(f"layer trace ({count} layers):" if count > TRACE_ROWS else "layer trace:")
        lines.append(format_trace(diagnosis.trace, indent="  "))
    return "\n".join(lines)


def headline(diagnosis: Diagnosis) -> str:
    """`[<kind>] <message>`, one line of plain text: the JUnit `shape_diagnosis` property."""
    lines = plain_text(diagnosis.headline).splitlines()
    return lines[0] if lines else f"[{diagnosis.kind}]"


def format_trace(rows: list[TraceRow], indent: str = "", *, limit: int = TRACE_ROWS) -> str:
    """An aligned table: one row per layer, the first failing one marked.

    A trace longer than `limit` rows shows its first rows, the rows around
    the failing one and its last rows; `... N more layers ...` stands for
    the rest.
    """
    shown = _abbreviate(rows, limit)
    header = ("layer", "expects", "receives")
    cells = [header] + [_cells(row) for row in shown if row is not None]
    widths = [max(len(texts[i]) for texts in cells) for i in range(3)]
    room = WIDTH - len(indent) - widths[1] - widths[2] - 3 * len("  ")  # for the layer column and the mark
    mark = FAILING_MARK if widths[0] + len(FAILING_MARK) <= room else SHORT_FAILING_MARK
    # shapes are the point of the table: when it is too wide, layer names give way
    widths[0] = min(widths[0], max(room - len(mark), 16))

    def line(texts: tuple[str, str, str], marked: str = "") -> str:
        layer = texts[0] if len(texts[0]) <= widths[0] else texts[0][: widths[0] - 3] + "..."
        padded = [layer.ljust(widths[0]), texts[1].ljust(widths[1]), texts[2].ljust(widths[2]), marked]
        return (indent + "  ".join(padded)).rstrip()

    def elided(count: int) -> str:
        return f"{indent}... {count} more layer{'s' if count > 1 else ''} ..."

    out = [line(header)]
    skipped = 0
    for row in shown:
        if row is None:
            skipped += 1
            continue
        if skipped:
            out.append(elided(skipped))
            skipped = 0
        out.append(line(_cells(row), mark if row.failing else ""))
    if skipped:
        out.append(elided(skipped))
    return "\n".join(out)


def _cells(row: TraceRow) -> tuple[str, str, str]:
    return plain_text(row.layer), plain_text(row.expects), plain_text(row.receives)


def plain_text(value: Any) -> str:
    """Text without escapes and control characters: sections go to CI logs and JUnit XML as they are."""
    return terminal_safe(str(value))


def _abbreviate(rows: list[TraceRow], limit: int) -> list[TraceRow | None]:
    """`rows`, with None for each row left out of a long trace."""
    if len(rows) <= limit:
        return list(rows)
    keep = set(range(TRACE_HEAD)) | set(range(len(rows) - TRACE_TAIL, len(rows)))
    failing = next((i for i, row in enumerate(rows) if row.failing), None)
    if failing is not None:
        keep |= set(range(failing - TRACE_AROUND, failing + TRACE_AROUND + 1))
    # leaving out a single row saves nothing: its "... 1 more layer ..." line takes the same space
    for i in range(1, len(rows) - 1):
        if i - 1 in keep and i + 1 in keep:
            keep.add(i)
    return [row if i in keep else None for i, row in enumerate(rows)]
