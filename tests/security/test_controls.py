"""Positive controls, in the same suite and the same victim shells as the attacks: the victim's own venvs
activate quietly (one line, no block, no allow needed), with the venv's own python first on PATH."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.security.accounts import VictimShell
from tests.security.conftest import Lab, Shells
from tests.security.scene import CONTROLS, Scene
from tests.shells.conftest import which

pytestmark = pytest.mark.shell


@pytest.fixture
def victim(lab: Lab, shells: Shells, shell_name: str) -> Iterator[VictimShell]:
    sh = shells.get(shell_name)
    sh.cd(lab.victim.home)
    yield sh
    if sh._usable:
        sh.cd(lab.victim.home)


@pytest.mark.parametrize("control", CONTROLS)
def test_the_victims_own_venv_activates_with_no_allow(
    lab: Lab, scene: Scene, victim: VictimShell, control: str
) -> None:
    if control not in scene.controls:
        pytest.skip("uv is not installed in the test environment")
    project = scene.controls[control]
    out = victim.cd(project)
    assert out.startswith("autovenv: activated ") and " (.venv, Python " in out and out.count("\n") == 1, out
    env = victim.env()
    assert env["VIRTUAL_ENV"] == os.fsencode(project / ".venv")
    assert env["PATH"].split(b":")[0] == os.fsencode(project / ".venv" / "bin")
    assert victim.run(which(victim.shell, "python")).strip() == f"{project}/.venv/bin/python"
    prefix = victim.run("python -c 'import sys; print(sys.prefix)'").strip()
    assert prefix == str(project / ".venv")
    assert victim.cd(lab.victim.home) == "autovenv: deactivated\n"
    if control == "made with umask 002 (a private group)":
        mode = (project / ".venv" / "bin").stat().st_mode & 0o777
        assert mode == 0o775 and (project / ".venv" / "bin").stat().st_gid == lab.victim.gid
