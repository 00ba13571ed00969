"""Settings as the shells live them: a mistake in a config file changes exactly what its line says, project
settings fall through to the user's, ``trust`` fails closed, and a ``venv_dirs`` edit reaches running shells.

Each scenario runs in real interactive bash, zsh, fish and PowerShell through a pseudo-terminal, with the
hook loaded from the rc file, and looks at what the shell sees (``$VIRTUAL_ENV``, the lines printed).
"""

from __future__ import annotations

import pathlib

import pytest

from tests.shells.conftest import PY_A, World, make_venv, noop, shown_prompt

pytestmark = pytest.mark.shell


def shop(world: World, config: str | None = None) -> pathlib.Path:
    where = world.projects / "shop"
    make_venv(where / ".venv")
    if config is not None:
        (where / ".autovenv.toml").write_text(config)
    return where


def user_config(world: World, text: str) -> pathlib.Path:
    path = world.home / ".config" / "autovenv" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def virtual_env(world: World, sh: object) -> str | None:
    value = sh.env().get("VIRTUAL_ENV")  # type: ignore[attr-defined]
    return value.decode() if value is not None else None


def test_a_broken_project_config_is_ignored_as_it_says(world: World) -> None:
    project = shop(world, 'prompt = "shop"\nquiet = yes\n')
    sh = world.start()
    out = sh.cd(project)
    assert out == (
        f"autovenv: activated shop (.venv, Python {PY_A})\n"
        f"autovenv: {project / '.autovenv.toml'} is not valid TOML (Invalid value (at line 2, column 9)); "
        "ignored, as if it were not there\n"
    )
    assert virtual_env(world, sh) == str(project / ".venv")


def test_a_bad_key_costs_only_that_key(world: World) -> None:
    project = shop(world, 'promt = "nope"\nprompt = "shop"\n')
    sh = world.start()
    out = sh.cd(project)
    assert out.splitlines() == [
        f"autovenv: activated shop (.venv, Python {PY_A})",
        f"autovenv: {project / '.autovenv.toml'}: unknown setting 'promt' (did you mean 'prompt'?); ignored",
    ]
    assert shown_prompt(sh).startswith("(shop) ")


def test_quiet_from_the_user_holds_in_a_project_whose_config_leaves_it_out(world: World) -> None:
    user_config(world, "quiet = true\n")
    project = shop(world, 'prompt = "shop"\n')
    sh = world.start()
    assert sh.cd(project) == ""
    assert virtual_env(world, sh) == str(project / ".venv") and shown_prompt(sh).startswith("(shop) ")
    assert sh.cd(world.projects) == ""


def test_an_invalid_trust_blocks_and_says_why_at_every_entry(world: World) -> None:
    config = user_config(world, 'trust = "Ask"\n')
    project = shop(world)
    sh = world.start()
    expected = [
        f'autovenv: {config}: trust must be "auto" or "ask", not "Ask"; using "ask" until it is fixed',
        'autovenv: not activating .venv: trust = "ask" in your config and you have not allowed it; '
        f"to trust it: autovenv allow {project}",
    ]
    for _ in range(2):
        assert sh.cd(project).splitlines() == expected
        assert virtual_env(world, sh) is None
        assert sh.cd(world.projects) == ""


def test_a_venv_dirs_edit_reaches_running_shells(world: World) -> None:
    project = world.projects / "shop"
    project.mkdir()
    # A marker that declares nothing: a [project] table would add `autovenv create`'s hint.
    (project / "pyproject.toml").write_text("[build-system]\nrequires = []\n")
    make_venv(project / "virtualenv")  # after pyproject.toml: no "changed since last installed" hint
    (world.home / ".config").mkdir(exist_ok=True)  # the first config.toml goes into an existing ~/.config
    sh = world.start()
    assert sh.cd(project) == ""
    config = user_config(world, 'venv_dirs = ["virtualenv", ".venv"]\n')
    again = {"bash": "exec bash", "zsh": "exec zsh", "fish": "exec fish"}.get(world.shell, ". $PROFILE")
    sh.cd(world.projects)  # a first config.toml is noticed at the next project entered
    out = sh.cd(project)
    assert f"autovenv: venv_dirs in {config} changed after this shell loaded autovenv; " in out
    assert f"(or run: {again}) for it to look for the new names" in out
    # An existing config edited: the next prompt says so, in a shell that loaded the config before the
    # edit (in `sh` the line would be the one it has said already, so it says nothing new).
    loaded = world.start()
    assert loaded.cd(project) == f"autovenv: activated shop (virtualenv, Python {PY_A})\n"
    config.write_text('venv_dirs = ["virtualenv"]\n')
    changed = f"autovenv: venv_dirs in {config} changed after this shell loaded autovenv; "
    assert changed in loaded.run(noop(world.shell))
    assert sh.run(noop(world.shell)) == ""
    fresh = world.start()
    assert fresh.cd(project) == f"autovenv: activated shop (virtualenv, Python {PY_A})\n"
    assert virtual_env(world, fresh) == str(project / "virtualenv")


def test_a_broken_config_outside_any_project_says_so_once_per_visit(world: World) -> None:
    lone = world.projects / "lone"
    lone.mkdir()
    (lone / ".autovenv.toml").write_text("venv = [\n")
    sh = world.start()
    line = f"autovenv: {lone / '.autovenv.toml'} is not valid TOML"
    out = sh.cd(lone)
    assert out.startswith(line) and out.count("\n") == 1
    (world.projects / "unrelated").write_text("")  # churn above it (HOME, /tmp) is no news
    (world.root / "unrelated").write_text("")
    assert sh.run(noop(world.shell)) == ""
    assert sh.cd(world.projects) == "" and sh.cd(lone).startswith(line)  # each visit says it again
