"""Fixtures for the shell scenarios: a fake HOME whose rc file loads the installed hook, real venvs.

Every scenario runs in every shell listed in ``shell_list.SHELLS`` (adding a shell = adding it there,
plus its adapter and template). A shell that is not installed is skipped with a reason locally; under
``CI=true`` it is an error, because CI installs them all. PowerShell is ``pwsh`` on PATH or the file
``AUTOVENV_TEST_PWSH`` names (``.ci/run`` points it at the PowerShell 7 kept beside the repository).

Commands that are spelled differently in PowerShell have helpers here (``noop``, ``setenv``, ``unsetenv``,
``invoke``, ``child_shell``, ``source_activate``, ``which``), so a scenario reads the same for every shell.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping

import pytest

from tests.shells.pty_shell import InteractiveShell, pwsh_home, quote
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


#: A Homebrew-style directory some rc files put first on PATH: its ``python`` and ``pip`` are not the
#: project's, and say so, so a test that finds them where the venv's belong fails with a clear value.
FAKE_BREW_BIN = "brew/bin"


def _pyenv_setup(shell: str) -> str:
    """The seed workflow's own pyenv lines (``--no-rehash``: tests never rewrite the real shims); pyenv
    has no PowerShell set-up."""
    if shell == "pwsh":
        return ""
    if shell == "fish":
        return 'set -gx PATH "$PYENV_ROOT/bin" $PATH\npyenv init - --no-rehash fish | source'
    return 'export PATH="$PYENV_ROOT/bin:$PATH"\neval "$(pyenv init - --no-rehash ' + shell + ')"'


def _brew_setup(shell: str, brew_bin: str) -> str:
    if shell == "pwsh":
        return f"$env:PATH = {quote(shell, brew_bin)} + [IO.Path]::PathSeparator + $env:PATH"
    if shell == "fish":
        # fish_add_path's default: a universal fish_user_paths, which every fish puts back in front.
        return f"fish_add_path {quote(shell, brew_bin)}"
    return f'export PATH={quote(shell, brew_bin)}:"$PATH"'


def _prompt_hooks(shell: str) -> str:
    """What oh-my-zsh, prompt themes and history tools add: their own prompt and directory hooks
    (PowerShell's prompt themes have their own scenarios)."""
    if shell == "pwsh":
        return ""
    if shell == "bash":
        return (
            "__theme_ps1() { PS1='$ '; }\n"
            'PROMPT_COMMAND="history -a${PROMPT_COMMAND:+;$PROMPT_COMMAND};__theme_ps1"\n'
            '__rc_cd_count=0\ncd() { builtin cd "$@" && __rc_cd_count=$((__rc_cd_count + 1)); }'
        )
    if shell == "zsh":
        return (
            "autoload -Uz add-zsh-hook\n"
            "__theme_precmd() { PROMPT='$ '; }\nadd-zsh-hook precmd __theme_precmd\n"
            "__rc_cd_count=0\n__rc_chpwd() { __rc_cd_count=$((__rc_cd_count + 1)); }\n"
            "add-zsh-hook chpwd __rc_chpwd"
        )
    return (
        "set -g __rc_cd_count 0\n"
        "function __rc_on_pwd --on-variable PWD; set -g __rc_cd_count (math $__rc_cd_count + 1); end\n"
        "function __rc_on_prompt --on-event fish_prompt; set -g __rc_prompts 1; end"
    )


def _nounset(shell: str) -> str:
    return {"bash": "set -u", "zsh": "setopt nounset", "fish": "", "pwsh": "Set-StrictMode -Version Latest"}[
        shell
    ]


#: Realistic rc files every scenario is run under: name -> (lines before the hook line, lines after it).
#: The lines are per shell; ``brew`` is the world's fake Homebrew bin directory.
RC_PROFILES = ("plain", "pyenv-before", "pyenv-after", "brew", "prompt-hooks", "nounset", "realistic")


def rc_lines(profile: str, shell: str, brew: str) -> tuple[str, str]:
    """(before, after) of the hook line for ``profile``; see RC_PROFILES."""
    pyenv, brew_line = _pyenv_setup(shell), _brew_setup(shell, brew)
    hooks, strict = _prompt_hooks(shell), _nounset(shell)
    table = {
        "plain": ("", ""),
        "pyenv-before": (pyenv, ""),
        "pyenv-after": ("", pyenv),
        "brew": ("", brew_line),
        "prompt-hooks": ("", hooks),
        "nounset": (strict, ""),
        # Everything at once, all of it after the hook line (the hardest order for a hook).
        "realistic": ("", "\n".join(line for line in (strict, brew_line, pyenv, hooks) if line)),
    }
    return table[profile]


def hook_rc(shell: str, before: str = "", after: str = "") -> str:
    """The user's rc file: a plain prompt, anything the scenario needs, and the documented hook line."""
    exe = quote(shell, autovenv_command())
    if shell == "pwsh":  # the README's profile line, with the command by its path
        lines = [
            f"function prompt {{ '{PROMPT}' }}",
            before,
            f"Invoke-Expression (& {exe} hook pwsh | Out-String)",
            after,
        ]
    elif shell == "fish":
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

    def __init__(self, shell: str, root: pathlib.Path, profile: str = "plain") -> None:
        self.shell = shell
        self.root = root
        self.profile = profile
        self.brew_bin = root / FAKE_BREW_BIN
        self.brew_bin.mkdir(parents=True)
        for tool in ("python", "python3", "pip"):
            script = self.brew_bin / tool
            script.write_text(f"#!/bin/sh\necho 'Homebrew {tool} (not the project'\\''s)'\n")
            script.chmod(0o755)
        self.home = root / "home"
        self.home.mkdir()
        self.projects = root / "projects"
        self.projects.mkdir()
        #: The PATH the shell starts with and keeps: PowerShell puts its own folder first unless it is.
        self.path = BASE_PATH
        #: What a child shell puts in front of the PATH it inherits (PowerShell: its folder, again).
        self.child_prefix = ""
        if shell == "pwsh":
            binary = find_shell(shell)
            assert binary is not None
            self.child_prefix = pwsh_home(binary) + ":"
            self.path = self.child_prefix + BASE_PATH
        self.env = {
            "PATH": self.path,
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
        if os.environ.get("TMPDIR"):
            # The session's sandbox (tests/conftest.py): where a hook without a usable cache keeps its
            # stamps, and where PowerShell unpacks itself, never the real /tmp.
            self.env["TMPDIR"] = os.environ["TMPDIR"]
        self._open: list[InteractiveShell] = []

    def child_path(self, path: str, env: Mapping[str, str] | None = None) -> str:
        """The PATH a child shell has at its first prompt, given its parent's PATH and environment
        (``env``): PowerShell puts its own folder in front of it unless it stands first already; then,
        while an activation of autovenv's is in force (no venv activated by hand), the hook's first prompt
        puts its entries back in front and drops the folder PowerShell added again."""
        if not self.child_prefix:
            return path
        new = path if path.startswith(self.child_prefix) else self.child_prefix + path
        env = env or {}
        add = env.get("AUTOVENV_PATH_ADD", "")
        manual = "VIRTUAL_ENV" in env and env["VIRTUAL_ENV"] != env.get("AUTOVENV_VENV")
        if "AUTOVENV_KEY" not in env or not add or manual:
            return new
        ours = add.split(":")
        rest = [entry for entry in new.split(":") if entry not in ours]
        home = self.child_prefix[:-1]
        if rest.count(home) > 1:
            rest.remove(home)
        return ":".join(ours + rest)

    @property
    def base_path(self) -> str:
        """PATH in a new shell of this world outside any project (after its rc file ran)."""
        shims, pyenv_bin = f"{PYENV_ROOT}/shims", f"{PYENV_ROOT}/bin"
        # No pyenv for PowerShell: its realistic profile prepends brew alone.
        pyenv = "" if self.shell == "pwsh" else f"{shims}:{pyenv_bin}:"
        return {
            "pyenv-before": f"{pyenv}{self.path}",
            "pyenv-after": f"{pyenv}{self.path}",
            "brew": f"{self.brew_bin}:{self.path}",
            "realistic": f"{pyenv}{self.brew_bin}:{self.path}",
        }.get(self.profile, self.path)

    def rc(self, before: str = "", after: str = "") -> str:
        """The rc file of this world's profile, with a scenario's own lines around the hook line."""
        pre, post = rc_lines(self.profile, self.shell, str(self.brew_bin))
        joined_before = "\n".join(x for x in (pre, before) if x)
        return hook_rc(self.shell, joined_before, "\n".join(x for x in (post, after) if x))

    def start(self, before: str = "", after: str = "", env: dict[str, str] | None = None) -> InteractiveShell:
        session = InteractiveShell(
            self.shell,
            self.home,
            self.rc(before, after),
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
    return usable_shell(request.param)


def usable_shell(name: str) -> str:
    """``name``, when it is installed; else the test skips (fails in CI, which must run every shell)."""
    if find_shell(name) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed, and CI must run every shell")
        pytest.skip(not_installed(name))
    return name


def not_installed(name: str) -> str:
    """Why a shell's tests are skipped here, and what would run them."""
    if name == "pwsh":
        return "PowerShell is not installed (pwsh on PATH, or set AUTOVENV_TEST_PWSH to its path)"
    return f"{name} is not installed (apt-get install {name})"


@pytest.fixture
def world(shell_name: str, tmp_path: pathlib.Path) -> Iterator[World]:
    w = World(shell_name, tmp_path)
    try:
        yield w
    finally:
        w.close()


def shown_prompt(sh: InteractiveShell) -> str:
    """The prompt as the user sees it (PS1 after the shell's own prompt expansion; PowerShell's as drawn
    after a command that does nothing)."""
    if sh.shell == "pwsh":
        sh.run("$null")
        return sh.last_prompt
    if sh.shell == "fish":
        return sh.run("fish_prompt; echo")[:-1]
    if sh.shell == "bash":
        return sh.run("printf '%s\\n' \"${PS1@P}\"")[:-1]
    return sh.run('print -r -- "${(%)PS1}"')[:-1]


# ---------------------------------------------------------------------------------------- spellings


def noop(shell: str) -> str:
    """A command that does nothing (the prompt after it runs the hook)."""
    return "$null" if shell == "pwsh" else ":"


def setenv(shell: str, name: str, value: str) -> str:
    """Set and export an environment variable."""
    if shell == "pwsh":
        return f"$env:{name} = {quote(shell, value)}"
    if shell == "fish":
        return f"set -gx {name} {quote(shell, value)}"
    return f"export {name}={quote(shell, value)}"


def unsetenv(shell: str, name: str) -> str:
    if shell == "pwsh":
        return f"Remove-Item -LiteralPath Env:{name}"
    return ("set -e " if shell == "fish" else "unset ") + name


def invoke(shell: str, program: str | os.PathLike[str]) -> str:
    """The start of a command line that runs ``program`` by its path (PowerShell needs ``&`` for that)."""
    word = quote(shell, os.fspath(program))
    return f"& {word}" if shell == "pwsh" else word


def child_shell(shell: str) -> str:
    """A command starting an interactive child of the same shell, which reads the same rc file."""
    if shell == "pwsh":
        binary = find_shell("pwsh")
        assert binary is not None
        return f"& {quote(shell, binary)} -NoLogo"
    return shell


def source_activate(shell: str, venv: str | os.PathLike[str]) -> str:
    """Activate a venv by hand with its own script, as users do out of habit."""
    bin_dir = pathlib.Path(venv) / "bin"
    if shell == "pwsh":
        return f". {quote(shell, str(bin_dir / 'Activate.ps1'))}"
    script = "activate.fish" if shell == "fish" else "activate"
    return f"source {quote(shell, str(bin_dir / script))}"


def which(shell: str, name: str) -> str:
    """A command printing the path a command name runs (``command -v``)."""
    if shell == "pwsh":
        return f"(Get-Command -CommandType Application -Name {name} | Select-Object -First 1).Source"
    return f"command -v {name}"
