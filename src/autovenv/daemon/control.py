"""Talking to the daemon from the command line: is it running, its status, start, stop, service files.

Running means "holds the lock on ``daemon.pid``" (``fcntl.flock``), never "a pid file exists", so a daemon
killed with SIGKILL is never mistaken for a live one and a reused pid is never signalled. The control
socket accepts only the daemon's own user (peer credentials), and every wait here is bounded.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import struct
import sys
import time

from autovenv.daemon.visit import (
    LOG,
    PIDFILE,
    REPORTED,
    SOCKET,
    daemon_command,
    daemon_dir,
    ensure_daemon_dir,
)
from autovenv.errors import AutovenvError
from autovenv.files import read_regular

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

#: How long a command waits for the daemon's answer (DESIGN §6: a stuck daemon costs at most 200 ms).
QUERY_TIMEOUT = 0.2
START_TIMEOUT = 5.0
STOP_TIMEOUT = 5.0
SERVICE = "autovenv"
LAUNCHD_LABEL = "org.autovenv.daemon"


def peer_uid(sock: socket.socket) -> int | None:
    """The uid of the process at the other end of a Unix stream socket, or None when unknown."""
    if hasattr(socket, "SO_PEERCRED"):  # Linux: struct ucred {pid, uid, gid}
        data = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        return int(struct.unpack("3i", data)[1])
    if sys.platform == "darwin":  # LOCAL_PEERCRED at SOL_LOCAL: struct xucred {version, uid, …}
        data = sock.getsockopt(0, 0x001, 76)
        return int(struct.unpack_from("Ii", data)[1])
    return None


def running_pid(runtime: str) -> int | None:
    """The daemon's pid if one holds the lock, else None (a pid file that is not a regular file: None;
    it is opened without blocking, so a FIFO put there cannot hang ``stop`` or ``status``)."""
    import fcntl
    import stat

    path = os.path.join(runtime, PIDFILE)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                return None
            first = os.read(fd, 64).split(b"\n", 1)[0]
            return int(first) if first.strip().isdigit() else -1
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def query(runtime: str, command: str, timeout: float = QUERY_TIMEOUT) -> dict[str, object] | None:
    """Send one command on the control socket; the reply, or None when nobody answers in time."""
    path = os.path.join(runtime, SOCKET)
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(timeout)
    deadline = time.monotonic() + timeout
    try:
        client.connect(path)
        info = os.stat(path)
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return None
        client.sendall(command.encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            client.settimeout(max(deadline - time.monotonic(), 0.001))
            chunk = client.recv(65536)
            if not chunk:
                break
            data += chunk
        reply = json.loads(data.decode("utf-8", "surrogateescape") or "null")
        return reply if isinstance(reply, dict) else None
    except (OSError, ValueError):
        return None
    finally:
        client.close()


def start(environ: Mapping[str, str] = os.environ) -> str:
    """Start the daemon detached (its own session); return once it answers, or fail in one line."""
    import subprocess

    runtime = daemon_dir(environ)
    pid = running_pid(runtime)
    if pid is not None:
        return f"already running (pid {pid})"
    ensure_daemon_dir(environ)
    log_path = os.path.join(runtime, LOG)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            daemon_command(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
            cwd="/",
            env=dict(environ),
        )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if query(runtime, "ping") is not None:
            return f"started (pid {running_pid(runtime) or process.pid})"
        if process.poll() is not None:
            pid = running_pid(runtime)
            if pid is not None:
                return f"already running (pid {pid})"
            raise AutovenvError(f"the daemon exited at once: {_log_tail(log_path)}")
        time.sleep(0.05)
    raise AutovenvError(f"the daemon did not answer within {START_TIMEOUT:g} s; see {log_path}")


def _log_tail(path: str, limit: int = 64 * 1024) -> str:
    try:
        data = read_regular(path, 16 * 1024 * 1024, follow_symlinks=False)
    except OSError:
        return "(no log)"
    lines = data[-limit:].decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else "(empty log)"


def stop(environ: Mapping[str, str] = os.environ, timeout: float = STOP_TIMEOUT) -> str:
    """SIGTERM the daemon and wait (bounded) until it has released its lock."""
    runtime = daemon_dir(environ)
    pid = running_pid(runtime)
    if pid is None:
        return "not running"
    if pid <= 0:
        raise AutovenvError(f"the daemon's pid file ({os.path.join(runtime, PIDFILE)}) is unreadable")
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return "not running"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if running_pid(runtime) is None:
            return f"stopped (pid {pid})"
        time.sleep(0.05)
    raise AutovenvError(f"pid {pid} did not stop within {timeout:g} s; to force it: kill -KILL {pid}")


def status(environ: Mapping[str, str] = os.environ) -> dict[str, object]:
    """What ``autovenv daemon status`` shows; ``state`` is running, not-responding or stopped."""
    runtime = daemon_dir(environ)
    pid = running_pid(runtime)
    if pid is None:
        return {"state": "stopped", "runtime": runtime}
    reply = query(runtime, "status")
    if reply is None:
        return {"state": "not-responding", "pid": pid, "runtime": runtime}
    return {"state": "running", **reply}


def format_status(data: Mapping[str, object]) -> str:
    state = data.get("state")
    if state == "stopped":
        return "autovenv daemon: not running\n"
    if state == "not-responding":
        return (
            f"autovenv daemon: pid {data.get('pid')} holds the lock but does not answer within "
            f"{QUERY_TIMEOUT * 1000:.0f} ms (stuck?); shells work without it. Stop it: autovenv daemon stop\n"
        )
    watches = data.get("watches")
    counts = watches if isinstance(watches, dict) else {}
    roots = data.get("roots")
    lines = [
        f"autovenv daemon: running (pid {data.get('pid')}, up {_duration(data.get('uptime'))}, "
        f"RSS {_size(data.get('rss_kb'))})",
        f"  backend: {data.get('backend')}; {counts.get('inotify', 0)} inotify watches, "
        f"{counts.get('polled_dirs', 0)} polled directories, {counts.get('polled_files', 0)} polled files",
        f"  projects: {data.get('projects')} ({data.get('visited')} reported by shells); "
        f"{data.get('resolved')} resolutions, {data.get('written')} entries written, "
        f"{data.get('restamped')} restamped, "
        f"{data.get('pending')} pending",
    ]
    if isinstance(roots, list) and roots:
        lines.append("  watched roots:")
        for root in roots:
            if isinstance(root, dict):
                missing = "" if root.get("exists") else "  (missing: waiting for it to reappear)"
                lines.append(f"    {root.get('path')}{missing}")
    else:
        lines.append('  watched roots: none (set watch_roots = ["~/code"] in the config to pre-resolve)')
    degraded = data.get("degraded")
    if isinstance(degraded, list) and degraded:
        lines.append("  degraded:")
        lines.extend(f"    {reason}" for reason in degraded)
    else:
        lines.append("  degraded: no")
    if data.get("last_error"):
        lines.append(f"  last error: {data.get('last_error')}")
    lines.append(f"  cache: {data.get('cache')}; runtime: {data.get('runtime')}")
    return "\n".join(lines) + "\n"


def _duration(value: object) -> str:
    seconds = int(value) if isinstance(value, (int, float)) else 0
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"


def _size(value: object) -> str:
    return f"{value / 1024:.1f} MB" if isinstance(value, (int, float)) else "?"


# -- service files -------------------------------------------------------------------------------


def service_command() -> list[str]:
    """``python -I -m autovenv daemon run`` with this interpreter's absolute path."""
    return [os.path.abspath(sys.executable), "-I", "-m", "autovenv", "daemon", "run"]


def service_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """Variables the shells have and a service manager would not (HOME it sets itself)."""
    from autovenv import plan

    view = plan.user_view(environ)
    names = [name for name in (*REPORTED, "AUTOVENV_RUNTIME_DIR") if name != "HOME"]
    return {name: view[name] for name in names if view.get(name)}


def _systemd_quote(value: str) -> str:
    escaped = value.replace("%", "%%").replace("$", "$$")
    if escaped and all(c.isalnum() or c in "/._-+:@=," for c in escaped):
        return escaped
    return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def systemd_unit(environ: Mapping[str, str] = os.environ) -> str:
    exec_start = " ".join(_systemd_quote(arg) for arg in service_command())
    env_lines = "".join(
        f"Environment={_systemd_quote(f'{name}={value}')}\n"
        for name, value in service_environment(environ).items()
    )
    return (
        f"# The autovenv daemon as a systemd user service: ~/.config/systemd/user/{SERVICE}.service, then\n"
        f"#   systemctl --user daemon-reload && systemctl --user enable --now {SERVICE}\n"
        "[Unit]\n"
        "Description=autovenv daemon: keeps the shells' cached Python environments fresh\n"
        "\n"
        "[Service]\n"
        "Type=simple\n"
        f"ExecStart={exec_start}\n"
        f"{env_lines}"
        "Restart=on-failure\n"
        "RestartSec=2\n"
        "\n"
        "[Install]\n"
        "WantedBy=default.target\n"
    )


def unit_path(kind: str, environ: Mapping[str, str] = os.environ) -> str:
    """Where the service file goes: systemd's user unit directory, or launchd's LaunchAgents."""
    home = environ.get("HOME") or os.path.expanduser("~")
    if kind == "launchd":
        return os.path.join(home, "Library", "LaunchAgents", f"{LAUNCHD_LABEL}.plist")
    config = environ.get("XDG_CONFIG_HOME", "")
    config = config if os.path.isabs(config) else os.path.join(home, ".config")
    return os.path.join(config, "systemd", "user", f"{SERVICE}.service")


def enable_command(kind: str) -> str:
    """What to run once the file is in place: start the daemon now and at every login."""
    if kind == "launchd":
        return f'launchctl bootstrap gui/"$(id -u)" ~/Library/LaunchAgents/{LAUNCHD_LABEL}.plist'
    return f"systemctl --user daemon-reload && systemctl --user enable --now {SERVICE}"


def install_unit(kind: str, text: str, environ: Mapping[str, str] = os.environ) -> tuple[str, str]:
    """Write the service file (its directory made if needed; a different file kept as a backup beside
    it); returns (path, what happened, in a line that names the path)."""
    path = unit_path(kind, environ)
    try:
        old: bytes | None = read_regular(path, 1024 * 1024, follow_symlinks=False)
    except FileNotFoundError:
        old = None
    data = text.encode("utf-8", "surrogateescape")
    if old == data:
        return path, f"{path} is already installed"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    done = f"wrote {path}"
    if old is not None:
        backup = path + ".autovenv-backup"
        os.replace(path, backup)
        done = f"replaced {path} (the old one is {backup})"
    temp = f"{path}.{os.getpid()}.tmp"
    with open(temp, "wb") as handle:
        handle.write(data)
    os.chmod(temp, 0o644)
    os.replace(temp, path)
    return path, done


def _xml(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def launchd_plist(environ: Mapping[str, str] = os.environ) -> str:
    home = environ.get("HOME") or os.path.expanduser("~")
    args = "".join(f"\n        <string>{_xml(arg)}</string>" for arg in service_command())
    env = "".join(
        f"\n        <key>{_xml(name)}</key>\n        <string>{_xml(value)}</string>"
        for name, value in service_environment(environ).items()
    )
    log = os.path.join(home, "Library", "Logs", "autovenv-daemon.log")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
        f"<!-- Save as ~/Library/LaunchAgents/{LAUNCHD_LABEL}.plist, then:\n"
        f'     launchctl bootstrap gui/"$(id -u)" ~/Library/LaunchAgents/{LAUNCHD_LABEL}.plist -->\n'
        '<plist version="1.0">\n'
        "<dict>\n"
        f"    <key>Label</key>\n    <string>{LAUNCHD_LABEL}</string>\n"
        f"    <key>ProgramArguments</key>\n    <array>{args}\n    </array>\n"
        f"    <key>EnvironmentVariables</key>\n    <dict>{env}\n    </dict>\n"
        "    <key>RunAtLoad</key>\n    <true/>\n"
        "    <key>KeepAlive</key>\n"
        "    <dict>\n        <key>SuccessfulExit</key>\n        <false/>\n    </dict>\n"
        f"    <key>StandardErrorPath</key>\n    <string>{_xml(log)}</string>\n"
        "</dict>\n"
        "</plist>\n"
    )
