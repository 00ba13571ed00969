"""Where autovenv keeps its files, computed without importing platformdirs.

The export path runs on a prompt and may not pay for imports it does not need, so these functions mirror
platformdirs' answers (``user_cache_dir`` / ``user_data_dir`` / ``user_config_dir`` / ``user_runtime_dir``
for app name "autovenv", no author) for Linux, macOS and Windows; a unit test holds them equal to
platformdirs itself. Like platformdirs 4, an ``XDG_*`` variable counts on Linux and macOS when it holds an
absolute path, and is ignored otherwise. ``AUTOVENV_CACHE_DIR`` / ``AUTOVENV_DATA_DIR`` /
``AUTOVENV_CONFIG_DIR`` / ``AUTOVENV_RUNTIME_DIR`` override, also only when absolute: a relative one
would name a directory inside whatever checkout the shell stands in.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

APP = "autovenv"
MAC_SUPPORT = os.path.join("Library", "Application Support")


def home_of(environ: Mapping[str, str]) -> str:
    """``$HOME`` of the given environment; unset, the user's home from the password database, as bash
    sets it, never the process's own HOME (which the daemon's is not, and which no answer's key holds)."""
    home = environ.get("HOME")
    if home:
        return home
    if os.name == "nt":
        return os.path.expanduser("~")
    import pwd

    try:
        return pwd.getpwuid(os.getuid()).pw_dir
    except KeyError:
        return "/"


_home = home_of


def _xdg_set(environ: Mapping[str, str], name: str) -> str | None:
    """An XDG variable's value when it is an absolute path; the spec says to ignore anything else."""
    value = environ.get(name, "")
    return value if value.startswith("/") else None


def _override(environ: Mapping[str, str], name: str) -> str | None:
    """An ``AUTOVENV_*_DIR`` override when it is an absolute path."""
    value = environ.get(name, "")
    return value if os.path.isabs(value) else None


def _xdg(environ: Mapping[str, str], name: str, default: str) -> str:
    return _xdg_set(environ, name) or os.path.join(_home(environ), default)


def _windows_local(environ: Mapping[str, str]) -> str:
    return environ.get("LOCALAPPDATA") or os.path.join(_home(environ), "AppData", "Local")


def cache_dir(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> str:
    """Per-user cache directory (answers cached per project directory live here)."""
    override = _override(environ, "AUTOVENV_CACHE_DIR")
    if override:
        return override
    if platform == "win32":
        return os.path.join(_windows_local(environ), APP, "Cache")
    if platform == "darwin":
        return os.path.join(_xdg(environ, "XDG_CACHE_HOME", os.path.join("Library", "Caches")), APP)
    return os.path.join(_xdg(environ, "XDG_CACHE_HOME", ".cache"), APP)


def data_dir(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> str:
    """Per-user data directory (the trust store lives here: losing it must not be routine)."""
    override = _override(environ, "AUTOVENV_DATA_DIR")
    if override:
        return override
    if platform == "win32":
        return os.path.join(_windows_local(environ), APP)
    if platform == "darwin":
        return os.path.join(_xdg(environ, "XDG_DATA_HOME", MAC_SUPPORT), APP)
    return os.path.join(_xdg(environ, "XDG_DATA_HOME", os.path.join(".local", "share")), APP)


def config_dir(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> str:
    """Per-user configuration directory (``config.toml``)."""
    override = _override(environ, "AUTOVENV_CONFIG_DIR")
    if override:
        return override
    if platform == "win32":
        return os.path.join(_windows_local(environ), APP)
    if platform == "darwin":
        return os.path.join(_xdg(environ, "XDG_CONFIG_HOME", MAC_SUPPORT), APP)
    return os.path.join(_xdg(environ, "XDG_CONFIG_HOME", ".config"), APP)


def runtime_dir(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> str:
    """Per-user runtime directory (the daemon's socket and lock)."""
    override = _override(environ, "AUTOVENV_RUNTIME_DIR")
    if override:
        return override
    if platform == "win32":
        return os.path.join(_windows_local(environ), "Temp", APP)
    if platform == "darwin":
        return os.path.join(_home(environ), "Library", "Caches", "TemporaryItems", APP)
    base = _xdg_set(environ, "XDG_RUNTIME_DIR") or ""
    if not base:
        base = os.path.join("/run/user", str(os.getuid())) if hasattr(os, "getuid") else ""
        if not os.path.isdir(base):
            base = os.path.join("/tmp", f"runtime-{os.getuid()}") if hasattr(os, "getuid") else "/tmp"
    return os.path.join(base, APP)


def user_config_file(environ: Mapping[str, str] = os.environ) -> str:
    return os.path.join(config_dir(environ), "config.toml")


def mirror_path(base: str, path: str) -> str:
    """A per-directory location under ``base`` that mirrors ``path``, one level per path component.

    Each component gets a ``d`` prefix, so ``/a/b`` maps to ``base/da/db`` and the entry files placed in it
    (named without that prefix) can never collide with a component. Lookup is a plain path open: its cost
    does not grow with the number of entries, and the shell hooks compute the same path with one string
    substitution, without starting a process. A Windows drive ``C:`` becomes ``dC``.
    """
    cleaned = path.replace("\\", "/") if os.name == "nt" else path
    if os.name == "nt" and len(cleaned) >= 2 and cleaned[1] == ":":
        cleaned = "/" + cleaned[0] + cleaned[2:]
    cleaned = cleaned.rstrip("/") or ""
    return base + cleaned.replace("/", "/d") + "/d"
