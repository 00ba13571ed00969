"""New shells inside a project, under the rc files people have: the first prompt makes the activation true.

A child shell, ``exec $SHELL``, a login shell and a new tmux window all inherit ``VIRTUAL_ENV`` and the
hook's ``AUTOVENV_*`` state, and then run rc files that put pyenv's shims, a Homebrew directory or a fresh
system PATH in front of the venv (a new PowerShell also puts its own folder there). Each scenario asserts
what the new shell itself sees: ``command -v python`` (``Get-Command``), the interpreter's real
``sys.prefix``, PATH (our entry first, once), the prompt, ``deactivate`` and ``autovenv status``.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

from tests.shells.conftest import (
    PY_A,
    PY_B,
    PYENV_ROOT,
    World,
    autovenv_command,
    child_shell,
    invoke,
    make_venv,
    python_of,
    shown_prompt,
    which,
)
from tests.shells.pty_shell import InteractiveShell, find_shell, quote

pytestmark = pytest.mark.shell

#: The profiles every new-shell scenario runs under by default (the rest of RC_PROFILES: with -m slow).
FAST_PROFILES = ("realistic", "pyenv-before", "brew")
SLOW_PROFILES = ("plain", "pyenv-after", "prompt-hooks", "nounset")


def _profiles() -> list[object]:
    return [*FAST_PROFILES, *(pytest.param(p, marks=pytest.mark.slow) for p in SLOW_PROFILES)]


@pytest.fixture(params=_profiles())
def rc_world(shell_name: str, request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> Iterator[World]:
    w = World(shell_name, tmp_path, profile=request.param)
    _login_files(w)
    try:
        yield w
    finally:
        w.close()


def _login_files(world: World) -> None:
    """What a login shell reads besides the rc file: Debian's ~/.profile (which sources ~/.bashrc) and a
    macOS-like ~/.zprofile whose path_helper puts the system directories first."""
    (world.home / ".profile").write_text(
        'if [ -n "$BASH_VERSION" ] && [ -f "$HOME/.bashrc" ]; then . "$HOME/.bashrc"; fi\n'
    )
    (world.home / ".zprofile").write_text("typeset -U path\npath=(/usr/local/bin /usr/bin /bin $path)\n")


def project(world: World, name: str = "shop", pin: str | None = None) -> pathlib.Path:
    where = world.projects / name
    where.mkdir(parents=True)
    if pin is None:
        make_venv(where / ".venv")
    else:
        (where / ".python-version").write_text(pin + "\n")
    return where


def path_of(sh: InteractiveShell) -> list[str]:
    return sh.env()["PATH"].decode("utf-8", "surrogateescape").split(":")


def assert_in_effect(
    sh: InteractiveShell, bin_dir: pathlib.Path, prefix: pathlib.Path, shown: str | None
) -> None:
    """The environment the answer names is the one the shell uses, and everything says so."""
    entries = path_of(sh)
    assert entries[0] == str(bin_dir), entries
    assert entries.count(str(bin_dir)) == 1, entries
    assert sh.run(which(sh.shell, "python")).strip() == f"{bin_dir}/python"
    assert sh.run("python -c 'import sys; print(sys.prefix)'").strip() == str(prefix)
    if shown is not None:
        assert shown_prompt(sh).startswith(shown)
    status = sh.run(f"{invoke(sh.shell, autovenv_command())} status")
    assert "this shell:    active for" in status, status
    assert "not in effect" not in status, status


def start_child(sh: InteractiveShell, how: str) -> str:
    """Start a new shell of the same kind in the session: a child, an exec, or a login shell (PowerShell
    has no exec; ``pwsh -Login`` runs /etc/profile through ``sh -l``, which resets PATH, then PowerShell)."""
    if sh.shell == "pwsh":
        if how == "exec":
            pytest.skip("PowerShell has no exec: a child or a login pwsh is how a new one starts inside it")
        return sh.run(child_shell(sh.shell) + (" -Login" if how == "login" else ""), timeout=20)
    return sh.run({"child": sh.shell, "exec": f"exec {sh.shell}", "login": f"{sh.shell} -l"}[how], timeout=20)


@pytest.mark.parametrize("how", ["child", "exec", "login"])
def test_a_new_shell_inside_a_project_uses_the_projects_venv(rc_world: World, how: str) -> None:
    shop = project(rc_world)
    sh = rc_world.start()
    sh.cd(shop)
    venv = shop / ".venv"
    assert_in_effect(sh, venv / "bin", venv, "(shop) ")
    assert start_child(sh, how) == ""  # nothing changed for the user, so nothing is said
    assert_in_effect(sh, venv / "bin", venv, "(shop) ")
    assert "deactivated" in sh.run("deactivate")
    assert str(venv / "bin") not in path_of(sh)
    assert sh.run(which(sh.shell, "python")).strip() != f"{venv}/bin/python"
    assert "VIRTUAL_ENV" not in sh.env()


@pytest.mark.parametrize("how", ["child", "login"])
def test_a_new_shell_inside_a_pinned_project_uses_the_pinned_interpreter(rc_world: World, how: str) -> None:
    blog = project(rc_world, "blog", pin=PY_B)
    sh = rc_world.start()
    sh.cd(blog)
    start_child(sh, how)
    bin_dir = PYENV_ROOT / "versions" / PY_B / "bin"
    assert_in_effect(sh, bin_dir, PYENV_ROOT / "versions" / PY_B, None)
    assert sh.env()["PYENV_VERSION"] == PY_B.encode()


@pytest.fixture(scope="module")
def shop_with_pip(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """A project whose venv has pip (``ensurepip`` takes seconds), made once for every shell's test: they
    only read it (each keeps its trust and cache in its own world)."""
    shop = tmp_path_factory.mktemp("seed") / "shop"
    shop.mkdir()
    subprocess.run([str(python_of(PY_A)), "-m", "venv", str(shop / ".venv")], check=True)
    return shop


def test_the_seed_workflows_rc_file_with_pip(
    tmp_path: pathlib.Path, shell_name: str, shop_with_pip: pathlib.Path
) -> None:
    """The rc file the issue started from, a venv with pip, and a child shell: `pip` is the venv's."""
    world = World(shell_name, tmp_path, profile="pyenv-before")
    try:
        shop = shop_with_pip
        sh = world.start()
        sh.cd(shop)
        sh.run(child_shell(world.shell), timeout=20)
        pip = sh.run("pip --version")
        assert f"from {shop}/.venv/lib/python" in pip, pip
        assert sh.run(which(world.shell, "pip")).strip() == f"{shop}/.venv/bin/pip"
    finally:
        world.close()


def test_leaving_in_a_child_shell_restores_its_own_path(rc_world: World) -> None:
    shop = project(rc_world)
    sh = rc_world.start()
    sh.cd(shop)
    sh.run(child_shell(rc_world.shell), timeout=20)
    assert sh.cd(rc_world.projects) == "autovenv: deactivated\n"
    entries = path_of(sh)
    assert str(shop / ".venv" / "bin") not in entries
    assert len(entries) == len(set(entries)) or rc_world.profile != "plain"


# ------------------------------------------------------------------------------------------------ tmux


def _tmux() -> str:
    found = shutil.which("tmux")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is not installed, and CI must have it")
        pytest.skip("tmux is not installed")
    return found


def _pane(tmux: str, sock: pathlib.Path) -> str:
    """What the new window shows."""
    return subprocess.run(
        [tmux, "-S", str(sock), "capture-pane", "-p", "-t", "av:1"], capture_output=True, text=True
    ).stdout


def test_a_new_tmux_window_from_a_server_started_inside_a_project(rc_world: World) -> None:
    """tmux keeps the environment of the shell that started its server, and starts every new window as a
    login shell: that window must use the venv, not the shims its rc file put first."""
    tmux = _tmux()
    shop = project(rc_world)
    sh = rc_world.start()
    sh.cd(shop)
    sock = rc_world.root / "tmux.sock"
    shell = find_shell(rc_world.shell)
    conf = rc_world.root / "tmux.conf"
    conf.write_text(f"set -g default-shell {shell}\n")
    out = rc_world.root / "window.out"
    t = f"{invoke(rc_world.shell, tmux)} -S {quote(rc_world.shell, str(sock))}"
    started = sh.run(f"{t} -f {quote(rc_world.shell, str(conf))} new-session -d -s av -x 200 -y 50")
    assert started == "" and sh.last_status == 0, started
    try:
        opened = sh.run(f"{t} new-window -t av")
        assert opened == "" and sh.last_status == 0, opened
        prefix_of = "python -c 'import sys; print(sys.prefix)'"
        status = f"{invoke(rc_world.shell, autovenv_command())} status"
        probe = (
            f"{which(rc_world.shell, 'python')} > {out}.tmp; {prefix_of} >> {out}.tmp; "
            f"printenv VIRTUAL_ENV >> {out}.tmp; {status} >> {out}.tmp; mv {out}.tmp {out}"
        )
        # Typed once the window shows its prompt (a pane keeps no trailing blanks). PowerShell's line editor
        # is ready some time after that, and an Enter typed before it is lost (the line stays typed):
        # Enter again until the probe ran.
        deadline = time.monotonic() + 30
        while not _pane(tmux, sock).rstrip().endswith("$") and time.monotonic() < deadline:
            time.sleep(0.1)
        keys = [tmux, "-S", str(sock), "send-keys", "-t", "av:1"]
        subprocess.run([*keys, "-l", probe], check=True)
        while not out.exists() and time.monotonic() < deadline:
            subprocess.run([*keys, "Enter"], check=True)
            for _ in range(40):
                if out.exists():
                    break
                time.sleep(0.05)
        assert out.exists(), _pane(tmux, sock)
        lines = out.read_text().splitlines()
        venv = shop / ".venv"
        assert lines[:3] == [f"{venv}/bin/python", str(venv), str(venv)]
        assert any(line.startswith("this shell:    active for") for line in lines), lines
    finally:
        subprocess.run([tmux, "-S", str(sock), "kill-server"], check=False, capture_output=True)
