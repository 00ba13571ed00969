"""Per-directory answers on disk, one small file per (shell, candidate directory), for the hooks to source.

Layout: ``<cache dir>/<shell><the directory>/%`` (see ``entry_path``), so a lookup is one path open,
whatever the number of cached projects, and the hooks compute the same path without a process. Each
entry is written atomically (rename) and its mtime set to just before resolution started: a watched
path modified later is "newer" than the entry, which is how the hooks see an entry is stale.
The cache directory is the user's alone: created 0700, and not used unless it and every directory on the
way are safe (autovenv.safepath); entries are created without following symbolic links.
"""

from __future__ import annotations

import os
import stat

#: How far back an entry's stamp is set before resolution started. Linux stamps files from a coarse clock
#: that lags the real one by up to a scheduler tick (a few ms): 50 ms covers it. Filesystems that keep
#: whole seconds only (FAT keeps two) get more.
STAMP_SLACK_NS = 50_000_000
COARSE_SLACK_NS = 2_000_000_000
GENERATION = "generation"
#: Where the hooks keep their stamp files (see ``bump_generation``).
STAMPS = "stamps"
#: Where the lock comparison keeps its last answers (``resolve.lockmemo``).
LOCK_MEMO = "locks"


class CacheUnusable(OSError):
    """The cache directory cannot be used safely (foreign owner, wrong type, unwritable)."""


def ensure_dir(base: str) -> None:
    """Create ``base`` (0700) if needed; refuse one that is not the user's alone (safepath: owned by them,
    no one else may write it or any directory on the way). Hooks source what is in it."""
    from autovenv.safepath import ensure_private_dir

    try:
        ensure_private_dir(base)
    except OSError as exc:
        raise CacheUnusable(str(exc)) from exc
    for sub in (STAMPS,):
        try:
            os.mkdir(os.path.join(base, sub), 0o700)
        except FileExistsError:
            pass
        except OSError as exc:
            raise CacheUnusable(f"cannot create {os.path.join(base, sub)}: {exc.strerror or exc}") from exc


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


def private_fallback_stamps(create: bool) -> str | None:
    """``fallback_stamps()`` when it and its parent are the user's alone (created if ``create``), else None.

    It lies in the shared temporary directory, where anyone may have made that name first, or made
    ``stamps`` a link to a directory of the user's whose files would then be truncated or deleted.
    """
    from autovenv.safepath import ensure_private_dir

    path = fallback_stamps()
    try:
        ensure_private_dir(os.path.dirname(path), create=create)
        if create:
            try:  # noqa: SIM105 - contextlib costs an import on the hot path
                os.mkdir(path, 0o700)
            except FileExistsError:
                pass
        if not stat.S_ISDIR(os.lstat(path).st_mode):  # ours: a directory, never a link to one
            return None
        ensure_private_dir(path, create=False)
    except OSError:
        return None
    return path


def bump_generation(base: str) -> None:
    """Invalidate every cached answer and every shell's in-memory answer at its next prompt.

    The entries are invalidated by the generation file's new mtime. Shells do not look at that file at
    each prompt (it would cost every prompt a check); instead their stamp files are deleted, after the
    touch, and a prompt whose stamp is gone checks again, reading entries that are now stale.
    """
    preferred: str | None = None
    try:
        ensure_dir(base)
        preferred = os.path.join(base, STAMPS)
        path = generation_file(base)
        with open(path, "ab"):
            pass
        os.utime(path, None)
    except OSError:
        pass
    for stamps in (preferred, private_fallback_stamps(create=False)):
        if stamps is None:
            continue
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
    try:  # noqa: SIM105 - contextlib costs an import on the hot path
        os.unlink(temp)  # left by a process with our pid that died mid-write
    except FileNotFoundError:
        pass
    from autovenv.safepath import write_new

    write_new(temp, text.encode("utf-8", "surrogateescape"))
    stamp = max(started_ns - slack_for(candidate), 0)
    os.utime(temp, ns=(stamp, stamp))
    os.replace(temp, path)
    return path
