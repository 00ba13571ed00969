"""Activation at the ``cd`` itself, the prompt's name for a venv, and the one-line messages, in real shells.

zsh (``chpwd``), fish (``--on-variable PWD``) and PowerShell 7 (``LocationChangedAction``) activate at the
``cd``, so ``cd x && cmd`` runs cmd in x's environment; bash does so when ``AUTOVENV_BASH_ON_CD=1`` (a
DEBUG trap), and by default at the next prompt. Messages name the project, are said once per change, and
``quiet`` silences every one of them.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import time

import pytest

from tests.shells.conftest import (
    PY_A,
    PYENV_ROOT,
    World,
    autovenv_command,
    invoke,
    make_venv,
    noop,
    python_of,
    setenv,
    shown_prompt,
)
from tests.shells.pty_shell import quote

pytestmark = pytest.mark.shell

PREFIX_OF = "python -c 'import sys; print(sys.prefix)'"
VENV_OR_NONE = "printenv VIRTUAL_ENV || echo none"


def project(world: World, name: str = "shop", version: str = PY_A, prompt: str | None = None) -> pathlib.Path:
    where = world.projects / name
    where.mkdir(parents=True)
    args = [str(python_of(version)), "-m", "venv", "--without-pip"]
    if prompt is not None:
        args.append(f"--prompt={prompt}")
    subprocess.run([*args, str(where / ".venv")], check=True)
    return where


def user_config(world: World, text: str) -> None:
    where = world.home / ".config" / "autovenv"
    where.mkdir(parents=True, exist_ok=True)
    (where / "config.toml").write_text(text)


# ------------------------------------------------------------------------------------- at the cd itself


def test_cd_and_a_command_on_one_line_runs_in_the_new_environment(world: World) -> None:
    shop = project(world)
    on_cd = "AUTOVENV_BASH_ON_CD=1" if world.shell == "bash" else ""
    sh = world.start(after=on_cd)
    out = sh.run(f"cd {quote(world.shell, str(shop))} && {PREFIX_OF}")
    assert out == f"autovenv: activated shop (.venv, Python {PY_A})\n{shop}/.venv\n"
    out = sh.run(f"cd {quote(world.shell, str(world.projects))} && {VENV_OR_NONE}")
    assert out == "autovenv: deactivated\nnone\n"
    assert sh.run(noop(world.shell)) == ""  # the prompt after it has nothing left to say


def test_bash_without_the_option_activates_at_the_next_prompt(world: World) -> None:
    if world.shell != "bash":
        pytest.skip("the default differs only in bash")
    shop = project(world)
    sh = world.start()
    out = sh.run(f"cd {quote(world.shell, str(shop))} && {VENV_OR_NONE}")
    assert out == f"none\nautovenv: activated shop (.venv, Python {PY_A})\n"
    assert "__autovenv_hook" not in sh.run("trap -p DEBUG")


def test_bash_on_cd_keeps_the_users_cd_status_and_debug_trap(world: World) -> None:
    """The opt-in replaces nothing: the user's `cd` function, pushd/popd, `$?` and their own DEBUG trap."""
    if world.shell != "bash":
        pytest.skip("bash's opt-in")
    shop = project(world)
    (shop / "sub").mkdir()
    rc = (
        "__seen=0\ntrap '__seen=$((__seen + 1))' DEBUG\n"
        'cd() { builtin cd "$@" && __my_cd=$PWD; }\nalias ..="cd .."\nAUTOVENV_BASH_ON_CD=1'
    )
    sh = world.start(after=rc)
    out = sh.run(f"cd {quote('bash', str(shop / 'sub'))} && {PREFIX_OF}; false")
    assert out == f"autovenv: activated shop (.venv, Python {PY_A})\n{shop}/.venv\n"
    assert sh.last_status == 1
    assert sh.var("__my_cd") == str(shop / "sub")
    assert int(sh.var("__seen") or "0") > 0  # their trap still runs
    away = quote("bash", str(world.projects))
    out = sh.run(f"pushd {away} >/dev/null && {VENV_OR_NONE}; popd >/dev/null && {PREFIX_OF}")
    assert (
        out == f"autovenv: deactivated\nnone\nautovenv: activated shop (.venv, Python {PY_A})\n{shop}/.venv\n"
    )


def test_powershell_activates_at_push_and_pop_and_keeps_the_users_location_handler(world: World) -> None:
    """PowerShell 7's LocationChangedAction: Set-Location, Push-Location and Pop-Location activate at once,
    `$?` and `$LASTEXITCODE` are the user's, and a handler the profile set before the hook line still runs."""
    if world.shell != "pwsh":
        pytest.skip("PowerShell's location event")
    shop = project(world)
    mine = "$global:seen = 0\n$ExecutionContext.InvokeCommand.LocationChangedAction = { $global:seen++ }"
    sh = world.start(before=mine, after="Set-StrictMode -Version Latest")
    sh.run("$global:LASTEXITCODE = 7")
    where, away = quote("pwsh", str(shop)), quote("pwsh", str(world.projects))
    out = sh.run(f"Set-Location -LiteralPath {where}; $?; $LASTEXITCODE; {PREFIX_OF}")
    assert out == f"autovenv: activated shop (.venv, Python {PY_A})\nTrue\n7\n{shop}/.venv\n"
    out = sh.run(f"Push-Location -LiteralPath {away}; {VENV_OR_NONE}; Pop-Location; {PREFIX_OF}")
    assert out == (
        f"autovenv: deactivated\nnone\nautovenv: activated shop (.venv, Python {PY_A})\n{shop}/.venv\n"
    )
    assert sh.run("$global:seen") == "3\n"  # their handler saw all three
    assert sh.run(noop("pwsh")) == ""


def test_a_cd_in_a_command_substitution_changes_nothing(world: World) -> None:
    """bash and zsh run a command substitution in a subshell: its cd changes nothing here, and starts no
    activation there. (In fish a cd inside `(...)`, in PowerShell one inside `$(...)`, moves the shell
    itself, so it activates as any cd.)"""
    shop = project(world)
    sh = world.start(after="AUTOVENV_BASH_ON_CD=1" if world.shell == "bash" else "")
    where = quote(world.shell, str(shop))
    if world.shell in ("fish", "pwsh"):
        sub = f"(cd {where}; pwd)" if world.shell == "fish" else f"$(cd {where}; $PWD.Path)"
        assert sh.run(f"echo {sub}") == f"autovenv: activated shop (.venv, Python {PY_A})\n{shop}\n"
        assert sh.env()["VIRTUAL_ENV"] == os.fsencode(shop / ".venv")
        return
    assert sh.run(f"echo $(cd {where}; pwd)") == f"{shop}\n"
    assert "VIRTUAL_ENV" not in sh.env()


# -------------------------------------------------------------------------------------- the prompt name


def test_a_generic_venv_name_shows_the_projects_name(world: World) -> None:
    shop = project(world)
    sh = world.start()
    sh.cd(shop)
    assert shown_prompt(sh).startswith("(shop) ")
    assert sh.env()["VIRTUAL_ENV_PROMPT"] == b"(shop) "


def test_virtual_env_prompt_follows_the_venvs_own_format_from_3_13(world: World) -> None:
    if not (PYENV_ROOT / "versions" / "3.13.0").exists():
        pytest.skip("no Python 3.13 under pyenv")
    shop = project(world, version="3.13.0")
    sh = world.start()
    sh.cd(shop)
    assert sh.env()["VIRTUAL_ENV_PROMPT"] == b"shop"
    assert shown_prompt(sh).startswith("(shop) ")


def test_a_chosen_prompt_stays_and_a_backslash_shows_once(world: World) -> None:
    mine = project(world, "mine", prompt="my env")
    odd = project(world, "odd", prompt="a\\b")
    sh = world.start()
    sh.cd(mine)
    assert shown_prompt(sh).startswith("(my env) ")
    assert sh.env()["VIRTUAL_ENV_PROMPT"] == b"(my env) "
    sh.cd(odd)
    assert shown_prompt(sh).startswith("(a\\b) ")
    assert sh.env()["VIRTUAL_ENV_PROMPT"] == b"(a\\b) "


def test_a_configured_prompt_stays(world: World) -> None:
    shop = project(world)
    (shop / ".autovenv.toml").write_text('prompt = "storefront"\n')
    sh = world.start()
    sh.cd(shop)
    assert shown_prompt(sh).startswith("(storefront) ")


# --------------------------------------------------------------------------------------------- messages


def test_messages_name_the_project_and_paths_are_short(world: World) -> None:
    shop = project(world)
    envs = world.home / "envs"
    make_venv(envs / "shared")
    blog = world.projects / "blog"
    blog.mkdir()
    (blog / ".autovenv.toml").write_text(f'venv = "{envs / "shared"}"\n')
    sh = world.start()
    assert sh.cd(shop) == f"autovenv: activated shop (.venv, Python {PY_A})\n"
    assert sh.cd(blog) == f"autovenv: activated blog (~/envs/shared, Python {PY_A})\n"


@pytest.mark.parametrize("where", ["user", "project", "user-with-project-config"])
def test_quiet_silences_every_line(world: World, where: str) -> None:
    shop = project(world)
    if where == "user":
        user_config(world, "quiet = true\n")
    elif where == "project":
        (shop / ".autovenv.toml").write_text("quiet = true\n")
    else:  # a project file that does not mention quiet keeps the user's
        user_config(world, "quiet = true\n")
        (shop / ".autovenv.toml").write_text('prompt = "shop"\n')
    sh = world.start()
    assert sh.cd(shop) == ""
    assert sh.env()["VIRTUAL_ENV"] == os.fsencode(shop / ".venv")
    assert sh.run("deactivate") == ""
    assert sh.cd(world.projects) == ""
    assert sh.cd(shop) == ""
    assert sh.cd(world.projects) == ""
    assert "VIRTUAL_ENV" not in sh.env()


def test_re_entering_a_blocked_project_says_why_each_time(world: World) -> None:
    shop = project(world)
    (shop / ".venv" / "bin").chmod(0o777)  # writable by anyone: never put on PATH
    sh = world.start()
    first = sh.cd(shop)
    assert first.startswith("autovenv: not activating .venv: ") and first.count("\n") == 1
    assert sh.run(noop(world.shell)) == "" and sh.run(noop(world.shell)) == ""
    assert sh.cd(world.projects) == ""
    assert sh.cd(shop) == first
    assert sh.cd(world.projects) == ""
    assert sh.cd(shop) == first


def test_one_change_is_said_once(world: World) -> None:
    """A venv made at the prompt is announced at that prompt, and never again at the next ones, however
    soon they come after the change (file times tick coarsely)."""
    shop = world.projects / "shop"
    shop.mkdir()
    (shop / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    sh = world.start()
    sh.cd(shop)
    python = invoke(world.shell, python_of(PY_A))
    out = sh.run(f"{python} -m venv --without-pip .venv; touch pyproject.toml")
    assert out == f"autovenv: activated shop (.venv, Python {PY_A})\n"
    for _ in range(5):
        assert sh.run("touch pyproject.toml") == ""


def test_a_note_is_said_once_when_every_check_finds_a_change(world: World) -> None:
    """A project whose files carry times ahead of the clock (a checkout from a machine whose clock runs
    ahead, a restored archive) looks changed to every check: each one answers afresh, with the same
    note. The note is said on entering and not again (as a change seen by a cd and the prompt after it
    within one tick of the clock: zsh, fish and PowerShell check at both)."""
    shop = world.projects / "shop"
    shop.mkdir()
    (shop / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    ahead = time.time() + 3600
    for path in (shop / "pyproject.toml", shop):
        os.utime(path, (ahead, ahead))
    sh = world.start()
    out = sh.cd(shop)
    assert out.startswith("autovenv: no venv yet: `autovenv create` would make one with ")
    assert out.count("\n") == 1
    for _ in range(3):
        assert sh.run(noop(world.shell)) == ""
    sh.cd(world.projects)
    assert sh.cd(shop) == out  # entering again says it again


def test_pythonhome_set_inside_then_leaving_says_deactivated(world: World) -> None:
    shop = project(world)
    sh = world.start()
    sh.cd(shop)
    sh.run(setenv(world.shell, "PYTHONHOME", "/zz"))
    assert sh.cd(world.projects) == "autovenv: deactivated\n"
    assert sh.env()["PYTHONHOME"] == b"/zz"  # theirs, kept
    assert "VIRTUAL_ENV" not in sh.env()


def test_status_says_not_in_effect_when_something_comes_first(world: World) -> None:
    shop = project(world)
    sh = world.start()
    sh.cd(shop)
    status = f"{invoke(world.shell, autovenv_command())} status"
    assert "this shell:    active for" in sh.run(status)
    sh.run(setenv(world.shell, "PATH", f"{world.brew_bin}:{sh.env()['PATH'].decode()}"))
    out = sh.run(status)
    assert "active for" not in out
    assert f"not in effect: {world.brew_bin} comes before {shop}/.venv/bin on PATH" in out


def test_an_uninstalled_autovenv_says_one_line(world: World, tmp_path: pathlib.Path) -> None:
    """The hook's own Python removed under an open shell: one autovenv line, never the shell's error."""
    gone = tmp_path / "install"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(gone)], check=True)
    site = next((gone / "lib").glob("python*/site-packages"))
    import autovenv

    shutil.copytree(pathlib.Path(autovenv.__file__).parent, site / "autovenv")
    render = "import sys; from autovenv import hook; sys.exit(hook.main(sys.argv[1:]))"
    hook = subprocess.run(
        [str(gone / "bin" / "python"), "-I", "-c", render, world.shell],
        check=True,
        capture_output=True,
        env={**world.env, "HOME": str(world.home)},
    ).stdout.decode()
    (world.root / "hook.src").write_text(hook)
    shop, blog = project(world), project(world, "blog")
    sh = world.start()
    src = quote(world.shell, str(world.root / "hook.src"))
    if world.shell == "pwsh":  # the profile line's way: the hook's text, not a script file
        sh.run(f"Invoke-Expression (Get-Content -Raw -LiteralPath {src})")
    else:
        sh.run(f"source {src}")
    assert sh.cd(shop).startswith("autovenv: activated shop")
    shutil.rmtree(gone)
    out = sh.cd(blog)
    assert out.count("\n") == 1 and out.startswith("autovenv: the hook could not run "), out
    assert "No such file" not in out and "nknown command" not in out and "not recognized" not in out
    # Leaving needs no Python: the activation is undone as usual, and nothing more is said after that.
    assert sh.cd(world.projects) == "autovenv: deactivated\n"
    assert sh.cd(shop).startswith("autovenv: activated shop")  # its cached answer needs no Python
    assert sh.cd(blog) == "" and sh.run(noop(world.shell)) == ""  # the broken hook is said once per shell


# ----------------------------------------------------------------------------------------------- doctor


def test_doctor_finds_a_later_line_that_unhooked_the_hook(world: World) -> None:
    if world.shell == "fish":
        pytest.skip("fish's event handlers cannot be replaced by an assignment")
    later = {
        "bash": "PROMPT_COMMAND='history -a'",
        "zsh": "precmd_functions=(true)",
        "pwsh": "function prompt { '$ ' }",  # a prompt theme loaded after the hook line
    }[world.shell]
    doctor = f"{invoke(world.shell, autovenv_command())} doctor"
    sh = world.start(after=later)
    out = sh.run(doctor, timeout=30)
    assert "but has never run at a prompt" in out, out
    if world.shell == "pwsh":
        assert "replaced the prompt function" in out, out
        # PowerShell 7 still runs the hook at each location change, and doctor says that is all it does.
        assert sh.cd(project(world)) == f"autovenv: activated shop (.venv, Python {PY_A})\n"
        out = sh.run(doctor, timeout=30)
        assert "runs at location changes only" in out and "never run" not in out, out
        assert "at the end of $PROFILE" in out, out
    else:
        assert "replaces " + ("PROMPT_COMMAND" if world.shell == "bash" else "precmd_functions") in out, out
    fixed = world.start()
    out = fixed.run(doctor, timeout=30)
    assert "hook is running at every prompt" in out and "never run" not in out, out


def test_bash_on_cd_leaves_a_sourced_set_e_script_alone(world: World) -> None:
    """bash runs no DEBUG trap inside a sourced file or a function (without `set -T`): a script sourced
    under `set -e` that cds into a project runs to its end untouched, and the activation follows at the
    next command of the shell itself (README: "When the hook runs")."""
    if world.shell != "bash":
        pytest.skip("bash's opt-in")
    shop = project(world)
    script = world.root / "deploy.sh"
    script.write_text(f"set -e\ncd {quote('bash', str(shop))}\n{VENV_OR_NONE}\ntrue\nset +e\n")
    sh = world.start(after="AUTOVENV_BASH_ON_CD=1")
    out = sh.run(f"source {quote('bash', str(script))}; echo status=$?; {VENV_OR_NONE}")
    assert out == f"none\nautovenv: activated shop (.venv, Python {PY_A})\nstatus=0\n{shop}/.venv\n"
