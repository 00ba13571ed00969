"""fish's prompt prefix is worked out when AUTOVENV_PROMPT or VIRTUAL_ENV_DISABLE_PROMPT changes, not at each
prompt, and a prompt after a command that succeeded prints it with no call. These drive a real
interactive fish through the changes that must reach it: a switch between a project with a prefix and
one without (the activation sets AUTOVENV_PROMPT, the next one's unapply erases it), several on one
command line, and AUTOVENV_PROMPT set, set to a control sequence, and erased by hand.
"""

from __future__ import annotations

import pathlib

import pytest

from tests.shells.conftest import PROMPT, PY_A, PY_B, World, make_venv, shown_prompt, usable_shell

pytestmark = pytest.mark.shell


@pytest.fixture
def shell_name() -> str:
    """fish alone: the conftest's ``world`` is made for it."""
    return usable_shell("fish")


def projects(world: World) -> tuple[pathlib.Path, pathlib.Path]:
    """A project with a venv (prefix "(shop) ") and one with only a pin (no prefix)."""
    shop, pinned = world.projects / "shop", world.projects / "pinned"
    shop.mkdir(parents=True)
    make_venv(shop / ".venv", PY_A)
    pinned.mkdir(parents=True)
    (pinned / ".python-version").write_text(PY_B + "\n")
    return shop, pinned


def test_prefix_follows_switches_between_projects_with_and_without_one(world: World) -> None:
    shop, pinned = projects(world)
    sh = world.start()
    for _ in range(3):
        sh.cd(shop)
        assert shown_prompt(sh) == f"(shop) {PROMPT}"
        sh.cd(pinned)
        assert sh.var("PYENV_VERSION") == PY_B
        assert shown_prompt(sh) == PROMPT
    # Both on one command line, no prompt between.
    sh.run(f"cd {shop}; cd {pinned}; cd {shop}")
    assert shown_prompt(sh) == f"(shop) {PROMPT}"
    sh.cd(world.projects)
    assert shown_prompt(sh) == PROMPT


def test_prefix_follows_autovenv_prompt_changed_by_hand(world: World) -> None:
    shop, _ = projects(world)
    sh = world.start()
    sh.cd(shop)
    assert shown_prompt(sh) == f"(shop) {PROMPT}"
    sh.run("set -gx AUTOVENV_PROMPT '(mine) '")
    assert shown_prompt(sh) == f"(mine) {PROMPT}"
    # Control characters are never shown.
    sh.run("set -gx AUTOVENV_PROMPT \\e'[31m(red) '")
    assert shown_prompt(sh) == PROMPT
    sh.run("set -e AUTOVENV_PROMPT")
    assert shown_prompt(sh) == PROMPT
    # Leaving and entering again brings the project's own prefix back.
    sh.cd(world.projects)
    sh.cd(shop)
    assert shown_prompt(sh) == f"(shop) {PROMPT}"
    assert sh.var("VIRTUAL_ENV") == str(shop / ".venv")
