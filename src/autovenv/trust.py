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
    try:
        info = os.lstat(path) if what != "bin" else os.stat(path)
    except OSError:
        return None
    uid = os.getuid() if hasattr(os, "getuid") else None
    if uid is not None and info.st_uid not in (uid, 0):
        return f"its {what} is owned by another user (uid {info.st_uid})"
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
                with open(dot_git, encoding="utf-8", errors="replace") as handle:
                    line = handle.readline().strip()
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

    The index is searched for the venv's relative path as bytes; only when that might match (or the index
    uses v4 path compression, or is huge) is ``git ls-files`` asked, so the common case runs no process.
    """
    real = os.path.realpath(venv_path)
    found = _git_dir(os.path.dirname(real))
    if found is None:
        return False
    work_tree, git_dir = found
    relative = os.path.relpath(real, os.path.realpath(work_tree)).replace(os.sep, "/")
    needle = (relative + "/").encode("utf-8", "surrogateescape")
    try:
        with open(os.path.join(git_dir, "index"), "rb") as handle:
            data = handle.read(MAX_INDEX_BYTES + 1)
    except OSError:
        return False
    if len(data) < 12 or data[:4] != b"DIRC":
        return False
    version = int.from_bytes(data[4:8], "big")
    if version < 4 and len(data) <= MAX_INDEX_BYTES and needle not in data:
        return False
    return _ask_git(work_tree, relative)


def _ask_git(work_tree: str, relative: str) -> bool:
    import subprocess

    try:
        result = subprocess.run(
            ["git", "-C", work_tree, "ls-files", "--", relative],
            capture_output=True,
            timeout=2,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return True  # cannot tell: the index mentions it, so assume the worst
    return bool(result.stdout.strip())


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
    reason = ownership_problem(info.path, info.bin_dir)
    if reason is None:
        elsewhere = created_elsewhere(info)
        if elsewhere is not None:
            reason = f"it was created at {elsewhere} (copied or unpacked here?)"
    if reason is None and git_tracked(info.path):
        reason = "it is tracked by git (a committed venv)"
    if reason is None and mode == "ask":
        reason = 'trust = "ask" and it is not allowed yet'
    return Verdict(reason is None, reason)


def check_python_dir(bin_dir: str) -> Verdict:
    """A selected interpreter's ``bin/`` goes first on PATH too: same ownership rule."""
    reason = _owner_problem(bin_dir, "bin")
    return Verdict(reason is None, reason)
