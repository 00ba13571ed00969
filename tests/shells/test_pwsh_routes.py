"""The two ways in that need no profile script, run for real: the terminal profile's command line, and the
one-shot activation.

`autovenv init pwsh --terminal` writes a Windows Terminal fragment whose command line starts PowerShell
with the hook given to ``-Command``; here that exact command line (read back with Windows' own argument
rules) starts a real PowerShell 7 through a pseudo-terminal with ``-NoProfile`` and no profile file
anywhere, and entering a project activates it. `autovenv activate SHELL` is typed into real pwsh, bash,
zsh and fish sessions that load no hook.
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
import time
from collections.abc import Iterator

import pytest

from autovenv import init as init_mod
from autovenv import pwsh_policy
from tests.shells.conftest import PY_A, SHELLS, World, autovenv_command, make_venv, not_installed
from tests.shells.pty_shell import InteractiveShell, find_shell, quote
from tests.unit.test_pwsh_hosts import command_line_to_argv

pytestmark = pytest.mark.shell

PRINT_PREFIX = "python -c 'import sys; print(sys.prefix)'"

#: The harness's readiness announcement (tests/shells/pty_shell.py, _PWSH_HARNESS_PROFILE) as one typed
#: line, since this PowerShell reads no profile at all.
ANNOUNCER = (
    "Set-PSReadLineOption -PredictionSource None -HistorySaveStyle SaveNothing; "
    "function global:PSConsoleHostReadLine { $__pty_ok = $?; Microsoft.PowerShell.Core\\Set-StrictMode -Off; "
    "$__pty_code = $global:LASTEXITCODE; $null = [System.Console]::CursorLeft; "
    "[System.Console]::Write([string][char]27 + ']9999;autovenv-pty;' + $__pty_ok + ';' + $__pty_code "
    "+ [string][char]7); [Microsoft.PowerShell.PSConsoleReadLine]::ReadLine($Host.Runspace, "
    "$ExecutionContext, $__pty_ok) }"
)


class CommandLineSession(InteractiveShell):
    """PowerShell started with a given command line and no profile: nothing is written where PowerShell
    looks for profiles, and the harness's announcement is typed at the first prompt instead."""

    def __init__(self, argv: list[str], home: pathlib.Path, env: dict[str, str]) -> None:
        self._argv = argv
        self._bootstrapped = False
        super().__init__("pwsh", home, "", env=env, cwd=home, timeout=60)

    def _write_rc(self, rc: str, env: object) -> None:
        """No profile of any kind."""

    def _command(self, binary: str) -> list[str]:
        return self._argv

    def _converse_pwsh(self, encoded: bytes | None, timeout: float, what: str) -> str:
        if not self._bootstrapped:
            self._bootstrapped = True
            self._type_announcer(timeout)
        return super()._converse_pwsh(encoded, timeout, what)

    def _type_announcer(self, timeout: float) -> None:
        """Wait for PowerShell's first prompt (``PS path>`` drawn, then quiet), then type the announcer."""
        deadline = time.monotonic() + timeout
        quiet_since = [time.monotonic(), len(self.transcript)]

        def settled() -> bool:
            if len(self.transcript) != quiet_since[1]:
                quiet_since[:] = [time.monotonic(), len(self.transcript)]
            text = bytes(self.transcript)
            return b"PS " in text and b"> " in text and time.monotonic() - quiet_since[0] > 0.5

        self._wait_until(settled, deadline, "the first prompt of a PowerShell without profile")
        os.write(self._fd, ANNOUNCER.encode() + b"\r")


@pytest.fixture
def pw(tmp_path: pathlib.Path) -> Iterator[World]:
    if find_shell("pwsh") is None:
        if os.environ.get("CI"):
            pytest.fail("PowerShell is not installed, and CI must run it (set AUTOVENV_TEST_PWSH)")
        pytest.skip(not_installed("pwsh"))
    world = World("pwsh", tmp_path)
    try:
        yield world
    finally:
        world.close()


def terminal_fragment(world: World) -> dict[str, list[dict[str, str]]]:
    """What `autovenv init pwsh --terminal` writes, for this machine's PowerShell as the host."""
    binary = find_shell("pwsh")
    assert binary is not None
    host = pwsh_policy.Host(pwsh_policy.CORE, binary, answered=True, version="7", windows=False)
    local = world.root / "LocalAppData"
    lines: list[str] = []
    env = {"LOCALAPPDATA": str(local), "HOME": str(world.home)}
    code = init_mod.run("pwsh", False, False, env, lines.append, terminal=True, windows=True, hosts=[host])
    assert code == 0
    path = local / "Microsoft" / "Windows Terminal" / "Fragments" / "autovenv" / "autovenv.json"
    data: dict[str, list[dict[str, str]]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_the_terminal_profile_command_line_hooks_a_pwsh_that_loads_no_profile(pw: World) -> None:
    (profile,) = terminal_fragment(pw)["profiles"]
    argv = command_line_to_argv(profile["commandline"])
    assert argv[1:4] == ["-NoLogo", "-NoExit", "-Command"] and "hook pwsh | Out-String" in argv[4]
    project = pw.projects / "shop"
    make_venv(project / ".venv", PY_A)
    sh = pw.track(CommandLineSession([argv[0], "-NoProfile", *argv[1:]], pw.home, pw.env))
    assert not list(pw.home.rglob("*.ps1")), "a profile script exists"
    assert sh.cd(project) == f"autovenv: activated shop (.venv, Python {PY_A})\n"
    assert sh.env()["VIRTUAL_ENV"] == os.fsencode(project / ".venv")
    assert sh.run(PRINT_PREFIX) == f"{project / '.venv'}\n"
    assert sh.last_prompt.startswith(("(.venv) PS ", "(shop) PS "))  # the hook's prefix on the default prompt
    assert sh.cd(pw.projects) == "autovenv: deactivated\n"
    assert "VIRTUAL_ENV" not in sh.env()
    # doctor, in that session, sees the hook running though no profile loads it.
    report = sh.run(f"& {quote('pwsh', autovenv_command())} doctor", timeout=120)
    assert "loaded by the command line this session was started with" in report, report


# ------------------------------------------------------------------------------------ one-shot


def plain_rc(shell: str) -> str:
    """A startup file with a plain prompt and no hook."""
    if shell == "pwsh":
        return "function prompt { '$ ' }\n"
    if shell == "fish":
        return "set -g fish_greeting\nfunction fish_prompt; printf '%s' '$ '; end\n"
    return "PS1='$ '\n"


def activate_command(shell: str, *extra: str) -> str:
    exe = quote(shell, autovenv_command())
    args = " ".join(("activate", shell, *extra))
    if shell == "pwsh":
        return f"& {exe} {args} | Invoke-Expression"
    if shell == "fish":
        return f"{exe} {args} | source"
    return f'eval "$({exe} {args})"'


@pytest.mark.parametrize("shell", SHELLS)
def test_one_shot_activation_without_hook_or_script(shell: str, tmp_path: pathlib.Path) -> None:
    if find_shell(shell) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{shell} is not installed, and CI must run every shell")
        pytest.skip(not_installed(shell))
    world = World(shell, tmp_path)
    try:
        project = world.projects / "shop"
        venv = make_venv(project / ".venv", PY_A)
        sh = world.track(InteractiveShell(shell, world.home, plain_rc(shell), env=world.env, cwd=project))
        before = sh.env()
        assert "VIRTUAL_ENV" not in before and "AUTOVENV_HOOK" not in before
        assert sh.run(PRINT_PREFIX) != f"{venv}\n"
        assert sh.run(activate_command(shell)) == f"autovenv: activated shop (.venv, Python {PY_A})\n"
        after = sh.env()
        assert after["VIRTUAL_ENV"] == os.fsencode(venv)
        assert after["PATH"] == os.fsencode(venv / "bin") + b":" + before["PATH"]
        assert sh.run(PRINT_PREFIX) == f"{venv}\n"
        assert sh.run(activate_command(shell)) == "autovenv: already active\n"
        assert sh.run(activate_command(shell, "--undo")) == "autovenv: deactivated\n"
        undone = sh.env()
        assert "VIRTUAL_ENV" not in undone and undone["PATH"] == before["PATH"]
        ours = {n for n in undone if n.startswith("AUTOVENV_")}
        assert ours == {n for n in before if n.startswith("AUTOVENV_")}
        # From elsewhere, naming the project; nothing to activate is not a reason to change anything.
        sh.cd(world.home)
        assert sh.run(activate_command(shell)).startswith("autovenv: nothing to activate for")
        assert sh.run(activate_command(shell, quote(shell, str(project)))).startswith("autovenv: activated")
        assert sh.env()["VIRTUAL_ENV"] == os.fsencode(venv)
    finally:
        world.close()


def test_one_shot_output_is_data_only_for_powershell(tmp_path: pathlib.Path) -> None:
    """What `activate pwsh` prints is `$env:` assignments and `Remove-Item Env:` lines only, ASCII."""
    import subprocess

    project = tmp_path / "it's $(x) `y` caf\u00e9"
    venv = make_venv(project / ".venv", PY_A)
    env = {
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "XDG_CACHE_HOME": str(tmp_path / "c"),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
        "XDG_DATA_HOME": str(tmp_path / "d"),
        "PWD": str(project),
    }
    out = subprocess.run(
        [sys.executable, "-m", "autovenv", "activate", "pwsh"],
        cwd=project,
        env=env,
        capture_output=True,
        check=True,
    ).stdout.decode("ascii")
    removal = "Microsoft.PowerShell.Management\\Remove-Item -LiteralPath Env:/"
    for line in out.splitlines():
        assert line.startswith(("$env:", removal)), line
    assert "$env:VIRTUAL_ENV = (" in out and str(venv) not in out  # non-ASCII goes through [char] casts
