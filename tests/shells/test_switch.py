"""A switch between two projects already seen stays exactly right while each shell remembers: the marker a
walk ended at, the answer read for a project, the user's signature. Each change below is made while the
shell stands in the other project, where nothing the shell watches sees it; the cd back must. Each answer
is compared with the pure resolution of the same directory.
"""

from __future__ import annotations

import os
import pathlib

import pytest

from tests.shells.conftest import PY_A, PY_B, SHELLS, World, make_venv, setenv, unsetenv, usable_shell
from tests.shells.pty_shell import InteractiveShell
from tests.shells.test_walk import agrees

pytestmark = pytest.mark.shell


@pytest.fixture(params=SHELLS)
def world(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> World:
    w = World(usable_shell(request.param), tmp_path)
    request.addfinalizer(w.close)
    return w


def switching(world: World) -> tuple[InteractiveShell, pathlib.Path, pathlib.Path]:
    """A shell that switched between projects ``a`` and ``b`` a few times and stands in ``b``."""
    a, b = world.projects / "a", world.projects / "b"
    for proj, version in ((a, PY_A), (b, PY_B)):
        proj.mkdir()
        (proj / ".python-version").write_text(f"{version}\n")
    sh = world.start()
    for _ in range(3):
        sh.cd(a)
        assert agrees(sh, world.projects) is not None
        sh.cd(b)
        assert agrees(sh, world.projects) is not None
    return sh, a, b


def test_a_pin_changed_while_away_shows_at_the_switch_back(world: World) -> None:
    sh, a, b = switching(world)
    before = agrees(sh, world.projects)
    (a / ".python-version").write_text(f"{PY_B}\n")
    sh.cd(a)
    after = agrees(sh, world.projects)
    assert after is not None
    sh.cd(b)
    assert agrees(sh, world.projects) == before
    (a / ".python-version").write_text(f"{PY_A}\n")
    sh.cd(a)
    assert agrees(sh, world.projects) not in (None, after)


def test_the_marker_remembered_removed_while_away_another_one_there(world: World) -> None:
    sh, a, b = switching(world)
    sh.cd(a)
    with_pin = agrees(sh, world.projects)
    sh.cd(b)
    (a / "pyproject.toml").write_text('[project]\nname = "a"\nversion = "0"\n')
    (a / ".python-version").unlink()
    sh.cd(a)
    assert agrees(sh, world.projects) != with_pin
    sh.cd(b)
    (a / "pyproject.toml").unlink()
    sh.cd(a)
    assert agrees(sh, world.projects) is None


def test_the_users_environment_changed_while_away_shows_at_the_switch_back(world: World) -> None:
    sh, a, b = switching(world)
    # ``a`` becomes a uv project, whose env UV_PROJECT_ENVIRONMENT moves (relative to its root): its answer
    # depends on the user's environment, not only on its files.
    (a / "pyproject.toml").write_text('[project]\nname = "a"\nversion = "0"\n')
    (a / "uv.lock").write_text("version = 1\n")
    own, moved = make_venv(a / ".venv"), make_venv(a / "moved")
    sh.cd(a)
    assert agrees(sh, world.projects) is not None
    assert sh.env().get("VIRTUAL_ENV") == os.fsencode(own)
    sh.cd(b)
    sh.run(setenv(world.shell, "UV_PROJECT_ENVIRONMENT", "moved"))
    agrees(sh, world.projects)
    sh.cd(a)
    assert agrees(sh, world.projects) is not None
    assert sh.env().get("VIRTUAL_ENV") == os.fsencode(moved)
    sh.cd(b)
    sh.run(unsetenv(world.shell, "UV_PROJECT_ENVIRONMENT"))
    sh.cd(a)
    assert agrees(sh, world.projects) is not None
    assert sh.env().get("VIRTUAL_ENV") == os.fsencode(own)
