"""``autovenv exec`` and ``autovenv export sh``: the hook's environment without a shell (servers, scripts).

Checked against the real thing: the variables a hooked interactive bash, zsh and fish have after ``cd``
into the project, the interpreter ``sys.prefix`` reports, the process tree (no Python left as the
command's parent), and a bare ``env -i`` environment as cron and systemd give.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

from autovenv import execute
from tests.shells.conftest import PY_A, World, autovenv_command, invoke, make_venv, quote

PROBE = "import os, sys; print(sys.prefix); print(os.getppid()); print(os.environ.get('VIRTUAL_ENV', '-'))"


def bare_env(home: pathlib.Path, **extra: str) -> dict[str, str]:
    """What cron or a systemd unit gives a command: hardly anything."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), **extra}


def run(
    args: list[str], env: dict[str, str], cwd: pathlib.Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [autovenv_command(), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--", "python"], (None, ["python"])),
        (["/srv/app", "--", "python", "-c", "pass"], ("/srv/app", ["python", "-c", "pass"])),
        (["/srv/app", "python", "--", "x"], None),  # two words before --
        (["/srv/app", "gunicorn", "--workers", "2"], ("/srv/app", ["gunicorn", "--workers", "2"])),
        (["--"], None),
        ([], None),
        (["/srv/app", "--"], None),
        (["--verbose", "--", "x"], None),
    ],
)
def test_command_lines(argv: list[str], expected: tuple[str | None, list[str]] | None) -> None:
    if expected is None:
        with pytest.raises(execute.Usage):
            execute.split_args(argv)
    else:
        assert execute.split_args(argv) == expected


@pytest.fixture
def app(tmp_path: pathlib.Path) -> pathlib.Path:
    where = tmp_path / "srv" / "app"
    where.mkdir(parents=True)
    make_venv(where / ".venv")
    return where


def test_from_a_bare_environment_the_command_runs_in_the_venv_and_replaces_autovenv(
    app: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    result = run(["exec", str(app), "--", "python", "-c", PROBE], bare_env(tmp_path / "home"))
    assert result.stderr == ""
    prefix, parent, virtual_env = result.stdout.splitlines()
    assert prefix == str(app / ".venv") == virtual_env
    assert int(parent) == os.getpid()  # autovenv became python: its parent is this test, not a Python of ours


def test_the_exit_status_is_the_commands(app: pathlib.Path, tmp_path: pathlib.Path) -> None:
    result = run(["exec", str(app), "--", "python", "-c", "raise SystemExit(42)"], bare_env(tmp_path))
    assert (result.returncode, result.stdout, result.stderr) == (42, "", "")
    signalled = run(["exec", str(app), "--", "sh", "-c", "kill -TERM $$"], bare_env(tmp_path))
    assert signalled.returncode == -15


def test_default_directory_is_where_it_runs(app: pathlib.Path, tmp_path: pathlib.Path) -> None:
    (app / "sub").mkdir()
    result = run(["exec", "--", "python", "-c", PROBE], bare_env(tmp_path), cwd=app / "sub")
    assert result.stdout.splitlines()[0] == str(app / ".venv")


def test_failures_are_one_line_with_the_conventional_codes(app: pathlib.Path, tmp_path: pathlib.Path) -> None:
    env = bare_env(tmp_path)
    missing = run(["exec", str(tmp_path / "nope"), "--", "true"], env)
    assert (missing.returncode, missing.stderr) == (2, f"autovenv: {tmp_path / 'nope'} does not exist\n")
    not_found = run(["exec", str(app), "--", "no-such-command"], env)
    assert (not_found.returncode, not_found.stderr) == (127, "autovenv: no-such-command: command not found\n")
    plain = app / "script.txt"
    plain.write_text("echo hi\n")
    not_executable = run(["exec", str(app), "--", str(plain)], env)
    assert (not_executable.returncode, not_executable.stderr) == (
        126,
        f"autovenv: {plain}: permission denied\n",
    )
    usage = run(["exec", str(app), "--"], env)
    assert usage.returncode == 2 and usage.stderr.count("\n") == 1 and "usage: autovenv exec" in usage.stderr


def test_a_blocked_venv_is_one_line_and_the_command_never_runs(
    app: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    config = tmp_path / "config"
    (config / "autovenv").mkdir(parents=True)
    (config / "autovenv" / "config.toml").write_text('trust = "ask"\n')
    ran = tmp_path / "ran"
    env = bare_env(tmp_path / "home", XDG_CONFIG_HOME=str(config))
    result = run(["exec", str(app), "--", "touch", str(ran)], env)
    assert result.returncode == 1 and not ran.exists()
    assert result.stderr == (
        'autovenv: not activating .venv: trust = "ask" in your config and you have not allowed it; '
        f"to trust it: autovenv allow {app}\n"
        f"autovenv: not running touch without {app}'s environment\n"
    )
    assert run(["allow", str(app)], env).returncode == 0
    assert run(["exec", str(app), "--", "touch", str(ran)], env).returncode == 0 and ran.exists()


def test_a_broken_venv_or_an_uninstalled_pin_never_runs_the_command(tmp_path: pathlib.Path) -> None:
    broken = tmp_path / "broken"
    (broken / ".venv").mkdir(parents=True)
    (broken / ".venv" / "pyvenv.cfg").write_text("no home key\n")
    result = run(["exec", str(broken), "--", "true"], bare_env(tmp_path))
    assert result.returncode == 1 and "pyvenv.cfg is corrupt" in result.stderr
    pinned = tmp_path / "pinned"
    pinned.mkdir()
    (pinned / ".python-version").write_text("3.4.10\n")
    result = run(["exec", str(pinned), "--", "true"], bare_env(tmp_path, PYENV_ROOT=os.environ["PYENV_ROOT"]))
    assert result.returncode == 1 and "pyenv install 3.4.10" in result.stderr


def test_no_project_runs_the_command_as_it_is(tmp_path: pathlib.Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run(["exec", str(empty), "--", "sh", "-c", "echo ${VIRTUAL_ENV-none}"], bare_env(tmp_path))
    assert (result.returncode, result.stdout, result.stderr) == (0, "none\n", "")


def test_a_venv_activated_by_hand_steps_aside(app: pathlib.Path, tmp_path: pathlib.Path) -> None:
    other = make_venv(tmp_path / "other")
    env = bare_env(tmp_path, VIRTUAL_ENV=str(other), PATH=f"{other}/bin:/usr/bin:/bin")
    result = run(["exec", str(app), "--", "python", "-c", PROBE], env)
    assert result.stdout.splitlines()[0] == str(app / ".venv")
    assert result.stdout.splitlines()[2] == str(app / ".venv")


def test_exec_imports_nothing_heavy(app: pathlib.Path) -> None:
    from tests.unit.test_lean import FORBIDDEN, imported_modules

    names = imported_modules(["exec", str(app), "--", "true"], str(app))
    assert "autovenv.execute" in names
    assert sorted(n for n in names if n.split(".")[0] in FORBIDDEN) == []


def test_exec_gives_what_the_hook_gives(world: World) -> None:
    """In each shell: the variables after ``cd`` into the project equal those ``exec`` gives a command."""
    app = world.projects / "shop"
    app.mkdir()
    make_venv(app / ".venv", PY_A)
    sh = world.start()
    sh.cd(app)
    hooked = sh.env()
    sh.cd(world.home)
    dump = (
        f"{quote(world.shell, sys.executable)} -c 'import os,sys; sys.stdout.write(repr(dict(os.environ)))'"
    )
    exe = invoke(world.shell, autovenv_command())
    given = eval(sh.run(f"{exe} exec {quote(world.shell, str(app))} -- {dump}"))
    names = ("VIRTUAL_ENV", "VIRTUAL_ENV_PROMPT", "PATH", "AUTOVENV_KEY", "AUTOVENV_ROOT", "AUTOVENV_VENV")
    for name in (*names, "AUTOVENV_PATH_ADD", "AUTOVENV_SAVED", "AUTOVENV_PROMPT"):
        assert given.get(name) == hooked[name].decode(), name
    assert "PYTHONHOME" not in given


def test_export_sh_in_a_posix_script(app: pathlib.Path, tmp_path: pathlib.Path) -> None:
    script = tmp_path / "deploy.sh"
    exe = autovenv_command().replace("'", "'\\''")
    lines = [
        "set -eu",
        f"cd '{app}'",
        f"eval \"$('{exe}' export sh --quiet)\"",
        "python -c 'import sys; print(sys.prefix)'",
    ]
    script.write_text("\n".join(lines) + "\n")
    result = subprocess.run(
        ["/bin/sh", str(script)], env=bare_env(tmp_path), capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, f"{app / '.venv'}\n", "")
    loud = run(["export", "sh"], {**bare_env(tmp_path), "PWD": str(app)}, cwd=app)
    assert loud.stderr == f"autovenv: activated {app.name} (.venv, Python {PY_A})\n"


def test_export_sh_quotes_hostile_names(tmp_path: pathlib.Path) -> None:
    hostile = tmp_path / "it's $(touch pwned) `x` \\ ;\t\x7f"
    hostile.mkdir()
    make_venv(hostile / ".venv")
    out = run(["export", "sh", "--quiet"], {**bare_env(tmp_path), "PWD": str(hostile)}, cwd=hostile).stdout
    shown = subprocess.run(
        ["/bin/sh", "-c", out + 'printf %s "$VIRTUAL_ENV"'], capture_output=True, check=True, cwd=tmp_path
    )
    assert shown.stdout == os.fsencode(hostile / ".venv")
    assert not (tmp_path / "pwned").exists()


def test_sh_has_no_hook(tmp_path: pathlib.Path) -> None:
    result = run(["hook", "sh"], bare_env(tmp_path))
    assert result.returncode == 2 and "unknown shell 'sh'" in result.stderr
