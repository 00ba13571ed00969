"""Reading the small files resolution looks at, so that no file can hang or flood it.

Every file autovenv reads on a user's behalf may have been chosen by someone else: a FIFO named
``.autovenv.toml`` blocks a plain ``open`` for ever (until a writer comes), a device or a huge file makes a
read slow. Files are opened without blocking and without becoming the controlling terminal, checked to be
regular files on the open descriptor itself (no race with a swap), and read up to a bound.
"""

from __future__ import annotations

import os
import stat

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)


class NotARegularFile(OSError):
    """The path exists but is a FIFO, socket, device or directory: never read. ``kind`` says which."""

    kind = "not a regular file"


def read_regular(path: str, limit: int, follow_symlinks: bool = True) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``path`` (more than ``limit`` means too large).

    Raises ``OSError`` when it cannot be read: ``FileNotFoundError``, ``PermissionError``,
    ``NotARegularFile`` (with ``strerror`` saying what it is instead), or ``ELOOP`` for a symlink when
    ``follow_symlinks`` is false.
    """
    flags = _FLAGS | _BINARY
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = describe(info.st_mode)
            # EINVAL, 22 on every system Python runs on: the errno module would cost the cold path an import
            error = NotARegularFile(22, f"{kind}, not a regular file", path)
            error.kind = kind
            raise error
        chunks: list[bytes] = []
        total = 0
        # Ask for what the file holds (plus one byte, to see it grew), not for the limit: a read of
        # ``limit`` bytes allocates that much first (64 MiB for a git index, at every cold start).
        size = min(limit + 1, info.st_size + 1 if info.st_size else 65536)
        while total <= limit:
            chunk = os.read(fd, min(size, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def describe(mode: int) -> str:
    """What a non-regular file is, for a one-line message."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"
