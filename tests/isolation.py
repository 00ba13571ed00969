"""The user's real autovenv files, and a snapshot of them that tells whether a test run changed any.

Used by ``tests/conftest.py`` before it points HOME and the XDG/AUTOVENV directories at a sandbox, and
by a unit test that holds the snapshot able to see a change.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping


def real_locations(environ: Mapping[str, str], home: str) -> tuple[str, ...]:
    """Every place autovenv or its installer may write for this user, with the environment as given."""

    def xdg(name: str, default: str) -> str:
        value = environ.get(name, "").strip()
        return value or os.path.join(home, default)

    uid = os.getuid()
    runtime = environ.get("XDG_RUNTIME_DIR", "").strip() or os.path.join("/run/user", str(uid))
    places = [
        os.path.join(xdg("XDG_CACHE_HOME", ".cache"), "autovenv"),
        os.path.join(xdg("XDG_CONFIG_HOME", ".config"), "autovenv"),
        os.path.join(xdg("XDG_DATA_HOME", os.path.join(".local", "share")), "autovenv"),
        os.path.join(runtime, "autovenv"),
        os.path.join("/tmp", f"runtime-{uid}", "autovenv"),
        os.path.join("/tmp", f"autovenv-{uid}"),
        os.path.join(home, ".local", "bin", "autovenv"),
        os.path.join(home, ".bashrc"),
        os.path.join(home, ".bash_profile"),
        os.path.join(home, ".profile"),
        os.path.join(home, ".zshrc"),
        os.path.join(xdg("XDG_CONFIG_HOME", ".config"), "fish", "config.fish"),
        os.path.join(xdg("XDG_CONFIG_HOME", ".config"), "powershell"),
        os.path.join(xdg("XDG_CONFIG_HOME", ".config"), "systemd", "user", "autovenv.service"),
    ]
    for name in ("AUTOVENV_CACHE_DIR", "AUTOVENV_CONFIG_DIR", "AUTOVENV_DATA_DIR", "AUTOVENV_RUNTIME_DIR"):
        if environ.get(name):
            places.append(environ[name])
    return tuple(dict.fromkeys(places))


class Snapshot:
    """(path, kind, size, mtime, mode) of everything under some roots; ``absent`` for a missing root."""

    def __init__(self, entries: dict[str, tuple[object, ...]]) -> None:
        self.entries = entries

    @classmethod
    def take(cls, roots: tuple[str, ...]) -> Snapshot:
        entries: dict[str, tuple[object, ...]] = {}
        for root in roots:
            try:
                info = os.lstat(root)
            except OSError:
                entries[root] = ("absent",)
                continue
            entries[root] = cls._describe(info)
            if stat.S_ISDIR(info.st_mode):
                for current, dirs, files in os.walk(root):
                    for name in (*dirs, *files):
                        path = os.path.join(current, name)
                        try:
                            entries[path] = cls._describe(os.lstat(path))
                        except OSError:
                            entries[path] = ("vanished",)
        return cls(entries)

    @staticmethod
    def _describe(info: os.stat_result) -> tuple[object, ...]:
        kind = stat.S_IFMT(info.st_mode)
        size = info.st_size if not stat.S_ISDIR(info.st_mode) else 0
        return (kind, size, info.st_mtime_ns, stat.S_IMODE(info.st_mode), info.st_uid)

    def changes(self, later: Snapshot) -> list[str]:
        """One line per path that appeared, disappeared or changed between this snapshot and ``later``."""
        lines = []
        for path in sorted(set(self.entries) | set(later.entries)):
            before, after = self.entries.get(path), later.entries.get(path)
            if before == after:
                continue
            if before is None or before == ("absent",):
                lines.append(f"created {path}")
            elif after is None or after == ("absent",):
                lines.append(f"removed {path}")
            else:
                lines.append(f"changed {path}")
        return lines
