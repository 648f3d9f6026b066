"""Under GitHub Actions, each diagnosed failure as a workflow command (`::error file=...,line=...`), so
the diagnosis shows on the pull request's diff at the test's line.

On when the environment says GITHUB_ACTIONS=true, unless ini `shapes_github_annotations = false`.
"""

from __future__ import annotations

import os
from typing import Any

FAILED = ("failed", "error")


def annotations_wanted(ini_value: Any) -> bool:
    """Whether to write them: on GitHub Actions, unless the ini key says no."""
    if os.environ.get("GITHUB_ACTIONS") != "true":
        return False
    return str(ini_value).strip().lower() not in ("false", "0", "no", "off")


class GithubAnnotations:
    """One `::error` line per diagnosed failure of each test's last attempt, at the end of the run."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._by_test: dict[str, list[str]] = {}

    def add(self, nodeid: str, outcome: str, payload: dict[str, Any], location: Any = None) -> None:
        if not self.enabled or outcome not in FAILED or not payload["diagnoses"] or not location:
            return
        path, line = location[0], (location[1] or 0) + 1  # pytest counts lines from 0, GitHub from 1
        self._by_test[nodeid] = [_command(path, line, diagnosis) for diagnosis in payload["diagnoses"]]

    def forget(self, nodeid: str) -> None:
        self._by_test.pop(nodeid, None)

    def write(self, terminal: Any) -> None:
        for nodeid in sorted(self._by_test):
            for command in self._by_test[nodeid]:
                terminal.write_line(command)


def _command(path: str, line: int, diagnosis: dict[str, Any]) -> str:
    kind = diagnosis["kind"]
    text = f"[{kind}] {diagnosis['message']}"
    if diagnosis.get("hint"):
        text += f"\nhint: {diagnosis['hint']}"
    file = _property(path.replace(os.sep, "/"))
    return f"::error file={file},line={line},title={_property(f'[{kind}]')}::{_data(text)}"


def _data(text: str) -> str:
    """A workflow command's message: GitHub's escapes for %, CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """A workflow command's property value: the message's escapes, and those for : and ,."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")
