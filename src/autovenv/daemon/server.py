"""``autovenv daemon run``: one instance per user configuration, a single-threaded ``select`` loop.

Everything lives in the daemon's directory (``visit.daemon_dir()``: a directory per cache directory served,
inside the user's runtime directory, both 0700 and owner checked): ``daemon.pid`` (``flock``-ed while
running: that is the one-instance rule), the ``visits`` FIFO the shells' cold path writes to (see
``visit.py``), the ``daemon.sock`` control socket (``status``, ``ping``; peers of another uid are refused)
and, when started in the background, ``daemon.log``. SIGTERM, SIGINT and SIGHUP (reload) are turned into
loop events through a wakeup pipe; on exit the socket, FIFO and pid file are removed, and the daemon exits
by itself when its directory or FIFO is removed (e.g. at logout), or when its own package is removed or
replaced (an uninstall or upgrade: the code in memory would write answers for an installation that is gone).
"""

from __future__ import annotations

import errno
import json
import os
import selectors
import signal
import socket
import stat
import sys
import time
import traceback
from contextlib import suppress

from autovenv import __version__
from autovenv.daemon import core
from autovenv.daemon.control import peer_uid
from autovenv.daemon.state import State, default_env
from autovenv.daemon.visit import FIFO, PIDFILE, SOCKET, STUCK_MARK, ensure_daemon_dir, served_cache
from autovenv.daemon.watch import POLL_INTERVAL, Watcher

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

MAX_LOG = 1024 * 1024
#: sockaddr_un.sun_path holds 108 bytes on Linux (104 on macOS), the terminating NUL included.
MAX_SOCKET_PATH = 107 if sys.platform.startswith("linux") else 103
MAX_PENDING = 1024 * 1024


def log(message: str) -> None:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    try:
        sys.stderr.write(f"{stamp} autovenv-daemon[{os.getpid()}]: {message}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def acquire_lock(path: str) -> int | None:
    """The locked pid file's descriptor, or None when another daemon holds it."""
    import fcntl

    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                return None
            raise
        mine = os.fstat(fd)
        try:
            there = os.stat(path)
        except FileNotFoundError:
            there = None
        if there is not None and (there.st_dev, there.st_ino) == (mine.st_dev, mine.st_ino):
            break
        os.close(fd)  # the file was removed (a daemon exiting) between our open and our lock: again
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n{time.time():.0f}\n".encode())
    return fd


def rss_kb() -> int | None:
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return int(peak // 1024 if sys.platform == "darwin" else peak)
    except (ImportError, OSError):
        return None


def package_identity() -> tuple[tuple[int, int] | None, ...]:
    """What the installed package is now: (inode, mtime) of its ``__init__.py`` and of its dist-info's
    ``RECORD`` (rewritten by every install), ``None`` for each that is gone."""
    from autovenv import start

    identity = []
    package_init = os.path.join(os.path.dirname(os.path.dirname(__file__)), "__init__.py")
    for path in (package_init, start.installed_record()):
        try:
            info = os.stat(path) if path else None
        except OSError:
            info = None
        identity.append((info.st_ino, info.st_mtime_ns) if info is not None else None)
    return tuple(identity)


class Server:
    def __init__(self, runtime: str, environ: Mapping[str, str], use_inotify: bool = True) -> None:
        self.runtime = runtime
        self.environ = environ
        self.started = time.time()
        self.started_mono = time.monotonic()
        self.selector = selectors.DefaultSelector()
        self.watcher = Watcher(use_inotify=use_inotify)
        self.package = package_identity()
        self.state = State(
            self.watcher, default_env(environ), log=log, runtime=runtime, cache=served_cache(environ)
        )
        self.stop_signal = 0
        self.reload = False
        self._pending = b""
        self._paths: list[str] = []
        self._fds: list[int] = []
        self._sock: socket.socket | None = None
        self._wake_r = -1

    # -- setup -----------------------------------------------------------------------------------

    def open(self) -> None:
        fifo = os.path.join(self.runtime, FIFO)
        _unlink(fifo)
        os.mkfifo(fifo, 0o600)
        self._paths.append(fifo)
        read_fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        keep_fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # no EOF when shells close
        self._fds += [read_fd, keep_fd]
        info = os.fstat(read_fd)
        if not stat.S_ISFIFO(info.st_mode) or info.st_uid != os.getuid():
            raise OSError(f"{fifo} is not our FIFO")
        self.selector.register(read_fd, selectors.EVENT_READ, self._on_fifo)

        path = os.path.join(self.runtime, SOCKET)
        if len(os.fsencode(path)) > MAX_SOCKET_PATH:
            raise OSError(
                f"{path} is longer than a socket path may be ({MAX_SOCKET_PATH} bytes); "
                "set AUTOVENV_RUNTIME_DIR to a shorter directory"
            )
        _unlink(path)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            sock.bind(path)
        finally:
            os.umask(old)
        self._paths.append(path)
        sock.listen(16)
        sock.setblocking(False)
        self._sock = sock
        self.selector.register(sock, selectors.EVENT_READ, self._on_control)

        wake_r, wake_w = os.pipe()
        for fd in (wake_r, wake_w):
            os.set_blocking(fd, False)
            os.set_inheritable(fd, False)
        self._fds += [wake_r, wake_w]
        self._wake_r = wake_r
        signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        if hasattr(signal, "SIGHUP"):
            signal.signal(signal.SIGHUP, self._on_signal)
        self.selector.register(wake_r, selectors.EVENT_READ, self._on_wake)

        inotify_fd = self.watcher.fileno()
        if inotify_fd is not None:
            self.selector.register(inotify_fd, selectors.EVENT_READ, self._on_inotify)
        _unlink(os.path.join(self.runtime, STUCK_MARK))
        self.state.configure()
        log(f"started (autovenv {__version__}, {self.watcher.backend}); runtime {self.runtime}")
        for reason in self.watcher.degraded:
            log(f"degraded: {reason}")

    def close(self) -> None:
        signal.set_wakeup_fd(-1)
        for path in self._paths:
            _unlink(path)
        if self._sock is not None:
            self._sock.close()
        for fd in self._fds:
            with suppress(OSError):
                os.close(fd)
        self.watcher.close()
        self.selector.close()

    # -- the loop --------------------------------------------------------------------------------

    def serve(self) -> None:
        next_poll = time.monotonic() + POLL_INTERVAL
        while not self.stop_signal:
            now = time.monotonic()
            due = self.state.next_due()
            timeout = None if due is None else max(due - now, 0.0)
            polling = bool(self.watcher.poller) or bool(self.state.missing_roots)
            if polling:
                until_poll = max(next_poll - now, 0.0)
                timeout = until_poll if timeout is None else min(timeout, until_poll)
            for key, _ in self.selector.select(timeout):
                callback: Callable[[], None] = key.data
                callback()
            self.check_package()
            if self.state.stop_reason:
                log(f"{self.state.stop_reason}; exiting")
                return
            if self.reload:
                self.reload = False
                log("reloading the configuration (SIGHUP)")
                self.state.configure()
            if polling and time.monotonic() >= next_poll:
                self.state.handle(self.watcher.poll())
                self.state.check_missing_roots()
                next_poll = time.monotonic() + POLL_INTERVAL
            if self.stop_signal:
                break
            self.state.run_due()
            if self.state.stop_reason:
                log(f"{self.state.stop_reason}; exiting")
                return
        log(f"stopping ({signal.Signals(self.stop_signal).name})")

    def _on_signal(self, signum: int, frame: object) -> None:
        if hasattr(signal, "SIGHUP") and signum == signal.SIGHUP:
            self.reload = True
        else:
            self.stop_signal = signum

    def _on_wake(self) -> None:
        try:
            while os.read(self._wake_r, 512):
                pass
        except OSError:
            pass

    def _on_inotify(self) -> None:
        self.state.handle(self.watcher.read())

    def _on_fifo(self) -> None:
        fd = self._fds[0]
        while True:
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                break
            except InterruptedError:
                continue
            if not chunk:
                break
            self._pending += chunk
        visits, self._pending = core.decode(self._pending)
        if len(self._pending) > MAX_PENDING:  # garbage without terminators: drop it
            self._pending = b""
        for visit in visits:
            self.state.visit(visit)

    def _on_control(self) -> None:
        assert self._sock is not None
        while True:
            try:
                conn, _ = self._sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                log(f"control socket: {exc}")
                return
            with conn:
                self._serve_client(conn)

    def _serve_client(self, conn: socket.socket) -> None:
        try:
            uid = peer_uid(conn)
            if uid is not None and uid != os.getuid():
                log(f"refused a control connection from uid {uid}")
                return
            conn.settimeout(0.2)
            data = b""
            while b"\n" not in data and len(data) < 1024:
                chunk = conn.recv(1024)
                if not chunk:
                    break
                data += chunk
            command = data.split(b"\n", 1)[0].strip().decode("ascii", "replace")
            if command == "ping":
                reply: dict[str, object] = {"pong": True, "pid": os.getpid()}
            elif command == "status":
                reply = self.status()
            else:
                reply = {"error": f"unknown command {command!r}"}
            conn.sendall(json.dumps(reply).encode("utf-8", "surrogateescape") + b"\n")
        except OSError:
            pass

    def check_package(self) -> None:
        """Stop (after answering the request at hand) once the package this code came from is gone."""
        if not self.state.stop_reason and package_identity() != self.package:
            self.state.stop_reason = (
                f"its package ({os.path.dirname(os.path.dirname(__file__))}) was removed or replaced "
                "since it started"
            )

    def status(self) -> dict[str, object]:
        self.check_package()
        report = self.state.report()
        if self.state.stop_reason:
            degraded = report.get("degraded")
            earlier = degraded if isinstance(degraded, list) else []
            report["degraded"] = [f"{self.state.stop_reason}: exiting now", *earlier]
        return {
            "pid": os.getpid(),
            "version": __version__,
            "started": self.started,
            "uptime": time.monotonic() - self.started_mono,
            "rss_kb": rss_kb(),
            "runtime": self.runtime,
            **report,
        }


def _unlink(path: str) -> None:
    with suppress(FileNotFoundError):
        os.unlink(path)


def main(background: bool = False, environ: Mapping[str, str] | None = None) -> int:
    """Run the daemon in this process until SIGTERM; ``background``: detached start (own session, log)."""
    environ = os.environ if environ is None else environ
    if background:
        with suppress(OSError):  # fails when already a session leader (posix_spawn setsid, Popen)
            os.setsid()
        try:
            if os.fstat(2).st_size > MAX_LOG and stat.S_ISREG(os.fstat(2).st_mode):
                os.ftruncate(2, 0)
        except OSError:
            pass
    with suppress(OSError):
        os.chdir("/")
    try:
        runtime = ensure_daemon_dir(environ)
        lock = acquire_lock(os.path.join(runtime, PIDFILE))
    except OSError as exc:
        log(f"cannot use its runtime directory: {exc}")
        return 1
    if lock is None:
        from autovenv.daemon.control import running_pid

        log(f"already running (pid {running_pid(runtime)}); this one exits")
        return 0 if background else 1
    use_inotify = environ.get("AUTOVENV_DAEMON_BACKEND", "") != "poll"
    server = Server(runtime, environ, use_inotify=use_inotify)
    code = 0
    try:
        try:
            server.open()
        except OSError as exc:  # a path too long, a runtime directory gone: one line says it all
            log(f"cannot start: {exc}")
            return 1
        server.serve()
    except Exception:  # log the traceback, clean up, exit non-zero
        log("crashed:\n" + traceback.format_exc())
        code = 1
    finally:
        server.close()
        _unlink(os.path.join(runtime, PIDFILE))
        os.close(lock)
    return code
