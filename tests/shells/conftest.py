"""Fixtures for the shell scenarios: a fake HOME whose rc file loads the installed hook, real venvs.

Every scenario runs in every shell listed in ``shell_list.SHELLS`` (adding a shell = adding it there,
plus its adapter and template). A shell that is not installed is skipped with a reason locally; under
``CI=true`` it is an error, because CI installs them all.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.shells.pty_shell import InteractiveShell, quote
from tests.shells.shell_list import SHELLS, SYSTEM_PATH, find_shell

BASE_PATH = SYSTEM_PATH
#: The real pyenv (tests/conftest.py found it before it replaced HOME with a sandbox).
PYENV_ROOT = pathlib.Path(os.environ.get("PYENV_ROOT") or "/nonexistent-pyenv-root")
#: Two installed CPython versions the scenarios switch between (pyenv on the test machine).
PY_A, PY_B = "3.12.1", "3.11.7"
PROMPT = "$ "


def autovenv_command() -> str:
    """The installed ``autovenv`` next to the interpreter running the tests (the wheel under test)."""
    candidate = pathlib.Path(sys.executable).parent / "autovenv"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("autovenv")
    if found is None:
        pytest.fail("autovenv is not installed in the test environment")
    return found


def hook_rc(shell: str, before: str = "", after: str = "") -> str:
    """The user's rc file: a plain prompt, anything the scenario needs, and the documented hook line."""
    exe = quote(shell, autovenv_command())
    if shell == "fish":
        lines = [
            "set -g fish_greeting",
            f"function fish_prompt; printf '%s' '{PROMPT}'; end",
            before,
            f"{exe} hook fish | source",
            after,
        ]
    else:
        lines = [f"PS1='{PROMPT}'", before, f'eval "$({exe} hook {shell})"', after]
    return "\n".join(line for line in lines if line) + "\n"


def python_of(version: str) -> pathlib.Path:
    path = PYENV_ROOT / "versions" / version / "bin" / "python"
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"pyenv Python {version} is not installed under {PYENV_ROOT}, and CI must have it")
        pytest.skip(f"pyenv Python {version} is not installed under {PYENV_ROOT}")
    return path


def make_venv(where: pathlib.Path, version: str = PY_A) -> pathlib.Path:
    """A real venv made by that version's ``python -m venv`` (no pip: faster, same layout)."""
    subprocess.run([str(python_of(version)), "-m", "venv", "--without-pip", str(where)], check=True)
    return where


class World:
    """One scenario's world: a fake HOME, a projects dir, and a way to start shells in it."""

    def __init__(self, shell: str, root: pathlib.Path) -> None:
        self.shell = shell
        self.root = root
        self.home = root / "home"
        self.home.mkdir()
        self.projects = root / "projects"
        self.projects.mkdir()
        self.env = {
            "PATH": BASE_PATH,
            "PYENV_ROOT": str(PYENV_ROOT),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            # The sandbox's: with an unusable cache the hooks keep their stamps there (cache.fallback_stamps).
            "TMPDIR": os.environ["TMPDIR"],
            # A loaded CI box can take longer than the real 200 ms deadline for a cold Python start; the
            # deadline itself has its own test, which sets it back.
            "AUTOVENV_TIMEOUT_MS": "10000",
        }
        self._open: list[InteractiveShell] = []

    def start(self, before: str = "", after: str = "", env: dict[str, str] | None = None) -> InteractiveShell:
        session = InteractiveShell(
            self.shell,
            self.home,
            hook_rc(self.shell, before, after),
            env={**self.env, **(env or {})},
            cwd=self.home,
            timeout=20,
        )
        return self.track(session)

    def track(self, session: InteractiveShell) -> InteractiveShell:
        """Close ``session`` with the world (for shells a test starts its own way)."""
        self._open.append(session)
        return session

    def close(self) -> None:
        for session in self._open:
            session.close()


@pytest.fixture(params=SHELLS)
def shell_name(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if find_shell(name) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed, and CI must run every shell")
        pytest.skip(f"{name} is not installed (apt-get install {name})")
    return name


@pytest.fixture
def world(shell_name: str, tmp_path: pathlib.Path) -> Iterator[World]:
    w = World(shell_name, tmp_path)
    try:
        yield w
    finally:
        w.close()


def shown_prompt(sh: InteractiveShell) -> str:
    """The prompt as the user sees it (PS1 after the shell's own prompt expansion)."""
    if sh.shell == "fish":
        return sh.run("fish_prompt; echo")[:-1]
    if sh.shell == "bash":
        return sh.run("printf '%s\\n' \"${PS1@P}\"")[:-1]
    return sh.run('print -r -- "${(%)PS1}"')[:-1]
