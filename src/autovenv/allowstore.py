"""The user's ``allow`` and ``deny`` decisions, stored under their data directory.

One small file per decision, at a path mirroring the venv's resolved path (``dirs.mirror_path``), so a
lookup is one open. An allow records what it was given for: the venv's identity (device and inode of the
venv and of its ``pyvenv.cfg``, and the latter's modification time) and every entry of its ``bin/``
(name, inode, modification time, size, mode). A venv replaced since, or a ``bin/`` that gained or changed
an entry (a ``git pull`` adding ``bin/ls``), no longer matches: the user is asked again, and told why.
A deny holds for the path, whatever is there later.

The store is the user's alone: under a private data directory (``safepath.ensure_private_dir``), each
record opened without following symbolic links and used only when the user owns it and no one else may
write it. In a store that fails that, an allow means nothing (anyone could have written it); a deny is
still honoured, since refusing is the safe side.
"""

from __future__ import annotations

import os
import stat

from autovenv.dirs import data_dir, mirror_path
from autovenv.safepath import UnsafePath, current_uid, ensure_private_dir, write_new

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

ALLOW = "allow"
DENY = "deny"
HEADER = "autovenv allow 2"
MAX_RECORD_BYTES = 1024 * 1024
_READ_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
)


def store_dir(environ: Mapping[str, str] = os.environ) -> str:
    return os.path.join(data_dir(environ), "trust")


def fingerprint(venv: str, bin_dir: str) -> str:
    """What an allow of ``venv`` (resolved path) covers: its identity, then one line per ``bin/`` entry."""
    top = os.stat(venv)
    cfg = os.stat(os.path.join(venv, "pyvenv.cfg"))
    lines = [HEADER, f"identity {top.st_dev}:{top.st_ino}:{cfg.st_ino}:{cfg.st_mtime_ns}"]
    entries = []
    with os.scandir(bin_dir) as listing:
        for entry in listing:
            info = entry.stat(follow_symlinks=False)
            name = os.fsencode(entry.name).hex()
            entries.append(f"bin {name} {info.st_ino} {info.st_mtime_ns} {info.st_size} {info.st_mode:o}")
    lines.extend(sorted(entries))
    return "\n".join(lines) + "\n"


def bin_changes(allowed: str, now: str) -> list[str]:
    """Names of ``bin/`` entries added, replaced or changed since ``allowed`` (both ``fingerprint`` texts)."""

    def entries(text: str) -> dict[str, str]:
        found = {}
        for line in text.splitlines():
            if line.startswith("bin "):
                _, name, rest = line.split(" ", 2)
                found[name] = rest
        return found

    before, after = entries(allowed), entries(now)
    names = [name for name, value in after.items() if before.get(name) != value]
    return sorted(os.fsdecode(bytes.fromhex(name)) for name in names)


def same_identity(allowed: str, now: str) -> bool:
    def identity(text: str) -> str | None:
        lines = text.splitlines()
        return lines[1] if len(lines) > 1 and lines[0] == HEADER else None

    found = identity(allowed)
    return found is not None and found == identity(now)


def _record_path(venv: str, kind: str, environ: Mapping[str, str]) -> str:
    return os.path.join(mirror_path(store_dir(environ), os.path.realpath(venv)), kind)


class Stored:
    """A lookup: ``kind`` (allow, deny or None), the allow's text, and why the store was not trusted."""

    __slots__ = ("kind", "text", "unsafe")

    def __init__(self, kind: str | None = None, text: str = "", unsafe: str | None = None) -> None:
        self.kind = kind
        self.text = text
        self.unsafe = unsafe


def _read_private(path: str) -> str | None:
    """The text of a record the user owns and only they may write; None otherwise (or missing)."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != current_uid() or info.st_mode & 0o022:
            return None
        data = os.read(fd, MAX_RECORD_BYTES)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data.decode("utf-8", "surrogateescape")


def lookup(venv: str, environ: Mapping[str, str]) -> Stored:
    """The stored decision for the venv at ``venv`` (resolved path)."""
    base = data_dir(environ)
    if not os.path.isdir(base):
        return Stored()
    deny = _record_path(venv, DENY, environ)
    if os.path.lexists(deny):
        return Stored(DENY)  # honoured from any store: refusing is the safe side
    try:
        ensure_private_dir(base, create=False)
    except UnsafePath as exc:
        return Stored(unsafe=str(exc))
    text = _read_private(_record_path(venv, ALLOW, environ))
    return Stored(ALLOW, text) if text is not None else Stored()


def stored(venv: str, environ: Mapping[str, str]) -> str | None:
    """``allow`` (still matching the venv on disk), ``deny``, or None."""
    real = os.path.realpath(venv)
    found = lookup(real, environ)
    if found.kind == ALLOW and not _matches(real, found.text):
        return None
    return found.kind


def _matches(venv: str, text: str) -> bool:
    from autovenv.resolve.venv import bin_dir_name

    try:
        return text == fingerprint(venv, os.path.join(venv, bin_dir_name()))
    except OSError:
        return False


def record(venv: str, kind: str, environ: Mapping[str, str] = os.environ) -> str:
    """Store an allow (with the venv's fingerprint as it is now) or a deny; raises ``UnsafePath`` (one
    line) when the data directory is not the user's alone, OSError when the venv cannot be read."""
    from autovenv.resolve.venv import bin_dir_name

    real = os.path.realpath(venv)
    ensure_private_dir(data_dir(environ))
    content = fingerprint(real, os.path.join(real, bin_dir_name())) if kind == ALLOW else "denied\n"
    path = _record_path(real, kind, environ)
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    temp = f"{path}.{os.getpid()}.tmp"
    try:  # noqa: SIM105 - contextlib costs the hot path an import (allowstore is imported there)
        os.unlink(temp)
    except FileNotFoundError:
        pass
    write_new(temp, content.encode("utf-8", "surrogateescape"))
    os.replace(temp, path)
    other = _record_path(real, DENY if kind == ALLOW else ALLOW, environ)
    if os.path.lexists(other):
        os.unlink(other)
    return path


def forget(venv: str, environ: Mapping[str, str] = os.environ) -> bool:
    removed = False
    for kind in (ALLOW, DENY):
        path = _record_path(venv, kind, environ)
        if os.path.lexists(path):
            os.unlink(path)
            removed = True
    return removed


def records(environ: Mapping[str, str] = os.environ) -> list[tuple[str, str, bool]]:
    """Every stored decision as (venv resolved path, allow|deny, still matches the venv on disk)."""
    base = store_dir(environ)
    found: list[tuple[str, str, bool]] = []
    for current, _dirs, files in os.walk(base):
        for kind in (ALLOW, DENY):
            if kind not in files:
                continue
            relative = current[len(base) :]
            venv = relative.replace("/d", "/")[:-1] or "/"
            if kind == DENY:
                found.append((venv, kind, True))
                continue
            text = _read_private(os.path.join(current, kind))
            found.append((venv, kind, text is not None and _matches(venv, text)))
    return sorted(found)
