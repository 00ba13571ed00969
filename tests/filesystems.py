"""Real filesystems for the tests of file times: a second one with another device, whole-second times
as tools leave them, and a reading of the file clock that is finer than a second."""

from __future__ import annotations

import contextlib
import os
import pathlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest

from autovenv import cache


@contextlib.contextmanager
def another_filesystem(tmp_path: pathlib.Path) -> Iterator[pathlib.Path]:
    """A writable directory on a filesystem with another device than ``tmp_path``'s: one in ``/dev/shm``
    (tmpfs) when that is another, else a tmpfs mounted for the test (as root); else the test skips.
    Removed (or unmounted) afterwards."""
    here = os.stat(tmp_path).st_dev
    shm = pathlib.Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and os.stat(shm).st_dev != here:
        where = pathlib.Path(tempfile.mkdtemp(prefix="autovenv-test-", dir=shm))
        where.chmod(0o755)
        try:
            yield where
        finally:
            shutil.rmtree(where, ignore_errors=True)
        return
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if os.geteuid() != 0 or mount is None or umount is None:
        pytest.skip("no second filesystem: /dev/shm is missing or on this device, and no root to mount one")
    where = tmp_path / "tmpfs"
    where.mkdir()
    made = subprocess.run([mount, "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(where)], capture_output=True)
    if made.returncode != 0 or os.stat(where).st_dev == here:
        pytest.skip(f"no second filesystem: mount -t tmpfs failed: {made.stderr.decode(errors='replace')}")
    try:
        yield where
    finally:
        subprocess.run([umount, str(where)], check=True)


def whole_second(path: pathlib.Path, seconds_ago: int = 100) -> pathlib.Path:
    """Give ``path`` a whole-second time, as ``tar``, ``cp -p``, ``rsync -t`` or an installer leave it."""
    whole = (time.time_ns() // 10**9 - seconds_ago) * 10**9
    os.utime(path, ns=(whole, whole))
    assert os.stat(path).st_mtime_ns % 10**9 == 0
    return path


def fine_clock(base: pathlib.Path) -> tuple[int, int, str]:
    """A real reading of the file clock in ``base`` (made if needed), which must be finer than a second:
    (time, device, directory), as ``cache.file_clock`` gives it."""
    base.mkdir(exist_ok=True)
    clock = cache.file_clock(str(base))
    if clock[0] % 10**9 == 0:  # a whole second by chance (one in a billion), or a filesystem of seconds
        clock = cache.file_clock(str(base))
    if clock[0] % 10**9 == 0:
        pytest.skip(f"the filesystem of {base} keeps whole seconds: no finer clock reading to test with")
    return clock
