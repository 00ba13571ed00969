"""The lock comparison against what real installers do: after each tool installs its own lock into a venv,
autovenv finds nothing to say; after a pin is moved in the venv behind the tool's back, it names exactly
that distribution and the tool's own fix (PDM 2.29.4 cannot lock here: it breaks on hishel 2; its lock
format is held by tests/unit/test_drift.py), and running that fix makes it quiet again.

Real pip, uv, Poetry and Pipenv (from PyPI, in .test-tools as tests/run.sh installs them), a small
project depending on ``six`` (pinned), ``idna``, and ``colorama`` on Windows only (a marker that must not
count here), with a dev group.
"""

from __future__ import annotations

import os
import pathlib
import subprocess

import pytest

from autovenv.resolve import drift
from autovenv.resolve.venv import inspect_venv
from tests.shells.conftest import PY_A, python_of

REPO = pathlib.Path(__file__).resolve().parents[2]
PYPROJECT = """[project]
name = "demo"
version = "0.1.0"
requires-python = ">=3.9"
dependencies = ["six==1.16.0", "idna>=3", "colorama; sys_platform == 'win32'"]

[dependency-groups]
dev = ["iniconfig"]
"""


def tool(name: str) -> pathlib.Path:
    path = REPO / ".test-tools" / name / "bin" / name
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed in .test-tools, and CI must have it")
        pytest.skip(f"{name} is not installed in .test-tools (tests/run.sh installs it)")
    return path


def run(args: list[str], cwd: pathlib.Path, **env: str) -> None:
    environ = {**os.environ, **env}
    environ.pop("VIRTUAL_ENV", None)
    done = subprocess.run(
        args, cwd=cwd, env=environ, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"


def said(root: pathlib.Path, venv: pathlib.Path) -> str | None:
    found, problem, _ = drift.check(str(root), inspect_venv(str(venv)))
    assert problem is None
    return None if found is None else f"{found.lead()} {' '.join(found.command)}"


def test_pip_and_requirements(tmp_path: pathlib.Path) -> None:
    python = python_of(PY_A)
    (tmp_path / "requirements.txt").write_text(
        "six==1.16.0\nidna==3.7\ncolorama==0.4.6 ; sys_platform == 'win32'\n"
    )
    (tmp_path / "requirements-dev.txt").write_text("-r requirements.txt\niniconfig==2.0.0\n")
    venv = tmp_path / ".venv"
    run([str(python), "-m", "venv", str(venv)], tmp_path)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    run([*pip, "-r", "requirements.txt"], tmp_path)
    assert said(tmp_path, venv) is None  # a server's venv: requirements.txt only
    run([*pip, "six==1.15.0"], tmp_path)
    assert said(tmp_path, venv) == (
        "requirements.txt: six 1.16.0 pinned, 1.15.0 installed; run: pip install -r requirements.txt"
    )
    run([*pip, "-r", "requirements-dev.txt"], tmp_path)
    assert said(tmp_path, venv) is None
    freeze = subprocess.run([pip[0], "-m", "pip", "freeze"], capture_output=True, text=True, check=True)
    (tmp_path / "requirements.txt").write_text(freeze.stdout)  # pip freeze > requirements.txt
    assert said(tmp_path, venv) is None


def test_uv_lock_and_sync(tmp_path: pathlib.Path) -> None:
    uv = str(tool("uv"))
    python = str(python_of(PY_A))
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    run([uv, "sync", "--python", python], tmp_path)
    venv = tmp_path / ".venv"
    assert said(tmp_path, venv) is None  # colorama is in the lock, for Windows only
    run([uv, "pip", "install", "--python", str(venv / "bin" / "python"), "six==1.15.0"], tmp_path)
    assert said(tmp_path, venv) == "uv.lock: six 1.16.0 pinned, 1.15.0 installed; run: uv sync"
    run([uv, "sync", "--python", python], tmp_path)
    assert said(tmp_path, venv) is None
    run([uv, "export", "--format", "pylock.toml", "-o", "pylock.toml", "--quiet"], tmp_path)
    (tmp_path / "uv.lock").rename(tmp_path / "uv.lock.off")
    assert said(tmp_path, venv) is None  # the same pins, read from pylock.toml


def test_poetry(tmp_path: pathlib.Path) -> None:
    poetry = str(tool("poetry"))
    python = str(python_of(PY_A))
    (tmp_path / "pyproject.toml").write_text(PYPROJECT + "\n[tool.poetry]\npackage-mode = false\n")
    env = {"POETRY_VIRTUALENVS_IN_PROJECT": "true", "POETRY_CACHE_DIR": str(tmp_path / "cache")}
    run([poetry, "env", "use", python], tmp_path, **env)
    run([poetry, "install"], tmp_path, **env)
    venv = tmp_path / ".venv"
    assert said(tmp_path, venv) is None
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "six==1.15.0"], tmp_path)
    assert said(tmp_path, venv) == "poetry.lock: six 1.16.0 pinned, 1.15.0 installed; run: poetry install"
    run([poetry, "install"], tmp_path, **env)
    assert said(tmp_path, venv) is None


def test_pipenv(tmp_path: pathlib.Path) -> None:
    pipenv = str(tool("pipenv"))
    python = str(python_of(PY_A))
    (tmp_path / "Pipfile").write_text(
        '[packages]\nsix = "==1.16.0"\nidna = ">=3"\n'
        'colorama = {version = "*", sys_platform = "== \'win32\'"}\n'
        '\n[dev-packages]\niniconfig = "*"\n'
    )
    env = {"PIPENV_VENV_IN_PROJECT": "1", "PIPENV_YES": "1", "PIPENV_NOSPIN": "1"}
    run([pipenv, "install", "--dev", "--python", python], tmp_path, **env)
    venv = tmp_path / ".venv"
    assert said(tmp_path, venv) is None
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "six==1.15.0"], tmp_path)
    assert said(tmp_path, venv) == "Pipfile.lock: six 1.16.0 pinned, 1.15.0 installed; run: pipenv sync"
    run([pipenv, "sync", "--dev"], tmp_path, **env)
    assert said(tmp_path, venv) is None
