"""Real accounts for the security suite: a victim and an attacker (and a group they share), made for the
session with random names, homes under a temporary directory, and removed at the end.

Run as root a test proves nothing about permissions, so the victim's shells, and everything the victim
does (clone, unpack, make a venv, ``autovenv allow``), run as the victim through ``setpriv``; what the
attacker prepares is made theirs. ``VictimShell`` is the pty harness's interactive shell started that way.
"""

from __future__ import annotations

import os
import pathlib
import secrets
import shutil
import subprocess
from collections.abc import Mapping, Sequence

from tests.shells.pty_shell import InteractiveShell


class Account:
    """A throw-away account: its name, ids and home (made here, 0755 so the other can look in)."""

    def __init__(self, name: str, home: pathlib.Path) -> None:
        self.name = name
        self.home = home
        subprocess.run(
            [
                "useradd",
                "--no-create-home",
                "--home-dir",
                str(home),
                "--shell",
                "/bin/sh",
                "--user-group",
                name,
            ],
            check=True,
            capture_output=True,
        )
        import pwd

        entry = pwd.getpwnam(name)
        self.uid, self.gid = entry.pw_uid, entry.pw_gid
        home.mkdir(mode=0o755)
        os.chown(home, self.uid, self.gid)

    def own(self, *paths: pathlib.Path) -> None:
        """Make ``paths`` (and everything under them) this account's, as if it had made them."""
        for path in paths:
            os.lchown(path, self.uid, self.gid)
            if path.is_dir() and not path.is_symlink():
                for current, dirs, files in os.walk(path):
                    for name in (*dirs, *files):
                        os.lchown(os.path.join(current, name), self.uid, self.gid)

    def command(self, argv: Sequence[str]) -> list[str]:
        return ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--init-groups", *argv]

    def run(
        self,
        argv: Sequence[str],
        cwd: pathlib.Path | None = None,
        env: Mapping[str, str] | None = None,
        umask: int | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        """Run ``argv`` as this account (its HOME, a plain PATH); raises with the output on failure."""
        full = {
            "HOME": str(self.home),
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "TMPDIR": os.environ.get("TMPDIR", "/tmp"),
            **(env or {}),
        }
        argv = list(argv) if umask is None else ["sh", "-c", f'umask {umask:03o}; exec "$@"', "sh", *argv]
        result = subprocess.run(
            self.command(argv), cwd=cwd or self.home, env=full, capture_output=True, timeout=120
        )
        if result.returncode != 0:
            raise AssertionError(f"{self.name}: {argv} failed:\n{result.stdout!r}\n{result.stderr!r}")
        return result

    def remove(self) -> None:
        subprocess.run(["userdel", self.name], check=False, capture_output=True)


def new_name(role: str) -> str:
    """A random account name (no clash with real accounts, or with a parallel run)."""
    return f"av{role[0]}{secrets.token_hex(4)}"


class Group:
    def __init__(self, name: str, members: Sequence[Account]) -> None:
        self.name = name
        subprocess.run(["groupadd", name], check=True, capture_output=True)
        for member in members:
            subprocess.run(["usermod", "-a", "-G", name, member.name], check=True, capture_output=True)
        import grp

        self.gid = grp.getgrnam(name).gr_gid

    def remove(self) -> None:
        subprocess.run(["groupdel", self.name], check=False, capture_output=True)


def can_make_accounts() -> str | None:
    """Why this machine cannot run the suite (None: it can)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "making accounts needs root (CI runs as root)"
    for tool in ("useradd", "userdel", "groupadd", "groupdel", "usermod", "setpriv", "git", "tar"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    return None


class VictimShell(InteractiveShell):
    """The harness's real interactive shell, started as ``account`` through ``setpriv``.

    The harness writes the rc file and its private status directory as root; both are handed to the
    account before the shell starts, so it reads and writes them as its own.
    """

    def __init__(self, *args: object, account: Account, **kwargs: object) -> None:
        self.account = account
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def _command(self, binary: str) -> list[str]:
        return self.account.command(super()._command(binary))

    def _spawn(self, binary: str, env: dict[str, str], cwd: pathlib.Path) -> None:
        for path in (
            self.home / ".bashrc",
            self.home / ".zshrc",
            self.home / ".config",
            self.home / ".local",
            self._private,
        ):
            if path.exists():
                self.account.own(path)
        super()._spawn(binary, env, cwd)
