"""Per-directory answers on disk, one small file per (shell, candidate directory), for the hooks to source.

Layout: ``<cache dir>/<shell><the directory>/%`` (see ``entry_path``), so a lookup is one path open,
whatever the number of cached projects, and the hooks compute the same path without a process. Each
entry is written atomically (rename), its mtime set to the file clock's tick when resolution began
(``file_clock``, ``entry_stamp``). The hooks trust an entry only while it is strictly newer than every
path it watches: a path modified in that tick or later, even while Python was still reading it, leaves
the entry stale; one modified in an earlier tick was read as it is. Exact for files stamped by this
machine's clock; see ``stamp_unit`` for filesystems that keep coarser times (and whole-second times a
tool set), ``entry_stamp`` for times ahead.
The cache directory is the user's alone: created 0700, and not used unless it and every directory on the
way are safe (autovenv.safepath); entries are created without following symbolic links.
"""

from __future__ import annotations

import os
import stat

TYPE_CHECKING = False
if TYPE_CHECKING:
    Tick = tuple[int, int, str]  # see NO_CLOCK

#: How far back the hook's start file is dated before rendering began (``start.stamp``): Linux stamps
#: files from a coarse clock that lags the real one by up to a scheduler tick (a few ms): 50 ms covers
#: it. Filesystems that keep whole seconds only (FAT keeps two) get more. (Cache entries need no slack:
#: their stamp is read from the file clock itself, ``file_clock``.)
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


#: The generation file's time until the first bump: older than any entry, and not a whole second, which
#: ``granularity`` would take for a coarse filesystem (where ``stamp_unit`` cannot tell it is on the
#: clock's own, as on FUSE, each entry's stamp would then be cut to even seconds).
FIRST_GENERATION_NS = 1


def ensure_generation(base: str) -> str:
    path = generation_file(base)
    try:
        made = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        with open(path, "ab"):
            pass
        made = 0
    if made == 0:  # new, or made as the epoch itself by an earlier version
        os.utime(path, ns=(FIRST_GENERATION_NS, FIRST_GENERATION_NS))
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


#: A reading of the file clock (``file_clock``): the time, the device (``st_dev``) of the filesystem that
#: stamped it (-1: unknown, then no path counts as on it) and the directory its file was made in. A tuple,
#: not a class: creating a class costs a cold start some 0.1 M instructions.
NO_CLOCK: Tick = (0, -1, "")


def file_clock(base: str) -> Tick:
    """The file clock's time now: the mtime the kernel gives a file created in ``base`` (then removed),
    with that file's device and ``base`` (a ``Tick``, see ``NO_CLOCK``).

    Not ``time.time_ns()``: files are stamped from a coarser clock (a scheduler tick on Linux, which
    since 6.13 also hands out finer times, never older than a coarse one given before), so a file
    modified after this call can carry a time *before* the real clock's reading here, never before
    this one. Raises ``OSError`` when ``base`` cannot be written (then nothing is stored either).
    """
    path = os.path.join(base, f"clock.{os.getpid()}.tmp")
    try:  # noqa: SIM105 - contextlib costs an import on the hot path
        os.unlink(path)  # left by a process with our pid that died between these lines
    except FileNotFoundError:
        pass
    from autovenv.safepath import CREATE_FLAGS

    fd = os.open(path, CREATE_FLAGS, 0o600)
    try:
        made = os.fstat(fd)
        return made.st_mtime_ns, made.st_dev, base
    finally:
        os.close(fd)
        os.unlink(path)


#: The unit assumed for a time in whole seconds: FAT keeps even seconds, ext3 and HFS+ whole ones.
WHOLE_SECONDS_NS = 2_000_000_000


def granularity(mtime_ns: int) -> int:
    """The coarsest unit a filesystem could have stamped ``mtime_ns`` in, read from its trailing zeros.

    A filesystem cuts every time it keeps to its unit (NTFS and SMB 100 ns, exFAT 10 ms, ext3 and HFS+
    1 s, FAT 2 s), so its files' times always end in those zeros; one from a finer filesystem does so
    by chance, or because a tool set it (an archive's whole seconds), and then only costs the answer
    being asked again sooner, unless it is on the file clock's own filesystem (``stamp_unit``).
    """
    if mtime_ns % 1_000_000_000 == 0:
        return WHOLE_SECONDS_NS
    unit = 1
    while mtime_ns % (unit * 10) == 0:
        unit *= 10
    return unit


def _filesystem_id(path: str) -> int:
    """``statvfs``'s ``f_fsid`` of the filesystem ``path`` is on; 0 when there is none to read."""
    statvfs = getattr(os, "statvfs", None)  # not on Windows
    if statvfs is None:
        return 0
    try:
        return int(getattr(statvfs(path), "f_fsid", 0))
    except (OSError, ValueError):
        return 0


def stamp_unit(clock: Tick, watched: tuple[str, ...] | list[str]) -> int:
    """The unit an entry's stamp is cut to (``entry_stamp``): the largest ``granularity`` among the times
    of the paths in ``watched`` that exist (1 when none does), leaving out those the clock's own
    filesystem stamps.

    A coarse filesystem stamps an edit made after the clock's reading with a time up to its unit before
    that reading; the cut keeps the stamp no newer than such an edit. A path on the filesystem that
    stamped the clock's reading (``file_clock``) needs none: that filesystem cut the reading to its own
    unit too, so an edit after it gets a time no older. A whole-second time there (``$PYENV_ROOT/versions``
    unpacked from an archive, a tree copied with ``cp -p`` or ``rsync -t``, a wheel unpacked by pip) was
    set by a tool, not cut; cutting for it would date every answer up to two seconds back, and each
    visit within those seconds of a change would start Python again. What a path must show to count as
    on the clock's filesystem, and why each condition holds:
    - the clock's reading is not a whole second. One that is (the cache on a filesystem of whole
      seconds, or by a one-in-a-billion chance) proves nothing finer: every coarse time keeps its cut;
    - the same ``st_dev``, and the same nonzero ``f_fsid`` (statvfs) for the path as for the clock's
      directory. A device number names one superblock: bind mounts of it (same device) share its unit
      and its clock. Where a path reports another device (a btrfs subvolume, an NFS submount, an
      overlayfs directory when its layers are on several filesystems) it keeps the cut: safe, at the
      old cost. overlayfs under one device makes every edit on its upper filesystem, where the clock's
      file is made too (a lower layer's whole seconds, an image's, are copied up and then stamped).
      But a device can span filesystems: a 9p share (virtual machines, WSL) of several host
      filesystems has one device and reports each host filesystem's ``f_fsid``; FUSE (mergerfs,
      virtiofs, sshfs) reports none (0) and may unite branches that keep different units. Without
      ``statvfs`` (Windows) there is no ``f_fsid``: every coarse time keeps its cut.
    A network filesystem stamps the clock's file and the watched path alike with its server's clock.
    """
    unit = 1
    clock_ns, clock_device, clock_base = clock
    fine_clock = clock_ns % 1_000_000_000 != 0
    clock_id: int | None = None  # read once, only when a path needs it
    for path in watched:
        try:
            found = os.stat(path)
        except (OSError, ValueError):
            continue
        coarse = granularity(found.st_mtime_ns)
        if coarse <= unit:
            continue
        if fine_clock and found.st_dev == clock_device:
            if clock_id is None:
                clock_id = _filesystem_id(clock_base)
            if clock_id != 0 and _filesystem_id(path) == clock_id:
                continue
        unit = coarse
    return unit


def entry_stamp(clock: Tick, watched: tuple[str, ...] | list[str]) -> int:
    """The mtime for an entry whose resolution began at ``clock`` (``file_clock``) and that watches
    ``watched``: that tick, cut down to ``stamp_unit``.

    The hooks trust the entry only while it is strictly newer than every watched path. What follows:
    - an edit in the start tick (or its unit, on a coarser filesystem) or later is not older than the
      entry: stale, asked again once; the answer then stored carries a later tick;
    - a path that does not exist (watch lists hold only paths that do; a dangling link counts as
      missing) is a change for the hooks until the answer is asked again;
    - a path dated ahead of the clock is newer than every stamp until the clock passes its time: the
      entry is never trusted before then (each visit asks Python, which answers right), and trusted
      as usual from the first answer stored after it. Dating the entry ahead too would trust it
      through an edit made now, which gets a time before its old one;
    - a network filesystem stamps with its server's clock: an edit within the time the server's clock
      runs behind this machine's is not seen until the next change (as for any tool that compares
      times).
    """
    return cut(clock[0], stamp_unit(clock, watched))


def cut(ns: int, unit: int) -> int:
    """``ns`` cut down to a multiple of ``unit`` (never below the epoch)."""
    return max(ns - ns % unit, 0)


def store(base: str, shell: str, candidate: str, text: str, stamp_ns: int) -> str:
    """Write ``text`` as the entry for ``candidate``, its mtime ``stamp_ns`` (``entry_stamp``)."""
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
    os.utime(temp, ns=(stamp_ns, stamp_ns))
    os.replace(temp, path)
    return path
