"""The attacks an attacker prepares and the victim's own projects, built once per session.

Each attack is a directory the victim ends up ``cd``-ing into, reached the way it would be: the
attacker's repository cloned by the victim (from a bundle: a local clone of another account's
repository is refused by git itself), an archive the victim unpacks, a tree root copied with its times
from removable media, a project the attacker owns on a shared machine. The venvs an attacker ships
record the victim's own path where that helps them (they guessed it), and carry a bin/ whose commands
leave a marker when run.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import tarfile
import time

from tests.security.conftest import Lab

DAY = 86400
#: Every attack a Scene prepares (the zip one only where zip and unzip are installed).
ATTACKS = (
    "clone: the repository root is the venv",
    "clone: .venv is a submodule",
    "clone: a committed venv deep in the repository",
    "tar: a venv recording nothing",
    "tar: a venv recording a relative path",
    "tar: a venv forging the victim's path",
    "zip: a venv forging the victim's path",
    "git archive: a venv forging the victim's path",
    "removable media: a root-owned tree forging its path",
    "tar: a directory named with terminal controls",
    "shared machine: a link the attacker owns, to the victim's venv",
    "shared machine: a link in a sticky directory, owned by the attacker",
    "shared machine: a .venv file naming another account's venv",
    "shared machine: the victim's bin/ writable by a group with others in it",
)
CONTROLS = (
    "python -m venv",
    "virtualenv",
    "uv venv",
    "in a git repository with .venv ignored",
    "under a path with a space",
    "made with umask 002 (a private group)",
)


def root_git(repo: pathlib.Path, *args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=a",
            "-c",
            "user.email=a@example.invalid",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "protocol.file.allow=always",
            *args,
        ],
        check=True,
        capture_output=True,
        env={**os.environ, **(env or {})},
    )


def backdate_tree(root: pathlib.Path, seconds: int = 30 * DAY) -> None:
    when = time.time() - seconds
    for path in [root, *root.rglob("*")]:
        os.utime(path, (when, when), follow_symlinks=False)


class Scene:
    """Paths of every prepared attack and control (see the module docstring)."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        v, a = lab.victim, lab.attacker
        self.clones = v.home / "clones"
        self.downloads = v.home / "downloads"
        self.projects = v.home / "projects"
        for where in (self.clones, self.downloads, self.projects):
            lab.as_victim(["mkdir", "-p", str(where)])
        self.attacks: dict[str, pathlib.Path] = {}
        self.controls: dict[str, pathlib.Path] = {}
        self._clone_attacks(lab, a)
        self._archive_attacks(lab, a)
        self._shared_machine_attacks(lab, a)
        self._controls(lab)

    # -- a git clone ---------------------------------------------------------------------------------

    def _bundle(self, lab: Lab, repo: pathlib.Path) -> pathlib.Path:
        root_git(repo, "add", "-A", "-f")
        root_git(repo, "commit", "-qm", "project")
        bundle = repo.with_suffix(".bundle")
        root_git(repo, "bundle", "create", str(bundle), "--all")
        lab.attacker.own(repo, bundle)
        return bundle

    def _clone(self, lab: Lab, bundle: pathlib.Path, name: str, recursive: bool = False) -> pathlib.Path:
        target = self.clones / name
        flags = ["--recursive"] if recursive else []
        lab.as_victim(
            ["git", "-c", "protocol.file.allow=always", "clone", "-q", *flags, str(bundle), str(target)]
        )
        return target

    def _clone_attacks(self, lab: Lab, a: object) -> None:
        home = lab.attacker.home
        # The repository *is* the venv: .autovenv.toml says venv = ".", quietly, without a prompt.
        repo = home / "evil-root"
        lab.fake_venv(repo, "clone-root", made_at=str(self.clones / "evil-root"), activate=True)
        (repo / ".autovenv.toml").write_text('venv = "."\nquiet = true\nprompt = false\n')
        root_git(repo.parent, "init", "-q", str(repo))
        clone = self._clone(lab, self._bundle(lab, repo), "evil-root")
        lab.hostile.append(clone / "bin")
        self.attacks["clone: the repository root is the venv"] = clone

        # .venv is a submodule (git clone --recursive).
        sub = home / "evil-sub"
        lab.fake_venv(sub, "clone-submodule", made_at=str(self.clones / "with-sub" / ".venv"), activate=True)
        root_git(sub.parent, "init", "-q", str(sub))
        sub_bundle = self._bundle(lab, sub)
        project = home / "with-sub"
        project.mkdir()
        root_git(project.parent, "init", "-q", str(project))
        (project / "README").write_text("a project\n")
        root_git(project, "submodule", "add", "-q", str(sub_bundle), ".venv")
        clone = self._clone(lab, self._bundle(lab, project), "with-sub", recursive=True)
        lab.hostile.append(clone / ".venv" / "bin")
        self.attacks["clone: .venv is a submodule"] = clone

        # A committed venv deep in a repository, recording the victim's path.
        mono = home / "monorepo"
        api = mono / "services" / "api"
        lab.fake_venv(
            api / ".venv",
            "clone-deep",
            made_at=str(self.clones / "monorepo/services/api/.venv"),
            activate=True,
        )
        root_git(mono.parent, "init", "-q", str(mono))
        clone = self._clone(lab, self._bundle(lab, mono), "monorepo")
        lab.hostile.append(clone / "services" / "api" / ".venv" / "bin")
        self.attacks["clone: a committed venv deep in the repository"] = clone / "services" / "api"

    # -- an archive ----------------------------------------------------------------------------------

    def _unpack(self, lab: Lab, archive: pathlib.Path, name: str, kind: str = "tar") -> pathlib.Path:
        target = self.downloads / name
        lab.as_victim(["mkdir", "-p", str(target)])
        if kind == "zip":
            lab.as_victim(["unzip", "-q", str(archive), "-d", str(target)])
        else:
            lab.as_victim(["tar", "-xf", str(archive), "-C", str(target)])
        return target

    def _archive_attacks(self, lab: Lab, a: object) -> None:
        home = lab.attacker.home
        cases = {
            "tar: a venv recording nothing": dict(made_at=None),
            "tar: a venv recording a relative path": dict(made_at=None, relative=True),
            "tar: a venv forging the victim's path": dict(made_at="FORGED", activate=True),
        }
        for index, (title, options) in enumerate(cases.items()):
            name = f"t{index}"
            tree = home / "archives" / name
            made_at = str(self.downloads / name / "proj" / ".venv") if options.get("made_at") else None
            lab.fake_venv(
                tree / "proj" / ".venv",
                name,
                made_at=made_at,
                activate=bool(options.get("activate")),
                relative=bool(options.get("relative")),
            )
            backdate_tree(tree)
            archive = home / "archives" / f"{name}.tar"
            with tarfile.open(archive, "w") as tar:
                tar.add(tree / "proj", arcname="proj")
            lab.attacker.own(home / "archives")
            unpacked = self._unpack(lab, archive, name)
            lab.hostile.append(unpacked / "proj" / ".venv" / "bin")
            self.attacks[title] = unpacked / "proj"

        if shutil.which("zip") and shutil.which("unzip"):
            tree = home / "archives" / "z"
            lab.fake_venv(
                tree / "proj" / ".venv",
                "zip",
                made_at=str(self.downloads / "z" / "proj" / ".venv"),
                activate=True,
            )
            backdate_tree(tree)
            archive = home / "archives" / "z.zip"
            subprocess.run(["zip", "-qry", str(archive), "proj"], cwd=tree, check=True)
            lab.attacker.own(home / "archives")
            unpacked = self._unpack(lab, archive, "z", kind="zip")
            lab.hostile.append(unpacked / "proj" / ".venv" / "bin")
            self.attacks["zip: a venv forging the victim's path"] = unpacked / "proj"

        # git archive of a repository committed a month ago: tar restores the commit's time.
        repo = home / "released"
        lab.fake_venv(
            repo / ".venv",
            "git-archive",
            made_at=str(self.downloads / "g" / "released" / ".venv"),
            activate=True,
        )
        root_git(repo.parent, "init", "-q", str(repo))
        root_git(repo, "add", "-A", "-f")
        month_ago = f"{int(time.time()) - 30 * DAY} +0000"
        root_git(
            repo,
            "commit",
            "-qm",
            "release",
            env={"GIT_COMMITTER_DATE": month_ago, "GIT_AUTHOR_DATE": month_ago},
        )
        archive = home / "released.tar"
        root_git(repo, "archive", "--format=tar", "--prefix=released/", "-o", str(archive), "HEAD")
        lab.attacker.own(repo, archive)
        unpacked = self._unpack(lab, archive, "g")
        lab.hostile.append(unpacked / "released" / ".venv" / "bin")
        self.attacks["git archive: a venv forging the victim's path"] = unpacked / "released"

        # A root-owned tree, copied with its times from removable media by an administrator.
        media = lab.base / "media" / "usb"
        media.mkdir(parents=True)
        tree = home / "usb-stick"
        lab.fake_venv(tree / "proj" / ".venv", "usb", made_at=str(media / "proj" / ".venv"), activate=True)
        backdate_tree(tree)
        subprocess.run(["cp", "-r", "--preserve=timestamps,mode", str(tree / "proj"), str(media)], check=True)
        lab.hostile.append(media / "proj" / ".venv" / "bin")
        self.attacks["removable media: a root-owned tree forging its path"] = media / "proj"

        # A name full of terminal controls, unpacked: the block line must not carry them to the terminal.
        tree = home / "archives" / "esc"
        evil_name = "esc\x1b]0;PWNED\x07\x1b[2J\u202e"
        lab.fake_venv(tree / evil_name / ".venv", "esc")
        archive = home / "archives" / "esc.tar"
        with tarfile.open(archive, "w") as tar:
            tar.add(tree / evil_name, arcname=evil_name)
        lab.attacker.own(home / "archives")
        unpacked = self._unpack(lab, archive, "esc")
        lab.hostile.append(unpacked / evil_name / ".venv" / "bin")
        self.attacks["tar: a directory named with terminal controls"] = unpacked / evil_name

    # -- another account on the same machine ---------------------------------------------------------

    def _shared_machine_attacks(self, lab: Lab, a: object) -> None:
        home = lab.attacker.home
        victim_venv = self.projects / "mine" / "venv"
        lab.as_victim([lab.python, "-m", "venv", "--without-pip", str(victim_venv)])
        # The attacker's venv-lookalike, for swapping links to.
        evil = lab.fake_venv(home / "evil-envs" / "venv", "swap")
        # Their project on a shared machine names the victim's own venv through a link they own.
        shared = home / "shared-proj"
        shared.mkdir()
        (shared / "link").symlink_to(victim_venv.parent)
        (shared / ".autovenv.toml").write_text('venv = "link/venv"\n')
        lab.attacker.own(home / "evil-envs", shared)
        self.attacks["shared machine: a link the attacker owns, to the victim's venv"] = shared
        self.swap_link = shared / "link"
        self.swap_to = evil.parent
        # The victim's own project names a venv through a link the attacker owns in a sticky directory.
        sticky = lab.base / "sticky"
        sticky.mkdir(mode=0o1777)
        os.chmod(sticky, 0o1777)
        (sticky / "envs").symlink_to(victim_venv.parent)
        os.lchown(sticky / "envs", lab.attacker.uid, lab.attacker.gid)
        project = self.projects / "via-sticky"
        lab.as_victim(["mkdir", "-p", str(project)])
        (project / ".autovenv.toml").write_text(f'venv = "{sticky}/envs/venv"\n')
        lab.victim.own(project / ".autovenv.toml")
        self.attacks["shared machine: a link in a sticky directory, owned by the attacker"] = project
        self.sticky_link = sticky / "envs"
        # A .venv file naming the attacker's venv.
        project = self.projects / "venv-file"
        lab.as_victim(["mkdir", "-p", str(project)])
        (project / ".venv").write_text(f"{evil}\n")
        lab.victim.own(project / ".venv")
        self.attacks["shared machine: a .venv file naming another account's venv"] = project
        # The victim's own venv, under a directory their team (the attacker among them) can write.
        team = lab.base / "team"
        team.mkdir()
        os.chown(team, 0, lab.team.gid)
        os.chmod(team, 0o2775)
        self.team_dir = team
        # The victim's own venv whose bin/ their team can write.
        project = self.projects / "team-bin"
        lab.as_victim([lab.python, "-m", "venv", "--without-pip", str(project / ".venv")])
        os.chown(project / ".venv" / "bin", lab.victim.uid, lab.team.gid)
        os.chmod(project / ".venv" / "bin", 0o775)
        self.attacks["shared machine: the victim's bin/ writable by a group with others in it"] = project

    # -- the victim's own projects -------------------------------------------------------------------

    def _controls(self, lab: Lab) -> None:
        def venv(project: pathlib.Path, *argv: str, umask: int | None = None) -> pathlib.Path:
            lab.as_victim(["mkdir", "-p", str(project)], umask=umask)
            lab.as_victim([*argv, str(project / ".venv")], cwd=project, umask=umask)
            return project

        self.controls["python -m venv"] = venv(
            self.projects / "by-venv", lab.python, "-m", "venv", "--without-pip"
        )
        self.controls["virtualenv"] = venv(
            self.projects / "by-virtualenv",
            lab.python,
            "-c",
            f"import sys;sys.path.insert(0,{str(lab.lib)!r});from virtualenv.__main__ import run_with_catch;"
            "run_with_catch(sys.argv[1:])",
            "-q",
            "--no-pip",
            "--no-setuptools",
            "--no-wheel",
        )
        if (lab.bin / "uv").exists():
            self.controls["uv venv"] = venv(
                self.projects / "by-uv", str(lab.bin / "uv"), "venv", "-q", "--python", lab.python
            )
        repo = venv(self.projects / "git-ignored", lab.python, "-m", "venv", "--without-pip")
        (repo / ".gitignore").write_text(".venv/\n")
        (repo / "app.py").write_text("print('hi')\n")
        lab.victim.own(repo / ".gitignore", repo / "app.py")
        lab.as_victim(["git", "init", "-q"], cwd=repo)
        lab.as_victim(["git", "add", "-A"], cwd=repo)
        lab.as_victim(["git", "commit", "-qm", "app"], cwd=repo)
        self.controls["in a git repository with .venv ignored"] = repo
        self.controls["under a path with a space"] = venv(
            self.projects / "with space" / "proj", lab.python, "-m", "venv", "--without-pip"
        )
        self.controls["made with umask 002 (a private group)"] = venv(
            self.projects / "umask-002", lab.python, "-m", "venv", "--without-pip", umask=0o002
        )
