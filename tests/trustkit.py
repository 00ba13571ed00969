"""Helpers the trust tests share: real venvs from real creators, real git, and another group or owner.

Every venv here is made by the tool itself at its final path (``python -m venv`` of a pyenv CPython,
virtualenv, uv), every repository by ``git``: the trust rules are about what those tools really write.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

PYENV_ROOT = pathlib.Path(os.environ.get("PYENV_ROOT") or "/nonexistent-pyenv-root")
NOBODY = 65534
#: A group no test account is in (Debian's nogroup): group-writable by it means writable by strangers.
STRANGERS_GID = 65534
IS_ROOT = hasattr(os, "getuid") and os.getuid() == 0
needs_root = pytest.mark.skipif(not IS_ROOT, reason="changing a file's owner or group to another needs root")
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def python_of(version: str) -> pathlib.Path:
    path = PYENV_ROOT / "versions" / version / "bin" / "python"
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"pyenv Python {version} is not installed under {PYENV_ROOT}, and CI must have it")
        pytest.skip(f"pyenv Python {version} is not installed under {PYENV_ROOT}")
    return path


def make_venv(where: pathlib.Path, version: str = "3.12.1", *options: str) -> pathlib.Path:
    """A real venv, created at its final path by that CPython's own ``-m venv``."""
    subprocess.run([str(python_of(version)), "-m", "venv", "--without-pip", *options, str(where)], check=True)
    return where


def tool(name: str) -> str:
    """A creator installed with the test extras (virtualenv, uv), next to the test interpreter."""
    candidate = pathlib.Path(sys.executable).parent / name
    found = str(candidate) if candidate.exists() else shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed in the test environment, and CI must have it")
        pytest.skip(f"{name} is not installed in the test environment")
    return found


def make_virtualenv(where: pathlib.Path) -> pathlib.Path:
    subprocess.run(
        [tool("virtualenv"), "-q", "--no-pip", "--no-setuptools", "--no-wheel",
         "-p", str(python_of("3.12.1")), str(where)],
        check=True, env={**os.environ, "VIRTUALENV_OVERRIDE_APP_DATA": str(where.parent / ".venv-app-data")},
    )  # fmt: skip
    return where


def make_uv_venv(where: pathlib.Path, *options: str) -> pathlib.Path:
    subprocess.run(
        [tool("uv"), "venv", "-q", "--python", str(python_of("3.12.1")), *options, str(where)],
        check=True, env={**os.environ, "UV_CACHE_DIR": str(where.parent / ".uv-cache")},
    )  # fmt: skip
    return where


def git(repo: pathlib.Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main",
         "-c", "protocol.file.allow=always", *args],
        check=True, capture_output=True,
    )  # fmt: skip


def shared_group(path: pathlib.Path, mode: int = 0o775) -> None:
    """Make ``path`` writable by a group of strangers (not the user's own private group)."""
    os.chown(path, -1, STRANGERS_GID)
    os.chmod(path, mode)


def backdate(path: pathlib.Path, seconds: int = 86400 * 30) -> None:
    """Give ``path`` the old modification time an archive extractor would restore (its ctime stays now)."""
    old = path.stat().st_mtime - seconds
    os.utime(path, (old, old))
