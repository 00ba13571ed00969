"""Telling a running daemon which project a shell visited, and starting it (hot path: stdlib, no waiting).

The cold path (``autovenv export``) calls :func:`notify` once per new directory. The message goes
through a FIFO in the user's runtime directory, written with ``O_NONBLOCK``, rather than a socket:

- it costs no import (``os`` is loaded already; ``import socket`` measured 7-15 ms here, ``_socket``
  0.4 ms) and four syscalls: ``open``, ``fstat``, ``write``, ``close``;
- it can never block: ``open(O_WRONLY | O_NONBLOCK)`` fails at once with ``ENXIO`` when no daemon holds
  the read end (that is also how :func:`autostart` knows the daemon is not running), and a write of at
  most ``PIPE_BUF`` bytes is atomic and fails with ``EAGAIN`` instead of waiting when a stuck daemon
  has let the pipe fill up: the message is dropped, one warning is printed, and everything goes on
  without the daemon;
- only the same user can write to it: the daemon creates it 0600 inside its 0700 runtime directory, and
  the sender checks with ``fstat`` on the opened descriptor (no race) that it is a FIFO owned by this
  user and closed to others before writing. That is the guarantee a peer-uid check gives a socket;
  the control socket (status), which is not on the hot path, checks the peer uid itself.

A message is NUL-separated fields ending in two NULs (no field is empty, and paths and environment values
cannot hold a NUL): ``AV1``, ``visit``, the candidate directory, then ``NAME=value`` for each of
:data:`REPORTED` that is set (a name left out is unset): the user's view of the variables resolution
depends on, so the entries the daemon writes carry the ``sig`` this shell computes and validate in it.
"""

from __future__ import annotations

import os
import sys
import time

from autovenv.answer import ENV_DEPS
from autovenv.dirs import cache_dir, runtime_dir

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

MAGIC = b"AV1"
END = b"\0\0"
#: What the daemon needs to resolve as this shell would: ``answer.ENV_DEPS`` plus where the cache is.
REPORTED = tuple(dict.fromkeys((*ENV_DEPS, "AUTOVENV_CACHE_DIR", "XDG_CACHE_HOME")))
FIFO = "visits"
PIDFILE = "daemon.pid"
SOCKET = "daemon.sock"
LOG = "daemon.log"
STUCK_MARK = "stuck-warned"
AUTOSTART_MARK = "autostart"
#: Auto-start is attempted at most once per this many seconds (a failing start must not cost every cd).
AUTOSTART_INTERVAL = 30.0
#: ``PIPE_BUF`` on Linux and macOS is at least 512; Linux guarantees 4096. Larger messages are not sent.
MAX_MESSAGE = 4096 if sys.platform.startswith("linux") else 512

#: Outcomes of :func:`notify`.
SENT, NOT_RUNNING, STUCK, UNSAFE = "sent", "not-running", "stuck", "unsafe"

_last: dict[str, str] = {}


def served_cache(environ: Mapping[str, str]) -> str:
    """The cache directory a daemon started with ``environ`` writes answers to: what it is *for*."""
    return os.path.normpath(os.path.abspath(cache_dir(environ)))


def config_key(cache: str) -> str:
    """12 hex digits naming the daemon of one cache directory: 64-bit FNV-1a (no import on the hot path),
    cut short because a socket's whole path must fit in 107 bytes. A collision could only make two of
    one user's configurations share a lock; the daemon still serves its own cache alone."""
    value = 0xCBF29CE484222325
    for byte in os.fsencode(cache):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"[:12]


def daemon_dir(environ: Mapping[str, str]) -> str:
    """Where the daemon for this configuration keeps its lock, FIFO, socket and log.

    One daemon per user configuration, i.e. per cache directory it serves: shells of another HOME or
    another ``XDG_CACHE_HOME``/``AUTOVENV_CACHE_DIR`` of the same user talk to their own daemon (or
    none) and can neither feed nor stop this one. The daemon also refuses visits for another cache.
    """
    return os.path.join(runtime_dir(environ), "d" + config_key(served_cache(environ)))


def encode(kind: str, directory: str, view: Mapping[str, str]) -> bytes:
    """One message; ``view`` is the user's view of the environment (``plan.user_view``)."""
    fields = [MAGIC, kind.encode(), os.fsencode(directory)]
    for name in REPORTED:  # unset ones are left out (the daemon reads a missing name as unset): ~30 names
        value = view.get(name)  # would not fit macOS's 512-byte atomic write otherwise
        if value is not None:
            fields.append(os.fsencode(f"{name}={value}"))
    return b"\0".join(fields) + END


def ensure_runtime_dir(path: str) -> None:
    """Create the runtime directory 0700 if needed; refuse one that is not plainly this user's own (owned
    by them, and no one else able to write it or swap a directory on the way: autovenv.safepath)."""
    from autovenv.safepath import ensure_private_dir

    ensure_private_dir(path)


def ensure_daemon_dir(environ: Mapping[str, str]) -> str:
    """``daemon_dir(environ)``, made (with autovenv's runtime directory above it) and checked."""
    ensure_runtime_dir(runtime_dir(environ))
    path = daemon_dir(environ)
    ensure_runtime_dir(path)
    return path


def _open_fifo(path: str) -> int | str:
    """A write descriptor for the daemon's FIFO, or why there is none (never blocks)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
    except OSError:  # ENOENT: never started / cleaned up; ENXIO: no reader, i.e. not running
        return NOT_RUNNING
    info = os.fstat(fd)
    uid = os.getuid() if hasattr(os, "getuid") else info.st_uid
    if (info.st_mode & 0o170000) != 0o010000 or info.st_uid != uid or info.st_mode & 0o077:
        os.close(fd)
        return UNSAFE
    return fd


def notify(candidate: str | None, view: Mapping[str, str], environ: Mapping[str, str] | None = None) -> str:
    """Tell a running daemon that a shell visited ``candidate``; returns one of the outcomes above.

    Never raises, never waits. ``environ`` (default: ``view``) locates the daemon (``daemon_dir``).
    """
    if not candidate or not hasattr(os, "O_NONBLOCK"):
        return NOT_RUNNING
    try:
        base = daemon_dir(view if environ is None else environ)
        opened = _open_fifo(os.path.join(base, FIFO))
        if isinstance(opened, str):
            _last["state"] = opened
            return opened
        try:
            message = encode("visit", candidate, view)
            if len(message) <= MAX_MESSAGE:
                os.write(opened, message)
            outcome = SENT
        except BlockingIOError:
            outcome = STUCK
        finally:
            os.close(opened)
    except (OSError, ValueError):
        outcome = NOT_RUNNING
        base = ""
    _last["state"] = outcome
    if outcome == STUCK:
        _warn_stuck(base)
    return outcome


def _warn_stuck(base: str) -> None:
    """Once per stuck daemon (the daemon removes the mark when it starts): one line, then silence."""
    mark = os.path.join(base, STUCK_MARK)
    try:
        fd = os.open(mark, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return
    os.close(fd)
    sys.stderr.write(
        "autovenv: the daemon is not reading its messages (stuck?); working without it "
        "(autovenv daemon status / stop)\n"
    )


def daemon_command() -> list[str]:
    """The detached daemon: this interpreter, isolated but with site (watchdog lives in site-packages)."""
    package_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    code = (
        f"import sys;sys.path.insert(0,{package_parent!r});"
        "from autovenv.daemon.server import main;sys.exit(main(background=True))"
    )
    return [sys.executable, "-I", "-c", code]


def autostart(environ: Mapping[str, str], mode: str) -> bool:
    """With ``daemon = "auto"``, start the daemon in the background when it is not running.

    Returns at once (the daemon detaches into its own session; nothing waits for it). Uses the outcome
    of the last :func:`notify` when there was one, so the common case costs no syscall at all; an attempt
    is made at most once per :data:`AUTOSTART_INTERVAL` seconds. Never raises.
    """
    if mode != "auto" or not hasattr(os, "posix_spawn") or not sys.executable:
        return False
    try:
        base = daemon_dir(environ)
        state = _last.get("state")
        if state is None:
            opened = _open_fifo(os.path.join(base, FIFO))
            if not isinstance(opened, str):
                os.close(opened)
                return False
            state = opened
        if state != NOT_RUNNING:
            return False
        ensure_daemon_dir(environ)
        mark = os.path.join(base, AUTOSTART_MARK)
        try:
            if time.time() - os.stat(mark).st_mtime < AUTOSTART_INTERVAL:
                return False
        except FileNotFoundError:
            pass
        with open(mark, "ab"):
            pass
        os.utime(mark, None)
        return spawn_detached(daemon_command(), environ, os.path.join(base, LOG))
    except (OSError, ValueError):
        return False


def spawn_detached(argv: list[str], environ: Mapping[str, str], log: str) -> bool:
    """Start ``argv`` in a new session, stdin from /dev/null and output to ``log``; do not wait."""
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600),
        (os.POSIX_SPAWN_DUP2, 1, 2),
    ]
    env = dict(environ)
    try:
        os.posix_spawn(argv[0], argv, env, file_actions=actions, setsid=True)
    except NotImplementedError:  # no POSIX_SPAWN_SETSID: the daemon calls setsid() itself
        os.posix_spawn(argv[0], argv, env, file_actions=actions)
    return True
