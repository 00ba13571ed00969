"""Never break the user's shell: strict options, hijacked builtins, the user's own prompt hooks and ``$?``,
things vanishing underneath (the active venv, the current directory), permission-denied ancestors,
symlinked projects, odd file types where config is expected, an unusable cache, hostile checkouts.

Real interactive bash, zsh, fish and PowerShell 7 through the pty harness, with the hook from the rc file
(PowerShell: $PROFILE) exactly as a user installs it; assertions are about what the shell sees: its
exported environment (read with ``/usr/bin/env``, because some tests redefine ``command``), its variables,
and what it printed.
Where a test needs permissions to mean something, the shell runs as an unprivileged user (``setpriv``,
only possible when the tests run as root; skipped otherwise).
"""

from __future__ import annotations

import fcntl
import os
import pathlib
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Iterator

import pytest

from autovenv import cache as cache_mod
from autovenv import dirs as dirs_mod
from autovenv import plan as plan_mod
from autovenv import settings as settings_mod
from autovenv.decide import decide
from autovenv.resolve.project import resolve
from tests.shells import pty_shell
from tests.shells.conftest import (
    BASE_PATH,
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
from tests.shells.pty_shell import InteractiveShell, quote

pytestmark = pytest.mark.shell

#: Changed by the shell itself, or per shell process (AUTOVENV_HOOK, "<shell>:<pid>": `autovenv doctor`).
VOLATILE = {"PWD", "OLDPWD", "_", "SHLVL", "AUTOVENV_HOOK"}
ACTIVATED = f"autovenv: activated shop (.venv, Python {PY_A})"


def stable(env: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in env.items() if k not in VOLATILE}


def real_env(sh: InteractiveShell) -> dict[str, bytes]:
    """The exported environment via ``/usr/bin/env`` by absolute path (``command`` may be redefined)."""
    target = pathlib.Path(tempfile.mkdtemp(prefix="robust-env-")) / "env"
    os.chmod(target.parent, 0o777)
    redirect = ">" if sh.shell in ("fish", "pwsh") else ">|"
    saved = sh.last_status
    sh.run(f"{invoke(sh.shell, '/usr/bin/env')} -0 {redirect} {quote(sh.shell, str(target))}")
    assert sh.last_status == 0
    sh.last_status = saved
    result: dict[str, bytes] = {}
    for entry in target.read_bytes().split(b"\0"):
        if entry:
            key, _, value = entry.partition(b"=")
            result[key.decode("utf-8", "surrogateescape")] = value
    shutil.rmtree(target.parent)
    return result


def env_text(env: dict[str, bytes]) -> dict[str, str]:
    return {k: v.decode("utf-8", "surrogateescape") for k, v in env.items()}


def model(env: dict[str, bytes], pwd: str) -> dict[str, str]:
    """What the pure core says the environment becomes at the next prompt in ``pwd``."""
    environ = env_text(env)
    view = plan_mod.user_view(environ)
    user = settings_mod.load(environ)
    decision = decide(resolve(pwd, view, user), user, view)
    changes = plan_mod.plan(environ, decision.target).changes
    for name, value in changes.items():
        if value is None:
            environ.pop(name, None)
        else:
            environ[name] = value
    return {k: v for k, v in environ.items() if k not in VOLATILE}


def has_function(sh: InteractiveShell, name: str) -> bool:
    if sh.shell == "pwsh":
        saved = sh.last_status
        found = sh.run(f"Microsoft.PowerShell.Management\\Test-Path -LiteralPath Function:{name}") == "True\n"
        sh.last_status = saved
        return found
    check = {
        "bash": f"declare -F {name} >/dev/null",
        "zsh": f"(( $+functions[{name}] ))",
        "fish": f"functions -q {name}",
    }
    saved = sh.last_status
    sh.run(check[sh.shell])
    found, sh.last_status = sh.last_status == 0, saved
    return found


def project(world: World, name: str, version: str | None = PY_A) -> pathlib.Path:
    where = world.projects / name
    where.mkdir(parents=True)
    if version is not None:
        make_venv(where / ".venv", version)
    return where


@pytest.fixture
def w(world: World) -> World:
    # A loaded CI machine must not turn a slow first visit into "gave up after 200 ms".
    world.env["AUTOVENV_TIMEOUT_MS"] = "10000"
    return world


# ---------------------------------------------------------------------------------------- strict shells

#: Every cmdlet the PowerShell hook calls (it calls them by module-qualified names).
HIJACKED_CMDLETS = (
    "Write-Host", "Write-Error", "Remove-Item", "Set-Item", "Get-Item", "Get-Variable", "Remove-Variable",
    "Set-StrictMode", "Test-Path", "Get-Command", "Get-Location",
)  # fmt: skip
STRICT = {
    "bash": (
        "set -euo pipefail; shopt -s failglob nullglob extglob; IFS=$'/:.'\n"
        "alias cd='__mine_cd=1; builtin cd'\n"
        "printf() { builtin echo HIJACKED-printf; }\n"
        "echo() { builtin printf 'HIJACKED-echo %s\\n' \"$*\"; }\n"
        "command() { builtin printf 'HIJACKED-command\\n'; }\n"
        "__mine=0; PROMPT_COMMAND='__mine=$((__mine + 1))'"
    ),
    "zsh": (
        "setopt nounset ksh_arrays sh_word_split err_exit no_clobber warn_create_global\n"
        "setopt rc_quotes glob_subst\n"
        "IFS=/:.\n"
        "alias cd='__mine_cd=1; builtin cd'\n"
        "printf() { builtin echo HIJACKED-printf; }\n"
        "echo() { builtin printf 'HIJACKED-echo %s\\n' \"$*\"; }\n"
        "command() { builtin printf 'HIJACKED-command\\n'; }\n"
        "typeset -g __mine=0; __mine_hook() { (( __mine += 1 )) || :; }; precmd_functions+=(__mine_hook)"
    ),
    # fish: `command` is a keyword there, and its own cd needs `echo` (see test_scenarios); printf and
    # cd are wrapped, and every command is traced.
    "fish": (
        "set -g __mine 0\n"
        "function __mine_hook --on-event fish_prompt; set -g __mine (math $__mine + 1); end\n"
        "function printf; builtin echo HIJACKED-printf; end\n"
        "function cd; set -g __mine_cd 1; builtin cd $argv; end"
    ),
    # PowerShell: strict mode, every error terminating (by preference and by default parameter), the
    # user's own prompt counting, cd replaced, and every cmdlet the hook uses hijacked by a function.
    "pwsh": (
        "Set-StrictMode -Version Latest\n"
        "$ErrorActionPreference = 'Stop'\n"
        "$PSDefaultParameterValues['*:ErrorAction'] = 'Stop'\n"
        "$global:__mine = 0\n"
        "function global:prompt { $global:__mine++; '$ ' }\n"
        "Remove-Item -LiteralPath Alias:cd -Force\n"
        "function global:cd { $global:__mine_cd = 1; Microsoft.PowerShell.Management\\Set-Location @args }\n"
        + "".join(f"function global:{name} {{ 'HIJACKED-{name}' }}\n" for name in HIJACKED_CMDLETS)
    ),
}


def hook_lines(out: str) -> list[str]:
    """The lines our hook printed (fish_trace or hijacked builtins may add their own around them)."""
    return [line for line in out.split("\n") if line.startswith("autovenv:")]


@pytest.mark.parametrize("trace", [False, True], ids=["plain", "fish_trace"])
def test_strict_options_and_hijacked_builtins_break_nothing(w: World, trace: bool) -> None:
    """Every transition, under the strictest options each shell has, with printf/echo/command/cd redefined."""
    if trace and w.shell != "fish":
        pytest.skip("fish_trace is fish's")
    shop = project(w, "shop")
    (shop / "sub").mkdir()
    python = PYENV_ROOT / "versions" / PY_A / "bin" / "python"
    sh = w.start(before=STRICT[w.shell] + ("\nset -g fish_trace 1" if trace else ""))
    before = stable(real_env(sh))
    q = lambda p: quote(w.shell, str(p))  # noqa: E731

    assert hook_lines(sh.run(f"cd {q(shop)}")) == [ACTIVATED]
    assert real_env(sh)["VIRTUAL_ENV"] == os.fsencode(shop / ".venv")
    assert hook_lines(sh.run("cd sub")) == []
    assert hook_lines(sh.run("deactivate")) == [
        "autovenv: deactivated; paused for this project until you leave it"
    ]
    assert stable(real_env(sh)) == {**before, "AUTOVENV_PAUSED": os.fsencode(shop)}
    assert hook_lines(sh.run(f"cd {q(shop)}")) == []  # still paused inside the project
    assert hook_lines(sh.run(f"cd {q(w.projects)}")) == []
    assert hook_lines(sh.run(f"cd {q(shop / 'sub')}")) == [ACTIVATED]
    assert hook_lines(sh.run(f"rm -rf {q(shop / '.venv')}")) == ["autovenv: deactivated"]
    assert stable(real_env(sh)) == before
    make = f"{invoke(w.shell, python)} -m venv --without-pip {q(shop / '.venv')}"
    assert hook_lines(sh.run(make)) == [ACTIVATED]
    inside = stable(real_env(sh))
    assert hook_lines(sh.run(child_shell(w.shell))) == []  # a child shell: same rc, nothing to change
    # PowerShell's own folder, once more in front, then the hook's entries in front of it.
    child_path = w.child_path(inside["PATH"].decode(), {k: v.decode() for k, v in inside.items()})
    assert stable(real_env(sh)) == {**inside, "PATH": child_path.encode()}
    assert hook_lines(sh.run("deactivate")) == [
        "autovenv: deactivated; paused for this project until you leave it"
    ]
    sh.run("exit")
    assert stable(real_env(sh)) == inside
    assert hook_lines(sh.run(f"cd {q(w.projects)}")) == ["autovenv: deactivated"]
    assert stable(real_env(sh)) == before
    assert int(sh.var("__mine") or 0) >= 10  # the user's own prompt hook ran at every prompt
    assert sh.var("__mine_cd") == "1"  # and their cd wrapper is the one that ran


# ---------------------------------------------------------------------------------------- prompt hooks, $?

RECORDERS = {
    # A recorder that keeps $? (like a careful prompt theme) before the hook line and one after it.
    "bash-string": (
        '__rec_before() { local s=$?; __before+=" $s"; return $s; }; PROMPT_COMMAND=__rec_before',
        "__rec_after() { local s=$?; __after+=\" $s\"; return $s; }; PROMPT_COMMAND+=$'\\n'__rec_after",
    ),
    "bash-array": (
        '__rec_before() { local s=$?; __before+=" $s"; return $s; }; PROMPT_COMMAND=(__rec_before)',
        '__rec_after() { local s=$?; __after+=" $s"; return $s; }; PROMPT_COMMAND+=(__rec_after)',
    ),
    "zsh": (
        '__rec_before() { local s=$?; __before+=" $s"; return $s; }; precmd_functions=(__rec_before)',
        '__rec_after() { local s=$?; __after+=" $s"; return $s; }; precmd_functions+=(__rec_after); '
        'precmd() { local s=$?; __fn+=" $s"; return $s; }',
    ),
    "fish": (
        "function __rec_before --on-event fish_prompt; set -g __before $__before $status; end",
        "function __rec_after --on-event fish_prompt; set -g __after $__after $status; end; "
        "function fish_prompt; set -g __fn $__fn $status; printf '%s' '$ '; end",
    ),
    # PowerShell: the user's prompt (before the hook line, so autovenv wraps it) and a theme that wraps
    # whatever prompt it finds (after it), each recording $? or else $LASTEXITCODE.
    "pwsh": (
        "function global:prompt { $s = $?; $c = $global:LASTEXITCODE; "
        "$global:__before += ' ' + $(if ($s) { 0 } else { $c }); '$ ' }",
        "$global:__theme_inner = ${function:prompt}; "
        "function global:prompt { $s = $?; $c = $global:LASTEXITCODE; "
        "$global:__after += ' ' + $(if ($s) { 0 } else { $c }); "
        "if (-not $s) { Write-Error -Message '' -ErrorAction Ignore }; & $global:__theme_inner }",
    ),
}


@pytest.mark.parametrize("style", ["string", "array"])
def test_user_prompt_hooks_keep_running_and_see_the_exit_status(w: World, style: str) -> None:
    if style == "array" and w.shell != "bash":
        pytest.skip("PROMPT_COMMAND arrays are a bash feature")
    key = f"bash-{style}" if w.shell == "bash" else w.shell
    before, after = RECORDERS[key]
    shop = project(w, "shop")
    sh = w.start(before=before, after=after)
    sh.run("sh -c 'exit 3'")
    assert sh.last_status == 3
    sh.run(f"cd {quote(w.shell, str(shop))}; sh -c 'exit 5'")  # activation happens at this very prompt
    assert sh.last_status == 5
    if w.shell == "pwsh":
        assert sh.run("$LASTEXITCODE") == "5\n"  # kept by the hook, which ran Python in between
    assert real_env(sh)["VIRTUAL_ENV"] == os.fsencode(shop / ".venv")
    sh.run(f"cd {quote(w.shell, str(w.projects))}; sh -c 'exit 7'")  # and deactivation at this one
    assert sh.last_status == 7
    # Every command line (the harness's own included) is followed by a prompt; each recorder must have
    # seen the same status at every one of them, and the failing commands' statuses in order.
    names = ["__before", "__after"] + (["__fn"] if w.shell in ("zsh", "fish") else [])
    line = sh.run('echo "' + "|".join(f"${name}" for name in names) + '"').strip()  # all read at one moment
    seen = {name: value.split() for name, value in zip(names, line.split("|"))}
    assert [s for s in seen["__before"] if s != "0"] == ["3", "5", "7"], seen
    for name in names[1:]:
        assert seen[name] == seen["__before"], seen


def test_hook_line_twice_installs_one_hook(w: World) -> None:
    """An rc sourced twice (or the line pasted twice) must not run the hook twice per prompt."""
    shop = project(w, "shop")
    rc_line = hook_rc(w.shell).strip().split("\n")[-1]
    sh = w.start(after=rc_line)
    assert sh.cd(shop) == f"{ACTIVATED}\n"
    env = real_env(sh)
    assert env["PATH"].count(os.fsencode(shop / ".venv" / "bin")) == 1


# ---------------------------------------------------------------------------------------- things vanish


def test_active_venv_deleted_deactivates_cleanly_at_the_next_prompt(w: World) -> None:
    shop = project(w, "shop")
    (shop / "src").mkdir()
    sh = w.start()
    before = stable(real_env(sh))
    prompt_before = shown_prompt(sh)
    sh.cd(shop / "src")
    assert has_function(sh, "deactivate")
    assert sh.run("rm -rf ../.venv") == "autovenv: deactivated\n"
    env = stable(real_env(sh))
    assert env == before
    state = [
        k
        for k in env
        if k in plan_mod.STATE_VARS or k == plan_mod.PAUSED or k.startswith(plan_mod.OLD_PREFIX)
    ]
    assert state == []
    assert not has_function(sh, "deactivate")
    assert shown_prompt(sh) == prompt_before
    assert sh.run(noop(w.shell)) == ""


@pytest.mark.parametrize("case", ["subdir-of-project", "project-itself", "outside-projects"])
def test_current_directory_deleted(w: World, case: str) -> None:
    shop = project(w, "shop")
    sh = w.start()
    mkdir = "$null = New-Item -ItemType Directory" if w.shell == "pwsh" else "mkdir"
    if case == "subdir-of-project":
        sh.cd(shop)
        out = sh.run(f"{mkdir} x; cd x; rmdir ../x")
        gone = shop / "x"
    elif case == "project-itself":
        sh.cd(shop)
        out = sh.run(f"rm -rf {quote(w.shell, str(shop))}")
        gone = shop
    else:
        where = quote(w.shell, str(w.root / "tmpdir"))
        out = sh.run(f"{mkdir} {where}; cd {where}; rmdir ../tmpdir")
        gone = w.root / "tmpdir"
    assert "Traceback" not in out and "error" not in out.lower()
    assert sh.run(noop(w.shell)) == ""
    env = real_env(sh)
    if w.shell == "pwsh":  # PowerShell keeps no $env:PWD; where it stands is $PWD
        assert sh.run("$PWD.ProviderPath") == f"{gone}\n"
    else:
        assert env["PWD"] == os.fsencode(gone)
    assert env_text(stable(env)) == model(env, str(gone))
    if case == "project-itself":
        assert out == "autovenv: deactivated\n" and "VIRTUAL_ENV" not in env
    elif case == "subdir-of-project":
        assert out == "" and env["VIRTUAL_ENV"] == os.fsencode(shop / ".venv")
    out = sh.run(f"cd {quote(w.shell, str(w.projects))}; echo ok")
    # zsh, fish and PowerShell activate at the cd itself, bash at the next prompt.
    said = "autovenv: deactivated\n" if case == "subdir-of-project" else ""
    assert out == (said + "ok\n" if w.shell in ("zsh", "fish", "pwsh") else "ok\n" + said)


# ---------------------------------------------------------------------------------------- symlinks


def test_symlinked_project_same_answer_through_either_path(w: World) -> None:
    shop = project(w, "shop")
    link = w.root / "link-to-shop"
    link.symlink_to(shop)
    sh = w.start()
    assert sh.cd(link) == f"autovenv: activated link-to-shop (.venv, Python {PY_A})\n"
    env = real_env(sh)
    assert env["VIRTUAL_ENV"] == os.fsencode(link / ".venv")  # follows the path typed
    # PATH gets the resolved directory: a link swapped later cannot change what runs (README, Trust).
    assert env["PATH"] == os.fsencode(f"{shop}/.venv/bin:{w.path}")
    assert sh.run(which(w.shell, "python")).strip() == f"{shop}/.venv/bin/python"
    assert sh.run("python --version").strip() == f"Python {PY_A}"
    assert sh.cd(shop) == f"{ACTIVATED}\n"
    env = real_env(sh)
    assert env["VIRTUAL_ENV"] == os.fsencode(shop / ".venv")
    assert env["PATH"] == os.fsencode(f"{shop}/.venv/bin:{w.path}")  # no leftover from the link path
    assert sh.cd(w.projects) == "autovenv: deactivated\n"
    assert real_env(sh)["PATH"] == os.fsencode(w.path)


def test_symlinked_venv_directory_activates(w: World) -> None:
    envs = w.root / "envs"
    real = make_venv(envs / "shop", PY_A)
    shop = project(w, "shop", version=None)
    (shop / ".venv").symlink_to(real)
    sh = w.start()
    assert sh.cd(shop) == f"autovenv: activated shop (.venv, Python {PY_A})\n"
    assert real_env(sh)["VIRTUAL_ENV"] == os.fsencode(shop / ".venv")


def test_allow_through_a_symlink_covers_the_physical_path(w: World) -> None:
    shop = project(w, "shop")
    (shop / ".venv" / "bin").chmod(0o777)
    link = w.root / "link-to-shop"
    link.symlink_to(shop)
    sh = w.start()
    out = sh.cd(link)
    assert out.count("\n") == 1 and "writable by others" in out and "to fix: chmod o-w" in out
    assert "VIRTUAL_ENV" not in real_env(sh)
    allowed = sh.run(f"{invoke(w.shell, autovenv_command())} allow")
    assert f"autovenv: activated link-to-shop (.venv, Python {PY_A})" in allowed
    assert sh.cd(shop) == f"{ACTIVATED}\n"


# ---------------------------------------------------------------------------------------- odd files


@pytest.mark.parametrize(
    "odd", ["user-config-is-dir", "pyproject-is-dir", "python-version-is-dir", "venv-is-file"]
)
def test_odd_file_types_where_config_is_expected(w: World, odd: str) -> None:
    shop = project(w, "shop", version=None if odd in ("python-version-is-dir", "venv-is-file") else PY_A)
    (shop / "sub").mkdir()
    if odd == "user-config-is-dir":
        (w.home / ".config" / "autovenv" / "config.toml").mkdir(parents=True)
    elif odd == "pyproject-is-dir":
        (shop / "pyproject.toml").mkdir()
    elif odd == "python-version-is-dir":
        (shop / ".python-version").mkdir()
    else:
        (shop / ".venv").write_text("\n")
    sh = w.start()
    before = stable(real_env(sh))
    out = sh.cd(shop)
    assert "Traceback" not in out
    lines = out.split("\n")[:-1]
    if odd in ("user-config-is-dir", "pyproject-is-dir"):
        assert lines[0] == ACTIVATED
        assert len(lines) == (2 if odd == "user-config-is-dir" else 1)
        if odd == "user-config-is-dir":
            assert "config.toml is a directory" in lines[1]
    else:
        assert len(lines) <= 1 and "VIRTUAL_ENV" not in real_env(sh)
    assert sh.cd(shop / "sub") == ""  # once per visit
    assert sh.run("echo still-alive") == "still-alive\n"
    sh.cd(w.projects)
    assert stable(real_env(sh)) == before


@pytest.mark.parametrize("name", [".autovenv.toml", ".python-version"])
def test_fifo_where_config_is_expected_never_hangs_the_prompt(world: World, name: str) -> None:
    """A named pipe blocks whoever opens it for reading; the prompt must come back regardless."""
    shop = project(world, "shop", version=None)
    os.mkfifo(shop / name)
    sh = world.start(env={"AUTOVENV_TIMEOUT_MS": "200"})  # the default deadline: what users get
    started = time.monotonic()
    out = sh.cd(shop)
    assert time.monotonic() - started < 5
    assert "Traceback" not in out and out.count("\n") <= 1
    assert sh.run("echo alive") == "alive\n"
    assert sh.run(noop(sh.shell)) == ""


# ---------------------------------------------------------------------------------------- the cache


def cache_in_a_file(w: World) -> dict[str, str]:
    """The environment of a shell whose cache directory lies under a regular file.

    PowerShell itself does not start when XDG_CACHE_HOME is not a directory (it keeps its own cache
    there), so its shell gets autovenv's own override, AUTOVENV_CACHE_DIR, pointed there instead.
    """
    cache_home = w.root / "cache-file"
    cache_home.write_text("not a directory\n")
    if w.shell == "pwsh":
        return {"AUTOVENV_CACHE_DIR": str(cache_home / "autovenv")}
    return {"XDG_CACHE_HOME": str(cache_home)}


@pytest.mark.parametrize("how", ["cache-home-is-a-file", "cache-dir-of-another-user"])
def test_unusable_cache_works_without_it_and_warns_at_most_once(w: World, how: str) -> None:
    shop = project(w, "shop")
    (shop / "sub").mkdir()
    other = project(w, "other", version=PY_B)
    env: dict[str, str] = {}
    if how == "cache-home-is-a-file":
        env = cache_in_a_file(w)
    else:
        if os.getuid() != 0:
            pytest.skip("making a directory another user's needs root")
        mine = w.home / ".cache" / "autovenv"
        mine.mkdir(parents=True)
        os.chown(mine, 65534, 65534)
    sh = w.start(env=env)
    assert len(hook_lines(sh.startup_output)) <= 1
    outputs = [sh.cd(shop), sh.cd(shop / "sub"), sh.cd(other), sh.cd(shop), sh.cd(w.projects), sh.cd(shop)]
    assert outputs == [
        f"{ACTIVATED}\n", "", f"autovenv: activated other (.venv, Python {PY_B})\n", f"{ACTIVATED}\n",
        "autovenv: deactivated\n", f"{ACTIVATED}\n",
    ]  # fmt: skip
    if how == "cache-dir-of-another-user":
        written = [p for p in (w.home / ".cache" / "autovenv").rglob("*") if p.is_file()]
        assert written == []


def test_block_line_is_once_per_visit_even_without_a_cache(w: World) -> None:
    shop = project(w, "shop")
    (shop / ".venv" / "bin").chmod(0o777)
    (shop / "sub").mkdir()
    sh = w.start(env=cache_in_a_file(w))
    first = sh.cd(shop)
    assert first.count("\n") == 1 and "not activating .venv" in first
    assert [sh.cd(shop / "sub"), sh.cd(shop), sh.run(noop(sh.shell))] == ["", "", ""]




def test_unusable_cache_still_picks_up_changes_while_inside(w: World) -> None:
    """README: a venv created or deleted while inside is picked up at the next prompt, without a cd."""
    app = project(w, "app", version=None)
    # A marker that declares no dependencies: a [project] table would add `autovenv create`'s hint
    # (issue 15) to what is said here.
    (app / "pyproject.toml").write_text("[build-system]\nrequires = []\n")
    sh = w.start(env=cache_in_a_file(w))
    assert sh.cd(app) == ""
    python = invoke(w.shell, PYENV_ROOT / "versions" / PY_A / "bin" / "python")
    made = sh.run(f"{python} -m venv --without-pip .venv")
    assert made == f"autovenv: activated app (.venv, Python {PY_A})\n"
    assert sh.run("rm -rf .venv") == "autovenv: deactivated\n"


@pytest.mark.parametrize("damage", ["truncated", "bad-positions"])
def test_damaged_cache_entry_is_ignored_silently_and_rewritten(w: World, damage: str) -> None:
    """A cache entry cut short (a full disk) or with `test` positions that are not numbers (fish reads
    them into a list index, where anything else is an error message) costs one Python start, no output."""
    if damage == "bad-positions" and w.shell != "fish":
        pytest.skip("only the fish hook reads positions from its entries")
    shop = project(w, "shop")
    first = w.start()
    assert first.cd(shop) == f"{ACTIVATED}\n"
    first.close()
    env = {k: os.fsdecode(v) if isinstance(v, bytes) else v for k, v in w.env.items()}
    entry = pathlib.Path(cache_mod.entry_path(dirs_mod.cache_dir(env), w.shell, str(shop)))
    good = entry.read_bytes()
    if damage == "truncated" and w.shell == "pwsh":
        damaged = good[: len(good) // 2]  # its answer is one line of base64
    elif damage == "truncated":
        damaged = good[: good.index(b"'", good.index(b".venv")) + 3]  # inside a quoted word
    else:
        lines = good.split(b"\n")
        assert lines[2].startswith(b"set -g __autovenv_ev ") and lines[3].startswith(b"set -g __autovenv_ep ")
        lines[2], lines[3] = b"set -g __autovenv_ev 1 x 3", b"set -g __autovenv_ep 0 -1"
        damaged = b"\n".join(lines)
    entry.write_bytes(damaged)
    sh = w.start()
    assert sh.cd(shop) == f"{ACTIVATED}\n"
    assert sh.env()["VIRTUAL_ENV"] == os.fsencode(shop / ".venv")
    assert entry.read_bytes() == good


def test_pin_note_is_not_repeated_when_home_changes(w: World) -> None:
    """DESIGN §4: one line on change, nothing when nothing changed; here pyenv is not installed."""
    w.env["PYENV_ROOT"] = str(w.home / ".pyenv")  # pyenv's default root, missing
    shop = w.home / "code" / "shop"
    (shop / "src").mkdir(parents=True)
    (shop / ".python-version").write_text("3.12\n")
    sh = w.start()
    first = sh.cd(shop)
    assert first.count("\n") == 1 and "pyenv install 3.12" in first
    nothing = noop(sh.shell)
    touch = 'touch "$HOME/.lesshst"'
    assert [sh.cd(shop / "src"), sh.run(nothing), sh.run(touch), sh.run(nothing)] == [""] * 4


def test_block_line_is_once_per_visit(w: World) -> None:
    shop = project(w, "shop")
    (shop / ".venv" / "bin").chmod(0o777)
    (shop / "sub").mkdir()
    sh = w.start()
    first = sh.cd(shop)
    assert first.count("\n") == 1 and f"not activating .venv: {shop}/.venv/bin is writable by others" in first
    assert [sh.cd(shop / "sub"), sh.cd(shop), sh.run(noop(sh.shell))] == ["", "", ""]
    sh.cd(w.projects)
    assert sh.cd(shop) == first  # a new visit says it again


# ---------------------------------------------------------------------------------------- manual activation


def test_sourcing_the_already_active_venvs_activate_is_a_manual_activation(w: World) -> None:
    """DESIGN §4: a venv activated by hand is never overridden until the user deactivates it.

    ``source .venv/bin/activate`` out of habit, over autovenv's activation of that same venv: the venv
    is the user's from then on (leaving the project keeps it), and its own ``deactivate`` brings back
    exactly what the user had before entering the project, prompt included.
    """
    shop = project(w, "shop")
    sh = w.start()
    sh.run(setenv(w.shell, "PYTHONHOME", "/opt/mine"))  # set aside by activation, handed back after
    before = real_env(sh)
    prompt_before = shown_prompt(sh)
    assert sh.cd(shop) == f"{ACTIVATED}\n"
    sh.run(source_activate(w.shell, shop / ".venv"))
    assert sh.run(which(w.shell, "python")).strip() == str(shop / ".venv" / "bin" / "python")
    sh.cd(w.projects)
    env = real_env(sh)
    assert env.get("VIRTUAL_ENV") == os.fsencode(shop / ".venv")  # still the user's
    assert env["PATH"] == os.fsencode(f"{shop / '.venv' / 'bin'}:{w.path}")  # once, not twice
    assert [k for k in env if k.startswith("AUTOVENV_") and k not in before] == []
    sh.run("deactivate")
    assert sh.last_status == 0
    after = stable(real_env(sh))
    after.pop("PS1", None)  # the venv's own deactivate exports PS1; what it shows is checked next
    assert after == stable(before)
    assert shown_prompt(sh) == prompt_before
    sh.cd(shop)  # autovenv takes over again on the next visit
    assert real_env(sh).get("VIRTUAL_ENV") == os.fsencode(shop / ".venv")


# ---------------------------------------------------------------------------------------- user variables



#: (kind of project, the variable the user sets inside it, its value)
USER_VARIABLES = [
    ("venv", "MYVAR", "mine $(x) 'q'"),
    ("pin", "MYVAR", "mine"),
    ("venv", "PYENV_VERSION", PY_A),
    ("pin", "PYENV_VERSION", PY_A),
    ("venv", "PYTHONHOME", "/opt/x"),
]


def test_variables_the_user_sets_inside_survive_leaving(w: World) -> None:
    """Every case of USER_VARIABLES, a project each, in turn in one session (a PowerShell takes seconds to
    start); the variable is unset again after each, so every case starts without it."""
    failed = []
    sh = w.start()
    for index, (kind, name, value) in enumerate(USER_VARIABLES):
        where = project(w, f"p{index}", version=PY_A if kind == "venv" else None)
        if kind == "pin":
            (where / ".python-version").write_text(PY_B + "\n")
        try:
            assert name not in real_env(sh)
            assert sh.cd(where) != ""
            sh.run(setenv(w.shell, name, value))
            sh.cd(w.projects)
            assert real_env(sh).get(name) == os.fsencode(value)
        except AssertionError as exc:
            failed.append(f"{kind} {name}={value!r}: {exc}")
        sh.run(unsetenv(w.shell, name))
    assert not failed, "\n".join(failed)


# ---------------------------------------------------------------------------------------- hostile checkouts


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_checkout_with_its_own_git_config_runs_nothing_on_cd(w: World) -> None:
    """An unpacked archive may carry a .git/ whose config names commands (core.fsmonitor): never run them."""
    shop = w.projects / "unpacked"
    shop.mkdir()
    git = ["git", "-C", str(shop), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    (shop / ".venv").mkdir()
    (shop / ".venv" / "x").write_text("")
    subprocess.run([*git, "add", "-f", ".venv/x"], check=True)  # an index that names .venv/
    shutil.rmtree(shop / ".venv")
    subprocess.run([*git, "config", "core.fsmonitor", "touch CANARY; false"], check=True)
    make_venv(shop / ".venv", PY_A)  # the user's own, created in place
    sh = w.start()
    sh.cd(shop)
    sh.run(noop(sh.shell))
    assert not list(w.root.rglob("CANARY"))


# ---------------------------------------------------------------------------------------- unprivileged user

NOBODY = 65534


def unprivileged_python() -> tuple[str, str] | None:
    """(interpreter, package parent) an unprivileged user can run autovenv's hook with, or None."""
    import autovenv

    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(autovenv.__file__)))
    for candidate in (os.path.realpath(sys.executable), "/usr/bin/python3", "/usr/local/bin/python3"):
        if not os.path.exists(candidate):
            continue
        # Exec'd by a shell already running as that user, as the hook will be: setpriv's own exec can
        # reach binaries that user cannot.
        probe = subprocess.run(
            ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "/bin/sh", "-c",
             '"$0" -I -S -c "$1"', candidate,
             f"import sys; sys.path.insert(0, {package_parent!r}); import autovenv.export, autovenv.hook"],
            capture_output=True, cwd="/",
        )  # fmt: skip
        if probe.returncode == 0:
            return candidate, package_parent
    return None


class UnprivilegedShell(InteractiveShell):
    """The harness's shell, started through ``setpriv`` as another user (HOME and files handed over)."""

    def __init__(self, *args: object, uid: int, **kwargs: object) -> None:
        self._uid = uid
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def _spawn(self, binary: str, env: dict[str, str], cwd: pathlib.Path) -> None:
        for path in (self.home, self._private):
            os.chown(path, self._uid, self._uid)
            for current, dirs, files in os.walk(path):
                for name in dirs + files:
                    os.lchown(os.path.join(current, name), self._uid, self._uid)
        master, slave = os.openpty()
        self._fd = master
        try:
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 1000, 0, 0))
            self._proc = subprocess.Popen(
                ["setpriv", f"--reuid={self._uid}", f"--regid={self._uid}", "--clear-groups",
                 *self._command(binary)],
                stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
                start_new_session=True, preexec_fn=pty_shell._take_controlling_terminal,
            )  # fmt: skip
        finally:
            os.close(slave)


class Unprivileged:
    """A world owned by ``nobody``: base dir outside root's private tmp, a home, and shells as nobody."""

    def __init__(self, shell: str, python: str, package_parent: str) -> None:
        self.shell = shell
        self.python = python
        self.base = pathlib.Path(tempfile.mkdtemp(prefix="unpriv-"))
        os.chmod(self.base, 0o755)
        self.home = self.base / "home"
        self.home.mkdir()
        os.chown(self.home, NOBODY, NOBODY)
        code = (
            f"import sys;sys.path.insert(0,{package_parent!r});"
            "from autovenv._entry import main;sys.exit(main())"
        )
        exe = f"{quote(shell, python)} -I -S -c {quote(shell, code)}"
        if shell == "pwsh":
            prompt = f"function prompt {{ '{PROMPT}' }}"
            self.rc = f"{prompt}\nInvoke-Expression (& {exe} hook pwsh | Out-String)\n"
        elif shell == "fish":
            prompt = f"function fish_prompt; printf '%s' '{PROMPT}'; end"
            self.rc = f"set -g fish_greeting\n{prompt}\n{exe} hook fish | source\n"
        else:
            self.rc = f"PS1='{PROMPT}'\neval \"$({exe} hook {shell})\"\n"
        # An existing, empty pyenv root: a missing one would be watched through its nearest existing
        # ancestor (this base dir), whose changes are not what these tests are about.
        (self.base / "pyenv" / "versions").mkdir(parents=True)
        self.env = {
            "PATH": BASE_PATH,
            "PYENV_ROOT": str(self.base / "pyenv"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "AUTOVENV_TIMEOUT_MS": "10000",
            "TMPDIR": os.environ["TMPDIR"],  # the sandbox's (every account may use it): fallback stamps
        }
        self.sessions: list[InteractiveShell] = []

    def mkdir(self, path: pathlib.Path, owner: int = NOBODY, mode: int = 0o755) -> pathlib.Path:
        path.mkdir(parents=True, exist_ok=True)
        os.chown(path, owner, owner)
        os.chmod(path, mode)
        return path

    def venv(self, where: pathlib.Path) -> pathlib.Path:
        subprocess.run(
            ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", self.python, "-m", "venv",
             "--without-pip", str(where)],
            check=True, env={"PATH": BASE_PATH},
        )  # fmt: skip
        return where

    def start(self, env: dict[str, str] | None = None) -> InteractiveShell:
        session = UnprivilegedShell(
            self.shell,
            self.home,
            self.rc,
            env={**self.env, **(env or {})},
            cwd=self.home,
            timeout=20,
            uid=NOBODY,
        )
        self.sessions.append(session)
        return session

    def close(self) -> None:
        for session in self.sessions:
            session.close()
        subprocess.run(["chmod", "-R", "u+rwx", str(self.base)], check=False)
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def nobody(shell_name: str) -> Iterator[Unprivileged]:
    if os.getuid() != 0:
        pytest.skip("running a shell as another user needs root (permissions mean nothing to root itself)")
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is not installed")
    found = unprivileged_python()
    if found is None:
        pytest.skip("no Python that an unprivileged user can run autovenv with (sys.executable lives under a "
                    "private directory and /usr/bin/python3 cannot import the package)")  # fmt: skip
    u = Unprivileged(shell_name, *found)
    try:
        yield u
    finally:
        u.close()


def test_project_under_an_unlistable_ancestor_activates(nobody: Unprivileged) -> None:
    """Ancestors the user may traverse but not list (mode 0711, like many /home dirs): nothing is lost."""
    locked = nobody.mkdir(nobody.base / "locked", owner=0, mode=0o711)
    shop = nobody.mkdir(locked / "shop")
    venv = nobody.venv(shop / ".venv")
    sh = nobody.start()
    out = sh.cd(shop)
    assert out.startswith("autovenv: activated shop (.venv, Python ") and out.count("\n") == 1
    assert real_env(sh)["VIRTUAL_ENV"] == os.fsencode(venv)
    assert sh.cd(nobody.base) == "autovenv: deactivated\n"


def test_unreadable_marker_in_an_ancestor_is_one_line_and_no_harm(nobody: Unprivileged) -> None:
    up = nobody.mkdir(nobody.base / "up", owner=0)
    secret = up / ".python-version"
    secret.write_text(f"{PY_B}\n")
    os.chmod(secret, 0o600)  # root's, unreadable to the user
    deep = nobody.mkdir(up / "work" / "deep")
    # Back-date what was just made: a file changed within the cache's stamp slack makes the next visit
    # re-resolve (and say its line again); that timing is not what this test is about.
    past = time.time() - 60
    for path in (secret, up, up / "work", deep):
        os.utime(path, (past, past))
    sh = nobody.start()
    before = stable(real_env(sh))
    out = sh.cd(deep)
    assert "Traceback" not in out and out.count("\n") <= 1
    assert stable(real_env(sh)) == before
    assert sh.run(noop(sh.shell)) == "" and sh.cd(up / "work") == ""
    assert sh.run("echo alive") == "alive\n"


def test_ancestor_becoming_untraversable_while_inside(nobody: Unprivileged) -> None:
    gate = nobody.mkdir(nobody.base / "gate", owner=0)
    shop = nobody.mkdir(gate / "shop")
    nobody.venv(shop / ".venv")
    sh = nobody.start()
    before = stable(real_env(sh))
    assert sh.cd(shop).startswith("autovenv: activated")
    os.chmod(gate, 0o700)  # the user can no longer reach $PWD by its path
    try:
        out = sh.run(noop(sh.shell))
        assert "Traceback" not in out and out.count("\n") <= 1
        assert sh.run("echo alive") == "alive\n"
        sh.cd(nobody.base)
        assert stable(real_env(sh)) == before
    finally:
        os.chmod(gate, 0o755)
    assert sh.cd(shop).startswith("autovenv: activated")


def test_read_only_cache_dir_works_without_cache_and_warns_once(nobody: Unprivileged) -> None:
    read_only = nobody.mkdir(nobody.base / "ro-cache", mode=0o555)
    shop = nobody.mkdir(nobody.base / "shop")
    nobody.venv(shop / ".venv")
    (shop / "sub").mkdir()
    os.chown(shop / "sub", NOBODY, NOBODY)
    sh = nobody.start(env={"XDG_CACHE_HOME": str(read_only)})
    assert len(hook_lines(sh.startup_output)) == 1 and "without a cache" in sh.startup_output
    out = sh.cd(shop)
    assert out.startswith("autovenv: activated ") and out.count("\n") == 1
    assert [sh.cd(shop / "sub"), sh.run(noop(sh.shell)), sh.cd(shop)] == ["", "", ""]
    assert sh.cd(nobody.base) == "autovenv: deactivated\n"
    assert os.listdir(read_only) == []


def test_read_only_cache_dir_still_picks_up_changes_while_inside(nobody: Unprivileged) -> None:
    read_only = nobody.mkdir(nobody.base / "ro-cache", mode=0o555)
    shop = nobody.mkdir(nobody.base / "shop")
    # A marker that declares nothing: a [project] table would add `autovenv create`'s hint.
    (shop / "pyproject.toml").write_text("[build-system]\nrequires = []\n")
    sh = nobody.start(env={"XDG_CACHE_HOME": str(read_only)})
    assert sh.cd(shop) == ""
    out = sh.run(f"{invoke(nobody.shell, nobody.python)} -m venv --without-pip .venv")
    assert out.startswith("autovenv: activated ") and out.count("\n") == 1
    assert sh.run("rm -rf .venv") == "autovenv: deactivated\n"
