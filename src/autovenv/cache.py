"""Per-directory answers on disk, one small file per (shell, candidate directory), for the hooks to source.

Layout: ``<cache dir>/<shell>/<mirror of the directory>/d/e`` (see ``dirs.mirror_path``), so a lookup is
one path open, whatever the number of cached projects, and the hooks compute the same path without a
process. Each entry is written atomically (rename) and its mtime set to just before resolution started:
a watched path modified later is "newer" than the entry, which is how the hooks see an entry is stale.
The cache directory is the user's alone: created 0700, and not used if another user owns it.
"""

from __future__ import annotations

import os

from autovenv.dirs import mirror_path

#: How far back an entry's stamp is set before resolution started. Linux stamps files from a coarse clock
#: that lags the real one by up to a scheduler tick (a few ms): 50 ms covers it. Filesystems that keep
#: whole seconds only (FAT keeps two) get more.
STAMP_SLACK_NS = 50_000_000
COARSE_SLACK_NS = 2_000_000_000
GENERATION = "generation"


class CacheUnusable(OSError):
    """The cache directory cannot be used safely (foreign owner, wrong type, unwritable)."""


def ensure_dir(base: str) -> None:
    """Create ``base`` (0700) if needed; refuse one owned by someone else or open to others."""
    try:
        os.makedirs(base, mode=0o700, exist_ok=True)
        info = os.lstat(base)
    except OSError as exc:
        raise CacheUnusable(f"cannot create the cache directory {base}: {exc.strerror or exc}") from exc
    if not os.path.isdir(base) or os.path.islink(base):
        raise CacheUnusable(f"{base} is not a directory")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise CacheUnusable(f"{base} belongs to another user; not using it")
    if info.st_mode & 0o077:
        os.chmod(base, 0o700)
    for sub in ("stamps",):
        os.makedirs(os.path.join(base, sub), mode=0o700, exist_ok=True)


def entry_path(base: str, shell: str, candidate: str) -> str:
    return os.path.join(mirror_path(os.path.join(base, shell), candidate), "e")


def generation_file(base: str) -> str:
    """A file every answer watches: touching it (allow, deny, config edits) invalidates them all."""
    return os.path.join(base, GENERATION)


def ensure_generation(base: str) -> str:
    path = generation_file(base)
    if not os.path.exists(path):
        with open(path, "ab"):
            pass
        os.utime(path, ns=(0, 0))
    return path


def bump_generation(base: str) -> None:
    """Invalidate every cached answer and every shell's in-memory answer at its next prompt."""
    try:
        ensure_dir(base)
        path = generation_file(base)
        with open(path, "ab"):
            pass
        os.utime(path, None)
    except OSError:
        pass


def slack_for(directory: str) -> int:
    """The stamp slack for files like ``directory``: whole-second mtimes mean a coarse filesystem."""
    try:
        fine = os.stat(directory).st_mtime_ns % 1_000_000_000 != 0
    except OSError:
        fine = False
    return STAMP_SLACK_NS if fine else COARSE_SLACK_NS


def store(base: str, shell: str, candidate: str, text: str, started_ns: int) -> str:
    """Write ``text`` as the entry for ``candidate``; its mtime is set to just before ``started_ns``."""
    path = entry_path(base, shell, candidate)
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    temp = f"{path}.{os.getpid()}.tmp"
    with open(temp, "wb") as handle:
        handle.write(text.encode("utf-8", "surrogateescape"))
    stamp = max(started_ns - slack_for(candidate), 0)
    os.utime(temp, ns=(stamp, stamp))
    os.replace(temp, path)
    return path
