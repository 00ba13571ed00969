"""Per-directory answers on disk, one small file per (shell, candidate directory), for the hooks to source.

Layout: ``<cache dir>/<shell><the directory>/%`` (see ``entry_path``), so a lookup is one path open,
whatever the number of cached projects, and the hooks compute the same path without a process. Each
entry is written atomically (rename) and its mtime set to just before resolution started: a watched
path modified later is "newer" than the entry, which is how the hooks see an entry is stale.
The cache directory is the user's alone: created 0700, and not used if another user owns it.
"""

from __future__ import annotations

import os

#: How far back an entry's stamp is set before resolution started. Linux stamps files from a coarse clock
#: that lags the real one by up to a scheduler tick (a few ms): 50 ms covers it. Filesystems that keep
#: whole seconds only (FAT keeps two) get more.
STAMP_SLACK_NS = 50_000_000
COARSE_SLACK_NS = 2_000_000_000
GENERATION = "generation"
#: Where the hooks keep their stamp files (see ``bump_generation``).
STAMPS = "stamps"


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
    for sub in (STAMPS,):
        os.makedirs(os.path.join(base, sub), mode=0o700, exist_ok=True)


#: The name of an entry file. A directory's components keep their names, except that one starting with
#: ``%`` gets another: so no component is ever named ``%`` and no entry collides with a directory.
ENTRY = "%"


def entry_path(base: str, shell: str, candidate: str) -> str:
    """Where the answer for ``candidate`` lives: ``/a/b`` maps to ``base/shell/a/b/%``.

    Components are kept as they are (``%``-led ones get one more ``%``), so the fish hook, which would
    pay a command substitution (tens of microseconds) for a per-component rewrite, usually only appends
    the directory; the others rewrite with one parameter expansion either way. On Windows, ``C:\\x``
    maps like ``/C/x`` and ``\\\\server\\share`` like ``/%unc/server/share``.
    """
    cleaned, unc = candidate, False
    if os.name == "nt":
        cleaned = cleaned.replace("\\", "/")
        if len(cleaned) >= 2 and cleaned[1] == ":":
            cleaned = "/" + cleaned[0] + cleaned[2:]
        elif cleaned.startswith("//"):
            cleaned, unc = cleaned[1:], True
    cleaned = cleaned.rstrip("/").replace("/%", "/%%")
    if unc:
        cleaned = "/%unc" + cleaned
    return os.path.join(base, shell) + cleaned + "/" + ENTRY


def generation_file(base: str) -> str:
    """A file every cache entry is checked against when read: touching it (allow, deny, forget)
    invalidates them all."""
    return os.path.join(base, GENERATION)


def ensure_generation(base: str) -> str:
    path = generation_file(base)
    if not os.path.exists(path):
        with open(path, "ab"):
            pass
        os.utime(path, ns=(0, 0))
    return path


def fallback_stamps() -> str:
    """Where hooks keep their stamp files when the cache's ``stamps/`` cannot be written."""
    import tempfile

    uid = os.getuid() if hasattr(os, "getuid") else 0
    return os.path.join(tempfile.gettempdir(), f"autovenv-{uid}", STAMPS)


def bump_generation(base: str) -> None:
    """Invalidate every cached answer and every shell's in-memory answer at its next prompt.

    The entries are invalidated by the generation file's new mtime. Shells do not look at that file at
    each prompt (it would cost every prompt a check); instead their stamp files are deleted, after the
    touch, and a prompt whose stamp is gone checks again, reading entries that are now stale.
    """
    try:
        ensure_dir(base)
        path = generation_file(base)
        with open(path, "ab"):
            pass
        os.utime(path, None)
    except OSError:
        pass
    for stamps in (os.path.join(base, STAMPS), fallback_stamps()):
        try:
            names = os.listdir(stamps)
        except OSError:
            continue
        for name in names:
            try:  # noqa: SIM105 - contextlib costs an import
                os.unlink(os.path.join(stamps, name))
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
