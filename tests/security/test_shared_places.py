"""Attacks through the places autovenv keeps its own files, and through what a shell inherits.

Each needs the victim's shell started in a particular environment, so each starts its own: a shared
``XDG_CACHE_HOME`` the attacker planted hook copies, start files and cache entries in (with the plain
hook line and with install.sh's launcher, made by install.sh's own code); a relative cache location in a
checkout; a shared data directory holding a forged allow; a shared ``PYENV_ROOT``; and an inherited
``AUTOVENV_*`` state built to run code. Afterwards the victim's own project still activates: a cache that
cannot be used costs the cache, not the hook.
"""

from __future__ import annotations

import os
import pathlib
import re
import shlex
import subprocess

import pytest

from autovenv import allowstore
from autovenv.dirs import mirror_path
from tests.security.accounts import VictimShell
from tests.security.conftest import PROBE, SHELLS, Lab, Shells, rc_for
from tests.security.scene import Scene, root_git
from tests.shells.conftest import noop
from tests.shells.pty_shell import quote

pytestmark = pytest.mark.shell
INSTALL_SH = pathlib.Path(__file__).resolve().parents[2] / "install.sh"


def install_sh_launcher(lab: Lab) -> pathlib.Path:
    """The victim's install.sh launcher, written by install.sh's own ``write_launcher`` (run as the
    victim, against the victim's interpreter and the copied package instead of a fresh venv)."""
    target = lab.victim.home / ".local" / "bin" / "autovenv"
    if target.exists():
        return target
    text = INSTALL_SH.read_text()

    def function(name: str) -> str:
        found = re.search(rf"^{name}\(\) {{ [^\n]*}}\n|^{name}\(\) {{\n.*?^}}\n", text, re.S | re.M)
        assert found is not None, name
        return found.group(0)

    prefix = lab.victim.home / ".local" / "share" / "autovenv"
    script = "\n".join(
        [
            "set -eu",
            "PROG=autovenv-install",
            "LAUNCHER_TAG='written by autovenv install.sh'",
            function("say"),
            function("die"),
            function("sh_quote"),
            function("write_launcher"),
            f"site_path_code() {{ printf '%s\\n' {shlex.quote(f'sys.path[0:0] = [{str(lab.lib)!r}]')}; }}",
            f"VENV_PY={shlex.quote(lab.python)}",
            f"PREFIX={shlex.quote(str(prefix))}",
            f"BIN_DIR={shlex.quote(str(target.parent))}",
            "LAUNCHER=$BIN_DIR/autovenv",
            "LAUNCHER_PY=$PREFIX/launcher.py",
            'mkdir -p "$PREFIX"',
            "write_launcher",
        ]
    )
    lab.as_victim(["sh", "-c", script])
    return target


def launcher_rc(shell: str, launcher: pathlib.Path) -> str:
    exe = quote(shell, str(launcher))
    if shell == "pwsh":
        return rc_for(shell, f"Invoke-Expression (& {exe} hook pwsh | Out-String)")
    return rc_for(shell, f"{exe} hook fish | source" if shell == "fish" else f'eval "$({exe} hook {shell})"')


def plant(lab: Lab, where: pathlib.Path, tag: str, project: pathlib.Path) -> None:
    """Hook copies, start files and cache entries whose every line leaves a marker."""
    code = f"touch {lab.markers}/{tag}\n"  # a command every shell has
    where.mkdir(parents=True, exist_ok=True)
    for shell in SHELLS:
        for name in (f"hook.{shell}", f"start.{shell}"):
            (where / name).write_text(code)
        entry = pathlib.Path(f"{where}/{shell}{project}/%")
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.write_text(code)
    os.utime(where, None)


def victim_project(lab: Lab, scene: Scene) -> pathlib.Path:
    return scene.controls["python -m venv"]


def visit_and_probe(lab: Lab, sh: VictimShell, project: pathlib.Path) -> None:
    out = sh.cd(project)
    assert "autovenv: activated " in out and " (.venv, " in out, out
    sh.run(PROBE)
    sh.cd(lab.victim.home)
    assert lab.markers_left() == []
    assert lab.hostile_on_path(sh.env().get("PATH", b"")) == []


@pytest.mark.parametrize("line", ["plain", "install.sh launcher"])
@pytest.mark.parametrize("how", ["planted directory", "link to a directory of the victim's"])
def test_a_shared_cache_planted_by_the_attacker_is_not_used(
    lab: Lab, scene: Scene, shells: Shells, shell_name: str, line: str, how: str
) -> None:
    cache_home = lab.base / f"shared-cache-{how.split()[0]}"
    project = victim_project(lab, scene)
    install_sh_launcher(lab)  # first: what is planted is newer than the installation
    if not cache_home.exists():
        cache_home.mkdir(mode=0o1777)
        os.chmod(cache_home, 0o1777)
        if how == "planted directory":
            plant(lab, cache_home / "autovenv", "planted-cache", project)
            lab.attacker.own(cache_home / "autovenv")
        else:
            downloads = lab.victim.home / "Downloads"
            lab.as_victim(["mkdir", "-p", str(downloads)])
            plant(lab, downloads, "downloaded-file", project)
            lab.victim.own(downloads)
            (cache_home / "autovenv").symlink_to(downloads)
            os.lchown(cache_home / "autovenv", lab.attacker.uid, lab.attacker.gid)
    lab.clear_markers()
    rc = launcher_rc(shell_name, install_sh_launcher(lab)) if line != "plain" else None
    sh = shells.get(shell_name, f"cache-{how}-{line}", rc=rc, XDG_CACHE_HOME=str(cache_home))
    assert lab.markers_left() == [], sh.startup_output
    assert "working without a cache" in sh.startup_output
    visit_and_probe(lab, sh, project)


@pytest.mark.parametrize("line", ["plain", "install.sh launcher"])
def test_a_relative_cache_location_in_a_checkout_is_ignored(
    lab: Lab, scene: Scene, shells: Shells, shell_name: str, line: str
) -> None:
    """A shell started inside a clone with ``XDG_CACHE_HOME=cache`` and ``AUTOVENV_CACHE_DIR=x``: the
    clone's files are the victim's own (git wrote them), so ownership proves nothing here."""
    clone = scene.clones / f"dotcache-{shell_name}-{line.split()[0]}"
    install_sh_launcher(lab)  # first: the clone is newer than the installation
    repo = lab.attacker.home / clone.name
    # Entries for the clone itself (a candidate directory: it has a .python-version), which a hook
    # standing in it would find through the relative path.
    plant(lab, repo / "cache" / "autovenv", "relative-cache", clone)
    plant(lab, repo / "x", "relative-override", clone)
    (repo / ".python-version").write_text("3.11.2\n")
    root_git(repo.parent, "init", "-q", str(repo))
    root_git(repo, "add", "-A")
    root_git(repo, "commit", "-qm", "cache")
    bundle = repo.with_suffix(".bundle")
    root_git(repo, "bundle", "create", str(bundle), "--all")
    lab.attacker.own(repo, bundle)
    lab.as_victim(["git", "clone", "-q", str(bundle), str(clone)])
    lab.clear_markers()
    rc = launcher_rc(shell_name, install_sh_launcher(lab)) if line != "plain" else None
    sh = shells.get(
        shell_name, f"relative-{line}", rc=rc, cwd=clone, XDG_CACHE_HOME="cache", AUTOVENV_CACHE_DIR="x"
    )
    sh.run(noop(shell_name))
    assert lab.markers_left() == [], sh.startup_output
    visit_and_probe(lab, sh, victim_project(lab, scene))


def test_a_forged_allow_in_a_shared_data_directory_is_not_honoured(
    lab: Lab, scene: Scene, shells: Shells, shell_name: str
) -> None:
    clone = scene.attacks["clone: the repository root is the venv"]
    data_home = lab.base / "shared-data"
    if not data_home.exists():
        data_home.mkdir(mode=0o1777)
        os.chmod(data_home, 0o1777)
        # What the attacker can compute: the clone is readable, so are its inode numbers and times.
        record = pathlib.Path(mirror_path(str(data_home / "autovenv" / "trust"), str(clone))) / "allow"
        record.parent.mkdir(parents=True)
        record.write_text(allowstore.fingerprint(str(clone), str(clone / "bin")))
        lab.attacker.own(data_home / "autovenv")
    lab.clear_markers()
    sh = shells.get(shell_name, "shared-data", XDG_DATA_HOME=str(data_home))
    out = sh.cd(clone)
    assert "not activating" in out and "VIRTUAL_ENV" not in sh.env()
    sh.run(PROBE)
    sh.cd(lab.victim.home)
    assert lab.markers_left() == []


def test_a_pyenv_root_the_team_can_write_is_not_selected(
    lab: Lab, scene: Scene, shells: Shells, shell_name: str
) -> None:
    root = lab.base / "team-pyenv"
    project = lab.victim.home / "projects" / "pinned"
    if not root.exists():
        bin_dir = root / "versions" / "3.11.2" / "bin"
        lab.evil_bin(bin_dir, "pyenv")
        (bin_dir / "python").unlink()
        (bin_dir / "python").symlink_to(lab.python)
        for path in (root, *root.rglob("*")):
            os.lchown(path, 0, lab.team.gid)
            if path.is_dir() and not path.is_symlink():
                os.chmod(path, 0o2775)
        lab.as_victim(["mkdir", "-p", str(project)])
        lab.as_victim(["sh", "-c", f"echo 3.11.2 > {project}/.python-version"])
    lab.clear_markers()
    sh = shells.get(shell_name, "team-pyenv", PYENV_ROOT=str(root))
    out = sh.cd(project)
    assert out.startswith(f"autovenv: not selecting {root}/versions/3.11.2/bin: ") and "group" in out, out
    sh.run(PROBE)
    assert lab.markers_left() == [] and lab.hostile_on_path(sh.env().get("PATH", b"")) == []
    sh.cd(lab.victim.home)


def test_an_inherited_state_built_to_run_code_runs_nothing(
    lab: Lab, scene: Scene, shells: Shells, shell_name: str
) -> None:
    """``AUTOVENV_SAVED='x[$(cmd)]'`` ran ``cmd`` in bash; ``PATH`` in it restored an ``AUTOVENV_OLD_PATH``
    the parent chose; an ``AUTOVENV_PROMPT`` held an escape sequence."""
    evil = lab.evil_bin(lab.attacker.home / "inherited-bin", "inherited")
    lab.attacker.own(evil)
    base_path = lab.env()["PATH"]
    lab.clear_markers()
    sh = shells.get(
        shell_name,
        "inherited",
        AUTOVENV_KEY="forged",
        AUTOVENV_ROOT="/",
        AUTOVENV_VENV="/nonexistent",
        AUTOVENV_SAVED=f"x[$(: > {lab.markers}/inherited-subscript)] PATH VIRTUAL_ENV",
        AUTOVENV_OLD_PATH=f"{evil}:{base_path}",
        AUTOVENV_SET_PATH=base_path,
        **{f"AUTOVENV_OLD_x[$(: > {lab.markers}/inherited-name)]": "x"},
        AUTOVENV_PROMPT="(\x1b]0;PWNED\x07) ",
    )
    project = victim_project(lab, scene)
    raw = sh.last_raw
    sh.run(noop(shell_name))
    raw += sh.last_raw
    visit_and_probe(lab, sh, project)
    sh.run(noop(shell_name))
    raw += sh.last_raw
    assert b"\x1b]0;PWNED" not in raw
    assert lab.markers_left() == []
    assert os.fsencode(str(evil)) not in sh.env().get("PATH", b"")


def test_suite_accounts_are_real_and_unprivileged(lab: Lab) -> None:
    for account in (lab.victim, lab.attacker):
        assert (account.uid != 0 and account.uid != lab.victim.uid) or account is lab.victim
        out = subprocess.run(account.command(["id", "-u"]), capture_output=True, text=True, check=True)
        assert int(out.stdout) == account.uid
