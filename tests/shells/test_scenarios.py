"""The shared scenarios: one list, run in real interactive bash, zsh, fish and PowerShell 7 through a
pseudo-terminal.

Each scenario asserts what the shell itself sees after the prompt hooks ran: the exported environment
(byte-exact), ``command -v python`` (``Get-Command`` in PowerShell), the interpreter's real ``sys.prefix``
and ``python --version``, and the one-line messages. The hook comes from the rc file (PowerShell: its
``$PROFILE``), exactly as a user installs it.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

from autovenv import display
from tests.shells.conftest import (
    PROMPT,
    PY_A,
    PY_B,
    PYENV_ROOT,
    World,
    autovenv_command,
    child_shell,
    hook_rc,
    invoke,
    make_venv,
    noop,
    setenv,
    shown_prompt,
    source_activate,
    unsetenv,
    which,
)
from tests.shells.pty_shell import InteractiveShell

pytestmark = pytest.mark.shell

#: Every scenario runs under a plain rc file and under the realistic one (pyenv init, a Homebrew PATH line,
#: prompt and directory hooks of the user's own and `set -u`, all after the hook line); each of those on
#: its own, and pyenv init before the hook line, with -m slow.
SLOW_RC_PROFILES = ("pyenv-before", "pyenv-after", "brew", "prompt-hooks", "nounset")


@pytest.fixture(
    params=["plain", "realistic", *(pytest.param(p, marks=pytest.mark.slow) for p in SLOW_RC_PROFILES)]
)
def world(shell_name: str, tmp_path: pathlib.Path, request: pytest.FixtureRequest) -> Iterator[World]:
    w = World(shell_name, tmp_path, profile=request.param)
    try:
        yield w
    finally:
        w.close()

#: Variables a shell changes by itself between commands; never part of "the user's environment".
VOLATILE = {"PWD", "OLDPWD", "_", "SHLVL"}


def stable(env: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in env.items() if k not in VOLATILE}


def python_facts(sh: InteractiveShell) -> tuple[str, str, str]:
    """(command -v python, sys.prefix, python --version) as the shell sees them."""
    where = sh.run(which(sh.shell, "python")).strip()
    prefix = sh.run("python -c 'import sys; print(sys.prefix)'").strip()
    version = sh.run("python --version").strip()
    return where, prefix, version


def path_of(sh: InteractiveShell) -> str:
    return sh.env()["PATH"].decode("utf-8", "surrogateescape")


def project(world: World, name: str, version: str | None = PY_A, pin: str | None = None) -> pathlib.Path:
    where = world.projects / name
    where.mkdir(parents=True)
    if version is not None:
        make_venv(where / ".venv", version)
    if pin is not None:
        (where / ".python-version").write_text(pin + "\n")
    return where


# ---------------------------------------------------------------------------------------- activation


def test_entering_a_project_activates_its_venv(world: World) -> None:
    shop = project(world, "shop")
    sh = world.start()
    before = path_of(sh)
    out = sh.cd(shop)
    assert out == f"autovenv: activated shop (.venv, Python {PY_A})\n"
    venv = shop / ".venv"
    env = sh.env()
    assert env["VIRTUAL_ENV"] == os.fsencode(venv)
    assert path_of(sh) == f"{venv}/bin:{before}"
    assert python_facts(sh) == (f"{venv}/bin/python", str(venv), f"Python {PY_A}")
    assert "PYTHONHOME" not in env


def test_subdirectories_keep_the_environment_silently(world: World) -> None:
    shop = project(world, "shop")
    (shop / "src" / "pkg").mkdir(parents=True)
    sh = world.start()
    sh.cd(shop)
    env = stable(sh.env())
    assert sh.cd(shop / "src" / "pkg") == ""
    assert sh.run(noop(world.shell)) == ""
    assert stable(sh.env()) == env


def test_leaving_restores_the_environment_exactly(world: World) -> None:
    shop = project(world, "shop")
    # Set after the hook line: a PYTHONHOME this odd would break any Python started without -I, pip's
    # console scripts included (our hook's own process runs isolated and does not mind).
    after = "; ".join(
        setenv(world.shell, n, v)
        for n, v in (("PYTHONHOME", "/opt/odd home"), ("VIRTUAL_ENV_PROMPT", "keep me"))
    )
    sh = world.start(after=after)
    before = stable(sh.env())
    sh.cd(shop)
    assert "PYTHONHOME" not in sh.env()
    out = sh.cd(world.projects)
    assert out == "autovenv: deactivated\n"
    assert stable(sh.env()) == before


def test_switching_projects_switches_python(world: World) -> None:
    shop = project(world, "shop")
    blog = project(world, "blog", version=None, pin=PY_B)
    sh = world.start()
    sh.cd(shop)
    out = sh.cd(blog)
    assert out == f"autovenv: using Python {PY_B} in blog (.python-version)\n"
    env = sh.env()
    assert "VIRTUAL_ENV" not in env
    assert env["PYENV_VERSION"] == PY_B.encode()
    bin_dir = PYENV_ROOT / "versions" / PY_B / "bin"
    assert path_of(sh) == f"{bin_dir}:{world.base_path}"
    assert python_facts(sh) == (f"{bin_dir}/python", str(PYENV_ROOT / "versions" / PY_B), f"Python {PY_B}")


def test_nested_projects_nearest_wins(world: World) -> None:
    outer = project(world, "outer", version=PY_A)
    inner = outer / "libs" / "inner"
    inner.mkdir(parents=True)
    make_venv(inner / ".venv", PY_B)
    sh = world.start()
    sh.cd(outer)
    assert sh.cd(inner) == f"autovenv: activated inner (.venv, Python {PY_B})\n"
    assert python_facts(sh)[1] == str(inner / ".venv")
    assert path_of(sh) == f"{inner}/.venv/bin:{world.base_path}"
    assert sh.cd(outer / "libs") == f"autovenv: activated outer (.venv, Python {PY_A})\n"
    assert path_of(sh) == f"{outer}/.venv/bin:{world.base_path}"


def test_pinned_version_that_is_not_installed_names_the_fix(world: World) -> None:
    odd = project(world, "odd", version=None, pin="3.5.10")  # pyenv knows it; the machine lacks it
    sh = world.start()
    before = stable(sh.env())
    out = sh.cd(odd)
    assert out.count("\n") == 1
    assert "run: pyenv install 3.5.10" in out
    assert stable(sh.env()) == before


def test_pinned_version_that_exists_nowhere_is_not_sent_to_pyenv_install(world: World) -> None:
    odd = project(world, "odd", version=None, pin="3.99")
    sh = world.start()
    out = sh.cd(odd)
    assert out == (
        f"autovenv: Python 3.99 from {odd / '.python-version'} is not installed; "
        "pyenv has no version 3.99 to install (see: pyenv install --list)\n"
    )


def test_venv_created_and_deleted_while_inside_is_picked_up(world: World) -> None:
    app = project(world, "app", version=None)
    (app / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    sh = world.start()
    hint = sh.cd(app)  # it declares itself but has no venv: what `autovenv create` would make
    assert hint.startswith("autovenv: no venv yet: `autovenv create` would make one with ")
    assert hint.count("\n") == 1
    python = PYENV_ROOT / "versions" / PY_A / "bin" / "python"
    out = sh.run(f"{invoke(world.shell, python)} -m venv --without-pip .venv")
    assert out == f"autovenv: activated app (.venv, Python {PY_A})\n"
    assert sh.env()["VIRTUAL_ENV"] == os.fsencode(app / ".venv")
    gone = sh.run("rm -rf .venv").splitlines()  # deactivated, and the hint again
    assert sorted(gone) == sorted(["autovenv: deactivated", hint.rstrip("\n")])
    assert "VIRTUAL_ENV" not in sh.env()
    assert path_of(sh) == world.base_path


def test_python_version_edited_while_inside_is_picked_up(world: World) -> None:
    app = project(world, "app", version=None, pin=PY_B)
    sh = world.start()
    sh.cd(app)
    out = sh.run(f"echo {PY_A} > .python-version")
    assert out == f"autovenv: using Python {PY_A} in app (.python-version)\n"
    assert sh.run("python --version").strip() == f"Python {PY_A}"


def test_a_dependency_variable_set_at_the_prompt_is_picked_up(world: World) -> None:
    """WORKON_HOME decides where a `.venv` file's name points. Setting it while inside the project takes
    effect at the next prompt, with no cd; fish learns of it from a variable event, not a comparison."""
    envs_a, envs_b = world.root / "envs-a", world.root / "envs-b"
    envs_a.mkdir()
    make_venv(envs_b / "named", PY_B)
    app = world.projects / "app"
    app.mkdir()
    (app / ".venv").write_text("named\n")
    sh = world.start(env={"WORKON_HOME": str(envs_a)})
    sh.cd(app)
    assert "VIRTUAL_ENV" not in sh.env()
    sh.run(setenv(world.shell, "WORKON_HOME", str(envs_b)))
    assert sh.env().get("VIRTUAL_ENV") == str(envs_b / "named").encode()
    assert python_facts(sh)[2] == f"Python {PY_B}"
    sh.run(setenv(world.shell, "WORKON_HOME", str(envs_a)))
    assert "VIRTUAL_ENV" not in sh.env()


def test_deactivate_pauses_until_the_project_is_left(world: World) -> None:
    shop = project(world, "shop")
    (shop / "sub").mkdir()
    sh = world.start()
    sh.cd(shop)
    out = sh.run("deactivate")
    assert "deactivated" in out
    assert "VIRTUAL_ENV" not in sh.env() and path_of(sh) == world.base_path
    assert sh.run(noop(world.shell)) == "" and sh.cd(shop / "sub") == ""
    assert "VIRTUAL_ENV" not in sh.env()
    sh.cd(world.projects)
    assert sh.cd(shop) == f"autovenv: activated shop (.venv, Python {PY_A})\n"


def test_child_shell_inherits_a_consistent_state(world: World) -> None:
    shop = project(world, "shop")
    sh = world.start()
    sh.cd(shop)
    # The child reads the same rc file: nothing to change, nothing said.
    assert sh.run(child_shell(world.shell)) == ""
    # (A realistic rc file prepends its own directories again in the child: they stay, behind ours, as
    # does the folder PowerShell puts in front of a child's PATH.)
    entries = path_of(sh).split(":")
    assert entries[0] == f"{shop}/.venv/bin"
    assert entries.count(f"{shop}/.venv/bin") == 1
    inherited = f"{shop}/.venv/bin:{world.base_path}"
    if world.profile == "plain":
        assert path_of(sh) == inherited
    assert python_facts(sh)[1] == str(shop / ".venv")
    assert "deactivated" in sh.run("deactivate")
    assert f"{shop}/.venv/bin" not in path_of(sh).split(":")
    if world.profile == "plain":
        assert path_of(sh) == inherited.replace(f"{shop}/.venv/bin:", "")  # only our entry leaves
    sh.run("exit")
    assert path_of(sh) == f"{shop}/.venv/bin:{world.base_path}"


def test_manual_activation_is_never_overridden(world: World) -> None:
    shop = project(world, "shop")
    other = make_venv(world.root / "other", PY_B)
    sh = world.start()
    sh.cd(shop)
    sh.run(source_activate(world.shell, other))
    sh.run(noop(world.shell))
    assert sh.env()["VIRTUAL_ENV"] == os.fsencode(other)
    assert python_facts(sh)[1] == str(other)
    # Untouched while it is active: exactly what its activate made of our PATH.
    assert path_of(sh) == f"{other}/bin:{shop}/.venv/bin:{world.base_path}"
    assert shown_prompt(sh).count("(.venv)") <= 1
    sh.cd(shop)
    assert sh.env()["VIRTUAL_ENV"] == os.fsencode(other)
    out = sh.run("deactivate")
    assert out == f"autovenv: activated shop (.venv, Python {PY_A})\n"
    assert path_of(sh) == f"{shop}/.venv/bin:{world.base_path}"


def test_path_entries_added_inside_survive_leaving(world: World) -> None:
    shop = project(world, "shop")
    sh = world.start()
    sh.cd(shop)
    sh.run(setenv(world.shell, "PATH", f"/mine:{path_of(sh)}:/tail"))
    sh.cd(world.projects)
    assert path_of(sh) == f"/mine:{world.base_path}:/tail"


def test_prompt_prefix_comes_and_goes(world: World) -> None:
    shop = project(world, "shop")
    sh = world.start()
    sh.cd(shop)
    assert shown_prompt(sh) == f"(shop) {PROMPT}"
    sh.cd(world.projects)
    assert shown_prompt(sh) == PROMPT
    if world.shell in ("bash", "zsh"):
        assert sh.var("PS1") == PROMPT


def test_prompt_prefix_is_off_with_virtual_env_disable_prompt(world: World) -> None:
    shop = project(world, "shop")
    sh = world.start(env={"VIRTUAL_ENV_DISABLE_PROMPT": "1"})
    sh.cd(shop)
    assert "(shop)" not in shown_prompt(sh) and shown_prompt(sh) == PROMPT


def test_prompt_prefix_follows_virtual_env_disable_prompt_while_active(world: World) -> None:
    shop = project(world, "shop")
    sh = world.start()
    sh.cd(shop)
    assert shown_prompt(sh) == f"(shop) {PROMPT}"
    sh.run(setenv(world.shell, "VIRTUAL_ENV_DISABLE_PROMPT", "1"))
    assert shown_prompt(sh) == PROMPT
    sh.run(unsetenv(world.shell, "VIRTUAL_ENV_DISABLE_PROMPT"))
    assert shown_prompt(sh) == f"(shop) {PROMPT}"


# ---------------------------------------------------------------------------------------- bad input

HOSTILE = [
    "with space",
    "quote'single",
    'quote"double',
    "dollar$(touch CANARY)",
    "back`touch CANARY`tick",
    "semi;touch CANARY",
    "new\nline",
    "star*glob?[x]",
    "-leading-dash",
    "uni-èрт🚒",
    "curly-\u2018single\u2019-\u201cdouble\u201d-\u201elow\u201d",  # PowerShell reads these as quotes
]


def test_hostile_directory_names_activate_exactly_and_execute_nothing(world: World) -> None:
    """Every name in HOSTILE, one project each, visited in turn by one session (a PowerShell takes seconds
    to start); every name is checked, and a failure names each name that failed."""
    for name in HOSTILE:
        make_venv(world.projects / name / ".venv", PY_A)
    sh = world.start()
    failed = []
    for name in HOSTILE:
        try:
            enter_and_leave_a_hostile_name(world, sh, world.projects / name)
        except AssertionError as exc:
            failed.append(f"{name!r}: {exc}")
    assert not failed, "\n".join(failed)
    assert not list(world.root.rglob("CANARY"))


def enter_and_leave_a_hostile_name(world: World, sh: InteractiveShell, where: pathlib.Path) -> None:
    sh.cd(world.projects)
    assert "VIRTUAL_ENV" not in sh.env()
    out = sh.cd(where)
    # The project's name is shown as data: escaped where it holds a control character, in one line.
    assert out.startswith("autovenv: activated ") and out.endswith(f" (.venv, Python {PY_A})\n"), out
    assert out.count("\n") == 1, out
    assert sh.env()["VIRTUAL_ENV"] == os.fsencode(where / ".venv")
    assert python_facts(sh)[1] == str(where / ".venv")
    sh.cd(world.projects)
    assert "VIRTUAL_ENV" not in sh.env()
    assert not list(world.root.rglob("CANARY"))


def test_non_utf8_directory_name(world: World) -> None:
    """``python -m venv`` itself refuses such paths, so the project pins a version instead."""
    if world.shell == "pwsh":
        pytest.skip("PowerShell's strings are UTF-16: it cannot name a directory that is not UTF-8")
    where = os.fsencode(world.projects) + b"/bad-\xff\xfe-$(touch CANARY)"
    os.mkdir(where)
    with open(where + b"/.python-version", "w") as handle:
        handle.write(PY_B + "\n")
    sh = world.start()
    shown = "bad-\\xff\\xfe-$(touch CANARY)"  # the project's name as data: escaped, never run
    assert sh.cd(where) == f"autovenv: using Python {PY_B} in {shown} (.python-version)\n"
    assert sh.env()["AUTOVENV_ROOT"] == where
    assert sh.run("python --version").strip() == f"Python {PY_B}"
    assert sh.cd(world.projects) == "autovenv: deactivated\n"
    assert not list(world.root.rglob("CANARY"))


def test_venv_path_with_colon_is_refused_in_one_line(world: World) -> None:
    """``python -m venv`` refuses such paths too; a venv moved there is what users end up with."""
    project(world, "ab")
    where = world.projects / "a:b"
    (world.projects / "ab").rename(where)
    sh = world.start()
    out = sh.cd(where)
    assert out.count("\n") == 1 and "cannot be put on PATH" in out
    assert "VIRTUAL_ENV" not in sh.env()


BREAKAGES = (
    "broken-toml",
    "config-is-dir",
    "interpreter-gone",
    "corrupt-cfg",
    "no-cfg",
    "huge-pin",
    "traversal",
)


def test_bad_input_gets_one_line_and_the_shell_keeps_working(world: World) -> None:
    """Every breakage in BREAKAGES, one project named ``bad`` each, entered in turn by one session (a
    PowerShell takes seconds to start), which must keep working after each; a failure names each one."""
    projects = {name: break_a_project(world.projects / name / "bad", name) for name in BREAKAGES}
    sh = world.start()
    before = stable(sh.env())
    failed = []
    for breakage, where in projects.items():
        try:
            enter_and_leave_a_broken_project(world, sh, where, breakage, before)
        except AssertionError as exc:
            failed.append(f"{breakage}: {exc}")
    assert not failed, "\n".join(failed)


def break_a_project(where: pathlib.Path, breakage: str) -> pathlib.Path:
    where.mkdir(parents=True)
    if breakage == "broken-toml":
        (where / ".autovenv.toml").write_text("venv = [unclosed\n")
        make_venv(where / ".venv")
    elif breakage == "config-is-dir":
        (where / ".autovenv.toml").mkdir()
        make_venv(where / ".venv")
    elif breakage == "interpreter-gone":
        make_venv(where / ".venv")
        for python in (where / ".venv" / "bin").glob("python*"):
            python.unlink()
    elif breakage == "corrupt-cfg":
        make_venv(where / ".venv")
        (where / ".venv" / "pyvenv.cfg").write_bytes(b"\x00\xffgarbage without equals\n")
    elif breakage == "no-cfg":
        (where / ".venv" / "bin").mkdir(parents=True)
    elif breakage == "huge-pin":
        (where / ".python-version").write_bytes(b"x" * 5_000_000)
    elif breakage == "traversal":
        (where / ".python-version").write_text("../../../../usr\n")
    return where


def enter_and_leave_a_broken_project(
    world: World, sh: InteractiveShell, where: pathlib.Path, breakage: str, before: dict[str, bytes]
) -> None:
    out = sh.cd(where)
    assert "Traceback" not in out
    if breakage in ("broken-toml", "config-is-dir"):
        # A config file that cannot be used is ignored as its line says: the venv beside it activates.
        activated, problem = out.splitlines()
        assert problem.endswith("; ignored, as if it were not there")
        assert activated == f"autovenv: activated bad (.venv, Python {PY_A})"
        assert sh.env().get("VIRTUAL_ENV") == os.fsencode(where / ".venv")
        sh.cd(world.projects)
        assert stable(sh.env()) == before
        return
    assert out.count("\n") <= 1, out
    assert "VIRTUAL_ENV" not in sh.env() and "PYENV_VERSION" not in sh.env()
    assert sh.run("echo still-alive") == "still-alive\n"
    sh.cd(world.projects)
    assert stable(sh.env()) == before


# ---------------------------------------------------------------------------------------- strict shells


def test_strict_options_and_existing_prompt_hooks_keep_working(world: World) -> None:
    shop = project(world, "shop")
    if world.shell == "bash":
        before = "set -u; set -o pipefail; shopt -s failglob nullglob extglob; PROMPT_COMMAND='__mine=ran'"
        check = "echo $__mine"
    elif world.shell == "zsh":
        before = "setopt nounset ksh_arrays sh_word_split; precmd() { __mine=ran }"
        check = "echo $__mine"
    elif world.shell == "pwsh":
        before = "Set-StrictMode -Version Latest; $ErrorActionPreference = 'Stop'; " + (
            f"function global:prompt {{ $global:__mine = 'ran'; '{PROMPT}' }}"
        )
        check = "echo $__mine"
    else:
        before = "function __mine --on-event fish_prompt; set -g __mine ran; end"
        check = "echo $__mine"
    after = {"fish": "", "pwsh": "$PSDefaultParameterValues['*:ErrorAction'] = 'Stop'"}
    sh = world.start(before=before, after=after.get(world.shell, "IFS=:"))
    assert sh.cd(shop) == f"autovenv: activated shop (.venv, Python {PY_A})\n"
    assert sh.run(check) == "ran\n"
    sh.run("false")
    assert sh.last_status == 1
    sh.cd(world.projects)
    assert path_of(sh) == world.base_path


def test_bash_prompt_command_array_is_extended(world: World) -> None:
    if world.shell != "bash":
        pytest.skip("PROMPT_COMMAND arrays are a bash feature")
    shop = project(world, "shop")
    sh = world.start(before="PROMPT_COMMAND=('__one=1' '__two=2')")
    assert sh.cd(shop) == f"autovenv: activated shop (.venv, Python {PY_A})\n"
    assert sh.run("echo $__one$__two") == "12\n"


def test_aliased_and_wrapped_builtins_do_not_matter(world: World) -> None:
    shop = project(world, "shop")
    if world.shell == "fish":
        # Defined after start-up; `echo` stays: fish's own `cd` function breaks without it.
        wrap = "function printf; builtin echo WRAPPED; end"
    elif world.shell == "pwsh":
        # Every cmdlet the hook calls, and cd (through Set-Location); the profile line's own
        # Invoke-Expression and Out-String are the user's to keep working.
        cmdlets = ("Write-Host", "Write-Error", "Remove-Item", "Set-Item", "Get-Variable", "Remove-Variable",
                   "Test-Path", "Get-Command", "Get-Location", "Get-Item", "Set-StrictMode")  # fmt: skip
        wrap = "; ".join(f"function global:{name} {{ 'WRAPPED' }}" for name in cmdlets)
        wrap += "; function global:Set-Location { Microsoft.PowerShell.Management\\Set-Location @args }"
    else:
        wrap = (
            "alias printf='echo WRAPPED'; echo() { builtin printf 'WRAPPED\\n'; }; "
            'cd() { builtin cd "$@"; }'
        )
    sh = world.start(before="" if world.shell == "fish" else wrap)
    if world.shell == "fish":
        sh.run(wrap)
    out = sh.cd(shop)
    if world.shell == "fish":  # fish's own cd and prompt functions call the wrapped printf too
        out = out.replace("WRAPPED\n", "")
    assert out == f"autovenv: activated shop (.venv, Python {PY_A})\n"


# ---------------------------------------------------------------------------------------- trust


def test_group_writable_venv_is_blocked_until_allowed(world: World) -> None:
    shop = project(world, "shop")
    (shop / ".venv" / "bin").chmod(0o777)  # (group-writable is fine in the user's own private group)
    sh = world.start()
    out = sh.cd(shop)
    assert out.count("\n") == 1 and "writable" in out and "to fix: chmod o-w" in out
    assert "VIRTUAL_ENV" not in sh.env()
    out = sh.run(f"{invoke(world.shell, autovenv_command())} allow")
    assert f"autovenv: activated shop (.venv, Python {PY_A})" in out
    assert sh.env()["VIRTUAL_ENV"] == os.fsencode(shop / ".venv")


def test_committed_venv_is_blocked(world: World) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    shop = project(world, "shop")
    git = ["git", "-C", str(shop), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-f", ".venv/pyvenv.cfg"], check=True)
    subprocess.run([*git, "commit", "-qm", "venv"], check=True)
    sh = world.start()
    out = sh.cd(shop)
    assert "tracked by the git repository" in out and "VIRTUAL_ENV" not in sh.env()


def test_copied_venv_is_blocked(world: World) -> None:
    original = project(world, "original")
    copy = world.projects / "copy"
    shutil.copytree(original, copy, symlinks=True)
    sh = world.start()
    out = sh.cd(copy)
    assert "it was made at" in out and "VIRTUAL_ENV" not in sh.env()


# ---------------------------------------------------------------------------------------- differential


def test_activation_equals_the_venvs_own_activate(world: World) -> None:
    if world.profile != "plain":
        pytest.skip("compared with a shell that has no rc file of the profile's")
    """autovenv's environment equals ``source bin/activate``'s in the same shell, bar documented ones."""
    shop = project(world, "shop")
    plain_rc = {
        "fish": f"set -g fish_greeting\nfunction fish_prompt; printf '%s' '{PROMPT}'; end\n",
        "pwsh": f"function prompt {{ '{PROMPT}' }}\n",
    }
    plain = InteractiveShell(
        world.shell,
        world.root / "plain-home",
        plain_rc.get(world.shell, f"PS1='{PROMPT}'\n"),
        env=world.env,
        cwd=shop,
    )
    try:
        plain.run(source_activate(world.shell, shop / ".venv"))
        theirs = stable(plain.env())
    finally:
        plain.close()
    sh = world.start()
    sh.cd(shop)
    ours = stable(sh.env())
    # A generic venv name shows the project's name instead, in the venv's own format (3.12: "(name) ").
    assert ours["VIRTUAL_ENV_PROMPT"] == b"(shop) "
    if world.shell != "pwsh":
        assert theirs["VIRTUAL_ENV_PROMPT"] == b"(.venv) "
    documented = {"PS1", "_OLD_VIRTUAL_PATH", "_OLD_VIRTUAL_PS1", "_OLD_FISH_PROMPT_OVERRIDE"}
    documented.add("VIRTUAL_ENV_PROMPT")
    documented |= {"HOME", "ZDOTDIR", "XDG_CONFIG_HOME"}  # the two shells' own fake homes
    if world.shell == "pwsh":
        # Activate.ps1 sets the bare name; the venv's other activate scripts, whose format autovenv
        # follows in every shell because the value is shared with child shells of any kind, "(name) "
        # before Python 3.13 (README: PowerShell and Windows).
        assert theirs["VIRTUAL_ENV_PROMPT"] == b".venv"
        documented.add("VIRTUAL_ENV_PROMPT")
    ours = {k: v for k, v in ours.items() if not k.startswith("AUTOVENV_") and k not in documented}
    theirs = {k: v for k, v in theirs.items() if not k.startswith("AUTOVENV_") and k not in documented}
    assert ours == theirs


# ---------------------------------------------------------------------------------------- speed & hints


def test_lock_difference_is_said_on_entering_and_on_change_never_in_a_subdirectory(world: World) -> None:
    shop = project(world, "shop")
    (shop / "src" / "pkg").mkdir(parents=True)
    requirements = shop / "requirements.txt"
    requirements.write_text("six==1.16.0\n")
    site = next((shop / ".venv" / "lib").glob("python*/site-packages"))
    (site / "six-1.16.0.dist-info").mkdir()  # what pip install six==1.16.0 leaves
    # Everything a few seconds old, as files are that were not written this very instant: otherwise the
    # cache's 50 ms stamp slack (a guard for coarse clocks) would rightly refuse the first entry.
    venv = shop / ".venv"
    for path in (requirements, site, venv / "bin", venv, shop):
        os.utime(path, (os.path.getmtime(path) - 5,) * 2)
    cfg = venv / "pyvenv.cfg"  # a second only: much older would be an unpacked one (origin.py)
    os.utime(cfg, (os.path.getmtime(cfg) - 1,) * 2)
    activated = f"autovenv: activated shop (.venv, Python {PY_A})\n"
    sh = world.start()
    assert sh.cd(shop) == activated  # they agree: nothing said
    flag = display.word("-r", world.shell)  # PowerShell quotes a word led by neither a letter nor / . _
    assert sh.run("echo six==1.17.0 > requirements.txt") == (
        "autovenv: requirements.txt: six 1.17.0 pinned, 1.16.0 installed; "
        f"run: uv pip install {flag} requirements.txt\n"  # a venv made --without-pip
    )
    assert sh.run(noop(world.shell)) == ""
    assert sh.cd(shop / "src") == ""
    assert sh.cd(shop / "src" / "pkg") == ""
    (site / "six-1.16.0.dist-info").rename(site / "six-1.17.0.dist-info")  # pip install -r ran
    assert sh.run(noop(world.shell)) == ""
    sh.cd(world.projects)
    assert sh.cd(shop) == activated


def test_a_fifo_config_is_one_line_and_never_blocks(world: World) -> None:
    """A FIFO with no writer would block a plain reader forever: it is refused at once, in one line.
    (A hung filesystem is the deadline's job: tests/unit/test_files.py.)"""
    hung = project(world, "hung")
    os.mkfifo(hung / ".autovenv.toml")
    sh = world.start(env={"AUTOVENV_TIMEOUT_MS": "200"})
    before = stable(sh.env())
    out = sh.cd(hung, timeout=5)
    assert out == (
        f"autovenv: activated hung (.venv, Python {PY_A})\n"
        f"autovenv: {hung / '.autovenv.toml'} is a FIFO, not a config file; "
        "ignored, as if it were not there\n"
    )
    assert sh.run(noop(world.shell), timeout=5) == ""
    sh.cd(world.projects)
    assert stable(sh.env()) == before


class TracedShell(InteractiveShell):
    """The harness's shell run under ``strace -f -e trace=execve``: every process it starts is logged."""

    def __init__(self, *args: object, log: pathlib.Path, **kwargs: object) -> None:
        self._log = log
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def _command(self, binary: str) -> list[str]:
        strace = shutil.which("strace")
        assert strace is not None
        return [strace, "-f", "-qq", "-e", "trace=execve", "-o", str(self._log), *super()._command(binary)]


def test_known_projects_cost_no_process(world: World) -> None:
    """DESIGN §6: a prompt, a cd within a project, a switch and leaving spawn nothing once answers are
    cached (the rc file's own `autovenv hook` aside). One project sits under a component led by `%`,
    which the cache's layout escapes (cache.entry_path): a hook that found another path would start
    Python."""
    if shutil.which("strace") is None:
        if os.environ.get("CI"):
            pytest.fail("strace is not installed, and CI must count processes")
        pytest.skip("strace is not installed")
    shop, tools = project(world, "shop"), project(world, "%group/%/tools", version=PY_B)
    (shop / "src").mkdir()
    # A path modified in the file clock's tick in which an answer's computation began, or later, counts as
    # changed (cache.entry_stamp), which costs the next shell one more Python start: date the tree back.
    past = time.time() - 10
    for path in (world.projects, *world.projects.rglob("*")):
        # pyvenv.cfg a second only: much older than its last change would be an unpacked one (origin.py)
        when = past + 9 if path.name == "pyvenv.cfg" else past
        os.utime(path, (when, when), follow_symlinks=False)
    warm = world.start()
    for where in (shop, tools, shop / "src", world.projects):
        warm.cd(where)
    warm.close()
    log = world.root / "execve.log"
    sh = TracedShell(
        world.shell, world.home, hook_rc(world.shell), env=world.env, cwd=world.home, timeout=30, log=log
    )
    try:
        sh.run(noop(world.shell))
        start_up = log.read_text(errors="replace").count("execve(")  # the shell's own, the hook line's
        for where in (shop, shop / "src", tools, shop, world.projects, tools):
            sh.cd(where)
            sh.run(noop(world.shell))
        show = "$env:VIRTUAL_ENV" if world.shell == "pwsh" else "builtin echo $VIRTUAL_ENV"
        assert sh.run(show).strip() == str(tools / ".venv")
    finally:
        sh.close()
    started = [line for line in log.read_text(errors="replace").splitlines() if "execve(" in line]
    assert started[start_up:] == []
