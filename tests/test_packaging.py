"""The distribution a user installs from a clone (issue #13): the sdist and the wheel built from it hold
the package, its `py.typed`, the pytest plugin entry point and the `pytest-shapes` command."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # the wheel is built from the sdist, as an installer given the sdist would build it
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return out


def test_the_wheel_holds_the_package_its_types_the_plugin_and_the_command(dist: Path) -> None:
    (wheel,) = dist.glob("pytest_shapes-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (entry_points,) = [name for name in names if name.endswith(".dist-info/entry_points.txt")]
        entries = archive.read(entry_points).decode()

    for module in ("__init__.py", "plugin.py", "py.typed", "cli.py", "__main__.py", "verify/__init__.py"):
        assert f"pytest_shapes/{module}" in names, module
    assert not any(name.startswith(("tests/", "bench/", "examples/")) for name in names)
    assert "[pytest11]\nshapes = pytest_shapes.plugin" in entries
    assert "[console_scripts]\npytest-shapes = pytest_shapes.cli:main" in entries


def test_the_sdist_holds_the_sources_to_build_it_again(dist: Path) -> None:
    (sdist,) = dist.glob("pytest_shapes-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}

    assert {"pyproject.toml", "README.md", "pytest_shapes/py.typed", "pytest_shapes/plugin.py"} <= names
