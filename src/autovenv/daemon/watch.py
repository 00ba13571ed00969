"""Watch backends: one inotify instance through watchdog's bindings (Linux), and polling for the rest.

Why not ``watchdog.observers.Observer``: it runs a thread per scheduled watch (and, before watchdog 7,
an inotify instance per watch, against a default limit of 128 per user). Watching 1,000 projects means a
few thousand single-directory watches, so the daemon drives one inotify descriptor itself, with watchdog's
``inotify_init``/``inotify_add_watch``/``inotify_rm_watch`` bindings (the same in watchdog 3 to 7), from
its own ``select`` loop: no thread, ~0 % CPU when idle. Every watch is non-recursive: a venv's
``site-packages`` (thousands of directories) is never watched, only the venv, its ``bin`` and the project.

When the kernel refuses a watch (``ENOSPC``: ``fs.inotify.max_user_watches`` reached) or there is no
inotify at all (other systems, ``EMFILE``), directories are polled instead, every ``POLL_INTERVAL``
seconds, and the reason is kept for ``autovenv daemon status``.
"""

from __future__ import annotations

import errno
import os
import stat
import struct
import sys
from contextlib import suppress
from typing import cast

from autovenv.daemon.core import CREATE, DELETE, GONE, MODIFY, OVERFLOW, Event

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

POLL_INTERVAL = 2.0
_HEADER = struct.Struct("iIII")


class InotifyUnavailable(OSError):
    """No inotify here (not Linux, watchdog missing, or the instance limit reached)."""


class Inotify:
    """Non-recursive directory watches on one inotify descriptor, read without blocking."""

    def __init__(self) -> None:
        if not sys.platform.startswith("linux"):
            raise InotifyUnavailable("inotify exists on Linux only")
        try:
            import ctypes

            from watchdog.observers import inotify_c
        except Exception as exc:  # any import problem means "no inotify"
            raise InotifyUnavailable(f"watchdog's inotify bindings are not usable: {exc}") from exc
        self._ctypes = ctypes
        self._add = cast("Callable[[int, bytes, int], int]", inotify_c.inotify_add_watch)
        self._rm = cast("Callable[[int, int], int]", inotify_c.inotify_rm_watch)
        consts = inotify_c.InotifyConstants
        self.IN_CREATE = int(consts.IN_CREATE)
        self.IN_DELETE = int(consts.IN_DELETE)
        self.IN_MOVED_FROM = int(consts.IN_MOVED_FROM)
        self.IN_MOVED_TO = int(consts.IN_MOVED_TO)
        self.IN_CLOSE_WRITE = int(consts.IN_CLOSE_WRITE)
        self.IN_ATTRIB = int(consts.IN_ATTRIB)
        self.IN_DELETE_SELF = int(consts.IN_DELETE_SELF)
        self.IN_MOVE_SELF = int(consts.IN_MOVE_SELF)
        self.IN_UNMOUNT = int(consts.IN_UNMOUNT)
        self.IN_Q_OVERFLOW = int(consts.IN_Q_OVERFLOW)
        self.IN_IGNORED = int(consts.IN_IGNORED)
        self.IN_ISDIR = int(consts.IN_ISDIR)
        self.mask = (
            self.IN_CREATE
            | self.IN_DELETE
            | self.IN_MOVED_FROM
            | self.IN_MOVED_TO
            | self.IN_CLOSE_WRITE
            | self.IN_ATTRIB
            | self.IN_DELETE_SELF
            | self.IN_MOVE_SELF
            | int(consts.IN_ONLYDIR)
        )
        fd = int(inotify_c.inotify_init())
        if fd < 0:
            code = ctypes.get_errno()
            raise InotifyUnavailable(code, f"inotify_init: {os.strerror(code)}")
        os.set_blocking(fd, False)
        os.set_inheritable(fd, False)
        self.fd = fd
        self._paths: dict[int, set[str]] = {}
        self._wd: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._paths)

    def fileno(self) -> int:
        return self.fd

    def __contains__(self, path: object) -> bool:
        return path in self._wd

    def add(self, path: str) -> bool:
        """Watch ``path``; False when it is not a directory we can watch. ``ENOSPC`` is raised."""
        if path in self._wd:
            return True
        wd = int(self._add(self.fd, os.fsencode(path), self.mask))
        if wd < 0:
            code = self._ctypes.get_errno()
            if code in (errno.ENOSPC, errno.ENOMEM):
                raise OSError(errno.ENOSPC, "inotify watch limit reached")
            return False
        self._paths.setdefault(wd, set()).add(path)
        self._wd[path] = wd
        return True

    def remove(self, path: str) -> None:
        wd = self._wd.pop(path, None)
        if wd is None:
            return
        paths = self._paths.get(wd, set())
        paths.discard(path)
        if not paths:
            self._paths.pop(wd, None)
            self._rm(self.fd, wd)

    def read(self) -> list[Event]:
        events: list[Event] = []
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            except InterruptedError:
                continue
            if not data:
                break
            events.extend(self._parse(data))
        return events

    def _parse(self, data: bytes) -> list[Event]:
        events: list[Event] = []
        offset = 0
        while offset + _HEADER.size <= len(data):
            wd, mask, _cookie, length = _HEADER.unpack_from(data, offset)
            raw = data[offset + _HEADER.size : offset + _HEADER.size + length].rstrip(b"\0")
            offset += _HEADER.size + length
            if mask & self.IN_Q_OVERFLOW:
                events.append(Event("", "", OVERFLOW))
                continue
            paths = sorted(self._paths.get(wd, ()))
            if mask & self.IN_IGNORED:  # the kernel dropped the watch (directory gone)
                for path in self._paths.pop(wd, ()):
                    self._wd.pop(path, None)
                    events.append(Event(path, "", GONE, True))
                continue
            name = os.fsdecode(raw)
            is_dir = bool(mask & self.IN_ISDIR)
            for path in paths:
                if mask & (self.IN_DELETE_SELF | self.IN_MOVE_SELF | self.IN_UNMOUNT):
                    events.append(Event(path, "", GONE, True))
                elif mask & (self.IN_CREATE | self.IN_MOVED_TO):
                    events.append(Event(path, name, CREATE, is_dir))
                elif mask & (self.IN_DELETE | self.IN_MOVED_FROM):
                    events.append(Event(path, name, DELETE, is_dir))
                elif mask & (self.IN_CLOSE_WRITE | self.IN_ATTRIB):
                    events.append(Event(path, name, MODIFY, is_dir))
            if mask & self.IN_MOVE_SELF:  # its path is no longer where it is: forget it
                for path in self._paths.pop(wd, ()):
                    self._wd.pop(path, None)
                self._rm(self.fd, wd)
        return events

    def close(self) -> None:
        with suppress(OSError):
            os.close(self.fd)


_DirSnapshot = tuple[int, int, int, dict[str, bool]]
_FileSnapshot = tuple[int, int, int, int]


def _dir_snapshot(path: str) -> _DirSnapshot | None:
    try:
        info = os.stat(path)
        if not stat.S_ISDIR(info.st_mode):
            return None
        names = {}
        with os.scandir(path) as entries:
            for entry in entries:
                try:
                    names[entry.name] = entry.is_dir(follow_symlinks=False)
                except OSError:
                    names[entry.name] = False
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_ino, names)


def _file_snapshot(path: str) -> _FileSnapshot | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_size)


class Poller:
    """Directories and files compared with their last snapshot; the differences become events."""

    def __init__(self) -> None:
        self._dirs: dict[str, _DirSnapshot | None] = {}
        self._files: dict[str, _FileSnapshot | None] = {}

    @property
    def dirs(self) -> int:
        return len(self._dirs)

    @property
    def files(self) -> int:
        return len(self._files)

    def __bool__(self) -> bool:
        return bool(self._dirs or self._files)

    def add_dir(self, path: str) -> None:
        if path not in self._dirs:
            self._dirs[path] = _dir_snapshot(path)

    def remove_dir(self, path: str) -> None:
        self._dirs.pop(path, None)

    def add_file(self, path: str) -> None:
        if path not in self._files:
            self._files[path] = _file_snapshot(path)

    def remove_file(self, path: str) -> None:
        self._files.pop(path, None)

    def poll(self) -> list[Event]:
        events: list[Event] = []
        for path, old in list(self._dirs.items()):
            try:
                info = os.stat(path)
                unchanged = old is not None and (info.st_mtime_ns, info.st_ctime_ns, info.st_ino) == old[:3]
            except OSError:
                unchanged = old is None
            if unchanged:
                continue
            new = _dir_snapshot(path)
            self._dirs[path] = new
            if new is None:
                events.append(Event(path, "", GONE, True))
                continue
            before = old[3] if old is not None else {}
            for name, is_dir in new[3].items():
                if name not in before:
                    events.append(Event(path, name, CREATE, is_dir))
            for name, is_dir in before.items():
                if name not in new[3]:
                    events.append(Event(path, name, DELETE, is_dir))
            events.append(Event(path, "", MODIFY, True))
        for path, old_file in list(self._files.items()):
            new_file = _file_snapshot(path)
            if new_file == old_file:
                continue
            self._files[path] = new_file
            parent, name = os.path.split(path)
            if old_file is None:
                kind = CREATE
            elif new_file is None:
                kind = DELETE
            else:
                kind = MODIFY
            events.append(Event(parent, name, kind))
        return events


class Watcher:
    """Directory watches through inotify while the kernel allows, polling beyond; files only if polled."""

    def __init__(self, use_inotify: bool = True) -> None:
        self.inotify: Inotify | None = None
        self.poller = Poller()
        self.degraded: list[str] = []
        self._polled_parents: set[str] = set()
        if use_inotify:
            try:
                self.inotify = Inotify()
            except OSError as exc:
                if sys.platform.startswith("linux"):
                    self.degraded.append(f"no inotify ({exc}); polling every {POLL_INTERVAL:g} s")
        self.backend = "inotify" if self.inotify is not None else "poll"

    def fileno(self) -> int | None:
        return self.inotify.fd if self.inotify is not None else None

    def add_dir(self, path: str) -> None:
        if self.inotify is not None and path not in self._polled_parents:
            try:
                self.inotify.add(path)  # False (gone, not a directory, unreadable): nothing to watch
                return
            except OSError:
                if not any(reason.startswith("inotify watch limit") for reason in self.degraded):
                    self.degraded.append(
                        f"inotify watch limit reached (fs.inotify.max_user_watches = {_max_watches()}); "
                        f"polling the rest every {POLL_INTERVAL:g} s"
                    )
        self._polled_parents.add(path)
        self.poller.add_dir(path)

    def remove_dir(self, path: str) -> None:
        if self.inotify is not None:
            self.inotify.remove(path)
        self._polled_parents.discard(path)
        self.poller.remove_dir(path)

    def add_file(self, path: str) -> None:
        """A file whose changes matter: inotify sees them through the watch on its directory."""
        if self.inotify is None or os.path.dirname(path) not in self.inotify:
            self.poller.add_file(path)

    def remove_file(self, path: str) -> None:
        self.poller.remove_file(path)

    def read(self) -> list[Event]:
        return self.inotify.read() if self.inotify is not None else []

    def poll(self) -> list[Event]:
        return self.poller.poll()

    def counts(self) -> dict[str, int]:
        return {
            "inotify": len(self.inotify) if self.inotify is not None else 0,
            "polled_dirs": self.poller.dirs,
            "polled_files": self.poller.files,
        }

    def close(self) -> None:
        if self.inotify is not None:
            self.inotify.close()


def _max_watches() -> str:
    try:
        with open("/proc/sys/fs/inotify/max_user_watches") as handle:
            return handle.read().strip()
    except OSError:
        return "?"
