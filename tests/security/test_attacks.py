"""Every attack class of issue 10, played against the victim's real interactive bash, zsh and fish.

The victim ``cd``s into what the attacker prepared and runs the commands an attacker's bin/ would
hijack (``ls``, ``git``, ``python``, ``pip``). Each test asserts that none of the attacker's programs ran
(no marker), that no directory of theirs is on PATH, and that nothing was activated from it. One victim
shell per kind serves every attack (each visit starts from HOME); attacks that need the world to change
between two visits make their own directories.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
from collections.abc import Iterator

import pytest

from autovenv import display
from tests.security.accounts import VictimShell
from tests.security.conftest import PROBE, Lab, Shells
from tests.security.scene import ATTACKS, Scene
from tests.shells.conftest import noop, which
from tests.shells.pty_shell import quote

pytestmark = pytest.mark.shell


@pytest.fixture
def victim(lab: Lab, shells: Shells, shell_name: str) -> Iterator[VictimShell]:
    sh = shells.get(shell_name)
    sh.cd(lab.victim.home)
    lab.clear_markers()
    yield sh
    if sh._usable:
        sh.cd(lab.victim.home)


def unharmed(lab: Lab, sh: VictimShell) -> dict[str, bytes]:
    """Run what an attacker's bin/ would hijack, then check nothing of theirs ran or is on PATH."""
    sh.run(PROBE)
    env = sh.env()
    assert lab.markers_left() == []
    assert lab.hostile_on_path(env.get("PATH", b"")) == []
    venv = os.fsdecode(env.get("VIRTUAL_ENV", b""))
    assert not venv or not lab.hostile_on_path(os.fsencode(venv + "/bin"))
    return env


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_reaches_nothing(lab: Lab, scene: Scene, victim: VictimShell, attack: str) -> None:
    if attack not in scene.attacks:
        pytest.skip("zip and unzip are not installed" if attack.startswith("zip") else "not prepared here")
    out = victim.cd(scene.attacks[attack])
    env = unharmed(lab, victim)
    assert "VIRTUAL_ENV" not in env and "AUTOVENV_KEY" not in env, out
    lines = out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("autovenv: not activating "), out
    assert out.isprintable() or (out.endswith("\n") and out[:-1].isprintable())
    # What the line editors send themselves: bracketed paste on and off, PSReadLine's cursor query.
    own = (b"\x1b[?2004h", b"\x1b[?2004l", b"\x1b[6n")
    raw = victim.last_raw
    for sequence in own:
        raw = raw.replace(sequence, b"")
    assert b"\x1b" not in raw
    assert victim.run("echo still-working") == "still-working\n"


def test_a_swapped_link_changes_nothing(lab: Lab, scene: Scene, victim: VictimShell) -> None:
    """The attacker's project names the victim's venv through a link of theirs, then points it at their
    own venv: neither visit puts a directory of theirs on PATH, and the swap does not reach a shell that
    stays inside."""
    project = scene.attacks["shared machine: a link the attacker owns, to the victim's venv"]
    victim.cd(project)
    unharmed(lab, victim)
    link, original = scene.swap_link, os.readlink(scene.swap_link)
    try:
        link.unlink()
        link.symlink_to(scene.swap_to)
        os.lchown(link, lab.attacker.uid, lab.attacker.gid)
        victim.run(noop(victim.shell))
        unharmed(lab, victim)
        victim.cd(lab.victim.home)
        victim.cd(project)
        unharmed(lab, victim)
    finally:
        link.unlink()
        link.symlink_to(original)
        os.lchown(link, lab.attacker.uid, lab.attacker.gid)


def test_a_team_writable_parent_renamed_by_the_attacker(
    lab: Lab, scene: Scene, victim: VictimShell, shell_name: str
) -> None:
    """The victim's own venv under a directory their team can write: blocked, since any member may rename
    the project away and put theirs there; after they do, still nothing of theirs runs."""
    project = scene.team_dir / f"proj-{shell_name}"
    lab.as_victim(["mkdir", str(project)])
    lab.as_victim([lab.python, "-m", "venv", "--without-pip", str(project / ".venv")])
    out = victim.cd(project)
    assert (
        f"{scene.team_dir} is writable by group {lab.team.name}" in out and "VIRTUAL_ENV" not in victim.env()
    )
    victim.cd(lab.victim.home)
    lab.attacker.run(["mv", str(project), f"{project}.old"])
    planted = lab.fake_venv(
        project / ".venv", f"team-{shell_name}", made_at=str(project / ".venv"), activate=True
    )
    lab.attacker.own(project)
    assert planted.exists()
    victim.cd(project)
    unharmed(lab, victim)
    assert "VIRTUAL_ENV" not in victim.env()


def test_an_allowed_committed_venv_blocks_again_when_a_pull_adds_to_its_bin(
    lab: Lab, victim: VictimShell, shell_name: str
) -> None:
    """A committed venv of the victim's own: blocked, activated after ``autovenv allow``, and blocked
    again at the very next prompt after a ``git pull`` adds ``bin/ls`` (before the user's next ``ls``)."""
    repo = lab.victim.home / "projects" / f"committed-{shell_name}"
    upstream = lab.victim.home / "projects" / f"committed-{shell_name}-upstream"
    lab.as_victim(["mkdir", "-p", str(repo)])
    lab.as_victim([lab.python, "-m", "venv", "--without-pip", str(repo / ".venv")])
    lab.as_victim(["git", "init", "-q", "-b", "main"], cwd=repo)
    lab.as_victim(["git", "add", "-f", "-A"], cwd=repo)
    lab.as_victim(["git", "commit", "-qm", "venv"], cwd=repo)
    lab.as_victim(["git", "clone", "-q", str(repo), str(upstream)])
    ls = upstream / ".venv" / "bin" / "ls"
    lab.as_victim(
        ["sh", "-c", f"printf '#!/bin/sh\\n: > {lab.markers}/pulled-ls-$$\\n' > {ls}; chmod 755 {ls}"]
    )
    lab.as_victim(["git", "add", "-f", "-A"], cwd=upstream)
    lab.as_victim(["git", "commit", "-qm", "add ls"], cwd=upstream)
    lab.hostile.append(repo / ".venv" / "bin")

    out = victim.cd(repo)
    assert out == (
        f"autovenv: not activating .venv: it is tracked by the git repository at {repo} (a committed venv); "
        f"to trust it: autovenv allow {repo}\n"
    )
    out = victim.run("autovenv allow")
    assert f"autovenv: allowed {repo}/.venv\n" in out
    assert "autovenv: activated committed-" in out and " (.venv, Python " in out
    assert victim.run(which(shell_name, "python")).strip() == f"{repo}/.venv/bin/python"
    out = victim.run(f"git pull -q {quote(shell_name, str(upstream))} main")
    assert out.endswith(
        "autovenv: deactivated\nautovenv: not activating .venv: its bin/ changed since you allowed it "
        f"(new or changed: ls); to trust it again: autovenv allow {repo}\n"
    ), out
    assert (repo / ".venv" / "bin" / "ls").exists()
    unharmed(lab, victim)
    lab.hostile.remove(repo / ".venv" / "bin")


def test_the_lock_hint_names_a_hostile_file_as_one_word(
    lab: Lab, victim: VictimShell, shell_name: str
) -> None:
    project = lab.victim.home / "projects" / f"stale-{shell_name}"
    lab.as_victim(["mkdir", "-p", str(project)])
    lab.as_victim([lab.python, "-m", "venv", "--without-pip", str(project / ".venv")])
    name = "requirements$(touch PWNED);'\"`touch PWNED2`.txt"
    lab.as_victim(["sh", "-c", 'printf "six==1.16.0\\n" > "$0"', str(project / name)])
    out = victim.cd(project)
    flag = display.word("-r", shell_name)  # in PowerShell quoted: it starts with neither a letter nor / . _
    lead = f"autovenv: {name}: six 1.16.0 pinned, not installed; run: uv pip install {flag} "
    hint = next(line for line in out.splitlines() if line.startswith(lead))
    word = hint[len(lead) :]
    assert victim.run(f"printf '%s\\n' {word}") == name + "\n"
    assert not (project / "PWNED").exists() and not (project / "PWNED2").exists()


def test_prompts_from_files_reach_the_terminal_as_text(
    lab: Lab, victim: VictimShell, shell_name: str
) -> None:
    """A project's ``prompt`` and a venv's own ``--prompt`` holding terminal controls: shown escaped."""
    project = lab.victim.home / "projects" / f"esc-prompt-{shell_name}"
    lab.as_victim(["mkdir", "-p", str(project)])
    lab.as_victim(
        [lab.python, "-m", "venv", "--without-pip", "--prompt", "v\x1b]0;PWNED\x07", str(project / ".venv")]
    )
    out = victim.cd(project)
    assert out.startswith("autovenv: activated ") and " (.venv, " in out, out
    for _ in range(2):
        raw = victim.last_raw + victim.run(noop(victim.shell)).encode() + victim.last_raw
        assert b"\x1b]0;PWNED" not in raw and b"]0;PWNED" in raw
        config = project / ".autovenv.toml"
        config.write_text('prompt = "p\\u001b]0;PWNED\\u0007"\n')
        lab.victim.own(config)
        victim.run(noop(victim.shell))


def test_git_is_never_run_on_a_visit(lab: Lab, scene: Scene, victim: VictimShell) -> None:
    """A clone's own config cannot run anything: the index is read, git is not started (core.fsmonitor)."""
    clone = scene.attacks["clone: a committed venv deep in the repository"].parent.parent
    subprocess.run(
        [
            "git",
            "config",
            "--file",
            str(clone / ".git" / "config"),
            "core.fsmonitor",
            f"touch {lab.markers}/fsmonitor; false",
        ],
        check=True,
    )
    victim.cd(clone / "services" / "api")
    assert lab.markers_left() == []


def attack_titles() -> list[str]:
    return list(ATTACKS)


def path_of(env: dict[str, bytes]) -> list[pathlib.Path]:
    return [pathlib.Path(os.fsdecode(p)) for p in env.get("PATH", b"").split(b":")]
