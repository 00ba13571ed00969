"""fish keeps the user's resolution signature between checks and works it out again only when fish tells
of a dependency set or erased (``--on-variable``), so a ``cd`` within a project compares no dependency.
These drive a real interactive fish through the cases that rule has to get right: a dependency set on
the same command line as the ``cd`` (no prompt between), and a value local to a function or to one
command (``set -lx``, ``NAME=value cmd``), which fish drops at the block's end without an event.

``WORKON_HOME`` decides where a ``.venv`` file's name points: with it at ``envs-b`` the project has a
venv, with it at ``envs-a`` none.
"""

from __future__ import annotations

import pathlib

import pytest

from tests.shells.conftest import PY_B, World, make_venv, noop, usable_shell

pytestmark = pytest.mark.shell


@pytest.fixture
def shell_name() -> str:
    """fish alone: the conftest's ``world`` is made for it."""
    return usable_shell("fish")


def named_venv_project(world: World) -> tuple[pathlib.Path, pathlib.Path, pathlib.Path]:
    """A project whose `.venv` file names `named`, which only `envs-b` holds; with a subdirectory."""
    envs_a, envs_b = world.root / "envs-a", world.root / "envs-b"
    envs_a.mkdir()
    make_venv(envs_b / "named", PY_B)
    app = world.projects / "app"
    (app / "sub").mkdir(parents=True)
    (app / ".venv").write_text("named\n")
    return app, envs_a, envs_b


def test_a_dependency_set_on_the_cds_own_line_decides_at_the_cd(world: World) -> None:
    app, envs_a, envs_b = named_venv_project(world)
    sh = world.start(env={"WORKON_HOME": str(envs_a)})
    sh.cd(app / "sub")
    sh.cd(app)  # both directories walked and the signature kept: the next cd is a cd within
    assert "VIRTUAL_ENV" not in sh.env()
    out = sh.run(f'set -gx WORKON_HOME {envs_b}; cd sub; echo "at-cd:$VIRTUAL_ENV"')
    assert f"at-cd:{envs_b}/named\n" in out
    out = sh.run(f'set -gx WORKON_HOME {envs_a}; cd ..; echo "at-cd:$VIRTUAL_ENV"')
    assert "at-cd:\n" in out
    assert "VIRTUAL_ENV" not in sh.env()


@pytest.mark.parametrize(
    "command",
    [
        'function f; set -lx WORKON_HOME {b}; cd sub; echo "at-cd:$VIRTUAL_ENV"; end; f',
        "WORKON_HOME={b} cd sub",
    ],
    ids=["function-local", "one-command"],
)
def test_a_dependency_local_to_a_block_counts_until_the_block_ends(world: World, command: str) -> None:
    app, envs_a, envs_b = named_venv_project(world)
    sh = world.start(env={"WORKON_HOME": str(envs_a)})
    sh.cd(app / "sub")
    sh.cd(app)
    out = sh.run(command.format(b=envs_b))
    if "at-cd:" in command:
        # Inside the function, the cd sees the function's exported value.
        assert f"at-cd:{envs_b}/named\n" in out
    # The value is gone once the block ended (no event says so): the prompt after it goes back to the
    # global one, and so does every cd within the project after that.
    assert "VIRTUAL_ENV" not in sh.env()
    assert sh.run(noop("fish")) == ""
    sh.cd(app)
    sh.cd(app / "sub")
    assert "VIRTUAL_ENV" not in sh.env()
    activated = f"autovenv: activated app ({envs_b}/named, Python {PY_B})\n"
    assert sh.run(f"set -gx WORKON_HOME {envs_b}") == activated
