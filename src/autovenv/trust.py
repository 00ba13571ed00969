"""Trust: never put a directory first on PATH unless it is plainly the user's own (DESIGN §5).

A venv's ``bin/`` first on PATH receives every command the user types, so a checkout that ships a
``.venv/bin/git`` must not get it silently. Blocked unless allowed: owned by another user (root is fine:
it can hijack anything anyway), writable by group or others, tracked by git, created at another path,
or — with ``trust = "ask"`` — simply not allowed yet. Allows are keyed by the venv's real path plus its
identity (device, inode, pyvenv.cfg inode and mtime), so a swapped venv needs a new allow.
"""

from __future__ import annotations

import os
import stat

from autovenv.dirs import data_dir, mirror_path
from autovenv.files import read_regular

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from autovenv.resolve.venv import VenvInfo

ALLOW = "allow"
DENY = "deny"
#: Bounded read of .git/index: a larger index is checked by git itself.
MAX_INDEX_BYTES = 64 * 1024 * 1024


class Verdict:
    """Whether activation may proceed; ``reason`` is a short phrase for the one-line block message."""

    __slots__ = ("allowed", "reason")

    def __init__(self, allowed: bool, reason: str | None = None) -> None:
        self.allowed = allowed
        self.reason = reason

    def __repr__(self) -> str:
        return f"Verdict({self.allowed!r}, {self.reason!r})"


def store_dir(environ: Mapping[str, str] = os.environ) -> str:
    return os.path.join(data_dir(environ), "trust")


def identity(venv_path: str) -> str:
    """What makes this venv *this* venv: recreated or swapped in, it gets a new identity."""
    try:
        top = os.stat(venv_path)
        cfg = os.stat(os.path.join(venv_path, "pyvenv.cfg"))
    except OSError:
        return "missing"
    return f"{top.st_dev}:{top.st_ino}:{cfg.st_ino}:{cfg.st_mtime_ns}"


def _record_path(venv_path: str, kind: str, environ: Mapping[str, str]) -> str:
    return os.path.join(mirror_path(store_dir(environ), os.path.realpath(venv_path)), kind)


def _read_record(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            return handle.read(4096).strip()
    except OSError:
        return None


def record(venv_path: str, kind: str, environ: Mapping[str, str] = os.environ) -> str:
    """Store an allow (with the venv's identity) or a deny (for the path, whatever is there later)."""
    path = _record_path(venv_path, kind, environ)
    other = _record_path(venv_path, DENY if kind == ALLOW else ALLOW, environ)
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    os.chmod(store_dir(environ), 0o700)
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as handle:
        handle.write(identity(venv_path) if kind == ALLOW else "denied")
        handle.write("\n")
    if os.path.exists(other):
        os.unlink(other)
    return path


def forget(venv_path: str, environ: Mapping[str, str] = os.environ) -> bool:
    removed = False
    for kind in (ALLOW, DENY):
        path = _record_path(venv_path, kind, environ)
        if os.path.exists(path):
            os.unlink(path)
            removed = True
    return removed


def records(environ: Mapping[str, str] = os.environ) -> list[tuple[str, str, bool]]:
    """Every stored decision as (venv real path, allow|deny, still matches the venv on disk)."""
    base = store_dir(environ)
    found: list[tuple[str, str, bool]] = []
    for current, _dirs, files in os.walk(base):
        for kind in (ALLOW, DENY):
            if kind not in files:
                continue
            relative = current[len(base) :]
            venv = relative.replace("/d", "/")[:-1] or "/"
            value = _read_record(os.path.join(current, kind))
            matches = kind == DENY or value == identity(venv)
            found.append((venv, kind, matches))
    return sorted(found)


def stored(venv_path: str, environ: Mapping[str, str]) -> str | None:
    """``allow`` (identity still matches), ``deny``, or ``None``."""
    if os.path.exists(_record_path(venv_path, DENY, environ)):
        return DENY
    value = _read_record(_record_path(venv_path, ALLOW, environ))
    if value is not None and value == identity(venv_path):
        return ALLOW
    return None


def _owner_problem(path: str, what: str) -> str | None:
    """Owned by someone else, or writable by others: either could swap what runs from here.

    A symlinked venv is judged by what it points to (a link's own mode bits are always 0777); the
    link itself must still be ours, since whoever owns it decides where it points.
    """
    try:
        link = os.lstat(path)
        info = os.stat(path)
    except OSError:
        return None
    uid = os.getuid() if hasattr(os, "getuid") else None
    for owner in (link.st_uid, info.st_uid):
        if uid is not None and owner not in (uid, 0):
            return f"its {what} is owned by another user (uid {owner})"
    if os.name == "nt":
        return None  # mode bits mean nothing there (every file reads 0o666); ACLs decide
    # Sticky or not: whoever may create files here may add a `bin/git` of their own.
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"its {what} is writable by {'others' if info.st_mode & stat.S_IWOTH else 'its group'}"
    return None


def ownership_problem(directory: str, bin_dir: str) -> str | None:
    """Another user's, or a group-/world-writable, directory could swap what runs as ``python`` or ``ls``."""
    return _owner_problem(directory, "directory") or _owner_problem(bin_dir, "bin") or None


def _git_dir(start: str) -> tuple[str, str] | None:
    """(work tree, git dir) of the repository containing ``start``, found by walking up; no git process."""
    current = start
    while True:
        dot_git = os.path.join(current, ".git")
        if os.path.isdir(dot_git):
            return current, dot_git
        if os.path.isfile(dot_git):
            try:
                line = read_regular(dot_git, 4096).decode("utf-8", "replace").partition("\n")[0].strip()
            except OSError:
                return None
            if line.startswith("gitdir:"):
                target = line[len("gitdir:") :].strip()
                return current, os.path.normpath(os.path.join(current, target))
            return None
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def git_tracked(venv_path: str) -> bool:
    """True when git tracks files inside the venv (a committed venv: anyone who can push can change it).

    The index is read here, never through a ``git`` process: git would honour the repository's own
    config, and a hostile checkout's ``core.fsmonitor`` names a command git runs. An index too large or
    unreadable to parse counts as tracking it (the safe answer).
    """
    real = os.path.realpath(venv_path)
    found = _git_dir(os.path.dirname(real))
    if found is None:
        return False
    work_tree, git_dir = found
    relative = os.path.relpath(real, os.path.realpath(work_tree)).replace(os.sep, "/")
    prefix = (relative + "/").encode("utf-8", "surrogateescape")
    try:
        data = read_regular(os.path.join(git_dir, "index"), MAX_INDEX_BYTES)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # an index that cannot be read may list anything
    if len(data) > MAX_INDEX_BYTES:
        return True
    try:
        return any(path.startswith(prefix) for path in index_paths(data))
    except ValueError:
        return True


def index_paths(data: bytes) -> list[bytes]:
    """The paths in a git index file (versions 2, 3 and 4), in index order.

    Each entry is 62 bytes of stat data, object id and flags (plus 2 bytes of extended flags in v3 when
    flagged), then the path: NUL-terminated and padded to a multiple of 8 in v2/v3; in v4 a varint of how
    many bytes to drop from the previous path, then the NUL-terminated rest. Raises ValueError when the
    data is not such an index.
    """
    if len(data) < 12 or data[:4] != b"DIRC":
        raise ValueError("not a git index")
    version = int.from_bytes(data[4:8], "big")
    count = int.from_bytes(data[8:12], "big")
    if version not in (2, 3, 4):
        raise ValueError(f"git index version {version}")
    paths: list[bytes] = []
    offset, previous = 12, b""
    for _ in range(count):
        start = offset
        if offset + 62 > len(data):
            raise ValueError("truncated git index")
        flags = int.from_bytes(data[offset + 60 : offset + 62], "big")
        offset += 62
        if flags & 0x4000:
            offset += 2
        if version == 4:
            drop, shift = 0, 0
            while True:
                byte = data[offset]
                offset += 1
                drop = (drop << 7) | (byte & 0x7F) if shift == 0 else ((drop + 1) << 7) | (byte & 0x7F)
                shift += 1
                if not byte & 0x80:
                    break
            end = data.index(b"\x00", offset)
            path = previous[: len(previous) - drop] + data[offset:end]
            offset = end + 1
        else:
            end = data.index(b"\x00", offset)
            path = data[offset:end]
            offset = start + ((end - start) // 8 + 1) * 8
        paths.append(path)
        previous = path
    return paths


def created_elsewhere(info: VenvInfo) -> str | None:
    """The recorded creation path when it differs from where the venv is now (copied or unpacked)."""
    if info.created_at is None:
        return None
    here = os.path.realpath(info.path)
    recorded = info.created_at
    if recorded in (info.path, here) or os.path.realpath(recorded) == here:
        return None
    return recorded


def check_venv(info: VenvInfo, mode: str, environ: Mapping[str, str]) -> Verdict:
    """Decide whether ``info`` may be activated; the first reason found is the one reported."""
    decision = stored(info.path, environ)
    if decision == DENY:
        return Verdict(False, "you denied it")
    if decision == ALLOW:
        return Verdict(True)
    reason = None
    if info.interpreter_missing:
        home = info.cfg.get("home", "?")
        reason = f"its interpreter {info.python} is missing (was the base Python in {home} removed?)"
    reason = reason or ownership_problem(info.path, info.bin_dir)
    if reason is None:
        elsewhere = created_elsewhere(info)
        if elsewhere is not None:
            reason = f"it was created at {elsewhere} (copied or unpacked here?)"
    if reason is None and git_tracked(info.path):
        reason = "it is tracked by git (a committed venv)"
    if reason is None and info.named_by is not None:
        reason = f"only {info.named_by} points there, outside the project (a project file is not enough)"
    if reason is None and mode == "ask":
        reason = 'trust = "ask" and it is not allowed yet'
    return Verdict(reason is None, reason)


def check_python_dir(bin_dir: str) -> Verdict:
    """A selected interpreter's ``bin/`` goes first on PATH too: same ownership rule."""
    reason = _owner_problem(bin_dir, "bin")
    return Verdict(reason is None, reason)
